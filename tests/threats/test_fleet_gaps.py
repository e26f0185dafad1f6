"""One finding per root cause: fleet-wide gaps on the system or per environment, and one
defence-in-depth finding per entry point and missing layer."""

from __future__ import annotations

from pathlib import Path

from archmodel.api import load_project
from archmodel.project import Project
from archmodel.threats import ThreatReport, analyse

SERVICES = "".join(f"  - {{id: s{i}, kind: service, name: S{i}}}\n" for i in range(1, 6))
MODEL = f"""archmodel: 1
system:
  id: shop
  name: Shop
components:
{SERVICES}"""
ENVS = """environments:
  - {id: prod, name: Prod, tier: prod}
  - {id: dev, name: Dev, tier: dev, controls: [patching]}
"""


def _load(tmp_path: Path, text: str) -> Project:
    (tmp_path / "archmodel.yaml").write_text(text, encoding="utf-8")
    return load_project(tmp_path)


def _report(tmp_path: Path, text: str) -> ThreatReport:
    project = _load(tmp_path, text)
    assert not project.failed(), project.diagnostics
    return analyse(project)


def test_without_environments_a_fleet_gap_is_one_finding_on_the_system(tmp_path: Path) -> None:
    report = _report(tmp_path, MODEL)
    (finding,) = [f for f in report.open if f.rule == "AMT114"]
    assert str(finding.target) == "system:shop"
    assert all(f"'s{i}'" in finding.description for i in range(1, 6))
    assert "more" not in finding.description
    # Located at the `system:` entry (its first line), not at a component.
    assert (Path(str(finding.file)).name, finding.line) == ("archmodel.yaml", 3)


def test_a_component_with_the_control_is_left_out(tmp_path: Path) -> None:
    text = MODEL.replace("name: S3}", "name: S3, controls: [patching]}")
    (finding,) = [f for f in _report(tmp_path, text).open if f.rule == "AMT114"]
    assert "'s3'" not in finding.description and "'s4'" in finding.description


def test_a_system_without_id_is_named_system(tmp_path: Path) -> None:
    text = MODEL.replace("  id: shop\n", "")
    (finding,) = [f for f in _report(tmp_path, text).open if f.rule == "AMT114"]
    assert str(finding.target) == "system:system"


def test_a_risk_on_the_system_accepts_the_finding(tmp_path: Path) -> None:
    risk = (
        "risks:\n  - {threat: AMT114, target: 'system:shop', status: accepted, "
        "justification: images rebuilt nightly by the platform}\n"
    )
    report = _report(tmp_path, MODEL + risk)
    (finding,) = [f for f in report.findings if f.rule == "AMT114"]
    assert str(finding.status) == "accepted"
    assert not report.warnings


def test_a_risk_on_an_unknown_system_is_am308(tmp_path: Path) -> None:
    risk = "risks:\n  - {threat: AMT114, target: 'system:other', status: accepted, justification: x}\n"
    project = _load(tmp_path, MODEL + risk)
    assert [(d.code, d.line) for d in project.diagnostics if d.code == "AM308"] == [("AM308", 12)]
    glob = "risks:\n  - {threat: AMT114, target: 'system:*', status: accepted, justification: x}\n"
    assert not [d for d in _load(tmp_path, MODEL + glob).diagnostics if d.code == "AM308"]


def test_with_environments_the_gap_stays_one_finding_per_environment(tmp_path: Path) -> None:
    report = _report(tmp_path, MODEL + ENVS)
    found = [f for f in report.findings if f.rule == "AMT114"]
    assert [(str(f.target), str(f.status)) for f in found] == [("environment:prod", "open")]
    assert found[0].description.startswith("In prod environment 'prod', 's1', 's2'")


PATHS = """archmodel: 1
system: {name: T}
zones: [{id: net, trust: untrusted}]
data: [{id: d, name: D, classification: confidential}]
components:
  - {id: u, kind: actor, name: U, zone: net}
  - {id: s, kind: service, name: S}
  - {id: db1, kind: database, name: DB1, stores: [d]}
  - {id: db2, kind: database, name: DB2, stores: [d]}
  - {id: t, kind: service, name: T}
  - {id: db3, kind: database, name: DB3, stores: [d]}
flows:
  - {from: u, to: s, protocol: http}
  - {from: s, to: db1, protocol: sql}
  - {from: s, to: db2, protocol: sql}
  - {from: s, to: t, protocol: http}
  - {from: t, to: db3, protocol: sql}
"""


def test_a_missing_layer_from_one_entry_is_one_finding_naming_every_store(tmp_path: Path) -> None:
    found = [f for f in _report(tmp_path, PATHS).open if f.rule == "AMT174"]
    assert [str(f.target) for f in found] == ["path:u>s>db1"]
    assert found[0].description.endswith("So do the paths to 'db2', 'db3'.")
