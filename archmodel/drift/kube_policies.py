"""What the NetworkPolicies say beyond the flows: namespaces left open (AM505), rules
admitting peers no flow names (AM503), rules wider than any flow (AM506) and selectors
that match no pod (AM507)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from archmodel.diagnostics import Diagnostic, diag
from archmodel.drift.compare import UNMODELLED
from archmodel.drift.kube_exposure import declared_exposed
from archmodel.drift.kube_flows import outside
from archmodel.drift.kube_rules import NO_MATCH, OPEN_NAMESPACE, WIDE_RULE, Placement, at
from archmodel.graph import ArchGraph
from archmodel.kube.objects import Workload
from archmodel.kube.policies import Peer, Policy, Rule
from archmodel.kube.verdict import peer_matches

DIRECTIONS = ("ingress", "egress")


def policy_drift(graph: ArchGraph, placement: Placement) -> Iterator[Diagnostic]:
    yield from _open_namespaces(placement)
    for policy in placement.cluster.policies:
        selected = _selected(placement, policy)
        if not selected:
            if not policy.selector.everything:
                yield diag(
                    NO_MATCH,
                    f"{policy.address} selects no pod: podSelector {policy.selector}",
                    file=policy.file,
                    line=policy.selector_line or policy.line,
                    column=1,
                )
            continue
        for direction in DIRECTIONS:
            for n, rule in enumerate(policy.rules(direction) or (), start=1):
                where = f"{policy.address} {direction} rule {n}"
                yield from _rule(graph, placement, policy, rule, direction, where, selected)


def _selected(placement: Placement, policy: Policy) -> list[Workload]:
    return [
        w
        for w in placement.cluster.workloads
        if w.namespace == policy.namespace and policy.selector.matches(w.labels)
    ]


def _open_namespaces(placement: Placement) -> Iterator[Diagnostic]:
    """Once per namespace: no policy at all, or components whose pods no policy isolates
    for ingress (they accept any traffic, modelled or not)."""
    cluster = placement.cluster
    guarded = {p.namespace for p in cluster.policies}
    open_pods: dict[str, list[Workload]] = {}
    for w in cluster.workloads:
        if placement.of(w) is not None and not cluster.policies_on(w, "ingress"):
            open_pods.setdefault(w.namespace, []).append(w)
    for namespace, pods in sorted(open_pods.items()):
        if namespace not in guarded:
            what = f"namespace '{namespace}' has no NetworkPolicy: its pods accept"
        else:
            names = ", ".join(sorted({f"'{placement.of(w)}'" for w in pods}))
            what = f"namespace '{namespace}': no NetworkPolicy isolates the pods of {names}; they accept"
        yield diag(OPEN_NAMESPACE, f"{what} any traffic, modelled or not", **at(pods[0]))


def _matched(placement: Placement, policy: Policy, peer: Peer) -> list[Workload]:
    return [w for w in placement.cluster.workloads if peer_matches(placement.cluster, policy, peer, w)]


def _rule(
    graph: ArchGraph,
    placement: Placement,
    policy: Policy,
    rule: Rule,
    direction: str,
    where: str,
    selected: list[Workload],
) -> Iterator[Diagnostic]:
    here = {"file": policy.file, "line": rule.line, "column": 1}
    admits_someone = rule.peers is None
    wide: list[str] = []
    outside = _outside_modelled(graph, placement, selected, direction)
    if rule.peers is None and not outside:
        wide.append("any source" if direction == "ingress" else "any destination")
    for peer in rule.peers or ():
        matched = _matched(placement, policy, peer)
        if peer.wide and not (outside and peer.block is not None):
            wide.append(f"peer {peer}")
            admits_someone = True
        elif peer.block is not None:
            admits_someone = True
        elif matched:
            admits_someone = True
            yield from _unmodelled(graph, placement, where, here, direction, selected, matched)
        elif peer.namespaces is None:  # other namespaces may hold pods other manifests deploy
            yield diag(NO_MATCH, f"{where}: peer {peer} matches no pod", **here)
    if rule.ports is None and admits_someone:
        wide.append("every port")
    if wide:
        yield diag(WIDE_RULE, f"{where} is wider than any flow: admits {', '.join(wide)}", **here)


def _outside_modelled(graph: ArchGraph, placement: Placement, pods: list[Workload], direction: str) -> bool:
    """Whether the model has every selected component talk with outside the cluster:
    reached from outside (public, behind a public load balancer or API gateway, or a flow
    from a client or untrusted zone) for ingress, calling a component no workload realises
    for egress. An open peer then realises a flow: a LoadBalancer Service delivers any
    client's address."""
    ids = [placement.of(w) for w in pods]
    known = [c for c in ids if c is not None and c in graph.components]
    if not ids or len(known) != len(ids):
        return False
    realised = {placement.of(w) for w in placement.cluster.workloads}
    for c in known:
        if direction == "ingress":
            sources = graph.flow_graph.predecessors(c)
            if not declared_exposed(graph, placement, c) and not any(outside(graph, s) for s in sources):
                return False
        elif all(t in realised for t in graph.flow_graph.successors(c)):
            return False
    return True


def _unmodelled(
    graph: ArchGraph,
    placement: Placement,
    where: str,
    here: dict[str, Any],
    direction: str,
    selected: list[Workload],
    matched: list[Workload],
) -> Iterator[Diagnostic]:
    pairs = set()
    for own in selected:
        for other in matched:
            a, b = placement.of(other), placement.of(own)
            if direction == "egress":
                a, b = b, a
            if a is None or b is None or a == b or a not in graph.components or b not in graph.components:
                continue
            if not graph.flow_graph.has_edge(a, b):
                pairs.add((a, b))
    for a, b in sorted(pairs):
        yield diag(UNMODELLED, f"{where} allows '{a}' to reach '{b}', but no flow models it", **here)
