"""One small case per rule of NetworkPolicy semantics, on manifests written inline."""

from __future__ import annotations

import ipaddress

import yaml

from archmodel.kube import External, connection
from archmodel.kube.cluster import Cluster, build_cluster
from archmodel.kube.manifests import Doc
from archmodel.kube.objects import Workload


def cluster(text: str) -> Cluster:
    return build_cluster([Doc(d, "inline.yaml", 1) for d in yaml.safe_load_all(text) if d])


def pod(name: str, labels: str, namespace: str = "default", ports: str = "[]") -> str:
    return (
        f"kind: Pod\nmetadata: {{name: {name}, namespace: {namespace}, labels: {labels}}}\n"
        f"spec: {{containers: [{{name: c, ports: {ports}}}]}}\n---\n"
    )


def policy(spec: str, namespace: str = "default", name: str = "p") -> str:
    return f"kind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {namespace}}}\nspec: {spec}\n---\n"


def w(c: Cluster, name: str) -> Workload:
    return next(x for x in c.workloads if x.name == name)


def allowed(c: Cluster, source: str, target: str, port: int = 80, protocol: str = "TCP") -> bool:
    src = External(ipaddress.ip_address(source)) if source[0].isdigit() else w(c, source)
    return connection(c, src, w(c, target), port, protocol).allowed


PODS = pod("db", "{app: db, tier: data}") + pod("web", "{app: web, env: prod}") + pod("job", "{app: job}")


def test_a_pod_no_policy_selects_is_open() -> None:
    c = cluster(PODS + policy("{podSelector: {matchLabels: {app: web}}, ingress: []}"))
    assert allowed(c, "web", "db") and allowed(c, "8.8.8.8", "db")
    assert not allowed(c, "db", "web")


def test_match_expressions_not_in_matches_pods_without_the_key() -> None:
    spec = "{podSelector: {matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}, ingress: []}"
    c = cluster(PODS + policy(spec))
    assert allowed(c, "db", "web")  # env=prod: not selected
    assert not allowed(c, "web", "db") and not allowed(c, "web", "job")  # no env key: selected


def test_match_expressions_exists_and_does_not_exist() -> None:
    ingress = "ingress: [{from: [{podSelector: {matchExpressions: [{key: env, operator: Exists}]}}]}]"
    spec = f"{{podSelector: {{matchExpressions: [{{key: env, operator: DoesNotExist}}]}}, {ingress}}}"
    c = cluster(PODS + policy(spec))
    assert allowed(c, "web", "db") and not allowed(c, "job", "db")


def test_match_labels_and_expressions_are_anded() -> None:
    sel = "{matchLabels: {app: db}, matchExpressions: [{key: tier, operator: In, values: [cache]}]}"
    c = cluster(PODS + policy(f"{{podSelector: {sel}, ingress: []}}"))
    assert allowed(c, "web", "db")  # tier=data: not selected


def test_null_match_labels_selects_every_pod() -> None:
    c = cluster(PODS + policy("{podSelector: {matchLabels: null}}"))
    assert not allowed(c, "web", "db") and not allowed(c, "db", "web")


def test_policy_types_default_to_ingress_plus_egress_when_egress_rules_exist() -> None:
    c = cluster(PODS + policy("{podSelector: {matchLabels: {app: web}}, egress: [{ports: [{port: 53}]}]}"))
    assert not allowed(c, "web", "db")  # egress isolated: only 53
    assert allowed(c, "web", "db", 53)
    assert not allowed(c, "db", "web")  # ingress isolated too, no ingress rule


def test_egress_only_policy_leaves_ingress_open() -> None:
    c = cluster(PODS + policy("{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress]}"))
    assert allowed(c, "db", "web") and not allowed(c, "web", "db")


def test_allowed_traffic_is_the_union_of_all_policies() -> None:
    deny = policy("{podSelector: {}, policyTypes: [Ingress]}", name="deny")
    allow = policy(
        "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]}"
    )
    c = cluster(PODS + deny + allow)
    assert allowed(c, "web", "db") and not allowed(c, "job", "db")


def test_both_sides_must_allow() -> None:
    ingress = policy("{podSelector: {matchLabels: {app: db}}, ingress: [{}]}", name="in")
    egress = policy("{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress]}", name="out")
    c = cluster(PODS + ingress + egress)
    verdict = connection(c, w(c, "web"), w(c, "db"), 80)
    assert not verdict.allowed and verdict.direction == "egress"
    assert [p.name for p in verdict.policies] == ["out"]


