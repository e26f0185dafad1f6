"""Azure builders for the data rows of the mapping: Azure Database for PostgreSQL or MySQL
(flexible server), Azure Cache for Redis, Service Bus or Event Hubs (Kafka), Blob Storage,
Key Vault.

Controls turn into the setting that enforces them: ``encryption_at_rest`` or ``kms`` ->
a customer-managed Key Vault key through a user-assigned identity (Azure encrypts at rest
anyway; the control asks for a key the owner controls); ``backup`` -> 35-day backup
retention, RDB snapshots, blob versioning and soft delete, seven-day event retention;
``multi_az`` -> ``var.multi_az`` (zone-redundant HA, ZRS, three zones);
``logging``/``monitoring`` -> a diagnostic setting sending all logs / all metrics to
``var.log_analytics_workspace_id``; ``iam`` or ``least_privilege`` -> Entra ID
authentication only (no local keys). Public network access is off everywhere; Key Vault,
Blob Storage, Service Bus and Event Hubs are reached through a private endpoint in
``var.private_endpoint_subnet_id`` (flexible servers and Redis are injected into subnets).
"""

from __future__ import annotations

from archmodel.formats.hcl import Block, Raw
from archmodel.generators.terraform.engines import db_engine, is_kafka
from archmodel.generators.terraform.facts import Facts, aws_name, compact_name
from archmodel.generators.terraform.plan import Plan

RG = Raw("var.resource_group_name")
BLOB_LOGS = ("StorageRead", "StorageWrite", "StorageDelete")
LOCATION = Raw("var.location")


def located(rtype: str, facts: Facts, name: str) -> Block:
    """A resource with its name, resource group and location."""
    block = Block("resource", (rtype, facts.id)).set("name", name)
    return block.set("resource_group_name", RG).set("location", LOCATION)


def cmek(facts: Facts) -> bool:
    return facts.has("encryption_at_rest", "kms")


def entra_only(facts: Facts) -> bool:
    return facts.has("iam", "least_privilege")


def identity() -> Block:
    return Block("identity").set("type", "UserAssigned").set("identity_ids", [Raw("var.cmek_identity_id")])


def diagnostics(facts: Facts, target: str, categories: tuple[str, ...] = ()) -> list[Block]:
    """A diagnostic setting for ``logging`` (all logs, or the ``categories`` given) and
    ``monitoring`` (all metrics)."""
    if not facts.has("logging", "monitoring"):
        return []
    setting = Block("resource", ("azurerm_monitor_diagnostic_setting", facts.id))
    setting.set("name", "archmodel").set("target_resource_id", Raw(target))
    setting.set("log_analytics_workspace_id", Raw("var.log_analytics_workspace_id"))
    if facts.has("logging"):
        for category in categories:
            setting.add(Block("enabled_log").set("category", category))
        if not categories:
            setting.add(Block("enabled_log").set("category_group", "allLogs"))
    if facts.has("monitoring"):
        setting.add(Block("enabled_metric").set("category", "AllMetrics"))
    return [setting]


def private_endpoint(facts: Facts, rtype: str, name: str, subresource: str) -> Block:
    """The one way into a resource whose public network access is off."""
    endpoint = located("azurerm_private_endpoint", facts, f"{name}-pe")
    endpoint.set("subnet_id", Raw("var.private_endpoint_subnet_id"))
    endpoint.add(
        Block("private_service_connection")
        .set("name", name)
        .set("private_connection_resource_id", Raw(f"{rtype}.{facts.id}.id"))
        .set("subresource_names", [subresource])
        .set("is_manual_connection", False)
    )
    return endpoint.set("tags", facts.tags)


def _zone_redundant() -> Block:
    return (
        Block("dynamic", ("high_availability",))
        .set("for_each", Raw('var.multi_az ? ["ZoneRedundant"] : []'))
        .add(Block("content").set("mode", Raw("high_availability.value")))
    )


