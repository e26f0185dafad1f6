"""Helm generator: charts, one source of truth for templates and rendered manifests,
Kubernetes schemas, values schema, NetworkPolicies from flows, goldens."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import check_goldens

from archmodel.generators.helm import generate
from archmodel.load import load
from archmodel.project import Project
from archmodel.runner import NoOptions

FIXTURE = Path(__file__).parent / "fixtures" / "infra"
REFERENCE = Path(__file__).resolve().parents[2] / "models" / "reference"
CHARTS = ("service-a", "service-b", "service-c-7bf211")
ENVS = ("dev", "staging", "prod")
EXPRESSION = re.compile(r"\{\{ index \.Values ((?:\"[^\"]*\" ?)+) \| toJson \}\}")


def generated(path: Path) -> dict[str, bytes]:
    loaded = load(path)
    assert not [d for d in loaded.diagnostics if d.severity == "error"], loaded.diagnostics
    return {str(p): b for p, b in generate(Project.from_loaded(loaded), NoOptions()).items()}


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return generated(FIXTURE)


def helm_template(text: str, values: dict[str, Any]) -> list[Any]:
    """What ``helm template`` does with our templates (they use one construct only)."""

    def lookup(match: re.Match[str]) -> str:
        found: Any = values
        for key in json.loads("[" + match.group(1).strip().replace('" "', '", "') + "]"):
            found = found[key]
        return json.dumps(found)

    assert "{{" not in EXPRESSION.sub("", text), "templates use only `index .Values ... | toJson`"
    return list(yaml.safe_load_all(EXPRESSION.sub(lookup, text)))


def test_layout(files: dict[str, bytes]) -> None:
    for chart in CHARTS:
        for name in ("Chart.yaml", "values.yaml", "values.schema.json", *(f"values-{e}.yaml" for e in ENVS)):
            assert f"helm/{chart}/{name}" in files
        for stem in ("deployment", "service", "serviceaccount", "hpa", "networkpolicy"):
            assert f"helm/{chart}/templates/{stem}.yaml" in files
    for env in ENVS:
        assert f"k8s/{env}/service-a.yaml" in files
    chart = yaml.safe_load(files["helm/service-a/Chart.yaml"])
    assert chart["apiVersion"] == "v2" and chart["appVersion"] == "1.4.2"


def test_templates_and_rendered_manifests_agree(files: dict[str, bytes]) -> None:
    for chart, cid in zip(CHARTS, ("service-a", "service-b", "service_c"), strict=True):
        templates = sorted(p for p in files if p.startswith(f"helm/{chart}/templates/"))
        for env in ENVS:
            values = yaml.safe_load(files[f"helm/{chart}/values-{env}.yaml"])
            from_helm = [d for p in templates for d in helm_template(files[p].decode(), values)]
            rendered = list(yaml.safe_load_all(files[f"k8s/{env}/{cid}.yaml"]))
            assert from_helm == rendered


def test_values_match_their_schema(files: dict[str, bytes]) -> None:
    for chart in CHARTS:
        schema = json.loads(files[f"helm/{chart}/values.schema.json"])
        jsonschema.Draft7Validator.check_schema(schema)
        for name in ("values.yaml", *(f"values-{e}.yaml" for e in ENVS)):
            jsonschema.validate(yaml.safe_load(files[f"helm/{chart}/{name}"]), schema)
        bad = {**yaml.safe_load(files[f"helm/{chart}/values.yaml"]), "replicas": "three"}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_rendered_manifests_match_kubernetes_schemas(files: dict[str, bytes]) -> None:
    kv = pytest.importorskip("kubernetes_validate")
    for path, content in files.items():
        if path.startswith("k8s/"):
            for doc in yaml.safe_load_all(content):
                kv.validate(doc, "1.30", strict=True)


def docs(files: dict[str, bytes], path: str) -> dict[str, Any]:
    return {d["kind"]: d for d in yaml.safe_load_all(files[path])}


def test_hardening_and_network_policy(files: dict[str, bytes]) -> None:
    a = docs(files, "k8s/prod/service-a.yaml")
    container = a["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert container["securityContext"]["runAsNonRoot"] is True
    c = docs(files, "k8s/prod/service_c.yaml")  # no hardening control
    assert "securityContext" not in c["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    policy = c["NetworkPolicy"]["spec"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    assert [r["from"] for r in policy["ingress"]] == [
        [{"podSelector": {"matchLabels": {"archmodel.io/component": "service-a"}}}]
    ]
    egress = [r["to"][0] for r in policy["egress"]]
    kafka = {"archmodel.io/peer": "events"}  # a named value that admits nobody until given
    assert {"namespaceSelector": {"matchLabels": kafka}, "podSelector": {"matchLabels": kafka}} in egress
    assert len(egress) == 2  # Kafka and DNS only
    assert "replicas" not in a["Deployment"]["spec"]  # the HPA sizes it
    assert a["HorizontalPodAutoscaler"]["spec"]["minReplicas"] == 3
    assert docs(files, "k8s/dev/service-a.yaml")["HorizontalPodAutoscaler"]["spec"]["minReplicas"] == 1


def test_deterministic(files: dict[str, bytes]) -> None:
    assert generated(FIXTURE) == files


def _under(label: str) -> Callable[[str], str]:
    def name(path: str) -> str:
        root, _, rest = path.partition("/")
        return f"{root}/{label}/{rest}"

    return name


def test_golden_fixture(files: dict[str, bytes], golden: Callable[[str, bytes], None]) -> None:
    check_goldens(files, golden, _under("infra"))


@pytest.mark.skipif(not (REFERENCE / "archmodel.yaml").exists(), reason="reference model not written yet")
def test_golden_reference(golden: Callable[[str, bytes], None]) -> None:
    check_goldens(generated(REFERENCE), golden, _under("reference"))


def test_environment_copies_are_checked_against_the_golden_environment(files: dict[str, bytes]) -> None:
    from conftest import assert_environment_copy

    path = "k8s/dev/service-a.yaml"
    assert_environment_copy(path, files[path], files)
    tampered = files[path].replace(b"readOnlyRootFilesystem: true", b"readOnlyRootFilesystem: false")
    assert tampered != files[path]
    with pytest.raises(AssertionError, match="readOnlyRootFilesystem"):
        assert_environment_copy(path, tampered, files)
