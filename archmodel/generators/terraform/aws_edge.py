"""AWS builders for the edge and compute rows of the mapping: ALB, CloudFront, WAF, ECS.

Secure settings that cost nothing (HTTPS listener with a TLS 1.2+ policy, invalid
headers dropped, no public IPs on tasks) are always on; settings that a control claims
(WAF, logging, read-only root file system) follow the model's controls.
"""

from __future__ import annotations

import json

from archmodel.formats.hcl import Block, Raw, quote
from archmodel.generators.terraform import fargate
from archmodel.generators.terraform.facts import COMPONENT_TAG, Facts, aws_name, flow_name, flow_port
from archmodel.generators.terraform.plan import Plan
from archmodel.model import Kind

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
# Common rules, known bad inputs (Log4Shell) and anonymising proxies (Tor, hosting VPNs).
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAnonymousIpList",
)
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"  # AWS managed SecurityHeadersPolicy
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # AWS managed cache policy


def web_acl(facts: Facts, scope: str, realises: str | None = None) -> list[Block]:
    """A WAFv2 web ACL with AWS managed rules (incl. known bad inputs, i.e. Log4Shell).

    When the model draws the WAF as a component in front of this one, the ACL is that
    component's resource and is tagged with its id, so drift checks find it."""
    rules: list[Block] = []
    for priority, group in enumerate(MANAGED_RULE_GROUPS):
        rules.append(
            Block("rule")
            .set("name", group)
            .set("priority", priority)
            .add(Block("override_action").add(Block("none")))
            .add(
                Block("statement").add(
                    Block("managed_rule_group_statement").set("name", group).set("vendor_name", "AWS")
                )
            )
            .add(_visibility(f"{aws_name(facts.id, 100)}-{group}"))
        )
    if facts.has("rate_limiting"):
        rules.append(
            Block("rule")
            .set("name", "rate-limit")
            .set("priority", len(rules))
            .add(Block("action").add(Block("block")))
            .add(
                Block("statement").add(
                    Block("rate_based_statement")
                    .set("limit", Raw("var.waf_rate_limit"))
                    .set("aggregate_key_type", "IP")
                )
            )
            .add(_visibility(f"{aws_name(facts.id, 100)}-rate-limit"))
        )
    acl = Block("resource", ("aws_wafv2_web_acl", facts.id))
    if scope == "CLOUDFRONT":
        acl.set("provider", Raw("aws.us_east_1"))
    acl.set("name", aws_name(facts.id, 128)).set("scope", scope)
    acl.add(Block("default_action").add(Block("allow")))
    for rule in rules:
        acl.add(rule)
    acl.add(_visibility(aws_name(facts.id, 128)))
    acl.set("tags", {**facts.tags, COMPONENT_TAG: realises} if realises else facts.tags)
    blocks = [acl]
    if facts.has("logging"):
        log = Block("resource", ("aws_wafv2_web_acl_logging_configuration", facts.id))
        if scope == "CLOUDFRONT":
            log.set("provider", Raw("aws.us_east_1"))
        log.set("resource_arn", Raw(f"aws_wafv2_web_acl.{facts.id}.arn"))
        log.set("log_destination_configs", [Raw("var.waf_log_destination_arn")])
        blocks.append(log)
    return blocks


def _visibility(metric: str) -> Block:
    return (
        Block("visibility_config")
        .set("cloudwatch_metrics_enabled", True)
        .set("metric_name", metric)
        .set("sampled_requests_enabled", True)
    )


def waf_realised(facts: Facts, plan: Plan) -> str | None:
    """The WAF component whose web ACL this component carries, if the model draws one:
    for a distribution, a WAF next to it; for a load balancer, a WAF in front of it
    that is not already realised on a distribution."""
    if plan.row_of(facts.id) == "cdn":
        near = sorted(plan.sources_of(facts.id) | plan.targets_of(facts.id))
        return next((w for w in near if plan.waf_on_cdn(w) == facts.id), None)
    return next(
        (
            s
            for s in sorted(plan.sources_of(facts.id))
            if plan.kind_of(s) == Kind.waf and not plan.waf_on_cdn(s)
        ),
        None,
    )


def wants_waf(facts: Facts, plan: Plan) -> bool:
    """A ``waf`` control on the component or its zones, or a WAF component it realises."""
    return facts.has("waf") or waf_realised(facts, plan) is not None


