"""Renderers, determinism, the generator, policies and plugins."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from archmodel.api import load_project
from archmodel.findings.threats import threats_sarif as render_sarif
from archmodel.generators.threats import RENDERERS, render_csv, render_md
from archmodel.runner import NoOptions
from archmodel.threats import Hit, ThreatReport, analyse, catalog, installed_rules
from archmodel.threats.registry import ThreatRule
from archmodel.threats.types import Stride

SHOP = Path(__file__).parent / "models" / "shop"
TODAY = dt.date(2025, 1, 1)


def _shop() -> ThreatReport:
    checked = load_project(SHOP)
    assert not checked.failed()
    return analyse(checked, today=TODAY)


def test_findings_are_unique_sorted_and_located() -> None:
    report = _shop()
    ids = [f.id for f in report.findings]
    assert len(ids) == len(set(ids))
    assert [f.sort_key() for f in report.findings] == sorted(f.sort_key() for f in report.findings)
    for f in report.findings:
        assert f.file and f.file.endswith("archmodel.yaml") and f.line and f.line > 1, f
        assert f.id == f"{f.rule}:{f.target}"


def test_out_of_scope_components_are_skipped(tmp_path: Path) -> None:
    text = (
        (SHOP / "archmodel.yaml")
        .read_text()
        .replace("name: Orders DB", "name: Orders DB, out_of_scope: managed by the DBA team")
    )
    (tmp_path / "archmodel.yaml").write_text(
        text.replace("    name: Orders DB, out", "    name: Orders DB\n    out")
    )
    checked = load_project(tmp_path)
    report = analyse(checked, today=TODAY)
    assert not [f for f in report.findings if str(f.target) in ("component:db", "flow:payments->db")]


def test_mitigated_hits_are_not_reported_unless_asked() -> None:
    checked = load_project(SHOP)
    quiet = analyse(checked, today=TODAY)
    loud = analyse(checked, today=TODAY, include_mitigated=True)
    extra = {f.id for f in loud.findings} - {f.id for f in quiet.findings}
    assert "AMT103:component:cdn" in extra  # the edge zone has DDoS protection
    assert all(f.status == "mitigated" for f in loud.findings if f.id in extra)


def test_json_matches_spec_fields_and_is_deterministic() -> None:
    first = RENDERERS["json"](_shop(), SHOP)
    assert first == RENDERERS["json"](_shop(), SHOP)
    items = json.loads(first)
    assert [i["id"] for i in items] == sorted(i["id"] for i in items)
    required = {
        "id",
        "rule",
        "title",
        "stride",
        "severity",
        "target",
        "mitigations",
        "layer",
        "status",
        "description",
        "cwe",
        "capec",
        "fix",
        "file",
        "line",
    }
    for item in items:
        assert required <= set(item)
        assert item["file"] == "archmodel.yaml"
        assert set(item["stride"]) <= {s.value for s in Stride}


def test_sarif_shape() -> None:
    report = _shop()
    log = json.loads(render_sarif(report, SHOP))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    threat_rules = [r for r in rules if r["properties"]["kind"] == "threat"]
    assert [r["id"] for r in threat_rules] == sorted(installed_rules())
    for r in threat_rules:
        assert r["name"] and r["shortDescription"]["text"] and r["help"]["text"]
        assert "security" in r["properties"]["tags"] and r["properties"]["security-severity"]
        assert r["properties"]["stride"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] > 1
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "archmodel.yaml"
        assert result["level"] in {"error", "warning", "note"}
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["AMT181"]
    assert suppressed[0]["suppressions"][0]["justification"]


def test_markdown_and_csv() -> None:
    report = _shop()
    md = render_md(report, SHOP)
    assert md.startswith("# Threat register\n")
    assert md.index("## Critical") < md.index("## High") < md.index("## Medium") < md.index("## Low")
    assert "## Decided (1)" in md and "single region is fine for now" in md
    rows = list(csv.DictReader(io.StringIO(render_csv(report, SHOP))))
    assert len(rows) == len(report.findings)
    assert {r["severity"] for r in rows} <= {"low", "medium", "high", "critical"}


def test_generator_writes_five_deterministic_files() -> None:
    from archmodel.generators.threats import generate

    checked = load_project(SHOP)
    files = {str(p): b for p, b in generate(checked, NoOptions()).items()}
    assert sorted(files) == [f"threats/threats.{x}" for x in ("csv", "html", "json", "md", "sarif")]
    again = {str(p): b for p, b in generate(checked, NoOptions()).items()}
    assert files == again
    assert b"/work/" not in files["threats/threats.json"]  # paths relative to the model


def test_policy_from_x_policies(tmp_path: Path) -> None:
    (tmp_path / "archmodel.yaml").write_text(
        "archmodel: 1\nsystem: {name: T}\n"
        "x-policies:\n"
        "  disable: [AMT114, AMT115]\n"
        "  rules:\n"
        "    - {id: ACME001, title: PCI services need mTLS, stride: [spoofing], severity: high,\n"
        "       select: {tags: [pci]}, require: [mtls], fix: Enable the mesh.}\n"
        "components:\n"
        "  - {id: s, kind: service, name: S, tags: [pci, entry_point]}\n"
        "  - {id: t, kind: service, name: T, tags: [entry_point]}\n"
    )
    checked = load_project(tmp_path)
    report = analyse(checked, today=TODAY)
    rules = {f.rule: f for f in report.findings}
    assert "AMT114" not in rules and "AMT115" not in rules
    custom = [f for f in report.findings if f.rule == "ACME001"]
    assert [(str(f.target), f.severity, f.layer) for f in custom] == [("component:s", "high", "data")]


def test_plugin_rules_register_through_entry_points(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from archmodel.threats import engine, registry

    def check(ctx):  # type: ignore[no-untyped-def]
        for c in ctx.components():
            yield Hit(target=f"component:{c.id}", description="plugin", where=("components", c.id))

    rule = ThreatRule(
        id="XPL001",
        title="Plugin rule",
        stride=(Stride.tampering,),
        mitigations=("hardening",),
        fix="Fix it.",
        check=check,
    )

    class EP:
        name, value = "demo", "demo:rules"

        def load(self):  # type: ignore[no-untyped-def]
            return lambda: [rule]

    class Broken(EP):
        name = "broken"

        def load(self):  # type: ignore[no-untyped-def]
            raise ImportError("no module named demo")

    plugins = {registry.PLUGIN_GROUP: [EP(), Broken()]}
    monkeypatch.setattr(registry, "entry_points", lambda group: plugins.get(group, []))
    engine.plugins.cache_clear()
    try:
        assert "XPL001" in {r.id for r in catalog()}
        checked = load_project(SHOP)
        report = analyse(checked, today=TODAY)
        assert any(f.rule == "XPL001" for f in report.findings)
        assert any(w.code == "AMT004" and "broken" in w.message for w in report.warnings)
    finally:
        engine.plugins.cache_clear()


def test_every_format_names_the_model_change_that_closes_a_finding(tmp_path: Path) -> None:
    """A flow that says `authentication: none` into a component that authenticates its
    other callers: no control closes AMT110, the flow's own authentication does."""
    (tmp_path / "archmodel.yaml").write_text(
        "archmodel: 1\nsystem: {name: T}\n"
        "components:\n"
        "  - {id: a, kind: service, tags: [entry_point], controls: [authentication]}\n"
        "  - {id: b, kind: service, controls: [authentication]}\n"
        "flows:\n"
        "  - {id: grpc, from: a, to: b, protocol: grpc, authentication: none}\n",
        encoding="utf-8",
    )
    report = analyse(load_project(tmp_path), today=TODAY)
    (found,) = [f for f in report.open if f.rule == "AMT110"]
    assert found.mitigations == ()
    record = next(r for r in json.loads(RENDERERS["json"](report, tmp_path)) if r["rule"] == "AMT110")
    assert record["changes"] == [
        {
            "field": "authentication",
            "values": ["token", "oauth2", "client_certificate"],
            "targets": ["flow:grpc"],
        }
    ]
    md = render_md(report, tmp_path)
    assert (
        "**Closed by:** `authentication` set to `token` or `oauth2` or `client_certificate` on `flow:grpc`"
        in md
    )
    html = RENDERERS["html"](report, tmp_path)
    assert "<code>authentication</code> set to <code>token</code> or" in html
    rows = list(csv.DictReader(io.StringIO(render_csv(report, tmp_path))))
    (row,) = [r for r in rows if r["rule"] == "AMT110"]
    assert row["changes"] == "authentication set to token or oauth2 or client_certificate on flow:grpc"
