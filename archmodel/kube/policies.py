"""NetworkPolicies as the API defines them (networking.k8s.io/v1).

A policy selects pods of its own namespace; for each direction in ``policyTypes`` (by
default Ingress, plus Egress when the policy has egress rules) the selected pods are
isolated, and what they may do is the union of the rules of every policy selecting them.
A rule without peers admits every peer; a rule without ports admits every port.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from archmodel.kube.manifests import Doc, ManifestError
from archmodel.kube.objects import meta
from archmodel.kube.selectors import Selector, SelectorError, parse_selector

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
WIDE_CIDRS = frozenset({"0.0.0.0/0", "::/0"})


@dataclass(frozen=True)
class IPBlock:
    cidr: Network
    excepted: tuple[Network, ...] = ()

    def contains(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return address in self.cidr and not any(address in e for e in self.excepted)

    def __str__(self) -> str:
        rest = f" except {', '.join(map(str, self.excepted))}" if self.excepted else ""
        return f"{self.cidr}{rest}"


@dataclass(frozen=True)
class Peer:
    """``podSelector`` alone: pods of the policy's namespace; ``namespaceSelector`` alone:
    every pod of the matching namespaces; both in one peer: pods matching both (AND)."""

    pods: Selector | None = None
    namespaces: Selector | None = None
    block: IPBlock | None = None

    @property
    def wide(self) -> bool:
        """Admits far more than one application: every pod of a namespace, every
        namespace, or the whole internet."""
        if self.block is not None:
            return str(self.block.cidr) in WIDE_CIDRS
        if self.namespaces is not None:
            return self.namespaces.everything and (self.pods is None or self.pods.everything)
        return self.pods is not None and self.pods.everything

    def __str__(self) -> str:
        if self.block is not None:
            return f"ipBlock {self.block}"
        parts = [f"namespaces {self.namespaces}" if self.namespaces is not None else ""]
        parts.append(f"pods {self.pods}" if self.pods is not None else "")
        return " and ".join(p for p in parts if p)


@dataclass(frozen=True)
class PortRange:
    """``port`` (a number or a container port's name) up to ``end`` (``endPort``)."""

    protocol: str = "TCP"
    port: int | str | None = None  # None: every port of the protocol
    end: int | None = None

    def __str__(self) -> str:
        if self.port is None:
            return f"any/{self.protocol}"
        return f"{self.port}{f'-{self.end}' if self.end else ''}/{self.protocol}"


@dataclass(frozen=True)
class Rule:
    peers: tuple[Peer, ...] | None  # None: no from/to, every peer
    ports: tuple[PortRange, ...] | None  # None: every port and protocol
    line: int


@dataclass(frozen=True)
class Policy:
    name: str
    namespace: str
    selector: Selector
    ingress: tuple[Rule, ...] | None  # None: not isolating ingress
    egress: tuple[Rule, ...] | None
    file: str
    line: int
    selector_line: int = 0  # where podSelector is written (0: not written)

    @property
    def address(self) -> str:
        return f"NetworkPolicy/{self.namespace}/{self.name}"

    def rules(self, direction: str) -> tuple[Rule, ...] | None:
        return self.ingress if direction == "ingress" else self.egress


def parse_policy(doc: Doc) -> Policy:
    name, namespace = meta(doc)
    spec = doc.body.get("spec") or {}
    try:
        selector = parse_selector(spec.get("podSelector"))
        types = spec.get("policyTypes") or ["Ingress", *(["Egress"] if spec.get("egress") else [])]
        ingress = _rules(doc, "ingress", "from") if "Ingress" in types else None
        egress = _rules(doc, "egress", "to") if "Egress" in types else None
    except (SelectorError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ManifestError(f"{doc.file}:{doc.line}: NetworkPolicy {name}: {exc}") from exc
    where = doc.line_of("spec", "podSelector")
    return Policy(name, namespace, selector, ingress, egress, doc.file, doc.line, where)


def _rules(doc: Doc, direction: str, peers_key: str) -> tuple[Rule, ...]:
    out = []
    for i, rule in enumerate((doc.body.get("spec") or {}).get(direction) or []):
        rule = rule or {}
        peers = rule.get(peers_key)
        ports = rule.get("ports")
        out.append(
            Rule(
                tuple(_peer(p) for p in peers) if peers else None,
                tuple(_port(p) for p in ports) if ports else None,
                doc.line_of("spec", direction, i),
            )
        )
    return tuple(out)


def _peer(raw: Any) -> Peer:
    raw = raw or {}
    if raw.get("ipBlock"):
        block = raw["ipBlock"]
        cidr = ipaddress.ip_network(str(block["cidr"]), strict=False)
        excepted = tuple(ipaddress.ip_network(str(e), strict=False) for e in block.get("except") or [])
        return Peer(block=IPBlock(cidr, excepted))
    pods = parse_selector(raw["podSelector"]) if "podSelector" in raw else None
    namespaces = parse_selector(raw["namespaceSelector"]) if "namespaceSelector" in raw else None
    if pods is None and namespaces is None:
        raise ValueError("a peer needs podSelector, namespaceSelector or ipBlock")
    return Peer(pods, namespaces)


def _port(raw: Any) -> PortRange:
    raw = raw or {}
    port = raw.get("port")
    end = raw.get("endPort")
    return PortRange(
        str(raw.get("protocol") or "TCP"),
        port if isinstance(port, int) or port is None else str(port),
        int(end) if end is not None else None,
    )
