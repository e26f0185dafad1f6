"""What a hardened pod needs to start the images a model names, as the Sock Shop's own
manifests found out: official store images (mongo, redis, rabbitmq…) start as root and
switch user, so they run without ``runAsNonRoot`` and with the capabilities the switch
takes; a read-only root file system keeps a writable /tmp; a slow JVM is not killed by
liveness before it has started; a flow to a sidecar's port reaches the sidecar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from test_helm import helm_template

from archmodel.cli.main import cli
from archmodel.generators.helm import generate
from archmodel.load import load
from archmodel.project import Project
from archmodel.runner import NoOptions

MODEL = """archmodel: 1
system: {id: sock-shop, name: Sock Shop}
components:
  - id: front-end
    kind: service
    controls: [hardening]
    deploy: {image: weaveworksdemos/front-end:0.3.12, port: 8079}
  - id: carts
    kind: service
    technology: Java (Spring Boot)
    controls: [hardening]
    deploy:
      image: weaveworksdemos/carts:0.4.8
      port: 80
      health_path: /health
      resources: {requests: {cpu: 100m, memory: 200Mi}, limits: {cpu: 300m, memory: 500Mi}}
  - id: carts-db
    kind: database
    technology: MongoDB
    controls: [hardening]
    deploy: {image: mongo, port: 27017}
  - id: session-db
    kind: cache
    technology: Redis
    controls: [hardening]
    deploy: {image: redis:alpine, port: 6379}
  - id: rabbitmq
    kind: queue
    technology: RabbitMQ
    controls: [hardening]
    deploy:
      image: rabbitmq:3.6.8-management
      port: 5672
      ports: [{name: management, port: 15672, protocol: http}]
      sidecars:
        - name: rabbitmq-exporter
          image: kbudde/rabbitmq-exporter
          ports: [{name: exporter, port: 9090, protocol: http}]
  - id: queue-master
    kind: service
    deploy: {image: weaveworksdemos/queue-master:0.3.1, port: 80}
  - id: prometheus
    kind: monitoring
    controls: [hardening]
    deploy: {image: prom/prometheus:v2.1.0, port: 9090, namespace: monitoring}
flows:
  - {from: front-end, to: carts, protocol: http, port: 80}
  - {from: front-end, to: session-db, protocol: redis, port: 6379}
  - {from: carts, to: carts-db, protocol: mongodb, port: 27017}
  - {from: queue-master, to: rabbitmq, protocol: amqp, port: 5672}
  - {from: prometheus, to: rabbitmq, protocol: http, port: 9090}
  - {from: prometheus, to: carts, protocol: http, port: 80}
