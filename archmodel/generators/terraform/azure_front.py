"""Azure Front Door (Premium) for the load balancer and CDN rows: a profile and endpoint,
one origin group, origin and route per thing it forwards to (the first takes ``/*``, the
others ``/<target>/*``, as the AWS listener rules do), HTTPS only, and a WAF policy
(Microsoft default rule set, bot manager, per-IP rate limit with ``rate_limiting``)
when a WAF is claimed or drawn in front of it.

Container apps and blob storage are reached over Private Link (the Container Apps
environment should be internal), so nothing behind Front Door needs a public address.
"""

from __future__ import annotations

from archmodel.formats.hcl import Block, Raw
from archmodel.generators.terraform.aws_edge import waf_realised, wants_waf
from archmodel.generators.terraform.azure_data import RG, diagnostics
from archmodel.generators.terraform.facts import Facts, aws_name, compact_name
from archmodel.generators.terraform.plan import Plan

SKU = "Premium_AzureFrontDoor"
MANAGED_RULES = (("Microsoft_DefaultRuleSet", "2.1"), ("Microsoft_BotManagerRuleSet", "1.1"))


def _apps(cid: str, plan: Plan) -> list[str]:
    return sorted(t for t in plan.targets_of(cid) if plan.row_of(t) == "container")


def _targets(facts: Facts, plan: Plan) -> list[str]:
    """What this Front Door forwards to: a CDN's origins (through a WAF between them, and
    through a load balancer to its container apps), a load balancer's container apps."""
    if plan.row_of(facts.id) != "cdn":
        return _apps(facts.id, plan)
    found: list[str] = []
    for target in plan.cdn_origins(facts.id):
        row = plan.row_of(target)
        found += _apps(target, plan) if row == "load_balancer" else [target] if row is not None else []
    return sorted(set(found))


def _origin(facts: Facts, target: str, plan: Plan) -> Block:
    row, name = plan.row_of(target), f"{facts.id}_TO_{target}"
    origin = Block("resource", ("azurerm_cdn_frontdoor_origin", name)).set("name", aws_name(target, 90))
    origin.set("cdn_frontdoor_origin_group_id", Raw(f"azurerm_cdn_frontdoor_origin_group.{name}.id"))
    origin.set("enabled", True).set("certificate_name_check_enabled", True)
    link: tuple[str, str] | None = None
    if row == "container":
        host = Raw(f"azurerm_container_app.{target}.ingress[0].fqdn")
        link = ("managedEnvironments", "var.container_app_environment_id")
    elif row == "object_store":
        host = Raw(f"azurerm_storage_account.{target}.primary_blob_host")
        link = ("blob", f"azurerm_storage_account.{target}.id")
    else:
        host = plan.require(
            f"origin_host_name_{target}", "string", f"Host name Front Door reaches {target} at"
        )
    origin.set("host_name", host).set("origin_host_header", host)
    origin.set("http_port", 80).set("https_port", 443).set("priority", 1).set("weight", 1000)
    if link is not None:
        origin.add(
            Block("private_link")
            .set("request_message", f"archmodel Front Door {facts.id}")
            .set("target_type", link[0])
            .set("location", Raw("var.location"))
            .set("private_link_target_id", Raw(link[1]))
        )
    return origin


