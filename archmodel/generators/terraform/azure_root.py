"""The Azure root module (``terraform/azure/``): pinned azurerm provider, a partial
``azurerm`` backend with ``<env>.azurerm.tfbackend`` per environment, variables and each
environment's values. Infrastructure the model does not describe (subscription,
resource group, Container Apps environment, subnets, Key Vault key, Log Analytics
workspace) is a variable with no default, so ``terraform plan`` asks for it.
"""

from __future__ import annotations

from archmodel.formats.hcl import Block, Raw, Value, render_tfvars
from archmodel.generators.terraform import azure_edge
from archmodel.generators.terraform.cloud import CloudSpec
from archmodel.generators.terraform.common import REQUIRED, TERRAFORM, Variables
from archmodel.generators.terraform.engines import db_engine, is_kafka
from archmodel.generators.terraform.facts import Facts, aws_name
from archmodel.generators.terraform.plan import Plan
from archmodel.model import Environment, System

AZURERM_PROVIDER = "~> 4.55"  # the schema tests/tools/azurerm_schema checks against
DEFAULT_LOCATION = "westeurope"

VARIABLES: Variables = {
    "environment": ("string", "dev", "Environment id from the model"),
    "subscription_id": ("string", REQUIRED, "Azure subscription to deploy into"),
    "location": ("string", DEFAULT_LOCATION, "Azure region"),
    "multi_az": ("bool", False, "Zone-redundant databases, caches and storage"),
    "resource_group_name": ("string", REQUIRED, "Resource group that holds the generated resources"),
    "tenant_id": ("string", REQUIRED, "Entra ID tenant (Key Vault, database authentication)"),
    "container_app_environment_id": ("string", REQUIRED, "Container Apps environment for container apps"),
    "log_analytics_workspace_id": (
        "string",
        REQUIRED,
        "Log Analytics workspace for diagnostic settings (logging, monitoring)",
    ),
    "key_vault_key_id": (
        "string",
        REQUIRED,
        "Key Vault key (CMEK) for components with encryption_at_rest or kms",
    ),
    "cmek_identity_id": ("string", REQUIRED, "User-assigned identity allowed to use key_vault_key_id"),
    "geo_backup_key_vault_key_id": (
        "string",
        REQUIRED,
        "Key Vault key in the paired region for geo-redundant database backups (CMEK with backup)",
    ),
    "geo_backup_identity_id": (
        "string",
        REQUIRED,
        "User-assigned identity allowed to use geo_backup_key_vault_key_id",
    ),
    "private_endpoint_subnet_id": ("string", REQUIRED, "Subnet for the private endpoints of PaaS components"),
    "db_sku_name": (
        "string",
        "GP_Standard_D2ds_v5",
        "PostgreSQL flexible server SKU (zone-redundant HA needs GP)",
    ),
    "mysql_sku_name": ("string", "GP_Standard_D2ds_v4", "MySQL flexible server SKU"),
    "mysql_administrator_password": ("string", REQUIRED, "MySQL flexible server administrator password"),
    "db_subnet_id": ("string", REQUIRED, "Subnet delegated to flexible servers"),
    "db_private_dns_zone_id": ("string", REQUIRED, "Private DNS zone of the flexible servers"),
    "redis_capacity": ("number", 1, "Azure Cache for Redis Premium size (P1 = 1)"),
    "redis_subnet_id": ("string", REQUIRED, "Subnet for Premium Azure Cache for Redis"),
    "waf_rate_limit": (
        "number",
        2000,
        "Requests per 5 minutes per IP for rate-limited Front Door WAF policies",
    ),
    "redis_backup_storage_connection_string": (
        "string",
        REQUIRED,
        "Storage account connection string for Redis RDB backups",
    ),
}
SERVERS = {
    "postgres": "azurerm_postgresql_flexible_server",
    "mysql": "azurerm_mysql_flexible_server",
    "mariadb": "azurerm_mysql_flexible_server",
}
ENDPOINTS = {
    "load_balancer": "azurerm_cdn_frontdoor_endpoint.{id}.host_name",
    "cdn": "azurerm_cdn_frontdoor_endpoint.{id}.host_name",
    "container": "azurerm_container_app.{id}.latest_revision_fqdn",
    "cache": "azurerm_redis_cache.{id}.hostname",
    "object_store": "azurerm_storage_account.{id}.primary_blob_endpoint",
    "secrets_store": "azurerm_key_vault.{id}.vault_uri",
}


def versions() -> list[Block]:
    azurerm = {"source": "hashicorp/azurerm", "version": AZURERM_PROVIDER}
    terraform = Block("terraform").set("required_version", TERRAFORM)
    return [
        terraform.add(Block("required_providers").set("azurerm", azurerm)).add(Block("backend", ("azurerm",)))
    ]


def providers(system: System) -> list[Block]:
    """azurerm 4 needs the subscription; it has no default tags, so each resource carries its own."""
    return [
        Block("provider", ("azurerm",))
        .set("subscription_id", Raw("var.subscription_id"))
        .add(Block("features"))
    ]


def backend(env: Environment, system: System) -> tuple[str, bytes]:
    """``<env>.azurerm.tfbackend``: one state per environment in a blob (leases lock it),
    reached with Entra ID; the storage account is the user's."""
    values: dict[str, Value] = {
        "key": f"archmodel/{system.id or aws_name(system.name, 63)}/{env.id}.tfstate",
        "use_azuread_auth": True,
    }
    head = f"# State of environment {env.id}: terraform init -backend-config={env.id}.azurerm.tfbackend\n"
    text = head + (
        '# resource_group_name = "...", storage_account_name = "...", container_name = "..."\n'
        "# (required: set them here, or terraform init asks for them)\n"
    )
    return "azurerm.tfbackend", text.encode() + render_tfvars(values)


def tfvars(env: Environment) -> dict[str, Value]:
    return {
        "environment": env.id,
        "location": env.regions[0] if env.regions else DEFAULT_LOCATION,
        "multi_az": env.availability_zones > 1 or "multi_az" in env.controls,
    }


def endpoint(row: str, facts: Facts, plan: Plan) -> str | None:
    cid = facts.id
    if row == "queue":
        kafka = is_kafka(facts.component)
        return f"azurerm_eventhub.{cid}.id" if kafka else f"azurerm_servicebus_namespace.{cid}.endpoint"
    if row == "database":
        rtype = SERVERS.get(db_engine(facts.component))
        return f"{rtype}.{cid}.fqdn" if rtype else None
    if row == "load_balancer" and any(plan.via_cdn(s) for s in plan.sources_of(cid)):
        return None  # routed by the CDN's Front Door (azure_front)
    template = ENDPOINTS.get(row)
    return template.format(id=cid) if template else None


SPEC = CloudSpec(
    name="azure",
    variables=VARIABLES,
    versions=versions,
    providers=providers,
    backend=backend,
    tfvars=tfvars,
    networked=lambda row: row in azure_edge.NETWORKED,
    network=azure_edge.security_rules,
    shared_network=azure_edge.security_groups,
    endpoint=endpoint,
    notes=azure_edge.notes,
)
