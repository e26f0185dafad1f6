"""A database or queue gets the managed service that speaks its engine, read from its
technology and then its image name, on each cloud; its security rules open that engine's
port. An engine a cloud has no managed service for gets nothing there and a NoMapping
warning, never a service its clients cannot talk to (a MongoDB modelled from Sock Shop
became RDS Postgres, its RabbitMQ became SQS)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from test_terraform_fmt import NODE, TOOL, Formatter
from test_terraform_schema import generated_problems

from archmodel.api import valid_project
from archmodel.generators.terraform import generate
from archmodel.generators.terraform.common import NoMapping, OtherCloud
from archmodel.generators.terraform.engines import db_engine, queue_engine
from archmodel.model import Component
from archmodel.runner import NoOptions

hcl2 = pytest.importorskip("hcl2")

ENVIRONMENTS = """environments:
  - {id: dev, name: Dev, tier: dev, cloud: aws}
  - {id: test, name: Test, tier: staging, cloud: gcp}
  - {id: prod, name: Prod, tier: prod, cloud: azure}
"""


def model(tmp_path: Path, store: str, protocol: str = "tcp") -> Path:
    """A container app and one data component (``store``: its YAML mapping, id ``store``)
    that it calls, with an environment on each cloud."""
    (tmp_path / "archmodel.yaml").write_text(
        f"""archmodel: 1
system: {{name: Shop, id: shop}}
zones: [{{id: app, trust: internal}}]
components:
  - {{id: web, kind: service, zone: app, deploy: {{image: "ghcr.io/shop/web:1", port: 8080}}}}
  - {{id: store, zone: app, {store}}}
flows:
  - {{from: web, to: store, protocol: {protocol}}}
{ENVIRONMENTS}""",
        encoding="utf-8",
    )
    return tmp_path


def generated(root: Path) -> tuple[dict[str, dict[tuple[str, str], Any]], list[str]]:
    """Resources by (type, name) in each root module (aws, gcp, azure), and the NoMapping warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        files = generate(valid_project(root), NoOptions())
    found: dict[str, dict[tuple[str, str], Any]] = {"aws": {}, "gcp": {}, "azure": {}}
    for path, content in files.items():
        parts = str(path).split("/")
        if not parts[-1].endswith(".tf"):
            continue
        cloud = parts[1] if len(parts) == 3 else "aws"
        for entry in hcl2.loads(content.decode()).get("resource", []):
            for rtype, named in entry.items():
                found[cloud].update({(rtype, name): body for name, body in named.items()})
    notes = [str(w.message) for w in caught if w.category is NoMapping]
    return found, notes


def types_of(found: dict[tuple[str, str], Any], name: str = "store") -> set[str]:
    return {rtype for rtype, rname in found if rname == name}


def aws_port(found: dict[tuple[str, str], Any]) -> int:
    rule = found[("aws_vpc_security_group_ingress_rule", "web_TO_store")]
    assert rule["from_port"] == rule["to_port"]
    return int(rule["from_port"])


def azure_port(found: dict[tuple[str, str], Any]) -> int:
    return int(found[("azurerm_network_security_rule", "web_TO_store")]["destination_port_range"])


def gcp_port(found: dict[tuple[str, str], Any]) -> int:
    return int(found[("google_compute_firewall", "web_TO_store")]["allow"][0]["ports"][0])


def test_mongodb_is_documentdb_on_aws_and_warns_on_gcp_and_azure(tmp_path: Path) -> None:
    root = model(tmp_path, "kind: database, technology: MongoDB, deploy: {image: mongo, port: 27017}")
    found, notes = generated(root)
    assert types_of(found["aws"]) == {"aws_docdb_cluster", "aws_docdb_cluster_instance", "aws_security_group"}
    cluster = found["aws"][("aws_docdb_cluster", "store")]
    assert cluster["engine"] == "docdb" and cluster["port"] == 27017
    assert cluster["vpc_security_group_ids"] == ["${aws_security_group.store.id}"]
    assert aws_port(found["aws"]) == 27017
    assert types_of(found["gcp"]) == set() and types_of(found["azure"]) == set()
    assert sorted(notes) == [
        "component 'store' (database, MongoDB) has no azure mapping: no flexible server speaks the "
        "MongoDB protocol; nothing is generated for it in terraform/azure/",
        "component 'store' (database, MongoDB) has no gcp mapping: Cloud SQL does not speak the "
        "MongoDB protocol; nothing is generated for it in terraform/gcp/",
    ]
    # The app's egress on GCP goes where an unmapped component lives, on the engine's port.
    assert gcp_port(found["gcp"]) == 27017
    assert found["gcp"][("google_compute_firewall", "web_TO_store")]["destination_ranges"] == [
        "${var.external_egress_cidr}"
    ]


