"""The HTML threat report: one self-contained file for people who do not read YAML.

A summary for managers comes first (counts by severity, STRIDE category and layer, the
ten worst open risks, attack paths that lack a layer, the blast radius table, and the
risk decisions with their owners and expiry dates), then the full register. The page
works offline: its stylesheet is inline, it runs no script and names no outside
resource. Every model string reaches the page through Jinja's HTML autoescape, so a
name or justification is shown as the text it is.

The page depends only on the report and today's date (``archmodel.clock``, which
``ARCHMODEL_TODAY`` pins): no timestamp, so it is byte-for-byte reproducible.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from archmodel import clock
from archmodel.formats.text import one_final_newline
from archmodel.generators.threats.attack import REGISTER_BLAST, REGISTER_PATHS, grouped
from archmodel.generators.threats.tabular import summary
from archmodel.model import LAYER_TITLE, Layer
from archmodel.threats.attack_paths import AttackPath
from archmodel.threats.engine import ThreatReport
from archmodel.threats.render.common import where
from archmodel.threats.types import SEVERITY_ORDER, Finding, Status, Stride

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parent / "templates"
TOP_RISKS = 10
# A decision that ends within this many days is flagged: someone has to review it soon.
SOON_DAYS = 30
DECIDED = (Status.accepted, Status.in_progress)


@cache
def environment() -> Environment:
    """Autoescape on for every template, whatever its name: the page is HTML throughout.
    Jinja is imported here, when a page is made: the other register formats do without."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["words"] = words
    return env


def words(value: object) -> str:
    """``information_disclosure`` -> ``information disclosure``: enum values as prose."""
    return str(value).replace("_", " ")


@dataclass(frozen=True)
class Decision:
    """A risk decision as the summary shows it: whose it is and how long it holds."""

    finding: Finding
    anchor: str
    expiry: str  # "expired", "soon", "ok" or "none"
    days: int | None  # days until it expires (negative once expired)


def _expiry(expires: str | None, today: dt.date) -> tuple[str, int | None]:
    if not expires:
        return "none", None
    try:
        days = (dt.date.fromisoformat(expires) - today).days
    except ValueError:
        return "none", None
    if days < 0:
        return "expired", days
    return ("soon" if days <= SOON_DAYS else "ok"), days


def _decisions(findings: list[Finding], anchors: dict[str, str], today: dt.date) -> list[Decision]:
    """Accepted and in-progress findings, and open ones whose decision expired: the
    expired ones first (they are open again), then by expiry date."""
    out = []
    for f in findings:
        if f.status in DECIDED or (f.is_open and f.expires):
            state, days = _expiry(f.expires, today)
            out.append(Decision(f, anchors[f.id], state, days))
    order = {"expired": 0, "soon": 1, "ok": 2, "none": 3}
    return sorted(out, key=lambda d: (order[d.expiry], d.finding.expires or "", d.finding.id))


def _counts(open_: list[Finding]) -> dict[str, list[tuple[str, int]]]:
    layers = Counter(f.layer for f in open_)
    known = [str(x) for x in Layer]
    layer_rows = [(LAYER_TITLE[Layer(x)], layers[x]) for x in known if layers[x]]
    layer_rows += [(x or "none", n) for x, n in sorted(layers.items()) if x not in known]
    return {
        "severity": [(str(s), sum(1 for f in open_ if f.severity is s)) for s in reversed(SEVERITY_ORDER)],
        "stride": [(words(s), sum(1 for f in open_ if s in f.stride)) for s in Stride],
        "layer": layer_rows,
    }


def _layers(layers: tuple[Layer, ...]) -> str:
    return ", ".join(LAYER_TITLE[x].lower() for x in layers) or "none"


def _path_groups(paths: list[AttackPath]) -> tuple[list[dict[str, Any]], int]:
    """Weak paths grouped by entry and missing layers, at most ``REGISTER_PATHS`` shown."""
    weak = [p for p in paths if p.missing]
    groups: list[dict[str, Any]] = []
    shown = 0
    for entry, missing, items in grouped(weak):
        if shown >= REGISTER_PATHS:
            break
        rows = [
            {"target": p.target, "what": p.target.what, "components": p.components}
            for p in items[: REGISTER_PATHS - shown]
        ]
        groups.append({"entry": entry, "missing": _layers(missing), "paths": rows})
        shown += len(rows)
    return groups, len(weak) - shown


