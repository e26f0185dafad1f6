"""The rules for Threagile's risks where the case files cannot show it: environment-level
findings, image references, where model-wide findings point, and unknown facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from archmodel.api import load_project
from archmodel.threats import analyse
from archmodel.threats.checks.supply_chain import image_reference

HEADER = "archmodel: 1\nsystem: {name: T}\n"


def _open(write_model: Callable[..., Path], body: str) -> list[tuple[str, str]]:
    project = load_project(write_model(HEADER + body))
    assert not [d for d in project.diagnostics if str(d.severity) == "error"], project.diagnostics
    report = analyse(project, today=dt.date(2025, 1, 1))
    return [(f.rule, str(f.target)) for f in report.open]


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("nginx", (None, False)),
        ("nginx:1.25", ("1.25", False)),
        ("registry.local:5000/team/app", (None, False)),
        ("registry.local:5000/team/app:2", ("2", False)),
        ("app:1@sha256:" + "0" * 64, (None, True)),
    ],
)
def test_image_reference(image: str, expected: tuple[str | None, bool]) -> None:
    assert image_reference(image) == expected


MIXED = """
environments: [{id: prod, name: Prod, tier: prod}, {id: dev, name: Dev, tier: dev}]
data:
  - {id: cards, name: Cards, classification: restricted}
zones: [{id: net, trust: untrusted}, {id: app, trust: internal}]
components:
  - {id: u, kind: actor, zone: net}
  - {id: web, kind: service, zone: app, deploy: {image: "web:1"}}
  - {id: pay, kind: service, zone: app, processes: [cards], deploy: {image: "pay:1"}}
flows:
  - {from: u, to: web, protocol: https}
  - {from: web, to: pay, protocol: https}
"""


def test_shared_runtime_is_reported_once_per_environment(write_model: Callable[..., Path]) -> None:
    found = [t for r, t in _open(write_model, MIXED) if r == "AMT234"]
    assert sorted(found) == ["environment:dev", "environment:prod"]


def test_missing_build_points_at_the_first_workload(write_model: Callable[..., Path]) -> None:
    model = HEADER + "components:\n  - {id: b, kind: service}\n  - {id: a, kind: function}\n"
    project = load_project(write_model(model))
    (finding,) = [f for f in analyse(project, today=dt.date(2025, 1, 1)).open if f.rule == "AMT243"]
    assert finding.file is not None and finding.line == 5
    assert "'a', 'b'" in finding.description


def test_unknown_authentication_is_reported_not_judged(write_model: Callable[..., Path]) -> None:
    body = """
data: [{id: o, name: O, classification: confidential}]
components:
  - {id: browser, kind: web_client}
  - {id: bff, kind: service}
  - {id: orders, kind: service, stores: [o]}
flows:
  - {from: browser, to: bff, protocol: https}
  - {from: bff, to: orders, protocol: https}
"""
    rules = {r for r, _ in _open(write_model, body)}
    assert "AMT255" in rules
    assert not rules & {"AMT225", "AMT230", "AMT237"}


def test_out_of_scope_callers_build_no_queries(write_model: Callable[..., Path]) -> None:
    body = """
components:
  - {id: legacy, kind: service, out_of_scope: replaced next quarter}
  - {id: db, kind: database}
flows:
  - {from: legacy, to: db, protocol: mysql}
"""
    assert "AMT220" not in {r for r, _ in _open(write_model, body)}
