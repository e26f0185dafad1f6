"""The protocol a workload's port speaks, as far as its manifests say it.

Manifests say it three ways, read in this order: a Service port's ``appProtocol``, the
name of the Service port or of the container port (``http``, ``grpc-web``,
``tcp-postgresql``: the ``<protocol>[-<suffix>]`` convention service meshes read, and
the one the Helm generator writes), and a port number that one protocol owns (5672 is
AMQP). A port that says none of them is left unknown: the model then calls its
encryption unknown rather than taking a guess for a fact. ``tcp`` is no answer either:
every port is TCP, and the Helm generator names a port ``tcp`` when the model gives
no protocol.
"""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.kube import Cluster
from archmodel.kube.objects import ServicePort, Workload

# appProtocol values (IANA names, Kubernetes' own and service meshes') that name one protocol.
APP_PROTOCOLS = {
    "http": "http",
    "http2": "http",
    "https": "https",
    "grpc": "grpc",
    "grpc-web": "grpc",
    "kubernetes.io/ws": "ws",
    "kubernetes.io/wss": "wss",
    "tls": "tls",
    "mongo": "mongodb",
    "mysql": "mysql",
    "redis": "redis",
}
# HTTP/2 in clear: what gRPC runs on, but plain HTTP/2 too, so a port name may say more.
CLEARTEXT_HTTP2 = "kubernetes.io/h2c"
# The first word of a port name; ``tcp``/``udp`` prefix another (``tcp-postgresql``).
NAMES = {
    "http": "http",
    "http2": "http",
    "https": "https",
    "grpc": "grpc",
    "grpcs": "grpcs",
    "ws": "ws",
    "wss": "wss",
    "tls": "tls",
    "amqp": "amqp",
    "amqps": "tls",
    "kafka": "kafka",
    "mongo": "mongodb",
    "mongodb": "mongodb",
    "mysql": "mysql",
    "postgres": "postgresql",
    "postgresql": "postgresql",
    "redis": "redis",
    "memcached": "memcached",
    "mqtt": "mqtt",
    "nats": "nats",
    "ldap": "ldap",
    "ldaps": "ldaps",
    "dns": "dns",
    "ssh": "ssh",
    "smtp": "smtp",
    "cassandra": "cassandra",
    "cql": "cassandra",
    "zookeeper": "zookeeper",
    "elasticsearch": "elasticsearch",
}
TRANSPORTS = frozenset({"tcp", "udp", "sctp"})
# Ports that one protocol owns: nothing else listens there in practice.
WELL_KNOWN = {5672: "amqp", 6379: "redis", 27017: "mongodb", 3306: "mysql", 5432: "postgresql", 9092: "kafka"}


def protocol_at(cluster: Cluster, w: Workload, port: int) -> str | None:
    """The protocol ``w`` speaks on container port ``port``, or None when nothing says."""
    app = [sp.app_protocol for sp in _service_ports(cluster, w, port) if sp.app_protocol]
    for value in app:
        if value.lower() in APP_PROTOCOLS:
            return APP_PROTOCOLS[value.lower()]
    for name in _names(cluster, w, port):
        found = from_name(name)
        if found is not None:
            return found
    if any(value.lower() == CLEARTEXT_HTTP2 for value in app):
        return "http"
    return WELL_KNOWN.get(port)


def from_name(name: str) -> str | None:
    """``grpc-web`` → grpc, ``tcp-postgresql`` → postgresql, ``metrics`` → None."""
    words = name.lower().split("-")
    if words[0] in TRANSPORTS and len(words) > 1:
        words = words[1:]
    return NAMES.get(words[0])


def _names(cluster: Cluster, w: Workload, port: int) -> Iterator[str]:
    """The names of the Service ports that send to ``port``, then the container port's."""
    yield from (sp.name for sp in _service_ports(cluster, w, port) if sp.name)
    yield from (p.name for p in w.ports if p.port == port and isinstance(p.name, str) and p.name)


def _service_ports(cluster: Cluster, w: Workload, port: int) -> list[ServicePort]:
    """The ports of the Services in front of ``w`` whose traffic arrives at ``port``."""
    return [sp for sp, to in served(cluster, w) if to == port]


def served(cluster: Cluster, w: Workload) -> list[tuple[ServicePort, int]]:
    """Each port of the Services in front of ``w``, with the port it sends traffic to:
    the numeric targetPort, a named one resolved, else the Service's own port."""
    return [
        (sp, sp.target if isinstance(sp.target, int) else w.named_port(sp.target, sp.protocol) or sp.port)
        for svc in cluster.services
        if svc.namespace == w.namespace and svc.selector is not None and svc.selector.matches(w.labels)
        for sp in svc.ports
    ]
