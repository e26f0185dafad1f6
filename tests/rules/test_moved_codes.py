"""Codes that moved from validation to the threat catalog stay reserved and documented."""

from __future__ import annotations

from pathlib import Path

from archmodel.catalog import RuleKind
from archmodel.findings import rule_catalog
from archmodel.rules.graph_rules import MOVED

RULES_PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "rules.md"


def test_moved_codes_are_not_reported_and_point_at_a_threat_rule() -> None:
    catalog = rule_catalog()
    assert set(MOVED) == {"AM305", "AM306"}
    assert not set(MOVED) & set(catalog)
    page = RULES_PAGE.read_text(encoding="utf-8")
    for code, where in MOVED.items():
        rule = where.rsplit(" ", 1)[-1]
        assert catalog[rule].kind is RuleKind.threat
        assert f"`{code}`: {where}" in page
