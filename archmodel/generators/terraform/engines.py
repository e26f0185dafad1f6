"""Which engine a database or queue runs, read from the component's own facts, and which
clouds have a managed service that speaks it.

A managed service must speak the protocol the code was written for: a MongoDB client
cannot talk to Postgres, nor an AMQP client to SQS, and a guessed resource plans cleanly
and fails on the first connection. So the technology is read first, then the image name,
as whole words in any case (``PostgreSQL 16``, ``mongo:7``, ``bitnami/rabbitmq``). A
database whose facts name no engine is PostgreSQL, as it always was; a queue whose facts
name none is the cloud's own queue (SQS, Pub/Sub, Service Bus). An engine a cloud has no
managed service for gets nothing there and a ``NoMapping`` warning, as an unmapped kind does.
"""

from __future__ import annotations

import re

from archmodel.model import Component, Kind

# Whole words (or phrases) -> engine, tried in order on the technology, then the image.
DATABASE_WORDS: tuple[tuple[str, str], ...] = (
    ("postgres", "postgres"),
    ("postgresql", "postgres"),
    ("postgis", "postgres"),
    ("mariadb", "mariadb"),
    ("mysql", "mysql"),
    ("sql server", "sqlserver-ex"),
    ("sqlserver", "sqlserver-ex"),
    ("mssql", "sqlserver-ex"),
    ("oracle", "oracle-se2"),
    ("mongodb", "mongodb"),
    ("mongo", "mongodb"),
    ("documentdb", "mongodb"),
)
QUEUE_WORDS: tuple[tuple[str, str], ...] = (
    ("kafka", "kafka"),
    ("msk", "kafka"),
    ("rabbitmq", "rabbitmq"),
    ("amqp", "rabbitmq"),
)
DEFAULT_DATABASE = "postgres"
# The port each managed engine listens on. Amazon MQ for RabbitMQ accepts AMQP over TLS
# only (5671); Kafka's port depends on the listener, so its flows say it (facts.flow_port).
ENGINE_PORTS = {
    "postgres": 5432,
    "mysql": 3306,
    "mariadb": 3306,
    "sqlserver-ex": 1433,
    "oracle-se2": 1521,
    "mongodb": 27017,
    "rabbitmq": 5671,
}
NAMES = {
    "postgres": "PostgreSQL",
    "mysql": "MySQL",
    "mariadb": "MariaDB",
    "sqlserver-ex": "SQL Server",
    "oracle-se2": "Oracle",
    "mongodb": "MongoDB",
    "rabbitmq": "RabbitMQ",
    "kafka": "Kafka",
}
# (cloud, engine) -> why that cloud has no managed service for it.
NO_SERVICE: dict[tuple[str, str], str] = {
    ("gcp", "oracle-se2"): "Cloud SQL has no Oracle engine",
    ("gcp", "mongodb"): "Cloud SQL does not speak the MongoDB protocol",
    ("gcp", "rabbitmq"): "Pub/Sub does not speak AMQP and Google Cloud has no managed RabbitMQ",
    ("azure", "sqlserver-ex"): "no flexible server runs SQL Server",
    ("azure", "oracle-se2"): "no flexible server runs Oracle",
    ("azure", "mongodb"): "no flexible server speaks the MongoDB protocol",
    ("azure", "rabbitmq"): "Service Bus speaks AMQP 1.0, not RabbitMQ's AMQP 0-9-1",
}


def _words(text: str) -> str:
    """Lower-case words separated and surrounded by one space, so that `` mongo `` is
    found in ``MongoDB (mongo:4.4)`` but ``sql`` is not found in ``mysql``."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


def _image_name(component: Component) -> str:
    """The image reference without its tag or digest: ``bitnami/mongodb:7`` -> ``bitnami/mongodb``."""
    image = (component.deploy.image if component.deploy else None) or ""
    image = image.split("@", 1)[0]
    head, _, last = image.rpartition("/")
    return f"{head}/{last.split(':', 1)[0]}"


def _named(component: Component, table: tuple[tuple[str, str], ...]) -> str | None:
    for text in (component.technology or "", _image_name(component)):
        words = _words(text)
        for needle, engine in table:
            if f" {needle} " in words:
                return engine
    return None


def named_engine(component: Component) -> str | None:
    """The engine a database's or queue's technology or image names, if any."""
    if component.kind == Kind.database:
        return _named(component, DATABASE_WORDS)
    return _named(component, QUEUE_WORDS) if component.kind == Kind.queue else None


def db_engine(component: Component) -> str:
    """A database's engine: the one its facts name, else PostgreSQL."""
    return _named(component, DATABASE_WORDS) or DEFAULT_DATABASE


def queue_engine(component: Component) -> str | None:
    """A queue's engine (``kafka``, ``rabbitmq``), or None for the cloud's own queue."""
    return _named(component, QUEUE_WORDS) if component.kind == Kind.queue else None


def engine_of(component: Component) -> str | None:
    """The engine of a database or queue; None for every other kind."""
    if component.kind == Kind.database:
        return db_engine(component)
    return queue_engine(component)


def is_kafka(component: Component) -> bool:
    return queue_engine(component) == "kafka"


def is_rabbitmq(component: Component) -> bool:
    return queue_engine(component) == "rabbitmq"


def brokered(component: Component) -> bool:
    """A queue that runs on brokers in private subnets (MSK, Amazon MQ), with a security
    group; the cloud's own queue is a regional endpoint outside the VPC."""
    return queue_engine(component) is not None


def engine_port(component: Component) -> int | None:
    """The port the managed service for this component listens on, when the engine fixes it."""
    engine = engine_of(component)
    return ENGINE_PORTS.get(engine) if engine else None


def engine_name(component: Component) -> str:
    """The engine as people write it (``MongoDB``), for messages; empty for other kinds."""
    engine = engine_of(component)
    return NAMES[engine] if engine else ""


def no_service(component: Component, cloud: str) -> str | None:
    """Why ``cloud`` has no managed service for this component's engine, or None."""
    engine = engine_of(component)
    return NO_SERVICE.get((cloud, engine)) if engine else None
