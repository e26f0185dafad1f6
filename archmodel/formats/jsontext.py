"""Indented JSON, the same bytes as ``json.dumps(doc, indent=2, sort_keys=True,
ensure_ascii=False)``, at C speed for documents that repeat themselves.

Why: with ``indent`` set, the standard library falls back to its pure-Python encoder
(~3 µs a node); a chart's ``values.schema.json`` has ~150 nodes, 10,000 charts 1.5M.
Those schemas share most of their subtrees, so each subtree's indented text is kept,
keyed by its compact text (written by the C encoder) and depth: a repeated subtree costs
one C encoding and one lookup. Strings are escaped by the standard library itself.
"""

from __future__ import annotations

import json
from typing import Any

_COMPACT = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_STRING = json.JSONEncoder(ensure_ascii=False)
_CACHE: dict[tuple[str, int], str] = {}
_CACHE_LIMIT = 50_000


def dumps(doc: Any) -> str:
    """``doc`` as ``json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)`` writes it."""
    return _indented(doc, 0)


def _indented(node: Any, depth: int) -> str:
    is_dict = isinstance(node, dict)
    if not is_dict and not isinstance(node, list | tuple):
        return _COMPACT.encode(node)
    if not node:
        return "{}" if is_dict else "[]"
    if is_dict and not all(type(k) is str for k in node):
        # JSON turns other keys into strings after sorting them: leave that to json.
        text = json.dumps(node, indent=2, sort_keys=True, ensure_ascii=False)
        return text.replace("\n", "\n" + "  " * depth)
    # The indented text is a function of the compact text: equal keys, equal output.
    key = (_COMPACT.encode(node), depth)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    inner = "\n" + "  " * (depth + 1)
    if is_dict:
        items = [f"{_STRING.encode(k)}: {_indented(node[k], depth + 1)}" for k in sorted(node)]
        opening, closing = "{", "}"
    else:
        items = [_indented(item, depth + 1) for item in node]
        opening, closing = "[", "]"
    text = opening + inner + ("," + inner).join(items) + "\n" + "  " * depth + closing
    if len(_CACHE) < _CACHE_LIMIT:
        _CACHE[key] = text
    return text
