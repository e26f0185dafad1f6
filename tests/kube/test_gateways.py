"""Gateway API attachment on the cross-namespace fixture (tests/drift/fixtures/
gateway-api-cross-namespace/TRUTH.md): routes of labelled namespaces attach to the shared
Gateway; the route of `no-external-access` does not, so it exposes nothing."""

from __future__ import annotations

from pathlib import Path

from archmodel.kube import read_cluster

FIXTURE = Path(__file__).parents[1] / "drift" / "fixtures" / "gateway-api-cross-namespace" / "k8s"


def test_only_routes_the_gateway_admits_expose_their_backends() -> None:
    cluster = read_cluster(FIXTURE)
    exposed = sorted((e.address, e.namespace, e.service) for e in cluster.exposures)
    assert exposed == [
        ("HTTPRoute/home", "site-ns", "home"),
        ("HTTPRoute/login", "site-ns", "login-v1"),
        ("HTTPRoute/login", "site-ns", "login-v2"),
        ("HTTPRoute/store", "store-ns", "store"),
    ]
    assert not cluster.not_analysed


def test_a_route_to_a_gateway_not_in_the_manifests_is_taken_as_attached(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "kind: HTTPRoute\nmetadata: {name: r, namespace: a}\n"
        "spec: {parentRefs: [{name: elsewhere}], rules: [{backendRefs: [{name: web, port: 80}]}]}\n"
        "---\nkind: Gateway\nmetadata: {name: same-only, namespace: b}\nspec: {listeners: [{name: l, port: 80}]}\n"
        "---\nkind: HTTPRoute\nmetadata: {name: s, namespace: a}\n"
        "spec: {parentRefs: [{name: same-only, namespace: b}], rules: [{backendRefs: [{name: web, port: 80}]}]}\n"
    )
    assert [e.address for e in read_cluster(tmp_path).exposures] == ["HTTPRoute/r"]
