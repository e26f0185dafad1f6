"""Which ports a component's pods listen on, which its Service exposes, and where each
modelled flow arrives.

The model says it four ways: ``deploy.port`` is the container port, ``deploy.ports``
more named container ports, ``deploy.sidecars[].ports`` the ports of the containers
beside it (a metrics exporter, a proxy), and a flow's ``port`` is what its caller dials,
i.e. a Service port. So the Service gets one port per port its callers dial, forwarded
to the container port that serves it (a named port of that number, in the component's
container or a sidecar, else the main one), and a
NetworkPolicy admits the container port, which is what policies see after the Service
has translated the address. A component nothing calls gets no Service, and no port is
invented for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from archmodel.graph import ArchGraph
from archmodel.model import CLUSTER_FRONTS, Component, Flow, default_port

FALLBACK_PORT = 8080  # a called component whose model and flows name no port at all
NAME_LIMIT = 15  # IANA_SVC_NAME: container port names
# Port names by protocol, the ``<protocol>[-<suffix>]`` convention service meshes read
# (Istio, Linkerd); protocols without a well-known name are ``tcp-<protocol>``.
PORT_NAMES = {
    "http": "http",
    "ws": "http",
    "https": "https",
    "wss": "https",
    "grpc": "grpc",
    "grpcs": "grpcs",
    "tls": "tls",
    "tcp": "tcp",
    "mongodb": "mongo",
    "mysql": "mysql",
    "redis": "redis",
    "dns": "udp-dns",
}
# Service ``appProtocol``: IANA names, or the values Kubernetes itself defines.
APP_PROTOCOLS = {
    "http": "http",
    "https": "https",
    "grpc": "kubernetes.io/h2c",
    "ws": "kubernetes.io/ws",
    "wss": "kubernetes.io/wss",
}


@dataclass(frozen=True)
class ContainerPort:
    name: str
    port: int
    protocol: str  # TCP or UDP


@dataclass(frozen=True)
class ServicePort:
    name: str
    port: int
    target: str  # the name of a container port
    protocol: str
    app_protocol: str | None


@dataclass(frozen=True)
class PortPlan:
    main: ContainerPort | None  # None: nothing listens (a load generator, a pure consumer)
    named: tuple[ContainerPort, ...]
    service: tuple[ServicePort, ...]  # empty: nothing calls it, no Service
    sidecar: tuple[ContainerPort, ...] = ()  # the sidecars' ports, in their containers

    @property
    def container_ports(self) -> tuple[ContainerPort, ...]:
        """The ports of the component's own container (not its sidecars')."""
        return ((self.main,) if self.main else ()) + self.named

    def pod_port(self, flow: Flow) -> ContainerPort | None:
        """The container port a flow into this component arrives at: a named port of
        the flow's number in the component's container, else in a sidecar (a scrape of
        the exporter beside a queue), else the main port."""
        if flow.port is not None:
            own = next((p for p in self.named if p.port == flow.port), None)
            if own is not None or (self.main is not None and self.main.port == flow.port):
                return own or self.main
            beside = next((p for p in self.sidecar if p.port == flow.port), None)
            if beside is not None:
                return beside
        return self.main


def transport(protocol: str | None) -> str:
    return "UDP" if protocol == "dns" else "TCP"


def port_name(protocol: str | None) -> str:
    """A container port name for a protocol: ``grpc``, ``http``, ``tcp-postgresql``…;
    ``tcp`` when the model does not say."""
    if protocol is None:
        return "tcp"
    name = PORT_NAMES.get(protocol) or f"tcp-{protocol}"
    return name[:NAME_LIMIT].rstrip("-")


def _inbound(graph: ArchGraph, component: Component) -> list[Flow]:
    return sorted(graph.flows_into(component.id), key=lambda f: f.id)


def _main_number(component: Component, inbound: list[Flow], elsewhere: set[int]) -> int | None:
    deploy = component.deploy
    if deploy and deploy.port:
        return deploy.port
    if not inbound:
        return None
    dialled = [f.port for f in inbound if f.port is not None and f.port not in elsewhere]
    defaults = [p for p in (default_port(f.protocol) for f in inbound) if p is not None]
    return (dialled or defaults or [FALLBACK_PORT])[0]


def _main_name(protocols: Sequence[str | None], taken: set[str]) -> str:
    name = port_name(next((p for p in protocols if p is not None), None))
    return name if name not in taken else f"{name[: NAME_LIMIT - 5]}-main"


# One plan per component and graph: the Deployment, the Service, its own NetworkPolicy
# and every caller's egress rule ask for it (five times per component at least).
_PLANS: WeakKeyDictionary[ArchGraph, dict[str, tuple[Component, PortPlan]]] = WeakKeyDictionary()


def plan_ports(graph: ArchGraph, component: Component) -> PortPlan:
    """The component's port plan in ``graph``, worked out once per graph and component."""
    plans = _PLANS.get(graph)
    if plans is None:
        plans = _PLANS[graph] = {}
    known = plans.get(component.id)
    if known is not None and known[0] is component:
        return known[1]
    plan = _plan(graph, component)
    plans[component.id] = (component, plan)
    return plan


