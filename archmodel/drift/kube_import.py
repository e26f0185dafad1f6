"""A first model from Kubernetes manifests: components from workloads, flows from what
the NetworkPolicies name, exposure from LoadBalancer/NodePort Services, Ingresses and
routes.

Only traffic a policy names peer by peer becomes a flow: an open namespace or a rule
admitting any peer says nothing about which calls the application makes, so those are
left out (drift reports them) and the TODOs name them. Importing and then running drift
on the same manifests reports no blocked and no unmodelled flow.

A workload listens on its container ports, else on those its Services send to: flows
and ``deploy.port`` both take them. A component's kind comes from what its workload runs
(image and container name) before its id; its ``deploy`` also carries the first
container's image, resources and other ports, the containers beside it as sidecars, the
replicas and the namespace. A flow speaks the protocol its target's port is named or
numbered for (``kube_protocols``), and none when the manifests do not say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import TypeAdapter, ValidationError

from archmodel.drift.imported import Imported
from archmodel.drift.imported import flows as written_flows
from archmodel.drift.imported import model as starter
from archmodel.drift.kube_protocols import protocol_at, served
from archmodel.kube import Cluster, connection
from archmodel.kube.mapping import LABEL_ORDER
from archmodel.kube.objects import Container, ContainerPort, Workload
from archmodel.kube.policies import Policy, Rule
from archmodel.kube.verdict import peer_matches, port_matches
from archmodel.model.component import CpuQuantity, MemoryQuantity
from archmodel.model.kinds import DATA_STORES

# Words of an image, container or workload name (split at anything but letters and digits).
KINDS = (
    ("cache", ("redis", "memcached", "valkey")),
    (
        "database",
        ("postgres", "postgresql", "mysql", "mariadb", "mongo", "mongodb", "cassandra", "cockroach", "db"),
    ),
    ("queue", ("rabbitmq", "kafka", "nats", "activemq")),
)
# Words of a tool around a store (its metrics exporter, its operator, an admin UI): a name
# with one of them says nothing of the kind (``postgres-exporter`` is no database).
TOOLS = frozenset({"exporter", "operator", "proxy", "ui", "admin", "commander", "express"})
# Workloads that run to completion: whatever they run, they keep no data.
FINITE = frozenset({"Job", "CronJob"})
QUANTITIES = {"cpu": TypeAdapter(CpuQuantity), "memory": TypeAdapter(MemoryQuantity)}
MAX_REPLICAS = 10_000
OUTSIDE = "clients"
GUESSED_TRUST = "internal"
STORE_KINDS = frozenset(k.value for k in DATA_STORES)
Ports = dict[int, list[tuple[int, str]]]  # id of a workload -> the ports it listens on
NAMESPACE = r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?"  # what deploy.namespace takes
PORT_NAME = r"[a-z]([a-z0-9-]{0,13}[a-z0-9])?"  # what a named port of the model takes


def component_id(workload: Workload) -> str:
    """The first mapping label's value (or the workload name), as a model id."""
    value = next((v for k in LABEL_ORDER if (v := workload.labels.get(k))), workload.name)
    ident = re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-_")
    return (ident if ident[:1].isalpha() else f"w-{ident}")[:63] or "workload"


def import_model(cluster: Cluster, name: str) -> Imported:
    """A model (as plain data, ready to dump as YAML) of the cluster's applications, and
    what a person must still decide about it."""
    ids = {id(w): component_id(w) for w in cluster.workloads}
    ports = {id(w): listening(cluster, w) for w in cluster.workloads}
    exposed = _exposed(cluster, ids)
    components: dict[str, dict[str, Any]] = {}
    for w in cluster.workloads:
        ident = ids[id(w)]
        components.setdefault(ident, _component(cluster, w, ident, ident in exposed))
    named = _policy_flows(cluster, ids, ports)
    spoken = _spoken(cluster, ids, ports)
    spoken.update({(c, port): protocol for c, (port, protocol) in exposed.items() if protocol})
    found = {*named, *((OUTSIDE, c, port) for c, (port, _) in exposed.items())}
    flows = written_flows(found, spoken)
    zones = [
        {"id": zone_id(z), "name": f"namespace {z}", "trust": GUESSED_TRUST}
        for z in sorted({w.namespace for w in cluster.workloads})
    ]
    outside = [{"id": OUTSIDE, "kind": "actor", "name": "Clients", "zone": "internet"}] if exposed else []
    todos = [
        *_unknown_callers(cluster, ids, ports, flows),
        *_callers_only(cluster, ids, ports, flows),
        *_guesses(zones, list(components.values()), flows),
        *cluster.notes,
    ]
    return Imported(starter(name, zones, outside + list(components.values()), flows), todos)


