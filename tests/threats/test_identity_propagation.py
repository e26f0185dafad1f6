"""AMT230 follows a user's requests through gateways and BFFs: the first hop that drops
the user's identity is the one judged, and the finding says how users get there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from archmodel.api import load_project
from archmodel.threats import analyse

HEADER = "archmodel: 1\nsystem: {name: T}\n"
SHOP = """
data:
  - {id: baskets, name: Baskets, classification: confidential}
components:
  - {id: browser, kind: web_client}
  - {id: envoy, kind: load_balancer}
  - {id: agg, kind: service, processes: [baskets]}
  - {id: basket, kind: service, stores: [baskets]}
flows:
  - {from: browser, to: envoy, protocol: https, authentication: token}
  - {from: envoy, to: agg, protocol: http, authentication: AGG_AUTH}
  - {from: agg, to: basket, protocol: grpc, authentication: api_key}
"""


def _amt230(write_model: Callable[..., Path], body: str) -> dict[str, str]:
    project = load_project(write_model(HEADER + body))
    report = analyse(project, today=dt.date(2025, 1, 1))
    return {str(f.target): f.description for f in report.open if f.rule == "AMT230"}


def test_the_hop_after_the_gateway_is_judged_and_named(write_model: Callable[..., Path]) -> None:
    found = _amt230(write_model, SHOP.replace("AGG_AUTH", "token"))
    assert list(found) == ["flow:agg->basket"]
    assert "'agg' serves users (through 'envoy') but calls 'basket'" in found["flow:agg->basket"]


def test_a_gateway_that_drops_the_identity_is_judged_not_what_follows(
    write_model: Callable[..., Path],
) -> None:
    body = SHOP.replace("kind: load_balancer", "kind: api_gateway").replace("AGG_AUTH", "api_key")
    assert list(_amt230(write_model, body)) == ["flow:envoy->agg"]
