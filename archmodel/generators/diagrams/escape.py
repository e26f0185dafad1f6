"""Escaping of user strings for DOT and Mermaid.

Every name, description or technology in a model is user text and may hold quotes,
backslashes, ``-->``, brackets, ``<script>`` or newlines. The diagram builders never
splice raw user text into a diagram: they go through these functions, so an injected
string can neither break the DOT/Mermaid syntax nor add markup to the rendered SVG.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

# C0 controls (except whitespace, which collapses to one space), DEL and C1 controls:
# invisible, and Graphviz rejects some of them outright.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")  # includes \r, \n, \t, \u2028, \u2029
# Mermaid: keep letters, digits, spaces and a few harmless punctuation marks; every
# other ASCII character becomes a ``#<decimal>;`` entity code that Mermaid decodes for
# display. Non-ASCII text (accents, emoji) is safe as it is.
_MERMAID_KEEP = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:/_+@!?*'^~$")
_MERMAID_TABLE = {c: f"#{c};" for c in range(128) if chr(c) not in _MERMAID_KEEP}
_MERMAID_TABLE[ord('"')] = "#quot;"


@lru_cache(maxsize=8192)
def clean(text: str, max_len: int = 200) -> str:
    """One line of printable text: controls dropped, runs of whitespace become one space."""
    text = _SPACES.sub(" ", _CONTROL.sub("", text))
    return text if len(text) <= max_len else text[: max_len - 1] + "…"


@lru_cache(maxsize=8192)
def html_text(text: str, max_len: int = 200) -> str:
    """Text for a Graphviz HTML-like label (``<...>``): every markup character escaped.

    Brackets too: Graphviz 2.43 rejects an HTML label whose text is a lone ``]``."""
    escaped = html.escape(clean(text, max_len), quote=True)
    return escaped.replace("[", "&#91;").replace("]", "&#93;")


def dot_string(text: str, max_len: int = 500) -> str:
    """A double-quoted DOT string (for tooltips and plain attributes).

    Backslashes are doubled first so that user text never forms an escape sequence
    such as ``\\N`` or ``\\"``.
    """
    body = clean(text, max_len).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{body}"'


@lru_cache(maxsize=8192)
def mermaid_text(text: str, max_len: int = 200) -> str:
    """Text for a double-quoted Mermaid label, with entity codes for anything unsafe.

    Mermaid replaces ``#name;`` and ``#123;`` before it parses, so ``"``, ``#``, ``;``,
    brackets, pipes, ``-`` (hence ``-->``) and ``<`` cannot end the label, start a link
    or a comment, or become HTML.
    """
    return clean(text, max_len).translate(_MERMAID_TABLE)


def mermaid_id(prefix: str, ident: str) -> str:
    """A Mermaid node id for a model id, injective and free of ``-`` and keywords.

    ``_`` becomes ``__`` and ``-`` becomes ``_h``, so ``a-b`` and ``a_b`` stay distinct;
    the letter prefix keeps ids such as ``end`` or ``graph`` from being keywords.
    """
    body = ident.replace("_", "__").replace("-", "_h")
    return prefix + "_" + re.sub(r"[^A-Za-z0-9_]", lambda m: f"_x{ord(m.group()):x}x", body)


def safe_filename(ident: str) -> str:
    """A file-name stem from an id (ids are already safe; this is defence in depth)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", ident).strip(".")
    return stem or "_"
