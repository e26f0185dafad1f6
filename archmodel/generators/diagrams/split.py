"""Large data-flow models: one overview of zones, plus one page per zone.

Graphviz layout time grows fast with node count, and a 10k-box picture is unreadable
anyway. Above ``max_nodes`` components the data-flow view becomes an overview (zones as
boxes, flows aggregated between them) and pages of at most ``max_nodes`` nodes each:
a zone's own components plus one stub per neighbouring page its flows reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from archmodel.formats.text import safe_filename
from archmodel.generators.diagrams import style
from archmodel.generators.diagrams.dataflow import (
    FlowLook,
    cluster_id,
    component_node,
    flow_look,
    highest_classification,
    legend,
    node_id,
    zone_cluster,
)
from archmodel.generators.diagrams.scene import Edge, Line, Node, Scene, Span, line
from archmodel.generators.diagrams.threat_marks import Marks, mark_node, swatches
from archmodel.graph import ArchGraph
from archmodel.model import Classification, Flow

UNZONED = "_unzoned"  # ids never start with "_", so this cannot clash with a zone


@dataclass(frozen=True)
class Page:
    id: str  # file stem below diagrams/dataflow/
    zone: str | None
    members: tuple[str, ...]


def paginate(graph: ArchGraph, max_nodes: int) -> list[Page]:
    """Components grouped by their own zone, chunked so a page leaves room for stubs."""
    groups: dict[str | None, list[str]] = {}
    for comp in graph.components.values():
        groups.setdefault(comp.zone if comp.zone in graph.zones else None, []).append(comp.id)
    limit = max(1, max_nodes * 2 // 3)
    pages = []
    for zone, members in groups.items():
        stem = safe_filename(zone) if zone else UNZONED
        if len(members) <= limit:
            pages.append(Page(stem, zone, tuple(members)))
            continue
        for number, start in enumerate(range(0, len(members), limit), 1):
            pages.append(Page(f"{stem}.{number}", zone, tuple(members[start : start + limit])))
    return pages


def _page_title(graph: ArchGraph, page: Page) -> str:
    return graph.zones[page.zone].name if page.zone else "No zone"


def _stub(graph: ArchGraph, page: Page) -> Node:
    lines = (
        line(f"→ {_page_title(graph, page)}", bold=True),
        line(f"{len(page.members)} components · see dataflow/{page.id}", small=True),
    )
    zone = graph.zones.get(page.zone or "")
    return Node(
        id="page:" + page.id,
        lines=lines,
        shape="folder",
        fill=style.TRUST_FILL[zone.trust] if zone else style.MUTED_FILL,
        stroke=style.TRUST_STROKE[zone.trust] if zone else style.MUTED,
        dashed=True,
    )


def flows_by_page(graph: ArchGraph, page_of: dict[str, Page]) -> dict[str, list[Flow]]:
    """Flows touching each page (in model order), so pages are built in linear time."""
    touching: dict[str, list[Flow]] = {}
    for flow in graph.model.flows:
        if flow.source in page_of and flow.target in page_of:
            pages = {page_of[flow.source].id, page_of[flow.target].id}
            for page_id in sorted(pages):
                touching.setdefault(page_id, []).append(flow)
    return touching


def page_scene(
    graph: ArchGraph,
    page: Page,
    page_of: dict[str, Page],
    flows: list[Flow],
    max_nodes: int,
    marks: Marks | None = None,
    looks: dict[str, FlowLook] | None = None,
) -> Scene:
    """One page: its components in their zone cluster, stubs for the pages it talks to.

    ``looks`` are the flows' edges built once for every page (``flow_looks``); a flow
    between two pages is drawn on both, so building it per page would do it twice."""
    marks = marks or Marks()
    title = f"{graph.model.system.name}: data flow: {_page_title(graph, page)}"
    scene = Scene(f"dataflow-{page.id}", title, "LR", legend=legend(marks))
    scene.swatches = swatches() if marks else ()
    scene.swatch_title = "open threats (worst severity)"
    zone = graph.zones.get(page.zone or "")
    cluster = None
    if zone is not None:
        scene.clusters.append(zone_cluster(zone, None))
        cluster = cluster_id(zone.id)
    members = set(page.members)
    scene.nodes = [
        mark_node(component_node(graph, graph.components[c], cluster), marks.components.get(c))
        for c in page.members
    ]
    looks = looks if looks is not None else {}
    budget = max(0, max_nodes - len(page.members))
    stubs: dict[str, Node] = {}
    seen: set[tuple[str, str, tuple[Line, ...]]] = set()
    for flow in flows:
        ends = []
        for cid in (flow.source, flow.target):
            if cid in members:
                ends.append(node_id(cid))
                continue
            other = page_of[cid]
            if other.id not in stubs and len(stubs) < budget:
                stubs[other.id] = _stub(graph, other)
            ends.append("page:" + other.id if other.id in stubs else "")
        look = looks.get(flow.id) or flow_look(graph, flow, marks)
        key = (ends[0], ends[1], look.key)
        if "" not in ends and key not in seen:
            seen.add(key)
            scene.edges.append(look.between(ends[0], ends[1]))
    scene.nodes += list(stubs.values())
    return scene


def overview_scene(graph: ArchGraph, pages: list[Page]) -> Scene:
    """Zones as boxes (nested zones inside their parent's cluster), flows aggregated."""
    scene = Scene(
        "dataflow", f"{graph.model.system.name}: data flow (overview by zone)", "LR", legend=legend()
    )
    parents = {z.parent for z in graph.zones.values() if z.parent in graph.zones}
    for zone in graph.zones.values():
        if zone.id in parents:
            parent = zone.parent if zone.parent in parents else None
            scene.clusters.append(zone_cluster(zone, cluster_id(parent) if parent else None))
    counts: dict[str | None, int] = {}
    page_ids: dict[str | None, list[str]] = {}
    for page in pages:
        counts[page.zone] = counts.get(page.zone, 0) + len(page.members)
        page_ids.setdefault(page.zone, []).append(page.id)
    for zone_id, count in counts.items():
        summary_zone = graph.zones.get(zone_id or "")
        ids = page_ids[zone_id]
        where = "see dataflow/" + ", ".join(ids[:3]) + (" …" if len(ids) > 3 else "")
        lines: tuple[Line, ...] = (
            line(summary_zone.name if summary_zone else "No zone", bold=True),
            line(
                (f"{summary_zone.trust.value} · " if summary_zone else "") + f"{count} components", small=True
            ),
            line(where, "#566573", small=True),
        )
        parent = (
            zone_id
            if zone_id in parents
            else (summary_zone.parent if summary_zone and summary_zone.parent in parents else None)
        )
        scene.nodes.append(
            Node(
                id="zone:" + (zone_id or UNZONED),
                lines=lines,
                fill=style.TRUST_FILL[summary_zone.trust] if summary_zone else style.MUTED_FILL,
                stroke=style.TRUST_STROKE[summary_zone.trust] if summary_zone else style.MUTED,
                penwidth=1.5,
                cluster=cluster_id(parent) if parent else None,
            )
        )
    scene.edges = _aggregate_flows(graph)
    return scene


def _aggregate_flows(graph: ArchGraph) -> list[Edge]:
    """One edge per (zone, zone) pair: flow count, protocols, worst data, any plaintext."""
    pairs: dict[tuple[str, str], list[Flow]] = {}
    for flow in graph.model.flows:
        a, b = graph.components.get(flow.source), graph.components.get(flow.target)
        if a is None or b is None:
            continue
        za = a.zone if a.zone in graph.zones else UNZONED
        zb = b.zone if b.zone in graph.zones else UNZONED
        if za != zb:
            pairs.setdefault((za, zb), []).append(flow)
    edges = []
    for (za, zb), flows in pairs.items():
        levels = [highest_classification(graph, [*f.data, *f.returns]) for f in flows]
        known = [lv for lv in levels if lv is not None]
        level: Classification | None = max(known) if known else None
        plaintext = sum(1 for f in flows if f.plaintext)
        protocols = sorted({f.protocol_label for f in flows})
        badge = [Span(f"■ {level.value}", style.CLASSIFICATION_COLOR[level], small=True)] if level else []
        if plaintext:
            badge.append(Span(f" {plaintext} PLAINTEXT", style.PLAINTEXT, bold=True, small=True))
        lines: list[Line] = [line(f"{len(flows)} flows: {', '.join(protocols[:4])}", bold=True)]
        if badge:
            lines.append(tuple(badge))
        edges.append(
            Edge(
                "zone:" + za,
                "zone:" + zb,
                lines=tuple(lines),
                color=style.PLAINTEXT if plaintext else style.CLASSIFICATION_COLOR[level],
                dashed=bool(plaintext),
                penwidth=style.CLASSIFICATION_WIDTH[level],
            )
        )
    return edges
