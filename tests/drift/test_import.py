"""`archmodel import --k8s`: a first model from manifests, which drift then agrees with."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from drift_records import findings

from archmodel.cli.main import cli
from archmodel.drift.kube_import import component_kind
from archmodel.kube.objects import Container, Workload

FIXTURES = Path(__file__).parent / "fixtures"
BANK = "bank-of-anthos-import"
DIGEST = "@sha256:"


def imported(name: str, tmp_path: Path) -> Path:
    result = CliRunner().invoke(
        cli, ["import", "--k8s", str(FIXTURES / name / "k8s"), "-o", str(tmp_path / "archmodel.yaml")]
    )
    assert result.exit_code == 0, result.output
    return tmp_path


@pytest.mark.parametrize("name", ["sock-shop", "online-boutique", "acs-security-demos", BANK])
def test_drift_finds_no_flow_drift_in_what_import_wrote(name: str, tmp_path: Path) -> None:
    model = imported(name, tmp_path)
    assert CliRunner().invoke(cli, ["validate", str(model)]).exit_code == 0
    result = CliRunner().invoke(
        cli, ["drift", str(model), "--k8s", str(FIXTURES / name / "k8s"), "--format", "json"]
    )
    codes = {d["code"] for d in findings(result.stdout)}
    assert codes.isdisjoint({"AM501", "AM502", "AM503", "AM504", "AM508", "AM509"}), codes


def test_online_boutique_flows_are_the_ones_its_policies_name(tmp_path: Path) -> None:
    """Every real flow of TRUTH.md but loadgenerator -> frontend (the frontend admits any
    source, which names no caller), on container ports (emailservice: 8080)."""
    model = yaml.safe_load((imported("online-boutique", tmp_path) / "archmodel.yaml").read_text())
    flows = {(f["from"], f["to"], f.get("port")) for f in model["flows"]}
    truth = yaml.safe_load((FIXTURES / "online-boutique" / "archmodel.yaml").read_text())
    expected = {(f["from"], f["to"]) for f in truth["flows"]} - {
        ("loadgenerator", "frontend"),
        ("shoppers", "frontend"),
    }
    assert {(s, t) for s, t, _ in flows if s != "clients"} == expected
    assert ("checkoutservice", "emailservice", 8080) in flows
    assert ("clients", "frontend", 80) in flows
    public = {c["id"] for c in model["components"] if c.get("public")}
    assert public == {"frontend"}


def test_import_never_replaces_a_file_unasked_nor_writes_through_a_link(tmp_path: Path) -> None:
    """``-o archmodel.yaml`` beside a hand-written model must not destroy it: a file that
    exists needs ``--force``, and a link (to anything) is never written through."""
    k8s = str(FIXTURES / "sock-shop" / "k8s")
    mine = tmp_path / "archmodel.yaml"
    mine.write_text("hand-written\n", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["import", "--k8s", k8s, "-o", str(mine)])
    assert refused.exit_code == 2 and "use --force" in refused.output
    assert mine.read_text(encoding="utf-8") == "hand-written\n"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(victim)
    for force in ([], ["--force"]):
        linked = CliRunner().invoke(cli, ["import", "--k8s", k8s, "-o", str(tmp_path / "link.yaml"), *force])
        assert linked.exit_code == 1 and "never writes through links" in linked.output
    assert victim.read_text(encoding="utf-8") == "keep\n"
    directory = CliRunner().invoke(cli, ["import", "--k8s", k8s, "-o", str(tmp_path), "--force"])
    assert directory.exit_code == 1 and "is a directory" in directory.output
    forced = CliRunner().invoke(cli, ["import", "--k8s", k8s, "-o", str(mine), "--force"])
    assert forced.exit_code == 0, forced.output
    assert yaml.safe_load(mine.read_text(encoding="utf-8"))["archmodel"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archmodel.yaml", "link.yaml", "victim.txt"]


def components(name: str, tmp_path: Path) -> dict[str, dict[str, Any]]:
    model = yaml.safe_load((imported(name, tmp_path) / "archmodel.yaml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in model["components"]}


def todos(name: str, tmp_path: Path) -> list[str]:
    text = (imported(name, tmp_path) / "archmodel.yaml").read_text(encoding="utf-8")
    return [line.removeprefix("# TODO: ") for line in text.splitlines() if line.startswith("# TODO: ")]


def test_bank_of_anthos_databases_are_known_by_what_they_run(tmp_path: Path) -> None:
    """accounts-db and ledger-db are StatefulSets of the project's own images (accounts-db,
    ledger-db; the ledger's container is named postgres): databases, not services."""
    kinds = {c: v["kind"] for c, v in components(BANK, tmp_path).items()}
    assert kinds.pop("accounts-db") == kinds.pop("ledger-db") == "database"
    assert kinds.pop("clients") == "actor"
    assert set(kinds.values()) == {"service"}


