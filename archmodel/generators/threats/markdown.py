"""The Markdown threat register: a summary matrix, then findings grouped by severity.

Descriptions, targets, fixes and risk decisions carry model text (names, technologies,
justifications), so every value goes through the Markdown kit the docs site uses: it
renders as the text it is, never as HTML, links, headings or table rows.
"""

from __future__ import annotations

from pathlib import Path

from archmodel.formats.markdown import md_code, md_escape, md_paragraphs, one_line
from archmodel.generators.threats.attack import blast_md, paths_md
from archmodel.generators.threats.tabular import summary
from archmodel.threats.engine import ThreatReport
from archmodel.threats.render.common import where
from archmodel.threats.types import SEVERITY_ORDER, Finding, Stride


def _title(name: str) -> str:
    return name.replace("_", " ")


def _matrix(report: ThreatReport) -> list[str]:
    head = "| severity | " + " | ".join(_title(s) for s in Stride) + " | total |"
    rows = [head, "|---" * (len(Stride) + 2) + "|"]
    for sev in reversed(SEVERITY_ORDER):
        found = [f for f in report.open if f.severity is sev]
        cells = [str(sum(1 for f in found if s in f.stride)) for s in Stride]
        rows.append(f"| {sev} | " + " | ".join(cells) + f" | {len(found)} |")
    return rows


def _entry(f: Finding, base: Path | None) -> list[str]:
    refs = md_escape(", ".join([*f.cwe, *f.capec]) or "—")
    mitigations = ", ".join(md_code(m) for m in f.mitigations) or "— (design change)"
    lines = [
        f"### {md_escape(f.rule)} {md_escape(f.title)} — {md_code(f.target)}",
        "",
        md_paragraphs(f.description),
        "",
        *([f"- **Severity:** {f.severity} — {md_escape(f.factors_text)}"] if f.factors else []),
        f"- **Fix:** {md_escape(f.fix)}",
        f"- **Closed by:** {mitigations} (layer: {md_escape(f.layer)})",
        f"- **STRIDE:** {', '.join(_title(s) for s in f.stride)} · **Refs:** {refs}",
        f"- **Where:** {md_code(where(f, base))} · **Status:** {_title(f.status)}",
    ]
    if f.environments:
        lines.append(f"- **Environments:** {', '.join(md_code(e) for e in f.environments)}")
    if f.justification:
        owner = f" ({md_escape(f.risk_owner)})" if f.risk_owner else ""
        until = f", until {md_escape(f.expires)}" if f.expires else ""
        lines.append(f"- **Decision:** {md_escape(f.justification)}{owner}{until}")
    if f.ticket:
        lines.append(f"- **Ticket:** {md_code(f.ticket)}")
    if f.checked_by:
        lines.append(f"- **Checked by:** {md_escape(f.checked_by)}")
    return [*lines, ""]


def _code(text: str) -> str:
    """A one-line code span (controls dropped, backticks cannot close it): Markdown shows
    its content verbatim, so free text such as a blanket risk needs no other escaping."""
    return "`` " + one_line(text.replace("`", "'")) + " ``"


def _silenced(report: ThreatReport) -> list[str]:
    """Rules switched off and blanket decisions, before any finding: a reviewer must see
    what the register cannot show."""
    s = report.silencing
    if not s:
        return []
    lines = ["## Switched off", ""]
    lines += [f"- Rule {md_code(rule)} is disabled by `x-policies`." for rule in s.disabled]
    lines += [f"- Blanket risk {_code(b)}." for b in s.blanket]
    if s.blanket:
        lines.append(f"- {s.decided} finding(s) are decided by a blanket risk.")
    return [*lines, ""]


def render_md(report: ThreatReport, base: Path | None = None) -> str:
    lines = ["# Threat register", "", summary(report) + ".", "", *_matrix(report), ""]
    lines += _silenced(report)
    for sev in reversed(SEVERITY_ORDER):
        group = [f for f in report.open if f.severity is sev]
        if group:
            lines += [f"## {sev.capitalize()} ({len(group)})", ""]
            for f in group:
                lines += _entry(f, base)
    decided = [f for f in report.findings if not f.is_open]
    if decided:
        lines += [f"## Decided ({len(decided)})", ""]
        for f in decided:
            lines += _entry(f, base)
    if not report.findings:
        lines += ["No threats found.", ""]
    lines += [*paths_md(report.paths), *blast_md(report.blast)]
    return "\n".join(lines).rstrip("\n") + "\n"
