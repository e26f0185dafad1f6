"""Renderers of a threat report: text, Markdown register, JSON and CSV (SARIF and GitHub
annotations are shared by every command: ``archmodel.findings``).

Every renderer is a pure function of the report (plus the directory that file paths are
shown relative to), so that generated registers are byte-for-byte deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from archmodel.threats.engine import ThreatReport
from archmodel.threats.render.markdown import render_md
from archmodel.threats.render.tabular import render_csv, render_json, render_text

Renderer = Callable[[ThreatReport, Path | None], str]

RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "md": render_md,
    "json": render_json,
    "csv": render_csv,
}

__all__ = ["RENDERERS", "Renderer", "render_csv", "render_json", "render_md", "render_text"]
