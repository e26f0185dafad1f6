"""AWS: security groups (inline rules, ``aws_security_group_rule``, the per-rule
``aws_vpc_security_group_*_rule`` resources), what they are attached to, subnets and
network ACLs (inline entries, ``aws_network_acl_rule``, associations)."""

from __future__ import annotations

from typing import Any

from archmodel.tfread.files import Block
from archmodel.tfread.kinds import COMPONENTS
from archmodel.tfread.network import Network, RawAcl, RawEntry, RawRule
from archmodel.tfread.values import blocks, many, one, port_range, refs, text

SG = "aws_security_group"


def read_aws(net: Network) -> None:
    config = net.config
    for block in config.of_type(SG):
        net.groups[block.name] = block
        for direction in ("ingress", "egress"):
            for rule in blocks(block.body, direction):
                _inline(net, block, rule, direction == "ingress")
    for block in config.of_type("aws_security_group_rule"):
        _separate(net, block, text(block.body.get("type")) == "ingress")
    for block in config.of_type("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"):
        _per_rule(net, block, block.type.endswith("ingress_rule"))
    for block in config.of_type("aws_subnet"):
        net.subnets[block.name] = text(block.body.get("cidr_block"))
        net.networks[block.name] = next(iter(refs(block.body.get("vpc_id"), "aws_vpc")), "vpc")
        if one(block.body.get("map_public_ip_on_launch")) is True:
            net.public_subnets.add(block.name)
    for block in config.blocks:
        if block.type in COMPONENTS:
            for group in refs(block.body, SG):
                net.join(group, block.address)
            for subnet in refs(block.body, "aws_subnet"):
                net.place(block.address, subnet)
    _acls(net)


def _inline(net: Network, sg: Block, rule: dict[str, Any], ingress: bool) -> None:
    sources = [*(g for s in many(rule.get("security_groups")) for g in refs(s, SG))]
    if one(rule.get("self")) is True:
        sources.append(sg.name)
    ranges = [str(c) for key in ("cidr_blocks", "ipv6_cidr_blocks") for c in many(rule.get(key))]
    net.rules.append(
        RawRule(
            sg.address,
            sg.file,
            int(rule.get("__start_line__", sg.line)),
            sg.name,
            ingress,
            tuple(sources),
            tuple(ranges),
            port_range(rule.get("from_port"), rule.get("to_port"), rule.get("protocol")),
            outside=bool(many(rule.get("prefix_list_ids"))),
        )
    )


def _separate(net: Network, block: Block, ingress: bool) -> None:
    body = block.body
    group = next(iter(refs(body.get("security_group_id"), SG)), None)
    if group is None:
        return
    sources = refs(body.get("source_security_group_id"), SG)
    if one(body.get("self")) is True:
        sources.append(group)
    ranges = [str(c) for key in ("cidr_blocks", "ipv6_cidr_blocks") for c in many(body.get(key))]
    ports = port_range(body.get("from_port"), body.get("to_port"), body.get("protocol"))
    outside = bool(many(body.get("prefix_list_ids")))
    net.analysed.add(block.address)
    net.rules.append(
        RawRule(
            block.address,
            block.file,
            block.line,
            group,
            ingress,
            tuple(sources),
            tuple(ranges),
            ports,
            outside,
        )
    )


def _per_rule(net: Network, block: Block, ingress: bool) -> None:
    body = block.body
    group = next(iter(refs(body.get("security_group_id"), SG)), None)
    if group is None:
        return
    sources = refs(body.get("referenced_security_group_id"), SG)
    ranges = [text(body.get(k)) for k in ("cidr_ipv4", "cidr_ipv6") if body.get(k) is not None]
    ports = port_range(body.get("from_port"), body.get("to_port"), body.get("ip_protocol"))
    outside = body.get("prefix_list_id") is not None
    net.analysed.add(block.address)
    net.rules.append(
        RawRule(
            block.address,
            block.file,
            block.line,
            group,
            ingress,
            tuple(sources),
            tuple(ranges),
            ports,
            outside,
        )
    )


def _acls(net: Network) -> None:
    config = net.config
    subnets: dict[str, set[str]] = {}
    entries: dict[str, list[RawEntry]] = {}
    for block in config.of_type("aws_network_acl"):
        subnets[block.name] = set(refs(block.body.get("subnet_ids"), "aws_subnet"))
        entries[block.name] = [
            _entry(block, e, "rule_no", "action", direction == "egress")
            for direction in ("ingress", "egress")
            for e in blocks(block.body, direction)
        ]
    for block in config.of_type("aws_network_acl_association"):
        for acl in refs(block.body.get("network_acl_id"), "aws_network_acl"):
            net.analysed.add(block.address)
            subnets.setdefault(acl, set()).update(refs(block.body.get("subnet_id"), "aws_subnet"))
    for block in config.of_type("aws_network_acl_rule"):
        for acl in refs(block.body.get("network_acl_id"), "aws_network_acl"):
            egress = one(block.body.get("egress")) is True
            entries.setdefault(acl, []).append(
                _entry(block, block.body, "rule_number", "rule_action", egress)
            )
    for block in config.of_type("aws_network_acl"):
        ordered = tuple(sorted(entries.get(block.name, []), key=lambda e: (e.egress, e.number)))
        net.acls.append(
            RawAcl(block.address, block.file, block.line, frozenset(subnets[block.name]), ordered)
        )


def _entry(block: Block, body: dict[str, Any], number: str, action: str, egress: bool) -> RawEntry:
    cidr = text(body.get("cidr_block")) or text(body.get("ipv6_cidr_block"))
    ports = port_range(body.get("from_port"), body.get("to_port"), body.get("protocol"))
    try:
        rule_no = int(one(body.get(number)))
    except (TypeError, ValueError):
        rule_no = 32766
    line = int(body.get("__start_line__", block.line))
    allow = text(body.get(action)).lower() == "allow"
    protocol = text(body.get("protocol")).lower()
    protocol = "-1" if protocol in ("-1", "all") else protocol
    return RawEntry(block.address, block.file, line, rule_no, allow, cidr, ports, protocol, egress)
