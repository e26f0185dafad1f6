"""GCP builders for the data rows of the mapping: Cloud SQL, Memorystore, Pub/Sub or
Managed Kafka, Cloud Storage, Secret Manager.

Controls turn into the setting that enforces them, as on AWS: ``encryption_at_rest``
or ``kms`` -> a customer-managed Cloud KMS key (CMEK; Google encrypts everything at rest
anyway, the control asks for a key the owner controls), ``backup`` -> point-in-time
recovery and seven retained backups, RDB snapshots, versioning, topic retention;
``multi_az`` -> ``var.multi_az`` (regional Cloud SQL, Standard HA Memorystore);
``logging`` -> database log flags and bucket access logs; ``monitoring`` -> Query
Insights; ``iam`` or ``least_privilege`` -> IAM database authentication; ``tls`` ->
encrypted-only connections (``mtls``: client certificates required). Nothing gets a public IP.
"""

from __future__ import annotations

from archmodel.formats.hcl import Block, Raw, Value
from archmodel.generators.terraform.engines import db_engine, is_kafka
from archmodel.generators.terraform.facts import Facts, aws_name
from archmodel.generators.terraform.plan import Plan

COMPONENT_LABEL = "archmodel-component"
VERSIONS = {
    "postgres": "POSTGRES_17",
    "mysql": "MYSQL_8_0",
    "mariadb": "MYSQL_8_0",
    "sqlserver-ex": "SQLSERVER_2022_EXPRESS",
}
# Flags checkov's CIS checks ask for; each is on only when the model claims ``logging``.
POSTGRES_LOG_FLAGS = (
    ("log_checkpoints", "on"),
    ("log_connections", "on"),
    ("log_disconnections", "on"),
    ("log_lock_waits", "on"),
    ("log_min_error_statement", "error"),
    ("log_min_messages", "warning"),
    ("log_temp_files", "0"),
    ("log_hostname", "on"),
    ("log_duration", "on"),
    ("log_statement", "ddl"),
    ("cloudsql.enable_pgaudit", "on"),
)


def labels(facts: Facts) -> dict[str, Value]:
    """GCP labels: lower-case keys; model ids are valid label values as they are."""
    return {COMPONENT_LABEL: facts.id}


def cmek(facts: Facts) -> bool:
    return facts.has("encryption_at_rest", "kms")


def database(facts: Facts, plan: Plan) -> list[Block]:
    """Cloud SQL in the engine the model names; engines Cloud SQL lacks (Oracle, MongoDB)
    never reach here (``engines.NO_SERVICE``)."""
    cid, engine = facts.id, db_engine(facts.component)
    db = Block("resource", ("google_sql_database_instance", cid)).set("name", aws_name(cid, 80))
    db.set("database_version", VERSIONS[engine]).set("region", Raw("var.region"))
    db.set("deletion_protection", Raw("var.deletion_protection"))
    if cmek(facts):
        db.set("encryption_key_name", Raw("var.kms_key_name"))
    settings = Block("settings").set("tier", Raw("var.db_tier"))
    settings.set("availability_type", Raw('var.multi_az ? "REGIONAL" : "ZONAL"'))
    settings.set("deletion_protection_enabled", Raw("var.deletion_protection"))
    ssl_mode = "ENCRYPTED_ONLY" if facts.tls else "ALLOW_UNENCRYPTED_AND_ENCRYPTED"
    if facts.has("mtls"):
        ssl_mode = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    settings.add(
        Block("ip_configuration")
        .set("ipv4_enabled", False)
        .set("private_network", Raw("var.network_id"))
        .set("ssl_mode", ssl_mode)
    )
    backup = Block("backup_configuration").set("enabled", True)
    if engine == "postgres":
        backup.set("point_in_time_recovery_enabled", facts.has("backup"))
    elif engine != "sqlserver-ex":
        backup.set("binary_log_enabled", facts.has("backup"))
    backup.add(Block("backup_retention_settings").set("retained_backups", 7 if facts.has("backup") else 1))
    settings.add(backup)
    for name, value in _flags(facts, engine):
        settings.add(Block("database_flags").set("name", name).set("value", value))
    if facts.has("monitoring"):
        settings.add(
            Block("insights_config")
            .set("query_insights_enabled", True)
            .set("record_application_tags", True)
            .set("record_client_address", True)
        )
    settings.set("user_labels", labels(facts))
    return [db.add(settings)]


