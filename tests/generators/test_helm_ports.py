"""What the model says about ports, namespaces, images, health and scaling reaches the
generated objects: the Service listens on the ports callers dial and forwards to the
container port, port names follow the protocol, a component nothing calls gets no
Service, no port and no HPA, and peers in another namespace are selected there."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_helm import helm_template

from archmodel.generators.ci.deploy import CHART_NAMESPACE
from archmodel.generators.helm import generate
from archmodel.load import load
from archmodel.project import Project
from archmodel.runner import NoOptions

DIGEST = "sha256:" + "ab" * 32
MODEL = f"""archmodel: 1
system: {{id: shop, name: Shop}}
components:
  - {{id: alb, kind: load_balancer}}
  - {{id: db, kind: database, technology: postgresql}}
  - id: checkout
    kind: service
    deploy:
      image: shop/checkout:1.0
      port: 5050
      digest: "{DIGEST}"
      health_path: /healthz
  - id: email
    kind: service
    deploy: {{image: shop/email:2.0, port: 8080, service_port: 5000}}
  - id: tracing
    kind: monitoring
    deploy:
      image: jaeger:1.5
      port: 16686
      namespace: observability
      ports: [{{name: agent-compact, port: 6831}}]
  - id: web
    kind: service
    deploy: {{image: shop/web:3.0, port: 8080, health_path: /ready, replicas: 2, max_replicas: 2}}
  - id: loadgen
    kind: service
    deploy: {{image: shop/loadgen:1.0}}
  - id: scaled-consumer
    kind: service
    deploy: {{image: shop/consumer:1.0, replicas: 2, max_replicas: 6}}
flows:
  - {{from: alb, to: web, protocol: http, port: 80}}
  - {{from: loadgen, to: web, protocol: http, port: 80}}
  - {{from: web, to: checkout, protocol: grpc, port: 5050}}
  - {{from: checkout, to: email, protocol: grpc, port: 5000}}
  - {{from: checkout, to: db, protocol: postgresql, port: 5432}}
  - {{from: checkout, to: tracing, protocol: thrift, port: 6831}}
  - {{from: email, to: tracing, protocol: thrift, port: 6831}}
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("shop") / "archmodel.yaml"
    root.write_text(MODEL, encoding="utf-8")
    loaded = load(root)
    assert not [d for d in loaded.diagnostics if d.severity == "error"], loaded.diagnostics
    return {str(p): b for p, b in generate(Project.from_loaded(loaded), NoOptions()).items()}


def kinds(files: dict[str, bytes], cid: str) -> dict[str, Any]:
    return {d["kind"]: d for d in yaml.safe_load_all(files[f"k8s/default/{cid}.yaml"])}


def container(files: dict[str, bytes], cid: str) -> dict[str, Any]:
    found: dict[str, Any] = kinds(files, cid)["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    return found


def test_service_listens_on_the_dialled_port_and_forwards_to_the_container_port(
    files: dict[str, bytes],
) -> None:
    (port,) = kinds(files, "email")["Service"]["spec"]["ports"]
    assert port == {
        "name": "grpc",
        "port": 5000,
        "targetPort": "grpc",
        "protocol": "TCP",
        "appProtocol": "kubernetes.io/h2c",
    }
    assert container(files, "email")["ports"] == [{"name": "grpc", "containerPort": 8080, "protocol": "TCP"}]
    ingress = kinds(files, "email")["NetworkPolicy"]["spec"]["ingress"]
    assert [r["ports"] for r in ingress] == [[{"port": 8080, "protocol": "TCP"}]]  # the pod port
    egress = kinds(files, "checkout")["NetworkPolicy"]["spec"]["egress"]
    to_email = [
        r
        for r in egress
        if r["to"][0].get("podSelector", {}).get("matchLabels", {}).get("archmodel.io/component") == "email"
    ]
    assert [r["ports"] for r in to_email] == [[{"port": 8080, "protocol": "TCP"}]]


def test_a_flow_to_a_named_port_arrives_there(files: dict[str, bytes]) -> None:
    tracing = kinds(files, "tracing")
    assert tracing["Service"]["spec"]["ports"] == [
        {"name": "agent-compact", "port": 6831, "targetPort": "agent-compact", "protocol": "TCP"}
    ]
    ingress = tracing["NetworkPolicy"]["spec"]["ingress"]
    assert {r["ports"][0]["port"] for r in ingress} == {6831}


def test_peers_in_another_namespace_are_selected_there(files: dict[str, bytes]) -> None:
    assert kinds(files, "tracing")["Deployment"]["metadata"]["namespace"] == "observability"
    assert kinds(files, "checkout")["Deployment"]["metadata"]["namespace"] == "shop"
    ingress = kinds(files, "tracing")["NetworkPolicy"]["spec"]["ingress"]
    assert ingress[0]["from"] == [
        {
            "podSelector": {"matchLabels": {"archmodel.io/component": "checkout"}},
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}},
        }
    ]


