"""Everything the NetworkPolicies of a cluster allow between its workloads.

``connection`` answers one question (may A reach B on P?); this enumerates all of them.
Whether a port is admitted changes only at ports some rule or pod names, so trying each
named port, each container port and one port nobody names (standing for all the others)
gives the complete answer: a pair allowed on ``ANY_OTHER`` is allowed on every port.
"""

from __future__ import annotations

from dataclasses import dataclass

from archmodel.kube.cluster import Cluster
from archmodel.kube.objects import Workload
from archmodel.kube.verdict import connection

PROTOCOLS = ("TCP", "UDP", "SCTP")
ANY_OTHER = 0  # stands for every port no rule and no pod names


@dataclass(frozen=True, order=True)
class Reach:
    source: str  # workload address, namespace/Kind/name
    target: str
    port: int  # ANY_OTHER: every port nobody names
    protocol: str

    def __str__(self) -> str:
        port = "any other port" if self.port == ANY_OTHER else str(self.port)
        return f"{self.source} -> {self.target} {port}/{self.protocol}"


def address(workload: Workload) -> str:
    return f"{workload.namespace}/{workload.address}"


def candidate_ports(cluster: Cluster) -> list[tuple[int, str]]:
    """Each (port, protocol) a rule or pod names, range ends and the port past each
    range included, and one port nobody names per protocol."""
    named: set[tuple[int, str]] = set()
    for policy in cluster.policies:
        for rules in (policy.ingress or (), policy.egress or ()):
            for rule in rules:
                for r in rule.ports or ():
                    if isinstance(r.port, int):
                        named |= {(r.port, r.protocol), ((r.end or r.port) + 1, r.protocol)}
                        if r.end:
                            named.add((r.end, r.protocol))
    for workload in cluster.workloads:
        named |= {(p.port, p.protocol) for p in workload.ports}
    unnamed = [(_unused({p for p, proto in named if proto == protocol}), protocol) for protocol in PROTOCOLS]
    return sorted(named) + unnamed


def _unused(ports: set[int]) -> int:
    return next(p for p in range(65535, 0, -1) if p not in ports)


def allowed(cluster: Cluster) -> set[Reach]:
    """Every (source, target, port, protocol) that both ends' policies allow, between
    two workloads of the cluster; ports nobody names are reported as ``ANY_OTHER``."""
    ports = candidate_ports(cluster)
    unnamed = {(p, proto) for p, proto in ports[-len(PROTOCOLS) :]}
    found: set[Reach] = set()
    for source in cluster.workloads:
        for target in cluster.workloads:
            for port, protocol in ports:
                if connection(cluster, source, target, port, protocol).allowed:
                    shown = ANY_OTHER if (port, protocol) in unnamed else port
                    found.add(Reach(address(source), address(target), shown, protocol))
    return found
