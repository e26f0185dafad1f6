"""Defence in depth (AMT171-AMT177) counts only the controls that act on a way to data,
and names exactly those as what closes a gap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from archmodel.api import load_project
from archmodel.model import NOT_ON_PATH, PATH_CONTROLS, Layer
from archmodel.threats import analyse, installed_rules
from archmodel.threats.checks.paths import LAYER_RULES

HEADER = "archmodel: 1\nsystem: {name: T}\n"
WAY = """
x-policies: {required_layers: [data, network, infrastructure]}
zones: [{id: net, trust: untrusted}]
data: [{id: d, name: D, classification: confidential}]
components:
  - {id: u, kind: actor, zone: net}
  - {id: s, kind: service, controls: CONTROLS}
  - {id: db, kind: database, stores: [d]}
flows:
  - {from: u, to: s, protocol: http}
  - {from: s, to: db, protocol: sql}
"""


def _findings(write_model: Callable[..., Path], body: str) -> dict[str, tuple[str, ...]]:
    project = load_project(write_model(HEADER + body))
    assert not [d for d in project.diagnostics if str(d.severity) == "error"], project.diagnostics
    report = analyse(project, today=dt.date(2025, 1, 1))
    return {f.rule: f.mitigations for f in report.open if f.rule.startswith("AMT17")}


def test_each_rule_names_the_controls_that_act_on_its_layer() -> None:
    rules = installed_rules()
    for check in LAYER_RULES:
        rule = rules[check.threat_rule.id]  # type: ignore[attr-defined]
        assert set(rule.mitigations) == PATH_CONTROLS[Layer(rule.layer)]
        assert NOT_ON_PATH.isdisjoint(rule.mitigations)


@pytest.mark.parametrize("control", sorted(NOT_ON_PATH))
def test_a_control_that_guards_something_else_leaves_the_way_open(
    write_model: Callable[..., Path], control: str
) -> None:
    open_rules = _findings(write_model, WAY.replace("CONTROLS", f"[{control}]"))
    assert {"AMT173", "AMT174", "AMT175"} <= set(open_rules)


def test_a_finding_names_the_models_own_controls_of_the_layer(write_model: Callable[..., Path]) -> None:
    body = WAY.replace("CONTROLS", "[]") + "controls: [{id: tokenise, layer: data, name: Tokenisation}]\n"
    found = _findings(write_model, body)
    assert found["AMT174"] == tuple(sorted({*PATH_CONTROLS[Layer.data], "tokenise"}))
    closed = _findings(write_model, body.replace("controls: []", "controls: [tokenise]"))
    assert "AMT174" not in closed
