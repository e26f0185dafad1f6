"""Severities on real models, as a security reviewer rated them (docs/howto/severity.md,
"Calibrated on real models"). Structural: which findings are critical and why, not a dump."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from archmodel.api import load_project
from archmodel.threats import analyse
from archmodel.threats.types import Finding, ThreatSeverity

EXAMPLES = Path(__file__).resolve().parents[2] / "models" / "examples"

# Spring PetClinic with the docker-compose profile: every container published on the host,
# no authentication anywhere, the MySQL root password in a public configuration repository.
PETCLINIC_CRITICAL = {
    # The config server serves the MySQL root password to anyone on the internet.
    ("AMT110", "component:config-server"),
    ("AMT201", "path:config-server"),
    ("AMT201", "path:browser>api-gateway>config-server"),
    # The password sits in a public GitHub repository; the OpenAI key in the environment
    # of an internet-facing, unauthenticated service.
    ("AMT131", "component:github"),
    ("AMT131", "component:genai-service"),
    # Spring Boot Admin and the Zipkin console, published without authentication.
    ("AMT202", "path:admin-server"),
    ("AMT202", "path:browser>api-gateway>tracing-server"),
}


@cache
def open_findings(model: str) -> tuple[Finding, ...]:
    return tuple(analyse(load_project(EXAMPLES / model), locate_findings=False).open)


def critical(model: str) -> set[tuple[str, str]]:
    return {(f.rule, str(f.target)) for f in open_findings(model) if f.severity is ThreatSeverity.critical}


def test_petclinic_critical_findings_are_the_reviewed_ones() -> None:
    assert critical("spring-petclinic-microservices") == PETCLINIC_CRITICAL


def test_petclinic_gaps_on_services_that_only_use_the_password_are_not_critical() -> None:
    """Services that fetch the shared password: their missing controls are high at most."""
    users = {"customers-service", "visits-service", "vets-service", "discovery-server", "api-gateway"}
    on_users = [f for f in open_findings("spring-petclinic-microservices") if f.target.id in users]
    assert on_users and all(f.severity is not ThreatSeverity.critical for f in on_users)


def test_petclinic_shared_password_above_its_zone_is_one_finding() -> None:
    found = [
        f
        for f in open_findings("spring-petclinic-microservices")
        if f.rule == "AMT161" and "'mysql-password'" in f.description
    ]
    assert len(found) == 1
    for receiver in (
        "api-gateway",
        "config-server",
        "customers-service",
        "visits-service",
        "vets-service",
        "github",
    ):
        assert f"'{receiver}'" in found[0].description


@pytest.mark.parametrize(
    ("model", "count"),
    [
        ("spring-petclinic-microservices", 7),
        ("online-boutique", 3),
        ("bookinfo", 2),  # and the Flask key hard-coded in productpage, behind the ingress gateway
        ("deathstarbench-hotel-reservation", 1),  # the password over plain HTTP from the internet
        ("b2b-api", 0),
        ("event-ingestion", 0),
    ],
)
def test_every_critical_has_the_top_impact_and_the_top_likelihood(model: str, count: int) -> None:
    """A critical finding names restricted data or weighty categories, and comes from the
    internet or a third party without authentication on the way in being known to stop it."""
    found = [f for f in open_findings(model) if f.severity is ThreatSeverity.critical]
    assert len(found) == count
    for f in found:
        assert f.factors is not None
        assert f.factors["likelihood"][0] in ("internet-facing", "partner"), f.id
        assert "authenticated" not in f.factors["likelihood"], f.id
        assert any("(restricted)" in x or x == "stake 3 of 3" for x in f.factors["impact"]), f.id
