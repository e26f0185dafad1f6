"""Every threat rule has a fixture (cases/<RULE>.yaml) with a failing and a passing model.

`fail` must report the rule, open, on `target`; `pass` (the same model with the mitigation)
must not report it at all. Both must be valid models, so fixtures never test broken input.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from archmodel.api import load_project
from archmodel.threats import REGISTRY, analyse

CASES = Path(__file__).parent / "cases"
HEADER = "archmodel: 1\nsystem: {name: T}\n"
TODAY = dt.date(2025, 1, 1)


def _case(rule: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((CASES / f"{rule}.yaml").read_text())
    return data


def _findings(tmp_path: Path, text: str) -> list[tuple[str, str, str]]:
    model = tmp_path / "archmodel.yaml"
    model.write_text(HEADER + text, encoding="utf-8")
    checked = load_project(model)
    errors = [d for d in checked.diagnostics if str(d.severity) == "error"]
    assert not errors, errors
    report = analyse(checked, today=TODAY)
    return [(f.rule, str(f.target), str(f.status)) for f in report.findings]


RULES = sorted(p.stem for p in CASES.glob("AMT*.yaml"))


@pytest.mark.parametrize("rule", RULES)
def test_fail_case_reports_rule(rule: str, tmp_path: Path) -> None:
    case = _case(rule)
    found = _findings(tmp_path, case["fail"])
    assert (rule, case["target"], "open") in found, found


@pytest.mark.parametrize("rule", RULES)
def test_pass_case_is_quiet(rule: str, tmp_path: Path) -> None:
    found = _findings(tmp_path, _case(rule)["pass"])
    assert not [f for f in found if f[0] == rule], found


def test_every_rule_has_a_case() -> None:
    assert set(REGISTRY) - set(RULES) == set()
    assert len(REGISTRY) >= 40
