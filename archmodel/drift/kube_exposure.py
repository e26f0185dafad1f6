"""Exposure to outside the cluster against the model: exposure the model does not
declare (AM508) and declared exposure that does not exist (AM509), whether the model
declares it by ``public`` or by a public front drawn in front of the component.

A model declares that a component is reached from outside when the component is
``public``, or when a public load balancer or API gateway, drawn as a component of its
own, has a flow to it: a LoadBalancer or NodePort Service, an Ingress or a route *is*
that component. A public CDN or WAF in front does not declare it:
those run at the provider's edge, and a Service open to any address lets traffic past
them."""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.diagnostics import Diagnostic, diag
from archmodel.drift.kube_rules import MISSING_EXPOSURE, UNDECLARED_EXPOSURE, Placement, at
from archmodel.graph import ArchGraph
from archmodel.model import CLUSTER_FRONTS, Flow
from archmodel.project import Project


def declared_exposed(graph: ArchGraph, placement: Placement, component: str) -> bool:
    """Whether the model has ``component`` reached from outside the cluster: public,
    or behind a public front (load balancer, API gateway) that no workload realises."""
    if graph.components[component].public:
        return True
    return any(_front(graph, placement, s) for s in graph.flow_graph.predecessors(component))


def _front(graph: ArchGraph, placement: Placement, source: str) -> bool:
    """A public load balancer or API gateway that the cluster's exposing objects stand
    for: one that runs as a workload is a pod of its own, which a Service exposing the
    component behind it bypasses."""
    c = graph.components[source]
    return c.public and c.kind in CLUSTER_FRONTS and not placement.workloads(source)


def exposure_drift(project: Project, placement: Placement) -> Iterator[Diagnostic]:
    graph, cluster = project.graph, placement.cluster
    exposed: set[str] = set()
    for exposure in cluster.exposures:
        svc = cluster.service(exposure.namespace, exposure.service)
        if svc is None:
            continue
        backends = [placement.of(w) for w in cluster.backends(svc)]
        ids = sorted({b for b in backends if b is not None and b in graph.components})
        exposed.update(ids)
        for component in ids:
            if not declared_exposed(graph, placement, component):
                yield diag(
                    UNDECLARED_EXPOSURE,
                    f"{exposure.address} exposes '{component}' outside the cluster, "
                    "but the model does not mark it public, nor draws a public load balancer "
                    "or API gateway in front of it",
                    **at(exposure),
                )
    for i, c in enumerate(project.model.components):
        if c.public and c.id not in exposed and placement.workloads(c.id) and graph.components.get(c.id) is c:
            yield diag(
                MISSING_EXPOSURE,
                f"component '{c.id}' is public in the model, but nothing in the manifests exposes it",
                **project.origins["components"][i].at("public"),
            )
    yield from _missing_behind_fronts(project, placement, exposed)


def _missing_behind_fronts(project: Project, placement: Placement, exposed: set[str]) -> Iterator[Diagnostic]:
    """AM509 for a component that is not ``public`` itself but that a public load
    balancer or API gateway run by no workload forwards to: that front is the Service,
    Ingress or route the manifests must have. Reported once per component, on the
    first such flow."""
    graph, reported = project.graph, set(exposed)
    for i, flow in enumerate(project.model.flows):
        target = flow.target
        if target in reported or not _fronted(project, placement, flow):
            continue
        reported.add(target)
        kind = graph.components[flow.source].kind.value.replace("_", " ")
        yield diag(
            MISSING_EXPOSURE,
            f"component '{target}' is behind the public {kind} '{flow.source}' in the model, but "
            "nothing in the manifests exposes it",
            **project.origins["flows"][i].at("to"),
        )


def _fronted(project: Project, placement: Placement, flow: Flow) -> bool:
    """A flow of the model from a public front to a component the manifests run, and
    that is not ``public`` (the loop above reports those)."""
    graph = project.graph
    if graph.flows.get(flow.id) is not flow or flow.target not in graph.components:
        return False
    target = graph.components[flow.target]
    runs = bool(placement.workloads(target.id))
    return not target.public and runs and _front(graph, placement, flow.source)
