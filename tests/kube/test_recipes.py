"""The NetworkPolicy recipes (one scenario per file) against their hand-worked truth table
(tests/drift/fixtures/k8s-netpol-recipes/TRUTH.md)."""

from __future__ import annotations

import ipaddress
import shutil
from pathlib import Path

import pytest

from archmodel.kube import External, connection, read_cluster
from archmodel.kube.cluster import Cluster
from archmodel.kube.verdict import Endpoint

RECIPES = Path(__file__).parents[1] / "drift" / "fixtures" / "k8s-netpol-recipes"

# (file, source, target, port, protocol, allowed): pods as namespace/name, outside sources as IPs.
TRUTH = [
    ("01-deny-all-to-app", "default/client", "default/web", 80, "TCP", False),
    ("01-deny-all-to-app", "8.8.8.8", "default/web", 80, "TCP", False),
    ("01-deny-all-to-app", "default/web", "default/client", 80, "TCP", True),
    ("02-limit-traffic-to-app", "default/bookstore-frontend", "default/apiserver", 80, "TCP", True),
    ("02-limit-traffic-to-app", "default/client", "default/apiserver", 80, "TCP", False),
    ("02a-allow-all-to-app", "default/client", "default/web", 80, "TCP", True),
    ("02a-allow-all-to-app", "8.8.8.8", "default/web", 80, "TCP", True),
    ("03-default-deny-all-ingress", "default/client", "default/web", 80, "TCP", False),
    ("03-default-deny-all-ingress", "default/web", "default/client", 80, "TCP", False),
    ("04-deny-from-other-namespaces", "default/client-default", "default/web", 80, "TCP", True),
    ("04-deny-from-other-namespaces", "foo/client", "default/web", 80, "TCP", False),
    ("04-deny-from-other-namespaces", "8.8.8.8", "default/web", 80, "TCP", False),
    ("05-allow-from-all-namespaces", "secondary/client", "default/web", 80, "TCP", True),
    ("05-allow-from-all-namespaces", "8.8.8.8", "default/web", 80, "TCP", False),
    ("06-allow-from-a-namespace", "prod/client", "default/web", 80, "TCP", True),
    ("06-allow-from-a-namespace", "dev/client", "default/web", 80, "TCP", False),
    ("07-allow-from-some-pods-in-another-ns", "other/monitor", "default/web", 80, "TCP", True),
    ("07-allow-from-some-pods-in-another-ns", "default/monitor", "default/web", 80, "TCP", False),
    ("07-allow-from-some-pods-in-another-ns", "other/client", "default/web", 80, "TCP", False),
    ("07-allow-from-some-pods-in-another-ns", "default/client", "default/web", 80, "TCP", False),
    ("08-allow-external", "8.8.8.8", "default/web", 443, "TCP", True),
    ("08b-allow-external-port80", "8.8.8.8", "default/web", 80, "TCP", True),
    ("08b-allow-external-port80", "8.8.8.8", "default/web", 443, "TCP", False),
    ("09-allow-only-to-a-port", "default/monitor", "default/apiserver", 5000, "TCP", True),
    ("09-allow-only-to-a-port", "default/monitor", "default/apiserver", 8000, "TCP", False),
    ("09-allow-only-to-a-port", "default/client", "default/apiserver", 5000, "TCP", False),
    ("09b-allow-only-to-a-named-port", "default/monitor", "default/apiserver", 5000, "TCP", True),
    ("09b-allow-only-to-a-named-port", "default/monitor", "default/apiserver", 8000, "TCP", False),
    ("09b-allow-only-to-a-named-port", "default/client", "default/apiserver", 5000, "TCP", False),
    ("10-multiple-selectors", "default/bookstore-search", "default/db", 6379, "TCP", True),
    ("10-multiple-selectors", "default/inventory-web", "default/db", 6379, "TCP", True),
    ("10-multiple-selectors", "default/bookstore-frontend", "default/db", 6379, "TCP", False),
    ("10-multiple-selectors", "default/other", "default/db", 6379, "TCP", False),
    ("11-deny-egress-from-app", "default/foo", "kube-system/coredns", 53, "UDP", True),
    ("11-deny-egress-from-app", "default/foo", "kube-system/coredns", 53, "TCP", True),
    ("11-deny-egress-from-app", "default/foo", "kube-system/coredns", 80, "TCP", False),
    ("11-deny-egress-from-app", "default/foo", "default/web", 80, "TCP", False),
    ("11-deny-egress-from-app", "default/web", "default/foo", 80, "TCP", True),
    ("12-default-deny-all-egress", "default/client", "default/web", 80, "TCP", False),
    ("14-deny-external-egress", "default/foo", "kube-system/coredns", 53, "UDP", True),
    ("14-deny-external-egress", "default/foo", "default/web", 80, "TCP", False),
    ("15-endport-all-ports", "default/client", "kube-system/kube-dns", 53, "UDP", True),
    ("15-endport-all-ports", "8.8.8.8", "kube-system/kube-dns", 65535, "SCTP", True),
    ("16-ipblock-except", "192.168.1.10", "kube-system/frontend", 53, "TCP", True),
    ("16-ipblock-except", "8.8.8.8", "kube-system/frontend", 53, "TCP", True),
    ("16-ipblock-except", "10.1.2.3", "kube-system/frontend", 53, "TCP", False),
    ("16-ipblock-except", "172.30.4.5", "kube-system/frontend", 53, "TCP", False),
    ("16-ipblock-except", "8.8.8.8", "kube-system/frontend", 53, "UDP", False),
    ("16-ipblock-except", "2001:db8::1", "kube-system/frontend", 53, "TCP", False),
    ("16-ipblock-except", "8.8.8.8", "kube-system/frontend", 80, "TCP", False),
    ("16-ipblock-except", "10.1.2.3", "kube-system/backend", 53, "TCP", True),
]


def cluster_of(name: str, tmp_path: Path) -> Cluster:
    (tmp_path / "k8s").mkdir()
    shutil.copy(RECIPES / f"{name}.yaml", tmp_path / "k8s")
    return read_cluster(tmp_path / "k8s")


def endpoint(cluster: Cluster, ref: str) -> Endpoint:
    if "/" not in ref:
        return External(ipaddress.ip_address(ref))
    namespace, name = ref.split("/")
    found = [w for w in cluster.workloads if w.namespace == namespace and w.name == name]
    assert found, f"no pod {ref}"
    return found[0]


@pytest.mark.parametrize(("recipe", "source", "target", "port", "protocol", "allowed"), TRUTH)
def test_recipe_truth_table(
    recipe: str, source: str, target: str, port: int, protocol: str, allowed: bool, tmp_path: Path
) -> None:
    cluster = cluster_of(recipe, tmp_path)
    src, dst = endpoint(cluster, source), endpoint(cluster, target)
    verdict = connection(cluster, src, dst, port, protocol)
    assert verdict.allowed is allowed, verdict.why(src, dst, port, protocol)


def test_every_recipe_is_in_the_truth_table() -> None:
    assert {p.stem for p in RECIPES.glob("*.yaml")} == {row[0] for row in TRUTH}
