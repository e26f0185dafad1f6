"""The Kubernetes objects of one container component, built once as Python data.

Leaves that vary by environment or carry model text are ``Value`` placeholders (a path
into the chart's values). ``render.py`` turns the same structure into a Helm template
(placeholders become ``{{ index .Values ... | toJson }}``) and into each environment's
rendered manifests (placeholders become the values), so the two cannot disagree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from archmodel.formats.memo import MEMO_LIMIT
from archmodel.generators.helm.network import (
    COMPONENT_LABEL,
    dns_rule,
    external_peers,
    namespace_of,
    rules,
)
from archmodel.generators.helm.ports import ContainerPort, PortPlan, exposed_ports, plan_ports, transport
from archmodel.generators.helm.storage import claim_template, data_mount, stateful
from archmodel.graph import ArchGraph
from archmodel.model import Component, replica_bounds

# COMPONENT_LABEL ties a workload to its component: on every generated object, selected
# by the NetworkPolicies, and read back by drift from any manifests.
DEFAULT_NAMESPACE = "archmodel"  # a system without an id


@dataclass(frozen=True)
class Value:
    """A placeholder for ``.Values.<path>`` (path parts are constants or model ids)."""

    path: tuple[str, ...]


# A startup probe holds liveness off for up to STARTUP_PERIOD * STARTUP_FAILURES seconds
# (five minutes): a JVM capped at a few hundred millicores takes minutes to start, and
# liveness alone would kill it first, in a loop.
STARTUP_PERIOD = 10
STARTUP_FAILURES = 30
# What the entrypoint of an official store image does as root before it switches user:
# chown the data directory (CHOWN), read it to find what to chown, which holds 0700
# directories of the store's user on every start after the first (DAC_OVERRIDE: the
# narrower DAC_READ_SEARCH is outside the Pod Security Standards' baseline), and switch
# user (SETGID, SETUID).
STORE_CAPABILITIES = ("CHOWN", "DAC_OVERRIDE", "SETGID", "SETUID")
TMP_VOLUME = "tmp"  # the emptyDir at /tmp of a container whose root file system is read-only

NAME_LIMIT = 53  # Helm release names; Kubernetes allows 63 for most objects
HEADLESS_SUFFIX = "-headless"  # 53 + 9 characters: still a Service name
EXTERNAL_SUFFIX = "-external"  # 53 + 9 characters too


@lru_cache(maxsize=MEMO_LIMIT)  # every id is named for each of a chart's objects
def k8s_name(ident: str) -> str:
    """A DNS-1123 label for an id (no ``_``, ends with a letter or digit, at most 53
    characters, a Helm release name's limit); hashed when it had to change, so two ids
    rarely meet in one name (the generator still checks that none do)."""
    name = ident.replace("_", "-")
    if name == ident and not name.endswith("-") and len(name) <= NAME_LIMIT:
        return name
    stem = name[: NAME_LIMIT - 7].rstrip("-")
    return f"{stem}-{hashlib.sha256(ident.encode()).hexdigest()[:6]}"


def headless_name(component: Component) -> str:
    """The Service that gives a store's pods their stable names (``<pod>.<this>``)."""
    return k8s_name(component.id) + HEADLESS_SUFFIX


def scaled(graph: ArchGraph, component: Component) -> bool:
    """Whether an HPA sizes the Deployment: when the model gives a ``max_replicas`` above
    ``replicas``, or, without one, when something calls the component (a load generator
    or a pure consumer is not scaled unless the model asks). Never a store: its pods
    hold different data, and load is no reason to start another empty one."""
    floor, ceiling = replica_bounds(component)  # a store's ceiling is its floor
    if ceiling is not None:
        return ceiling > floor
    return next(graph.flows_into(component.id), None) is not None


def namespace(graph: ArchGraph, component: Component) -> str:
    """The model's ``deploy.namespace``, else one named after the system (never ``default``)."""
    system = graph.model.system.id if graph.model.system.id else DEFAULT_NAMESPACE
    return namespace_of(component, k8s_name(system))


def namespace_object(name: str, env_id: str) -> dict[str, Any]:
    """A namespace the objects live in, for ``kubectl apply`` (a Helm release creates
    only its own, with ``--create-namespace``)."""
    labels = {"app.kubernetes.io/managed-by": "archmodel", "archmodel.io/environment": env_id}
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}


def network_policy(graph: ArchGraph, component: Component, charted: set[str]) -> dict[str, Any]:
    """Ingress only from modelled sources, egress only to modelled targets (and DNS)."""
    ingress, egress = rules(
        graph,
        component,
        charted,
        lambda cid: namespace(graph, graph.components[cid]),
        lambda peer: Value(("peers", peer)),
    )
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _metadata(graph, component),
        "spec": {
            "podSelector": {"matchLabels": {COMPONENT_LABEL: component.id}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": ingress,
            "egress": [*egress, dns_rule()],
        },
    }


