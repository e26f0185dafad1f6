"""`archmodel drift --k8s` on real applications, against the truth tables worked out by
hand in each fixture's TRUTH.md: which modelled flows are blocked and why, and the
exact set of reports (correct, false and missed are counted; all must be zero but correct).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from drift_records import findings

from archmodel.cli.main import cli
from archmodel.kube import connection, read_cluster
from archmodel.kube.verdict import CONTROLLER

FIXTURES = Path(__file__).parent / "fixtures"

# Sock Shop: four modelled flows blocked, three selectors that match nothing (TRUTH.md).
SOCK_SHOP = {
    (
        "AM504",
        "flow 'front-end->carts' is blocked: the ingress of Deployment/carts is isolated by "
        "NetworkPolicy/sock-shop/cortex-access",
    ),  # cart-access selects `name: cart`, pods are `carts`
    (
        "AM504",
        "flow 'orders->carts' is blocked: the ingress of Deployment/carts is isolated by "
        "NetworkPolicy/sock-shop/cortex-access",
    ),
    (
        "AM504",
        "flow 'carts->carts-db' is blocked: the ingress of Deployment/carts-db is isolated by "
        "NetworkPolicy/sock-shop/carts-db-access, NetworkPolicy/sock-shop/cortex-access",
    ),
    (
        "AM504",
        "flow 'front-end->session-db' is blocked: the ingress of Deployment/session-db is isolated by "
        "NetworkPolicy/sock-shop/cortex-access",
    ),  # no policy for session-db; cortex-access selects all
    ("AM507", "NetworkPolicy/sock-shop/cart-access selects no pod: podSelector name=cart"),
    ("AM507", "NetworkPolicy/sock-shop/carts-db-access ingress rule 1: peer pods name=cart matches no pod"),
    ("AM507", "NetworkPolicy/sock-shop/cortex-access ingress rule 1: peer pods name=cortex matches no pod"),
}

# Online Boutique: every flow allowed (emailservice's Service 5000 -> 8080 is no mismatch);
# the frontend's `ingress: [{}]` admits every port and every pod's `egress: [{}]` is open.
BOUTIQUE_EGRESS = [
    "adservice",
    "cartservice",
    "checkoutservice",
    "currencyservice",
    "emailservice",
    "frontend",
    "loadgenerator",
    "paymentservice",
    "productcatalogservice",
    "recommendationservice",
    "redis-cart",
    "shippingservice",
]
ONLINE_BOUTIQUE = {
    ("AM506", "NetworkPolicy/default/frontend ingress rule 1 is wider than any flow: admits every port"),
    *(
        (
            "AM506",
            f"NetworkPolicy/default/{name} egress rule 1 is wider than any flow: "
            "admits any destination, every port",
        )
        for name in BOUTIQUE_EGRESS
    ),
}


def reports(name: str, k8s: Path | None = None, model: Path | None = None) -> set[tuple[str, str]]:
    model = model or FIXTURES / name
    args = ["drift", str(model), "--k8s", str(k8s or FIXTURES / name / "k8s"), "--format", "json"]
    result = CliRunner().invoke(cli, args)
    return {(d["code"], d["message"]) for d in findings(result.stdout)}


def score(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, int]:
    """A report is correct when its message starts with a true one (the rest is the
    explanation, e.g. the port and source)."""
    correct = {t for t in truth if any(f[0] == t[0] and f[1].startswith(t[1]) for f in found)}
    false = {f for f in found if not any(f[0] == t[0] and f[1].startswith(t[1]) for t in truth)}
    return {"correct": len(correct), "false": len(false), "missed": len(truth - correct)}


@pytest.mark.parametrize(("name", "truth"), [("sock-shop", SOCK_SHOP), ("online-boutique", ONLINE_BOUTIQUE)])
def test_drift_reports_exactly_the_truth(name: str, truth: set[tuple[str, str]]) -> None:
    found = reports(name)
    assert score(found, truth) == {"correct": len(truth), "false": 0, "missed": 0}, sorted(found)


def test_blocked_flows_say_why() -> None:
    found = dict(reports("sock-shop"))
    carts = [m for c, m in reports("sock-shop") if "'carts->carts-db'" in m]
    assert carts == [
        "flow 'carts->carts-db' is blocked: the ingress of Deployment/carts-db is isolated by "
        "NetworkPolicy/sock-shop/carts-db-access, NetworkPolicy/sock-shop/cortex-access, "
        "and no rule of them admits Deployment/carts on 27017/TCP"
    ]
    assert "AM504" in found


def test_the_shipped_model_draws_the_load_balancer_and_agrees() -> None:
    """models/examples/online-boutique draws the LoadBalancer Service frontend-external as
    a component of its own (public load_balancer, flow to frontend); the fixture's model
    marks frontend public instead. Both say the same: the same truth, no AM508, and the
    frontend's open ingress is wide only for its ports."""
    model = Path(__file__).resolve().parents[2] / "models" / "examples" / "online-boutique"
    args = ["drift", str(model), "--k8s", str(FIXTURES / "online-boutique" / "k8s"), "--format", "json"]
    found = {(d["code"], d["message"]) for d in findings(CliRunner().invoke(cli, args).stdout)}
    assert score(found, ONLINE_BOUTIQUE) == {"correct": len(ONLINE_BOUTIQUE), "false": 0, "missed": 0}, found


