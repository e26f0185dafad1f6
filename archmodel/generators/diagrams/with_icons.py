"""Render a data-flow scene to SVG/PNG with provider icons, through ``diagrams``.

This is the only module that touches the ``diagrams`` package and its global "current
diagram" context (``with Diagram(...)``). Everything the package would make random or
machine-specific is pinned here: node ids come from the scene (never uuid4), cluster
names from zone ids, output goes to a private temporary directory, and the SVG is made
self-contained (icons inlined) by ``svg.py`` so it does not point into site-packages.
"""

from __future__ import annotations

import html
import importlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import graphviz

from archmodel.formats.text import clean
from archmodel.generators.diagrams.icons import FALLBACK
from archmodel.generators.diagrams.render import (
    MISSING,
    GraphvizMissing,
    clean_svg,
    dot_binary,
    dot_failed,
    unrunnable,
)
from archmodel.generators.diagrams.scene import Cluster, Node, Scene, cluster_forest
from archmodel.generators.diagrams.style import FONT
from archmodel.generators.diagrams.to_dot import graph_label, html_label

ICON_SIZE = 0.8  # inches: the side of the square each icon is scaled into


def icon_path(key: str | None) -> str | None:
    """The PNG file of an icon key, from the ``diagrams`` node class that owns it."""
    for candidate in (key or FALLBACK, FALLBACK):
        module_name, _, class_name = candidate.rpartition(".")
        try:
            node_class = getattr(importlib.import_module(f"diagrams.{module_name}"), class_name)
        except (ImportError, AttributeError):
            continue
        if node_class._icon_dir and node_class._icon:
            resources = Path(importlib.import_module("diagrams").__file__ or "").parent.parent
            return str(resources / node_class._icon_dir / node_class._icon)
    return None


def _tooltip(text: str) -> str:
    """A plain-string attribute value for the ``graphviz`` package.

    That package passes ``<...>`` through as an HTML label and leaves backslashes alone;
    ``graphviz.escape`` marks the text as not-HTML and doubles backslashes, and quotes
    become apostrophes, so user text never becomes markup or an escape sequence.
    """
    escaped: str = graphviz.escape(clean(text, 300).replace('"', "'"))
    return escaped


def _label(node: Node) -> str:
    """An HTML table: the icon in a fixed square cell, the text below it.

    A table (rather than the ``image`` attribute that ``diagrams`` sets by default)
    lets Graphviz size the node to its text, so long names never spill onto neighbours.
    """
    size = int(ICON_SIZE * 72)
    path = icon_path(node.icon)
    icon = (
        f'<tr><td fixedsize="true" width="{size}" height="{size}">'
        f'<img src="{html.escape(path, quote=True)}" scale="true"/></td></tr>'
        if path
        else ""
    )
    text = f"<tr><td>{html_label(node.lines)}</td></tr>"
    return f'<<table border="0" cellborder="0" cellspacing="2">{icon}{text}</table>>'


def _node_attrs(node: Node) -> dict[str, str]:
    attrs = {"shape": "plain", "fontcolor": node.font, "fontsize": "11"}
    if node.tooltip:
        attrs["tooltip"] = _tooltip(node.tooltip)
    if node.dashed or node.peripheries > 1 or node.penwidth > 1.0:
        # Out-of-scope (dashed grey), public (double red) and open-threat (thick, in the
        # worst severity's colour) nodes get a visible frame.
        attrs.update(
            shape="box",
            style="rounded,dashed" if node.dashed else "rounded",
            color=node.stroke,
            penwidth=f"{node.penwidth:g}",
            peripheries=str(node.peripheries),
            margin="0.05",
        )
    return attrs


