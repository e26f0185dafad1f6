"""Gateway API attachment: a route exposes its backends only when a listener of its
parent Gateway admits routes from the route's namespace (``allowedRoutes``: Same by
default, All, or a namespace Selector). A route to a Gateway the manifests do not
describe is taken as attached: nothing says otherwise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archmodel.kube.manifests import Doc
from archmodel.kube.objects import meta
from archmodel.kube.selectors import Selector, parse_selector


@dataclass(frozen=True)
class Listener:
    source: str  # Same, All or Selector
    selector: Selector | None = None


@dataclass(frozen=True)
class Gateway:
    name: str
    namespace: str
    listeners: tuple[Listener, ...]

    def admits(self, namespace: str, labels_of: Callable[[str], dict[str, str]]) -> bool:
        return any(_admits(self, listener, namespace, labels_of) for listener in self.listeners)


def _admits(
    gateway: Gateway, listener: Listener, namespace: str, labels_of: Callable[[str], dict[str, str]]
) -> bool:
    if listener.source == "All":
        return True
    if listener.source == "Selector":
        return listener.selector is not None and listener.selector.matches(labels_of(namespace))
    return namespace == gateway.namespace


def gateway(doc: Doc) -> Gateway:
    name, namespace = meta(doc)
    listeners = []
    for raw in (doc.body.get("spec") or {}).get("listeners") or []:
        allowed: Any = ((raw or {}).get("allowedRoutes") or {}).get("namespaces") or {}
        source = str(allowed.get("from") or "Same")
        selector = parse_selector(allowed.get("selector")) if source == "Selector" else None
        listeners.append(Listener(source, selector))
    return Gateway(name, namespace, tuple(listeners))
