"""Gateway API ReferenceGrant: a route may send traffic to a Service in another
namespace only when a ReferenceGrant in the Service's namespace allows it (``from`` the
route's kind and namespace, ``to`` Services, all of them or the one named). Without one
the reference is refused (``ResolvedRefs: False, RefNotPermitted``) and the Service gets
no traffic from that route, so it is not exposed through it.

Attaching a route to a Gateway in another namespace needs no grant: the listener's
``allowedRoutes`` decides that (``gateways``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archmodel.kube.manifests import Doc
from archmodel.kube.objects import meta

GATEWAY_GROUP = "gateway.networking.k8s.io"


@dataclass(frozen=True)
class ReferenceGrant:
    namespace: str  # the namespace of what may be referred to
    sources: tuple[tuple[str, str, str], ...]  # (group, kind, namespace) allowed to refer
    targets: tuple[tuple[str, str, str | None], ...]  # (group, kind, name or None: any)

    def permits(self, kind: str, namespace: str, service: str) -> bool:
        """Does this grant let a route of ``kind`` in ``namespace`` refer to ``service``?"""
        allowed_from = (GATEWAY_GROUP, kind, namespace) in self.sources
        allowed_to = any(g == "" and k == "Service" and n in (None, service) for g, k, n in self.targets)
        return allowed_from and allowed_to


def reference_grant(doc: Doc) -> ReferenceGrant:
    _, namespace = meta(doc)
    spec: Any = doc.body.get("spec") or {}
    sources = tuple(
        (str(f.get("group", "")), str(f.get("kind", "")), str(f.get("namespace", "")))
        for f in spec.get("from") or []
        if isinstance(f, dict)
    )
    targets = tuple(
        (str(t.get("group", "")), str(t.get("kind", "")), str(t["name"]) if t.get("name") else None)
        for t in spec.get("to") or []
        if isinstance(t, dict)
    )
    return ReferenceGrant(namespace, sources, targets)


def permitted(grants: list[ReferenceGrant], kind: str, route_ns: str, ns: str, service: str) -> bool:
    """A reference within the route's own namespace needs no grant."""
    if ns == route_ns:
        return True
    return any(g.namespace == ns and g.permits(kind, route_ns, service) for g in grants)
