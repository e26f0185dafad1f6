"""The threats generator: ``threats/threats.{md,json,csv,sarif}`` for ``generate -o OUT``.

File paths in the register are relative to the model directory, so the output does not
depend on where ``generate`` runs from.
"""

from __future__ import annotations

from archmodel.findings.threats import threats_sarif
from archmodel.generation import GenerateOptions
from archmodel.project import Project
from archmodel.threats import report_for
from archmodel.threats.render import RENDERERS

FORMATS = ("md", "json", "csv")


def generate(project: Project, options: GenerateOptions) -> dict[str, bytes]:
    report = report_for(project)
    base = project.base
    files = {f"threats/threats.{fmt}": RENDERERS[fmt](report, base) for fmt in FORMATS}
    files["threats/threats.sarif"] = threats_sarif(report, base)
    return {path: text.encode("utf-8") for path, text in sorted(files.items())}
