"""Azure: network security groups (inline ``security_rule`` blocks and
``azurerm_network_security_rule``), the subnets and network interfaces they are
associated with, and the resources placed in those subnets. Rules apply by priority:
an allow that an earlier deny covers entirely never applies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archmodel.inventory import Wide
from archmodel.tfread.files import Block
from archmodel.tfread.kinds import COMPONENTS
from archmodel.tfread.network import Network, RawRule
from archmodel.tfread.values import blocks, many, parse_ports, refs, text, within

NSG = "azurerm_network_security_group"
SERVICE_TAGS_INSIDE = frozenset({"VirtualNetwork"})


def nsg(name: str) -> str:
    return f"nsg {name}"


def read_azure(net: Network) -> None:
    config = net.config
    for block in config.of_type("azurerm_subnet"):
        prefixes = [
            text(block.body.get("address_prefix")),
            *map(str, many(block.body.get("address_prefixes"))),
        ]
        net.subnets[f"azure {block.name}"] = next((p for p in prefixes if p), "")
        vnet = refs(block.body.get("virtual_network_name"), "azurerm_virtual_network")
        net.networks[f"azure {block.name}"] = vnet[0] if vnet else "vnet"
    nics = {b.name: refs(b.body, "azurerm_subnet") for b in config.of_type("azurerm_network_interface")}
    for block in config.blocks:
        if block.type in COMPONENTS and block.type.startswith("azurerm_"):
            subnets = refs(block.body, "azurerm_subnet") + [
                s for nic in refs(block.body, "azurerm_network_interface") for s in nics.get(nic, [])
            ]
            for subnet in subnets:
                net.place(block.address, f"azure {subnet}")
    _members(net, nics)
    written: list[_Written] = []
    for block in config.of_type(NSG):
        net.groups[nsg(block.name)] = block
        for rule in blocks(block.body, "security_rule"):
            written.append(
                _written(block, rule, nsg(block.name), int(rule.get("__start_line__", block.line)))
            )
    for block in config.of_type("azurerm_network_security_rule"):
        for name in refs(block.body.get("network_security_group_name"), NSG):
            net.analysed.add(block.address)
            written.append(_written(block, block.body, nsg(name), block.line))
    _rules(net, sorted(written, key=lambda r: r.priority))


def _members(net: Network, nics: dict[str, list[str]]) -> None:
    """Components in a subnet (or with a network interface) an NSG is associated with."""
    config = net.config
    for block in config.of_type("azurerm_subnet_network_security_group_association"):
        groups = refs(block.body.get("network_security_group_id"), NSG)
        subnets = {f"azure {s}" for s in refs(block.body.get("subnet_id"), "azurerm_subnet")}
        for address, placed in net.placement.items():
            if placed & subnets:
                for group in groups:
                    net.join(nsg(group), address)
    for block in config.of_type("azurerm_network_interface_security_group_association"):
        groups = refs(block.body.get("network_security_group_id"), NSG)
        for nic in refs(block.body.get("network_interface_id"), "azurerm_network_interface"):
            for owner in config.blocks:
                if owner.type in COMPONENTS and nic in refs(owner.body, "azurerm_network_interface"):
                    for group in groups:
                        net.join(nsg(group), owner.address)


@dataclass(frozen=True)
class _Written:
    """One NSG rule, with what priority order needs."""

    block: Block
    line: int
    group: str
    priority: int
    allow: bool
    ingress: bool
    ranges: tuple[str, ...]
    spans: tuple[tuple[int, int] | None, ...]
    protocol: str


def _written(block: Block, rule: dict[str, Any], group: str, line: int) -> _Written:
    ingress = text(rule.get("direction")).lower() != "outbound"
    side = "source" if ingress else "destination"
    ranges = [text(rule.get(f"{side}_address_prefix")), *map(str, many(rule.get(f"{side}_address_prefixes")))]
    written = [text(rule.get("destination_port_range")), *map(str, many(rule.get("destination_port_ranges")))]
    try:
        priority = int(text(rule.get("priority")))
    except ValueError:
        priority = 4096
    return _Written(
        block,
        line,
        group,
        priority,
        text(rule.get("access")).lower() == "allow",
        ingress,
        tuple(r for r in ranges if r),
        tuple(parse_ports(p) for p in written if p) or (None,),
        text(rule.get("protocol")).lower(),
    )


def _rules(net: Network, rules: list[_Written]) -> None:
    """Allow rules become traffic, unless a deny of a smaller priority number matches
    everything they would (they never apply); partial overlaps are not compared."""
    for rule in rules:
        if not rule.allow:
            continue
        shadow = next((d for d in rules if _covers(d, rule)), None)
        if shadow is not None:
            direction = "inbound" if rule.ingress else "outbound"
            what = (
                f"{direction} rule (priority {rule.priority}, allow) never applies: "
                f"{shadow.block.address} (priority {shadow.priority}, deny) matches all it matches first"
            )
            net.idle.append(Wide(rule.block.address, rule.block.file, rule.line, what))
            continue
        outside = any(
            not _address(r) and r not in SERVICE_TAGS_INSIDE and r not in ("*", "Internet")
            for r in rule.ranges
        )
        for span in rule.spans:
            net.rules.append(
                RawRule(
                    rule.block.address,
                    rule.block.file,
                    rule.line,
                    rule.group,
                    rule.ingress,
                    (),
                    rule.ranges,
                    span,
                    outside=outside,
                )
            )


def _covers(deny: _Written, allow: _Written) -> bool:
    if (
        deny.allow
        or deny.group != allow.group
        or deny.ingress != allow.ingress
        or deny.priority >= allow.priority
    ):
        return False
    if deny.protocol not in ("*", allow.protocol):
        return False
    ranges = "*" in deny.ranges or all(
        r in deny.ranges or any(within(r, d) for d in deny.ranges) for r in allow.ranges
    )
    spans = all(
        any(d is None or (a is not None and d[0] <= a[0] and a[1] <= d[1]) for d in deny.spans)
        for a in allow.spans
    )
    return ranges and spans


def _address(written: str) -> bool:
    return written[:1].isdigit() or ":" in written or written.startswith(("var.", "${"))
