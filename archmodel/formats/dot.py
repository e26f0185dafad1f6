"""DOT (Graphviz) escaping: every user string in a ``.dot`` file goes through here, so an
injected string can neither break the DOT syntax nor add markup to the rendered SVG."""

from __future__ import annotations

import html
from functools import lru_cache

from archmodel.formats.memo import MEMO_LIMIT
from archmodel.formats.text import clean


@lru_cache(maxsize=MEMO_LIMIT)
def html_text(text: str, max_len: int = 200) -> str:
    """Text for a Graphviz HTML-like label (``<...>``): every markup character escaped.

    Brackets too: Graphviz 2.43 rejects an HTML label whose text is a lone ``]``."""
    escaped = html.escape(clean(text, max_len), quote=True)
    return escaped.replace("[", "&#91;").replace("]", "&#93;")


@lru_cache(maxsize=MEMO_LIMIT)
def dot_string(text: str, max_len: int = 500) -> str:
    """A double-quoted DOT string (for tooltips and plain attributes).

    Backslashes are doubled first so that user text never forms an escape sequence
    such as ``\\N`` or ``\\"``.
    """
    body = clean(text, max_len).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{body}"'
