"""The data-flow view: components clustered by trust zone, flows as labelled arrows.

What a reviewer must see at a glance is drawn, not written: nested zones nest and are
tinted by trust; plaintext flows are dashed red; arrow colour and weight follow the most
sensitive data a flow carries; public entry points get a red double border; components
that are out of scope are greyed and dashed. With the threat report's marks, components
and flows with open threats get a ``⚠ N`` badge and their worst severity's colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from archmodel.generators.diagrams import style
from archmodel.generators.diagrams.icons import icon_for, primary_cloud
from archmodel.generators.diagrams.scene import Cluster, Edge, Line, Node, Scene, Span, line
from archmodel.generators.diagrams.threat_marks import Marks, legend_line, mark_edge, mark_node, swatches
from archmodel.graph import ArchGraph
from archmodel.model import Classification, Component, Flow, Trust, Zone


def node_id(component_id: str) -> str:
    """Components keep their id (ids are unique per section and already safe)."""
    return component_id


def cluster_id(zone_id: str) -> str:
    """Zones keep their id too: renderers prefix clusters in their own namespace."""
    return zone_id


def highest_classification(graph: ArchGraph, data_ids: list[str]) -> Classification | None:
    """The most sensitive classification among data ids (unknown ids are ignored)."""
    found = [graph.data[d].classification for d in data_ids if d in graph.data]
    return max(found) if found else None


def component_node(graph: ArchGraph, component: Component, cluster: str | None) -> Node:
    """A component box: name, kind/technology and badges (public, stored data)."""
    kind = component.kind.value.replace("_", " ")
    detail = f"{kind} · {component.technology}" if component.technology else kind
    lines: list[Line] = [line(component.name, bold=True), line(detail, small=True)]
    stored = highest_classification(graph, list(component.stores))
    if stored is not None:
        color = style.CLASSIFICATION_COLOR[stored]
        lines.append(line(f"stores {stored.value}", color, small=True))
    tooltip = component.description or component.name
    if component.out_of_scope is not None:
        lines.append(line("out of scope", style.MUTED_FONT, small=True))
        return Node(
            id=node_id(component.id),
            lines=tuple(lines),
            shape=style.KIND_SHAPE[component.kind],
            fill=style.MUTED_FILL,
            stroke=style.MUTED,
            font=style.MUTED_FONT,
            dashed=True,
            cluster=cluster,
            tooltip=f"{tooltip} (out of scope: {component.out_of_scope})",
            icon=icon_for(component, primary_cloud(graph)),
        )
    public = component.public
    if public:
        lines.append(line("public entry point", style.PUBLIC, bold=True, small=True))
    return Node(
        id=node_id(component.id),
        lines=tuple(lines),
        shape=style.KIND_SHAPE[component.kind],
        stroke=style.PUBLIC if public else "#34495e",
        penwidth=1.6 if public else 1.0,
        peripheries=2 if public else 1,
        cluster=cluster,
        tooltip=tooltip,
        icon=icon_for(component, primary_cloud(graph)),
    )


def flow_label(graph: ArchGraph, flow: Flow) -> tuple[Line, ...]:
    """``protocol:port`` and a classification badge; ``PLAINTEXT`` when unencrypted."""
    head = flow.protocol_label + (f":{flow.port}" if flow.port else "")
    if flow.mode.value == "async":
        head += " (async)"
    return _label(head, highest_classification(graph, [*flow.data, *flow.returns]), flow.plaintext)


@lru_cache(maxsize=4096)
def _label(head: str, level: Classification | None, plaintext: bool) -> tuple[Line, ...]:
    """One label per distinct look: a large model's flows share a few dozen."""
    lines: list[Line] = [(Span(head, bold=True),)]
    badge: list[Span] = []
    if level is not None:
        badge.append(Span(f"■ {level.value}", style.CLASSIFICATION_COLOR[level], small=True))
    if plaintext:
        badge.append(Span(" PLAINTEXT" if badge else "PLAINTEXT", style.PLAINTEXT, bold=True, small=True))
    if badge:
        lines.append(tuple(badge))
    return tuple(lines)


