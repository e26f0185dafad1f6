"""AWS builders for the data rows of the mapping: RDS or DocumentDB, ElastiCache, MSK,
Amazon MQ or SQS, S3, Secrets Manager; the component's engine (``engines.py``) chooses.

Each control the model claims turns into the setting that enforces it, so that a scan
of the generated code (checkov) confirms the claim: ``encryption_at_rest`` ->
``storage_encrypted``, ``kms`` -> a customer key, ``backup`` -> retention, ``iam`` or
``least_privilege`` -> IAM database authentication, ``tls`` -> transit encryption,
``logging``/``monitoring`` -> log exports and enhanced monitoring (RDS), broker logs
(MSK), slow logs (ElastiCache).
"""

from __future__ import annotations

from archmodel.formats.hcl import Block, Raw
from archmodel.generators.terraform.engines import ENGINE_PORTS, db_engine, is_rabbitmq, queue_engine
from archmodel.generators.terraform.facts import Facts, aws_name
from archmodel.generators.terraform.plan import Plan

LOG_EXPORTS = {"postgres": ["postgresql", "upgrade"], "mysql": ["audit", "error", "general", "slowquery"]}


def database(facts: Facts, plan: Plan) -> list[Block]:
    """RDS in the engine the model names (PostgreSQL when it names none); MongoDB ->
    DocumentDB, which speaks its wire protocol."""
    if db_engine(facts.component) == "mongodb":
        return documentdb(facts)
    return [rds(facts)]


def rds(facts: Facts) -> Block:
    cid, engine = facts.id, db_engine(facts.component)
    db = Block("resource", ("aws_db_instance", cid)).set("identifier_prefix", aws_name(cid, 50) + "-")
    db.set("engine", engine).set("instance_class", Raw("var.db_instance_class")).set("allocated_storage", 20)
    db.set("username", "archmodel").set("manage_master_user_password", True)
    db.set("db_subnet_group_name", Raw("var.db_subnet_group_name"))
    db.set("vpc_security_group_ids", [Raw(f"aws_security_group.{cid}.id")])
    db.set("publicly_accessible", False)
    db.set("storage_encrypted", facts.has("encryption_at_rest", "kms"))
    if facts.has("kms"):
        db.set("kms_key_id", Raw("var.kms_key_arn"))
    db.set("backup_retention_period", 7 if facts.has("backup") else 1)
    db.set("multi_az", Raw("var.multi_az"))
    db.set("iam_database_authentication_enabled", facts.has("iam", "least_privilege"))
    db.set("auto_minor_version_upgrade", True).set("copy_tags_to_snapshot", True)
    db.set("deletion_protection", Raw("var.deletion_protection"))
    db.set("final_snapshot_identifier", aws_name(cid, 200) + "-final")
    if facts.has("logging"):
        db.set("enabled_cloudwatch_logs_exports", LOG_EXPORTS.get(engine, ["error"]))
    if facts.has("monitoring"):
        db.set("monitoring_interval", 60).set("monitoring_role_arn", Raw("var.rds_monitoring_role_arn"))
        db.set("performance_insights_enabled", True)
        if facts.has("kms"):
            db.set("performance_insights_kms_key_id", Raw("var.kms_key_arn"))
    return db.set("tags", facts.tags)


def documentdb(facts: Facts) -> list[Block]:
    """A DocumentDB cluster (MongoDB wire protocol, TLS on by default) with one instance,
    two with ``multi_az``; controls as on RDS."""
    cid = facts.id
    cluster = Block("resource", ("aws_docdb_cluster", cid))
    cluster.set("cluster_identifier_prefix", aws_name(cid, 50) + "-").set("engine", "docdb")
    cluster.set("port", ENGINE_PORTS["mongodb"])
    cluster.set("master_username", "archmodel").set("manage_master_user_password", True)
    cluster.set("db_subnet_group_name", Raw("var.docdb_subnet_group_name"))
    cluster.set("vpc_security_group_ids", [Raw(f"aws_security_group.{cid}.id")])
    cluster.set("storage_encrypted", facts.has("encryption_at_rest", "kms"))
    if facts.has("kms"):
        cluster.set("kms_key_id", Raw("var.kms_key_arn"))
    cluster.set("backup_retention_period", 7 if facts.has("backup") else 1)
    cluster.set("deletion_protection", Raw("var.deletion_protection"))
    cluster.set("final_snapshot_identifier", aws_name(cid, 200) + "-final")
    if facts.has("logging"):
        cluster.set("enabled_cloudwatch_logs_exports", ["audit", "profiler"])
    instance = Block("resource", ("aws_docdb_cluster_instance", cid))
    instance.set("count", Raw("var.multi_az ? 2 : 1"))
    instance.set("identifier_prefix", aws_name(cid, 50) + "-")
    instance.set("cluster_identifier", Raw(f"aws_docdb_cluster.{cid}.id"))
    instance.set("instance_class", Raw("var.docdb_instance_class"))
    instance.set("auto_minor_version_upgrade", True).set("copy_tags_to_snapshot", True)
    if facts.has("monitoring"):
        instance.set("enable_performance_insights", True)
        if facts.has("kms"):
            instance.set("performance_insights_kms_key_id", Raw("var.kms_key_arn"))
    return [cluster.set("tags", facts.tags), instance.set("tags", facts.tags)]


