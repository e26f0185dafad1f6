"""GCP builders for compute and edge: Cloud Run services, the external Application Load
Balancer in front of them with a Cloud Armor policy, and VPC firewall rules from flows.

Cloud Run takes no VPC ingress (who may call a service is its ingress setting and
``run.invoker``), so the flows become egress rules: each service leaves through the VPC
(Direct VPC egress, tagged with its component id) and may open only the connections the
model draws, each to where its target lives (``var.private_service_cidr`` for Cloud SQL
and Memorystore, ``var.google_apis_cidr`` for Google APIs and other services,
``var.external_egress_cidr`` for the rest); a lowest-priority rule denies the rest.
"""

from __future__ import annotations

import warnings

from archmodel.formats.hcl import Block, Raw
from archmodel.generators.terraform import fargate
from archmodel.generators.terraform.common import NoMapping
from archmodel.generators.terraform.engines import is_kafka
from archmodel.generators.terraform.facts import Facts, aws_name, flow_name, flow_port, port_notes
from archmodel.generators.terraform.gcp_data import labels
from archmodel.generators.terraform.plan import Plan
from archmodel.model import Flow, Kind, replica_bounds

# CPU (vCPU) -> (smallest, largest) memory in MiB Cloud Run allows with it.
RUN_SIZES = ((1, 512, 4096), (2, 1024, 8192), (4, 2048, 16384), (6, 4096, 24576), (8, 4096, 32768))
PRIVATE_SERVICE_ROWS = frozenset({"database", "cache", "queue"})
# Cloud Armor preconfigured WAF rules (OWASP CRS 3.3) and the Log4Shell canary.
ARMOR_RULES = (
    "sqli-v33-stable",
    "xss-v33-stable",
    "lfi-v33-stable",
    "rce-v33-stable",
    "rfi-v33-stable",
    "cve-canary",
)


def run_size(cpu: str | None, memory: str | None) -> tuple[str, str, str | None]:
    """Cloud Run CPU and memory limits at or above the model's, and a note when snapped."""
    want_cpu, want_mem = fargate.units(cpu, 1024, 1024), fargate.units(memory, 512, 1024)
    for vcpu, low, high in RUN_SIZES:
        if vcpu * 1024 >= want_cpu and high >= want_mem:
            size = (vcpu, max(low, want_mem))
            break
    else:
        size = (RUN_SIZES[-1][0], RUN_SIZES[-1][2])
    note = None
    if size != (want_cpu / 1024, want_mem):
        asked = f"cpu {cpu or 'unset'}, memory {memory or 'unset'}"
        note = f"Cloud Run size {size[0]} vCPU/{size[1]}Mi is the nearest valid one at or above {asked}"
    return str(size[0]), f"{size[1]}Mi", note


def notes(row: str, facts: Facts, plan: Plan) -> list[str]:
    if row == "load_balancer":
        found = []
        if cdns := _cdns(facts, plan):
            found.append(
                f"Cloud CDN is on in the backend services: it realises component {', '.join(cdns)} (cdn)"
            )
        return found + _upgraded(facts)
    if row != "container":
        return []
    deploy = facts.component.deploy
    note = run_size(*fargate.sized(deploy))[2]
    return [note] if note else []


def _ingress(facts: Facts, plan: Plan) -> str:
    sources = plan.sources_of(facts.id)
    if any(plan.row_of(s) == "load_balancer" for s in sources):
        return "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
    return "INGRESS_TRAFFIC_ALL" if facts.component.public else "INGRESS_TRAFFIC_INTERNAL_ONLY"


def container_service(facts: Facts, plan: Plan) -> list[Block]:
    cid, deploy = facts.id, facts.component.deploy
    image = fargate.image(cid, deploy)
    port = deploy.port if deploy and deploy.port else 8080
    cpu, memory, _ = run_size(*fargate.sized(deploy))
    floor, ceiling = replica_bounds(facts.component)
    service = Block("resource", ("google_cloud_run_v2_service", cid)).set("name", aws_name(cid, 49))
    service.set("location", Raw("var.region")).set("ingress", _ingress(facts, plan))
    service.set("deletion_protection", Raw("var.deletion_protection"))
    template = Block("template").set(
        "service_account", Raw(f'lookup(var.run_service_accounts, "{cid}", null)')
    )
    scaling = Block("scaling").set("min_instance_count", floor)
    if ceiling is not None:  # else Cloud Run's own limit
        scaling.set("max_instance_count", ceiling)
    template.add(scaling)
    template.add(
        Block("vpc_access")
        .set("egress", "ALL_TRAFFIC")
        .add(
            Block("network_interfaces")
            .set("network", Raw("var.network_id"))
            .set("subnetwork", Raw("var.subnetwork_id"))
            .set("tags", [cid.replace("_", "-")])
        )
    )
    container = Block("containers").set("name", cid).set("image", image)
    container.add(Block("ports").set("container_port", port))
    container.add(Block("resources").set("limits", {"cpu": cpu, "memory": memory}))
    template.add(container)
    service.add(template)
    return [service.set("labels", labels(facts))]