def _html(value: object) -> str:
    """``markupsafe.escape`` of plain text (no ``__html__``), without making a ``Markup``
    per value: the same five entities."""
    return (
        str(value)
        .replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def _codes(items: tuple[str, ...]) -> str:
    """The template's ``codes`` macro: code spans joined by commas, a dash for none."""
    return ", ".join(f"<code>{_html(x)}</code>" for x in items) or "—"


def _closed_by(f: Finding) -> str:
    """The controls that close a finding, then the model changes that do, each alone."""
    changes = [
        f"<code>{_html(c.field)}</code> set to "
        + (" or ".join(f"<code>{_html(v)}</code>" for v in c.values) or _html(c.value))
        + f" on {_codes(tuple(str(t) for t in c.targets))}"
        for c in f.changes
    ]
    parts = [_codes(f.mitigations)] if f.mitigations else []
    return " or ".join([*parts, *changes]) or "— (design change)"


def entry_html(f: Finding, anchor: str, place: str, escaped: dict[str, str] | None = None) -> Markup:
    """One finding of the full register, laid out here rather than by a template macro:
    the register has a line per field for tens of thousands of findings, and a macro call
    per finding is most of the page's time. Every model string is escaped (``escaped``
    keeps the escaping of texts that repeat on every finding of a rule)."""
    memo: dict[str, str] = {} if escaped is None else escaped

    def esc(text: str) -> str:
        found = memo.get(text)
        if found is None:
            found = memo[text] = _html(text)
        return found

    sev = _html(f.severity)
    refs = esc(", ".join([*f.cwe, *f.capec])) if (f.cwe or f.capec) else "—"
    closed = _closed_by(f)
    lines = [
        f'<article class="finding sev-{sev}" id="{_html(anchor)}">\n'
        f'<h4><span class="sev sev-{sev}">{sev}</span> <code>{esc(f.rule)}</code> {esc(f.title)} — '
        f"<code>{_html(f.target)}</code></h4>\n"
        f"<p>{_html(f.description)}</p>\n"
        "<dl>\n"
        f"<dt>Fix</dt><dd>{esc(f.fix)}</dd>\n"
        f"<dt>Closed by</dt><dd>{closed} (layer: {esc(f.layer)})</dd>\n"
        f"<dt>STRIDE</dt><dd>{esc(', '.join(words(x) for x in f.stride))}</dd>\n"
        f"<dt>CWE / CAPEC</dt><dd>{refs}</dd>\n"
        f"<dt>Where</dt><dd><code>{_html(place)}</code></dd>\n"
        f"<dt>Status</dt><dd>{_html(words(f.status))}</dd>\n"
    ]
    if f.environments:
        lines.append(f"<dt>Environments</dt><dd>{_codes(f.environments)}</dd>\n")
    if f.justification:
        owner = f" ({_html(f.risk_owner)})" if f.risk_owner else ""
        until = f", until {_html(f.expires)}" if f.expires else ""
        lines.append(f"<dt>Decision</dt><dd>{_html(f.justification)}{owner}{until}</dd>\n")
    elif f.expires:
        lines.append(f"<dt>Decision</dt><dd>expired on {_html(f.expires)}</dd>\n")
    if f.ticket:
        lines.append(f"<dt>Ticket</dt><dd><code>{_html(f.ticket)}</code></dd>\n")
    if f.checked_by:
        lines.append(f"<dt>Checked by</dt><dd>{_html(f.checked_by)}</dd>\n")
    lines.append("</dl>\n</article>\n")
    return Markup("".join(lines))


def context(report: ThreatReport, base: Path | None, today: dt.date) -> dict[str, Any]:
    """Everything the template shows, computed here so the template only lays it out."""
    open_ = report.open
    decided = [f for f in report.findings if not f.is_open]
    ordered = [*open_, *decided]
    anchors = {f.id: f"f{i}" for i, f in enumerate(ordered, 1)}
    groups, more_paths = _path_groups(report.paths)
    by_severity = [(str(sev), [f for f in open_ if f.severity is sev]) for sev in reversed(SEVERITY_ORDER)]
    places = {f.id: where(f, base) for f in report.findings}
    escaped: dict[str, str] = {}
    return {
        "summary": summary(report),
        "today": today.isoformat(),
        "soon_days": SOON_DAYS,
        "total_open": len(open_),
        "counts": _counts(open_),
        "top": open_[:TOP_RISKS],
        "top_limit": TOP_RISKS,
        "anchors": anchors,
        "paths": report.paths,
        "weak_paths": sum(1 for p in report.paths if p.missing),
        "path_groups": groups,
        "more_paths": more_paths,
        "blast": report.blast[:REGISTER_BLAST],
        "more_blast": max(0, len(report.blast) - REGISTER_BLAST),
        "decisions": _decisions(report.findings, anchors, today),
        "silencing": report.silencing,
        "by_severity": [(sev, group) for sev, group in by_severity if group],
        "decided": decided,
        "where": places,
        "entries": {f.id: entry_html(f, anchors[f.id], places[f.id], escaped) for f in ordered},
    }


def render_html(report: ThreatReport, base: Path | None = None, today: dt.date | None = None) -> str:
    """The report page; ``today`` (the pinned clock by default) decides what expires soon."""
    page = environment().get_template("threats.html.j2")
    return one_final_newline(page.render(**context(report, base, today or clock.today())))


__all__ = ["render_html"]
