"""Attack paths and blast radius on the reference model and the real public examples.

The expected values were worked by hand from each example's SOURCE.md (the upstream
manifests): which entry reaches which sensitive component, over which hops, and which
layers nothing on the way provides. 'a', 'p', 'n', 'd', 'i' are the first letters of the
missing layers (application, api, network, data, identity), 'p' standing for api.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archmodel.api import load_project
from archmodel.model import Layer
from archmodel.threats import ThreatReport, analyse

LETTER = {Layer.application: "a", Layer.api: "p", Layer.network: "n", Layer.data: "d", Layer.identity: "i"}
MODELS = Path(__file__).resolve().parents[2] / "models"

WEAK: dict[str, set[tuple[str, str, str]]] = {
    # Fully layered: CloudFront, WAF, ALB, gateway with OAuth/JWT, mTLS mesh, IAM; the
    # operators reach Grafana over the VPN with SSO and MFA. No weak path.
    "reference": set(),
    # Plain HTTP from the LoadBalancer Service to the frontend and plain gRPC inside, no
    # auth, no NetworkPolicy in the default manifests: card data reached with nothing.
    "examples/online-boutique": {
        ("customer>frontend-external>frontend", "data", "apndi"),
        ("customer>frontend-external>frontend>checkoutservice", "data", "apndi"),
        ("customer>frontend-external>frontend>checkoutservice>paymentservice", "data", "apndi"),
    },
    # The ingress gateway listens on HTTP port 8080 for hosts '*', no AuthorizationPolicy or
    # PeerAuthentication in the sample: the Flask signing key sits one hop behind it.
    "examples/bookinfo": {("user>istio-ingressgateway>productpage", "credentials", "andi")},
    # Every container publishes its port on the host: the config server (MySQL password),
    # the services and the consoles (Grafana anonymous Admin, actuators exposed '*') are
    # reached straight from the internet as well as through the gateway.
    "examples/spring-petclinic-microservices": {
        ("admin-server", "admin", "ani"),
        ("grafana-server", "admin", "ani"),
        ("prometheus-server", "admin", "ani"),
        ("tracing-server", "admin", "ani"),
        ("config-server", "credentials", "andi"),
        ("genai-service", "credentials", "andi"),
        ("customers-service", "data", "and"),
        ("visits-service", "data", "and"),
        ("browser>api-gateway>config-server", "credentials", "andi"),
        ("browser>api-gateway>genai-service", "credentials", "andi"),
        ("browser>api-gateway>customers-service", "data", "and"),
        ("browser>api-gateway>visits-service", "data", "and"),
        ("browser>api-gateway>tracing-server", "admin", "ani"),
    },
    # Passwords in the query string over HTTP, unauthenticated gRPC and MongoDB/Memcached
    # without auth, Jaeger UI open: only the password check at the frontend is a layer.
    "examples/deathstarbench-hotel-reservation": {
        ("client>frontend", "credentials", "ndi"),
        ("client>frontend", "data", "nd"),
        ("client>frontend>jaeger", "admin", "ni"),
        ("client>frontend>jaeger", "credentials", "ndi"),
        ("client>frontend>reservation>memcached-reserve", "data", "nd"),
        ("client>frontend>reservation>mongodb-reservation", "data", "nd"),
        ("client>frontend>user>mongodb-user", "credentials", "ndi"),
    },
}

# The component whose compromise reaches most (restricted data first).
TOP_BLAST = {
    "reference": "secrets",  # Secrets Manager: its credentials open RDS, Redis, MSK and Cognito
    "examples/online-boutique": "frontend",  # sees every card, contact and order in clear
    "examples/bookinfo": "productpage",  # holds the session-signing key
    "examples/spring-petclinic-microservices": "genai-service",  # OpenAI key plus the shared config
    "examples/deathstarbench-hotel-reservation": "user",  # password hashes and passwords
}


@pytest.fixture(scope="module", params=sorted(WEAK))
def example(request: pytest.FixtureRequest) -> tuple[str, ThreatReport]:
    name: str = request.param
    return name, analyse(load_project(MODELS / name))


def test_weak_paths_are_the_hand_worked_ones(example: tuple[str, ThreatReport]) -> None:
    name, report = example
    weak = {
        (">".join(p.components), str(p.target.cls), "".join(LETTER[x] for x in p.missing))
        for p in report.paths
        if p.missing
    }
    assert weak == WEAK[name]
    path_findings = {f.target.id for f in report.open if f.rule in ("AMT200", "AMT201", "AMT202")}
    assert path_findings == _one_per_root_cause(report)


def _one_per_root_cause(report: ThreatReport) -> set[str]:
    """One finding per entry point, target class and missing layers: on the nearest of
    the targets so reached (the others are named in its description)."""
    groups: dict[tuple[str, str, tuple[Layer, ...]], list[list[str]]] = {}
    for p in report.paths:
        if p.missing:
            groups.setdefault((p.entry.id, str(p.target.cls), p.missing), []).append(p.components)
    return {">".join(min(paths, key=lambda c: (len(c), c[-1]))) for paths in groups.values()}


def test_one_finding_names_every_target_of_its_root_cause() -> None:
    report = analyse(load_project(MODELS / "examples/online-boutique"))
    (finding,) = [f for f in report.open if f.rule == "AMT200"]
    assert str(finding.target) == "path:customer>frontend-external>frontend"
    assert "'checkoutservice'" in finding.description and "'paymentservice'" in finding.description


def test_largest_blast_radius(example: tuple[str, ThreatReport]) -> None:
    name, report = example
    assert report.blast[0].component == TOP_BLAST[name]


def test_reference_vault_opens_the_stores() -> None:
    report = analyse(load_project(MODELS / "reference"))
    vault = next(b for b in report.blast if b.component == "secrets")
    assert vault.opens == ("cache", "db", "idp", "queue")
    assert not [f for f in report.open if f.rule.startswith(("AMT20", "AMT21"))]  # paths, blast radius


def test_petclinic_least_privilege_findings() -> None:
    report = analyse(load_project(MODELS / "examples/spring-petclinic-microservices"))
    found = {f.id for f in report.open if f.rule in ("AMT210", "AMT211", "AMT212")}
    shared = {"api-gateway", "config-server", "customers-service", "discovery-server", "genai-service"}
    shared |= {"vets-service", "visits-service"}
    # One MySQL password served by the config server to every service: one finding, on
    # the first holder, naming them all; Spring Boot Admin reads it too though
    # monitoring needs none.
    assert found == {"AMT210:component:api-gateway", "AMT212:component:admin-server"}
    (grouped,) = [f for f in report.open if f.rule == "AMT210"]
    assert all(f"'{c}'" in grouped.description for c in shared)
    assert grouped.mitigations == ()  # seven holders: no one control closes it


def test_register_groups_paths_and_ranks_blast_radius() -> None:
    from archmodel.generators.threats import render_md

    text = render_md(analyse(load_project(MODELS / "examples/deathstarbench-hotel-reservation")))
    paths = text[text.index("## Attack paths") : text.index("## Blast radius")]
    headings = [line for line in paths.splitlines() if line.startswith("### ")]
    assert headings == [
        "### From unzoned entry `client`: no network security, data security, identity &amp; access",
        "### From unzoned entry `client`: no network security, data security",
        "### From unzoned entry `client`: no network security, identity &amp; access",
    ]
    assert (
        "| restricted credentials `user-accounts` in `mongodb-user` | `client` → `frontend` → `user` → "
        in paths
    )
    blast = text[text.index("## Blast radius") :].splitlines()
    first = next(line for line in blast if line.startswith("| `"))
    assert first.startswith(
        "| `user` | service | restricted | 3 | `traces`, `user-accounts`, `user-password` |"
    )
