"""Risk tracking: accepting, expiring and stale risks; baselines."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from archmodel.api import load_project
from archmodel.generators.threats import render_json
from archmodel.threats import ThreatReport, ThreatSeverity, analyse
from archmodel.threats.baseline import BadBaseline, read_baseline

MODEL = """archmodel: 1
system: {name: T}
data: [{id: d, name: D, classification: confidential}]
components:
  - {id: s, kind: service, name: S, tags: [entry_point]}
  - {id: db, kind: database, name: DB, stores: [d]}
flows:
  - {from: s, to: db, protocol: sql, data: [d]}
"""


def _report(tmp_path: Path, risks: str = "", today: dt.date = dt.date(2025, 6, 1)) -> ThreatReport:
    (tmp_path / "archmodel.yaml").write_text(MODEL + risks, encoding="utf-8")
    checked = load_project(tmp_path)
    assert not checked.failed(), checked.diagnostics
    return analyse(checked, today=today)


def _status(report: ThreatReport, finding_id: str) -> str:
    return next(str(f.status) for f in report.findings if f.id == finding_id)


def test_accepted_risk_sets_status_and_justification(tmp_path: Path) -> None:
    report = _report(
        tmp_path,
        "risks:\n  - {threat: AMT150, target: 'flow:s->db', status: accepted, "
        "justification: same host, owner: sec, expires: 2026-01-01}\n",
    )
    finding = next(f for f in report.findings if f.id == "AMT150:flow:s->db")
    assert finding.status == "accepted"
    assert finding.justification == "same host"
    assert finding.risk_owner == "sec"
    assert not report.warnings


def test_globs_match_rules_and_targets(tmp_path: Path) -> None:
    report = _report(
        tmp_path,
        "risks:\n  - {threat: 'AMT12?', target: 'component:*', status: mitigated, "
        "justification: handled by the platform}\n",
    )
    decided = {f.rule for f in report.findings if f.status == "mitigated"}
    assert {"AMT120", "AMT121", "AMT122", "AMT123"} <= decided
    assert all(f.is_open for f in report.findings if not f.rule.startswith("AMT12"))


def test_expired_acceptance_reopens_with_warning(tmp_path: Path) -> None:
    risk = (
        "risks:\n  - {threat: AMT150, target: 'flow:s->db', status: accepted, "
        "justification: temporary, expires: 2025-01-31}\n"
    )
    before = _report(tmp_path, risk, today=dt.date(2025, 1, 31))
    assert _status(before, "AMT150:flow:s->db") == "accepted"
    after = _report(tmp_path, risk, today=dt.date(2025, 2, 1))
    assert _status(after, "AMT150:flow:s->db") == "open"
    assert [w.code for w in after.warnings] == ["AMT002"]
    assert "expired on 2025-01-31" in next(
        f.description for f in after.findings if f.id == "AMT150:flow:s->db"
    )


def test_risk_matching_nothing_is_a_located_warning(tmp_path: Path) -> None:
    report = _report(
        tmp_path,
        "risks:\n  - {threat: AMT999, target: '*', status: accepted, justification: x}\n",
    )
    (warning,) = report.warnings
    assert warning.code == "AMT001" and warning.severity == "warning"
    assert warning.file and warning.file.endswith("archmodel.yaml")
    assert warning.path == ("risks", 0)


def test_first_matching_risk_wins(tmp_path: Path) -> None:
    report = _report(
        tmp_path,
        "risks:\n"
        "  - {threat: AMT150, target: '*', status: false_positive, justification: a}\n"
        "  - {threat: AMT150, target: '*', status: accepted, justification: b}\n",
    )
    assert _status(report, "AMT150:flow:s->db") == "false_positive"
    assert [w.code for w in report.warnings] == ["AMT001"]  # the second one never decides


def test_baseline_hides_known_findings_only(tmp_path: Path) -> None:
    report = _report(tmp_path)
    baseline = tmp_path / "threats.json"
    baseline.write_text(render_json(report, tmp_path))
    known = read_baseline(baseline)
    assert known == {f.id for f in report.findings}
    assert report.failing(ThreatSeverity.low, known) == []
    fewer = known - {"AMT150:flow:s->db"}
    assert [f.id for f in report.failing(ThreatSeverity.low, fewer)] == ["AMT150:flow:s->db"]
    assert report.failing(ThreatSeverity.critical, fewer) == []


def test_baseline_accepts_wrapped_form_and_rejects_garbage(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"findings": [{"id": "AMT150:flow:s->db"}]}))
    assert read_baseline(path) == {"AMT150:flow:s->db"}
    path.write_text("{not json")
    with pytest.raises(BadBaseline):
        read_baseline(path)
    path.write_text('"a string"')
    with pytest.raises(BadBaseline):
        read_baseline(path)


IN_PROGRESS = """risks:
  - threat: AMT150
    target: "flow:s->db"
    status: in_progress
    justification: TLS to the database, rolled out with the driver upgrade
    ticket: "https://tracker.example.com/SEC-7?a=1&b=<x>"
    checked_by: Security review board
    expires: 2025-07-01