def peers_of(graph: ArchGraph, component: Component, charted: set[str]) -> list[str]:
    """Flow neighbours outside the cluster: each is a chart value."""
    return external_peers(graph, component, charted)


def _labels(component: Component) -> dict[str, Any]:
    return {
        "app.kubernetes.io/name": k8s_name(component.id),
        "app.kubernetes.io/managed-by": "archmodel",
        COMPONENT_LABEL: component.id,
        "archmodel.io/environment": Value(("environment",)),
    }


def _metadata(graph: ArchGraph, component: Component) -> dict[str, Any]:
    return {
        "name": k8s_name(component.id),
        "namespace": namespace(graph, component),
        "labels": _labels(component),
        "annotations": Value(("annotations",)),
    }


def _container_ports(ports: tuple[ContainerPort, ...]) -> list[dict[str, Any]]:
    return [{"name": p.name, "containerPort": p.port, "protocol": p.protocol} for p in ports]


def _sidecars(component: Component) -> list[dict[str, Any]]:
    """Sidecar containers; their images are model text, so they are values."""
    sidecars = component.deploy.sidecars if component.deploy else []
    return [
        {
            "name": k8s_name(s.name),
            "image": Value(("sidecars", s.name, "image")),
            "ports": _container_ports(
                tuple(ContainerPort(p.name, p.port, transport(p.protocol)) for p in s.ports)
            ),
        }
        for s in sidecars
    ]


def probes(component: Component, plan: PortPlan) -> dict[str, Any]:
    """Startup, readiness and liveness on the main port: an HTTP GET of ``health_path``
    when the model gives one for an HTTP port, else a TCP connect (a guessed path that
    answers 404 would keep every pod unready and fail the rollout). Liveness and
    readiness start once the startup probe has passed, so a slow starter is not killed."""
    main = plan.main
    if main is None or main.protocol != "TCP":
        return {}
    deploy = component.deploy
    check: dict[str, Any] = {"tcpSocket": {"port": main.name}}
    if deploy and deploy.health_path and main.name in ("http", "https"):
        scheme = "HTTPS" if main.name == "https" else "HTTP"
        check = {"httpGet": {"path": Value(("healthPath",)), "port": main.name, "scheme": scheme}}
    return {
        "startupProbe": {**check, "periodSeconds": STARTUP_PERIOD, "failureThreshold": STARTUP_FAILURES},
        "readinessProbe": {**check, "periodSeconds": 10, "failureThreshold": 3},
        "livenessProbe": {**check, "initialDelaySeconds": 15, "periodSeconds": 20, "failureThreshold": 3},
    }


def security_contexts(component: Component) -> tuple[dict[str, Any], dict[str, Any]]:
    """(container, pod) security contexts of a hardened component. A service runs as
    non-root with no capability at all. The official images of stores (postgres, mysql,
    mongo, redis, rabbitmq) start as root, give the data directory to their user and
    switch to it (gosu, su-exec, setpriv): the kubelet refuses ``runAsNonRoot`` for such
    an image, and the entrypoint needs ``STORE_CAPABILITIES``, which the process loses
    when it switches (see docs/howto/helm.md)."""
    container: dict[str, Any] = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }
    pod: dict[str, Any] = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
    if stateful(component):
        del container["runAsNonRoot"], pod["runAsNonRoot"]
        container["capabilities"] = {"drop": ["ALL"], "add": list(STORE_CAPABILITIES)}
    return container, pod


def _pod_template(graph: ArchGraph, component: Component, hardened: bool) -> dict[str, Any]:
    name = k8s_name(component.id)
    plan = plan_ports(graph, component)
    container: dict[str, Any] = {"name": name, "image": Value(("image",))}
    if plan.container_ports:
        container["ports"] = _container_ports(plan.container_ports)
    container.update(probes(component, plan))
    container["resources"] = Value(("resources",))
    pod: dict[str, Any] = {"serviceAccountName": name, "automountServiceAccountToken": False}
    mounts = [data_mount(Value(("storage", "mountPath")))] if stateful(component) else []
    if hardened:
        container["securityContext"], pod["securityContext"] = security_contexts(component)
        # A read-only root file system, but a writable /tmp: the JVM, Tomcat's work
        # directory, Python's tempfile and mongod's socket all need one.
        mounts.append({"name": TMP_VOLUME, "mountPath": "/tmp"})
        pod["volumes"] = [{"name": TMP_VOLUME, "emptyDir": {}}]
    if mounts:
        container["volumeMounts"] = mounts
    pod["containers"] = [container, *_sidecars(component)]
    return {"metadata": {"labels": _labels(component)}, "spec": pod}


