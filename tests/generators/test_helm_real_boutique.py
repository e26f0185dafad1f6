"""The Online Boutique example against the real application (GoogleCloudPlatform/
microservices-demo, the manifests and NetworkPolicies in tests/drift/fixtures/online-boutique,
see its SOURCE.md and TRUTH.md): the same Service and container ports, and policies that
allow exactly the calls the application makes (from its ``*_ADDR`` settings), a subset of
what its own hand-written policies allow."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_helm_policies_exact import rendered

from archmodel.kube.cluster import Cluster, read_cluster
from archmodel.kube.mapping import component_of
from archmodel.kube.reach import allowed

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ROOT / "tests" / "drift" / "fixtures" / "online-boutique" / "k8s"
MODEL = ROOT / "models" / "examples" / "online-boutique"
# TRUTH.md, "Flows the app actually uses", pod to pod, on the container port.
CALLS = {
    ("loadgenerator", "frontend", 8080),
    ("frontend", "productcatalogservice", 3550),
    ("frontend", "currencyservice", 7000),
    ("frontend", "cartservice", 7070),
    ("frontend", "recommendationservice", 8080),
    ("frontend", "shippingservice", 50051),
    ("frontend", "checkoutservice", 5050),
    ("frontend", "adservice", 9555),
    ("checkoutservice", "productcatalogservice", 3550),
    ("checkoutservice", "shippingservice", 50051),
    ("checkoutservice", "paymentservice", 50051),
    ("checkoutservice", "emailservice", 8080),
    ("checkoutservice", "currencyservice", 7000),
    ("checkoutservice", "cartservice", 7070),
    ("recommendationservice", "productcatalogservice", 3550),
    ("cartservice", "redis-cart", 6379),
}


def pairs(cluster: Cluster, components: set[str]) -> set[tuple[str, str, int]]:
    ids = {f"{w.namespace}/{w.address}": component_of(w, components) for w in cluster.workloads}
    return {(str(ids[r.source]), str(ids[r.target]), r.port) for r in allowed(cluster) if r.protocol == "TCP"}


def service_ports(cluster: Cluster, components: set[str]) -> dict[str, set[tuple[int, int]]]:
    """Component -> (Service port, container port it reaches)."""
    out: dict[str, set[tuple[int, int]]] = {}
    for svc in cluster.services:
        for w in cluster.backends(svc):
            for sp in svc.ports:
                target = sp.target if isinstance(sp.target, int) else w.named_port(sp.target, sp.protocol)
                assert target is not None
                out.setdefault(str(component_of(w, components)), set()).add((sp.port, target))
    return out


@pytest.fixture(scope="module")
def clusters(tmp_path_factory: pytest.TempPathFactory) -> tuple[Cluster, Cluster, set[str]]:
    graph, _, generated = rendered(MODEL, tmp_path_factory.mktemp("boutique"))
    ours = generated["prod"] if "prod" in generated else generated["default"]
    return ours, read_cluster(UPSTREAM), set(graph.components)


def test_policies_allow_exactly_the_calls_the_application_makes(
    clusters: tuple[Cluster, Cluster, set[str]],
) -> None:
    ours, upstream, components = clusters
    assert pairs(ours, components) == CALLS
    assert pairs(upstream, components) >= CALLS  # the truth table holds for upstream too
    assert pairs(ours, components) < pairs(upstream, components)  # theirs admit any -> frontend


def test_service_and_container_ports_are_the_applications(
    clusters: tuple[Cluster, Cluster, set[str]],
) -> None:
    ours, upstream, components = clusters
    mine, theirs = service_ports(ours, components), service_ports(upstream, components)
    assert set(mine) == set(theirs)  # the load generator has no Service in either
    for cid, ports in theirs.items():
        assert ports <= mine[cid], cid
    # the one extra: the model draws the external load balancer dialling the pods' 8080
    assert {cid: mine[cid] - theirs[cid] for cid in mine if mine[cid] - theirs[cid]} == {
        "frontend": {(8080, 8080)}
    }
    container = {str(component_of(w, components)): {p.port for p in w.ports} for w in upstream.workloads}
    assert {str(component_of(w, components)): {p.port for p in w.ports} for w in ours.workloads} == container
