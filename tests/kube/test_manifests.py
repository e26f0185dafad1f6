"""Reading manifests: formats, bounds, refusals and what is counted as not analysed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from archmodel.kube import ManifestError, NeedsRendering, read_cluster
from archmodel.kube.manifests import ALIAS_LIMIT, read_manifests


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_multi_document_yaml_json_and_lists(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "kind: Pod\nmetadata: {name: a}\n---\n---\nkind: Pod\nmetadata: {name: b}\n")
    write(
        tmp_path,
        "b.json",
        json.dumps({"kind": "List", "items": [{"kind": "Pod", "metadata": {"name": "c"}}]}),
    )
    docs = read_manifests(tmp_path)
    assert [(d.body["metadata"]["name"], d.line) for d in docs] == [("a", 1), ("b", 5), ("c", 1)]


def test_errors_name_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "kind: Pod\n---\nkind: [unclosed\n")
    with pytest.raises(ManifestError, match=f"{path}:[34]"):
        read_manifests(tmp_path)


def test_alias_bound(tmp_path: Path) -> None:
    aliases = ", ".join("*a" for _ in range(ALIAS_LIMIT + 1))
    write(tmp_path, "laughs.yaml", f"a: &a [x]\nb: [{aliases}]\n")
    with pytest.raises(ManifestError, match="aliases"):
        read_manifests(tmp_path)


def test_links_out_and_special_files_are_errors_never_read(tmp_path: Path) -> None:
    secret = write(tmp_path / "outside", "secret.yaml", "kind: Pod\nmetadata: {name: secret}\n")
    (tmp_path / "link").mkdir()
    os.symlink(secret, tmp_path / "link" / "link.yaml")
    with pytest.raises(ManifestError, match=r"link\.yaml.*not read"):
        read_manifests(tmp_path / "link")
    (tmp_path / "fifo").mkdir()
    os.mkfifo(tmp_path / "fifo" / "fifo.yaml")
    with pytest.raises(ManifestError, match=r"fifo.yaml: not a regular file \(fifo\)"):
        read_manifests(tmp_path / "fifo")


@pytest.mark.parametrize(
    ("name", "command"), [("Chart.yaml", "helm template"), ("kustomization.yaml", "kubectl kustomize")]
)
def test_templates_are_refused_with_the_command_that_renders_them(
    tmp_path: Path, name: str, command: str
) -> None:
    path = write(tmp_path / "chart", name, "name: x\n")
    with pytest.raises(NeedsRendering) as error:
        read_manifests(tmp_path)
    assert str(path) in str(error.value) and command in str(error.value)


def test_kinds_not_analysed_are_counted(tmp_path: Path) -> None:
    write(
        tmp_path,
        "x.yaml",
        "kind: ConfigMap\n---\nkind: ConfigMap\n---\nkind: ServiceAccount\n---\nkind: Deployment\nmetadata: {name: d}\n",
    )
    cluster = read_cluster(tmp_path)
    assert cluster.summary() == "3 resources of 2 kinds not analysed: 2 ConfigMap, 1 ServiceAccount"
    assert [w.name for w in cluster.workloads] == ["d"]


def test_workload_kinds_and_their_pod_templates(tmp_path: Path) -> None:
    template = "{metadata: {labels: {app: x}}, spec: {containers: [{name: c, ports: [{containerPort: 1, name: p}]}]}}"
    write(
        tmp_path,
        "w.yaml",
        f"kind: StatefulSet\nmetadata: {{name: s}}\nspec: {{template: {template}}}\n---\n"
        f"kind: CronJob\nmetadata: {{name: c, namespace: n}}\nspec: {{jobTemplate: {{spec: {{template: {template}}}}}}}\n",
    )
    found = [
        (w.kind, w.namespace, w.labels, w.named_port("p", "TCP")) for w in read_cluster(tmp_path).workloads
    ]
    assert found == [("StatefulSet", "default", {"app": "x"}, 1), ("CronJob", "n", {"app": "x"}, 1)]


def test_workloads_keep_their_containers_and_the_replicas_written(tmp_path: Path) -> None:
    """Images, requests and limits as text (YAML reads ``cpu: 1`` as a number), replicas
    only where they count pods; an odd shape of what drift does not read is no error."""
    containers = (
        "[{name: db, image: 'postgres:16@sha256:00', resources: {requests: {cpu: 1, memory: 1Gi}, "
        "limits: {memory: 2Gi, ephemeral-storage: 1Gi}}}, {name: sidecar, image: envoy, resources: [odd]}]"
    )
    write(
        tmp_path,
        "w.yaml",
        f"kind: StatefulSet\nmetadata: {{name: s}}\nspec: {{replicas: 3, template: {{spec: {{containers: {containers}}}}}}}\n"
        "---\nkind: DaemonSet\nmetadata: {name: d}\nspec: {replicas: 2, template: {spec: {containers: [{name: x}]}}}\n"
        "---\nkind: Deployment\nmetadata: {name: e}\nspec: {template: {spec: {containers: [{name: x}]}}}\n",
    )
    stateful, daemons, deployment = read_cluster(tmp_path).workloads
    assert [(c.name, c.image, c.requests, c.limits) for c in stateful.containers] == [
        (
            "db",
            "postgres:16@sha256:00",
            {"cpu": "1", "memory": "1Gi"},
            {"memory": "2Gi", "ephemeral-storage": "1Gi"},
        ),
        ("sidecar", "envoy", {}, {}),
    ]
    assert (stateful.replicas, daemons.replicas, deployment.replicas) == (3, None, None)
    assert [(c.name, c.image) for c in daemons.containers] == [("x", None)]


@pytest.mark.parametrize(
    "text",
    [
        "kind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelector: {}, ingress: x}\n",
        "kind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelector: {matchExpressions: [{key: a, operator: Near}]}}\n",
        "kind: NetworkPolicy\nmetadata: {name: p}\nspec: {ingress: [{from: [{ipBlock: {cidr: not-an-ip}}]}]}\n",
        "kind: NetworkPolicy\nmetadata: {name: p}\nspec: {ingress: [{from: [{}]}]}\n",
        "kind: Deployment\nmetadata: {name: d}\nspec: {template: [1, 2]}\n",
        "kind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80, protocol: [TCP]}], selector: [a]}\n",
        "kind: Gateway\nmetadata: {name: g}\nspec: {listeners: [{allowedRoutes: {namespaces: [All]}}]}\n",
    ],
)
def test_malformed_objects_are_errors_naming_the_file_and_line(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "bad.yaml", "---\n" + text)
    with pytest.raises(ManifestError, match=f"^{path}:2: "):
        read_cluster(tmp_path)