def workload(kind: str, name: str, image: str, container: str = "main") -> Workload:
    return Workload(kind, name, "default", {}, {}, (), "f.yaml", 1, (Container(container, image, {}, {}),))


@pytest.mark.parametrize(
    ("workload_kind", "name", "image", "container", "kind"),
    [
        ("Deployment", "session-db", "redis:alpine", "main", "cache"),  # the image before the id
        ("StatefulSet", "ledger", "registry:5000/bank/ledger-db:v1" + DIGEST + "0" * 64, "main", "database"),
        ("StatefulSet", "ledger", "registry:5000/bank/ledger:v1", "postgres", "database"),
        ("Deployment", "events", "bitnami/kafka:3.7", "main", "queue"),
        ("Deployment", "metrics", "prometheuscommunity/postgres-exporter", "exporter", "service"),
        ("Deployment", "pg-operator", "zalando/postgres-operator:1.12", "main", "service"),
        ("CronJob", "db-backup", "postgres:16", "postgres", "service"),  # runs to completion
        ("Deployment", "feedback", "acme/feedback", "main", "service"),  # "db" is a word, not letters
    ],
)
def test_kinds_come_from_images_container_names_then_ids(
    workload_kind: str, name: str, image: str, container: str, kind: str
) -> None:
    assert component_kind(workload(workload_kind, name, image, container), name) == kind


def test_deploy_carries_image_replicas_resources_and_the_port_traffic_arrives_at(tmp_path: Path) -> None:
    """The frontend and four backends declare no container port: the Service's targetPort
    gives it (the frontend's Service takes 80 to 8080); images keep their digest as
    written; quantities the model does not hold (ephemeral-storage) are left out."""
    found = components(BANK, tmp_path)
    deploy = {c: v.get("deploy", {}) for c, v in found.items()}
    ports = {c: (d.get("port"), d.get("service_port")) for c, d in deploy.items() if c != "clients"}
    assert ports == {
        "accounts-db": (5432, None),
        "ledger-db": (5432, None),
        "frontend": (8080, 80),
        "balancereader": (8080, None),
        "contacts": (8080, None),
        "ledgerwriter": (8080, None),
        "transactionhistory": (8080, None),
        "userservice": (8080, None),
        "loadgenerator": (None, None),
    }
    assert deploy["accounts-db"] == {
        "runtime": "container",
        "image": "us-central1-docker.pkg.dev/bank-of-anthos-ci/bank-of-anthos/accounts-db:v0.6.10"
        "@sha256:d95c4094c75f69069b915ef3adc99a8f95e43077885140cdeeb90d807ea74eff",
        "replicas": 1,
        "port": 5432,
        "resources": {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "250m", "memory": "512Mi"},
        },
        "namespace": "default",
    }
    assert deploy["balancereader"]["resources"] == {
        "requests": {"cpu": "100m", "memory": "256Mi"},
        "limits": {"cpu": "500m", "memory": "512Mi"},
    }
    assert "replicas" not in deploy["frontend"]  # not written upstream: left to the model's default
    assert all(DIGEST in d["image"] and "digest" not in d for c, d in deploy.items() if c != "clients")
    assert found["frontend"]["public"] is True


def test_policies_into_workloads_without_container_ports_give_flows(tmp_path: Path) -> None:
    """With the policies written for Bank of Anthos's model, every call they name is a
    flow, though five targets declare no container port (the Service's targetPort is
    the port a policy admits), and drift then reports nothing at all."""
    k8s = tmp_path / "k8s"
    shutil.copytree(FIXTURES / BANK / "k8s", k8s)
    shutil.copy(FIXTURES / "bank-of-anthos" / "policies" / "networkpolicies.yaml", k8s)
    output = tmp_path / "archmodel.yaml"
    assert CliRunner().invoke(cli, ["import", "--k8s", str(k8s), "-o", str(output)]).exit_code == 0
    written = {(f["from"], f["to"]) for f in yaml.safe_load(output.read_text(encoding="utf-8"))["flows"]}
    modelled = yaml.safe_load((FIXTURES / "bank-of-anthos" / "flows.yaml").read_text(encoding="utf-8"))
    drawn = {(f["from"], f["to"]) for f in modelled["flows"]}
    assert written == drawn - {("customer", "frontend-lb"), ("frontend-lb", "frontend")} | {
        ("clients", "frontend")
    }
    result = CliRunner().invoke(cli, ["drift", str(output), "--k8s", str(k8s), "--format", "json"])
    assert findings(result.stdout) == []