def workload(graph: ArchGraph, component: Component, hardened: bool) -> dict[str, Any]:
    """A Deployment, or for a store a StatefulSet: pods with stable names, started one
    after another, each with its own claim (a Deployment's pods would share one volume
    or, with none, lose the data with the pod)."""
    spec: dict[str, Any] = {} if scaled(graph, component) else {"replicas": Value(("replicas",))}
    spec["selector"] = {"matchLabels": {COMPONENT_LABEL: component.id}}
    kind = "Deployment"
    if stateful(component):
        kind = "StatefulSet"
        spec["serviceName"] = headless_name(component)
        spec["volumeClaimTemplates"] = [claim_template(Value(("storage", "size")))]
    spec["template"] = _pod_template(graph, component, hardened)
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": _metadata(graph, component), "spec": spec}


def service(graph: ArchGraph, component: Component) -> dict[str, Any] | None:
    """One port per port the callers dial, to the container port that serves it;
    none (no Service) when nothing calls the component."""
    plan = plan_ports(graph, component)
    if not plan.service:
        return None
    ports = []
    for p in plan.service:
        port: dict[str, Any] = {
            "name": p.name,
            "port": p.port,
            "targetPort": p.target,
            "protocol": p.protocol,
        }
        if p.app_protocol:
            port["appProtocol"] = p.app_protocol
        ports.append(port)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _metadata(graph, component),
        "spec": {"type": "ClusterIP", "selector": {COMPONENT_LABEL: component.id}, "ports": ports},
    }


def external_name(component: Component) -> str:
    """The LoadBalancer Service that takes outside traffic to the component."""
    return k8s_name(component.id) + EXTERNAL_SUFFIX


def external_service(graph: ArchGraph, component: Component, charted: set[str]) -> dict[str, Any] | None:
    """For a component the model has reached from outside the cluster (``public``, or
    behind a public load balancer or API gateway that no chart runs), a LoadBalancer
    Service on the ports outside traffic arrives at (``exposed_ports``); without it the
    chart, once installed, is out of reach of the clients the model draws. It is apart
    from the ClusterIP Service, so callers in the cluster are not exposed with it.
    ``externalTrafficPolicy: Local`` keeps the client's address, which is what the
    NetworkPolicy's ``peers.<front>`` value names (with ``Cluster`` a node's address
    would arrive instead); the cloud's load balancer checks which nodes run a pod."""
    ports = exposed_ports(graph, component, charted)
    if not ports:
        return None
    listed = [{"name": p.name, "port": p.port, "targetPort": p.target, "protocol": p.protocol} for p in ports]
    spec = {
        "type": "LoadBalancer",
        "externalTrafficPolicy": "Local",
        "selector": {COMPONENT_LABEL: component.id},
        "ports": listed,
    }
    metadata = {**_metadata(graph, component), "name": external_name(component)}
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec}


def headless_service(graph: ArchGraph, component: Component) -> dict[str, Any] | None:
    """For a store, the StatefulSet's governing Service: no cluster IP, so each pod has
    its own DNS name (replicas of a database address one another so). No ports, as
    callers keep dialling the ClusterIP Service, whose ports may differ from the pods'."""
    if not stateful(component):
        return None
    metadata = {**_metadata(graph, component), "name": headless_name(component)}
    spec = {"clusterIP": "None", "selector": {COMPONENT_LABEL: component.id}}
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec}


def service_account(graph: ArchGraph, component: Component) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _metadata(graph, component),
        "automountServiceAccountToken": False,
    }


def autoscaler(graph: ArchGraph, component: Component) -> dict[str, Any]:
    name = k8s_name(component.id)
    cpu = {"type": "Utilization", "averageUtilization": Value(("autoscaling", "targetCPU"))}
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": _metadata(graph, component),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": Value(("autoscaling", "minReplicas")),
            "maxReplicas": Value(("autoscaling", "maxReplicas")),
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": cpu}}],
        },
    }


def manifests(graph: ArchGraph, component: Component, charted: set[str]) -> dict[str, dict[str, Any]]:
    """Template file stem -> object, for one component, in the templates' file order (no
    Service for a component nothing calls, no HPA for one that is not scaled, a
    StatefulSet and its headless Service for a store, a LoadBalancer Service for one
    reached from outside)."""
    hardened = "hardening" in graph.effective_controls(component.id, graph.analysed_environments)
    objects: dict[str, dict[str, Any] | None] = {
        "statefulset" if stateful(component) else "deployment": workload(graph, component, hardened),
        "external": external_service(graph, component, charted),
        "headless": headless_service(graph, component),
        "hpa": autoscaler(graph, component) if scaled(graph, component) else None,
        "networkpolicy": network_policy(graph, component, charted),
        "service": service(graph, component),
        "serviceaccount": service_account(graph, component),
    }
    return {stem: obj for stem, obj in sorted(objects.items()) if obj is not None}
