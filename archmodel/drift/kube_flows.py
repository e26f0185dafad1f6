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
from archmodel.kube.verdict import CONTROLLER, INTERNET, Endpoint, Verdict
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
    """Why the flow is blocked, or None when some source pod reaches some target pod."""
    targets: list[Endpoint] = list(placement.workloads(flow.target))
    sources: list[Endpoint] = list(placement.workloads(flow.source))
    if not targets and sources and outside(graph, flow.target) and flow.port is not None:
        targets = [INTERNET]  # a call out of the cluster: only the caller's egress decides
    reasons = []
    for target in targets:
        if not isinstance(target, Workload):
            ports = [(flow.port or 0, "TCP")]
        else:
            ports = container_ports(placement, target, flow.port)
            if not placement.workloads(flow.source) and outside(graph, flow.source):
                sources = entrances(placement, target)
        for source in sources:
            verdicts = [
                (p, proto, connection(placement.cluster, source, target, p, proto)) for p, proto in ports
            ]
            if not verdicts or any(v.allowed for _, _, v in verdicts):
                return None
            port, proto, verdict = verdicts[0]
            reasons.append(_why(verdict, source, target, port, proto))
    return reasons[0] if reasons else None


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


def _why(verdict: Verdict, source: Endpoint, target: Endpoint, port: int, protocol: str) -> str:
    return verdict.why(source, target, port, protocol)


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