# Bank of Anthos draws its LoadBalancer Service `frontend` as `frontend-lb` (public
# load_balancer, flow to frontend). Upstream has no NetworkPolicy; policies/ holds ones
# written to admit exactly the modelled flows, any address into the frontend included.
OPEN_DEFAULT = (
    "AM505",
    "namespace 'default' has no NetworkPolicy: its pods accept any traffic, modelled or not",
)


def bank_with_policies(tmp_path: Path, service_types: dict[str, str] | None = None) -> Path:
    """The trimmed upstream manifests and the policies, with some Services' types changed."""
    bank, k8s = FIXTURES / "bank-of-anthos", tmp_path / "k8s"
    k8s.mkdir()
    text = (bank / "k8s" / "rendered.yaml").read_text()
    for name, kind in (service_types or {}).items():
        service = text.index(f"kind: Service\nmetadata:\n  name: {name}\n")
        text = text[:service] + text[service:].replace("type: ClusterIP", f"type: {kind}", 1)
    (k8s / "rendered.yaml").write_text(text)
    shutil.copy(bank / "policies" / "networkpolicies.yaml", k8s)
    return k8s


def test_a_public_load_balancer_in_front_declares_the_exposure(tmp_path: Path) -> None:
    """The LoadBalancer Service is frontend-lb: no AM508 for frontend, and the policy's
    0.0.0.0/0 into the frontend is what frontend-lb -> frontend needs, not AM506."""
    assert reports("bank-of-anthos") == {OPEN_DEFAULT}
    assert reports("bank-of-anthos", bank_with_policies(tmp_path)) == set()


def test_an_exposure_nothing_public_fronts_is_still_undeclared(tmp_path: Path) -> None:
    """userservice has a load balancer of its own that the model does not draw."""
    assert reports("bank-of-anthos", bank_with_policies(tmp_path, {"userservice": "LoadBalancer"})) == {
        (
            "AM508",
            "Service/userservice exposes 'userservice' outside the cluster, but the model does not "
            "mark it public, nor draws a public load balancer or API gateway in front of it",
        )
    }


def test_service_port_resolves_to_the_container_port() -> None:
    """checkoutservice dials emailservice's Service port 5000; the policy admits 8080."""
    assert not [m for c, m in reports("online-boutique") if "emailservice" in m and c == "AM504"]


# ACS security demo: no flow blocked, no unmodelled edge; webapp and asset-cache admit
# every namespace (only the router's is needed) and five "DNS" rules reach every pod.
ACS = {
    (
        "AM506",
        f"NetworkPolicy/{ns}/{name} {direction} rule {n} is wider than any flow: admits peer namespaces {{}}",
    )
    for ns, name, direction, n in [
        ("frontend", "asset-cache-netpol", "ingress", 1),
        ("frontend", "webapp-netpol", "ingress", 1),
        ("frontend", "webapp-netpol", "egress", 5),
        ("backend", "checkout-netpol", "egress", 4),
        ("backend", "recommendation-netpol", "egress", 2),
        ("backend", "reports-netpol", "egress", 3),
        ("payments", "gateway-netpol", "egress", 3),
    ]
}


def test_acs_drift_reports_exactly_the_truth() -> None:
    found = reports("acs-security-demos")
    assert score(found, ACS) == {"correct": len(ACS), "false": 0, "missed": 0}, sorted(found)


def test_acs_connections_agree_with_netpol_analyzer() -> None:
    """Every pod pair on every container port, against the upstream tool's connlist."""
    fixture = FIXTURES / "acs-security-demos"
    cluster = read_cluster(fixture / "k8s")
    computed = {
        f"{a.namespace}/{a.name}[{a.kind}] => {b.namespace}/{b.name}[{b.kind}] : {p.protocol} {p.port}"
        for a in cluster.workloads
        for b in cluster.workloads
        if a is not b
        for p in b.ports
        if connection(cluster, a, b, p.port, p.protocol).allowed
    }
    computed |= {
        f"{{ingress-controller}} => {b.namespace}/{b.name}[{b.kind}] : {p.protocol} {p.port}"
        for b in cluster.workloads
        for p in b.ports
        if connection(cluster, CONTROLLER, b, p.port, p.protocol).allowed
    }
    expected = (fixture / "expected" / "netpol-analyzer_connlist_output.txt").read_text().splitlines()
    assert computed == set(expected)


def test_findings_on_a_rule_point_at_the_rule() -> None:
    model = FIXTURES / "sock-shop"
    result = CliRunner().invoke(cli, ["drift", str(model), "--k8s", str(model / "k8s"), "--format", "json"])
    where = sorted(
        (Path(str(d["file"])).name, d["line"]) for d in findings(result.stdout) if d["code"] == "AM507"
    )
    assert where == [
        ("netpol-cart-access.yaml", 8),
        ("netpol-cart-db-access.yaml", 12),
        ("netpol-cortex-access.yaml", 11),
    ]


