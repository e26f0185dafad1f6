"""The Threagile mapping (bench/threagile_rules.yaml) names only rules that exist, covers
all 42 of Threagile's built-in rules, and is what docs/reference/threagile.md shows."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from archmodel.threats import installed_rules

ROOT = Path(__file__).resolve().parents[1]


def compare() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "threagile_compare", ROOT / "bench" / "threagile_compare.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def titles() -> dict[str, str]:
    return {code: rule.title for code, rule in installed_rules().items()}


def test_every_mapped_code_is_a_rule_and_each_threagile_rule_is_listed_once() -> None:
    module = compare()
    rows = module.mapping()
    assert module.problems(rows, titles()) == []
    assert len(rows) == 42
    covered = [r for r in rows if r["status"] == "covered"]
    assert len(covered) >= 36


def test_a_missing_code_is_reported() -> None:
    module = compare()
    rows = [{"id": "x", "codes": ["AMT999"], "status": "covered", "note": ""}]
    assert module.problems(rows, titles()) == ["x: AMT999 is not an archmodel rule"]


def test_docs_page_shows_the_table() -> None:
    module = compare()
    page = (ROOT / "docs" / "reference" / "threagile.md").read_text(encoding="utf-8")
    assert module.table(module.mapping(), titles()) in page
