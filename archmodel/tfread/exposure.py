"""Managed endpoints the provider opens to any address unless the code narrows them:
EKS, GKE and AKS API servers, Cloud Run services anyone may invoke, Azure Cache for
Redis, Service Bus and Event Hubs without network rules, Azure SQL admitting all of
Azure. Security groups and firewalls do not filter these; the arguments decide."""

from __future__ import annotations

from archmodel.tfread.files import Block
from archmodel.tfread.network import Network
from archmodel.tfread.values import blocks, is_open, many, one, refs, text


def read_exposure(net: Network) -> dict[str, str]:
    """Component resource address -> why it is reachable from any address."""
    out: dict[str, str] = {}
    config = net.config
    for block in config.blocks:
        why = _why(net, block)
        if why:
            out[block.address] = why
    return out


def _false(value: object) -> bool:
    return one(value) is False or text(value).lower() == "false"


def _why(net: Network, block: Block) -> str:
    body = block.body
    if block.type == "aws_eks_cluster":
        vpc = next(iter(blocks(body, "vpc_config")), {})
        cidrs = [str(c) for c in many(vpc.get("public_access_cidrs"))]
        if not _false(vpc.get("endpoint_public_access")) and (not cidrs or is_open(cidrs)):
            return "its public API endpoint admits 0.0.0.0/0 (public_access_cidrs not narrowed)"
    if block.type in ("aws_db_instance", "aws_rds_cluster") and one(body.get("publicly_accessible")) is True:
        return "publicly_accessible = true"
    if block.type == "google_container_cluster":
        private = next(iter(blocks(body, "private_cluster_config")), {})
        if one(private.get("enable_private_endpoint")) is not True and not blocks(
            body, "master_authorized_networks_config"
        ):
            return "its control-plane endpoint is public with no master_authorized_networks_config"
    if block.type in ("google_cloud_run_service", "google_cloud_run_v2_service"):
        return _invokers(net, block)
    if block.type == "azurerm_kubernetes_cluster":
        profile = next(iter(blocks(body, "api_server_access_profile")), {})
        ranges = many(profile.get("authorized_ip_ranges")) + many(body.get("api_server_authorized_ip_ranges"))
        if one(body.get("private_cluster_enabled")) is not True and not ranges:
            return "its API server is public with no authorized_ip_ranges"
    if block.type in ("azurerm_redis_cache", "azurerm_servicebus_namespace", "azurerm_eventhub_namespace"):
        return _azure_public(net, block)
    if block.type in ("azurerm_sql_server", "azurerm_mssql_server"):
        return _sql_firewall(net, block)
    return ""


def _invokers(net: Network, block: Block) -> str:
    for member in net.config.of_type(f"{block.type}_iam_member", f"{block.type}_iam_binding"):
        if block.name not in refs(member.body.get("service") or member.body.get("name"), block.type):
            continue
        net.analysed.add(member.address)
        who = [text(member.body.get("member")), *map(str, many(member.body.get("members")))]
        if "allUsers" in who and "invoker" in text(member.body.get("role")):
            return f"{member.address} lets allUsers invoke it"
    return ""


def _azure_public(net: Network, block: Block) -> str:
    if _false(block.body.get("public_network_access_enabled")):
        return ""
    if block.type == "azurerm_redis_cache":
        rules = [
            r
            for r in net.config.of_type("azurerm_redis_firewall_rule")
            if block.name in refs(r.body, block.type)
        ]
        net.analysed.update(r.address for r in rules)
        return "" if rules else "its public endpoint has no firewall rule"
    sets = blocks(block.body, "network_rule_set") + blocks(block.body, "network_rulesets")
    if any(text(s.get("default_action")).lower() == "deny" for s in sets):
        return ""
    return "its public endpoint has no network rule set"


def _sql_firewall(net: Network, block: Block) -> str:
    for rule in net.config.of_type("azurerm_sql_firewall_rule", "azurerm_mssql_firewall_rule"):
        if block.name not in refs(rule.body, block.type):
            continue
        net.analysed.add(rule.address)
        start, end = text(rule.body.get("start_ip_address")), text(rule.body.get("end_ip_address"))
        if start == "0.0.0.0" and end in ("0.0.0.0", "255.255.255.255"):
            whom = "every Azure-hosted address" if end == "0.0.0.0" else "any address"
            return f"{rule.address} admits {whom}"
    return ""
