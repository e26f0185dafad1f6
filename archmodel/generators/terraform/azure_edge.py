"""Azure builders for compute and the network: Container Apps, and network security
group rules from flows.

Azure filters traffic per subnet, and a model's zones are its subnets: each zone that
holds a networked component (a container app, a flexible server, a Premium cache) gets
one network security group on ``var.subnet_id_<zone>``, one allow rule per modelled flow
into it (from the source's zone subnet, ``var.subnet_cidr_<zone>``, or from
``var.cidr_<source>`` for anyone else), and a deny rule for the rest of the virtual
network (Azure's own default rules already deny the internet and admit its load
balancer's probes). Every CIDR is a variable with no default.
"""

from __future__ import annotations

import math

from archmodel.formats.hcl import Block, Raw
from archmodel.generators.terraform import fargate
from archmodel.generators.terraform.azure_data import RG
from archmodel.generators.terraform.facts import Facts, aws_name, flow_name, flow_port, port_notes
from archmodel.generators.terraform.plan import Plan
from archmodel.model import Flow, replica_bounds

NETWORKED = frozenset({"container", "database", "cache"})
FIRST_PRIORITY, DENY_PRIORITY = 100, 4096


def app_size(cpu: str | None, memory: str | None) -> tuple[float, str, str | None]:
    """Consumption-plan Container Apps take 0.25 to 4 vCPU in quarter steps, with twice as
    many GiB of memory: the smallest such pair that holds the model's request."""
    want_cpu, want_mem = fargate.units(cpu, 256, 1024) / 1024, fargate.units(memory, 512, 1024) / 1024
    quarters = min(16, max(1, math.ceil(max(want_cpu, want_mem / 2) * 4 - 1e-9)))
    size = quarters / 4
    text = f"{size * 2:g}Gi"
    note = None
    if (size, size * 2) != (want_cpu, want_mem):
        asked = f"cpu {cpu or 'unset'}, memory {memory or 'unset'}"
        note = f"Container App size {size:g} vCPU/{text} is the nearest valid one at or above {asked}"
    return size, text, note


def notes(row: str, facts: Facts, plan: Plan) -> list[str]:
    if row != "container":
        return []
    deploy = facts.component.deploy
    note = app_size(*fargate.sized(deploy))[2]
    return [note] if note else []


def container_app(facts: Facts, plan: Plan) -> list[Block]:
    """A container app with its own system-assigned identity; HTTPS-only ingress when
    anything flows into it, external (to the VNet of an internal environment) for a
    public component or one that Front Door forwards to."""
    cid, deploy = facts.id, facts.component.deploy
    image = fargate.image(cid, deploy)
    port = deploy.port if deploy and deploy.port else 8080
    cpu, memory, _ = app_size(*fargate.sized(deploy))
    floor, ceiling = replica_bounds(facts.component)
    app = Block("resource", ("azurerm_container_app", cid)).set("name", aws_name(cid, 32))
    app.set("container_app_environment_id", Raw("var.container_app_environment_id"))
    app.set("resource_group_name", RG).set("revision_mode", "Single")
    app.add(Block("identity").set("type", "SystemAssigned"))
    # Without a ceiling in the model, up to ten replicas (Container Apps' own default).
    top = ceiling if ceiling is not None else max(floor, 10)
    template = Block("template").set("min_replicas", floor).set("max_replicas", top)
    template.add(
        Block("container").set("name", cid).set("image", image).set("cpu", cpu).set("memory", memory)
    )
    app.add(template)
    if facts.inbound or facts.component.public:
        app.add(
            Block("ingress")
            .set("external_enabled", bool(facts.component.public) or behind_front_door(facts, plan))
            .set("target_port", port)
            .set("transport", "auto")
            .set("allow_insecure_connections", False)
            .add(Block("traffic_weight").set("latest_revision", True).set("percentage", 100))
        )
    return [app.set("tags", facts.tags)]


