"""A first model from Terraform: components from the resources that realise one (kind
and technology from the resource type), flows from the security-group, firewall and NSG
rules between them, zones from subnets and networks.

The model is the one drift agrees with: its components are the ids drift maps the
resources to, and its flows are the rules the reader resolves, less what a network ACL
drops. Traffic from an address range outside the code comes from an outside component in
the Internet zone; a range holding components' subnets becomes flows from each of them.
What could not be inferred is returned as TODO lines for the written YAML.
"""

from __future__ import annotations

from typing import Any

from archmodel.drift.imported import Imported
from archmodel.drift.imported import flows as written_flows
from archmodel.drift.imported import model as starter
from archmodel.drift.terraform_acl import denying_acl
from archmodel.inventory import INTERNET, Inventory
from archmodel.tfread import Block, Network, inventory
from archmodel.tfread.kinds import COMPONENTS, technology
from archmodel.tfread.mapping import qualified, tagged
from archmodel.tfread.values import is_open, refs, slug

CLIENTS = "clients"


def component_ids(net: Network) -> dict[str, str]:
    """Resource address -> component id: its tag, else its name when no other component
    resource has it, else ``<name>-<short word of its type>`` (what drift maps back)."""
    realising = [b for b in net.config.blocks if b.type in COMPONENTS]
    names: dict[str, int] = {}
    for b in realising:
        names[slug(b.name)] = names.get(slug(b.name), 0) + 1
    ids = {
        b.address: tagged(b) or (slug(b.name) if names[slug(b.name)] == 1 else qualified(b))
        for b in realising
    }
    taken = set(ids.values())
    for block in _standing_in(net):
        ident = tagged(block) or (slug(block.name) if slug(block.name) not in taken else qualified(block))
        ids[block.address] = ident
        taken.add(ident)
    return ids


def _standing_in(net: Network) -> list[Block]:
    """Security groups with ingress rules that no component resource is attached to (the
    instances are elsewhere, or made by hand): the group stands in for what it protects."""
    attached = {g for g, members in net.members.items() if members}
    ruled = {r.group for r in net.rules if r.ingress}
    return [
        b
        for g, b in sorted(net.groups.items())
        if b.type == "aws_security_group" and g == b.name and g in ruled and g not in attached
    ]


# Well-known ports -> (kind, technology) for a security group that stands in for a component.
PORT_KINDS = {
    5432: ("database", "postgresql"),
    3306: ("database", "mysql"),
    1433: ("database", "sqlserver"),
    27017: ("database", "mongodb"),
    6379: ("cache", "redis"),
    11211: ("cache", "memcached"),
    9092: ("queue", "kafka"),
    5672: ("queue", "rabbitmq"),
}


def import_model(net: Network, name: str) -> Imported:
    ids = component_ids(net)
    inv = inventory(net, set(ids.values()))
    todos: list[str] = []
    outside: dict[str, str] = {}  # peer as written -> outside component id
    found: set[tuple[str, str, int | None]] = set()
    public: set[str] = set()
    for rule in inv.rules:
        target = inv.groups.get(rule.target)
        if target is None:
            continue
        is_outside = rule.source == INTERNET
        source: str | None = (
            _outside_id(outside, rule.peer)
            if is_outside
            else inv.groups.get(rule.source, inv.cidrs.get(rule.source))
        )
        if source is None or source == target:
            continue
        acl = denying_acl(inv, None if is_outside else source, rule.peer, target, rule.port)
        if acl is not None:
            todos.append(
                f"{rule.address} admits {source} to {target} on port {rule.port or 'any'}, "
                f"but the network ACL {acl.address} drops it: not written as a flow"
            )
            continue
        found.add((source, target, rule.port))
        if is_outside and is_open([rule.peer or "0.0.0.0/0"]):
            public.add(target)
        if rule.source in inv.cidrs:
            todos.append(
                f"flow {source} -> {target} comes from the range {rule.peer} in {rule.address}: "
                "keep it only if the source really calls the target"
            )
    for exposure in inv.exposures:
        if exposure.component is not None:
            public.add(exposure.component)
            todos.append(f"'{exposure.component}' is public: {exposure.address}: {exposure.why}")
    components = _components(net, ids, public, todos)
    zones = _zones(net, ids, components)
    actors = [
        {
            "id": ident,
            "kind": "actor" if ident == CLIENTS else "external_system",
            "name": _title(peer),
            "zone": "internet",
        }
        for peer, ident in sorted(outside.items(), key=lambda item: item[1])
    ]
    todos += [
        f"'{ident}' stands for the addresses {peer}, which hold no subnet of the code: name what is there"
        for peer, ident in sorted(outside.items())
        if ident != CLIENTS
    ]
    todos += _unused(net, inv) + [f"{note}" for note in net.notes]
    if inv.summary():
        todos.append(inv.summary())
    todos.append("protocols, data, controls and owners are not in Terraform: flows are written as plain tcp")
    return Imported(
        starter(name, zones, actors + components, written_flows(found)), list(dict.fromkeys(todos))
    )


