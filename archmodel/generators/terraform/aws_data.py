"""AWS builders for the data rows of the mapping: RDS, ElastiCache, MSK/SQS, S3, Secrets Manager.

Each control the model claims turns into the setting that enforces it, so that a scan
of the generated code (checkov) confirms the claim: ``encryption_at_rest`` ->
``storage_encrypted``, ``kms`` -> a customer key, ``backup`` -> retention, ``iam`` or
``least_privilege`` -> IAM database authentication, ``tls`` -> transit encryption,
``logging``/``monitoring`` -> log exports and enhanced monitoring (RDS), broker logs
(MSK), slow logs (ElastiCache).
"""

from __future__ import annotations

from archmodel.formats.hcl import Block, Raw
from archmodel.generators.terraform.facts import Facts, aws_name, db_engine, is_kafka
from archmodel.generators.terraform.plan import Plan

LOG_EXPORTS = {"postgres": ["postgresql", "upgrade"], "mysql": ["audit", "error", "general", "slowquery"]}


def database(facts: Facts, plan: Plan) -> list[Block]:
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
    return [db.set("tags", facts.tags)]


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
    """Kafka (or MSK) technology -> an MSK cluster; any other queue -> SQS."""
    cid = facts.id
    if not is_kafka(facts.component):
        sqs = Block("resource", ("aws_sqs_queue", cid)).set("name_prefix", aws_name(cid, 60) + "-")
        if facts.has("kms"):
            sqs.set("kms_master_key_id", Raw("var.kms_key_arn"))
        else:
            sqs.set("sqs_managed_sse_enabled", facts.has("encryption_at_rest"))
        return [sqs.set("tags", facts.tags)]
    msk = Block("resource", ("aws_msk_cluster", cid)).set("cluster_name", aws_name(cid, 64))
    msk.set("kafka_version", Raw("var.kafka_version"))
    msk.set("number_of_broker_nodes", Raw("max(2, var.availability_zones)"))
    msk.add(
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
    msk.add(encryption)
    if facts.has("logging"):
        msk.add(
            Block("logging_info").add(
                Block("broker_logs").add(
                    Block("cloudwatch_logs").set("enabled", True).set("log_group", Raw("var.log_group_name"))
                )
            )
        )
    return [msk.set("tags", facts.tags)]


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