def test_todos_name_what_a_person_must_still_decide(tmp_path: Path) -> None:
    assert todos(BANK, tmp_path / "bank") == [
        "namespace default has no NetworkPolicy, so the calls its 9 workloads make and take are "
        "unknown and no flow was written for them; add them",
        "no port and no Service, so only calling others: loadgenerator; add the calls each makes, tag "
        "entry_point each that starts work by itself (a client, a job), or set out_of_scope on each that "
        "is no part of the system",
        "trust of zone ns-default (namespace default) is guessed internal: set what each deserves",
        "no data assets are written: add the data the system keeps and sends (data:), what accounts-db "
        "and ledger-db store (stores:) and what each flow carries (data:)",
    ]
    boutique = todos("online-boutique", tmp_path / "boutique")
    assert boutique[0].startswith(
        "namespace default: callers that no NetworkPolicy names may call frontend "
        "(NetworkPolicy/default/frontend admits any peer)"
    )
    assert "loadgenerator" in boutique[1]
    sock = todos("sock-shop", tmp_path / "sock")
    assert any("carts, carts-db, queue-master and session-db;" in t for t in sock), sock


def test_import_is_the_same_text_every_time(tmp_path: Path) -> None:
    first = (imported("online-boutique", tmp_path / "a") / "archmodel.yaml").read_bytes()
    assert (imported("online-boutique", tmp_path / "b") / "archmodel.yaml").read_bytes() == first


def test_missing_directories_above_the_output_are_created(tmp_path: Path) -> None:
    """``-o new/dir/archmodel.yaml`` writes there as ``generate -o`` does, and is then a
    file that exists like any other: refused without --force, never written through a link."""
    k8s = str(FIXTURES / BANK / "k8s")
    output = tmp_path / "new" / "dir" / "archmodel.yaml"
    created = CliRunner().invoke(cli, ["import", "--k8s", k8s, "-o", str(output)])
    assert created.exit_code == 0, created.output
    assert yaml.safe_load(output.read_text(encoding="utf-8"))["archmodel"] == 1
    assert sorted(p.name for p in output.parent.iterdir()) == ["archmodel.yaml"]
    again = CliRunner().invoke(cli, ["import", "--k8s", k8s, "-o", str(output)])
    assert again.exit_code == 2 and "use --force" in again.output
    (tmp_path / "new" / "link.yaml").symlink_to(output)
    linked = CliRunner().invoke(
        cli, ["import", "--k8s", k8s, "-o", str(tmp_path / "new" / "link.yaml"), "--force"]
    )
    assert linked.exit_code == 1 and "never writes through links" in linked.output


def test_directories_created_for_an_output_that_cannot_be_written_are_removed(tmp_path: Path) -> None:
    k8s = str(FIXTURES / BANK / "k8s")
    (tmp_path / "file").write_text("", encoding="utf-8")
    under_file = CliRunner().invoke(cli, ["import", "--k8s", k8s, "-o", str(tmp_path / "file" / "m.yaml")])
    assert under_file.exit_code == 1 and f"cannot write {tmp_path / 'file' / 'm.yaml'}" in under_file.output
    too_long = tmp_path / "new" / "dir" / f"{'m' * 250}.yaml"  # its temporary name is longer than any allowed
    refused = CliRunner().invoke(cli, ["import", "--k8s", k8s, "-o", str(too_long)])
    assert refused.exit_code == 1 and "cannot write" in refused.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_the_port_is_the_one_its_service_serves_not_the_first_listed(tmp_path: Path) -> None:
    """Sock Shop's RabbitMQ lists the management UI's 15672 first and AMQP's 5672 second;
    its Service serves 5672 (and the exporter beside it), so 5672 is the port."""
    deploy = components("sock-shop", tmp_path)["rabbitmq"]["deploy"]
    assert deploy["port"] == 5672
    assert "service_port" not in deploy