def cache(facts: Facts, plan: Plan) -> list[Block]:
    cid = facts.id
    group = Block("resource", ("aws_elasticache_replication_group", cid))
    group.set("replication_group_id", aws_name(cid, 40)).set("description", f"archmodel component {cid}")
    group.set("engine", "redis").set("node_type", Raw("var.cache_node_type"))
    group.set("num_cache_clusters", Raw("var.multi_az ? 2 : 1"))
    group.set("automatic_failover_enabled", Raw("var.multi_az")).set("multi_az_enabled", Raw("var.multi_az"))
    group.set("subnet_group_name", Raw("var.cache_subnet_group_name"))
    group.set("security_group_ids", [Raw(f"aws_security_group.{cid}.id")])
    group.set("at_rest_encryption_enabled", facts.has("encryption_at_rest", "kms"))
    group.set("transit_encryption_enabled", facts.tls)
    if facts.has("kms"):
        group.set("kms_key_id", Raw("var.kms_key_arn"))
    if facts.has("backup"):
        group.set("snapshot_retention_limit", 7)
    if facts.has("logging", "monitoring"):
        group.add(
            Block("log_delivery_configuration")
            .set("destination", Raw("var.log_group_name"))
            .set("destination_type", "cloudwatch-logs")
            .set("log_format", "json")
            .set("log_type", "slow-log")
        )
    return [group.set("tags", facts.tags)]


def queue(facts: Facts, plan: Plan) -> list[Block]:
    """Kafka -> an MSK cluster; RabbitMQ or AMQP -> an Amazon MQ broker (SQS speaks
    neither protocol); a queue that names no engine -> SQS."""
    engine = queue_engine(facts.component)
    if engine == "kafka":
        return [msk(facts)]
    if engine == "rabbitmq":
        return [rabbitmq(facts)]
    return [sqs(facts)]


def sqs(facts: Facts) -> Block:
    queue = Block("resource", ("aws_sqs_queue", facts.id)).set("name_prefix", aws_name(facts.id, 60) + "-")
    if facts.has("kms"):
        queue.set("kms_master_key_id", Raw("var.kms_key_arn"))
    else:
        queue.set("sqs_managed_sse_enabled", facts.has("encryption_at_rest"))
    return queue.set("tags", facts.tags)


def rabbitmq(facts: Facts) -> Block:
    """An Amazon MQ for RabbitMQ broker in the private subnets: AMQP over TLS only (5671),
    a three-node cluster with ``multi_az``, general logs with ``logging``."""
    cid = facts.id
    broker = Block("resource", ("aws_mq_broker", cid)).set("broker_name", aws_name(cid, 50))
    broker.set("engine_type", "RabbitMQ").set("engine_version", Raw("var.rabbitmq_version"))
    broker.set("host_instance_type", Raw("var.mq_instance_type"))
    broker.set("deployment_mode", Raw('var.multi_az ? "CLUSTER_MULTI_AZ" : "SINGLE_INSTANCE"'))
    one_subnet = "slice(var.private_subnet_ids, 0, 1)"  # a single-instance broker takes one
    broker.set("subnet_ids", Raw(f"var.multi_az ? var.private_subnet_ids : {one_subnet}"))
    broker.set("security_groups", [Raw(f"aws_security_group.{cid}.id")])
    broker.set("publicly_accessible", False).set("auto_minor_version_upgrade", True)
    broker.add(Block("encryption_options").set("use_aws_owned_key", True))
    if facts.has("logging"):
        broker.add(Block("logs").set("general", True))
    broker.add(Block("user").set("username", "archmodel").set("password", Raw("var.mq_admin_password")))
    return broker.set("tags", facts.tags)


def notes(facts: Facts) -> list[str]:
    """What a control asks that the chosen service cannot do, said in the file's header."""
    if is_rabbitmq(facts.component) and facts.has("kms"):
        return ["Amazon MQ for RabbitMQ encrypts at rest with an AWS-owned key only: `kms` is not realised"]
    return []


