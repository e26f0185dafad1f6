"""Line-oriented renderings: compiler-style text, JSON (sorted by id) and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from archmodel.threats.engine import ThreatReport
from archmodel.threats.render.common import shown_file, where
from archmodel.threats.types import SEVERITY_ORDER, STRIDE_LETTER, Status

CSV_COLUMNS = (
    "id",
    "rule",
    "severity",
    "status",
    "target",
    "title",
    "stride",
    "layer",
    "mitigations",
    "cwe",
    "capec",
    "file",
    "line",
    "description",
    "fix",
    "justification",
)


def render_text(report: ThreatReport, base: Path | None = None) -> str:
    """``file:line:col: severity RULE target: title: description``, most severe first."""
    lines = []
    for f in report.findings:
        stride = "".join(STRIDE_LETTER[s] for s in f.stride)
        status = "" if f.is_open else f" [{f.status}]"
        lines.append(
            f"{where(f, base)}: {f.severity} {f.rule} [{stride}] {f.target}: {f.title}: "
            f"{f.description}{status}"
        )
    return "".join(line + "\n" for line in lines)


def summary(report: ThreatReport) -> str:
    open_ = report.open
    counts = ", ".join(f"{sum(1 for f in open_ if f.severity is s)} {s}" for s in reversed(SEVERITY_ORDER))
    closed = {s: sum(1 for f in report.findings if f.status is s) for s in Status}
    rest = ", ".join(f"{n} {s}" for s, n in closed.items() if n and s is not Status.open)
    silenced = report.silencing.summary()
    return (
        f"{len(open_)} open threat(s): {counts}"
        + (f"; {rest}" if rest else "")
        + (f"; SILENCED: {silenced}" if silenced else "")
    )


def render_json(report: ThreatReport, base: Path | None = None) -> str:
    items = [f.as_dict(shown_file(f.file, base)) for f in sorted(report.findings, key=lambda f: f.id)]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def render_csv(report: ThreatReport, base: Path | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in report.findings:
        record = f.as_dict(shown_file(f.file, base))
        record["justification"] = f.justification or ""
        writer.writerow(
            ";".join(v) if isinstance(v, list) else ("" if v is None else v)
            for v in (record[c] for c in CSV_COLUMNS)
        )
    return out.getvalue()
