"""Components that keep data (database, cache, queue, object store) are StatefulSets of
the model's size in every environment, never under an HPA, each pod with a volume claim;
stateless services keep their HPA. The manifests validate, agree with the templates,
and drift finds nothing in them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from test_helm import helm_template

from archmodel.cli.main import cli
from archmodel.generators.helm import generate
from archmodel.load import load
from archmodel.naming import NameClash
from archmodel.project import Project
from archmodel.runner import NoOptions

MODEL = """archmodel: 1
system: {id: bank, name: Bank}
environments:
  - {id: dev, name: Development, tier: dev, cloud: gcp, regions: [us-central1]}
  - {id: prod, name: Production, tier: prod, cloud: gcp, regions: [us-central1], availability_zones: 3}
components:
  - id: loadgen
    kind: service
    deploy: {image: bank/loadgen:1.0}
  - id: web
    kind: service
    deploy: {image: bank/web:1.0, port: 8080}
  - id: accounts-db
    kind: database
    technology: PostgreSQL
    deploy: {image: bank/accounts-db:1.0, port: 5432}
  - id: sessions
    kind: cache
    technology: Redis
    deploy: {image: redis:7, port: 6379}
  - id: events
    kind: queue
    technology: RabbitMQ
    deploy: {image: rabbitmq:3.13, port: 5672, replicas: 3, max_replicas: 9}
  - id: archive
    kind: object_store
    deploy: {image: bank/archive:1.0, port: 9000}
flows:
  - {from: loadgen, to: web, protocol: http, port: 8080}
  - {from: web, to: accounts-db, protocol: postgresql, port: 5432}
  - {from: web, to: sessions, protocol: redis, port: 6379}
  - {from: web, to: events, protocol: amqp, port: 5672}
