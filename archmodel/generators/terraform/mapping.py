"""THE table from component kind to cloud resources: one row per kind, one column per cloud
(``aws``, ``gcp``, ``azure``).

A row with no builder for a cloud is a kind that cloud has no mapping for: the component
gets nothing there and a ``NoMapping`` warning names both. A database or queue also
needs a service that speaks its engine (``engines.py``: MongoDB -> DocumentDB, RabbitMQ ->
Amazon MQ on AWS; none on GCP and Azure), or it gets the same warning. A database whose
technology and image name no engine is PostgreSQL. ``in_vpc`` says whether the
AWS resources sit in a VPC and so get a security group and rules from the flows (GCP and
Azure say which rows are networked in their ``CloudSpec``); a row whose AWS service
depends on the component (a queue: MSK or Amazon MQ in the VPC, SQS outside it) gives a
predicate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from archmodel.formats.hcl import Block
from archmodel.generators.terraform import (
    aws_data,
    aws_edge,
    azure_data,
    azure_edge,
    azure_front,
    gcp_data,
    gcp_edge,
)
from archmodel.generators.terraform.engines import brokered
from archmodel.generators.terraform.facts import Facts
from archmodel.generators.terraform.plan import Plan
from archmodel.model import Component

Builder = Callable[[Facts, Plan], list[Block]]


def _network_only(facts: Facts, plan: Plan) -> list[Block]:
    """Kinds without a counterpart here (an IdP, monitoring, a VM): nothing. A security
    group that no resource of ours attaches to would only look like protection; flows
    to them leave through ``var.external_egress_cidr``."""
    return []


@dataclass(frozen=True)
class Row:
    in_vpc: bool | Callable[[Component], bool]
    builders: dict[str, Builder]  # cloud -> builder
    resources: dict[str, tuple[str, ...]]  # cloud -> resource types (for docs and tests)

    def networked(self, component: Component) -> bool:
        """Whether this component's AWS resources sit in the VPC (security group, rules)."""
        return self.in_vpc(component) if callable(self.in_vpc) else self.in_vpc


FRONT_DOOR = (
    "azurerm_cdn_frontdoor_profile",
    "azurerm_cdn_frontdoor_endpoint",
    "azurerm_cdn_frontdoor_origin_group",
    "azurerm_cdn_frontdoor_origin",
    "azurerm_cdn_frontdoor_route",
    "azurerm_cdn_frontdoor_firewall_policy",
    "azurerm_cdn_frontdoor_security_policy",
)
MAPPING: dict[str, Row] = {
    "load_balancer": Row(
        True,
        {"aws": aws_edge.load_balancer, "gcp": gcp_edge.load_balancer, "azure": azure_front.front_door},
        {
            "aws": ("aws_lb", "aws_lb_listener", "aws_lb_target_group", "aws_wafv2_web_acl"),
            "gcp": (
                "google_compute_global_forwarding_rule",
                "google_compute_target_https_proxy",
                "google_compute_url_map",
                "google_compute_backend_service",
                "google_compute_region_network_endpoint_group",
                "google_compute_ssl_policy",
                "google_compute_security_policy",
            ),
            "azure": FRONT_DOOR,
        },
    ),
    "cdn": Row(
        False,
        {"aws": aws_edge.cdn, "gcp": gcp_edge.cdn, "azure": azure_front.front_door},
        {
            "aws": ("aws_cloudfront_distribution", "aws_wafv2_web_acl"),
            "gcp": ("google_compute_backend_service",),  # enable_cdn on the load balancer's
            "azure": FRONT_DOOR,
        },
    ),
    "container": Row(
        True,
        {
            "aws": aws_edge.container_service,
            "gcp": gcp_edge.container_service,
            "azure": azure_edge.container_app,
        },
        {
            "aws": ("aws_ecs_service", "aws_ecs_task_definition"),
            "gcp": ("google_cloud_run_v2_service", "google_compute_firewall"),
            "azure": ("azurerm_container_app", "azurerm_network_security_rule"),
        },
    ),
    "database": Row(
        True,
        {"aws": aws_data.database, "gcp": gcp_data.database, "azure": azure_data.database},
        {
            "aws": ("aws_db_instance", "aws_docdb_cluster", "aws_docdb_cluster_instance"),
            "gcp": ("google_sql_database_instance",),
            "azure": ("azurerm_postgresql_flexible_server", "azurerm_mysql_flexible_server"),
        },
    ),
    "cache": Row(
        True,
        {"aws": aws_data.cache, "gcp": gcp_data.cache, "azure": azure_data.cache},
        {
            "aws": ("aws_elasticache_replication_group",),
            "gcp": ("google_redis_instance",),
            "azure": ("azurerm_redis_cache",),
        },
    ),
    "queue": Row(
        # MSK and Amazon MQ brokers live in private subnets; SQS is a regional endpoint
        # outside the VPC, reached over HTTPS and guarded by IAM and its queue policy: a
        # security group for it would attach to nothing (checkov CKV2_AWS_5).
        brokered,
        {"aws": aws_data.queue, "gcp": gcp_data.queue, "azure": azure_data.queue},
        {
            "aws": ("aws_msk_cluster", "aws_mq_broker", "aws_sqs_queue"),
            "gcp": ("google_managed_kafka_cluster", "google_pubsub_topic"),
            "azure": (
                "azurerm_eventhub_namespace",
                "azurerm_eventhub",
                "azurerm_servicebus_namespace",
                "azurerm_servicebus_queue",
            ),
        },
    ),
    "object_store": Row(
        False,
        {"aws": aws_data.object_store, "gcp": gcp_data.object_store, "azure": azure_data.object_store},
        {
            "aws": ("aws_s3_bucket",),
            "gcp": ("google_storage_bucket",),
            "azure": ("azurerm_storage_account", "azurerm_storage_container"),
        },
    ),
    "secrets_store": Row(
        False,
        {"aws": aws_data.secrets_store, "gcp": gcp_data.secrets_store, "azure": azure_data.secrets_store},
        {
            "aws": ("aws_secretsmanager_secret",),
            "gcp": ("google_secret_manager_secret",),
            "azure": ("azurerm_key_vault",),
        },
    ),
    "identity_provider": Row(False, {"aws": aws_data.identity_provider}, {"aws": ("aws_cognito_user_pool",)}),
    "network_only": Row(False, {"aws": _network_only}, {"aws": ()}),
}

