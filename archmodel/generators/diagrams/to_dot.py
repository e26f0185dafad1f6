"""Scene -> Graphviz DOT source, written by hand so that every byte is ours.

Labels are HTML-like (``<...>``) with all user text HTML-escaped, which makes quotes,
backslashes and ``<script>`` inert; ids are generated, never user text. Output depends
only on the scene's order, so it is byte-for-byte deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from archmodel.formats.dot import dot_string, html_text
from archmodel.formats.memo import MEMO_LIMIT
from archmodel.generators.diagrams.scene import Cluster, Edge, Line, Node, Scene, cluster_forest
from archmodel.generators.diagrams.style import FONT

_SHAPE = {
    "box": ("box", "rounded,filled"),
    "cylinder": ("cylinder", "filled"),
    "diamond": ("diamond", "filled"),
    "queue": ("box3d", "filled"),
    "actor": ("ellipse", "filled"),
    "hexagon": ("hexagon", "filled"),
    "note": ("note", "filled"),
    "folder": ("folder", "filled"),
    "plain": ("plaintext", ""),
}


@lru_cache(maxsize=MEMO_LIMIT)
def html_label(lines: tuple[Line, ...]) -> str:
    """An HTML-like label (without the outer ``<>``): lines joined by ``<br/>``.

    Cached: split data-flow pages repeat the same few flow labels thousands of times."""
    rendered = []
    for ln in lines:
        parts = []
        for span in ln:
            text = html_text(span.text)
            if not text:
                continue  # Graphviz rejects empty <b></b> and <font></font>
            if span.bold:
                text = f"<b>{text}</b>"
            attrs = ""
            if span.color:
                attrs += f' color="{span.color}"'
            if span.small:
                attrs += ' point-size="9"'
            parts.append(f"<font{attrs}>{text}</font>" if attrs else text)
        rendered.append("".join(parts))
    return "<br/>".join(rendered) or " "


def graph_label(scene: Scene) -> str:
    """Title and legend of a scene as one left-aligned HTML-like label (with ``<>``)."""
    title = f'<font point-size="18"><b>{html_text(scene.title)}</b></font><br align="left"/>'
    legend = "".join(
        f'<font point-size="10">{html_label((ln,))}</font><br align="left"/>' for ln in scene.legend
    )
    return f"<{title}{legend}>"


def _attrs(pairs: list[tuple[str, str]]) -> str:
    return "[" + ", ".join(f"{k}={v}" for k, v in pairs) + "]"


def _node(node: Node, indent: str) -> str:
    shape, style = _SHAPE.get(node.shape, _SHAPE["box"])
    if node.dashed:
        style = f"{style},dashed" if style else "dashed"
    pairs = [
        ("label", f"<{html_label(node.lines)}>"),
        ("shape", shape),
        ("style", f'"{style}"'),
        ("fillcolor", f'"{node.fill}"'),
        ("color", f'"{node.stroke}"'),
        ("fontcolor", f'"{node.font}"'),
    ]
    if node.penwidth != 1.0:
        pairs.append(("penwidth", f"{node.penwidth:g}"))
    if node.peripheries != 1:
        pairs.append(("peripheries", str(node.peripheries)))
    if node.tooltip:
        pairs.append(("tooltip", dot_string(node.tooltip)))
    return f"{indent}{dot_string(node.id)} {_attrs(pairs)};"


def _edge(edge: Edge) -> str:
    pairs: list[tuple[str, str]] = []
    if edge.lines:
        pairs.append(("label", f"<{html_label(edge.lines)}>"))
    if edge.invisible:
        pairs.append(("style", "invis"))
    else:
        pairs.append(("color", f'"{edge.color}"'))
        if edge.dashed:
            pairs.append(("style", "dashed"))
        pairs.append(("penwidth", f"{edge.penwidth:g}"))
    if not edge.constraint:
        pairs.append(("constraint", "false"))
    if edge.ltail:
        pairs.append(("ltail", dot_string("cluster_" + edge.ltail)))
    if edge.lhead:
        pairs.append(("lhead", dot_string("cluster_" + edge.lhead)))
    if edge.tooltip:
        pairs.append(("tooltip", dot_string(edge.tooltip)))
    return f"  {dot_string(edge.source)} -> {dot_string(edge.target)} {_attrs(pairs)};"


def _cluster(
    cluster: Cluster,
    children: dict[str | None, list[Cluster]],
    members: dict[str | None, list[Node]],
    depth: int,
) -> list[str]:
    ind = "  " * depth
    style = "rounded,filled,dashed" if cluster.dashed else "rounded,filled"
    out = [
        f"{ind}subgraph {dot_string('cluster_' + cluster.id)} {{",
        f"{ind}  label=<{html_label(cluster.lines)}>;",
        f'{ind}  style="{style}"; fillcolor="{cluster.fill}"; color="{cluster.stroke}";'
        f' fontcolor="{cluster.font}"; penwidth=1.5;',
    ]
    out += [_node(n, ind + "  ") for n in members.get(cluster.id, [])]
    for child in children.get(cluster.id, []):
        out += _cluster(child, children, members, depth + 1)
    out.append(f"{ind}}}")
    return out


def to_dot(scene: Scene) -> str:
    """The DOT source of a scene."""
    known = {c.id for c in scene.clusters}
    children = cluster_forest(scene)
    members: dict[str | None, list[Node]] = defaultdict(list)
    for node in scene.nodes:
        members[node.cluster if node.cluster in known else None].append(node)
    graph = {
        "rankdir": scene.direction,
        "newrank": "true",
        "compound": "true",
        "fontname": f'"{FONT}"',
        "fontsize": "10",
        "labelloc": "t",
        "labeljust": "l",
        "nodesep": "0.45",
        "ranksep": "0.6",
        "pad": "0.3",
        "bgcolor": '"white"',
        **scene.graph_attrs,
    }
    out = [f"digraph {dot_string(scene.name)} {{"]
    out.append(f"  label={graph_label(scene)};")
    out += [f"  {k}={v};" for k, v in graph.items()]
    out.append(f'  node [fontname="{FONT}", fontsize=11, margin="0.15,0.07"];')
    out.append(f'  edge [fontname="{FONT}", fontsize=9, arrowsize=0.7];')
    out += [_node(n, "  ") for n in members.get(None, [])]
    for cluster in children.get(None, []):
        out += _cluster(cluster, children, members, 1)
    out += [_edge(e) for e in scene.edges]
    for group in scene.same_rank:
        out.append("  { rank=same; " + " ".join(dot_string(i) + ";" for i in group) + " }")
    out.append("}")
    return "\n".join(out) + "\n"
