"""The Markdown threat register: a summary matrix, then findings grouped by severity."""

from __future__ import annotations

from pathlib import Path

from archmodel.threats.engine import ThreatReport
from archmodel.threats.render.common import where
from archmodel.threats.render.tabular import summary
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
    refs = ", ".join([*f.cwe, *f.capec]) or "—"
    mitigations = ", ".join(f"`{m}`" for m in f.mitigations) or "— (design change)"
    lines = [
        f"### {f.rule} {f.title} — `{f.target}`",
        "",
        f.description,
        "",
        f"- **Fix:** {f.fix}",
        f"- **Closed by:** {mitigations} (layer: {f.layer})",
        f"- **STRIDE:** {', '.join(_title(s) for s in f.stride)} · **Refs:** {refs}",
        f"- **Where:** `{where(f, base)}` · **Status:** {_title(f.status)}",
    ]
    if f.justification:
        owner = f" ({f.risk_owner})" if f.risk_owner else ""
        until = f", until {f.expires}" if f.expires else ""
        lines.append(f"- **Decision:** {f.justification}{owner}{until}")
    return [*lines, ""]


def _code(text: str) -> str:
    """A one-line code span: Markdown shows its content verbatim."""
    return "`` " + " ".join(text.replace("`", "'").split()) + " ``"


def _silenced(report: ThreatReport) -> list[str]:
    """Rules switched off and blanket decisions, before any finding: a reviewer must see
    what the register cannot show."""
    s = report.silencing
    if not s:
        return []
    lines = ["## Switched off", ""]
    lines += [f"- Rule `{rule}` is disabled by `x-policies`." for rule in s.disabled]
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
    return "\n".join(lines).rstrip("\n") + "\n"
