"""Every diagnostic code has a failing and a passing model (tests/rules/cases.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from archmodel.api import load_project
from archmodel.catalog import RULES

CASES: dict[str, dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "cases.yaml").read_text())
HEADER = "archmodel: 1\nsystem: {name: T}\n"


def _files(case: dict[str, Any], side: str) -> dict[str, str]:
    spec = case[side]
    files = dict(spec) if isinstance(spec, dict) else {"archmodel.yaml": spec}
    root = files["archmodel.yaml"]
    if not root.lstrip("-\n").startswith("archmodel:"):
        files["archmodel.yaml"] = HEADER + root
    if side == "fail":
        files.update(case.get("files", {}))
    return files


def _codes(tmp_path: Path, files: dict[str, str]) -> list[str]:
    model = tmp_path / "model"
    for name, text in files.items():
        path = model / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [d.code for d in load_project(model).diagnostics]


@pytest.mark.parametrize("code", sorted(CASES))
def test_fail_case_reports_code(code: str, tmp_path: Path) -> None:
    assert code in _codes(tmp_path, _files(CASES[code], "fail"))


@pytest.mark.parametrize("code", sorted(CASES))
def test_pass_case_is_clean(code: str, tmp_path: Path) -> None:
    codes = _codes(tmp_path, _files(CASES[code], "pass"))
    assert code not in codes
    assert not [c for c in codes if RULES[c].severity == "error"], codes


def test_every_rule_has_a_case() -> None:
    # AM004 (bytes) and AM011 (unreadable) are covered in test_loader.py, AM016 (a file
    # over the size limit) in test_hostile.py; AM5xx (drift against infrastructure code)
    # in tests/drift.
    model_rules = {code for code in RULES if code[2] in "0123"}
    untested = model_rules - set(CASES) - {"AM004", "AM011", "AM016"}
    assert not untested, f"rules without a case: {sorted(untested)}"
