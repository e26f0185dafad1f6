"""Drift between the model and Kubernetes manifests, by NetworkPolicy semantics."""

from __future__ import annotations

from collections.abc import Mapping

from archmodel.diagnostics import Diagnostic
from archmodel.drift.kube_deploy import deployment_drift
from archmodel.drift.kube_exposure import exposure_drift
from archmodel.drift.kube_flows import blocked_flows
from archmodel.drift.kube_policies import policy_drift
from archmodel.drift.kube_rules import Placement, place
from archmodel.kube import Cluster
from archmodel.project import Project


def placement_of(project: Project, cluster: Cluster, explicit: Mapping[str, str] | None = None) -> Placement:
    return place(cluster, set(project.graph.components), explicit)


def kubernetes_drift(project: Project, placement: Placement) -> list[Diagnostic]:
    """Blocked flows, open namespaces, unmodelled and wide rules, selectors matching
    nothing, exposure the model does not agree with, and images, replicas and ports
    other than the model's."""
    return [
        *blocked_flows(project, placement),
        *policy_drift(project.graph, placement),
        *exposure_drift(project, placement),
        *deployment_drift(project, placement),
    ]
