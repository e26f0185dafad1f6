"""Regenerate ``aws-provider-schema.json`` (and the Google and AzureRM extracts beside
it): the arguments of the resource types that archmodel generates, read from the npm
packages ``@cdktf/provider-aws``, ``-google`` and ``-azurerm`` (MPL-2.0).

That package is HashiCorp's prebuilt CDK for Terraform binding of the AWS provider,
generated from the provider's own schema: each resource's ``<Name>Config`` interface
lists its arguments (optional ones end in ``?``), and each nested block is an interface
of its own. The whole package is ~400 MB unpacked and ships no schema JSON, so the test
reads only this small extract. Usage::

    npm pack @cdktf/provider-aws@21.22.1 && tar xzf cdktf-provider-aws-21.22.1.tgz
    python tests/tools/aws_schema/extract.py package > tests/tools/aws_schema/aws-provider-schema.json

    npm pack @cdktf/provider-google@16.12.1     # hashicorp/google 6.50.0
    python tests/tools/aws_schema/extract.py package google > tests/tools/google_schema/google-provider-schema.json
    npm pack @cdktf/provider-azurerm@14.23.1    # hashicorp/azurerm 4.55.0
    python tests/tools/aws_schema/extract.py package azurerm > tests/tools/azurerm_schema/azurerm-provider-schema.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# Every resource and data source type the Terraform generator can write, by provider.
AWS = (
    "resource.aws_cloudfront_distribution",
    "resource.aws_cloudfront_origin_access_control",
    "resource.aws_cognito_user_pool",
    "resource.aws_db_instance",
    "resource.aws_docdb_cluster",
    "resource.aws_docdb_cluster_instance",
    "resource.aws_ecs_service",
    "resource.aws_ecs_task_definition",
    "resource.aws_elasticache_replication_group",
    "resource.aws_lb",
    "resource.aws_lb_listener",
    "resource.aws_lb_listener_rule",
    "resource.aws_lb_target_group",
    "resource.aws_mq_broker",
    "resource.aws_msk_cluster",
    "resource.aws_s3_bucket",
    "resource.aws_s3_bucket_logging",
    "resource.aws_s3_bucket_public_access_block",
    "resource.aws_s3_bucket_server_side_encryption_configuration",
    "resource.aws_s3_bucket_versioning",
    "resource.aws_secretsmanager_secret",
    "resource.aws_security_group",
    "resource.aws_sqs_queue",
    "resource.aws_vpc_security_group_egress_rule",
    "resource.aws_vpc_security_group_ingress_rule",
    "resource.aws_wafv2_web_acl",
    "resource.aws_wafv2_web_acl_association",
    "resource.aws_wafv2_web_acl_logging_configuration",
    "data.aws_ec2_managed_prefix_list",
)
GOOGLE = (
    "resource.google_cloud_run_v2_service",
    "resource.google_compute_backend_service",
    "resource.google_compute_firewall",
    "resource.google_compute_global_forwarding_rule",
    "resource.google_compute_region_network_endpoint_group",
    "resource.google_compute_security_policy",
    "resource.google_compute_ssl_policy",
    "resource.google_compute_target_https_proxy",
    "resource.google_compute_url_map",
    "resource.google_managed_kafka_cluster",
    "resource.google_pubsub_topic",
    "resource.google_redis_instance",
    "resource.google_secret_manager_secret",
    "resource.google_sql_database_instance",
    "resource.google_storage_bucket",
)
AZURERM = (
    "resource.azurerm_cdn_frontdoor_endpoint",
    "resource.azurerm_cdn_frontdoor_firewall_policy",
    "resource.azurerm_cdn_frontdoor_origin",
    "resource.azurerm_cdn_frontdoor_origin_group",
    "resource.azurerm_cdn_frontdoor_profile",
    "resource.azurerm_cdn_frontdoor_route",
    "resource.azurerm_cdn_frontdoor_security_policy",
    "resource.azurerm_container_app",
    "resource.azurerm_eventhub",
    "resource.azurerm_eventhub_namespace",
    "resource.azurerm_key_vault",
    "resource.azurerm_monitor_diagnostic_setting",
    "resource.azurerm_mysql_flexible_server",
    "resource.azurerm_network_security_group",
    "resource.azurerm_network_security_rule",
    "resource.azurerm_postgresql_flexible_server",
    "resource.azurerm_private_endpoint",
    "resource.azurerm_redis_cache",
    "resource.azurerm_servicebus_namespace",
    "resource.azurerm_servicebus_queue",
    "resource.azurerm_storage_account",
    "resource.azurerm_storage_container",
    "resource.azurerm_subnet_network_security_group_association",
)
TYPES = {"aws": AWS, "google": GOOGLE, "azurerm": AZURERM}
_INTERFACE = re.compile(r"export interface (\w+)( extends cdktf.TerraformMetaArguments)? \{(.*?)\n\}", re.S)
_PROPERTY = re.compile(r"/\*\*(?:(?!\*/).)*?#(\w+)\}(?:(?!\*/).)*?\*/\s*readonly (\w+)(\??): ([^;]+);", re.S)


def _interfaces(source: str) -> tuple[str, dict[str, list[tuple[str, bool, str]]]]:
    """The resource's own config interface (the one with Terraform's meta-arguments), and
    interface name -> (argument name, required, TypeScript type) for each property."""
    found = _INTERFACE.findall(source)
    config = next(name for name, meta, _ in found if meta)
    return config, {
        name: [(snake, not optional, kind) for snake, _, optional, kind in _PROPERTY.findall(body)]
        for name, _, body in found
    }


def _schema(name: str, interfaces: dict[str, list[tuple[str, bool, str]]]) -> dict[str, object]:
    attributes: dict[str, bool] = {}
    blocks: dict[str, object] = {}
    for snake, required, kind in interfaces[name]:
        struct = kind.split("|")[0].strip().removesuffix("[]")
        if struct in interfaces:
            blocks[snake] = {"required": required, **_schema(struct, interfaces)}
        else:
            attributes[snake] = required
    return {"attributes": attributes, "blocks": blocks}


def extract(package: Path, provider: str = "aws") -> dict[str, object]:
    version = json.loads((package / "package.json").read_text())["cdktf"]["provider"]["version"]
    out: dict[str, object] = {
        "source": f"npm @cdktf/provider-{provider} (hashicorp/{provider} {version}), MPL-2.0; "
        "tests/tools/aws_schema/extract.py",
        "provider_version": version,
    }
    for entry in TYPES[provider]:
        mode, rtype = entry.split(".")
        stem = rtype.removeprefix(f"{provider}_").replace("_", "-")
        folder = package / "lib" / (f"data-{provider}-{stem}" if mode == "data" else stem)
        config, interfaces = _interfaces((folder / "index.d.ts").read_text())
        out[entry] = _schema(config, interfaces)
    return out


if __name__ == "__main__":
    json.dump(extract(Path(sys.argv[1]), *sys.argv[2:3]), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
