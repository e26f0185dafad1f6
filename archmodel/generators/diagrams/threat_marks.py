"""Open threats on the data-flow view: a count badge and a colour by highest severity.

The threat engine (``archmodel.threats``, core) is asked directly, never the threats
generator: generators are independent. ``report_for`` keeps one report per project, so
a ``generate`` that writes the register too analyses the model once. Only open
findings count: accepted, mitigated or in-progress ones are decisions already taken.
A component box takes the colour of its worst open threat on its border and gets a
``⚠ N`` line; a flow keeps its data-classification colour and gets a ``⚠ N`` badge in
the severity's colour on its label.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from archmodel.generators.diagrams import style
from archmodel.generators.diagrams.scene import Edge, Line, Node, Span
from archmodel.threats import Finding, ThreatReport, ThreatSeverity

BADGE = "⚠"
MARKED_PENWIDTH = 2.4


@dataclass(frozen=True)
class Mark:
    """How many open threats an element has, and the worst of them."""

    count: int
    severity: ThreatSeverity

    def add(self, finding: Finding) -> Mark:
        worst = max(self.severity, finding.severity, key=lambda s: s.rank)
        return Mark(self.count + 1, worst)

    @property
    def color(self) -> str:
        return style.SEVERITY_COLOR[self.severity]

    def badge(self, prefix: str = "") -> Span:
        return Span(f"{prefix}{BADGE} {self.count} {self.severity}", self.color, bold=True, small=True)


@dataclass(frozen=True)
class Marks:
    """Open-threat marks by component id and by flow id."""

    components: dict[str, Mark] = field(default_factory=dict)
    flows: dict[str, Mark] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.components or self.flows)


def open_marks(report: ThreatReport) -> Marks:
    """Marks of every component and flow with at least one open finding."""
    by_section: dict[str, dict[str, Mark]] = {"components": {}, "flows": {}}
    for f in report.open:
        marks = by_section.get(f.target.section)
        if marks is None:
            continue
        known = marks.get(f.target.id)
        marks[f.target.id] = known.add(f) if known else Mark(1, f.severity)
    return Marks(by_section["components"], by_section["flows"])


def mark_node(node: Node, mark: Mark | None) -> Node:
    """The box with a ``⚠ N severity`` line and its border in the severity colour."""
    if mark is None:
        return node
    return replace(
        node,
        lines=(*node.lines, (mark.badge(),)),
        stroke=mark.color,
        penwidth=max(node.penwidth, MARKED_PENWIDTH),
        tooltip=f"{node.tooltip} ({mark.count} open threat(s), worst {mark.severity})".strip(),
    )


def mark_edge(edge: Edge, mark: Mark | None) -> Edge:
    """The flow with a ``⚠ N severity`` badge after its label's last line."""
    if mark is None:
        return edge
    lines = list(edge.lines) or [()]
    lines[-1] = (*lines[-1], mark.badge("  " if lines[-1] else ""))
    return replace(
        edge,
        lines=tuple(lines),
        tooltip=f"{edge.tooltip} ({mark.count} open threat(s), worst {mark.severity})".strip(),
    )


def legend_line() -> Line:
    """The severity key, for the view's legend."""
    spans = [Span("open threats (border and ⚠ count): ")]
    spans += [
        Span(f"{BADGE} {s}  ", style.SEVERITY_COLOR[s], bold=True)
        for s in sorted(ThreatSeverity, key=lambda s: -s.rank)
    ]
    return tuple(spans)


def swatches() -> tuple[Node, ...]:
    """Sample boxes, one per severity: the key where a format has no legend text."""
    return tuple(
        Node(
            id=f"_severity_{s}",
            lines=((Span(f"{BADGE} {s}", style.SEVERITY_COLOR[s], bold=True),),),
            stroke=style.SEVERITY_COLOR[s],
            penwidth=MARKED_PENWIDTH,
        )
        for s in sorted(ThreatSeverity, key=lambda s: -s.rank)
    )


__all__ = ["Mark", "Marks", "legend_line", "mark_edge", "mark_node", "open_marks", "swatches"]