def zone_id(namespace: str) -> str:
    ident = re.sub(r"[^a-z0-9_-]+", "-", namespace.lower()).strip("-_")
    return f"ns-{ident}"[:63]


def _component(cluster: Cluster, w: Workload, ident: str, public: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": ident,
        "kind": component_kind(w, ident),
        "name": w.name,
        "zone": zone_id(w.namespace),
    }
    if public:
        out["public"] = True
    out["deploy"] = _deploy(cluster, w)
    return out


def component_kind(w: Workload, ident: str) -> str:
    """The kind the words of ``KINDS`` give, read first in what the first container runs
    (its image, then its name), then in the id: ``redis:alpine`` under the id
    ``session-db`` is a cache, and a store is often named for its data only
    (``accounts-db``). A Job runs to completion: it is never a store."""
    if w.kind in FINITE:
        return "service"
    first = _main(w)
    names = [_image_name(first.image) if first and first.image else "", first.name if first else "", ident]
    for name in names:
        words = set(re.split(r"[^a-z0-9]+", name.lower()))
        if words & TOOLS:
            continue
        kind = next((k for k, known in KINDS if words.intersection(known)), None)
        if kind is not None:
            return kind
    return "service"


def _main(w: Workload) -> Container | None:
    """The container the workload is for: the first; sidecars and agents follow it."""
    return w.containers[0] if w.containers else None


def _image_name(image: str) -> str:
    """``registry:5000/team/ledger-db:v1@sha256:…`` → ``ledger-db``: the registry and
    path say where it is kept, not what it runs."""
    last = image.split("@", 1)[0].rsplit("/", 1)[-1]
    return last.split(":", 1)[0]


def _deploy(cluster: Cluster, w: Workload) -> dict[str, Any]:
    """The first container's image (as written: the model takes ``repo:tag@sha256:…``
    whole, and a digest of another algorithm would fit no ``deploy.digest``), the
    replicas, the port, the first container's other ports and its requests and limits,
    the containers beside it as sidecars, and the namespace: generated manifests then
    land where the workload runs, and drift compares them with the same objects."""
    deploy: dict[str, Any] = {"runtime": "container"}
    first = _main(w)
    if first is not None and first.image:
        deploy["image"] = first.image
    if w.replicas is not None and 1 <= w.replicas <= MAX_REPLICAS:
        deploy["replicas"] = w.replicas
    deploy.update(_ports(cluster, w))
    taken: set[str] = set()
    others = [p for p in first.ports if p.port != deploy.get("port")] if first is not None else []
    named = _named_ports(cluster, w, others, taken)
    if named:
        deploy["ports"] = named
    resources = _resources(first) if first is not None else {}
    if resources:
        deploy["resources"] = resources
    sidecars = _sidecars(cluster, w, taken)
    if sidecars:
        deploy["sidecars"] = sidecars
    if re.fullmatch(NAMESPACE, w.namespace):
        deploy["namespace"] = w.namespace
    return deploy


def _sidecars(cluster: Cluster, w: Workload, taken: set[str]) -> list[dict[str, Any]]:
    """The containers after the first (an exporter, a proxy, a log shipper), each with
    its image and ports. A container without an image is left out: the model needs one."""
    out: list[dict[str, Any]] = []
    names = {component_id(w)}
    for container in w.containers[1:]:
        if not container.image:
            continue
        name = _unused(_sidecar_name(container.name), names)
        names.add(name)
        sidecar: dict[str, Any] = {"name": name, "image": container.image}
        ports = _named_ports(cluster, w, list(container.ports), taken)
        if ports:
            sidecar["ports"] = ports
        out.append(sidecar)
    return out


def _sidecar_name(name: str) -> str:
    ident = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")
    return (ident if ident[:1].isalpha() else f"c-{ident}")[:63].rstrip("-_") or "sidecar"


def _unused(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3``… when another container already has it."""
    found, n = name, 1
    while found in taken:
        n += 1
        found = f"{name[:58]}-{n}"
    return found


def _named_ports(
    cluster: Cluster, w: Workload, ports: list[ContainerPort], taken: set[str]
) -> list[dict[str, Any]]:
    """Ports as the model names them: the container's name when the model takes it (a
    letter first, 15 characters at most), else ``tcp-<port>``; a name is used once per
    pod, as Kubernetes requires. The protocol when the manifests say it."""
    out: list[dict[str, Any]] = []
    for p in dict.fromkeys(ports):
        if not _valid_port(p.port):
            continue
        given = p.name if isinstance(p.name, str) and re.fullmatch(PORT_NAME, p.name) else None
        name = given if given and given not in taken else f"{p.protocol.lower()}-{p.port}"
        if name in taken:
            continue
        taken.add(name)
        named: dict[str, Any] = {"name": name, "port": p.port}
        protocol = protocol_at(cluster, w, p.port)
        if protocol:
            named["protocol"] = protocol
        out.append(named)
    return out


def listening(cluster: Cluster, w: Workload) -> list[tuple[int, str]]:
    """The ports (and protocols) ``w`` takes traffic on: its container ports, else those
    the Services in front of it send to. Manifests often declare no container port, and
    then the Service's ``targetPort`` is the only word on it."""
    if w.ports:
        return [(p.port, p.protocol) for p in w.ports]
    return list(dict.fromkeys((to, sp.protocol) for sp, to in served(cluster, w)))


