"""The drift rules that only Kubernetes has: catalog entries, and where workloads stand
in the model (which component each realises)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from archmodel.catalog import RuleKind, Severity, define
from archmodel.inventory import Inventory, Resource
from archmodel.kube import Cluster
from archmodel.kube.mapping import component_of
from archmodel.kube.objects import Workload

OPEN_NAMESPACE = define(
    "AM505",
    Severity.error,
    "namespace without NetworkPolicy",
    "No NetworkPolicy exists in a namespace that runs components of the model, or none "
    "selects some of their pods for ingress: those pods accept traffic from every pod of "
    "the cluster and from outside, flows or not. Reported once per namespace, not per pair of pods.",
    RuleKind.drift,
    "Add a default-deny NetworkPolicy (`podSelector: {}`, `policyTypes: [Ingress, Egress]`) "
    "and one policy per component admitting its modelled flows.",
)
WIDE_RULE = define(
    "AM506",
    Severity.warning,
    "network rule wider than any flow",
    "A NetworkPolicy rule admits any source or destination, every port, a whole namespace "
    "(`podSelector: {}`), every namespace (`namespaceSelector: {}`) or the internet "
    "(`0.0.0.0/0`, `::/0`), while the model's flows name one peer and port; or a security-group, "
    "firewall or network security group rule in Terraform admits every port or protocol "
    "(`-1`, `0-65535`, `*`, no ports), or any source to no modelled component.",
    RuleKind.drift,
    "Narrow the rule to the peers and ports of the flows it realises.",
)
NO_MATCH = define(
    "AM507",
    Severity.error,
    "NetworkPolicy selector matches no pod",
    "A policy's podSelector, or a peer of one of its rules, matches no pod of the manifests: "
    "usually a label typo (`cart` for `carts`), which leaves the intended pods unprotected "
    "or their traffic blocked.",
    RuleKind.drift,
    "Correct the selector to the labels of the pod template it means, or remove it.",
)
UNDECLARED_EXPOSURE = define(
    "AM508",
    Severity.error,
    "undeclared exposure",
    "A LoadBalancer or NodePort Service, an Ingress or a Gateway API route sends traffic from "
    "outside the cluster to a component the model does not mark `public` and draws behind no "
    "public load balancer or API gateway (a component of kind `load_balancer` or `api_gateway`, "
    "`public`, run by no workload, with a flow to it: the Service, Ingress or route is that "
    "component); or, in Terraform, a "
    "managed endpoint is open to any address (an EKS/GKE/AKS API server without authorised "
    "ranges, a Cloud Run service allUsers may invoke, Azure Redis, Service Bus or SQL without "
    "network rules) while the model does not mark its component `public`.",
    RuleKind.drift,
    "Mark the component `public: true`, or draw the load balancer in front of it (a public "
    "`load_balancer` component with a flow to it), and model who reaches it; or remove the "
    "exposure (narrow the endpoint to authorised ranges, make it private).",
)
MISSING_EXPOSURE = define(
    "AM509",
    Severity.error,
    "declared exposure missing",
    "The model marks a component `public`, or draws a public load balancer or API gateway that "
    "no workload runs with a flow to it, but no LoadBalancer or NodePort Service, Ingress or "
    "route in the manifests exposes the workloads that realise it.",
    RuleKind.drift,
    "Add the Service, Ingress or route that exposes it, or drop `public` (or the public load "
    "balancer in front) from the model.",
)
IMAGE_MISMATCH = define(
    "AM511",
    Severity.error,
    "image differs from the model",
    "A workload that realises a component runs no container of the image the model names for "
    "it (`deploy.image`, or a sidecar's `image`): another repository, or, when the model names "
    "a tag or a digest (`deploy.digest`, `@sha256:…`), another tag or digest. Registries and "
    "Docker Hub's spellings are compared as one (`mongo` is `docker.io/library/mongo`), an "
    "image written without tag or digest is `latest`, and a digest decides over a tag. A model "
    "without an image says nothing. An error: the software that runs is not the software the "
    "model, its threat register and its generated deployment describe.",
    RuleKind.drift,
    "Update the model's image (or tag, or digest) to what is deployed, or deploy what the model names.",
)
REPLICA_MISMATCH = define(
    "AM512",
    Severity.warning,
    "replicas differ from the model",
    "A Deployment or StatefulSet runs another number of replicas (`spec.replicas`) than the "
    "model's `deploy.replicas`; or a HorizontalPodAutoscaler that targets it scales from another "
    "`minReplicas` than `deploy.replicas`, or, when the model names `max_replicas`, up to another "
    "`maxReplicas` than it; or the model scales the component (`max_replicas` above `replicas`) "
    "and no HorizontalPodAutoscaler targets it. With `--env`, the count that environment runs is "
    "accepted as well (one in dev, at least one per availability zone in other tiers, a store "
    "its `replicas` everywhere), as `generate` writes it. An HPA overrides the workload's own "
    "`replicas`, which is then not compared; a model or manifest that leaves the count out says "
    "nothing. A warning: capacity and availability differ from the model, not who reaches what.",
    RuleKind.drift,
    "Set the manifest's replicas (or the HPA's bounds) to the model's, or update the model.",
)
PORT_MISMATCH = define(
    "AM513",
    Severity.error,
    "modelled port not served",
    "A port the model gives a component (`deploy.port`, `deploy.ports`, a sidecar's `ports`, "
    "and `deploy.service_port` when a Service stands in front) is neither a container port of "
    "a workload that realises it nor a port (or target port) of a Service that selects that "
    "workload. A workload that declares no port and has no Service says nothing. An error: "
    "flows, NetworkPolicies and threats of the model are about a port on which nothing listens.",
    RuleKind.drift,
    "Declare the container port (or Service port) the component listens on, or correct the model's port.",
)
KUBE_RULES = (
    OPEN_NAMESPACE,
    WIDE_RULE,
    NO_MATCH,
    UNDECLARED_EXPOSURE,
    MISSING_EXPOSURE,
    IMAGE_MISMATCH,
    REPLICA_MISMATCH,
    PORT_MISMATCH,
)


def key(workload: Workload) -> str:
    return f"{workload.namespace}/{workload.address}"


@dataclass
class Placement:
    """The cluster with each workload's component (None: realises nothing modelled)."""

    cluster: Cluster
    component: dict[str, str | None] = field(default_factory=dict)  # key(workload) -> id

    def of(self, workload: Workload) -> str | None:
        return self.component.get(key(workload))

    def workloads(self, component: str) -> list[Workload]:
        return [w for w in self.cluster.workloads if self.of(w) == component]


def place(cluster: Cluster, components: set[str], explicit: Mapping[str, str] | None = None) -> Placement:
    """Map every workload to its component; ``explicit`` maps workload -> component."""
    placement = Placement(cluster)
    for w in cluster.workloads:
        placement.component[key(w)] = component_of(w, components, explicit)
    return placement


def inventory(placement: Placement) -> Inventory:
    """The workloads as drift resources (for components without, and resources without,
    their counterpart); traffic is compared by the NetworkPolicy semantics instead."""
    inv = Inventory()
    for w in placement.cluster.workloads:
        inv.resources.append(Resource(w.address, placement.of(w), w.file, w.line))
    return inv


def at(item: Any) -> dict[str, Any]:
    """Findings on manifests point at the object's first line."""
    return {"file": item.file, "line": item.line, "column": 1}
