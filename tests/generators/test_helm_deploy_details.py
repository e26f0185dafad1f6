"""Service port apart from the container port, requests and limits, named ports and
sidecars reach the generated Deployment and Service; templates and manifests agree."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from test_helm import helm_template

from archmodel.generation import GenerateOptions
from archmodel.generators.helm import generate
from archmodel.load import load
from archmodel.project import Project

MODEL = """archmodel: 1
system: {name: Shop}
components:
  - {id: web, kind: web_client}
  - id: frontend
    kind: service
    deploy:
      image: shop/frontend:1.0
      port: 8080
      service_port: 80
      ports: [{name: metrics, port: 9090, protocol: http}]
      resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}
      sidecars: [{name: istio-proxy, image: istio/proxyv2:1.20, ports: [{name: envoy-admin, port: 15000}]}]
flows:
  - {from: web, to: frontend, protocol: http}
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("shop") / "archmodel.yaml"
    root.write_text(MODEL, encoding="utf-8")
    loaded = load(root)
    assert not [d for d in loaded.diagnostics if d.severity == "error"], loaded.diagnostics
    return generate(Project.from_loaded(loaded), GenerateOptions())


def _docs(files: dict[str, bytes]) -> dict[str, Any]:
    return {d["kind"]: d for d in yaml.safe_load_all(files["k8s/default/frontend.yaml"])}


def test_service_port_targets_the_container_port(files: dict[str, bytes]) -> None:
    docs = _docs(files)
    (port,) = docs["Service"]["spec"]["ports"]
    assert (port["port"], port["targetPort"]) == (80, "http")
    container = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"] == [
        {"name": "http", "containerPort": 8080, "protocol": "TCP"},
        {"name": "metrics", "containerPort": 9090, "protocol": "TCP"},
    ]


def test_requests_and_limits(files: dict[str, bytes]) -> None:
    container = _docs(files)["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"] == {
        "requests": {"cpu": "100m", "memory": "64Mi"},
        "limits": {"cpu": "200m", "memory": "128Mi"},
    }


def test_sidecar_runs_next_to_the_container(files: dict[str, bytes]) -> None:
    containers = _docs(files)["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert containers[1] == {
        "name": "istio-proxy",
        "image": "istio/proxyv2:1.20",
        "ports": [{"name": "envoy-admin", "containerPort": 15000, "protocol": "TCP"}],
    }


def test_template_renders_the_same(files: dict[str, bytes]) -> None:
    values = yaml.safe_load(files["helm/frontend/values.yaml"])
    templates = sorted(p for p in files if p.startswith("helm/frontend/templates/"))
    from_helm = [d for p in templates for d in helm_template(files[p].decode(), values)]
    assert from_helm == list(yaml.safe_load_all(files["k8s/default/frontend.yaml"]))
    kv = pytest.importorskip("kubernetes_validate")
    for doc in from_helm:
        kv.validate(doc, "1.30", strict=True)