"""


def test_a_fix_in_progress_leaves_the_open_list_but_stays_visible(tmp_path: Path) -> None:
    report = _report(tmp_path, IN_PROGRESS)
    finding = next(f for f in report.findings if f.id == "AMT150:flow:s->db")
    assert str(finding.status) == "in_progress" and not finding.is_open
    assert finding.id not in {f.id for f in report.failing(ThreatSeverity.low)}
    # not suppressed: code scanning and annotations keep showing it until the fix lands
    assert finding.suppression is None
    record = next(r for r in json.loads(render_json(report)) if r["id"] == finding.id)
    assert record["ticket"].startswith("https://tracker.example.com/SEC-7")
    assert record["checked_by"] == "Security review board"


def test_a_fix_past_its_due_date_is_open_again(tmp_path: Path) -> None:
    report = _report(tmp_path, IN_PROGRESS, today=dt.date(2025, 8, 1))
    assert _status(report, "AMT150:flow:s->db") == "open"
    assert any("expired" in w.message for w in report.warnings)


def test_the_register_shows_the_ticket_escaped(tmp_path: Path) -> None:
    from archmodel.generators.threats import render_csv, render_md

    report = _report(tmp_path, IN_PROGRESS)
    md = render_md(report)
    ticket = next(line for line in md.splitlines() if line.startswith("- **Ticket:**"))
    assert "SEC" in ticket and "<x>" not in ticket and "&lt;x&gt;" in ticket
    assert "**Checked by:** Security review board" in md
    assert "SEC-7" in render_csv(report)


WHOLE_MODEL_FINDINGS = """\
archmodel: 1
system: {id: shop, name: Shop}
data: [{id: orphan, classification: confidential}]
components:
  - {id: user, kind: web_client}
  - {id: api, kind: service, deploy: {image: "api:1"}}
flows:
  - {from: user, to: api, protocol: https}
"""


@pytest.mark.parametrize(("rule", "target"), [("AMT243", "system:shop"), ("AMT251", "data:orphan")])
def test_a_finding_on_the_system_or_a_data_asset_can_be_accepted(
    tmp_path: Path, rule: str, target: str
) -> None:
    """A workload with no build stage (AMT243) is the system's finding, an asset nothing
    uses (AMT251) the asset's: each is a target a risk can name and validation accepts."""
    (tmp_path / "archmodel.yaml").write_text(WHOLE_MODEL_FINDINGS, encoding="utf-8")
    assert f"{rule}:{target}" in {f.id for f in analyse(load_project(tmp_path)).open}
    risk = f"risks: [{{threat: {rule}, target: '{target}', status: accepted, justification: known}}]\n"
    (tmp_path / "archmodel.yaml").write_text(WHOLE_MODEL_FINDINGS + risk, encoding="utf-8")
    project = load_project(tmp_path)
    assert not [d for d in project.diagnostics if d.code == "AM308"]
    report = analyse(project)
    assert _status(report, f"{rule}:{target}") == "accepted"
    assert not [w for w in report.warnings if "matches no finding" in w.message]
