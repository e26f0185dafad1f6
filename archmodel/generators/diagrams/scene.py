"""A small, format-neutral description of one diagram.

Each view (data flow, security layers, pipeline) is built once as a ``Scene``; the DOT,
Mermaid and icon renderers only translate it. So a styling rule such as "plaintext flows
are dashed red" is decided in one place, and the formats cannot drift apart.
All text in a scene is raw user text: renderers escape it for their own syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Span(NamedTuple):
    """A run of label text with one style. A named tuple, not a dataclass: renderers
    cache labels by their spans, and a tuple hashes and compares in C."""

    text: str
    color: str | None = None
    bold: bool = False
    small: bool = False


Line = tuple[Span, ...]


def line(text: str, color: str | None = None, *, bold: bool = False, small: bool = False) -> Line:
    return (Span(text, color, bold, small),)


@dataclass(frozen=True)
class Node:
    id: str
    lines: tuple[Line, ...]
    shape: str = "box"  # box | cylinder | diamond | queue | actor | cloud | hexagon | note | folder
    fill: str = "#ffffff"
    stroke: str = "#34495e"
    font: str = "#1b2631"
    dashed: bool = False
    penwidth: float = 1.0
    peripheries: int = 1
    cluster: str | None = None
    tooltip: str = ""
    icon: str | None = None  # icon key for the icon renderer (see icons.py)
    css: str | None = None  # Mermaid class name; nodes sharing it share a style


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    lines: tuple[Line, ...] = ()
    color: str = "#566573"
    dashed: bool = False
    penwidth: float = 1.2
    invisible: bool = False
    constraint: bool = True
    tooltip: str = ""
    ltail: str | None = None  # draw from this cluster's border instead of the node
    lhead: str | None = None  # draw to this cluster's border instead of the node


@dataclass(frozen=True)
class Cluster:
    id: str
    lines: tuple[Line, ...]
    parent: str | None = None
    fill: str = "#ffffff"
    stroke: str = "#aab7b8"
    font: str = "#1b2631"
    dashed: bool = False
    direction: str | None = None  # Mermaid only: lay the members out LR inside a TB chart


@dataclass
class Scene:
    """One diagram: clusters (a forest), nodes, edges and rank constraints."""

    name: str
    title: str
    direction: str = "LR"  # LR | TB
    clusters: list[Cluster] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    same_rank: list[list[str]] = field(default_factory=list)
    legend: tuple[Line, ...] = ()
    # Sample boxes for formats without a legend text (Mermaid draws them as a key).
    swatches: tuple[Node, ...] = ()
    swatch_title: str = "key"
    graph_attrs: dict[str, str] = field(default_factory=dict)


def cluster_forest(scene: Scene) -> dict[str | None, list[Cluster]]:
    """Children of each cluster (``None`` = top level), in scene order, always a forest.

    A parent that is unknown, or a parent chain that loops, puts the cluster at the top
    level, so renderers can recurse without guarding against cycles.
    """
    by_id = {c.id: c for c in scene.clusters}

    def rooted(cluster: Cluster) -> bool:
        seen = {cluster.id}
        parent = cluster.parent
        while parent is not None:
            if parent in seen or parent not in by_id:
                return False
            seen.add(parent)
            parent = by_id[parent].parent
        return True

    forest: dict[str | None, list[Cluster]] = {}
    for cluster in scene.clusters:
        parent = cluster.parent if cluster.parent is not None and rooted(cluster) else None
        forest.setdefault(parent, []).append(cluster)
    return forest
