"""Compare the model with an inventory of infrastructure code.

Five kinds of drift, each a diagnostic located in the infrastructure file (or in the
model, for a component that nothing realises): components with no resource, resources
with no component, allow rules that no flow models, modelled flows the rules (or a
subnet's network ACL) block, and rules wider than any flow.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from archmodel.catalog import RuleKind, Severity, define
from archmodel.diagnostics import Diagnostic, diag
from archmodel.drift.kube_rules import UNDECLARED_EXPOSURE, WIDE_RULE
from archmodel.drift.terraform_acl import denying_acl
from archmodel.graph import ArchGraph
from archmodel.inventory import INTERNET, Inventory, Resource, Rule, is_open
from archmodel.model import CLIENTS, EDGE_SERVICES, Kind, Trust
from archmodel.project import Project

NO_RESOURCE = define(
    "AM501",
    Severity.error,
    "component without infrastructure",
    "A component the infrastructure should realise has no resource tagged or named for it.",
    RuleKind.drift,
    "Tag the resources that realise it `archmodel:component = <id>`, or mark the component `out_of_scope`.",
)
NO_COMPONENT = define(
    "AM502",
    Severity.error,
    "resource without component",
    "A resource is neither tagged `archmodel:component` nor named after a component of the model.",
    RuleKind.drift,
    "Tag the resource `archmodel:component = <id>`, or add the component it realises to the model.",
)
UNMODELLED = define(
    "AM503",
    Severity.error,
    "unmodelled path",
    "A security-group, firewall, network security group or NetworkPolicy rule allows traffic "
    "that no flow of the model describes.",
    RuleKind.drift,
    "Remove the rule, or add the flow it allows to the model.",
)
BLOCKED = define(
    "AM504",
    Severity.error,
    "modelled flow blocked",
    "A flow of the model is not allowed by the security-group, firewall, network security group or "
    "NetworkPolicy rules of its target, or the network ACL of the target's subnet drops it.",
    RuleKind.drift,
    "Add the ingress rule (or ACL entry) the flow needs, or remove the flow from the model.",
)
IDLE_RULE = define(
    "AM510",
    Severity.warning,
    "network rule that never applies",
    "A network ACL is associated with no subnet, or one of its entries (or an NSG allow rule) comes "
    "after an entry with the other action that matches every packet it would: ACL entries and NSG "
    "rules apply the first that matches (by number, by priority), so the later one (often the allow "
    "meant for the modelled flows) is dead.",
    RuleKind.drift,
    "Associate the ACL with the subnets it is meant for, or renumber (reprioritise) the entries so "
    "the narrow one comes first.",
)
# The drift rules, in code order: the catalog lists these.
RULES = (NO_RESOURCE, NO_COMPONENT, UNMODELLED, BLOCKED, IDLE_RULE)

NOT_INFRASTRUCTURE = CLIENTS | {Kind.monitoring}


def compare(project: Project, inventory: Inventory, expect: set[str]) -> list[Diagnostic]:
    """Drift diagnostics; ``expect`` is the set of components the code should realise."""
    loaded, graph = project, project.graph
    blocked = list(_blocked(loaded, graph, inventory))
    where = {(d.file, d.path) for d in blocked}  # a flow the rules block is not reported again for its ACL
    return sorted(
        [
            *_missing(loaded, graph, inventory, expect),
            *_unmapped(graph, inventory),
            *_unmodelled(graph, inventory),
            *blocked,
            *(d for d in _acl_blocked(loaded, graph, inventory) if (d.file, d.path) not in where),
            *_wide(inventory),
            *_exposed(graph, inventory),
            *(
                diag(IDLE_RULE, f"{i.address} {i.what}", file=i.file, line=i.line, column=1)
                for i in inventory.idle
            ),
        ],
        key=lambda d: d.sort_key(),
    )


def expected_components(graph: ArchGraph, terraform: bool, kubernetes: bool) -> set[str]:
    out: set[str] = set()
    for c in graph.components.values():
        if c.out_of_scope is not None or c.kind in NOT_INFRASTRUCTURE:
            continue
        if terraform or (kubernetes and c.deploy is not None and c.deploy.runtime == "container"):
            out.add(c.id)
    return out


def _missing(loaded: Project, graph: ArchGraph, inv: Inventory, expect: set[str]) -> Iterator[Diagnostic]:
    realised = {r.component for r in inv.resources} | set(inv.groups.values())
    for i, c in enumerate(loaded.model.components):
        if c.id in expect and c.id not in realised and graph.components.get(c.id) is c:
            origin = loaded.origins["components"][i]
            yield diag(
                NO_RESOURCE,
                f"component '{c.id}' ({c.kind}) has no resource in the infrastructure code",
                hint="tag its resources with archmodel:component",
                **origin.at("id"),
            )


def _at(item: Resource | Rule) -> dict[str, Any]:
    """Infrastructure findings point at the first line of the resource or rule."""
    return {"file": item.file, "line": item.line, "column": 1}


def _unmapped(graph: ArchGraph, inv: Inventory) -> Iterator[Diagnostic]:
    for r in inv.resources:
        if r.component is None:
            yield diag(
                NO_COMPONENT,
                f"{r.address} belongs to no component of the model",
                **_at(r),
                hint="tag it archmodel:component = <id>, or model it",
            )
        elif r.component not in graph.components:
            yield diag(
                NO_COMPONENT,
                f"{r.address} is tagged with unknown component '{r.component}'",
                **_at(r),
            )


# Sources that infrastructure code cannot name by security group or pod selector: their
# traffic arrives from a CIDR (the internet, an office network, a CDN's edge, a managed WAF).
OUTSIDE_KINDS = CLIENTS | EDGE_SERVICES


def _outside(graph: ArchGraph, component_id: str) -> bool:
    c = graph.components[component_id]
    return c.kind in OUTSIDE_KINDS or graph.trust_of(component_id) == Trust.untrusted


def _modelled(graph: ArchGraph, source: str, target: str, port: int | None) -> bool:
    if source == INTERNET:
        if graph.components[target].public:
            return True
        sources = [s for s in graph.flow_graph.predecessors(target) if _outside(graph, s)]
    else:
        sources = [source] if graph.flow_graph.has_edge(source, target) else []
    flows = [f for s in sources for f in graph.flows_between[(s, target)]]
    return any(port is None or f.port is None or f.port == port for f in flows)


def _unmodelled(graph: ArchGraph, inv: Inventory) -> Iterator[Diagnostic]:
    """One report per rule and target: the sources it admits that no flow models (a
    range holding several components' subnets names them all)."""
    found: dict[tuple[str, str, int, str, int | None], list[str]] = {}
    for rule in inv.rules:
        target = inv.groups.get(rule.target)
        source = (
            INTERNET if rule.source == INTERNET else inv.groups.get(rule.source, inv.cidrs.get(rule.source))
        )
        if (
            target not in graph.components
            or source is None
            or source == target
            or (source != INTERNET and source not in graph.components)
        ):
            continue
        outside = source == INTERNET
        if not _modelled(graph, source, target, rule.port):
            acl = denying_acl(inv, None if outside else source, rule.peer, target, rule.port)
            if acl is not None:  # nothing reaches the target today; an open rule still waits for it
                yield from _open_behind_acl(rule, target, acl.address)
                continue
            what = (rule.peer or "the internet") if outside else f"'{source}'"
            key = (rule.address, rule.file, rule.line, target, rule.port)
            if what not in found.setdefault(key, []):
                found[key].append(what)
    for (address, file, line, target, port), sources in found.items():
        at = f" on port {port}" if port else " on any port"
        via = f" (from {_peer_of(inv, address, line)})" if _peer_of(inv, address, line) else ""
        yield diag(
            UNMODELLED,
            f"{address} allows {', '.join(sources)}{via} to reach '{target}'{at}, but no flow models it",
            file=file,
            line=line,
            column=1,
            hint="remove the rule or add the flow",
        )


def _open_behind_acl(rule: Rule, target: str, acl: str) -> Iterator[Diagnostic]:
    if rule.peer and is_open([rule.peer]):
        yield diag(
            WIDE_RULE,
            f"{rule.address} is wider than any flow: ingress admits any source ({rule.peer}) to "
            f"'{target}', which no flow reaches from outside (the network ACL {acl} drops it today)",
            file=rule.file,
            line=rule.line,
            column=1,
        )


def _peer_of(inv: Inventory, address: str, line: int) -> str:
    """The range a rule admits components through, when it names them by address."""
    peers = {r.peer for r in inv.rules if r.address == address and r.line == line and r.source in inv.cidrs}
    return ", ".join(sorted(p for p in peers if p))


def _allows(rules: list[Rule], source_groups: set[str], port: int | None) -> bool:
    return any(
        r.source in source_groups and (r.port is None or port is None or r.port == port) for r in rules
    )


def _blocked(loaded: Project, graph: ArchGraph, inv: Inventory) -> Iterator[Diagnostic]:
    groups_of: dict[str, set[str]] = {}
    for key, component in [*inv.groups.items(), *inv.cidrs.items()]:
        groups_of.setdefault(component, set()).add(key)
    rules_into: dict[str, list[Rule]] = {}
    for rule in inv.rules:
        rules_into.setdefault(rule.target, []).append(rule)
    for i, f in enumerate(loaded.model.flows):
        if f.target not in inv.enforced or graph.flows.get(f.id) is not f:
            continue
        sources = groups_of.get(f.source, set()) | ({INTERNET} if _outside(graph, f.source) else set())
        if not sources:
            continue  # the source is not managed here: nothing to compare
        targets = sorted(groups_of.get(f.target, set()) - inv.cidrs.keys())
        # a resource in several security groups admits what any of them admits
        if targets and not any(_allows(rules_into.get(t, []), sources, f.port) for t in targets):
            names = "', '".join(targets)
            origin = loaded.origins["flows"][i]
            yield diag(
                BLOCKED,
                f"flow '{f.id}' is not allowed by the rules of '{names}'",
                hint="add the ingress rule the flow needs",
                **origin.at("to"),
            )


def _acl_blocked(loaded: Project, graph: ArchGraph, inv: Inventory) -> Iterator[Diagnostic]:
    """Flows the network ACL of the target's subnet drops (stateless, first match wins)."""
    if not inv.acls:
        return
    for i, f in enumerate(loaded.model.flows):
        if graph.flows.get(f.id) is not f or f.source not in graph.components:
            continue
        source = None if _outside(graph, f.source) else f.source
        acl = denying_acl(inv, source, "", f.target, f.port)
        if acl is not None:
            yield diag(
                BLOCKED,
                f"flow '{f.id}' is dropped by the network ACL {acl.address} of the subnet of '{f.target}'",
                hint="add an inbound ACL entry for the flow (and an outbound one for its replies)",
                **loaded.origins["flows"][i].at("to"),
            )


def _wide(inv: Inventory) -> Iterator[Diagnostic]:
    for rule in inv.wide:
        yield diag(
            WIDE_RULE,
            f"{rule.address} is wider than any flow: {rule.what}",
            file=rule.file,
            line=rule.line,
            column=1,
        )


def _exposed(graph: ArchGraph, inv: Inventory) -> Iterator[Diagnostic]:
    for exposure in inv.exposures:
        c = graph.components.get(exposure.component or "")
        if c is not None and not c.public:
            yield diag(
                UNDECLARED_EXPOSURE,
                f"{exposure.address} is reachable from any address ({exposure.why}), "
                f"but the model does not mark '{c.id}' public",
                file=exposure.file,
                line=exposure.line,
                column=1,
            )
