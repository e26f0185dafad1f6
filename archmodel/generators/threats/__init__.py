"""The threats generator: ``threats/threats.{md,json,csv,sarif}`` for ``generate -o OUT``,
and the renderers of the threat register that the ``threats`` command prints.

File paths in the register are relative to the model directory, so the output does not
depend on where ``generate`` runs from. The report is computed once per project by the
threat engine (``report_for``), whoever asks first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath

from archmodel.generators.threats.markdown import render_md
from archmodel.generators.threats.tabular import render_csv, render_json, render_text, summary
from archmodel.project import Project
from archmodel.runner import Files, Generator, NoOptions
from archmodel.threats import ThreatReport, report_for
from archmodel.threats.render.github import render_github
from archmodel.threats.render.sarif import render_sarif

__all__ = [
    "GENERATOR",
    "RENDERERS",
    "Renderer",
    "generate",
    "render_csv",
    "render_json",
    "render_md",
    "render_text",
    "summary",
]

Renderer = Callable[[ThreatReport, Path | None], str]

RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "md": render_md,
    "json": render_json,
    "csv": render_csv,
    "sarif": render_sarif,
    "github": render_github,
}
FORMATS = ("md", "json", "csv", "sarif")


def generate(project: Project, options: NoOptions) -> Files:
    report = report_for(project)
    base = project.base
    return {
        PurePosixPath(f"threats/threats.{fmt}"): RENDERERS[fmt](report, base).encode("utf-8")
        for fmt in FORMATS
    }


GENERATOR = Generator("threats", NoOptions, generate)
