"""Exposure to outside the cluster against the model's ``public`` components: exposure
the model does not declare (AM508) and declared exposure that does not exist (AM509)."""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.diagnostics import Diagnostic, diag
from archmodel.drift.kube_rules import MISSING_EXPOSURE, UNDECLARED_EXPOSURE, Placement, at
from archmodel.project import Project


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
            if not graph.components[component].public:
                yield diag(
                    UNDECLARED_EXPOSURE,
                    f"{exposure.address} exposes '{component}' outside the cluster, "
                    "but the model does not mark it public",
                    **at(exposure),
                )
    for i, c in enumerate(project.model.components):
        if c.public and c.id not in exposed and placement.workloads(c.id) and graph.components.get(c.id) is c:
            yield diag(
                MISSING_EXPOSURE,
                f"component '{c.id}' is public in the model, but nothing in the manifests exposes it",
                **project.origins["components"][i].at("public"),
            )
