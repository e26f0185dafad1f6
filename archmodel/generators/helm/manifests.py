"""The Kubernetes objects of one container component, built once as Python data.

Leaves that vary by environment or carry model text are ``Value`` placeholders (a path
into the chart's values). ``render.py`` turns the same structure into a Helm template
(placeholders become ``{{ index .Values ... | toJson }}``) and into each environment's
rendered manifests (placeholders become the values), so the two cannot disagree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from archmodel.graph import ArchGraph
from archmodel.model import Component, Flow, NamedPort, default_port

COMPONENT_LABEL = "archmodel.io/component"
HTTP_PORT = 8080
PORT_DEFAULTS = {"https": 443, "http": 80, "sql": 5432, "redis": 6379, "kafka": 9092, "amqp": 5672}


@dataclass(frozen=True)
class Value:
    """A placeholder for ``.Values.<path>`` (path parts are constants or model ids)."""

    path: tuple[str, ...]


NAME_LIMIT = 53  # Helm release names; Kubernetes allows 63 for most objects


def k8s_name(ident: str) -> str:
    """A DNS-1123 label for an id (no ``_``, ends with a letter or digit, at most 53
    characters, a Helm release name's limit); hashed when it had to change, so two ids
    rarely meet in one name (the generator still checks that none do)."""
    name = ident.replace("_", "-")
    if name == ident and not name.endswith("-") and len(name) <= NAME_LIMIT:
        return name
    stem = name[: NAME_LIMIT - 7].rstrip("-")
    return f"{stem}-{hashlib.sha256(ident.encode()).hexdigest()[:6]}"


def container_port(component: Component) -> int:
    return component.deploy.port if component.deploy and component.deploy.port else HTTP_PORT


def _flow_port(flow: Flow, target: Component, in_cluster: bool) -> int:
    if in_cluster:
        return container_port(target)
    if flow.port:
        return flow.port
    if target.deploy and target.deploy.port:
        return target.deploy.port
    if flow.protocol is None:
        return 443
    return PORT_DEFAULTS.get(flow.protocol, default_port(flow.protocol) or 443)


def _peer(graph: ArchGraph, cid: str, charted: set[str]) -> dict[str, Any]:
    if cid in charted:
        return {"podSelector": {"matchLabels": {COMPONENT_LABEL: cid}}}
    return {"ipBlock": {"cidr": Value(("peerCidrs", cid))}}


def _protocol(flow: Flow) -> str:
    return "UDP" if flow.protocol == "dns" else "TCP"


def network_policy(graph: ArchGraph, component: Component, charted: set[str]) -> dict[str, Any]:
    """Ingress only from modelled sources, egress only to modelled targets (and DNS)."""
    cid, port = component.id, container_port(component)
    inbound = sorted(graph.flows_into(cid), key=lambda f: f.id)
    outbound = sorted(graph.flows_out_of(cid), key=lambda f: f.id)
    ingress = [
        {"from": [_peer(graph, f.source, charted)], "ports": [{"port": port, "protocol": _protocol(f)}]}
        for f in inbound
    ]
    egress: list[dict[str, Any]] = [
        {
            "to": [_peer(graph, f.target, charted)],
            "ports": [
                {
                    "port": _flow_port(f, graph.components[f.target], f.target in charted),
                    "protocol": _protocol(f),
                }
            ],
        }
        for f in outbound
    ]
    dns = {"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
    egress.append({"to": [dns], "ports": [{"port": 53, "protocol": p} for p in ("UDP", "TCP")]})
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _metadata(component),
        "spec": {
            "podSelector": {"matchLabels": {COMPONENT_LABEL: cid}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": ingress,
            "egress": egress,
        },
    }


def peers_of(graph: ArchGraph, component: Component, charted: set[str]) -> list[str]:
    """Flow neighbours outside the cluster: their CIDRs are chart values."""
    cid = component.id
    ends = {f.source for f in graph.flows_into(cid)} | {f.target for f in graph.flows_out_of(cid)}
    return sorted(ends - charted)


def _labels(component: Component) -> dict[str, Any]:
    return {
        "app.kubernetes.io/name": k8s_name(component.id),
        "app.kubernetes.io/managed-by": "archmodel",
        COMPONENT_LABEL: component.id,
        "archmodel.io/environment": Value(("environment",)),
    }


def _metadata(component: Component) -> dict[str, Any]:
    return {
        "name": k8s_name(component.id),
        "labels": _labels(component),
        "annotations": Value(("annotations",)),
    }


def _ports(main: int | None, named: list[NamedPort]) -> list[dict[str, Any]]:
    """Container ports: the main one as ``http`` (when there is one), then the named ones."""
    ports = [{"name": "http", "containerPort": main, "protocol": "TCP"}] if main else []
    return ports + [
        {"name": p.name, "containerPort": p.port, "protocol": "UDP" if p.protocol == "dns" else "TCP"}
        for p in named
    ]


def _sidecars(component: Component) -> list[dict[str, Any]]:
    """Sidecar containers; their images are model text, so they are values."""
    sidecars = component.deploy.sidecars if component.deploy else []
    return [
        {
            "name": k8s_name(s.name),
            "image": Value(("sidecars", s.name, "image")),
            "ports": _ports(None, s.ports),
        }
        for s in sidecars
    ]


def deployment(component: Component, hardened: bool) -> dict[str, Any]:
    name = k8s_name(component.id)
    named = component.deploy.ports if component.deploy else []
    container: dict[str, Any] = {
        "name": name,
        "image": Value(("image",)),
        "ports": _ports(container_port(component), named),
        "resources": Value(("resources",)),
    }
    pod: dict[str, Any] = {"serviceAccountName": name, "automountServiceAccountToken": False}
    if hardened:
        container["securityContext"] = {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        }
        pod["securityContext"] = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
    pod["containers"] = [container, *_sidecars(component)]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _metadata(component),
        "spec": {
            "replicas": Value(("replicas",)),
            "selector": {"matchLabels": {COMPONENT_LABEL: component.id}},
            "template": {"metadata": {"labels": _labels(component)}, "spec": pod},
        },
    }


def service(component: Component) -> dict[str, Any]:
    """One ClusterIP port: ``service_port`` when the model gives one, forwarded to the
    container's ``http`` port."""
    deploy = component.deploy
    port = deploy.service_port if deploy and deploy.service_port else container_port(component)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _metadata(component),
        "spec": {
            "type": "ClusterIP",
            "selector": {COMPONENT_LABEL: component.id},
            "ports": [{"name": "http", "port": port, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def service_account(component: Component) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _metadata(component),
        "automountServiceAccountToken": False,
    }


def autoscaler(component: Component) -> dict[str, Any]:
    name = k8s_name(component.id)
    cpu = {"type": "Utilization", "averageUtilization": Value(("autoscaling", "targetCPU"))}
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": _metadata(component),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": Value(("autoscaling", "minReplicas")),
            "maxReplicas": Value(("autoscaling", "maxReplicas")),
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": cpu}}],
        },
    }


def manifests(graph: ArchGraph, component: Component, charted: set[str]) -> dict[str, dict[str, Any]]:
    """Template file stem -> object, for one component."""
    hardened = "hardening" in graph.effective_controls(component.id, graph.analysed_environments)
    return {
        "deployment": deployment(component, hardened),
        "hpa": autoscaler(component),
        "networkpolicy": network_policy(graph, component, charted),
        "service": service(component),
        "serviceaccount": service_account(component),
    }