def front_door(facts: Facts, plan: Plan) -> list[Block]:
    """Nothing for a load balancer behind a CDN: Front Door does not chain to Front Door,
    so the CDN's one routes to the load balancer's apps itself."""
    cid = facts.id
    if plan.row_of(cid) == "load_balancer" and any(plan.via_cdn(s) for s in plan.sources_of(cid)):
        return []
    profile = Block("resource", ("azurerm_cdn_frontdoor_profile", cid)).set("name", aws_name(cid, 80) + "-fd")
    profile.set("resource_group_name", RG).set("sku_name", SKU).set("tags", facts.tags)
    endpoint = Block("resource", ("azurerm_cdn_frontdoor_endpoint", cid)).set("name", aws_name(cid, 46))
    endpoint.set("cdn_frontdoor_profile_id", Raw(f"azurerm_cdn_frontdoor_profile.{cid}.id"))
    blocks = [profile, endpoint.set("tags", facts.tags)]
    for index, target in enumerate(_targets(facts, plan)):
        name = f"{cid}_TO_{target}"
        blocks.append(
            Block("resource", ("azurerm_cdn_frontdoor_origin_group", name))
            .set("name", aws_name(target, 90))
            .set("cdn_frontdoor_profile_id", Raw(f"azurerm_cdn_frontdoor_profile.{cid}.id"))
            .add(Block("load_balancing").set("sample_size", 4).set("successful_samples_required", 3))
            .add(
                Block("health_probe")
                .set("interval_in_seconds", 100)
                .set("path", "/")
                .set("protocol", "Https")
                .set("request_type", "HEAD")
            )
        )
        blocks.append(_origin(facts, target, plan))
        route = Block("resource", ("azurerm_cdn_frontdoor_route", name)).set("name", aws_name(target, 90))
        route.set("cdn_frontdoor_endpoint_id", Raw(f"azurerm_cdn_frontdoor_endpoint.{cid}.id"))
        route.set("cdn_frontdoor_origin_group_id", Raw(f"azurerm_cdn_frontdoor_origin_group.{name}.id"))
        route.set("cdn_frontdoor_origin_ids", [Raw(f"azurerm_cdn_frontdoor_origin.{name}.id")])
        route.set("supported_protocols", ["Http", "Https"]).set("https_redirect_enabled", True)
        route.set("forwarding_protocol", "HttpsOnly").set("link_to_default_domain", True)
        route.set("patterns_to_match", ["/*"] if index == 0 else [f"/{target}/*"])
        if plan.row_of(cid) == "cdn":
            route.add(Block("cache").set("query_string_caching_behavior", "UseQueryString"))
        blocks.append(route)
    if wants_waf(facts, plan):
        blocks += _waf(facts, waf_realised(facts, plan))
    return blocks + diagnostics(facts, f"azurerm_cdn_frontdoor_profile.{cid}.id")


def _waf(facts: Facts, realises: str | None) -> list[Block]:
    cid = facts.id
    policy = Block("resource", ("azurerm_cdn_frontdoor_firewall_policy", cid)).set(
        "name", compact_name(cid, 128)
    )
    policy.set("resource_group_name", RG).set("sku_name", SKU).set("enabled", True).set("mode", "Prevention")
    for rule_set, version in MANAGED_RULES:
        policy.add(Block("managed_rule").set("type", rule_set).set("version", version).set("action", "Block"))
    if facts.has("rate_limiting"):
        policy.add(
            Block("custom_rule")
            .set("name", "RateLimit")
            .set("type", "RateLimitRule")
            .set("action", "Block")
            .set("priority", 1)
            .set("rate_limit_duration_in_minutes", 5)
            .set("rate_limit_threshold", Raw("var.waf_rate_limit"))
            .add(
                Block("match_condition")
                .set("match_variable", "RemoteAddr")
                .set("operator", "IPMatch")
                .set("match_values", ["0.0.0.0/0", "::/0"])
            )
        )
    tags = {**facts.tags, "archmodel:component": realises} if realises else facts.tags
    policy.set("tags", tags)
    association = (
        Block("association")
        .set("patterns_to_match", ["/*"])
        .add(Block("domain").set("cdn_frontdoor_domain_id", Raw(f"azurerm_cdn_frontdoor_endpoint.{cid}.id")))
    )
    firewall = Block("firewall").set(
        "cdn_frontdoor_firewall_policy_id", Raw(f"azurerm_cdn_frontdoor_firewall_policy.{cid}.id")
    )
    security = Block("resource", ("azurerm_cdn_frontdoor_security_policy", cid)).set(
        "name", aws_name(cid, 80) + "-waf"
    )
    security.set("cdn_frontdoor_profile_id", Raw(f"azurerm_cdn_frontdoor_profile.{cid}.id"))
    security.add(Block("security_policies").add(firewall.add(association)))
    return [policy, security]
