"""A first model from Kubernetes manifests: components from workloads, flows from what
the NetworkPolicies name, exposure from LoadBalancer/NodePort Services, Ingresses and
routes.

Only traffic a policy names peer by peer becomes a flow: an open namespace or a rule
admitting any peer says nothing about which calls the application makes, so those are
left out (drift reports them). Importing and then running drift on the same manifests
reports no blocked and no unmodelled flow.
"""

from __future__ import annotations

import re
from typing import Any

from archmodel.drift.imported import flows as written_flows
from archmodel.drift.imported import model as starter
from archmodel.kube import Cluster, connection
from archmodel.kube.mapping import LABEL_ORDER
from archmodel.kube.objects import Workload
from archmodel.kube.policies import Policy, Rule
from archmodel.kube.verdict import peer_matches, port_matches

KINDS = (
    ("cache", ("redis", "memcached", "valkey")),
    ("database", ("postgres", "mysql", "mariadb", "mongo", "cassandra", "cockroach")),
    ("queue", ("rabbitmq", "kafka", "nats", "activemq")),
)
OUTSIDE = "clients"


def component_id(workload: Workload) -> str:
    """The first mapping label's value (or the workload name), as a model id."""
    value = next((v for k in LABEL_ORDER if (v := workload.labels.get(k))), workload.name)
    ident = re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-_")
    return (ident if ident[:1].isalpha() else f"w-{ident}")[:63] or "workload"


def import_model(cluster: Cluster, name: str) -> dict[str, Any]:
    """A model (as plain data, ready to dump as YAML) of the cluster's applications."""
    ids = {id(w): component_id(w) for w in cluster.workloads}
    exposed = _exposed(cluster, ids)
    components: dict[str, dict[str, Any]] = {}
    for w in cluster.workloads:
        components.setdefault(ids[id(w)], _component(w, ids[id(w)], ids[id(w)] in exposed))
    flows = {*_policy_flows(cluster, ids), *((OUTSIDE, c, p) for c, p in exposed.items())}
    zones = sorted({w.namespace for w in cluster.workloads})
    outside = [{"id": OUTSIDE, "kind": "actor", "name": "Clients", "zone": "internet"}] if exposed else []
    return starter(
        name,
        [{"id": zone_id(z), "name": f"namespace {z}", "trust": "internal"} for z in zones],
        outside + list(components.values()),
        written_flows(flows),
    )


def zone_id(namespace: str) -> str:
    ident = re.sub(r"[^a-z0-9_-]+", "-", namespace.lower()).strip("-_")
    return f"ns-{ident}"[:63]


def _component(w: Workload, ident: str, public: bool) -> dict[str, Any]:
    kind = next((k for k, words in KINDS if any(word in ident for word in words)), "service")
    deploy: dict[str, Any] = {"runtime": "container"}
    if w.ports:
        deploy["port"] = w.ports[0].port
    out: dict[str, Any] = {
        "id": ident,
        "kind": kind,
        "name": w.name,
        "zone": zone_id(w.namespace),
    }
    if public:
        out["public"] = True
    out["deploy"] = deploy
    return out


def _exposed(cluster: Cluster, ids: dict[int, str]) -> dict[str, int | None]:
    """Exposed components with the port outside traffic arrives at (the Service port)."""
    out: dict[str, int | None] = {}
    for exposure in cluster.exposures:
        svc = cluster.service(exposure.namespace, exposure.service)
        for w in cluster.backends(svc) if svc is not None else []:
            out.setdefault(ids[id(w)], svc.ports[0].port if svc is not None and svc.ports else None)
    return out


def _policy_flows(cluster: Cluster, ids: dict[int, str]) -> set[tuple[str, str, int | None]]:
    found: set[tuple[str, str, int | None]] = set()
    for policy in cluster.policies:
        for rule in policy.ingress or ():
            for target in cluster.workloads:
                if target.namespace == policy.namespace and policy.selector.matches(target.labels):
                    found |= _named(cluster, ids, policy, rule, target)
    return found


def _named(
    cluster: Cluster, ids: dict[int, str], policy: Policy, rule: Rule, target: Workload
) -> set[tuple[str, str, int | None]]:
    """Flows from the pods a rule names, peer by peer, to ``target`` on the ports it
    admits and the target listens on; both ends' policies must allow them."""
    found: set[tuple[str, str, int | None]] = set()
    peers = [p for p in rule.peers or () if p.block is None and not p.wide]
    for peer in peers:
        for source in cluster.workloads:
            if source is target or ids[id(source)] == ids[id(target)]:
                continue
            if not peer_matches(cluster, policy, peer, source):
                continue
            for port in target.ports:
                admitted = rule.ports is None or any(
                    port_matches(r, target, port.port, port.protocol) for r in rule.ports
                )
                if admitted and connection(cluster, source, target, port.port, port.protocol).allowed:
                    found.add((ids[id(source)], ids[id(target)], port.port))
    return found
