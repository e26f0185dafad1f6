"""Kubernetes semantics: plain manifests read safely, the objects that carry traffic
(workloads, Services, exposure) and NetworkPolicies with their full meaning.

Nothing here knows the architecture model: drift compares the model with what this
package says the cluster allows.
"""

from archmodel.kube.cluster import Cluster, read_cluster
from archmodel.kube.manifests import ManifestError, NeedsRendering
from archmodel.kube.verdict import External, Verdict, connection

__all__ = [
    "Cluster",
    "External",
    "ManifestError",
    "NeedsRendering",
    "Verdict",
    "connection",
    "read_cluster",
]
