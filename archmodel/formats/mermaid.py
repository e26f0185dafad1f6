"""Mermaid escaping: labels become entity codes, ids become injective safe names, so no
model string can end a label, start a link or comment, or become HTML."""

from __future__ import annotations

import re
from functools import lru_cache

from archmodel.formats.memo import MEMO_LIMIT
from archmodel.formats.text import clean

# Keep letters, digits, spaces and a few harmless punctuation marks; every other ASCII
# character becomes a ``#<decimal>;`` entity code that Mermaid decodes for display.
# Non-ASCII text (accents, emoji) is safe as it is.
_MERMAID_KEEP = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:/_+@!?*'^~$")
_MERMAID_TABLE = {c: f"#{c};" for c in range(128) if chr(c) not in _MERMAID_KEEP}
_MERMAID_TABLE[ord('"')] = "#quot;"


@lru_cache(maxsize=MEMO_LIMIT)
def mermaid_text(text: str, max_len: int = 200) -> str:
    """Text for a double-quoted Mermaid label, with entity codes for anything unsafe.

    Mermaid replaces ``#name;`` and ``#123;`` before it parses, so ``"``, ``#``, ``;``,
    brackets, pipes, ``-`` (hence ``-->``) and ``<`` cannot end the label, start a link
    or a comment, or become HTML.
    """
    return clean(text, max_len).translate(_MERMAID_TABLE)


@lru_cache(maxsize=MEMO_LIMIT)
def mermaid_id(prefix: str, ident: str) -> str:
    """A Mermaid node id for a model id, injective and free of ``-`` and keywords.

    ``_`` becomes ``__`` and ``-`` becomes ``_h``, so ``a-b`` and ``a_b`` stay distinct;
    the letter prefix keeps ids such as ``end`` or ``graph`` from being keywords.
    """
    body = ident.replace("_", "__").replace("-", "_h")
    return prefix + "_" + re.sub(r"[^A-Za-z0-9_]", lambda m: f"_x{ord(m.group()):x}x", body)