def _plan(graph: ArchGraph, component: Component) -> PortPlan:
    deploy = component.deploy
    inbound = _inbound(graph, component)
    named = tuple(
        ContainerPort(p.name, p.port, transport(p.protocol)) for p in (deploy.ports if deploy else [])
    )
    sidecar = tuple(
        ContainerPort(p.name, p.port, transport(p.protocol))
        for s in (deploy.sidecars if deploy else [])
        for p in s.ports
    )
    own, beside = {p.port for p in named}, {p.port for p in sidecar}
    number = _main_number(component, inbound, own | beside)
    main = None
    if number is not None:
        to_main = [  # the flows ``pod_port`` sends to the main port
            f.protocol
            for f in inbound
            if f.port is None or (f.port not in own and (f.port == number or f.port not in beside))
        ]
        protocol = next((transport(p) for p in to_main if p is not None), "TCP")
        taken = {p.name for p in named} | {p.name for p in sidecar}  # a Service names one port of the pod
        main = ContainerPort(_main_name(to_main, taken), number, protocol)
    plan = PortPlan(main, named, (), sidecar)
    return PortPlan(main, named, _service_ports(component, plan, inbound), sidecar)


def _service_ports(component: Component, plan: PortPlan, inbound: list[Flow]) -> tuple[ServicePort, ...]:
    """One Service port per port the callers dial (the model's ``service_port`` too,
    when something calls the component)."""
    if not inbound or plan.main is None:
        return ()
    deploy = component.deploy
    default = deploy.service_port if deploy and deploy.service_port else plan.main.port
    dialled: dict[tuple[int, str], tuple[ContainerPort, str | None]] = {}
    for flow in inbound:
        target = plan.pod_port(flow) or plan.main
        key = (flow.port or default, transport(flow.protocol))
        dialled.setdefault(key, (target, flow.protocol))
    if deploy and deploy.service_port:
        dialled.setdefault((deploy.service_port, plan.main.protocol), (plan.main, None))
    ports, used = [], set()
    for (number, protocol), (target, flow_protocol) in sorted(dialled.items()):
        name = target.name if target.name not in used else f"{target.name}-{number}"
        used.add(name)
        app = APP_PROTOCOLS.get(flow_protocol) if flow_protocol else None
        ports.append(ServicePort(name, number, target.name, protocol, app))
    return tuple(ports)


def public_front(component: Component, charted: set[str]) -> bool:
    """A public load balancer or API gateway with no chart: the cloud's, in front of the
    cluster. The chart of what it forwards to realises it as a LoadBalancer Service, as
    ``archmodel drift`` reads such a component (AM508, AM509)."""
    return component.public and component.kind in CLUSTER_FRONTS and component.id not in charted


def exposed_ports(graph: ArchGraph, component: Component, charted: set[str]) -> tuple[ServicePort, ...]:
    """The ports outside traffic reaches the component on, each sent to the container port
    the model's flow arrives at (as the Terraform ALB's target group forwards to it).

    Behind a public front, the front's listener ports: those the flows into it dial (a
    shopper's 80), else the port the front's own flow dials. A ``public`` component,
    the ports its callers outside the cluster dial, else those its Service serves. None
    for a component that is neither: only what the model says is reached from outside
    is exposed."""
    plan = plan_ports(graph, component)
    if plan.main is None:
        return ()
    deploy = component.deploy
    default = deploy.service_port if deploy and deploy.service_port else plan.main.port
    wanted: dict[tuple[int, str], ContainerPort] = {}
    for flow in _inbound(graph, component):
        source = graph.components[flow.source]
        if flow.source in charted or not (component.public or public_front(source, charted)):
            continue
        target = plan.pod_port(flow) or plan.main
        numbers = _listeners(graph, source) if public_front(source, charted) else []
        for number in numbers or [flow.port or default]:
            wanted.setdefault((number, target.protocol), target)
    if component.public and not wanted:
        served = [(p.port, p.protocol, p.target) for p in plan.service]
        for number, protocol, name in served or [(default, plan.main.protocol, plan.main.name)]:
            own = [p for p in (plan.main, *plan.named, *plan.sidecar) if p is not None and p.name == name]
            wanted.setdefault((number, protocol), own[0] if own else plan.main)
    ports, used = [], set()
    for (number, protocol), target in sorted(wanted.items()):
        name = target.name if target.name not in used else f"{target.name[: NAME_LIMIT - 6]}-{number}"
        used.add(name)
        ports.append(ServicePort(name, number, target.name, protocol, None))
    return tuple(ports)


def _listeners(graph: ArchGraph, front: Component) -> list[int]:
    """The ports a front listens on: what the flows into it dial, or their protocols'
    default ports."""
    dialled = (f.port or default_port(f.protocol) for f in _inbound(graph, front))
    return list(dict.fromkeys(p for p in dialled if p is not None))
