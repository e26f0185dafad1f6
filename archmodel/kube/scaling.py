"""HorizontalPodAutoscalers: the bounds within which a workload's replicas move.

A workload an HPA targets runs between the HPA's ``minReplicas`` and ``maxReplicas``,
whatever its own ``spec.replicas`` says (the HPA overwrites it on its first sync), so
drift compares the model's replicas with the HPA's bounds for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from archmodel.kube.manifests import Doc
from archmodel.kube.objects import meta

DEFAULT_MIN = 1  # ``minReplicas`` when the manifest leaves it out (autoscaling/v1 and v2)


@dataclass(frozen=True)
class Autoscaler:
    name: str
    namespace: str
    target_kind: str  # ``scaleTargetRef.kind``: Deployment, StatefulSet, …
    target_name: str
    min_replicas: int
    max_replicas: int | None  # None: not written (the API refuses it; read leniently)
    file: str
    line: int
    min_line: int  # where ``minReplicas`` is written (the object's line when it is not)
    max_line: int

    @property
    def address(self) -> str:
        return f"HorizontalPodAutoscaler/{self.namespace}/{self.name}"


def autoscaler(doc: Doc) -> Autoscaler:
    """An HPA of any API version (``autoscaling/v1``, ``v2``, the betas): all name their
    target and bounds alike."""
    name, namespace = meta(doc)
    spec = doc.body.get("spec") or {}
    ref = spec.get("scaleTargetRef") or {}
    return Autoscaler(
        name,
        namespace,
        str(ref.get("kind") or ""),
        str(ref.get("name") or ""),
        _or(_count(spec.get("minReplicas")), DEFAULT_MIN),
        _count(spec.get("maxReplicas")),
        doc.file,
        doc.line,
        doc.line_of("spec", "minReplicas"),
        doc.line_of("spec", "maxReplicas"),
    )


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _or(value: int | None, default: int) -> int:
    return default if value is None else value