def load_balancer(facts: Facts, plan: Plan) -> list[Block]:
    cid = facts.id
    # Behind CloudFront the ALB is internet-facing so CloudFront can reach it; its
    # security group admits only CloudFront's origin-facing prefix list (network.py).
    public = facts.component.public or any(plan.via_cdn(source) for source in plan.sources_of(cid))
    lb = Block("resource", ("aws_lb", cid)).set("load_balancer_type", "application")
    lb.set("internal", not public)
    lb.set("security_groups", [Raw(f"aws_security_group.{cid}.id")])
    lb.set("subnets", Raw("var.public_subnet_ids" if public else "var.private_subnet_ids"))
    lb.set("drop_invalid_header_fields", True).set(
        "enable_deletion_protection", Raw("var.deletion_protection")
    )
    if facts.has("logging"):
        lb.add(Block("access_logs").set("bucket", Raw("var.access_log_bucket")).set("enabled", True))
    lb.set("tags", facts.tags)
    blocks = [lb]
    groups: list[tuple[str, str]] = []
    for flow in facts.outbound:
        if plan.row_of(flow.target) != "container":
            continue
        port = flow_port(flow, plan.component(flow.target)) or 80
        name, protocol = flow_name(flow), "HTTPS" if flow.encrypted else "HTTP"
        groups.append((name, flow.target))
        blocks.append(
            Block("resource", ("aws_lb_target_group", name))
            .set("port", port)
            .set("protocol", protocol)
            .set("target_type", "ip")
            .set("vpc_id", Raw("var.vpc_id"))
            .add(Block("health_check").set("enabled", True).set("path", "/").set("protocol", protocol))
            .set("tags", facts.tags)
        )
    listener = Block("resource", ("aws_lb_listener", cid))
    listener.set("load_balancer_arn", Raw(f"aws_lb.{cid}.arn")).set("port", 443).set("protocol", "HTTPS")
    listener.set("ssl_policy", TLS_POLICY).set("certificate_arn", Raw("var.certificate_arn"))
    action = Block("default_action")
    if groups:
        action.set("type", "forward").set("target_group_arn", Raw(f"aws_lb_target_group.{groups[0][0]}.arn"))
    else:
        action.set("type", "fixed-response").add(
            Block("fixed_response").set("content_type", "text/plain").set("status_code", "404")
        )
    blocks.append(listener.add(action).set("tags", facts.tags))
    for priority, (group, target) in enumerate(groups[1:], start=1):
        blocks.append(
            Block("resource", ("aws_lb_listener_rule", group))
            .set("listener_arn", Raw(f"aws_lb_listener.{cid}.arn"))
            .set("priority", priority)
            .add(
                Block("action")
                .set("type", "forward")
                .set("target_group_arn", Raw(f"aws_lb_target_group.{group}.arn"))
            )
            .add(Block("condition").add(Block("path_pattern").set("values", [f"/{target}/*"])))
            .set("tags", facts.tags)
        )
    if any(f.encrypted is not True for f in facts.inbound):
        redirect = (
            Block("redirect").set("port", "443").set("protocol", "HTTPS").set("status_code", "HTTP_301")
        )
        blocks.append(
            Block("resource", ("aws_lb_listener", f"{cid}_HTTP_REDIRECT"))
            .set("load_balancer_arn", Raw(f"aws_lb.{cid}.arn"))
            .set("port", 80)
            .set("protocol", "HTTP")
            .add(Block("default_action").set("type", "redirect").add(redirect))
            .set("tags", facts.tags)
        )
    if wants_waf(facts, plan):
        blocks += web_acl(facts, "REGIONAL", waf_realised(facts, plan))
        blocks.append(
            Block("resource", ("aws_wafv2_web_acl_association", cid))
            .set("resource_arn", Raw(f"aws_lb.{cid}.arn"))
            .set("web_acl_arn", Raw(f"aws_wafv2_web_acl.{cid}.arn"))
        )
    return blocks


def _origin_domain(target: str, plan: Plan) -> Raw:
    """A bucket by reference; any other origin is an input with no default. For a load
    balancer that is a DNS name its certificate covers, pointing at it: CloudFront checks
    the origin's certificate, and none can be issued for ``*.elb.amazonaws.com``."""
    row = plan.row_of(target)
    if row == "load_balancer":
        text = (
            f"DNS name in certificate_arn's certificate that points at load balancer {target} (CNAME/alias)"
        )
        return plan.require(f"origin_domain_name_{target}", "string", text)
    if row == "object_store":
        return Raw(f"aws_s3_bucket.{target}.bucket_regional_domain_name")
    return plan.require(
        f"origin_domain_name_{target}", "string", f"Domain name CloudFront reaches {target} at"
    )