def _destination(flow: Flow, plan: Plan) -> tuple[str, int | None]:
    """Where a flow's target lives, and the port (Google APIs answer on 443)."""
    row = plan.row_of(flow.target)
    port = flow_port(flow, plan.component(flow.target), plan.managed(flow.target))
    if row in ("database", "cache"):
        return "var.private_service_cidr", port
    if row == "queue" and is_kafka(plan.component(flow.target)):
        return "var.private_service_cidr", port
    if row is not None and row != "network_only":
        return "var.google_apis_cidr", 443
    return "var.external_egress_cidr", port


def firewall(facts: Facts, plan: Plan) -> tuple[list[Block], list[str]]:
    """Egress allow rules for a Cloud Run service's flows, then deny everything else."""
    if facts.id not in plan.in_vpc:
        return [], []
    tag = facts.id.replace("_", "-")
    rules: list[Block] = []
    found: list[str] = []
    for flow in facts.outbound:
        ranges, port = _destination(flow, plan)
        if port is None:
            found.append(f"flow {flow_name(flow)} has no port: add `port:` to the flow to allow it")
            continue
        if plan.managed(flow.target):
            found += port_notes(flow, plan.component(flow.target), port)
        rule = _rule(flow_name(flow), facts, f"archmodel flow {flow.id}", 1000)
        rule.set("target_tags", [tag]).set("destination_ranges", [Raw(ranges)])
        rules.append(rule.add(Block("allow").set("protocol", "tcp").set("ports", [str(port)])))
    deny = _rule(
        f"{facts.id}_DENY_EGRESS", facts, f"archmodel {facts.id}: no egress but modelled flows", 65534
    )
    deny.set("target_tags", [tag]).set("destination_ranges", ["0.0.0.0/0"])
    return [*rules, deny.add(Block("deny").set("protocol", "all"))], found


def _rule(name: str, facts: Facts, description: str, priority: int) -> Block:
    rule = Block("resource", ("google_compute_firewall", name)).set("name", aws_name(name, 63))
    rule.set("network", Raw("var.network_id")).set("description", description)
    rule.set("direction", "EGRESS").set("priority", priority)
    if facts.has("logging"):
        rule.add(Block("log_config").set("metadata", "INCLUDE_ALL_METADATA"))
    return rule


def _cdns(facts: Facts, plan: Plan) -> list[str]:
    """The CDN components in front of a load balancer (directly or through a WAF)."""
    return sorted(c for c in plan.rows if plan.rows[c] == "cdn" and facts.id in plan.cdn_origins(c))


def _waf_in_front(facts: Facts, plan: Plan) -> str | None:
    """A WAF component drawn in front of the load balancer, also one next to its CDN:
    on GCP both are the Cloud Armor policy on the load balancer's backends."""
    near = set(plan.sources_of(facts.id))
    for cdn in _cdns(facts, plan):
        near |= plan.sources_of(cdn) | plan.targets_of(cdn)
    return next((w for w in sorted(near) if plan.kind_of(w) == Kind.waf), None)


def cdn(facts: Facts, plan: Plan) -> list[Block]:
    """Cloud CDN is a setting of a load balancer's backend services, so a CDN in front of
    a load balancer is realised there (``load_balancer``); other origins are not mapped."""
    others = [t for t in plan.cdn_origins(facts.id) if plan.row_of(t) != "load_balancer"]
    if others or not plan.cdn_origins(facts.id):
        warnings.warn(
            f"component '{facts.id}' (cdn) has no gcp mapping for origins other than a load balancer "
            f"({', '.join(others) or 'none drawn'}): nothing is generated for them",
            NoMapping,
            stacklevel=2,
        )
    return []


def _upgraded(facts: Facts) -> list[str]:
    """The load balancer serves HTTPS only: flows the model draws into it in clear say
    otherwise, and their clients would find nothing listening on plain HTTP."""
    clear = sorted(f.id for f in facts.inbound if f.encrypted is False)
    if not clear:
        return []
    return [
        f"the model sends flow {', '.join(clear)} into it in clear; this load balancer serves "
        "HTTPS only (port 443), so those clients must use HTTPS"
    ]


