"""GitHub Actions workflow commands: one annotation per open finding, on its model line."""

from __future__ import annotations

from pathlib import Path

from archmodel.threats.engine import ThreatReport
from archmodel.threats.types import ThreatSeverity

_LEVEL = {
    ThreatSeverity.critical: "error",
    ThreatSeverity.high: "error",
    ThreatSeverity.medium: "warning",
    ThreatSeverity.low: "notice",
}


def _escape(text: str) -> str:
    """Workflow-command data escaping (%, CR, LF), so a user string cannot end the command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: ThreatReport, base: Path | None) -> str:
    lines = []
    for f in report.open:
        where = ""
        if f.file:
            path = Path(f.file)
            if base is not None and path.is_absolute() and path.is_relative_to(base):
                path = path.relative_to(base)
            where = f" file={_property(path.as_posix())},line={f.line or 1},col={f.column or 1}"
        message = f"{f.rule} {f.title} ({f.target}, {f.severity}): {f.fix}"
        lines.append(f"::{_LEVEL[f.severity]}{where},title={_property(f.rule)}::{_escape(message)}")
    return "".join(line + "\n" for line in lines)