def test_the_image_names_the_engine_when_the_technology_does_not(tmp_path: Path) -> None:
    found, _ = generated(model(tmp_path, 'kind: database, deploy: {image: "docker.io/library/mongo:7.0"}'))
    assert ("aws_docdb_cluster", "store") in found["aws"]
    assert ("aws_db_instance", "store") not in found["aws"]


def test_mysql_is_the_mysql_engine_of_each_managed_service(tmp_path: Path) -> None:
    found, notes = generated(model(tmp_path, "kind: database, technology: MySQL 8, deploy: {port: 5432}"))
    assert found["aws"][("aws_db_instance", "store")]["engine"] == "mysql"
    assert found["gcp"][("google_sql_database_instance", "store")]["database_version"] == "MYSQL_8_0"
    assert ("azurerm_mysql_flexible_server", "store") in found["azure"]
    # The rules open MySQL's port, not the 5432 the model's own container used.
    assert aws_port(found["aws"]) == gcp_port(found["gcp"]) == azure_port(found["azure"]) == 3306
    assert notes == []


def test_mariadb_is_rds_mariadb(tmp_path: Path) -> None:
    found, _ = generated(model(tmp_path, "kind: database, deploy: {image: bitnami/mariadb:11}"))
    assert found["aws"][("aws_db_instance", "store")]["engine"] == "mariadb"
    assert found["gcp"][("google_sql_database_instance", "store")]["database_version"] == "MYSQL_8_0"
    assert aws_port(found["aws"]) == 3306


def test_postgres_and_an_unnamed_engine_stay_postgres(tmp_path: Path) -> None:
    found, _ = generated(model(tmp_path, "kind: database, technology: PostgreSQL 16"))
    assert found["aws"][("aws_db_instance", "store")]["engine"] == "postgres"
    assert found["gcp"][("google_sql_database_instance", "store")]["database_version"] == "POSTGRES_17"
    assert ("azurerm_postgresql_flexible_server", "store") in found["azure"]
    assert aws_port(found["aws"]) == azure_port(found["azure"]) == 5432


def test_rabbitmq_is_amazon_mq_on_aws_on_its_tls_port(tmp_path: Path) -> None:
    store = "kind: queue, technology: RabbitMQ, deploy: {image: rabbitmq:3.13, port: 5672}"
    found, notes = generated(model(tmp_path, store, protocol="amqp"))
    broker = found["aws"][("aws_mq_broker", "store")]
    assert broker["engine_type"] == "RabbitMQ" and broker["publicly_accessible"] is False
    assert broker["security_groups"] == ["${aws_security_group.store.id}"]
    assert ("aws_sqs_queue", "store") not in found["aws"]
    assert aws_port(found["aws"]) == 5671  # Amazon MQ for RabbitMQ accepts AMQP over TLS only
    assert types_of(found["gcp"]) == set() and types_of(found["azure"]) == set()
    assert sorted(n.split(";")[0] for n in notes) == [
        "component 'store' (queue, RabbitMQ) has no azure mapping: Service Bus speaks AMQP 1.0, "
        "not RabbitMQ's AMQP 0-9-1",
        "component 'store' (queue, RabbitMQ) has no gcp mapping: Pub/Sub does not speak AMQP and "
        "Google Cloud has no managed RabbitMQ",
    ]


