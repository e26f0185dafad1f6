"""A Terraform network mapped onto the model's components: the ``Inventory`` drift
compares. Groups become the components attached to them; address ranges become the
components whose subnets they hold, or the outside (``INTERNET``) when they hold none."""

from __future__ import annotations

from archmodel.inventory import INTERNET, SPLIT_OPEN, Acl, AclEntry, Exposure, Inventory, Resource, Rule, Wide
from archmodel.tfread.acl import idle_entries
from archmodel.tfread.files import expression
from archmodel.tfread.kinds import COMPONENTS, NETWORK, OUTSIDE_ACLS
from archmodel.tfread.mapping import component_of
from archmodel.tfread.network import Network, RawRule
from archmodel.tfread.values import cidr, is_open, network, single, slug, within

OWN_NAMED = frozenset({"aws_security_group", "azurerm_network_security_group"})


class Resolver:
    def __init__(self, net: Network, components: set[str]) -> None:
        self.net, self.components = net, components
        self.of: dict[str, str | None] = {
            b.address: component_of(b, components) for b in net.config.blocks if b.type in COMPONENTS
        }
        self.inv = Inventory()

    def inventory(self) -> Inventory:
        net, inv = self.net, self.inv
        for block in net.config.blocks:
            if block.type in COMPONENTS:
                inv.resources.append(Resource(block.address, self.of[block.address], block.file, block.line))
            elif block.type not in NETWORK and block.address not in net.analysed:
                inv.not_analysed[block.type] += 1
        for address, subnets in net.placement.items():
            component = self.of.get(address)
            if component is not None:
                ranges = {net.subnets[s] for s in subnets if network(net.subnets.get(s, ""))}
                inv.subnets.setdefault(component, set()).update(ranges)
        for group in sorted({*net.groups, *net.members}):
            for key, component in self.keys(group).items():
                inv.groups[key] = component
                inv.enforced.add(component)
        for raw in net.rules:
            self.rule(raw)
        for block in net.config.blocks:
            if block.address in net.exposed:
                why = net.exposed[block.address]
                inv.exposures.append(
                    Exposure(block.address, self.of[block.address], block.file, block.line, why)
                )
        self.acls()
        inv.notes = list(net.notes)
        inv.idle += net.idle
        return inv

    def members(self, group: str) -> list[str]:
        """The components in a group: those of the resources attached to it, else the
        one its own tag or name names (a generated security group or NSG, a network tag
        that is a component id)."""
        found = {self.of.get(a) for a in self.net.members.get(group, ())}
        attached = sorted(c for c in found if c is not None)
        if attached:
            return attached
        block = self.net.groups.get(group)
        if block is not None and block.type in OWN_NAMED:
            own = component_of(block, self.components)
            return [own] if own is not None else []
        tag = slug(group.removeprefix("tag ")) if group.startswith("tag ") else None
        return [tag] if tag in self.components else []

    def keys(self, group: str) -> dict[str, str]:
        members = self.members(group)
        return {group: members[0]} if len(members) == 1 else {f"{group} {m}": m for m in members}

    def rule(self, raw: RawRule) -> None:
        targets = self.keys(raw.group)
        resolved = [cidr(self.net.config, r) for r in raw.ranges]
        open_range = is_open(resolved)
        if not raw.ingress:
            if raw.ports is None:
                where = f" to any destination ({', '.join(resolved)})" if open_range else ""
                self.wide(raw, f"egress admits every port{where}")
            return
        reasons = ["every port"] if raw.ports is None else []
        if open_range and not targets:
            reasons.append(f"any source ({', '.join(_open_parts(resolved))})")
        if reasons:
            self.wide(raw, f"ingress admits {' from '.join(reasons)}")
        port = single(raw.ports)
        for target in targets:
            for source in self.sources(raw, resolved, open_range):
                key, peer = source
                self.inv.rules.append(Rule(raw.address, key, target, port, raw.file, raw.line, peer))

    def sources(self, raw: RawRule, resolved: list[str], open_range: bool) -> list[tuple[str, str]]:
        out = [(k, "") for g in raw.sources for k in self.keys(g)]
        if open_range or (raw.outside and not raw.ranges):
            first = next(iter(_open_parts(resolved)), "")
            out.append((INTERNET, "0.0.0.0/0" if first in SPLIT_OPEN else first))
        for written, value in zip(raw.ranges, resolved, strict=True):
            if value in _open_parts(resolved):
                continue
            held = self.held(expression(written), value)
            if held:
                for component in held:
                    key = f"{value} {component}"
                    self.inv.cidrs[key] = component
                    out.append((key, value))
            else:
                out.append((INTERNET, value))
        return out

    def held(self, written: str, value: str) -> list[str]:
        """Components whose addresses a range holds: ``var.cidr_<id>`` (generated), Azure's
        ``VirtualNetwork``, or every component whose subnets all lie inside it."""
        if written.startswith("var.cidr_"):
            wanted = written[len("var.cidr_") :].replace("_", "-")
            return [c for c in sorted(self.components) if c == wanted]
        subnets = self.inv.subnets
        if value == "VirtualNetwork":
            return sorted(c for c, nets in subnets.items() if nets)
        if network(value) is None:
            return []
        return sorted(c for c, nets in subnets.items() if nets and all(within(n, value) for n in nets))

    def wide(self, raw: RawRule, what: str) -> None:
        found = Wide(raw.address, raw.file, raw.line, what)
        if found not in self.inv.wide:  # one report for a rule's several protocols
            self.inv.wide.append(found)

    def acls(self) -> None:
        net = self.net
        for raw in net.acls:
            members = {
                self.of[a]
                for a, subnets in net.placement.items()
                if subnets & raw.subnets and self.of.get(a) and a.split(".")[0] not in OUTSIDE_ACLS
            }
            resolved = {e.cidr: cidr(net.config, e.cidr) for e in raw.entries}
            self.inv.idle += idle_entries(raw, resolved)
            entries = tuple(
                AclEntry(e.number, e.allow, resolved[e.cidr], *(e.ports or (None, None)))
                for e in raw.entries
                if not e.egress
            )
            ranges = frozenset(net.subnets[s] for s in raw.subnets if network(net.subnets.get(s, "")))
            if members:
                found = frozenset(m for m in members if m)
                self.inv.acls.append(Acl(raw.address, raw.file, raw.line, found, entries, ranges))


def _open_parts(ranges: list[str]) -> list[str]:
    """The ranges that make a rule open to any address (both IPv4 halves count together)."""
    return [r for r in ranges if is_open([r]) or (is_open(ranges) and r in SPLIT_OPEN)]
