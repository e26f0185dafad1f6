"""The one catalog: every kind of rule, each with a doc and a fix, listed by `archmodel rules`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from archmodel.catalog import RuleKind
from archmodel.cli.main import cli
from archmodel.findings import rule_catalog


def rules(*args: str) -> str:
    result = CliRunner().invoke(cli, ["rules", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_rule_has_kind_title_doc_and_fix() -> None:
    catalog = rule_catalog()
    assert {r.kind for r in catalog.values()} == set(RuleKind)
    for code, info in catalog.items():
        assert info.code == code and info.title and info.doc and info.fix, code
    threats = [r for r in catalog.values() if r.kind is RuleKind.threat]
    assert len(threats) >= 40
    assert all(r.stride and r.security_severity for r in threats)


def test_kinds_partition_the_catalog() -> None:
    by_kind = {kind: set(rule_catalog(kind)) for kind in RuleKind}
    assert set().union(*by_kind.values()) == set(rule_catalog())
    assert sum(len(codes) for codes in by_kind.values()) == len(rule_catalog())
    assert by_kind[RuleKind.drift] == {f"AM5{n:02d}" for n in range(1, 14)}
    assert by_kind[RuleKind.policy] == {"AMT001", "AMT002", "AMT003", "AMT004", "AMT005"}


def test_rules_command_lists_every_kind_and_filters() -> None:
    items = json.loads(rules("--format", "json"))
    assert [i["code"] for i in items] == list(rule_catalog())
    assert {"code", "kind", "severity", "title", "doc", "fix", "stride"} <= set(items[0])
    drift = rules("--kind", "drift").splitlines()
    assert [line.split()[0] for line in drift] == [f"AM5{n:02d}" for n in range(1, 14)]
    threat = json.loads(rules("--kind", "threat", "--format", "json"))
    assert threat and all(i["kind"] == "threat" and i["stride"] for i in threat)
