"""The threats generator: ``threats/threats.{md,html,json,csv,sarif}`` for ``generate -o OUT``,
and the renderers of the threat register that the ``threats`` command prints.

File paths in the register are relative to the model directory, so the output does not
depend on where ``generate`` runs from. The report is computed once per project by the
threat engine (``report_for``), whoever asks first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from archmodel.files import FileMap
from archmodel.generators.threats.markdown import render_md
from archmodel.generators.threats.tabular import render_csv, render_json, render_text, summary
from archmodel.project import Project
from archmodel.runner import Files, Generator, NoOptions
from archmodel.threats import ThreatReport, report_for

__all__ = [
    "GENERATOR",
    "RENDERERS",
    "Renderer",
    "generate",
    "render_csv",
    "render_html",
    "render_json",
    "render_md",
    "render_text",
    "summary",
]

Renderer = Callable[[ThreatReport, Path | None], str]


def render_html(report: ThreatReport, base: Path | None = None, today: dt.date | None = None) -> str:
    """The HTML report (``html.render_html``), imported when asked for: its templates and
    Jinja2 cost every other format of the ``threats`` command 30-40 ms of start-up."""
    from archmodel.generators.threats import html

    return html.render_html(report, base, today)


# The register formats; SARIF and GitHub annotations are shared by every command
# (``archmodel.findings``).
RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "md": render_md,
    "json": render_json,
    "csv": render_csv,
    "html": render_html,
}
FORMATS = ("md", "html", "json", "csv")


def generate(project: Project, options: NoOptions) -> Files:
    # Imported here: the SARIF catalog lists every command's rules, which the threats
    # command's other formats do not need to load.
    from archmodel.findings.threats import threats_sarif

    report = report_for(project)
    base = project.base
    files = {f"threats/threats.{fmt}": RENDERERS[fmt](report, base) for fmt in FORMATS}
    files["threats/threats.sarif"] = threats_sarif(report, base)
    return FileMap({path: text.encode("utf-8") for path, text in sorted(files.items())})


GENERATOR = Generator("threats", NoOptions, generate, prepare=report_for, roots=("threats",))