def test_kafka_named_by_the_image_is_msk(tmp_path: Path) -> None:
    found, _ = generated(model(tmp_path, "kind: queue, deploy: {image: confluentinc/cp-kafka:7.6}", "kafka"))
    assert ("aws_msk_cluster", "store") in found["aws"]
    assert ("google_managed_kafka_cluster", "store") in found["gcp"]
    assert ("azurerm_eventhub_namespace", "store") in found["azure"]


def test_a_queue_that_names_no_engine_is_the_clouds_own_queue(tmp_path: Path) -> None:
    found, notes = generated(model(tmp_path, "kind: queue, controls: [least_privilege]", "https"))
    assert ("aws_sqs_queue", "store") in found["aws"]
    assert ("google_pubsub_topic", "store") in found["gcp"]
    namespace = found["azure"][("azurerm_servicebus_namespace", "store")]
    assert namespace["local_auth_enabled"] is False  # least_privilege: Entra ID only
    assert notes == []


def test_an_explicit_flow_port_to_a_named_engine_is_replaced_and_said(tmp_path: Path) -> None:
    store = "kind: queue, technology: rabbitmq"
    root = model(tmp_path, store, protocol="amqp")
    text = (root / "archmodel.yaml").read_text().replace("protocol: amqp}", "protocol: amqp, port: 5672}")
    (root / "archmodel.yaml").write_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OtherCloud)
        warnings.simplefilter("ignore", NoMapping)
        files = generate(valid_project(root), NoOptions())
    header = {str(p): b for p, b in files.items()}["terraform/store.gen.tf"].decode()
    assert "flow web_TO_store names port 5672; the managed service listens on 5671" in header


ENGINES = [
    "kind: database, technology: MongoDB, controls: [kms, backup, logging, monitoring]",
    "kind: database, technology: MySQL, controls: [iam, logging]",
    "kind: database, technology: MariaDB",
    "kind: queue, technology: RabbitMQ, controls: [logging, kms]",
    "kind: queue, technology: Kafka, controls: [tls]",
]


@pytest.mark.parametrize("store", ENGINES)
def test_each_engines_terraform_matches_the_provider_schemas_and_is_formatted(
    tmp_path: Path, store: str
) -> None:
    root = model(tmp_path, store)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OtherCloud)
        warnings.simplefilter("ignore", NoMapping)
        assert generated_problems(root) == []
        files = generate(valid_project(root), NoOptions())
    if NODE is None or not (TOOL / "node_modules").is_dir():
        pytest.skip("node or tests/tools/hcl/node_modules missing (terraform fmt check)")
    formatter = Formatter()
    try:
        for path, content in files.items():
            if str(path).endswith(".tf"):
                assert formatter(content.decode()) == content.decode(), path
    finally:
        formatter.close()


@pytest.mark.parametrize(
    ("technology", "image", "engine"),
    [
        ("MongoDB (mongo:4.4.6)", None, "mongodb"),
        (None, "registry:5000/team/mongo@sha256:abc", "mongodb"),
        ("Azure Database for MySQL", None, "mysql"),
        ("SQL Server 2022", None, "sqlserver-ex"),
        ("mysql-compatible", "postgres:16", "mysql"),  # the technology comes first
        (None, "weaveworksdemos/catalogue-db:0.3.0", "postgres"),  # names nothing: the default
        ("nosql", None, "postgres"),  # whole words: "sql" is not in "nosql", nor "mysql"
    ],
)
def test_the_engine_is_read_from_whole_words(technology: str | None, image: str | None, engine: str) -> None:
    deploy = {"image": image} if image else None
    assert (
        db_engine(
            Component.model_validate(
                {"id": "s", "kind": "database", "technology": technology, "deploy": deploy}
            )
        )
        == engine
    )


def test_a_queue_engine_needs_a_whole_word() -> None:
    def engine(technology: str) -> str | None:
        return queue_engine(Component.model_validate({"id": "q", "kind": "queue", "technology": technology}))

    assert engine("RabbitMQ 3.13") == "rabbitmq"
    assert engine("AMQP 0-9-1 broker") == "rabbitmq"
    assert engine("Amazon MSK") == "kafka"
    assert engine("kafkaesque") is None