"""
STORES = {"accounts-db": 1, "sessions": 1, "events": 3, "archive": 1}  # replicas the model gives


def _generated(root: Path) -> dict[str, bytes]:
    loaded = load(root)
    assert not [d for d in loaded.diagnostics if d.severity == "error"], loaded.diagnostics
    return {str(p): b for p, b in generate(Project.from_loaded(loaded), NoOptions()).items()}


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bank") / "archmodel.yaml"
    root.write_text(MODEL, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def files(model: Path) -> dict[str, bytes]:
    return _generated(model)


def documents(files: dict[str, bytes], env: str, cid: str) -> list[dict[str, Any]]:
    return list(yaml.safe_load_all(files[f"k8s/{env}/{cid}.yaml"]))


def by_kind(files: dict[str, bytes], env: str, cid: str) -> dict[str, Any]:
    """Each object by kind; the headless Service apart from the one callers dial."""
    found = {}
    for doc in documents(files, env, cid):
        headless = doc["kind"] == "Service" and doc["spec"].get("clusterIP") == "None"
        found["HeadlessService" if headless else doc["kind"]] = doc
    return found


def test_a_store_runs_the_models_replicas_in_every_environment_without_hpa(files: dict[str, bytes]) -> None:
    for cid, replicas in STORES.items():
        assert f"helm/{cid}/templates/hpa.yaml" not in files, cid
        for env in ("dev", "prod"):
            docs = by_kind(files, env, cid)
            assert "HorizontalPodAutoscaler" not in docs and "Deployment" not in docs, (env, cid)
            assert docs["StatefulSet"]["spec"]["replicas"] == replicas, (env, cid)
            values = yaml.safe_load(files[f"helm/{cid}/values-{env}.yaml"])
            assert values["replicas"] == replicas and "autoscaling" not in values, (env, cid)


def test_a_stateless_service_still_scales_by_environment(files: dict[str, bytes]) -> None:
    prod, dev = by_kind(files, "prod", "web"), by_kind(files, "dev", "web")
    assert "replicas" not in prod["Deployment"]["spec"]  # the HPA sizes it
    hpa = prod["HorizontalPodAutoscaler"]["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (3, 9)  # one per availability zone
    assert dev["HorizontalPodAutoscaler"]["spec"]["minReplicas"] == 1
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
    assert "StatefulSet" not in prod and "HeadlessService" not in prod


def test_a_store_is_a_statefulset_with_a_claim_per_pod(files: dict[str, bytes]) -> None:
    docs = by_kind(files, "prod", "accounts-db")
    spec = docs["StatefulSet"]["spec"]
    assert spec["volumeClaimTemplates"] == [
        {
            "metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        }
    ]
    (mount,) = spec["template"]["spec"]["containers"][0]["volumeMounts"]
    assert mount == {"name": "data", "mountPath": "/var/lib/postgresql/data", "subPath": "data"}
    headless = docs["HeadlessService"]
    assert spec["serviceName"] == headless["metadata"]["name"] == "accounts-db-headless"
    assert headless["spec"]["selector"] == spec["selector"]["matchLabels"]
    assert "ports" not in headless["spec"]  # callers dial the ClusterIP Service
    assert docs["Service"]["spec"]["ports"][0]["port"] == 5432
    assert [d["kind"] for d in documents(files, "prod", "accounts-db")][-1] == "StatefulSet"


def test_the_data_directory_follows_the_technology(files: dict[str, bytes]) -> None:
    mounts = {
        cid: by_kind(files, "prod", cid)["StatefulSet"]["spec"]["template"]["spec"]["containers"][0][
            "volumeMounts"
        ][0]["mountPath"]
        for cid in STORES
    }
    assert mounts == {
        "accounts-db": "/var/lib/postgresql/data",
        "sessions": "/data",
        "events": "/var/lib/rabbitmq",
        "archive": "/data",
    }


def test_a_store_nothing_calls_has_only_its_headless_service(files: dict[str, bytes]) -> None:
    docs = by_kind(files, "prod", "archive")
    assert "Service" not in docs
    assert docs["StatefulSet"]["spec"]["serviceName"] == docs["HeadlessService"]["metadata"]["name"]


def test_store_manifests_validate_and_agree_with_their_charts(files: dict[str, bytes]) -> None:
    kv = pytest.importorskip("kubernetes_validate")
    for cid in STORES:
        schema = json.loads(files[f"helm/{cid}/values.schema.json"])
        templates = sorted(p for p in files if p.startswith(f"helm/{cid}/templates/"))
        for env in ("dev", "prod"):
            values = yaml.safe_load(files[f"helm/{cid}/values-{env}.yaml"])
            jsonschema.validate(values, schema)
            rendered = documents(files, env, cid)
            assert [d for p in templates for d in helm_template(files[p].decode(), values)] == rendered
            for doc in rendered:
                kv.validate(doc, "1.30", strict=True)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**values, "storage": {"size": "1Gi"}}, schema)


def test_drift_reads_the_statefulsets_as_the_stores(model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["generate", str(model), "-o", str(out), "--only", "helm"]).exit_code == 0
    k8s = str(out / "k8s" / "prod")
    result = runner.invoke(cli, ["drift", str(model), "--k8s", k8s, "--env", "prod", "--format", "json"])
    assert result.exit_code == 0, result.stdout
    (summary,) = json.loads(result.stdout)
    assert (summary["findings"], summary["resources"]) == (0, 6)
    assert summary["not_analysed"]["kubernetes"] == {"ServiceAccount": 6}  # the HPA is compared (AM512)


def test_a_name_the_headless_service_takes_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "archmodel.yaml"
    clash = "  - {id: accounts-db-headless, kind: service, deploy: {image: bank/x:1.0}}\n"
    root.write_text(MODEL.replace("flows:\n", clash + "flows:\n"), encoding="utf-8")
    both = r"'accounts-db-headless' would be generated for both .* of component 'accounts-db'"
    with pytest.raises(NameClash, match=both):
        _generated(root)