def _draw_nodes(
    diagrams: Any,
    cluster_id: str | None,
    forest: dict[str | None, list[Cluster]],
    members: dict[str | None, list[Node]],
    drawn: dict[str, Any],
) -> None:
    """Draw the nodes of one cluster (or the top level), then its child clusters."""
    for node in members.get(cluster_id, []):
        drawn[node.id] = diagrams.Node(_label(node), nodeid=f"n_{node.id}", **_node_attrs(node))
    for child in forest.get(cluster_id, []):
        style = "rounded,dashed" if child.dashed else "rounded"
        with diagrams.Cluster(
            f"z_{child.id}",
            graph_attr={
                "label": f"<{html_label(child.lines)}>",
                "bgcolor": child.fill,
                "pencolor": child.stroke,
                "penwidth": "1.5",
                "style": style,
                "fontname": FONT,
                "fontsize": "11",
                "labeljust": "l",
                "margin": "14",
            },
        ):
            _draw_nodes(diagrams, child.id, forest, members, drawn)


@contextmanager
def _dot_errors(dot: str) -> Iterator[None]:
    """The package runs ``dot`` as it leaves its diagram: a refusal, or a ``dot`` that
    cannot start, becomes the generator's failure with the way round it."""
    from graphviz import ExecutableNotFound
    from graphviz.backend.execute import CalledProcessError

    try:
        yield
    except CalledProcessError as exc:
        raise dot_failed("dot", exc.stderr) from exc
    except ExecutableNotFound as exc:
        raise GraphvizMissing(MISSING) from exc
    except OSError as exc:
        raise unrunnable(dot, exc) from exc


def _rendered(path: Path) -> bytes:
    """What ``dot`` wrote; a ``dot`` that exits 0 without writing it failed all the same."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise dot_failed("dot", f"no {path.suffix[1:]} file written ({exc.strerror or exc})") from exc


def render_with_icons(scene: Scene, formats: tuple[str, ...] = ("svg", "png")) -> dict[str, bytes]:
    """SVG/PNG bytes (by format) of a scene drawn with provider icons."""
    import diagrams

    dot = dot_binary()  # fail with the fix before building anything
    known = {c.id for c in scene.clusters}
    members: dict[str | None, list[Node]] = {}
    for node in scene.nodes:
        members.setdefault(node.cluster if node.cluster in known else None, []).append(node)
    with tempfile.TemporaryDirectory(prefix="archmodel-diagrams-") as tmp:
        base = Path(tmp) / scene.name
        with (
            _dot_errors(dot),
            diagrams.Diagram(
                scene.name,
                filename=str(base),
                direction=scene.direction,
                outformat=list(formats),
                show=False,
                graph_attr={
                    "label": graph_label(scene),
                    "labelloc": "t",
                    "labeljust": "l",
                    "fontname": FONT,
                    "fontsize": "10",
                    "pad": "0.4",
                    "splines": "spline",
                    "nodesep": "0.5",
                    "ranksep": "1.1",
                    "newrank": "true",
                    "bgcolor": "white",
                },
                # Undo the package's fixed 1.4in node boxes: ours size to their table.
                node_attr={
                    "fontname": FONT,
                    "fixedsize": "false",
                    "width": "0",
                    "height": "0",
                    "labelloc": "c",
                    "style": "",
                },
                edge_attr={"fontname": FONT, "fontsize": "9", "arrowsize": "0.7"},
            ),
        ):
            drawn: dict[str, Any] = {}
            _draw_nodes(diagrams, None, cluster_forest(scene), members, drawn)
            for edge in scene.edges:
                if edge.source not in drawn or edge.target not in drawn:
                    continue
                attrs = {"penwidth": f"{edge.penwidth:g}", "fontname": FONT, "fontsize": "9"}
                if edge.tooltip:
                    attrs["tooltip"] = _tooltip(edge.tooltip)
                link = diagrams.Edge(
                    label=f"<{html_label(edge.lines)}>" if edge.lines else "",
                    color=edge.color,
                    style="dashed" if edge.dashed else ("invis" if edge.invisible else ""),
                    **attrs,
                )
                drawn[edge.source] >> link >> drawn[edge.target]
        out = {fmt: _rendered(base.with_suffix(f".{fmt}")) for fmt in formats}
    if "svg" in out:
        out["svg"] = clean_svg(out["svg"])
    return out