def flow_edge(graph: ArchGraph, flow: Flow, source: str, target: str) -> Edge:
    level = highest_classification(graph, [*flow.data, *flow.returns])
    names = [graph.data[d].name for d in [*flow.data, *flow.returns] if d in graph.data]
    tooltip = f"{flow.id}: {flow.description or ''} {', '.join(names)}".strip()
    return Edge(
        source=source,
        target=target,
        lines=flow_label(graph, flow),
        color=style.PLAINTEXT if flow.plaintext else style.CLASSIFICATION_COLOR[level],
        dashed=flow.encrypted is not True,
        penwidth=style.CLASSIFICATION_WIDTH[level],
        tooltip=tooltip,
    )


@dataclass(frozen=True)
class FlowLook:
    """A flow's edge without its ends, and ``key``: its label, which tells two labels
    apart (split pages draw one edge per distinct label between two ends)."""

    edge: Edge
    key: tuple[Line, ...]

    def between(self, source: str, target: str) -> Edge:
        e = self.edge  # a flow's edge never ends on a cluster border (no ltail/lhead)
        return Edge(
            source, target, e.lines, e.color, e.dashed, e.penwidth, e.invisible, e.constraint, e.tooltip
        )


def flow_look(graph: ArchGraph, flow: Flow, marks: Marks) -> FlowLook:
    """The edge of a flow with its open-threat mark, ends left empty."""
    edge = mark_edge(flow_edge(graph, flow, "", ""), marks.flows.get(flow.id))
    return FlowLook(edge, edge.lines)


def flow_looks(graph: ArchGraph, marks: Marks) -> dict[str, FlowLook]:
    """``flow_look`` of every flow between two known components, by flow id."""
    known = graph.components
    return {
        f.id: flow_look(graph, f, marks) for f in graph.model.flows if f.source in known and f.target in known
    }


def zone_cluster(zone: Zone, parent: str | None) -> Cluster:
    title = (Span(zone.name, bold=True), Span(f"  {zone.trust.value}", small=True))
    lines: list[Line] = [title]
    if zone.controls:
        lines.append(line("controls: " + ", ".join(zone.controls), small=True))
    return Cluster(
        id=cluster_id(zone.id),
        lines=tuple(lines),
        parent=parent,
        fill=style.TRUST_FILL[zone.trust],
        stroke=style.TRUST_STROKE[zone.trust],
        dashed=zone.trust == Trust.untrusted,
    )


def zone_clusters(graph: ArchGraph) -> list[Cluster]:
    """Zone clusters, parents before children (so renderers can nest in one pass)."""
    ordered = sorted(graph.zones.values(), key=lambda z: len(graph.zone_chain(z.id)))
    out = []
    for zone in ordered:
        parent = zone.parent if zone.parent in graph.zones else None
        out.append(zone_cluster(zone, cluster_id(parent) if parent else None))
    return out


def legend(marks: Marks | None = None) -> tuple[Line, ...]:
    """Colour key for the data-flow view (trust tints, classification colours, and the
    severities of open threats when any element is marked)."""
    trust = [Span("zones: ")] + [Span(f"■ {t.value}  ", style.TRUST_STROKE[t]) for t in Trust]
    data = [Span("flows carry: ")] + [
        Span(f"━ {c.value}  ", style.CLASSIFICATION_COLOR[c]) for c in Classification
    ]
    data.append(Span("┅ PLAINTEXT (unencrypted)", style.PLAINTEXT, bold=True))
    return (tuple(trust), tuple(data), *([legend_line()] if marks else []))


def build_dataflow(graph: ArchGraph, marks: Marks | None = None) -> Scene:
    """The whole data-flow view as one scene; ``marks`` badge elements with open threats."""
    marks = marks or Marks()
    scene = Scene("dataflow", f"{graph.model.system.name}: data flow", "LR", legend=legend(marks))
    scene.swatches = swatches() if marks else ()
    scene.swatch_title = "open threats (worst severity)"
    scene.clusters = zone_clusters(graph)
    for component in graph.components.values():
        cluster = cluster_id(component.zone) if component.zone in graph.zones else None
        node = component_node(graph, component, cluster)
        scene.nodes.append(mark_node(node, marks.components.get(component.id)))
    for flow in graph.model.flows:
        if flow.source in graph.components and flow.target in graph.components:
            edge = flow_edge(graph, flow, node_id(flow.source), node_id(flow.target))
            scene.edges.append(mark_edge(edge, marks.flows.get(flow.id)))
    return scene