def _ports(cluster: Cluster, w: Workload) -> dict[str, int]:
    """``port``: the first port the workload listens on that a Service sends traffic to
    (RabbitMQ lists its management UI's 15672 before AMQP's 5672, which its Service
    serves), else the first it listens on, never a sidecar's (the exporter beside
    RabbitMQ); ``service_port``: the Service port that sends traffic there, when it is
    another (a frontend taking 80 to 8080)."""
    beside = {p.port for c in w.containers[1:] for p in c.ports}
    listens = [p for p, _ in listening(cluster, w) if p not in beside]
    listens = listens or [to for _, to in served(cluster, w) if to not in beside]
    port = next((to for _, to in served(cluster, w) if to in listens), next(iter(listens), None))
    if port is None or not _valid_port(port):
        return {}
    out = {"port": port}
    service_port = next((sp.port for sp, to in served(cluster, w) if to == port), port)
    if service_port != port and _valid_port(service_port):
        out["service_port"] = service_port
    return out


def _valid_port(port: int) -> bool:
    return 1 <= port <= 65535


def _resources(container: Container) -> dict[str, dict[str, str]]:
    """CPU and memory requests and limits as the model takes them; other resources
    (ephemeral storage, GPUs) and quantities it cannot read (``1e3``) are left out."""
    out = {}
    for part, given in (("requests", container.requests), ("limits", container.limits)):
        kept = {
            key: given[key] for key, fits in QUANTITIES.items() if key in given and _fits(fits, given[key])
        }
        if kept:
            out[part] = kept
    return out


def _fits(adapter: TypeAdapter[str], value: str) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


def _exposed(cluster: Cluster, ids: dict[int, str]) -> dict[str, tuple[int | None, str | None]]:
    """Exposed components with the port outside traffic arrives at (the Service port)
    and the protocol spoken on the container port it is sent to."""
    out: dict[str, tuple[int | None, str | None]] = {}
    for exposure in cluster.exposures:
        svc = cluster.service(exposure.namespace, exposure.service)
        for w in cluster.backends(svc) if svc is not None else []:
            first = svc.ports[0] if svc is not None and svc.ports else None
            to = next((t for sp, t in served(cluster, w) if sp is first), None)
            protocol = protocol_at(cluster, w, to) if to is not None else None
            out.setdefault(ids[id(w)], (first.port if first else None, protocol))
    return out


def _spoken(cluster: Cluster, ids: dict[int, str], ports: Ports) -> dict[tuple[str, int | None], str]:
    """(component, port) -> the protocol its workloads' manifests say is spoken there."""
    out: dict[tuple[str, int | None], str] = {}
    for w in cluster.workloads:
        for port, _ in ports[id(w)]:
            protocol = protocol_at(cluster, w, port)
            if protocol is not None:
                out.setdefault((ids[id(w)], port), protocol)
    return out


def _policy_flows(cluster: Cluster, ids: dict[int, str], ports: Ports) -> set[tuple[str, str, int | None]]:
    found: set[tuple[str, str, int | None]] = set()
    for policy in cluster.policies:
        for rule in policy.ingress or ():
            for target in cluster.workloads:
                if target.namespace == policy.namespace and policy.selector.matches(target.labels):
                    found |= _named(cluster, ids, policy, rule, target, ports[id(target)])
    return found


def _named(
    cluster: Cluster,
    ids: dict[int, str],
    policy: Policy,
    rule: Rule,
    target: Workload,
    ports: list[tuple[int, str]],
) -> set[tuple[str, str, int | None]]:
    """Flows from the pods a rule names, peer by peer, to ``target`` on the ports it
    admits and the target listens on (``listening``); both ends' policies must allow them."""
    found: set[tuple[str, str, int | None]] = set()
    peers = [p for p in rule.peers or () if p.block is None and not p.wide]
    for peer in peers:
        for source in cluster.workloads:
            if source is target or ids[id(source)] == ids[id(target)]:
                continue
            if not peer_matches(cluster, policy, peer, source):
                continue
            for port, protocol in ports:
                admitted = rule.ports is None or any(
                    port_matches(r, target, port, protocol) for r in rule.ports
                )
                if admitted and connection(cluster, source, target, port, protocol).allowed:
                    found.add((ids[id(source)], ids[id(target)], port))
    return found


