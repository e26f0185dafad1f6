"""The threats generator: ``threats/threats.{md,json,csv,sarif}`` for ``generate -o OUT``.

File paths in the register are relative to the model directory, so the output does not
depend on where ``generate`` runs from.
"""

from __future__ import annotations

from archmodel.generation import GenerateOptions
from archmodel.project import Project
from archmodel.threats import report_for
from archmodel.threats.render import RENDERERS

FORMATS = ("md", "json", "csv", "sarif")


def generate(project: Project, options: GenerateOptions) -> dict[str, bytes]:
    report = report_for(project)
    base = project.base
    return {f"threats/threats.{fmt}": RENDERERS[fmt](report, base).encode("utf-8") for fmt in FORMATS}
