"""The data-flow view with one attack path drawn over it.

The path's components get a thick border in the gap colour, its hops a thick arrow in
that colour, still dashed when unencrypted (the first flow drawn between the two
components, when several join them); everything else is drawn as in the plain view, so
the path reads in its context. The title says which path it is.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from archmodel.generators.diagrams import style
from archmodel.generators.diagrams.dataflow import build_dataflow, node_id
from archmodel.generators.diagrams.scene import Scene
from archmodel.generators.diagrams.to_dot import to_dot
from archmodel.generators.diagrams.to_mermaid import to_mermaid
from archmodel.graph import ArchGraph

PATH_WIDTH = 4.0


def highlighted_dataflow(graph: ArchGraph, components: list[str], title: str) -> Scene:
    """The data-flow scene with ``components`` (a path, in order) highlighted."""
    scene = build_dataflow(graph)
    on_path = {node_id(c) for c in components}
    hops = {(node_id(a), node_id(b)) for a, b in pairwise(components)}
    scene.title = f"{scene.title}: {title}"
    scene.nodes = [
        replace(n, stroke=style.GAP, penwidth=PATH_WIDTH, dashed=False) if n.id in on_path else n
        for n in scene.nodes
    ]
    drawn: set[tuple[str, str]] = set()
    edges = []
    for e in scene.edges:
        pair = (e.source, e.target)
        if pair in hops and pair not in drawn:  # one arrow per hop, even with parallel flows
            drawn.add(pair)
            e = replace(e, color=style.GAP, penwidth=PATH_WIDTH)  # dashed still says unencrypted
        edges.append(e)
    scene.edges = edges
    return scene


def path_diagram(graph: ArchGraph, components: list[str], title: str, fmt: str) -> str:
    """Mermaid (``mermaid``) or Graphviz DOT (``dot``) source of the highlighted view."""
    scene = highlighted_dataflow(graph, components, title)
    text = to_mermaid(scene) if fmt == "mermaid" else to_dot(scene)
    return text if text.endswith("\n") else text + "\n"


__all__ = ["highlighted_dataflow", "path_diagram"]
