"""The shared SARIF and GitHub outputs for a threat report (``threats --format``, and the
``threats.sarif`` file that ``generate`` writes)."""

from __future__ import annotations

from pathlib import Path

from archmodel.catalog import RuleInfo
from archmodel.diagnostics import Reportable
from archmodel.findings.catalog import rule_catalog
from archmodel.findings.github import render_github
from archmodel.findings.sarif import render_sarif
from archmodel.load.positions import resolve
from archmodel.threats import ThreatReport


def report_rules(report: ThreatReport) -> dict[str, RuleInfo]:
    """The catalog plus the rules only this model has (its ``x-policies`` rules)."""
    return {**rule_catalog(), **{r.id: r.info for r in report.rules}}


def threats_sarif(report: ThreatReport, base: Path | None = None) -> str:
    """Findings (decided ones as suppressions) and the analysis' warnings about the model."""
    items: list[Reportable] = [*report.findings, *(w for w in resolve(report.warnings) if w.file)]
    return render_sarif(items, report_rules(report), category="threats", base=base)


def threats_github(report: ThreatReport, base: Path | None = None) -> str:
    """One annotation per open finding, then one per warning of the analysis."""
    items: list[Reportable] = [*report.open, *resolve(report.warnings)]
    return render_github(items, base, report_rules(report))
