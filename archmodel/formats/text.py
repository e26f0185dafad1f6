"""Plain one-line text and file names from user strings: the base every diagram format
escapes from (controls dropped, whitespace collapsed, length capped)."""

from __future__ import annotations

import re
from functools import lru_cache

from archmodel.formats.memo import MEMO_LIMIT

# C0 controls (except whitespace, which collapses to one space), DEL and C1 controls:
# invisible, and Graphviz rejects some of them outright.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")  # includes \r, \n, \t, \u2028, \u2029


@lru_cache(maxsize=MEMO_LIMIT)
def clean(text: str, max_len: int = 200) -> str:
    """One line of printable text: controls dropped, runs of whitespace become one space."""
    text = _SPACES.sub(" ", _CONTROL.sub("", text))
    return text if len(text) <= max_len else text[: max_len - 1] + "…"


def safe_filename(ident: str) -> str:
    """A file-name stem from an id (ids are already safe; this is defence in depth)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", ident).strip(".")
    return stem or "_"


def one_final_newline(text: str) -> str:
    """``text`` ending in exactly one newline. A register of a large model is a string
    of a hundred megabytes or more, and each copy of it is fresh memory: the text is
    returned as it is when it already ends so, rather than stripped and extended."""
    if text.endswith("\n") and not text.endswith("\n\n"):
        return text
    return text.rstrip("\n") + "\n"
