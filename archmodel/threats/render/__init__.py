"""Helpers the threat renderers share (``common``).

The register formats (text, Markdown, JSON, CSV) belong to the threats generator
(``archmodel.generators.threats``); SARIF and GitHub annotations are shared by every
command (``archmodel.findings``).
"""

from __future__ import annotations

from archmodel.threats.render.common import shown_file, where

__all__ = ["shown_file", "where"]
