"""The generated NetworkPolicies allow exactly the modelled flows between components in
the cluster: no pair more, no pair less, on exactly the port each flow arrives at.

The check reads the rendered ``k8s/<env>/*.yaml`` back with the project's own Kubernetes
semantics (``archmodel.kube``), not with the generator's code: a flow's port is what
its caller dials, resolved through the rendered Service to the container port the way
kube-proxy does, and the allowed pairs are enumerated from the policies by the verdict
engine. Peers outside the cluster are chart values that admit nobody until given.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from archmodel.generators.helm import generate
from archmodel.graph import ArchGraph
from archmodel.kube.cluster import Cluster, read_cluster
from archmodel.kube.mapping import component_of
from archmodel.kube.objects import Workload
from archmodel.kube.reach import Reach, address, allowed
from archmodel.kube.verdict import External, connection
from archmodel.load import load
from archmodel.model import CLUSTER_FRONTS, DATA_STORES, Flow, runs_in_container
from archmodel.project import Project
from archmodel.runner import NoOptions

MODELS = Path(__file__).resolve().parents[2] / "models"
ALL = [MODELS / "reference", *sorted(p for p in (MODELS / "examples").iterdir() if p.is_dir())]
OUTSIDE = [External(ipaddress.ip_address(a)) for a in ("203.0.113.10", "10.1.2.3", "172.16.0.9")]


def rendered(model: Path, tmp: Path) -> tuple[ArchGraph, dict[str, bytes], dict[str, Cluster]]:
    loaded = load(model)
    assert not [d for d in loaded.diagnostics if d.severity == "error"], loaded.diagnostics
    project = Project.from_loaded(loaded)
    files = {str(p): b for p, b in generate(project, NoOptions()).items()}
    for path, content in files.items():
        (tmp / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp / path).write_bytes(content)
    envs = sorted({p.split("/")[1] for p in files if p.startswith("k8s/")})
    return project.graph, files, {env: read_cluster(tmp / "k8s" / env) for env in envs}


def arrival(cluster: Cluster, target: Workload, flow: Flow) -> list[tuple[int, str]]:
    """The container ports a flow arrives at: the port it dials on the target's Service,
    translated to its targetPort (every Service port when the flow names none)."""
    found = []
    for svc in cluster.services:
        if (
            svc.namespace != target.namespace
            or svc.selector is None
            or not svc.selector.matches(target.labels)
        ):
            continue
        for sp in svc.ports:
            if flow.port is None or sp.port == flow.port:
                port = sp.target if isinstance(sp.target, int) else target.named_port(sp.target, sp.protocol)
                if port is not None:
                    found.append((port, sp.protocol))
    return found


def expected(graph: ArchGraph, cluster: Cluster) -> tuple[set[Reach], list[str]]:
    """The pairs the flows between workloads of the cluster need, and the flows whose
    port no Service of the target offers."""
    workloads = {component_of(w, set(graph.components)): w for w in cluster.workloads}
    pairs, unresolved = set(), []
    for flow in graph.flows.values():
        source, target = workloads.get(flow.source), workloads.get(flow.target)
        if source is None or target is None:
            continue
        ports = arrival(cluster, target, flow)
        if not ports:
            unresolved.append(f"{flow.id} on {flow.port}")
        pairs |= {Reach(address(source), address(target), p, proto) for p, proto in ports}
    return pairs, unresolved


@pytest.fixture(scope="module", params=ALL, ids=lambda p: p.name)
def model(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[ArchGraph, dict[str, bytes], dict[str, Cluster]]:
    path: Path = request.param
    return rendered(path, tmp_path_factory.mktemp(path.name))


def test_policies_allow_exactly_the_modelled_flows(
    model: tuple[ArchGraph, dict[str, bytes], dict[str, Cluster]],
) -> None:
    graph, _, clusters = model
    for env, cluster in clusters.items():
        want, unresolved = expected(graph, cluster)
        assert not unresolved, f"{env}: no Service port for {unresolved}"
        got = allowed(cluster)
        assert sorted(map(str, got - want)) == [], f"{env}: allowed beyond the flows"
        assert sorted(map(str, want - got)) == [], f"{env}: modelled flows blocked"


def test_nothing_outside_the_cluster_is_a_peer_by_default(
    model: tuple[ArchGraph, dict[str, bytes], dict[str, Cluster]],
) -> None:
    """Neither the internet nor the VPC's private ranges reach or are reached by any pod
    until the chart's ``peers`` values say who the load balancer or the IdP is."""
    _, _, clusters = model
    for cluster in clusters.values():
        for workload in cluster.workloads:
            for outside in OUTSIDE:
                for port in (443, 5432, 8080, 8443):
                    assert not connection(cluster, outside, workload, port).allowed
                    assert not connection(cluster, workload, outside, port).allowed


