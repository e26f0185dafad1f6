"""Renderers of findings for code-scanning tools (SARIF 2.1.0, GitHub annotations).

The register formats (text, Markdown, JSON, CSV) belong to the threats generator
(``archmodel.generators.threats``); these stay with the engine because other findings
(diagnostics, drift) are rendered the same way.
"""

from __future__ import annotations

from archmodel.threats.render.github import render_github
from archmodel.threats.render.sarif import render_sarif

__all__ = ["render_github", "render_sarif"]
