"""Modelled flows that the cluster's NetworkPolicies block (AM504), and why.

A flow's port is what the caller dials: a Service port when a Service in front of the
target has it (resolved to its targetPort, named or numbered), otherwise the container
port itself. Policies see container ports only, so a Service 5000 -> 8080 is checked on 8080.
"""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.diagnostics import Diagnostic, diag
from archmodel.drift.compare import BLOCKED, OUTSIDE_KINDS
from archmodel.drift.kube_rules import Placement
from archmodel.graph import ArchGraph
from archmodel.kube import connection
from archmodel.kube.objects import Workload
from archmodel.kube.verdict import CONTROLLER, INTERNET, Endpoint
from archmodel.model import Flow, Trust
from archmodel.project import Project


def blocked_flows(project: Project, placement: Placement) -> Iterator[Diagnostic]:
    graph = project.graph
    for i, flow in enumerate(project.model.flows):
        if graph.flows.get(flow.id) is not flow:
            continue
        found = _blocked(graph, placement, flow)
        if found is not None:
            origin = project.origins["flows"][i]
            yield diag(BLOCKED, f"flow '{flow.id}' is blocked: {found}", **origin.at("to"))


def outside(graph: ArchGraph, component: str) -> bool:
    """Sources that reach the cluster from outside (clients, CDNs, untrusted zones)."""
    c = graph.components[component]
    return c.kind in OUTSIDE_KINDS or graph.trust_of(component) == Trust.untrusted


def _blocked(graph: ArchGraph, placement: Placement, flow: Flow) -> str | None:
    """Why the flow is blocked, or None when some source reaches some target (or the
    ports it arrives at are unknown: nothing to judge)."""
    reasons = []
    for source, target, ports in _attempts(graph, placement, flow):
        verdicts = [(p, proto, connection(placement.cluster, source, target, p, proto)) for p, proto in ports]
        if not verdicts or any(v.allowed for _, _, v in verdicts):
            return None
        port, proto, verdict = verdicts[0]
        reasons.append(verdict.why(source, target, port, proto))
    return reasons[0] if reasons else None


Attempt = tuple[Endpoint, Endpoint, list[tuple[int, str]]]


def _attempts(graph: ArchGraph, placement: Placement, flow: Flow) -> Iterator[Attempt]:
    """The connections that realise a flow: each caller pod (or, from outside, each
    entrance) to each target pod, on the container ports the flow arrives at; a call out
    of the cluster is judged by the caller's egress alone."""
    callers: list[Endpoint] = list(placement.workloads(flow.source))
    targets = placement.workloads(flow.target)
    if not targets:
        if flow.port is not None and outside(graph, flow.target):
            yield from ((caller, INTERNET, [(flow.port, "TCP")]) for caller in callers)
        return
    for target in targets:
        ports = container_ports(placement, target, flow.port)
        sources = callers or (entrances(placement, target) if outside(graph, flow.source) else [])
        yield from ((source, target, ports) for source in sources)


def entrances(placement: Placement, target: Workload) -> list[Endpoint]:
    """Where traffic from outside comes from: outside addresses through a LoadBalancer or
    NodePort Service, the ingress controller through an Ingress, Route or Gateway API
    route; outside addresses when nothing exposes the target (AM509 reports that)."""
    cluster = placement.cluster
    found: list[Endpoint] = []
    for exposure in cluster.exposures:
        svc = cluster.service(exposure.namespace, exposure.service)
        if svc is not None and any(w is target for w in cluster.backends(svc)):
            found.append(INTERNET if exposure.address.startswith("Service/") else CONTROLLER)
    return found or [INTERNET]


def container_ports(placement: Placement, target: Workload, port: int | None) -> list[tuple[int, str]]:
    """The container ports a flow to ``target`` on ``port`` arrives at (every declared
    port when the flow names none)."""
    if port is None:
        return [(p.port, p.protocol) for p in target.ports]
    cluster = placement.cluster
    for svc in cluster.services:
        if (
            svc.selector is None
            or svc.namespace != target.namespace
            or not svc.selector.matches(target.labels)
        ):
            continue
        for sp in svc.ports:
            if sp.port == port:
                if isinstance(sp.target, int):
                    return [(sp.target, sp.protocol)]
                named = target.named_port(sp.target, sp.protocol)
                return [(named, sp.protocol)] if named is not None else []
    return [(port, "TCP")]
