"""Switching findings off wholesale is allowed but never quiet."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from archmodel.cli.main import cli
from archmodel.findings import rule_catalog

MODEL = """archmodel: 1
system: {name: S}
zones: [{id: net, name: N, trust: untrusted}, {id: app, name: A, trust: internal}]
components:
  - {id: u, kind: actor, name: U, zone: net}
  - {id: api, kind: service, name: API, zone: app}
flows: [{from: u, to: api, protocol: http}]
"""
EVERY_RULE = sorted(code for code, r in rule_catalog().items() if str(r.kind) == "threat")


def _threats(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["threats", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def test_disabling_every_rule_is_counted_in_summary_and_register(write_model: Callable[..., Path]) -> None:
    root = write_model(MODEL + f"x-policies: {{disable: {json.dumps(EVERY_RULE)}}}\n")
    code, out, err = _threats(root, "--format", "md", "--fail-on", "low")
    assert code == 0  # nothing is open: the switch is legitimate, but it is shown
    assert f"SILENCED: {len(EVERY_RULE)} rule(s) disabled" in err
    assert "## Switched off" in out and "Rule `AMT101` is disabled" in out
    _, register, _ = _threats(root, "--format", "json")
    disabled = [r for r in json.loads(register) if r["status"] == "disabled"]
    assert sorted(r["rule"] for r in disabled) == EVERY_RULE
    _, table, _ = _threats(root, "--format", "csv")
    assert sum(1 for line in table.splitlines() if ",disabled," in line) == len(EVERY_RULE)


def test_a_blanket_false_positive_is_counted(write_model: Callable[..., Path]) -> None:
    risk = "risks: [{threat: '*', target: '*', status: false_positive, justification: 'noise'}]\n"
    root = write_model(MODEL + risk)
    code, out, err = _threats(root, "--format", "md")
    assert code == 0
    assert "blanket risk(s)" in err and "'*' on '*' (false_positive)" in err
    assert "Blanket risk" in out


def test_a_risk_naming_its_target_is_not_blanket(write_model: Callable[..., Path]) -> None:
    risk = "risks: [{threat: '*', target: 'component:api', status: accepted, justification: 'ok'}]\n"
    _, _, err = _threats(write_model(MODEL + risk))
    assert "SILENCED" not in err


def _diff_kinds(tmp_path: Path, old: str, new: str) -> tuple[int, list[str]]:
    for name, text in (("old", old), ("new", new)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "archmodel.yaml").write_text(text)
    result = CliRunner().invoke(
        cli, ["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json", "--fail-on-security"]
    )
    return result.exit_code, [s["kind"] for s in json.loads(result.stdout)["security"]]


def test_diff_flags_a_newly_disabled_rule(tmp_path: Path) -> None:
    code, kinds = _diff_kinds(tmp_path, MODEL, MODEL + "x-policies: {disable: [AMT101]}\n")
    assert code == 1 and "rule_disabled" in kinds


def test_diff_flags_a_new_blanket_risk(tmp_path: Path) -> None:
    risk = "risks: [{threat: '*', target: '*', status: false_positive, justification: 'noise'}]\n"
    code, kinds = _diff_kinds(tmp_path, MODEL, MODEL + risk)
    assert code == 1 and "blanket_risk" in kinds
