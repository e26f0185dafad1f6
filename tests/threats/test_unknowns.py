"""Unknown is neither plaintext nor TLS, no zone is not the internet, and a customer's own
data coming back to the customer is not a disclosure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from archmodel.api import load_project
from archmodel.threats import analyse

HEADER = "archmodel: 1\nsystem: {name: T}\n"


def _rules(write_model: Callable[..., Path], body: str) -> list[tuple[str, str, str]]:
    project = load_project(write_model(HEADER + body))
    assert not [d for d in project.diagnostics if str(d.severity) == "error"], project.diagnostics
    report = analyse(project, today=dt.date(2025, 1, 1))
    return [(f.rule, str(f.target), str(f.severity)) for f in report.open]


SHOP = """
zones: [{id: net, trust: untrusted}, {id: dmz, trust: dmz}, {id: app, trust: internal}]
data:
  - {id: card, classification: restricted, category: [payment_card], owner: customer}
  - {id: order, classification: confidential, category: [personal], owner: customer}
components:
  - {id: customer, kind: web_client, zone: net}
  - {id: lb, kind: load_balancer, zone: dmz}
  - {id: shop, kind: service, zone: app}
flows:
  - {from: customer, to: lb, protocol: https, data: [card], returns: [order]}
  - {from: lb, to: shop, data: [card], returns: [order]}
"""


def test_card_through_a_dmz_is_a_finding_not_an_error(write_model: Callable[..., Path]) -> None:
    found = _rules(write_model, SHOP)
    assert [t for r, t, _ in found if r == "AMT161"] == ["flow:customer->lb", "flow:lb->shop"]


def test_own_data_returned_to_its_owner_is_no_disclosure(write_model: Callable[..., Path]) -> None:
    found = _rules(write_model, SHOP)
    assert not [f for f in found if f[0] in {"AMT158"}]
    project = load_project(write_model(HEADER + SHOP))
    found_161 = [f for f in analyse(project, today=dt.date(2025, 1, 1)).open if f.rule == "AMT161"]
    (finding,) = [f for f in found_161 if str(f.target) == "flow:customer->lb"]
    # The card reaches the DMZ; the order goes back to the customer it belongs to.
    assert "'card'" in finding.description and "'order'" not in finding.description


def test_unknown_encryption_is_incomplete_not_plaintext(write_model: Callable[..., Path]) -> None:
    found = _rules(write_model, SHOP)
    assert ("AMT195", "flow:lb->shop", "low") in found
    assert not [f for f in found if f[0] in {"AMT150", "AMT151"} and f[1] == "flow:lb->shop"]


def test_unzoned_component_is_incomplete_not_the_internet(write_model: Callable[..., Path]) -> None:
    body = SHOP + "  - {from: shop, to: mailer, protocol: smtp}\n"
    body = body.replace(
        "  - {id: shop, kind: service, zone: app}",
        "  - {id: shop, kind: service, zone: app}\n  - {id: mailer, kind: service}",
    )
    found = _rules(write_model, body)
    assert ("AMT196", "component:mailer", "low") in found
    assert not [f for f in found if f[0] == "AMT106"]


def test_flow_authentication_counts_as_authenticating_the_caller(write_model: Callable[..., Path]) -> None:
    base = (
        "zones: [{id: net, trust: untrusted}, {id: app, trust: internal}]\n"
        "components: [{id: partner, kind: external_system, zone: net}, {id: api, kind: service, zone: app},"
        " {id: db, kind: database, zone: app}]\n"
        "flows:\n  - {from: partner, to: api, protocol: https, authentication: AUTH}\n"
        "  - {from: api, to: db, protocol: postgresql, authentication: AUTH}\n"
    )
    open_rules = {r for r, _, _ in _rules(write_model, base.replace("AUTH", "none"))}
    assert {"AMT153", "AMT123"} <= open_rules
    closed = {r for r, _, _ in _rules(write_model, base.replace("AUTH", "client_certificate"))}
    assert not {"AMT153", "AMT123"} & closed


def test_a_queue_consumer_is_alive_for_resource_limits(write_model: Callable[..., Path]) -> None:
    body = (
        "zones: [{id: app, trust: internal}]\n"
        "components: [{id: q, kind: queue, zone: app},"
        " {id: worker, kind: service, zone: app, deploy: {image: 'w:1', resources: {limits: {cpu: '1'}}}}]\n"
        "flows: [{from: worker, to: q, protocol: amqp}]\n"
    )
    project = load_project(write_model(HEADER + body))
    (finding,) = [f for f in analyse(project, today=dt.date(2025, 1, 1)).open if f.rule == "AMT116"]
    assert str(finding.target) == "component:worker" and "memory request or limit" in finding.description
