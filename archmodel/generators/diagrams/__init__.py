"""The diagrams generator: data flow, security layers, pipeline and scenario diagrams.

``generate`` returns ``diagrams/<view>.{mmd,dot,svg,png}`` and
``diagrams/scenarios/<id>.{mmd,svg}``; with ``images=False`` only the text sources
(``.mmd``, ``.dot``), which is what a large model or a quick CI check wants. Each view
is built once as a format-neutral ``Scene`` and then translated: Mermaid and DOT by
hand (deterministic text), SVG/PNG through Graphviz (the data flow with provider icons
via the ``diagrams`` package; the security and pipeline views straight from our DOT,
where icons would carry no meaning).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archmodel.files import FileMap
from archmodel.formats.text import safe_filename
from archmodel.generators.diagrams.dataflow import build_dataflow, flow_looks
from archmodel.generators.diagrams.pipeline import build_pipeline
from archmodel.generators.diagrams.render import GraphvizMissing, render_dot
from archmodel.generators.diagrams.scenarios import sequence_diagram, sequence_svg
from archmodel.generators.diagrams.scene import Scene
from archmodel.generators.diagrams.security import build_security
from archmodel.generators.diagrams.split import (
    flows_by_page,
    overview_scene,
    page_scene,
    paginate,
)
from archmodel.generators.diagrams.threat_marks import Marks, open_marks
from archmodel.generators.diagrams.to_dot import to_dot
from archmodel.generators.diagrams.to_mermaid import to_mermaid
from archmodel.runner import Files, Generator
from archmodel.threats import report_for

if TYPE_CHECKING:
    from archmodel.graph import ArchGraph
    from archmodel.project import Project

__all__ = ["GENERATOR", "VIEWS", "DiagramsOptions", "GraphvizMissing", "generate"]

VIEWS = ("dataflow", "security", "pipeline", "scenarios")


@dataclass(frozen=True)
class DiagramsOptions:
    """``max_nodes``: views above it are split; ``view``: one view only; ``images``:
    render SVG/PNG too (Graphviz), or write the text sources alone; ``threats``: mark
    the data-flow view's components and flows that have open threats."""

    max_nodes: int = 150
    view: str | None = None
    images: bool = True
    threats: bool = True

    def __post_init__(self) -> None:
        if self.max_nodes < 1:
            raise ValueError(f"max_nodes must be a positive number, not {self.max_nodes}")
        if self.view is not None and self.view not in VIEWS:
            raise ValueError(f"unknown diagram view {self.view!r}; choose from {', '.join(VIEWS)}")


@dataclass(frozen=True)
class Output:
    """A scene to write under ``diagrams/<stem>``, and how (or whether) to render it."""

    stem: str
    scene: Scene
    render: str | None  # "icons", "dot", or None for text only


def dataflow_outputs(graph: ArchGraph, max_nodes: int, marks: Marks | None = None) -> list[Output]:
    """The data-flow view, split into an overview and per-zone pages when too large."""
    if len(graph.components) <= max_nodes:
        return [Output("dataflow", build_dataflow(graph, marks), "icons")]
    pages = paginate(graph, max_nodes)
    page_of = {cid: page for page in pages for cid in page.members}
    touching = flows_by_page(graph, page_of)
    looks = flow_looks(graph, marks or Marks())
    overview = overview_scene(graph, pages)
    outputs = [Output("dataflow", overview, "dot" if len(overview.nodes) <= max_nodes else None)]
    outputs += [
        Output(
            f"dataflow/{page.id}",
            page_scene(graph, page, page_of, touching.get(page.id, []), max_nodes, marks, looks),
            None,
        )
        for page in pages
    ]
    return outputs


def _small(scene: Scene, max_nodes: int) -> str | None:
    return "dot" if len(scene.nodes) <= max_nodes else None


BUILDERS: dict[str, Callable[[ArchGraph, int, Marks], list[Output]]] = {
    "dataflow": dataflow_outputs,
    "security": lambda g, n, _: [Output("security", s := build_security(g), _small(s, max(n, 64)))],
    "pipeline": lambda g, n, _: [Output("pipeline", s := build_pipeline(g), _small(s, n))],
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


def generate(project: Project, options: DiagramsOptions) -> Files:
    """All diagram files of a model (or of ``options.view`` only), by relative path."""
    graph = project.graph
    wanted = VIEWS if options.view is None else (options.view,)
    files: dict[str, bytes] = {}
    for view in wanted:
        if view == "scenarios":
            files.update(_scenarios(graph, options.images))
            continue
        for output in BUILDERS[view](graph, options.max_nodes, _marks(project, view, options)):
            base = f"diagrams/{output.stem}"
            files[f"{base}.mmd"] = to_mermaid(output.scene).encode("utf-8")
            files[f"{base}.dot"] = to_dot(output.scene).encode("utf-8")
            for fmt, content in render(output).items() if options.images else ():
                files[f"{base}.{fmt}"] = content
    return FileMap({p: files[p] for p in sorted(files)})


def _marks(project: Project, view: str, options: DiagramsOptions) -> Marks:
    """Open-threat marks for the data-flow view (the engine's report, shared with every
    other output of this project); none for the other views or when switched off."""
    if view != "dataflow" or not options.threats:
        return Marks()
    return open_marks(report_for(project))


def _scenarios(graph: ArchGraph, images: bool) -> dict[str, bytes]:
    """A Mermaid sequence diagram per scenario and, with images, the same drawn as SVG."""
    files: dict[str, bytes] = {}
    for scenario in graph.model.scenarios:
        base = f"diagrams/scenarios/{safe_filename(scenario.id)}"
        files[f"{base}.mmd"] = sequence_diagram(graph, scenario).encode("utf-8")
        if images:
            files[f"{base}.svg"] = sequence_svg(graph, scenario).encode("utf-8")
    return files


GENERATOR = Generator("diagrams", DiagramsOptions, generate, prepare=report_for, roots=("diagrams",))