def _outside_id(outside: dict[str, str], peer: str) -> str:
    key = "0.0.0.0/0" if is_open([peer or "0.0.0.0/0"]) else peer
    if key not in outside:
        ident = (
            CLIENTS if key == "0.0.0.0/0" else slug(f"net-{key.removeprefix('var.').removeprefix('local.')}")
        )
        outside[key] = ident
    return outside[key]


def _title(peer: str) -> str:
    return "Clients (any address)" if peer == "0.0.0.0/0" else f"Network {peer}"


def _components(
    net: Network, ids: dict[str, str], public: set[str], todos: list[str]
) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for block in net.config.blocks:
        ident = ids.get(block.address)
        if ident is None or ident in out:
            continue
        if block.type in COMPONENTS:
            kind, tech = COMPONENTS[block.type][0], technology(block.type, block.body)
        else:
            ports = sorted({r.ports[0] for r in net.rules if r.group == block.name and r.ingress and r.ports})
            kind, tech = next((PORT_KINDS[p] for p in ports if p in PORT_KINDS), ("service", ""))
            todos.append(
                f"'{ident}' stands for what {block.address} protects (no resource here is attached to it): "
                f"kind {kind} guessed from its ports"
            )
        entry: dict[str, Any] = {"id": ident, "kind": kind, "name": _name(block)}
        if tech:
            entry["technology"] = tech
        elif kind in ("database", "cache", "queue"):
            todos.append(f"technology of '{ident}' ({block.address}) is not written in its arguments")
        if ident in public:
            entry["public"] = True
            todos.append(f"'{ident}' is public: a rule admits any address to it; model who calls it")
        out[ident] = entry
    return list(out.values())


def _name(block: Block) -> str:
    given = block.body.get("name")
    return given if isinstance(given, str) and "${" not in given else block.address


def _zones(net: Network, ids: dict[str, str], components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A zone per subnet (``dmz`` when it maps public addresses), or per network a
    resource names; resources placed in neither are in zone ``cloud``."""
    zones: dict[str, dict[str, Any]] = {}
    where: dict[str, str] = {}
    for block in net.config.blocks:
        ident = ids.get(block.address)
        if ident is None or ident in where:
            continue
        subnets = sorted(net.placement.get(block.address, ()))
        networks = [net.network_of[block.address]] if block.address in net.network_of else []
        networks += refs(block.body, "azurerm_virtual_network")
        if subnets:
            subnet = subnets[0]
            zone = slug(f"subnet-{subnet.split(' ')[-1]}")
            trust = "dmz" if subnet in net.public_subnets else "internal"
            zones.setdefault(zone, {"id": zone, "name": f"subnet {subnet.split(' ')[-1]}", "trust": trust})
        elif networks:
            zone = slug(f"network-{networks[0]}")
            zones.setdefault(zone, {"id": zone, "name": f"network {networks[0]}", "trust": "internal"})
        else:
            zone = "cloud"
            zones.setdefault(
                zone, {"id": zone, "name": "Managed services (no subnet in the code)", "trust": "internal"}
            )
        where[ident] = zone
    for entry in components:
        entry["zone"] = where[entry["id"]]
    return sorted(zones.values(), key=lambda z: str(z["id"]))


def _unused(net: Network, inv: Inventory) -> list[str]:
    """Groups with rules that no component is attached to: their rules name no flow."""
    ruled = sorted({r.group for r in net.rules if r.ingress})
    return [
        f"{net.groups[g].address if g in net.groups else g} has rules but is attached to no "
        "component resource: its rules were not turned into flows"
        for g in ruled
        if g not in inv.groups and not any(k.startswith(f"{g} ") for k in inv.groups)
    ]
