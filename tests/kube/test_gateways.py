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


GRANTS = Path(__file__).parents[1] / "drift" / "fixtures" / "gateway-api-reference-grant" / "k8s"


def test_a_backend_in_another_namespace_is_exposed_only_with_a_reference_grant() -> None:
    """TRUTH.md of gateway-api-reference-grant: 4 cross-namespace references, 2 permitted."""
    cluster = read_cluster(GRANTS)
    exposed = sorted((e.address, e.namespace, e.service) for e in cluster.exposures)
    assert exposed == [
        ("HTTPRoute/invalid-reference-grant", "gateway-conformance-app-backend", "app-backend-v1"),
        ("HTTPRoute/reference-grant", "gateway-conformance-web-backend", "web-backend"),
    ]
    refused = [n.split(": ", 1)[1] for n in cluster.notes]
    assert refused == [
        "HTTPRoute/invalid-reference-grant (gateway-conformance-infra) refers to Service "
        "gateway-conformance-app-backend/app-backend-v2 with no ReferenceGrant in "
        "gateway-conformance-app-backend allowing it (RefNotPermitted): not exposed through it",
        "HTTPRoute/checkout (shop) refers to Service payments/api with no ReferenceGrant in payments "
        "allowing it (RefNotPermitted): not exposed through it",
    ]
    assert "ReferenceGrant" not in cluster.not_analysed  # read, not merely counted


def test_a_grant_for_all_services_permits_any_name_and_same_namespace_needs_none(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "kind: ReferenceGrant\nmetadata: {name: g, namespace: back}\n"
        "spec: {from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: front}],"
        " to: [{group: '', kind: Service}]}\n"
        "---\nkind: HTTPRoute\nmetadata: {name: r, namespace: front}\n"
        "spec: {rules: [{backendRefs: [{name: any, namespace: back, port: 80}, {name: local, port: 80}]}]}\n"
        "---\nkind: GRPCRoute\nmetadata: {name: g, namespace: front}\n"
        "spec: {rules: [{backendRefs: [{name: any, namespace: back, port: 80}]}]}\n"
    )
    cluster = read_cluster(tmp_path)
    assert sorted((e.address, e.namespace, e.service) for e in cluster.exposures) == [
        ("HTTPRoute/r", "back", "any"),
        ("HTTPRoute/r", "front", "local"),
    ]
    assert len(cluster.notes) == 1 and "GRPCRoute/g (front)" in cluster.notes[0]