def flows_of(name: str, tmp_path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    model = yaml.safe_load((imported(name, tmp_path) / "archmodel.yaml").read_text(encoding="utf-8"))
    return {(f["from"], f["to"]): f for f in model["flows"]}


def test_a_flow_speaks_what_port_names_and_well_known_ports_say_and_nothing_else(tmp_path: Path) -> None:
    """Sock Shop names no protocol anywhere but in port names (carts-db's ``mongo``) and
    ports that one protocol owns (AMQP's 5672, MySQL's 3306, MongoDB's 27017); the
    services on port 80 say nothing, and are left without one rather than called tcp."""
    protocols = {pair: f.get("protocol") for pair, f in flows_of("sock-shop", tmp_path / "sock").items()}
    assert protocols == {
        ("catalogue", "catalogue-db"): "mysql",
        ("clients", "front-end"): None,
        ("front-end", "catalogue"): None,
        ("front-end", "orders"): None,
        ("front-end", "user"): None,
        ("orders", "orders-db"): "mongodb",
        ("orders", "payment"): None,
        ("orders", "shipping"): None,
        ("orders", "user"): None,
        ("queue-master", "rabbitmq"): "amqp",
        ("shipping", "rabbitmq"): "amqp",
        ("user", "user-db"): "mongodb",
    }
    # Bank of Anthos's LoadBalancer Service names its port http.
    assert flows_of(BANK, tmp_path / "bank")[("clients", "frontend")]["protocol"] == "http"


K8S_PROTOCOLS = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: acme/api:1
          ports: [{containerPort: 8443}, {containerPort: 9000, name: grpc-web}, {containerPort: 7000}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports:
    - {name: web, port: 443, targetPort: 8443, appProtocol: https}
    - {name: rpc, port: 9000}
    - {name: h2, port: 7000, appProtocol: kubernetes.io/h2c}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: acme/web:1}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
"""


def test_app_protocol_comes_before_port_names_and_h2c_after_them(tmp_path: Path) -> None:
    k8s = tmp_path / "k8s"
    k8s.mkdir()
    (k8s / "app.yaml").write_text(K8S_PROTOCOLS, encoding="utf-8")
    output = tmp_path / "archmodel.yaml"
    assert CliRunner().invoke(cli, ["import", "--k8s", str(k8s), "-o", str(output)]).exit_code == 0
    model = yaml.safe_load(output.read_text(encoding="utf-8"))
    protocols = {f["port"]: f.get("protocol") for f in model["flows"]}
    assert protocols == {8443: "https", 9000: "grpc", 7000: "http"}
    assert CliRunner().invoke(cli, ["validate", str(output)]).exit_code == 0


def test_sidecars_are_imported_as_the_model_holds_them(tmp_path: Path) -> None:
    """RabbitMQ's exporter runs beside it: a sidecar with its image and its named port,
    not a port of RabbitMQ's own container; the management UI is RabbitMQ's own."""
    deploy = components("sock-shop", tmp_path)["rabbitmq"]["deploy"]
    assert deploy["port"] == 5672
    assert deploy["ports"] == [{"name": "management", "port": 15672}]
    assert deploy["sidecars"] == [
        {
            "name": "rabbitmq-exporter",
            "image": "kbudde/rabbitmq-exporter",
            "ports": [{"name": "exporter", "port": 9090}],
        }
    ]


NATIVE_SIDECAR = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      initContainers:
        - {name: migrate, image: acme/migrate:1}
        - name: Envoy
          image: envoyproxy/envoy:v1.30
          restartPolicy: Always
          ports: [{containerPort: 15001, name: envoy_admin}]
      containers:
        - name: api
          image: acme/api:1
        - name: api
          image: acme/log-shipper:1
"""


def test_native_sidecars_count_and_sidecar_names_fit_the_model(tmp_path: Path) -> None:
    """A native sidecar (an init container that keeps running) is a sidecar too; a plain
    init container is not. Names the model does not take are made to fit, once each."""
    k8s = tmp_path / "k8s"
    k8s.mkdir()
    (k8s / "app.yaml").write_text(NATIVE_SIDECAR, encoding="utf-8")
    output = tmp_path / "archmodel.yaml"
    assert CliRunner().invoke(cli, ["import", "--k8s", str(k8s), "-o", str(output)]).exit_code == 0
    model = yaml.safe_load(output.read_text(encoding="utf-8"))
    deploy = next(c for c in model["components"] if c["id"] == "api")["deploy"]
    assert "port" not in deploy  # the proxy's port is not the application's
    assert deploy["sidecars"] == [
        {"name": "api-2", "image": "acme/log-shipper:1"},
        {"name": "envoy", "image": "envoyproxy/envoy:v1.30", "ports": [{"name": "tcp-15001", "port": 15001}]},
    ]
    assert CliRunner().invoke(cli, ["validate", str(output)]).exit_code == 0


def test_generated_manifests_land_in_the_namespace_the_workloads_ran_in(tmp_path: Path) -> None:
    """Import keeps each workload's namespace in ``deploy.namespace``; Helm then renders
    every object there, and drift of the imported model against what it generated finds
    the objects where the policies expect them (no ``archmodel`` namespace)."""
    model = imported("sock-shop", tmp_path) / "archmodel.yaml"
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["generate", str(model), "-o", str(out), "--only", "helm"])
    assert result.exit_code == 0, result.output
    namespaces = {
        doc["metadata"].get("namespace")
        for path in (out / "k8s" / "default").glob("*.yaml")
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if doc["kind"] != "Namespace"
    }
    assert namespaces == {"sock-shop"}
    names = [
        d["metadata"]["name"] for d in yaml.safe_load_all((out / "k8s/default/_namespaces.yaml").read_text())
    ]
    assert names == ["sock-shop"]
