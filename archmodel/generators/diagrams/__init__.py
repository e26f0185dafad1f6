"""The diagrams generator: data flow, security layers, pipeline and scenario diagrams.

``generate`` returns ``diagrams/<view>.{mmd,dot,svg,png}`` and
``diagrams/scenarios/<id>.mmd``. Each view is built once as a format-neutral ``Scene``
and then translated: Mermaid and DOT by hand (deterministic text), SVG/PNG through
Graphviz (the data flow with provider icons via the ``diagrams`` package; the security
and pipeline views straight from our DOT, where icons would carry no meaning).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archmodel.generation import GenerateOptions
from archmodel.generators.diagrams.dataflow import build_dataflow
from archmodel.generators.diagrams.escape import safe_filename
from archmodel.generators.diagrams.pipeline import build_pipeline
from archmodel.generators.diagrams.render import GraphvizMissing, render_dot
from archmodel.generators.diagrams.scenarios import sequence_diagram
from archmodel.generators.diagrams.scene import Scene
from archmodel.generators.diagrams.security import build_security
from archmodel.generators.diagrams.split import (
    flows_by_page,
    overview_scene,
    page_scene,
    paginate,
)
from archmodel.generators.diagrams.to_dot import to_dot
from archmodel.generators.diagrams.to_mermaid import to_mermaid

if TYPE_CHECKING:
    from archmodel.graph import ArchGraph
    from archmodel.project import Project

__all__ = ["VIEWS", "GraphvizMissing", "generate"]

VIEWS = ("dataflow", "security", "pipeline", "scenarios")


@dataclass(frozen=True)
class Output:
    """A scene to write under ``diagrams/<stem>``, and how (or whether) to render it."""

    stem: str
    scene: Scene
    render: str | None  # "icons", "dot", or None for text only


def dataflow_outputs(graph: ArchGraph, max_nodes: int) -> list[Output]:
    """The data-flow view, split into an overview and per-zone pages when too large."""
    if len(graph.components) <= max_nodes:
        return [Output("dataflow", build_dataflow(graph), "icons")]
    pages = paginate(graph, max_nodes)
    page_of = {cid: page for page in pages for cid in page.members}
    touching = flows_by_page(graph, page_of)
    overview = overview_scene(graph, pages)
    outputs = [Output("dataflow", overview, "dot" if len(overview.nodes) <= max_nodes else None)]
    outputs += [
        Output(
            f"dataflow/{page.id}",
            page_scene(graph, page, page_of, touching.get(page.id, []), max_nodes),
            None,
        )
        for page in pages
    ]
    return outputs


def _small(scene: Scene, max_nodes: int) -> str | None:
    return "dot" if len(scene.nodes) <= max_nodes else None


BUILDERS: dict[str, Callable[[ArchGraph, int], list[Output]]] = {
    "dataflow": dataflow_outputs,
    "security": lambda g, n: [Output("security", s := build_security(g), _small(s, max(n, 64)))],
    "pipeline": lambda g, n: [Output("pipeline", s := build_pipeline(g), _small(s, n))],
}


def render(output: Output) -> dict[str, bytes]:
    """SVG and PNG bytes of an output (none for text-only outputs)."""
    if output.render == "icons":
        from archmodel.generators.diagrams.with_icons import render_with_icons

        return render_with_icons(output.scene)
    if output.render == "dot":
        source = to_dot(output.scene)
        return {fmt: render_dot(source, fmt) for fmt in ("svg", "png")}
    return {}


def generate(project: Project, options: GenerateOptions) -> dict[str, bytes]:
    """All diagram files of a model (or of ``options.view`` only), by relative path.

    Computed once per run and options: the docs site embeds the same diagrams."""
    graph = project.graph
    return dict(graph.memo(("diagrams", options), lambda: _generate(graph, options)))


def _generate(graph: ArchGraph, options: GenerateOptions) -> dict[str, bytes]:
    if options.view is not None and options.view not in VIEWS:
        raise ValueError(f"unknown diagram view {options.view!r}; choose from {', '.join(VIEWS)}")
    wanted = VIEWS if options.view is None else (options.view,)
    files: dict[str, bytes] = {}
    for view in wanted:
        if view == "scenarios":
            for scenario in graph.model.scenarios:
                path = f"diagrams/scenarios/{safe_filename(scenario.id)}.mmd"
                files[path] = sequence_diagram(graph, scenario).encode("utf-8")
            continue
        for output in BUILDERS[view](graph, options.max_nodes):
            base = f"diagrams/{output.stem}"
            files[f"{base}.mmd"] = to_mermaid(output.scene).encode("utf-8")
            files[f"{base}.dot"] = to_dot(output.scene).encode("utf-8")
            for fmt, content in render(output).items():
                files[f"{base}.{fmt}"] = content
    return dict(sorted(files.items()))
