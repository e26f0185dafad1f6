"""Cross-site scripting (AMT226) is judged on what renders pages, and an app its users
sign in to is no less at risk: the script runs with the victim's login."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from archmodel.api import load_project
from archmodel.threats import analyse
from archmodel.threats.severity import VIA_VICTIM
from archmodel.threats.types import Finding

HEADER = "archmodel: 1\nsystem: {name: T}\n"
SHOP = """
zones: [{id: net, trust: untrusted}, {id: app, trust: internal}]
data:
  - {id: orders, name: Orders, classification: confidential}
  - {id: passwords, name: Passwords, classification: confidential, category: [credentials]}
components:
  - {id: browser, kind: web_client, zone: net}
  - {id: envoy, kind: api_gateway, zone: app, public: true}
  - {id: agg, kind: service, zone: app, accepts: [json], processes: [orders]}
  - {id: webmvc, kind: service, zone: app, public: true, accepts: [html_form], processes: [orders]}
  - {id: identity, kind: identity_provider, zone: app, public: true, stores: [passwords]}
flows:
  - {from: browser, to: envoy, protocol: https, authentication: none, data: [orders]}
  - {from: envoy, to: agg, protocol: http, data: [orders]}
  - {from: browser, to: webmvc, protocol: https, authentication: WEBMVC_AUTH, data: [orders]}
  - {from: browser, to: identity, protocol: https, authentication: password, data: [passwords]}
"""


def _xss(write_model: Callable[..., Path], auth: str) -> dict[str, Finding]:
    project = load_project(write_model(HEADER + SHOP.replace("WEBMVC_AUTH", auth)))
    assert not [d for d in project.diagnostics if str(d.severity) == "error"], project.diagnostics
    report = analyse(project, today=dt.date(2025, 1, 1))
    return {f.target.id: f for f in report.open if f.rule == "AMT226"}


def test_on_what_renders_pages_not_on_the_gateway(write_model: Callable[..., Path]) -> None:
    assert sorted(_xss(write_model, "session_cookie")) == ["identity", "webmvc"]


def test_signing_in_does_not_lower_it(write_model: Callable[..., Path]) -> None:
    signed_in = _xss(write_model, "session_cookie")["webmvc"]
    anonymous = _xss(write_model, "none")["webmvc"]
    assert signed_in.severity == anonymous.severity == "high"
    assert signed_in.factors == {
        "likelihood": ["internet-facing", VIA_VICTIM],
        "impact": ["confidential data"],
    }


def test_login_pages_weigh_the_credentials(write_model: Callable[..., Path]) -> None:
    found = _xss(write_model, "session_cookie")["identity"]
    assert found.severity == "high"
    assert found.factors is not None and found.factors["impact"] == ["credentials (confidential)"]
