"""The Markdown threat register: a summary matrix, then findings grouped by severity.

Descriptions, targets, fixes and risk decisions carry model text (names, technologies,
justifications), so every value goes through the Markdown kit the docs site uses: it
renders as the text it is, never as HTML, links, headings or table rows.
"""

from __future__ import annotations

from pathlib import Path

from archmodel.formats.markdown import md_code, md_escape, md_paragraphs, one_line
from archmodel.formats.text import one_final_newline
from archmodel.generators.threats.attack import blast_md, paths_md
from archmodel.generators.threats.tabular import summary
from archmodel.threats.engine import ThreatReport
from archmodel.threats.render.common import where
from archmodel.threats.types import SEVERITY_ORDER, Finding, ModelChange, Stride


def _title(name: str) -> str:
    return name.replace("_", " ")


class _Escaped(dict[str, str]):
    """``md_escape`` of each text once: titles, fixes and layers repeat on every finding
    of a rule, and escaping (two regular expressions and a translation) is the cost."""

    def __missing__(self, text: str) -> str:
        escaped = self[text] = md_escape(text)
        return escaped


def _matrix(report: ThreatReport, open_: list[Finding] | None = None) -> list[str]:
    head = "| severity | " + " | ".join(_title(s) for s in Stride) + " | total |"
    rows = [head, "|---" * (len(Stride) + 2) + "|"]
    open_ = report.open if open_ is None else open_
    for sev in reversed(SEVERITY_ORDER):
        found = [f for f in open_ if f.severity is sev]
        cells = [str(sum(1 for f in found if s in f.stride)) for s in Stride]
        rows.append(f"| {sev} | " + " | ".join(cells) + f" | {len(found)} |")
    return rows


def closed_by_md(f: Finding) -> str:
    """The controls that close a finding, then the model changes that do, each alone."""
    controls = [md_code(m) for m in f.mitigations]
    changes = [_change_md(c) for c in f.changes]
    return " or ".join(filter(None, (", ".join(controls), *changes))) or "— (design change)"


def _change_md(change: ModelChange) -> str:
    values = " or ".join(md_code(v) for v in change.values) or md_escape(change.value)
    targets = ", ".join(md_code(str(t)) for t in change.targets)
    return f"{md_code(change.field)} set to {values} on {targets}"


def _entry(f: Finding, base: Path | None, escaped: dict[str, str] | None = None) -> list[str]:
    esc = _Escaped() if escaped is None else escaped
    refs = esc[", ".join([*f.cwe, *f.capec]) or "—"]
    mitigations = closed_by_md(f)
    lines = [
        f"### {esc[f.rule]} {esc[f.title]} — {md_code(f.target)}",
        "",
        md_paragraphs(f.description),
        "",
        *([f"- **Severity:** {f.severity} — {esc[f.factors_text]}"] if f.factors else []),
        f"- **Fix:** {esc[f.fix]}",
        f"- **Closed by:** {mitigations} (layer: {esc[f.layer]})",
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
    open_ = report.open
    escaped = _Escaped()
    lines = ["# Threat register", "", summary(report) + ".", "", *_matrix(report, open_), ""]
    lines += _silenced(report)
    for sev in reversed(SEVERITY_ORDER):
        group = [f for f in open_ if f.severity is sev]
        if group:
            lines += [f"## {sev.capitalize()} ({len(group)})", ""]
            for f in group:
                lines += _entry(f, base, escaped)
    decided = [f for f in report.findings if not f.is_open]
    if decided:
        lines += [f"## Decided ({len(decided)})", ""]
        for f in decided:
            lines += _entry(f, base, escaped)
    if not report.findings:
        lines += ["No threats found.", ""]
    lines += [*paths_md(report.paths), *blast_md(report.blast)]
    return one_final_newline("\n".join(lines))