def database(facts: Facts, plan: Plan) -> list[Block]:
    """A flexible server in the engine the model names: PostgreSQL, or MySQL (MariaDB
    clients speak its protocol; Azure Database for MariaDB is retired)."""
    cid, engine = facts.id, db_engine(facts.component)
    if engine == "postgres":
        rtype = "azurerm_postgresql_flexible_server"
        db = located(rtype, facts, aws_name(cid, 63)).set("version", "16")
        db.set("sku_name", Raw("var.db_sku_name")).set("storage_mb", 32768)
        db.set("public_network_access_enabled", False)
    else:  # MySQL or MariaDB: engines no flexible server runs never reach here (engines.NO_SERVICE)
        rtype = "azurerm_mysql_flexible_server"
        db = located(rtype, facts, aws_name(cid, 63)).set("version", "8.0.21")
        db.set("sku_name", Raw("var.mysql_sku_name")).set("administrator_login", "archmodel")
        db.set("administrator_password", Raw("var.mysql_administrator_password"))
    db.set("delegated_subnet_id", Raw("var.db_subnet_id")).set(
        "private_dns_zone_id", Raw("var.db_private_dns_zone_id")
    )
    db.set("zone", "1").set("backup_retention_days", 35 if facts.has("backup") else 7)
    db.set("geo_redundant_backup_enabled", facts.has("backup"))
    if engine == "postgres":
        db.add(
            Block("authentication")
            .set("active_directory_auth_enabled", True)
            .set("password_auth_enabled", False)
            .set("tenant_id", Raw("var.tenant_id"))
        )
    db.add(_zone_redundant())
    if cmek(facts):
        key = Block("customer_managed_key").set("key_vault_key_id", Raw("var.key_vault_key_id"))
        key.set("primary_user_assigned_identity_id", Raw("var.cmek_identity_id"))
        identities = [Raw("var.cmek_identity_id")]
        if facts.has("backup"):  # geo-redundant backups are encrypted in the paired region
            key.set("geo_backup_key_vault_key_id", Raw("var.geo_backup_key_vault_key_id"))
            key.set("geo_backup_user_assigned_identity_id", Raw("var.geo_backup_identity_id"))
            identities.append(Raw("var.geo_backup_identity_id"))
        db.add(Block("identity").set("type", "UserAssigned").set("identity_ids", identities)).add(key)
    db.set("tags", facts.tags)
    return [db, *diagnostics(facts, f"{rtype}.{cid}.id")]


def cache(facts: Facts, plan: Plan) -> list[Block]:
    """Premium (the tier with VNet injection, zones and persistence), TLS 1.2, no public access."""
    cid = facts.id
    redis = located("azurerm_redis_cache", facts, aws_name(cid, 63))
    redis.set("sku_name", "Premium").set("family", "P").set("capacity", Raw("var.redis_capacity"))
    redis.set("subnet_id", Raw("var.redis_subnet_id")).set("public_network_access_enabled", False)
    redis.set("non_ssl_port_enabled", not facts.tls).set("minimum_tls_version", "1.2")
    redis.set("zones", Raw('var.multi_az ? ["1", "2", "3"] : ["1"]'))
    redis.set("access_keys_authentication_enabled", not entra_only(facts))
    config = Block("redis_configuration").set("active_directory_authentication_enabled", entra_only(facts))
    if facts.has("backup"):
        config.set("rdb_backup_enabled", True).set("rdb_backup_frequency", 60)
        config.set("rdb_backup_max_snapshot_count", 1)
        config.set("rdb_storage_connection_string", Raw("var.redis_backup_storage_connection_string"))
    redis.add(config).set("tags", facts.tags)
    return [redis, *diagnostics(facts, f"azurerm_redis_cache.{cid}.id")]