def _flags(facts: Facts, engine: str) -> list[tuple[str, str]]:
    flags: list[tuple[str, str]] = []
    if engine == "postgres":
        if facts.has("iam", "least_privilege"):
            flags.append(("cloudsql.iam_authentication", "on"))
        if facts.has("logging"):
            flags += POSTGRES_LOG_FLAGS
    elif engine in ("mysql", "mariadb"):
        flags += [("local_infile", "off"), ("skip_show_database", "on")]
        if facts.has("iam", "least_privilege"):
            flags.append(("cloudsql_iam_authentication", "on"))
    return flags


def cache(facts: Facts, plan: Plan) -> list[Block]:
    cid = facts.id
    redis = Block("resource", ("google_redis_instance", cid)).set("name", aws_name(cid, 40))
    redis.set("region", Raw("var.region")).set("memory_size_gb", Raw("var.redis_memory_size_gb"))
    redis.set("tier", Raw('var.multi_az ? "STANDARD_HA" : "BASIC"')).set("redis_version", "REDIS_7_2")
    redis.set("authorized_network", Raw("var.network_id")).set("connect_mode", "PRIVATE_SERVICE_ACCESS")
    redis.set("auth_enabled", True)
    redis.set("transit_encryption_mode", "SERVER_AUTHENTICATION" if facts.tls else "DISABLED")
    if cmek(facts):
        redis.set("customer_managed_key", Raw("var.kms_key_name"))
    if facts.has("backup"):
        redis.add(
            Block("persistence_config")
            .set("persistence_mode", "RDB")
            .set("rdb_snapshot_period", "TWELVE_HOURS")
        )
    return [redis.set("labels", labels(facts))]


def queue(facts: Facts, plan: Plan) -> list[Block]:
    """Kafka -> Managed Service for Apache Kafka; a queue that names no engine -> Pub/Sub
    (RabbitMQ never reaches here: nothing managed on Google Cloud speaks AMQP)."""
    cid = facts.id
    if not is_kafka(facts.component):
        topic = Block("resource", ("google_pubsub_topic", cid)).set("name", aws_name(cid, 255))
        if cmek(facts):
            topic.set("kms_key_name", Raw("var.kms_key_name"))
        if facts.has("backup"):
            topic.set("message_retention_duration", "604800s")
        return [topic.set("labels", labels(facts))]
    kafka = Block("resource", ("google_managed_kafka_cluster", cid)).set("cluster_id", aws_name(cid, 63))
    kafka.set("location", Raw("var.region"))
    kafka.add(
        Block("capacity_config")
        .set("vcpu_count", Raw("var.kafka_vcpu_count"))
        .set("memory_bytes", Raw("var.kafka_memory_bytes"))
    )
    gcp = Block("gcp_config")
    if cmek(facts):
        gcp.set("kms_key", Raw("var.kms_key_name"))
    gcp.add(Block("access_config").add(Block("network_configs").set("subnet", Raw("var.subnetwork_id"))))
    return [kafka.add(gcp).set("labels", labels(facts))]


def object_store(facts: Facts, plan: Plan) -> list[Block]:
    """A bucket that is never public: uniform access, public access prevention enforced."""
    cid = facts.id
    bucket = Block("resource", ("google_storage_bucket", cid))
    bucket.set("name", Raw(f'"${{var.project_id}}-{aws_name(cid, 32)}"')).set("location", Raw("var.region"))
    bucket.set("uniform_bucket_level_access", True).set("public_access_prevention", "enforced")
    bucket.set("force_destroy", False)
    bucket.add(Block("versioning").set("enabled", facts.has("backup")))
    if cmek(facts):
        bucket.add(Block("encryption").set("default_kms_key_name", Raw("var.kms_key_name")))
    if facts.has("logging"):
        bucket.add(
            Block("logging")
            .set("log_bucket", Raw("var.access_log_bucket"))
            .set("log_object_prefix", f"gcs/{cid}/")
        )
    return [bucket.set("labels", labels(facts))]


def secrets_store(facts: Facts, plan: Plan) -> list[Block]:
    """Secret Manager: replicated automatically, or in the region under a CMEK."""
    secret = Block("resource", ("google_secret_manager_secret", facts.id)).set("secret_id", facts.id)
    replication = Block("replication")
    if cmek(facts):
        replica = Block("replicas").set("location", Raw("var.region"))
        replica.add(Block("customer_managed_encryption").set("kms_key_name", Raw("var.kms_key_name")))
        replication.add(Block("user_managed").add(replica))
    else:
        replication.add(Block("auto"))
    return [secret.add(replication).set("labels", labels(facts))]