def cdn(facts: Facts, plan: Plan) -> list[Block]:
    cid = facts.id
    dist = Block("resource", ("aws_cloudfront_distribution", cid)).set("enabled", True)
    dist.set("comment", f"archmodel component {cid}").set("is_ipv6_enabled", True)
    dist.set("default_root_object", "index.html")
    blocks: list[Block] = []
    targets = plan.cdn_origins(cid) or [cid]
    for target in targets:
        origin = Block("origin").set("origin_id", target).set("domain_name", _origin_domain(target, plan))
        if plan.row_of(target) == "object_store":
            origin.set("origin_access_control_id", Raw(f"aws_cloudfront_origin_access_control.{cid}.id"))
        else:
            origin.add(
                Block("custom_origin_config")
                .set("http_port", 80)
                .set("https_port", 443)
                .set("origin_protocol_policy", "https-only")
                .set("origin_ssl_protocols", ["TLSv1.2"])
            )
        dist.add(origin)
    if any(plan.row_of(t) == "object_store" for t in targets):
        blocks.append(
            Block("resource", ("aws_cloudfront_origin_access_control", cid))
            .set("name", aws_name(cid, 64))
            .set("origin_access_control_origin_type", "s3")
            .set("signing_behavior", "always")
            .set("signing_protocol", "sigv4")
        )
    dist.add(
        Block("default_cache_behavior")
        .set("target_origin_id", targets[0])
        .set("viewer_protocol_policy", "redirect-to-https")
        .set("allowed_methods", ["GET", "HEAD", "OPTIONS"])
        .set("cached_methods", ["GET", "HEAD"])
        .set("cache_policy_id", CACHING_OPTIMIZED)
        .set("response_headers_policy_id", SECURITY_HEADERS)
    )
    dist.add(Block("restrictions").add(Block("geo_restriction").set("restriction_type", "none")))
    dist.add(
        Block("viewer_certificate")
        .set("acm_certificate_arn", Raw("var.cdn_certificate_arn"))
        .set("ssl_support_method", "sni-only")
        .set("minimum_protocol_version", "TLSv1.2_2021")
    )
    if facts.has("logging"):
        dist.add(Block("logging_config").set("bucket", Raw("var.access_log_bucket_domain_name")))
    if wants_waf(facts, plan):
        blocks += web_acl(facts, "CLOUDFRONT", waf_realised(facts, plan))
        dist.set("web_acl_id", Raw(f"aws_wafv2_web_acl.{cid}.arn"))
    dist.set("tags", facts.tags)
    return [dist, *blocks]


def container_service(facts: Facts, plan: Plan) -> list[Block]:
    cid, deploy = facts.id, facts.component.deploy
    image = fargate.image(cid, deploy)
    port = deploy.port if deploy and deploy.port else 8080
    container: dict[str, object] = {
        "name": cid,
        "image": image,
        "essential": True,
        "privileged": False,
        "readonlyRootFilesystem": facts.has("hardening"),
        "portMappings": [{"containerPort": port, "protocol": "tcp"}],
    }
    task = Block("resource", ("aws_ecs_task_definition", cid)).set("family", aws_name(cid, 255))
    task.set("requires_compatibilities", ["FARGATE"]).set("network_mode", "awsvpc")
    cpu, memory, _ = fargate.task_size(*fargate.sized(deploy))
    task.set("cpu", str(cpu)).set("memory", str(memory))
    task.set("execution_role_arn", Raw("var.ecs_execution_role_arn"))
    task.set("task_role_arn", Raw(f'lookup(var.ecs_task_role_arns, "{cid}", null)'))
    task.set("container_definitions", Raw(f"jsonencode([{_hcl_object(container)}])"))
    task.set("tags", facts.tags)
    service = Block("resource", ("aws_ecs_service", cid)).set("name", aws_name(cid, 255))
    service.set("cluster", Raw("var.ecs_cluster_arn")).set(
        "task_definition", Raw(f"aws_ecs_task_definition.{cid}.arn")
    )
    replicas = deploy.replicas if deploy and deploy.replicas is not None else 1
    service.set("desired_count", replicas).set("launch_type", "FARGATE").set("propagate_tags", "SERVICE")
    service.add(
        Block("network_configuration")
        .set("subnets", Raw("var.private_subnet_ids"))
        .set("security_groups", [Raw(f"aws_security_group.{cid}.id")])
        .set("assign_public_ip", False)
    )
    for flow in facts.inbound:
        if plan.row_of(flow.source) == "load_balancer":
            service.add(
                Block("load_balancer")
                .set("target_group_arn", Raw(f"aws_lb_target_group.{flow_name(flow)}.arn"))
                .set("container_name", cid)
                .set("container_port", port)
            )
    service.set("tags", facts.tags)
    return [task, service]


def _hcl_object(value: object) -> str:
    """Inline HCL for ``jsonencode``: an object literal whose strings go through ``quote``."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_hcl_object(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_hcl_object(v) for v in value) + "]"
    if isinstance(value, str):
        return quote(value)
    return json.dumps(value)
