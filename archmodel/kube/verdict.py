"""Is a connection allowed? One pure function over the cluster's NetworkPolicies.

A connection from A to B on port P needs both the ingress of B and the egress of A to
allow it (traffic from outside the cluster has no egress side). Each side is allowed
when no policy isolates it, or when any rule of any isolating policy admits the peer and
the port. The verdict names the policies that decided, so a report can say why.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from archmodel.kube.cluster import Cluster
from archmodel.kube.objects import Workload
from archmodel.kube.policies import Peer, Policy, PortRange, Rule
from archmodel.kube.selectors import Selector


@dataclass(frozen=True)
class External:
    """A source or destination outside the cluster, by its address."""

    address: ipaddress.IPv4Address | ipaddress.IPv6Address

    def __str__(self) -> str:
        return str(self.address)


@dataclass(frozen=True)
class Controller:
    """The ingress controller or gateway that carries traffic from outside to the
    backends of Ingresses, Routes and Gateway API routes: a pod of a namespace the
    manifests do not describe, with labels they do not say."""

    def __str__(self) -> str:
        return "the ingress controller"


INTERNET = External(ipaddress.ip_address("203.0.113.10"))  # TEST-NET-3: some public address
CONTROLLER = Controller()
Endpoint = Workload | External | Controller


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    direction: str = ""  # the side that blocks: "ingress" or "egress"
    policies: tuple[Policy, ...] = ()  # the policies isolating that side

    def why(self, source: Endpoint, target: Endpoint, port: int, protocol: str) -> str:
        if self.allowed:
            return "allowed"
        names = ", ".join(p.address for p in self.policies)
        side, peer = (target, source) if self.direction == "ingress" else (source, target)
        what = side.address if isinstance(side, Workload) else str(side)
        other = peer.address if isinstance(peer, Workload) else str(peer)
        return (
            f"the {self.direction} of {what} is isolated by {names}, "
            f"and no rule of them admits {other} on {port}/{protocol}"
        )


def connection(
    cluster: Cluster, source: Endpoint, target: Endpoint, port: int, protocol: str = "TCP"
) -> Verdict:
    """Whether ``source`` may open a connection to ``target`` on ``port``/``protocol``."""
    if isinstance(target, Workload):
        verdict = _side(cluster, target, source, target, "ingress", port, protocol)
        if not verdict.allowed:
            return verdict
    if isinstance(source, Workload):
        return _side(cluster, source, target, target, "egress", port, protocol)
    return Verdict(True)


def _side(
    cluster: Cluster,
    pod: Workload,
    peer: Endpoint,
    destination: Endpoint,
    direction: str,
    port: int,
    protocol: str,
) -> Verdict:
    isolating = cluster.policies_on(pod, direction)
    if not isolating:
        return Verdict(True)
    for policy in isolating:
        for rule in policy.rules(direction) or ():
            if admits(cluster, policy, rule, peer, destination, port, protocol):
                return Verdict(True, direction, (policy,))
    return Verdict(False, direction, tuple(isolating))


def admits(
    cluster: Cluster,
    policy: Policy,
    rule: Rule,
    peer: Endpoint,
    destination: Endpoint,
    port: int,
    protocol: str,
) -> bool:
    """Whether one rule admits ``peer`` on a port of ``destination`` (named ports are
    resolved against the destination pod's container ports)."""
    peers_ok = rule.peers is None or any(peer_matches(cluster, policy, p, peer) for p in rule.peers)
    ports_ok = rule.ports is None or any(port_matches(r, destination, port, protocol) for r in rule.ports)
    return peers_ok and ports_ok


def peer_matches(cluster: Cluster, policy: Policy, peer: Peer, endpoint: Endpoint) -> bool:
    """Pods are matched by selectors, outside addresses by ipBlock only (which pod IPs an
    ipBlock matches depends on the network plugin, so pods never match one here)."""
    if isinstance(endpoint, External):
        return peer.block is not None and peer.block.contains(endpoint.address)
    if peer.block is not None:
        return False
    if isinstance(endpoint, Controller):
        return peer.namespaces is not None and _elsewhere(cluster, peer.namespaces)
    if peer.namespaces is None:
        in_namespace = endpoint.namespace == policy.namespace
    else:
        labels = cluster.namespace(endpoint.namespace).labels
        in_namespace = peer.namespaces.matches(labels)
    return in_namespace and (peer.pods is None or peer.pods.matches(endpoint.labels))


def _elsewhere(cluster: Cluster, namespaces: Selector) -> bool:
    """Whether a namespaceSelector may select a namespace the manifests do not describe
    (the controller's): it selects every namespace, or none of those described."""
    return namespaces.everything or not any(namespaces.matches(n.labels) for n in cluster.namespaces.values())


def port_matches(allowed: PortRange, destination: Endpoint, port: int, protocol: str) -> bool:
    if allowed.protocol != protocol:
        return False
    if allowed.port is None:
        return True
    if isinstance(allowed.port, str):
        named = destination.named_port(allowed.port, protocol) if isinstance(destination, Workload) else None
        return named == port
    return allowed.port <= port <= (allowed.end or allowed.port)