def queue(facts: Facts, plan: Plan) -> list[Block]:
    """Kafka -> an Event Hubs namespace (its Kafka endpoint) and event hub; a queue that
    names no engine -> a Premium Service Bus namespace and queue. RabbitMQ never reaches
    here: Service Bus speaks AMQP 1.0, not RabbitMQ's 0-9-1 (``engines.NO_SERVICE``)."""
    cid = facts.id
    if is_kafka(facts.component):
        ns = located("azurerm_eventhub_namespace", facts, aws_name(cid, 45) + "-ehns").set("sku", "Standard")
        ns.set("capacity", 1).set("local_authentication_enabled", not entra_only(facts))
        ns.set("minimum_tls_version", "1.2").set("public_network_access_enabled", False)
        hub = Block("resource", ("azurerm_eventhub", cid)).set("name", cid)
        hub.set("namespace_id", Raw(f"azurerm_eventhub_namespace.{cid}.id")).set("partition_count", 2)
        hub.set("message_retention", 7 if facts.has("backup") else 1)
        endpoint = private_endpoint(facts, "azurerm_eventhub_namespace", aws_name(cid, 45), "namespace")
        ns.set("tags", facts.tags)
        return [ns, hub, endpoint, *diagnostics(facts, f"azurerm_eventhub_namespace.{cid}.id")]
    ns = located("azurerm_servicebus_namespace", facts, aws_name(cid, 45) + "-sbns").set("sku", "Premium")
    ns.set("capacity", 1).set("premium_messaging_partitions", 1)
    ns.set("local_auth_enabled", not entra_only(facts)).set("minimum_tls_version", "1.2")
    ns.set("public_network_access_enabled", False)
    if cmek(facts):
        ns.add(identity())
        ns.add(
            Block("customer_managed_key")
            .set("key_vault_key_id", Raw("var.key_vault_key_id"))
            .set("identity_id", Raw("var.cmek_identity_id"))
            .set("infrastructure_encryption_enabled", True)
        )
    queue = Block("resource", ("azurerm_servicebus_queue", cid)).set("name", cid)
    queue.set("namespace_id", Raw(f"azurerm_servicebus_namespace.{cid}.id"))
    queue.set("dead_lettering_on_message_expiration", True)
    endpoint = private_endpoint(facts, "azurerm_servicebus_namespace", aws_name(cid, 45), "namespace")
    ns.set("tags", facts.tags)
    return [ns, queue, endpoint, *diagnostics(facts, f"azurerm_servicebus_namespace.{cid}.id")]


def object_store(facts: Facts, plan: Plan) -> list[Block]:
    """A storage account that is never public (no anonymous blobs, no shared keys, no
    public network) with one private container."""
    cid = facts.id
    account = located("azurerm_storage_account", facts, compact_name(cid, 24))
    account.set("account_tier", "Standard").set("account_kind", "StorageV2")
    account.set("account_replication_type", Raw('var.multi_az ? "ZRS" : "LRS"'))
    account.set("min_tls_version", "TLS1_2").set("https_traffic_only_enabled", True)
    account.set("allow_nested_items_to_be_public", False).set("public_network_access_enabled", False)
    account.set("shared_access_key_enabled", False).set("default_to_oauth_authentication", True)
    account.set("infrastructure_encryption_enabled", cmek(facts))
    if facts.has("backup"):
        account.add(
            Block("blob_properties")
            .set("versioning_enabled", True)
            .add(Block("delete_retention_policy").set("days", 7))
            .add(Block("container_delete_retention_policy").set("days", 7))
        )
    if cmek(facts):
        account.add(identity())
        account.add(
            Block("customer_managed_key")
            .set("key_vault_key_id", Raw("var.key_vault_key_id"))
            .set("user_assigned_identity_id", Raw("var.cmek_identity_id"))
        )
    account.set("tags", facts.tags)
    container = Block("resource", ("azurerm_storage_container", cid)).set("name", aws_name(cid, 63))
    container.set("storage_account_id", Raw(f"azurerm_storage_account.{cid}.id"))
    container.set("container_access_type", "private")
    blob = f'"${{azurerm_storage_account.{cid}.id}}/blobServices/default"'
    endpoint = private_endpoint(facts, "azurerm_storage_account", compact_name(cid, 24), "blob")
    return [account, container, endpoint, *diagnostics(facts, blob, BLOB_LOGS)]


def secrets_store(facts: Facts, plan: Plan) -> list[Block]:
    """Key Vault in RBAC mode with purge protection, closed to the public network."""
    cid = facts.id
    vault = located("azurerm_key_vault", facts, aws_name(cid, 21) + "-kv")
    vault.set("tenant_id", Raw("var.tenant_id")).set(
        "sku_name", "premium" if facts.has("kms") else "standard"
    )
    vault.set("rbac_authorization_enabled", True).set("purge_protection_enabled", True)
    vault.set("soft_delete_retention_days", 90).set("public_network_access_enabled", False)
    vault.add(Block("network_acls").set("bypass", "AzureServices").set("default_action", "Deny"))
    vault.set("tags", facts.tags)
    endpoint = private_endpoint(facts, "azurerm_key_vault", aws_name(cid, 21) + "-kv", "vault")
    return [vault, endpoint, *diagnostics(facts, f"azurerm_key_vault.{cid}.id")]