def behind_front_door(facts: Facts, plan: Plan) -> bool:
    return any(plan.row_of(s) in ("load_balancer", "cdn") for s in plan.sources_of(facts.id))


def zone_of(cid: str, plan: Plan) -> str:
    """The zone (subnet) a component sits in; a component outside every zone is its own."""
    return plan.component(cid).zone or cid


def _zones(plan: Plan) -> list[str]:
    return sorted({zone_of(cid, plan) for cid in plan.in_vpc})


def _priority(flow: Flow, plan: Plan) -> int:
    """Rule priorities are unique within a security group: the flow's place among the
    flows into the zone, ordered by id."""
    zone = zone_of(flow.target, plan)
    into = sorted(
        f.id for cid in plan.in_vpc if zone_of(cid, plan) == zone for f in plan.graph.flows_into(cid)
    )
    return FIRST_PRIORITY + into.index(flow.id)


def _subnet_cidr(zone: str, plan: Plan) -> Raw:
    return plan.require(f"subnet_cidr_{zone}", "string", f"Address prefix of the subnet of zone {zone}")


def _source(flow: Flow, plan: Plan) -> Raw:
    if flow.source in plan.in_vpc:
        return _subnet_cidr(zone_of(flow.source, plan), plan)
    name = plan.component(flow.source).name
    return plan.require(
        f"cidr_{flow.source}", "string", f"CIDR block that {flow.source} ({name}) connects from"
    )


def security_rules(facts: Facts, plan: Plan) -> tuple[list[Block], list[str]]:
    """One allow rule per flow into a networked component."""
    if facts.id not in plan.in_vpc:
        return [], []
    zone = zone_of(facts.id, plan)
    rules, found = [], []
    for flow in facts.inbound:
        port = flow_port(flow, facts.component, plan.managed(facts.id))
        if port is None:
            found.append(f"flow {flow_name(flow)} has no port: add `port:` to the flow to allow it")
            continue
        found += port_notes(flow, facts.component, port)
        rules.append(
            _rule(flow_name(flow), zone, _priority(flow, plan), "Allow")
            .set("description", f"archmodel flow {flow.id}")
            .set("protocol", "Tcp")
            .set("source_port_range", "*")
            .set("destination_port_range", str(port))
            .set("source_address_prefix", _source(flow, plan))
            .set("destination_address_prefix", _subnet_cidr(zone, plan))
        )
    return rules, found


def _rule(name: str, zone: str, priority: int, access: str) -> Block:
    return (
        Block("resource", ("azurerm_network_security_rule", name))
        .set("name", name)
        .set("resource_group_name", RG)
        .set("network_security_group_name", Raw(f"azurerm_network_security_group.{zone}.name"))
        .set("priority", priority)
        .set("direction", "Inbound")
        .set("access", access)
    )


def security_groups(plan: Plan) -> list[Block]:
    """Per zone: the group, its subnet association, and the deny for the rest of the VNet."""
    blocks: list[Block] = []
    for zone in _zones(plan):
        blocks.append(
            Block("resource", ("azurerm_network_security_group", zone))
            .set("name", f"{aws_name(zone, 70)}-nsg")
            .set("resource_group_name", RG)
            .set("location", Raw("var.location"))
            .set("tags", {"archmodel:zone": zone})
        )
        subnet = plan.require(f"subnet_id_{zone}", "string", f"Subnet of zone {zone}")
        blocks.append(
            Block("resource", ("azurerm_subnet_network_security_group_association", zone))
            .set("subnet_id", subnet)
            .set("network_security_group_id", Raw(f"azurerm_network_security_group.{zone}.id"))
        )
        blocks.append(
            _rule(f"{zone}_DENY_VNET_INBOUND", zone, DENY_PRIORITY, "Deny")
            .set("description", "archmodel: no inbound from the virtual network but modelled flows")
            .set("protocol", "*")
            .set("source_port_range", "*")
            .set("destination_port_range", "*")
            .set("source_address_prefix", "VirtualNetwork")
            .set("destination_address_prefix", "*")
        )
    return blocks