def msk(facts: Facts) -> Block:
    """An MSK cluster in the private subnets, TLS between brokers always."""
    cid = facts.id
    cluster = Block("resource", ("aws_msk_cluster", cid)).set("cluster_name", aws_name(cid, 64))
    cluster.set("kafka_version", Raw("var.kafka_version"))
    cluster.set("number_of_broker_nodes", Raw("max(2, var.availability_zones)"))
    cluster.add(
        Block("broker_node_group_info")
        .set("instance_type", Raw("var.kafka_instance_type"))
        .set("client_subnets", Raw("var.private_subnet_ids"))
        .set("security_groups", [Raw(f"aws_security_group.{cid}.id")])
    )
    encryption = Block("encryption_info")
    if facts.has("kms"):
        encryption.set("encryption_at_rest_kms_key_arn", Raw("var.kms_key_arn"))
    encryption.add(
        Block("encryption_in_transit")
        .set("client_broker", "TLS" if facts.tls else "TLS_PLAINTEXT")
        .set("in_cluster", True)
    )
    cluster.add(encryption)
    if facts.has("logging"):
        cluster.add(
            Block("logging_info").add(
                Block("broker_logs").add(
                    Block("cloudwatch_logs").set("enabled", True).set("log_group", Raw("var.log_group_name"))
                )
            )
        )
    return cluster.set("tags", facts.tags)


def object_store(facts: Facts, plan: Plan) -> list[Block]:
    """A bucket that is never public (CloudFront reaches it through origin access control)."""
    cid = facts.id
    ref = Raw(f"aws_s3_bucket.{cid}.id")
    bucket = Block("resource", ("aws_s3_bucket", cid)).set("bucket_prefix", aws_name(cid, 37) + "-")
    blocks = [bucket.set("tags", facts.tags)]
    blocks.append(
        Block("resource", ("aws_s3_bucket_public_access_block", cid))
        .set("bucket", ref)
        .set("block_public_acls", True)
        .set("block_public_policy", True)
        .set("ignore_public_acls", True)
        .set("restrict_public_buckets", True)
    )
    default = Block("apply_server_side_encryption_by_default")
    if facts.has("kms"):
        default.set("sse_algorithm", "aws:kms").set("kms_master_key_id", Raw("var.kms_key_arn"))
    else:
        default.set("sse_algorithm", "AES256")
    blocks.append(
        Block("resource", ("aws_s3_bucket_server_side_encryption_configuration", cid))
        .set("bucket", ref)
        .add(Block("rule").add(default).set("bucket_key_enabled", facts.has("kms")))
    )
    if facts.has("backup"):
        blocks.append(
            Block("resource", ("aws_s3_bucket_versioning", cid))
            .set("bucket", ref)
            .add(Block("versioning_configuration").set("status", "Enabled"))
        )
    if facts.has("logging"):
        blocks.append(
            Block("resource", ("aws_s3_bucket_logging", cid))
            .set("bucket", ref)
            .set("target_bucket", Raw("var.access_log_bucket"))
            .set("target_prefix", f"s3/{cid}/")
        )
    return blocks


def secrets_store(facts: Facts, plan: Plan) -> list[Block]:
    secret = Block("resource", ("aws_secretsmanager_secret", facts.id))
    secret.set("name_prefix", f"archmodel/{facts.id}-")
    secret.set("description", f"archmodel component {facts.id}")
    if facts.has("kms", "encryption_at_rest"):
        secret.set("kms_key_id", Raw("var.kms_key_arn"))
    secret.set("recovery_window_in_days", 7)
    return [secret.set("tags", facts.tags)]


def identity_provider(facts: Facts, plan: Plan) -> list[Block]:
    """An Amazon Cognito user pool (the row is taken only when the technology says so):
    TOTP MFA required with the ``mfa`` control, strong passwords, deletion protection for prod."""
    cid = facts.id
    pool = Block("resource", ("aws_cognito_user_pool", cid)).set("name", aws_name(cid, 128))
    pool.set("mfa_configuration", "ON" if facts.has("mfa") else "OPTIONAL")
    pool.set("deletion_protection", Raw('var.deletion_protection ? "ACTIVE" : "INACTIVE"'))
    pool.add(Block("software_token_mfa_configuration").set("enabled", True))
    pool.add(
        Block("password_policy")
        .set("minimum_length", 14)
        .set("require_lowercase", True)
        .set("require_uppercase", True)
        .set("require_numbers", True)
        .set("require_symbols", True)
    )
    return [pool.set("tags", facts.tags)]
