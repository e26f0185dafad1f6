"""Resource types that realise a component (with the kind and technology an import
infers for them, and a short word that tells two resources of one name apart), and the
types the readers analyse for traffic. Every other type is counted as not analysed."""

from __future__ import annotations

# type -> (kind, technology or "", short word)
COMPONENTS: dict[str, tuple[str, str, str]] = {
    # AWS
    "aws_lb": ("load_balancer", "aws-alb", "lb"),
    "aws_alb": ("load_balancer", "aws-alb", "lb"),
    "aws_elb": ("load_balancer", "aws-elb", "elb"),
    "aws_cloudfront_distribution": ("cdn", "cloudfront", "cdn"),
    "aws_wafv2_web_acl": ("waf", "aws-waf", "waf"),
    "aws_api_gateway_rest_api": ("api_gateway", "aws-api-gateway", "api"),
    "aws_apigatewayv2_api": ("api_gateway", "aws-api-gateway", "api"),
    "aws_ecs_service": ("service", "ecs", "service"),
    "aws_lambda_function": ("function", "aws-lambda", "function"),
    "aws_instance": ("service", "ec2", "instance"),
    "aws_eks_cluster": ("service", "kubernetes", "eks"),
    "aws_db_instance": ("database", "", "db"),
    "aws_rds_cluster": ("database", "", "db"),
    "aws_docdb_cluster": ("database", "mongodb", "docdb"),
    "aws_dynamodb_table": ("database", "dynamodb", "table"),
    "aws_elasticache_replication_group": ("cache", "redis", "cache"),
    "aws_elasticache_cluster": ("cache", "", "cache"),
    "aws_msk_cluster": ("queue", "kafka", "kafka"),
    "aws_mq_broker": ("queue", "", "mq"),
    "aws_sqs_queue": ("queue", "sqs", "queue"),
    "aws_sns_topic": ("queue", "sns", "topic"),
    "aws_s3_bucket": ("object_store", "s3", "bucket"),
    "aws_secretsmanager_secret": ("secrets_store", "secrets-manager", "secret"),
    "aws_cognito_user_pool": ("identity_provider", "cognito", "idp"),
    # GCP
    "google_compute_instance": ("service", "compute-engine", "vm"),
    "google_container_cluster": ("service", "kubernetes", "gke"),
    "google_cloud_run_service": ("service", "cloud-run", "run"),
    "google_cloud_run_v2_service": ("service", "cloud-run", "run"),
    "google_cloudfunctions_function": ("function", "cloud-functions", "function"),
    "google_cloudfunctions2_function": ("function", "cloud-functions", "function"),
    "google_sql_database_instance": ("database", "", "sql"),
    "google_alloydb_cluster": ("database", "postgresql", "alloydb"),
    "google_spanner_instance": ("database", "spanner", "spanner"),
    "google_redis_instance": ("cache", "redis", "redis"),
    "google_memcache_instance": ("cache", "memcached", "memcache"),
    "google_pubsub_topic": ("queue", "pubsub", "topic"),
    "google_storage_bucket": ("object_store", "gcs", "bucket"),
    "google_secret_manager_secret": ("secrets_store", "secret-manager", "secret"),
    "google_compute_global_forwarding_rule": ("load_balancer", "gcp-lb", "lb"),
    # Azure
    "azurerm_kubernetes_cluster": ("service", "kubernetes", "aks"),
    "azurerm_linux_virtual_machine": ("service", "azure-vm", "vm"),
    "azurerm_windows_virtual_machine": ("service", "azure-vm", "vm"),
    "azurerm_virtual_machine": ("service", "azure-vm", "vm"),
    "azurerm_linux_web_app": ("service", "app-service", "app"),
    "azurerm_container_app": ("service", "container-apps", "app"),
    "azurerm_linux_function_app": ("function", "azure-functions", "function"),
    "azurerm_mssql_server": ("database", "sqlserver", "sql"),
    "azurerm_sql_server": ("database", "sqlserver", "sql"),
    "azurerm_postgresql_flexible_server": ("database", "postgresql", "postgresql"),
    "azurerm_postgresql_server": ("database", "postgresql", "postgresql"),
    "azurerm_mysql_flexible_server": ("database", "mysql", "mysql"),
    "azurerm_cosmosdb_account": ("database", "cosmosdb", "cosmosdb"),
    "azurerm_redis_cache": ("cache", "redis", "redis"),
    "azurerm_servicebus_namespace": ("queue", "servicebus", "servicebus"),
    "azurerm_eventhub_namespace": ("queue", "eventhubs", "eventhubs"),
    "azurerm_storage_account": ("object_store", "azure-storage", "storage"),
    "azurerm_key_vault": ("secrets_store", "key-vault", "vault"),
    "azurerm_lb": ("load_balancer", "azure-lb", "lb"),
    "azurerm_application_gateway": ("load_balancer", "application-gateway", "appgw"),
}

# What the readers use: groups, rules, ACLs, networks and the links between them.
NETWORK = frozenset(
    {
        "aws_security_group",
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
        "aws_network_acl",
        "aws_network_acl_rule",
        "aws_network_acl_association",
        "aws_vpc",
        "aws_subnet",
        "google_compute_firewall",
        "google_compute_network",
        "google_compute_subnetwork",
        "azurerm_network_security_group",
        "azurerm_network_security_rule",
        "azurerm_subnet_network_security_group_association",
        "azurerm_network_interface_security_group_association",
        "azurerm_network_interface",
        "azurerm_virtual_network",
        "azurerm_subnet",
    }
)

# Endpoints the provider serves outside the subnets a resource names (EKS's public API):
# a subnet's network ACL does not filter traffic to them.
OUTSIDE_ACLS = frozenset({"aws_eks_cluster"})


def technology(rtype: str, body: dict[str, object]) -> str:
    """The engine of a database whose type does not say it (RDS, Cloud SQL)."""
    _, tech, _ = COMPONENTS[rtype]
    if tech:
        return tech
    engine = str(body.get("engine") or body.get("database_version") or body.get("engine_type") or "").lower()
    for word, name in (
        ("postgres", "postgresql"),
        ("mysql", "mysql"),
        ("aurora", "aurora"),
        ("redis", "redis"),
        ("rabbitmq", "rabbitmq"),
    ):
        if word in engine:
            return name
    return ""
