"""A cluster as its manifests describe it, and what in them was not analysed.

Every object whose kind carries no traffic semantics here is counted by kind, so a
report can say what it did not look at instead of silently ignoring it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from archmodel.kube.gateways import Gateway, gateway
from archmodel.kube.grants import ReferenceGrant, permitted, reference_grant
from archmodel.kube.manifests import Doc, ManifestError, read_manifests
from archmodel.kube.objects import (
    TEMPLATE_PATHS,
    Exposure,
    Namespace,
    Service,
    Workload,
    exposures,
    meta,
    service,
    workload,
)
from archmodel.kube.policies import Policy, parse_policy
from archmodel.kube.scaling import Autoscaler, autoscaler

EXPOSING = frozenset({"Ingress", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "Route"})
# Kinds read for what they mean here but that need no model of their own.
ACKNOWLEDGED = frozenset({"GatewayClass"})
NAME_LABEL = "kubernetes.io/metadata.name"  # set by the API server on every namespace
# Isolation before networking.k8s.io/v1 (Kubernetes <= 1.6): no current cluster enforces it.
LEGACY_ISOLATION = "net.beta.kubernetes.io/network-policy"


@dataclass
class Cluster:
    workloads: list[Workload] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    exposures: list[Exposure] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    namespaces: dict[str, Namespace] = field(default_factory=dict)
    gateways: dict[tuple[str, str], Gateway] = field(default_factory=dict)
    grants: list[ReferenceGrant] = field(default_factory=list)
    autoscalers: list[Autoscaler] = field(default_factory=list)
    not_analysed: Counter[str] = field(default_factory=Counter)  # kind -> objects
    notes: list[str] = field(default_factory=list)  # what was read and set aside, and why

    def namespace(self, name: str) -> Namespace:
        """A namespace that objects live in exists even without its manifest."""
        if name not in self.namespaces:
            self.namespaces[name] = Namespace(name, {NAME_LABEL: name})
        return self.namespaces[name]

    def policies_on(self, pod: Workload, direction: str) -> list[Policy]:
        """The policies that isolate ``pod`` in ``direction`` (ingress or egress)."""
        return [
            p
            for p in self.policies
            if p.namespace == pod.namespace
            and p.rules(direction) is not None
            and p.selector.matches(pod.labels)
        ]

    def backends(self, svc: Service) -> list[Workload]:
        if svc.selector is None:
            return []
        return [w for w in self.workloads if w.namespace == svc.namespace and svc.selector.matches(w.labels)]

    def autoscalers_of(self, w: Workload) -> list[Autoscaler]:
        """The HPAs that scale ``w`` (its namespace, kind and name)."""
        return [
            a
            for a in self.autoscalers
            if a.namespace == w.namespace and a.target_kind == w.kind and a.target_name == w.name
        ]

    def service(self, namespace: str, name: str) -> Service | None:
        return next((s for s in self.services if s.namespace == namespace and s.name == name), None)

    def summary(self) -> str:
        """'37 resources of 9 kinds not analysed: ...' (empty when everything was)."""
        if not self.not_analysed:
            return ""
        total = sum(self.not_analysed.values())
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.not_analysed.items()))
        return f"{total} resources of {len(self.not_analysed)} kinds not analysed: {kinds}"


def read_cluster(directory: Path) -> Cluster:
    return build_cluster(read_manifests(directory))


def build_cluster(docs: list[Doc]) -> Cluster:
    cluster = Cluster()
    for doc in docs:
        try:
            _add(cluster, doc)
        except ManifestError:
            raise
        except (AttributeError, TypeError, ValueError, KeyError) as exc:  # a shape the API rejects
            raise ManifestError(f"{doc.file}:{doc.line}: {doc.kind} is malformed: {exc!r}") from exc
    used = [w.namespace for w in cluster.workloads] + [s.namespace for s in cluster.services]
    for namespace in {*used, *(p.namespace for p in cluster.policies)}:
        cluster.namespace(namespace)
    cluster.exposures = [e for e in cluster.exposures if _attached(cluster, e) and _granted(cluster, e)]
    cluster.notes.extend(_idle_autoscalers(cluster))
    return cluster


def _idle_autoscalers(cluster: Cluster) -> list[str]:
    """An HPA whose target the manifests do not hold scales nothing they deploy (a typo,
    or a target other manifests deploy): said, not compared."""
    known = {(w.namespace, w.kind, w.name) for w in cluster.workloads}
    return [
        f"{a.file}:{a.line}: {a.address} targets {a.target_kind}/{a.target_name}, which the "
        "manifests do not hold: it scales nothing here"
        for a in cluster.autoscalers
        if (a.namespace, a.target_kind, a.target_name) not in known
    ]


def _granted(cluster: Cluster, exposure: Exposure) -> bool:
    """A Gateway API route's backend in another namespace needs a ReferenceGrant there;
    a refused reference exposes nothing, and the report says so."""
    if not exposure.route_namespace:
        return True
    kind = exposure.address.partition("/")[0]
    if permitted(cluster.grants, kind, exposure.route_namespace, exposure.namespace, exposure.service):
        return True
    cluster.notes.append(
        f"{exposure.file}:{exposure.line}: {exposure.address} ({exposure.route_namespace}) refers to "
        f"Service {exposure.namespace}/{exposure.service} with no ReferenceGrant in {exposure.namespace} "
        "allowing it (RefNotPermitted): not exposed through it"
    )
    return False


def _attached(cluster: Cluster, exposure: Exposure) -> bool:
    """A Gateway API route exposes nothing unless a parent Gateway admits it."""
    if not exposure.gateways:
        return True
    return any(
        key not in cluster.gateways
        or cluster.gateways[key].admits(exposure.route_namespace, lambda n: cluster.namespace(n).labels)
        for key in exposure.gateways
    )


def _add(cluster: Cluster, doc: Doc) -> None:
    kind = doc.kind
    if kind in TEMPLATE_PATHS:
        cluster.workloads.append(workload(doc))
    elif kind == "Service":
        cluster.services.append(service(doc))
        cluster.exposures.extend(exposures(doc))
    elif kind in EXPOSING:
        cluster.exposures.extend(exposures(doc))
    elif kind == "Gateway":
        found = gateway(doc)
        cluster.gateways[(found.namespace, found.name)] = found
    elif kind == "HorizontalPodAutoscaler":
        cluster.autoscalers.append(autoscaler(doc))
    elif kind == "ReferenceGrant":
        cluster.grants.append(reference_grant(doc))
    elif kind == "NetworkPolicy":
        cluster.policies.append(parse_policy(doc))
    elif kind == "Namespace":
        name, _ = meta(doc)
        labels = (doc.body.get("metadata") or {}).get("labels") or {}
        ns = cluster.namespace(name)
        ns.labels.update({str(k): str(v) for k, v in labels.items()})
        if LEGACY_ISOLATION in ((doc.body.get("metadata") or {}).get("annotations") or {}):
            cluster.not_analysed[f"Namespace annotation {LEGACY_ISOLATION} (not enforced)"] += 1
    elif kind not in ACKNOWLEDGED:
        cluster.not_analysed[kind] += 1
