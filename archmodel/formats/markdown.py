"""Escaping of user strings for the Markdown pages of the docs site.

Every name, description, technology, owner or justification in a model is user text. The
pages are Markdown rendered by Python-Markdown and then shown by a theme that does not
HTML-escape, so a string such as ``<script>``, ``[x](javascript:...)``, ``| cell |`` or
``# heading`` must reach the HTML as text, never as markup. Templates therefore escape
by default (see ``render.py``): these helpers are what "escaped" means.
"""

from __future__ import annotations

import re

from markupsafe import Markup

# Python-Markdown honours a backslash before each of these (``|`` once ``tables`` is on).
MD_SPECIALS = frozenset("\\`*_{}()#+-.!|")
# Characters that would start HTML (tags, entities, attribute values) become entities;
# so do brackets, because Python-Markdown's reference definitions (``[\]: url`` at the
# start of a block) ignore backslash escapes.
HTML_ENTITIES = {
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
    '"': "&quot;",
    "'": "&#x27;",
    "[": "&#91;",
    "]": "&#93;",
}
# C0/C1 controls: invisible, and \x02/\x03 are Python-Markdown's own placeholders.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_TABLE = {ord(c): f"\\{c}" for c in MD_SPECIALS} | {ord(c): e for c, e in HTML_ENTITIES.items()}
# ``_TABLE`` as a chain of replacements, several times faster than ``str.translate`` with
# string values: the backslash first, then the other specials (their escapes hold no
# character replaced later), then ``&``, then the entities (whose ``#`` is not escaped again).
_CHAIN = tuple(
    (c, _TABLE[ord(c)])
    for c in ["\\", *sorted(MD_SPECIALS - {"\\"}), "&", *sorted(set(HTML_ENTITIES) - {"&"})]
)
# Values safe to show verbatim in a code span: ids, flow ids, rule codes, globs.
_CODE_SAFE = re.compile(r"^[A-Za-z0-9_.:*?>/@ -]+$")


def one_line(text: str) -> str:
    """Printable text on one line: controls dropped, whitespace runs (newlines too) collapsed."""
    if text.isprintable() and "  " not in text:
        return text.strip()  # no control, no whitespace but single spaces: nothing to do
    return _SPACES.sub(" ", _CONTROL.sub("", text)).strip()


def md_escape(text: object) -> Markup:
    """Inline Markdown that renders as exactly ``text`` (on one line), never as markup.

    Collapsing newlines keeps a value from starting a heading, list or table row, and is
    what a table cell needs anyway.
    """
    return Markup(_escaped(one_line(str(text))))


def _escaped(text: str) -> str:
    """``text.translate(_TABLE)``."""
    for char, escape in _CHAIN:
        if char in text:
            text = text.replace(char, escape)
    return text


def md_paragraphs(text: object) -> Markup:
    """Escaped multi-paragraph text: blank lines separate paragraphs, other newlines fold."""
    parts = [md_escape(p) for p in re.split(r"\n\s*\n", str(text))]
    return Markup("\n\n".join(p for p in parts if p))


def md_code(value: object) -> Markup:
    """An identifier in a code span; anything unusual is shown as escaped text instead."""
    text = str(value)
    return Markup(f"`{text}`") if _CODE_SAFE.fullmatch(text) else md_escape(text)


def fence(source: str, info: str = "") -> Markup:
    """A fenced code block that no backtick run in ``source`` can close early."""
    longest = max((len(m) for m in re.findall(r"`+", source)), default=0)
    ticks = "`" * max(3, longest + 1)
    body = _CONTROL.sub("", source).rstrip("\n")
    return Markup(f"{ticks}{info}\n{body}\n{ticks}")
