"""Line-oriented renderings: compiler-style text, JSON (sorted by id) and CSV."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from archmodel.formats.csv import table
from archmodel.generators.threats.jsonlines import Lines
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
    "environments",
    "ticket",
    "checked_by",
    "changes",
)


def render_text(report: ThreatReport, base: Path | None = None) -> str:
    """``file:line:col: severity RULE target: title: description``, most severe first."""
    lines = []
    for f in report.findings:
        stride = "".join(STRIDE_LETTER[s] for s in f.stride)
        status = "" if f.is_open else f" [{f.status}]"
        envs = f" ({', '.join(f.environments)})" if f.environments else ""
        lines.append(
            f"{where(f, base)}: {f.severity} {f.rule} [{stride}] {f.target}{envs}: {f.title}: "
            f"{f.description}{status}"
        )
    return "".join(line + "\n" for line in lines)


def summary(report: ThreatReport) -> str:
    """``12 open threat(s): 1 critical, 3 high, ...; 2 accepted``, counted in one pass."""
    by_status = Counter(f.status for f in report.findings)
    by_severity = Counter(f.severity for f in report.findings if f.status is Status.open)
    counts = ", ".join(f"{by_severity[s]} {s}" for s in reversed(SEVERITY_ORDER))
    rest = ", ".join(f"{by_status[s]} {s}" for s in Status if by_status[s] and s is not Status.open)
    silenced = report.silencing.summary()
    return (
        f"{by_status[Status.open]} open threat(s): {counts}"
        + (f"; {rest}" if rest else "")
        + (f"; SILENCED: {silenced}" if silenced else "")
    )


def disabled_records(report: ThreatReport) -> list[dict[str, Any]]:
    """One record per rule that ``x-policies`` switched off (status ``disabled``): the
    register shows what it does not check, not just what it found."""
    from archmodel.threats import installed_rules

    rules = installed_rules()
    return [
        {
            "id": f"{rule.id}:*",
            "rule": rule.id,
            "title": rule.title,
            "stride": [str(x) for x in rule.stride],
            "severity": "",
            "target": "*",
            "mitigations": list(rule.mitigations),
            "layer": rule.layer,
            "status": "disabled",
            "description": "This rule is disabled by x-policies: no finding of it is reported.",
            "fix": rule.fix,
            "cwe": list(rule.cwe),
            "capec": list(rule.capec),
            "file": None,
            "line": None,
            "justification": "disabled by x-policies",
        }
        for rule in (rules[r] for r in report.silencing.disabled if r in rules)
    ]


JSON_SEPARATOR = ",\n  "  # what joins the pieces of ``json_pieces``


def render_json(report: ThreatReport, base: Path | None = None) -> str:
    """A JSON array sorted by id, one finding per line: it diffs like indented JSON, and
    the C encoder writes it (the indenting one is pure Python, slow on large registers).
    Rules switched off by ``x-policies`` follow as records with status ``disabled``."""
    return JSON_SEPARATOR.join(json_pieces(report, base))


def json_pieces(report: ThreatReport, base: Path | None = None) -> list[str]:
    """The register's JSON text in pieces, one per record, which ``JSON_SEPARATOR``
    joins: the array's brackets are on the first and last. A caller that writes them
    one by one never holds the whole text (at 50k components, 150 MB: one ellipsis
    makes every character of a joined string two bytes), and ``render_json`` makes it
    once, not copying it again to add a prefix or an end."""
    line = Lines(base)
    lines = [line(f) for f in sorted(report.findings, key=lambda f: f.id)]
    lines += [line.encode(record) for record in disabled_records(report)]
    if not lines:
        return ["[]\n"]
    lines[0] = "[\n  " + lines[0]
    lines[-1] += "\n]\n"
    return lines


def render_csv(report: ThreatReport, base: Path | None = None) -> str:
    """One row per finding; text cells cannot become spreadsheet formulas."""
    rows = []
    for f in report.findings:
        record = f.as_dict(shown_file(f.file, base))
        record["justification"] = f.justification or ""
        record["environments"] = list(f.environments)
        record["ticket"] = f.ticket or ""
        record["checked_by"] = f.checked_by or ""
        record["changes"] = [str(c) for c in f.changes]
        values = [record[c] for c in CSV_COLUMNS]
        rows.append([";".join(v) if isinstance(v, list) else v for v in values])
    for record in disabled_records(report):
        values = [record.get(c, "") for c in CSV_COLUMNS]
        rows.append([";".join(v) if isinstance(v, list) else v for v in values])
    return table(CSV_COLUMNS, rows)
