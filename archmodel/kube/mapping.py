"""Which component a workload realises.

Labels are tried in a fixed, documented order; the first whose value names a component
wins, then the workload's name. ``archmodel.io/component`` is authoritative even when its
value is unknown (drift then reports the unknown component). An explicit mapping
(``--map COMPONENT=WORKLOAD``) overrides labels for applications labelled otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

from archmodel.kube.objects import Workload

AUTHORITATIVE = "archmodel.io/component"
LABEL_ORDER = (
    AUTHORITATIVE,
    "app.kubernetes.io/name",
    "app.kubernetes.io/component",
    "app",
    "name",
    "k8s-app",
)


def component_of(
    workload: Workload, components: set[str], explicit: Mapping[str, str] | None = None
) -> str | None:
    """The component ``workload`` realises, or None; ``explicit`` maps workload name
    (or ``namespace/name``) to component."""
    explicit = explicit or {}
    for key in (f"{workload.namespace}/{workload.name}", workload.name):
        if key in explicit:
            return explicit[key]
    for labels in (workload.labels, workload.meta_labels):
        for key in LABEL_ORDER:
            value = labels.get(key)
            if value is not None and (key == AUTHORITATIVE or value in components):
                return value
    return workload.name if workload.name in components else None
