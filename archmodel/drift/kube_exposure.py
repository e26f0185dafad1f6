"""Exposure to outside the cluster against the model: exposure the model does not
declare (AM508) and declared exposure that does not exist (AM509).

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
from archmodel.model import EDGE_SERVICES, PASS_THROUGH, Kind
from archmodel.project import Project

# What an exposing object is when the model draws it as a component of its own.
FRONTS = (PASS_THROUGH - EDGE_SERVICES) | {Kind.api_gateway}


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
    return c.public and c.kind in FRONTS and not placement.workloads(source)


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