"""
STORES = ("carts-db", "session-db", "rabbitmq")
HARDENED_SERVICES = ("front-end", "carts", "prometheus")
NAMESPACES = {"prometheus": "monitoring"}


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sock-shop") / "archmodel.yaml"
    root.write_text(MODEL, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def files(model: Path) -> dict[str, bytes]:
    loaded = load(model)
    assert not [d for d in loaded.diagnostics if d.severity == "error"], loaded.diagnostics
    return {str(p): b for p, b in generate(Project.from_loaded(loaded), NoOptions()).items()}


def objects(files: dict[str, bytes], cid: str) -> dict[str, Any]:
    """Each object by kind; the headless Service apart from the one callers dial."""
    found = {}
    for doc in yaml.safe_load_all(files[f"k8s/default/{cid}.yaml"]):
        headless = doc["kind"] == "Service" and doc["spec"].get("clusterIP") == "None"
        found["HeadlessService" if headless else doc["kind"]] = doc
    return found


def pod(files: dict[str, bytes], cid: str) -> dict[str, Any]:
    docs = objects(files, cid)
    workload = docs.get("StatefulSet") or docs["Deployment"]
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def test_a_store_starts_as_root_with_the_capabilities_its_entrypoint_needs(files: dict[str, bytes]) -> None:
    for cid in STORES:
        spec = pod(files, cid)
        assert spec["securityContext"] == {"seccompProfile": {"type": "RuntimeDefault"}}, cid
        assert spec["containers"][0]["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"], "add": ["CHOWN", "DAC_OVERRIDE", "SETGID", "SETUID"]},
        }, cid


def test_a_service_keeps_the_strict_context(files: dict[str, bytes]) -> None:
    for cid in HARDENED_SERVICES:
        spec = pod(files, cid)
        assert spec["securityContext"] == {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
        assert spec["containers"][0]["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        }, cid
    assert "securityContext" not in pod(files, "queue-master")  # no hardening control


def test_a_read_only_root_file_system_has_a_writable_tmp(files: dict[str, bytes]) -> None:
    for cid in (*STORES, *HARDENED_SERVICES):
        spec = pod(files, cid)
        main = spec["containers"][0]
        assert main["securityContext"]["readOnlyRootFilesystem"] is True
        assert {"name": "tmp", "mountPath": "/tmp"} in main["volumeMounts"], cid
        assert spec["volumes"] == [{"name": "tmp", "emptyDir": {}}], cid
    mounts = pod(files, "carts-db")["containers"][0]["volumeMounts"]
    assert [m["mountPath"] for m in mounts] == ["/data/db", "/tmp"]  # the claim stays
    unhardened = pod(files, "queue-master")
    assert "volumes" not in unhardened and "volumeMounts" not in unhardened["containers"][0]


def test_liveness_waits_for_a_slow_start(files: dict[str, bytes]) -> None:
    main = pod(files, "carts")["containers"][0]
    startup, liveness = main["startupProbe"], main["livenessProbe"]
    assert startup["httpGet"] == liveness["httpGet"] == {"path": "/health", "port": "http", "scheme": "HTTP"}
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 300  # minutes, not 15 s
    tcp = pod(files, "carts-db")["containers"][0]
    assert tcp["startupProbe"]["tcpSocket"] == tcp["livenessProbe"]["tcpSocket"] == {"port": "mongo"}


def test_a_flow_to_a_sidecar_port_reaches_the_sidecar(files: dict[str, bytes]) -> None:
    docs = objects(files, "rabbitmq")
    ports = {p["port"]: p["targetPort"] for p in docs["Service"]["spec"]["ports"]}
    assert ports == {5672: "tcp-amqp", 9090: "exporter"}
    exporter = pod(files, "rabbitmq")["containers"][1]
    assert exporter["ports"] == [{"name": "exporter", "containerPort": 9090, "protocol": "TCP"}]
    admitted = {peer(rule, "from"): rule["ports"] for rule in docs["NetworkPolicy"]["spec"]["ingress"]}
    assert admitted == {
        "prometheus": [{"port": 9090, "protocol": "TCP"}],
        "queue-master": [{"port": 5672, "protocol": "TCP"}],
    }
    egress = objects(files, "prometheus")["NetworkPolicy"]["spec"]["egress"]
    to_rabbitmq = [r["ports"] for r in egress if peer(r, "to") == "rabbitmq"]
    assert to_rabbitmq == [[{"port": 9090, "protocol": "TCP"}]]


def peer(rule: dict[str, Any], key: str) -> str | None:
    """The component a NetworkPolicy rule's first peer selects (None: DNS)."""
    labels: dict[str, str] = rule[key][0]["podSelector"]["matchLabels"]
    return labels.get("archmodel.io/component")


def test_the_manifests_validate_and_agree_with_their_charts(files: dict[str, bytes]) -> None:
    kv = pytest.importorskip("kubernetes_validate")
    for cid in (*STORES, *HARDENED_SERVICES, "queue-master"):
        templates = sorted(p for p in files if p.startswith(f"helm/{cid}/templates/"))
        values = yaml.safe_load(files[f"helm/{cid}/values.yaml"])
        rendered = list(yaml.safe_load_all(files[f"k8s/default/{cid}.yaml"]))
        assert [d for p in templates for d in helm_template(files[p].decode(), values)] == rendered
        for doc in rendered:
            kv.validate(doc, "1.30", strict=True)


def test_drift_finds_nothing_in_the_output(model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["generate", str(model), "-o", str(out), "--only", "helm"]).exit_code == 0
    result = runner.invoke(cli, ["drift", str(model), "--k8s", str(out / "k8s"), "--format", "json"])
    assert result.exit_code == 0, result.stdout
    (summary,) = json.loads(result.stdout)
    assert summary["findings"] == 0


def test_a_sidecar_port_is_never_taken_for_the_main_port(tmp_path: Path) -> None:
    root = tmp_path / "archmodel.yaml"
    # rabbitmq's main port from its flows, one of which dials the exporter's
    root.write_text(MODEL.replace("      port: 5672\n", ""), encoding="utf-8")
    loaded = load(root)
    made = {str(p): b for p, b in generate(Project.from_loaded(loaded), NoOptions()).items()}
    main, exporter = pod(made, "rabbitmq")["containers"][:2]
    assert [p["containerPort"] for p in main["ports"]] == [5672, 15672]
    assert [p["containerPort"] for p in exporter["ports"]] == [9090]
    ports = {p["port"]: p["targetPort"] for p in objects(made, "rabbitmq")["Service"]["spec"]["ports"]}
    assert ports == {5672: "tcp-amqp", 9090: "exporter"}