def test_services_only_for_called_components_and_no_replicas_under_an_hpa(
    model: tuple[ArchGraph, dict[str, bytes], dict[str, Cluster]],
) -> None:
    graph, files, _ = model
    for path, content in files.items():
        if not path.startswith("k8s/"):
            continue
        found = list(yaml.safe_load_all(content))
        docs = {d["kind"]: d for d in found}
        workload = docs.get("Deployment") or docs.get("StatefulSet")
        if workload is None:
            assert path.endswith("/_namespaces.yaml") and set(docs) == {"Namespace"}, path
            continue
        cid = workload["metadata"]["labels"]["archmodel.io/component"]
        called = any(True for _ in graph.flows_into(cid))
        dialled = [d for d in found if d["kind"] == "Service" and d["spec"].get("type") == "ClusterIP"]
        assert bool(dialled) == called, path
        external = [d for d in found if d["kind"] == "Service" and d["spec"].get("type") == "LoadBalancer"]
        assert bool(external) == reached_from_outside(graph, cid), path
        assert ("replicas" in workload["spec"]) == ("HorizontalPodAutoscaler" not in docs), path
        store = graph.components[cid].kind in DATA_STORES  # a StatefulSet of fixed size
        assert (workload["kind"] == "StatefulSet") == store, path
        assert not (store and "HorizontalPodAutoscaler" in docs), path
        assert workload["metadata"]["namespace"] not in ("", "default"), path
        container = workload["spec"]["template"]["spec"]["containers"][0]
        assert set(container["resources"]["limits"]) == {"cpu", "memory"}, path
        if "ports" in container:
            assert "readinessProbe" in container and "livenessProbe" in container, path
        else:
            assert not called and "HorizontalPodAutoscaler" not in docs, path


def reached_from_outside(graph: ArchGraph, cid: str) -> bool:
    """Public, or behind a public load balancer or API gateway that runs in no container."""
    fronts = [graph.components[s] for s in graph.flow_graph.predecessors(cid)]
    return graph.components[cid].public or any(
        f.public and f.kind in CLUSTER_FRONTS and not runs_in_container(f) for f in fronts
    )


def test_peer_values_refuse_wide_or_empty_peers(
    model: tuple[ArchGraph, dict[str, bytes], dict[str, Cluster]],
) -> None:
    _, files, _ = model
    for path in (p for p in files if p.endswith("/values.schema.json")):
        schema = json.loads(files[path])
        values = yaml.safe_load(files[path.replace("values.schema.json", "values.yaml")])
        jsonschema.validate(values, schema)
        for peer in values["peers"]:
            for wide in ([], [{"ipBlock": {"cidr": "0.0.0.0/0"}}], [{"ipBlock": {"cidr": "::/0"}}]):
                with pytest.raises(jsonschema.ValidationError):
                    jsonschema.validate({**values, "peers": {**values["peers"], peer: wide}}, schema)
            given = {**values, "peers": {**values["peers"], peer: [{"ipBlock": {"cidr": "10.20.0.0/24"}}]}}
            jsonschema.validate(given, schema)


def test_rendered_manifests_match_kubernetes_schemas(
    model: tuple[ArchGraph, dict[str, bytes], dict[str, Cluster]],
) -> None:
    kv = pytest.importorskip("kubernetes_validate")
    _, files, _ = model
    for path, content in files.items():
        if path.startswith("k8s/"):
            for doc in yaml.safe_load_all(content):
                kv.validate(doc, "1.30", strict=True)