NAMESPACES = (
    "kind: Namespace\nmetadata: {name: ops, labels: {team: operations}}\n---\n"
    + pod("db", "{app: db}")
    + pod("mon", "{type: monitoring}", "ops")
    + pod("other", "{app: other}", "ops")
    + pod("local-mon", "{type: monitoring}")
)


def test_namespace_selector_and_pod_selector_in_one_peer_are_anded() -> None:
    peer = "{namespaceSelector: {matchLabels: {team: operations}}, podSelector: {matchLabels: {type: monitoring}}}"
    c = cluster(
        NAMESPACES + policy(f"{{podSelector: {{matchLabels: {{app: db}}}}, ingress: [{{from: [{peer}]}}]}}")
    )
    assert allowed(c, "mon", "db")
    assert not allowed(c, "other", "db") and not allowed(c, "local-mon", "db")


def test_separate_peers_are_ored() -> None:
    peers = "[{namespaceSelector: {matchLabels: {team: operations}}}, {podSelector: {matchLabels: {type: monitoring}}}]"
    c = cluster(
        NAMESPACES + policy(f"{{podSelector: {{matchLabels: {{app: db}}}}, ingress: [{{from: {peers}}}]}}")
    )
    assert allowed(c, "mon", "db") and allowed(c, "other", "db") and allowed(c, "local-mon", "db")


def test_pod_selector_alone_means_the_policy_namespace() -> None:
    c = cluster(
        NAMESPACES + policy("{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {}}]}]}")
    )
    assert allowed(c, "local-mon", "db") and not allowed(c, "mon", "db")


def test_namespaces_are_matched_by_their_name_label() -> None:
    peer = "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops}}}"
    c = cluster(
        NAMESPACES + policy(f"{{podSelector: {{matchLabels: {{app: db}}}}, ingress: [{{from: [{peer}]}}]}}")
    )
    assert allowed(c, "other", "db") and not allowed(c, "local-mon", "db")


def test_ip_block_except() -> None:
    block = "{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}"
    c = cluster(
        PODS + policy(f"{{podSelector: {{matchLabels: {{app: db}}}}, ingress: [{{from: [{block}]}}]}}")
    )
    assert allowed(c, "10.2.3.4", "db") and not allowed(c, "10.1.3.4", "db")
    assert not allowed(c, "192.168.1.1", "db")
    assert not allowed(c, "web", "db")  # pods are matched by selectors, not by ipBlock


def test_end_port_is_an_inclusive_range() -> None:
    ports = "[{port: 8000, endPort: 8100}]"
    c = cluster(
        PODS + policy(f"{{podSelector: {{matchLabels: {{app: db}}}}, ingress: [{{ports: {ports}}}]}}")
    )
    assert allowed(c, "web", "db", 8000) and allowed(c, "web", "db", 8100)
    assert not allowed(c, "web", "db", 8101) and not allowed(c, "web", "db", 7999)


def test_protocol_defaults_to_tcp_and_must_match() -> None:
    c = cluster(PODS + policy("{podSelector: {matchLabels: {app: db}}, ingress: [{ports: [{port: 53}]}]}"))
    assert allowed(c, "web", "db", 53, "TCP") and not allowed(c, "web", "db", 53, "UDP")


def test_named_port_resolves_against_the_destination_pod() -> None:
    api = pod(
        "api", "{app: api}", ports="[{name: http, containerPort: 5000}, {name: metrics, containerPort: 9000}]"
    )
    other = pod("api2", "{app: api}", ports="[{name: http, containerPort: 6000}]")
    c = cluster(
        PODS
        + api
        + other
        + policy("{podSelector: {matchLabels: {app: api}}, ingress: [{ports: [{port: http}]}]}")
    )
    assert allowed(c, "web", "api", 5000) and not allowed(c, "web", "api", 9000)
    assert allowed(c, "web", "api2", 6000) and not allowed(c, "web", "api2", 5000)


def test_named_port_in_egress_resolves_against_the_destination() -> None:
    api = pod("api", "{app: api}", ports="[{name: http, containerPort: 5000}]")
    c = cluster(
        PODS + api + policy("{podSelector: {matchLabels: {app: web}}, egress: [{ports: [{port: http}]}]}")
    )
    assert allowed(c, "web", "api", 5000) and not allowed(c, "web", "db", 5000)