def test_port_names_follow_the_protocol(files: dict[str, bytes]) -> None:
    assert container(files, "checkout")["ports"][0]["name"] == "grpc"
    assert container(files, "web")["ports"][0]["name"] == "http"
    web_service = kinds(files, "web")["Service"]["spec"]["ports"]
    assert web_service == [
        {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP", "appProtocol": "http"}
    ]


def test_image_is_pinned_to_its_digest(files: dict[str, bytes]) -> None:
    assert container(files, "checkout")["image"] == f"shop/checkout:1.0@{DIGEST}"
    assert yaml.safe_load(files["helm/checkout/Chart.yaml"])["appVersion"] == "1.0"
    assert container(files, "email")["image"] == "shop/email:2.0"


def test_probes_by_protocol(files: dict[str, bytes]) -> None:
    web = container(files, "web")
    assert web["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http", "scheme": "HTTP"}
    assert web["livenessProbe"]["httpGet"]["path"] == "/ready"
    checkout = container(files, "checkout")  # gRPC: a health path says nothing to it
    assert checkout["readinessProbe"]["tcpSocket"] == {"port": "grpc"}
    assert container(files, "email")["livenessProbe"]["tcpSocket"] == {"port": "grpc"}


def test_a_component_nothing_calls_gets_no_service_no_port_no_hpa(files: dict[str, bytes]) -> None:
    loadgen = kinds(files, "loadgen")
    assert set(loadgen) == {"Deployment", "NetworkPolicy", "ServiceAccount"}
    assert "ports" not in container(files, "loadgen") and "readinessProbe" not in container(files, "loadgen")
    assert loadgen["Deployment"]["spec"]["replicas"] == 1
    assert loadgen["NetworkPolicy"]["spec"]["ingress"] == []
    assert "helm/loadgen/templates/service.yaml" not in files
    assert "helm/loadgen/templates/hpa.yaml" not in files


def test_scaling_as_the_model_asks(files: dict[str, bytes]) -> None:
    consumer = kinds(files, "scaled-consumer")  # nothing calls it, but it asks for up to 6
    assert "Service" not in consumer and "replicas" not in consumer["Deployment"]["spec"]
    hpa = consumer["HorizontalPodAutoscaler"]["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 6)
    web = kinds(files, "web")  # called, but max_replicas == replicas: a fixed size
    assert "HorizontalPodAutoscaler" not in web and web["Deployment"]["spec"]["replicas"] == 2
    email = kinds(files, "email")  # called, nothing said: an HPA up to three times
    assert email["HorizontalPodAutoscaler"]["spec"]["maxReplicas"] == 3
    assert "replicas" not in email["Deployment"]["spec"]


def test_every_limit_is_set(files: dict[str, bytes]) -> None:
    assert container(files, "email")["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi"},
        "limits": {"cpu": "100m", "memory": "128Mi"},
    }


def test_templates_render_the_same_and_match_kubernetes_schemas(files: dict[str, bytes]) -> None:
    kv = pytest.importorskip("kubernetes_validate")
    charts = sorted({p.split("/")[1] for p in files if p.startswith("helm/")})
    for chart in charts:
        values = yaml.safe_load(files[f"helm/{chart}/values.yaml"])
        templates = sorted(p for p in files if p.startswith(f"helm/{chart}/templates/"))
        from_helm = [d for p in templates for d in helm_template(files[p].decode(), values)]
        assert from_helm == list(yaml.safe_load_all(files[f"k8s/default/{chart}.yaml"]))
        for doc in from_helm:
            kv.validate(doc, "1.30", strict=True)


def test_deploy_scripts_read_the_namespace_from_the_chart(files: dict[str, bytes], tmp_path: Path) -> None:
    """CI installs each release in its objects' namespace, read from Chart.yaml; kubectl
    applies ``_namespaces.yaml`` first (files in name order)."""
    for chart, expected in (("tracing", "observability"), ("checkout", "shop")):
        (tmp_path / chart).mkdir()
        (tmp_path / chart / "Chart.yaml").write_bytes(files[f"helm/{chart}/Chart.yaml"])
        env = {"chart": f"{tmp_path / chart}/", "PATH": os.environ["PATH"]}
        run = subprocess.run(
            ["sh", "-c", CHART_NAMESPACE], env=env, capture_output=True, text=True, check=True
        )
        assert run.stdout.strip() == expected
    names = [d["metadata"]["name"] for d in yaml.safe_load_all(files["k8s/default/_namespaces.yaml"])]
    assert names == ["observability", "shop"]
    assert sorted(p for p in files if p.startswith("k8s/default/"))[0] == "k8s/default/_namespaces.yaml"