def _unknown_callers(
    cluster: Cluster, ids: dict[int, str], ports: Ports, flows: list[dict[str, Any]]
) -> Iterable[str]:
    """Per namespace, the calls no NetworkPolicy names, for which no flow was written:
    all of them in a namespace without policies; else those into each workload whose
    ingress is open or admits peers it does not name, and the workloads that listen
    but that no policy lets anyone call (a selector naming pods that do not exist)."""
    called = {f["to"] for f in flows}
    for namespace in sorted({w.namespace for w in cluster.workloads}):
        serving = [w for w in cluster.workloads if w.namespace == namespace and ports[id(w)]]
        if not any(p.namespace == namespace for p in cluster.policies):
            count = sum(1 for w in cluster.workloads if w.namespace == namespace)
            workloads = f"{count} workload{'' if count == 1 else 's'}"
            yield (
                f"namespace {namespace} has no NetworkPolicy, so the calls its {workloads} make and "
                "take are unknown and no flow was written for them; add them"
            )
            continue
        why: dict[str, str] = {}
        for w in serving:
            why.setdefault(ids[id(w)], _unnamed(cluster, w))
        open_ = [f"{c} ({r})" for c, r in sorted(why.items()) if r]
        if open_:
            yield (
                f"namespace {namespace}: callers that no NetworkPolicy names may call {_listing(open_)}, "
                "so no flow from them was written; add the calls that are made"
            )
        shut = sorted(c for c, r in why.items() if not r and c not in called)
        if shut:
            yield (
                f"namespace {namespace}: listening, but no NetworkPolicy admits a caller, so no flow "
                f"into them was written: {_listing(shut)}; add the calls that are made into each "
                "(drift then says what blocks them)"
            )


def _unnamed(cluster: Cluster, w: Workload) -> str:
    """Why some callers of ``w`` are not named (empty when its policies name them all)."""
    policies = cluster.policies_on(w, "ingress")
    if not policies:
        return "no NetworkPolicy isolates its ingress"
    wide = [p.address for p in policies if any(_admits_unnamed(r) for r in p.ingress or ())]
    return f"{_listing(wide)} {'admits' if len(wide) == 1 else 'admit'} any peer" if wide else ""


def _admits_unnamed(rule: Rule) -> bool:
    """A rule without peers, or with a peer that is an address range or a whole
    namespace: the peers ``_named`` turns into flows are not all it admits."""
    return rule.peers is None or any(p.block is not None or p.wide for p in rule.peers)


def _callers_only(
    cluster: Cluster, ids: dict[int, str], ports: Ports, flows: list[dict[str, Any]]
) -> Iterable[str]:
    """Components that listen on no port (none declared, no Service in front) and that
    no flow was found for: they only call others (a client, a load generator, a job)."""
    in_flows = {f["from"] for f in flows} | {f["to"] for f in flows}
    found = sorted({ids[id(w)] for w in cluster.workloads if not ports[id(w)]} - in_flows)
    if found:
        yield (
            f"no port and no Service, so only calling others: {_listing(found)}; add the calls each "
            "makes, tag entry_point each that starts work by itself (a client, a job), or set "
            "out_of_scope on each that is no part of the system"
        )


def _guesses(
    zones: list[dict[str, Any]], components: list[dict[str, Any]], flows: list[dict[str, Any]]
) -> Iterable[str]:
    """What manifests do not say: the protocol a flow speaks when no appProtocol, port
    name or well-known port says it, how far each zone is trusted, and the data the
    system keeps and sends."""
    unknown = [str(f.get("id") or f"{f['from']}->{f['to']}") for f in flows if "protocol" not in f]
    if unknown:
        yield (
            f"{'flow' if len(unknown) == 1 else 'flows'} {_listing(unknown)} {_be(unknown)} written "
            "without a protocol (no appProtocol, port name or well-known port says it): give each "
            "the protocol it speaks (http, grpc, postgresql…)"
        )
    if zones:
        listed = [f"{z['id']} ({z['name']})" for z in zones]
        yield (
            f"trust of {'zone' if len(listed) == 1 else 'zones'} {_listing(listed)} is guessed "
            f"{GUESSED_TRUST}: set what each deserves"
        )
    stores = sorted(c["id"] for c in components if c["kind"] in STORE_KINDS)
    verb = "stores" if len(stores) == 1 else "store"
    kept = f", what {_listing(stores)} {verb} (stores:)" if stores else ""
    yield (
        f"no data assets are written: add the data the system keeps and sends (data:){kept} "
        "and what each flow carries (data:)"
    )


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _be(items: list[str]) -> str:
    return "is" if len(items) == 1 else "are"
