"""The objects that carry traffic: workloads (as the pods they run), Services and the
exposure in front of them (NodePort/LoadBalancer Services, Ingress, Gateway API routes).

Workloads also keep what their containers run and reserve, and the replicas they ask
for: import writes them into a first model; drift compares the images, replicas and
ports with the model's, and judges traffic by labels and ports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archmodel.kube.manifests import Doc
from archmodel.kube.selectors import Selector, parse_selector

DEFAULT_NAMESPACE = "default"
# Where each workload kind keeps its pod template.
TEMPLATE_PATHS = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "Pod": (),
}
EXPOSED_TYPES = frozenset({"NodePort", "LoadBalancer"})
# The workload kinds whose ``spec.replicas`` is how many pods run (a DaemonSet runs one
# per node, a Job until done).
SCALED = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})


@dataclass(frozen=True)
class ContainerPort:
    port: int
    protocol: str = "TCP"
    name: str | None = None


@dataclass(frozen=True)
class Container:
    """A container of the pod template: what it runs, the resources it reserves
    (``requests``) and may use (``limits``), quantities as written (``cpu: 100m``), and
    the ports it declares (import tells a sidecar's ports from the main container's)."""

    name: str
    image: str | None
    requests: dict[str, str]
    limits: dict[str, str]
    ports: tuple[ContainerPort, ...] = ()
    line: int = 0  # where its ``image`` is written (0: not known)


@dataclass(frozen=True)
class Workload:
    """A workload by the pods it runs: their labels, container ports and containers."""

    kind: str
    name: str
    namespace: str
    labels: dict[str, str]  # the pod template's labels (what selectors see)
    meta_labels: dict[str, str]  # the workload's own labels
    ports: tuple[ContainerPort, ...]
    file: str
    line: int
    containers: tuple[Container, ...] = ()
    replicas: int | None = None  # as written; None when the manifest leaves it out
    replicas_line: int = 0  # where ``spec.replicas`` is written (0: not written)

    @property
    def address(self) -> str:
        return f"{self.kind}/{self.name}"

    def named_port(self, name: str, protocol: str) -> int | None:
        return next((p.port for p in self.ports if p.name == name and p.protocol == protocol), None)


@dataclass(frozen=True)
class ServicePort:
    port: int
    target: int | str  # a number, or the name of a container port
    protocol: str = "TCP"
    name: str | None = None
    app_protocol: str | None = None  # ``appProtocol``: what the port speaks, when written


@dataclass(frozen=True)
class Service:
    name: str
    namespace: str
    selector: Selector | None  # None: no selector (endpoints managed by hand)
    ports: tuple[ServicePort, ...]
    type: str
    file: str
    line: int


@dataclass(frozen=True)
class Exposure:
    """Something that lets traffic from outside the cluster reach a Service."""

    address: str  # e.g. Service/frontend-external (LoadBalancer) or Ingress/web
    namespace: str
    service: str  # the Service it sends traffic to
    file: str
    line: int
    route_namespace: str = ""  # Gateway API: the route's own namespace
    gateways: tuple[tuple[str, str], ...] = ()  # Gateway API: parent Gateways (namespace, name)


@dataclass
class Namespace:
    name: str
    labels: dict[str, str] = field(default_factory=dict)


def _dig(body: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        body = body.get(key) if isinstance(body, dict) else None
    return body


def _labels(raw: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def meta(doc: Doc) -> tuple[str, str]:
    """(name, namespace) of an object; a missing namespace is ``default``."""
    m = doc.body.get("metadata") or {}
    return str(m.get("name") or "?"), str(m.get("namespace") or DEFAULT_NAMESPACE)


def workload(doc: Doc) -> Workload:
    name, namespace = meta(doc)
    template = _dig(doc.body, TEMPLATE_PATHS[doc.kind]) or {}
    pod_meta = template.get("metadata") or {}
    at = TEMPLATE_PATHS[doc.kind]
    containers = tuple(
        _container(c, doc.line_of(*at, "spec", key, i, "image")) for key, i, c in _running(template)
    )
    own = _labels((doc.body.get("metadata") or {}).get("labels"))
    return Workload(
        doc.kind,
        name,
        namespace,
        _labels(pod_meta.get("labels")),
        own,
        tuple(p for c in containers for p in c.ports),
        doc.file,
        doc.line,
        containers,
        _replicas(doc),
        doc.line_of("spec", "replicas") if _replicas(doc) is not None else 0,
    )


def _running(template: dict[str, Any]) -> list[tuple[str, int, dict[str, Any]]]:
    """The containers that run beside one another for the pod's life, each with where it
    is written (list, index): ``containers``, then the native sidecars
    (``initContainers`` with ``restartPolicy: Always``, Kubernetes 1.28+), which keep
    running and listening after the pod has started."""
    spec = template.get("spec") or {}
    main = [("containers", i, c) for i, c in enumerate(spec.get("containers") or []) if isinstance(c, dict)]
    native = [
        ("initContainers", i, c)
        for i, c in enumerate(spec.get("initContainers") or [])
        if isinstance(c, dict) and c.get("restartPolicy") == "Always"
    ]
    return main + native


def _container(body: dict[str, Any], line: int = 0) -> Container:
    """What drift does not read is read leniently: an odd shape here is no reason to
    refuse manifests whose traffic can still be judged."""
    image = body.get("image")
    return Container(
        str(body.get("name") or ""),
        image if isinstance(image, str) and image else None,
        _quantities(_dig(body, ("resources", "requests"))),
        _quantities(_dig(body, ("resources", "limits"))),
        tuple(
            ContainerPort(int(p["containerPort"]), str(p.get("protocol") or "TCP"), p.get("name"))
            for p in body.get("ports") or []
            if isinstance(p, dict) and isinstance(p.get("containerPort"), int)
        ),
        line,
    )


def _quantities(raw: Any) -> dict[str, str]:
    """Resource quantities as text: YAML reads ``cpu: 1`` as a number, the API as ``"1"``."""
    if not isinstance(raw, dict):
        return {}
    return {
        str(k): str(v) for k, v in raw.items() if isinstance(v, str | int | float) and not isinstance(v, bool)
    }


def _replicas(doc: Doc) -> int | None:
    replicas = _dig(doc.body, ("spec", "replicas")) if doc.kind in SCALED else None
    return replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else None


def service(doc: Doc) -> Service:
    name, namespace = meta(doc)
    spec = doc.body.get("spec") or {}
    raw = spec.get("selector")
    selector = parse_selector({"matchLabels": raw}) if raw else None
    ports = tuple(
        ServicePort(
            int(p["port"]),
            _target(p),
            str(p.get("protocol") or "TCP"),
            _text(p.get("name")),
            _text(p.get("appProtocol")),
        )
        for p in spec.get("ports") or []
        if isinstance(p, dict) and isinstance(p.get("port"), int)
    )
    return Service(name, namespace, selector, ports, str(spec.get("type") or "ClusterIP"), doc.file, doc.line)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _target(port: dict[str, Any]) -> int | str:
    """``targetPort`` defaults to ``port``; a string names a container port."""
    target = port.get("targetPort", port["port"])
    return target if isinstance(target, int) else str(target)


def exposures(doc: Doc) -> list[Exposure]:
    """The Services an exposing object sends outside traffic to."""
    name, namespace = meta(doc)
    address = f"{doc.kind}/{name}"
    spec = doc.body.get("spec") or {}
    if doc.kind == "Service":
        exposed = spec.get("type") in EXPOSED_TYPES
        return [Exposure(address, namespace, name, doc.file, doc.line)] if exposed else []
    if doc.kind == "Ingress":
        backends = [_dig(spec, ("defaultBackend", "service", "name"))]
        for rule in spec.get("rules") or []:
            for path in _dig(rule, ("http", "paths")) or []:
                backends.append(_dig(path, ("backend", "service", "name")))
        return [Exposure(address, namespace, str(b), doc.file, doc.line) for b in backends if b]
    if doc.kind in ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "Route"):
        return _route(doc, address, namespace, spec)
    return []


def _route(doc: Doc, address: str, namespace: str, spec: dict[str, Any]) -> list[Exposure]:
    """Gateway API routes (and OpenShift Routes) name the Services they send to; a
    backend in another namespace is named by its own ``namespace``."""
    if doc.kind == "Route":
        target = _dig(spec, ("to", "name"))
        return [Exposure(address, namespace, str(target), doc.file, doc.line)] if target else []
    out = []
    gateways = parents(doc)
    for rule in spec.get("rules") or []:
        for ref in (rule or {}).get("backendRefs") or []:
            if isinstance(ref, dict) and ref.get("name") and ref.get("kind", "Service") == "Service":
                ns = str(ref.get("namespace") or namespace)
                out.append(Exposure(address, ns, str(ref["name"]), doc.file, doc.line, namespace, gateways))
    return out


def parents(doc: Doc) -> tuple[tuple[str, str], ...]:
    """The Gateways (namespace, name) a route attaches to; other parent kinds are skipped."""
    _, namespace = meta(doc)
    refs = (doc.body.get("spec") or {}).get("parentRefs") or []
    return tuple(
        (str(r.get("namespace") or namespace), str(r["name"]))
        for r in refs
        if isinstance(r, dict) and r.get("name") and r.get("kind", "Gateway") == "Gateway"
    )