def test_what_is_not_analysed_is_counted() -> None:
    sock = read_cluster(FIXTURES / "sock-shop" / "k8s").summary()
    assert sock == (
        "1 resources of 1 kinds not analysed: "
        "1 Namespace annotation net.beta.kubernetes.io/network-policy (not enforced)"
    )
    acs = read_cluster(FIXTURES / "acs-security-demos" / "k8s").summary()
    assert acs == (
        "9 resources of 4 kinds not analysed: 1 ClusterRoleBinding, 4 ConfigMap, 1 RoleBinding, 3 ServiceAccount"
    )


@pytest.mark.parametrize(
    ("source", "marker", "command"),
    [
        ("kustomize-helloworld/source", "kustomization.yaml", "kubectl kustomize"),
        ("helm-sock-shop", "Chart.yaml", "helm template"),
    ],
)
def test_templates_are_refused_with_the_command_that_renders_them(
    source: str, marker: str, command: str
) -> None:
    model = FIXTURES / "kustomize-helloworld"
    result = CliRunner().invoke(cli, ["drift", str(model), "--k8s", str(FIXTURES / source)])
    assert result.exit_code == 1
    assert f"{FIXTURES / source / marker}: a " in result.stderr and command in result.stderr


def test_rendered_kustomization_has_one_open_namespace() -> None:
    """commonLabels rewrote the selectors; the rendered LoadBalancer exposes the public
    component, and with no policy the namespace is reported once."""
    assert reports("kustomize-helloworld", FIXTURES / "kustomize-helloworld" / "rendered") == {
        ("AM505", "namespace 'default' has no NetworkPolicy: its pods accept any traffic, modelled or not")
    }


# What upstream's other deployment, its Helm chart (deploy/kubernetes/helm-chart/values.yaml
# at the same commit), says of images and ports, and what its autoscaling/ directory means
# to scale (one HPA of 1 to 10 replicas per file), written into the fixture's model: the
# raw manifests disagree with it in six places, every one real (TRUTH.md).
CHART_SAYS = {
    "carts": {"image": "weaveworksdemos/carts:0.4.8", "replicas": 1, "max_replicas": 10},
    "carts-db": {"image": "mongo:4.4.0"},
    "catalogue": {"image": "weaveworksdemos/catalogue:0.3.5", "replicas": 1, "max_replicas": 10},
    "catalogue-db": {"image": "weaveworksdemos/catalogue-db:0.3.0"},
    "front-end": {"image": "weaveworksdemos/front-end:0.3.12", "replicas": 1, "max_replicas": 10},
    "orders": {"image": "weaveworksdemos/orders:0.4.7", "replicas": 1, "max_replicas": 10},
    "orders-db": {"image": "mongo:4.4.0"},
    "payment": {"image": "weaveworksdemos/payment:0.4.3", "port": 8080, "replicas": 1, "max_replicas": 10},
    "queue-master": {"image": "weaveworksdemos/queue-master:0.3.1", "replicas": 1, "max_replicas": 10},
    "rabbitmq": {"image": "rabbitmq:3.6.8"},
    "session-db": {"image": "redis:alpine"},
    "shipping": {"image": "weaveworksdemos/shipping:0.4.8", "replicas": 1, "max_replicas": 10},
    "user": {"image": "weaveworksdemos/user:0.4.7", "replicas": 1, "max_replicas": 10},
    "user-db": {"image": "weaveworksdemos/user-db:0.4.0"},
}
SOCK_SHOP_DEPLOYMENT = {
    ("AM511", "Deployment/carts-db runs 'mongo', not the tag '4.4.0'"),  # untagged: latest
    ("AM511", "Deployment/orders-db runs 'mongo', not the tag '4.4.0'"),
    ("AM511", "Deployment/rabbitmq runs 'rabbitmq:3.6.8-management', not the tag '3.6.8'"),
    ("AM511", "Deployment/user-db runs 'weaveworksdemos/user-db:0.3.0', not the tag '0.4.0'"),
    ("AM512", "the model scales 'carts' from 1 to 10 replicas, but no HorizontalPodAutoscaler targets"),
    ("AM513", "the model's port 8080 of 'payment' is served by no container or Service port"),
}


def test_sock_shop_manifests_against_what_its_chart_says(tmp_path: Path) -> None:
    """Images, replicas and ports: the chart's tags and payment's port 8080 are not what
    the raw manifests run, and cart-hsc.yaml scales `cart`, not `carts`."""
    model = yaml.safe_load((FIXTURES / "sock-shop" / "archmodel.yaml").read_text())
    for component in model["components"]:
        component.get("deploy", {}).update(CHART_SAYS.get(component["id"], {}))
    (tmp_path / "archmodel.yaml").write_text(yaml.safe_dump(model, sort_keys=False))
    found = {
        f
        for f in reports("sock-shop", FIXTURES / "sock-shop" / "k8s", tmp_path)
        if f[0] in ("AM511", "AM512", "AM513")
    }
    assert score(found, SOCK_SHOP_DEPLOYMENT) == {"correct": 6, "false": 0, "missed": 0}, sorted(found)