# The checkov checks that a control on a component claims, by resource type. Tests scan
# the generated code and assert that every claimed check passes.
CONTROL_CHECKS: dict[str, dict[str, tuple[str, ...]]] = {
    "aws_db_instance": {
        "encryption_at_rest": ("CKV_AWS_16",),
        "iam": ("CKV_AWS_161",),
        "least_privilege": ("CKV_AWS_161",),
        "logging": ("CKV_AWS_129",),
        "monitoring": ("CKV_AWS_118",),
        "backup": ("CKV_AWS_133",),
    },
    "aws_docdb_cluster": {
        "encryption_at_rest": ("CKV_AWS_74",),
        "kms": ("CKV_AWS_182",),
        "logging": ("CKV_AWS_85",),
        "backup": ("CKV_AWS_360",),
    },
    "aws_elasticache_replication_group": {
        "encryption_at_rest": ("CKV_AWS_29",),
        "tls": ("CKV_AWS_30",),
        "kms": ("CKV_AWS_191",),
    },
    "aws_msk_cluster": {"tls": ("CKV_AWS_81",), "logging": ("CKV_AWS_80",)},
    "aws_s3_bucket": {"kms": ("CKV_AWS_145",), "backup": ("CKV_AWS_21",), "logging": ("CKV_AWS_18",)},
    "aws_lb": {"waf": ("CKV2_AWS_28",), "logging": ("CKV_AWS_91",)},
    "aws_cloudfront_distribution": {"waf": ("CKV_AWS_68",), "logging": ("CKV_AWS_86",)},
    "aws_secretsmanager_secret": {"kms": ("CKV_AWS_149",)},
    "aws_ecs_task_definition": {"hardening": ("CKV_AWS_336",)},
    "aws_sqs_queue": {"encryption_at_rest": ("CKV_AWS_27",)},
    "google_sql_database_instance": {
        "logging": (
            "CKV_GCP_51",
            "CKV_GCP_52",
            "CKV_GCP_53",
            "CKV_GCP_54",
            "CKV_GCP_108",
            "CKV_GCP_109",
            "CKV_GCP_110",
            "CKV_GCP_111",
            "CKV2_GCP_13",
        ),
        "mtls": ("CKV_GCP_6",),
        "backup": ("CKV_GCP_14",),
    },
    "google_redis_instance": {"tls": ("CKV_GCP_97",), "authentication": ("CKV_GCP_95",)},
    "google_pubsub_topic": {"encryption_at_rest": ("CKV_GCP_83",), "kms": ("CKV_GCP_83",)},
    "google_storage_bucket": {"logging": ("CKV_GCP_62",), "backup": ("CKV_GCP_78",)},
    "google_compute_security_policy": {"waf": ("CKV_GCP_73",)},
    "azurerm_postgresql_flexible_server": {"backup": ("CKV_AZURE_136",)},
    "azurerm_redis_cache": {"tls": ("CKV_AZURE_91",)},
    "azurerm_servicebus_namespace": {
        "encryption_at_rest": ("CKV_AZURE_199", "CKV_AZURE_201"),
        "kms": ("CKV_AZURE_199", "CKV_AZURE_201"),
        "iam": ("CKV_AZURE_203",),
        "least_privilege": ("CKV_AZURE_203",),
    },
    "azurerm_storage_account": {
        "encryption_at_rest": ("CKV2_AZURE_1",),
        "kms": ("CKV2_AZURE_1",),
        "backup": ("CKV2_AZURE_38",),
    },
}
