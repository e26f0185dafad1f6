"""SVG (XML) escaping for the SVGs drawn by hand: text and attribute values."""

from __future__ import annotations

import html
from functools import lru_cache

from archmodel.formats.text import clean


@lru_cache(maxsize=8192)
def xml_text(text: str, max_len: int = 200) -> str:
    """Text for an SVG element or attribute we write by hand: one line, markup escaped."""
    return html.escape(clean(text, max_len), quote=True)
