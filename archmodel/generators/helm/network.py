"""A component's NetworkPolicy: exactly its modelled flows, nothing wider.

Ingress admits each modelled source on the container port its flow arrives at; egress
admits each modelled target on the port it listens on (a container port in the cluster,
the flow's port outside it), and DNS. A peer in the cluster is its pods, by the
component label (and its namespace when that differs). A peer outside it (a load
balancer, a managed database, an external API) is a named chart value, ``peers.<id>``,
whose default admits nobody: the addresses of an ALB or of Cognito are the operator's
to give, never 10.0.0.0/8 or the internet by default.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from archmodel.generators.helm.ports import plan_ports, transport
from archmodel.graph import ArchGraph
from archmodel.model import Component, Flow, default_port

COMPONENT_LABEL = "archmodel.io/component"
PEER_LABEL = "archmodel.io/peer"  # what a peer placeholder selects: nothing, until set
NAMESPACE_LABEL = "kubernetes.io/metadata.name"


def external_port(flow: Flow, target: Component) -> int | None:
    """The port a flow leaving the cluster dials: the flow's, else the target's, else
    the protocol's default (None: unknown, and then no rule rather than every port)."""
    if flow.port:
        return flow.port
    if target.deploy and target.deploy.port:
        return target.deploy.port
    return default_port(flow.protocol)


def label_value(ident: str) -> str:
    """A label value for an id (ends with a letter or digit; hashed when changed)."""
    name = ident.replace("_", "-")
    if name == ident and not name.endswith("-"):
        return name
    return f"{name.rstrip('-')[:55]}-{hashlib.sha256(ident.encode()).hexdigest()[:6]}"


def placeholder(peer: str) -> list[dict[str, Any]]:
    """The default of ``peers.<id>``: pods labelled as that peer in a namespace labelled
    so, which no deployment has; the operator replaces it with the peer's addresses."""
    labels = {"matchLabels": {PEER_LABEL: label_value(peer)}}
    return [{"namespaceSelector": labels, "podSelector": labels}]


def namespace_of(component: Component, default: str) -> str:
    return component.deploy.namespace if component.deploy and component.deploy.namespace else default


def _rule(peer_key: str, peer: Any, port: int, protocol: str) -> dict[str, Any]:
    return {peer_key: peer, "ports": [{"port": port, "protocol": protocol}]}


def rules(
    graph: ArchGraph,
    component: Component,
    charted: set[str],
    namespace: Callable[[str], str],
    external: Callable[[str], Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(ingress, egress) rules; ``namespace(id)`` is a charted component's namespace
    (asked only of peers, so one policy costs its flows, not the whole cluster), and
    ``external(id)`` the chart value standing for a peer outside the cluster."""
    cid = component.id
    plan = plan_ports(graph, component)
    ours = namespace(cid)

    def peer(other: str) -> Any:
        if other not in charted:
            return external(other)
        selector: dict[str, Any] = {"podSelector": {"matchLabels": {COMPONENT_LABEL: other}}}
        theirs = namespace(other)
        if theirs != ours:
            selector["namespaceSelector"] = {"matchLabels": {NAMESPACE_LABEL: theirs}}
        return [selector]

    ingress: dict[tuple[str, int, str], dict[str, Any]] = {}
    for flow in sorted(graph.flows_into(cid), key=lambda f: f.id):
        arrives = plan.pod_port(flow)
        if arrives is not None:
            key = (flow.source, arrives.port, arrives.protocol)
            ingress.setdefault(key, _rule("from", peer(flow.source), arrives.port, arrives.protocol))
    egress: dict[tuple[str, int, str], dict[str, Any]] = {}
    for flow in sorted(graph.flows_out_of(cid), key=lambda f: f.id):
        target = graph.components[flow.target]
        port, protocol = _egress_port(graph, flow, target, flow.target in charted)
        if port is not None:
            egress.setdefault((flow.target, port, protocol), _rule("to", peer(flow.target), port, protocol))
    return [ingress[k] for k in sorted(ingress)], [egress[k] for k in sorted(egress)]


def _egress_port(graph: ArchGraph, flow: Flow, target: Component, in_cluster: bool) -> tuple[int | None, str]:
    if in_cluster:
        arrives = plan_ports(graph, target).pod_port(flow)
        return (arrives.port, arrives.protocol) if arrives else (None, "TCP")
    return external_port(flow, target), transport(flow.protocol)


def external_peers(graph: ArchGraph, component: Component, charted: set[str]) -> list[str]:
    """Flow neighbours outside the cluster: each is a chart value."""
    cid = component.id
    ends = {f.source for f in graph.flows_into(cid)} | {f.target for f in graph.flows_out_of(cid)}
    return sorted(ends - charted)


def dns_rule() -> dict[str, Any]:
    dns = {"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
    return {"to": [dns], "ports": [{"port": 53, "protocol": p} for p in ("UDP", "TCP")]}