def load_balancer(facts: Facts, plan: Plan) -> list[Block]:
    """A global external Application Load Balancer: HTTPS only (TLS 1.2+), one serverless
    NEG and backend service per Cloud Run service it forwards to, Cloud CDN when a CDN
    is drawn in front of it, Cloud Armor when a WAF is claimed or drawn in front of it
    (or of its CDN)."""
    cid = facts.id
    realises = _waf_in_front(facts, plan)
    waf = facts.has("waf") or realises is not None
    cached = bool(_cdns(facts, plan))
    blocks: list[Block] = []
    backends: list[tuple[str, str]] = []
    for flow in facts.outbound:
        if plan.row_of(flow.target) != "container":
            continue
        name = flow_name(flow)
        backends.append((name, flow.target))
        blocks.append(
            Block("resource", ("google_compute_region_network_endpoint_group", name))
            .set("name", aws_name(name, 63))
            .set("region", Raw("var.region"))
            .set("network_endpoint_type", "SERVERLESS")
            .add(Block("cloud_run").set("service", Raw(f"google_cloud_run_v2_service.{flow.target}.name")))
        )
        backend = Block("resource", ("google_compute_backend_service", name)).set("name", aws_name(name, 63))
        backend.set("load_balancing_scheme", "EXTERNAL_MANAGED").set("protocol", "HTTPS")
        if waf:
            backend.set("security_policy", Raw(f"google_compute_security_policy.{cid}.id"))
        if cached:
            backend.set("enable_cdn", True)
        backend.add(
            Block("backend").set("group", Raw(f"google_compute_region_network_endpoint_group.{name}.id"))
        )
        if facts.has("logging"):
            backend.add(Block("log_config").set("enable", True).set("sample_rate", 1))
        if cached:
            backend.add(Block("cdn_policy").set("cache_mode", "USE_ORIGIN_HEADERS"))
        blocks.append(backend)
    url_map = Block("resource", ("google_compute_url_map", cid)).set("name", aws_name(cid, 63))
    if backends:
        url_map.set("default_service", Raw(f"google_compute_backend_service.{backends[0][0]}.id"))
        if len(backends) > 1:
            url_map.add(Block("host_rule").set("hosts", ["*"]).set("path_matcher", "services"))
            matcher = Block("path_matcher").set("name", "services")
            matcher.set("default_service", Raw(f"google_compute_backend_service.{backends[0][0]}.id"))
            for name, target in backends[1:]:
                matcher.add(
                    Block("path_rule")
                    .set("paths", [f"/{target}/*"])
                    .set("service", Raw(f"google_compute_backend_service.{name}.id"))
                )
            url_map.add(matcher)
    else:
        url_map.add(Block("default_url_redirect").set("https_redirect", True).set("strip_query", False))
    blocks.append(url_map)
    blocks.append(
        Block("resource", ("google_compute_ssl_policy", cid))
        .set("name", aws_name(cid, 63))
        .set("profile", "MODERN")
        .set("min_tls_version", "TLS_1_2")
    )
    blocks.append(
        Block("resource", ("google_compute_target_https_proxy", cid))
        .set("name", aws_name(cid, 63))
        .set("url_map", Raw(f"google_compute_url_map.{cid}.id"))
        .set("ssl_certificates", Raw("var.ssl_certificate_ids"))
        .set("ssl_policy", Raw(f"google_compute_ssl_policy.{cid}.id"))
    )
    blocks.append(
        Block("resource", ("google_compute_global_forwarding_rule", cid))
        .set("name", aws_name(cid, 63))
        .set("target", Raw(f"google_compute_target_https_proxy.{cid}.id"))
        .set("port_range", "443")
        .set("ip_protocol", "TCP")
        .set("load_balancing_scheme", "EXTERNAL_MANAGED")
        .set("labels", labels(facts))
    )
    if waf:
        blocks.append(security_policy(facts, realises))
    return blocks


def security_policy(facts: Facts, realises: str | None) -> Block:
    """Cloud Armor: the OWASP preconfigured rules and the Log4Shell canary deny with 403,
    a per-IP throttle with ``rate_limiting``, everything else is allowed."""
    policy = Block("resource", ("google_compute_security_policy", facts.id))
    policy.set("name", aws_name(facts.id, 63)).set("type", "CLOUD_ARMOR")
    text = f"archmodel {facts.id}" + (f" (realises WAF component {realises})" if realises else "")
    policy.set("description", text)
    for priority, rule in enumerate(ARMOR_RULES, start=1000):
        policy.add(
            Block("rule")
            .set("action", "deny(403)")
            .set("priority", priority)
            .set("description", rule)
            .add(Block("match").add(Block("expr").set("expression", f"evaluatePreconfiguredWaf('{rule}')")))
        )
    if facts.has("rate_limiting"):
        policy.add(
            Block("rule")
            .set("action", "throttle")
            .set("priority", 2000)
            .set("description", "rate-limit")
            .add(
                Block("match")
                .set("versioned_expr", "SRC_IPS_V1")
                .add(Block("config").set("src_ip_ranges", ["*"]))
            )
            .add(
                Block("rate_limit_options")
                .set("conform_action", "allow")
                .set("exceed_action", "deny(429)")
                .set("enforce_on_key", "IP")
                .add(
                    Block("rate_limit_threshold")
                    .set("count", Raw("var.waf_rate_limit"))
                    .set("interval_sec", 300)
                )
            )
        )
    policy.add(
        Block("rule")
        .set("action", "allow")
        .set("priority", 2147483647)
        .set("description", "default")
        .add(
            Block("match")
            .set("versioned_expr", "SRC_IPS_V1")
            .add(Block("config").set("src_ip_ranges", ["*"]))
        )
    )
    return policy
