"""Azure: network security groups (inline ``security_rule`` blocks and
``azurerm_network_security_rule``), the subnets and network interfaces they are
associated with, and the resources placed in those subnets."""

from __future__ import annotations

from typing import Any

from archmodel.tfread.files import Block
from archmodel.tfread.kinds import COMPONENTS
from archmodel.tfread.network import Network, RawRule
from archmodel.tfread.values import blocks, many, parse_ports, refs, text

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
    for block in config.of_type(NSG):
        net.groups[nsg(block.name)] = block
        for rule in blocks(block.body, "security_rule"):
            _rule(net, block, rule, nsg(block.name), int(rule.get("__start_line__", block.line)))
    for block in config.of_type("azurerm_network_security_rule"):
        for name in refs(block.body.get("network_security_group_name"), NSG):
            net.analysed.add(block.address)
            _rule(net, block, block.body, nsg(name), block.line)


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


def _rule(net: Network, block: Block, rule: dict[str, Any], group: str, line: int) -> None:
    if text(rule.get("access")).lower() != "allow":
        net.notes.append(f"{block.address}: a deny rule (priorities are not compared)")
        return
    ingress = text(rule.get("direction")).lower() != "outbound"
    side = "source" if ingress else "destination"
    ranges = [text(rule.get(f"{side}_address_prefix")), *map(str, many(rule.get(f"{side}_address_prefixes")))]
    ranges = [r for r in ranges if r]
    outside = any(
        not _address(r) and r not in SERVICE_TAGS_INSIDE and r not in ("*", "Internet") for r in ranges
    )
    written = [text(rule.get("destination_port_range")), *map(str, many(rule.get("destination_port_ranges")))]
    spans = [parse_ports(p) for p in written if p] or [None]
    for span in spans:
        net.rules.append(
            RawRule(block.address, block.file, line, group, ingress, (), tuple(ranges), span, outside=outside)
        )


def _address(written: str) -> bool:
    return written[:1].isdigit() or ":" in written or written.startswith(("var.", "${"))
