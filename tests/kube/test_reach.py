"""Enumerating what NetworkPolicies allow: every pair on every port, complete because
ports nobody names stand for all the others."""

from __future__ import annotations

from test_semantics import cluster, pod, policy

from archmodel.kube.reach import ANY_OTHER, Reach, allowed

A = "default/Pod/a"
B = "default/Pod/b"
PODS = pod("a", "{app: a}") + pod("b", "{app: b}", ports="[{containerPort: 8080, name: http}]")
DENY_B = "{podSelector: {matchLabels: {app: b}}, policyTypes: [Ingress]"


def tcp(found: set[Reach]) -> set[tuple[str, str, int]]:
    return {(r.source, r.target, r.port) for r in found if r.protocol == "TCP"}


def test_without_policies_everything_reaches_everything_on_every_port() -> None:
    found = tcp(allowed(cluster(PODS)))
    assert {(A, B, ANY_OTHER), (B, A, ANY_OTHER), (A, B, 8080), (A, A, ANY_OTHER)} <= found


def test_a_rule_admits_its_peer_on_its_port_only() -> None:
    rule = "ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{port: 8080}]}]}"
    found = tcp(allowed(cluster(PODS + policy(f"{DENY_B}, {rule}"))))
    assert {(s, t, p) for s, t, p in found if t == B} == {(A, B, 8080)}


def test_a_rule_without_ports_shows_as_any_other_port() -> None:
    rule = "ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]}"
    found = tcp(allowed(cluster(PODS + policy(f"{DENY_B}, {rule}"))))
    assert {(s, t, p) for s, t, p in found if t == B} == {(A, B, 8080), (A, B, ANY_OTHER)}


def test_a_port_range_is_seen_at_its_ends_and_not_past_them() -> None:
    rule = (
        "ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{port: 9000, endPort: 9010}]}]}"
    )
    found = tcp(allowed(cluster(PODS + policy(f"{DENY_B}, {rule}"))))
    assert {p for s, t, p in found if t == B} == {9000, 9010}
