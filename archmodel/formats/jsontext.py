"""Indented JSON, byte for byte what ``json.dumps(..., indent=2, ensure_ascii=False)``
writes, at C speed.

With ``indent`` set, the standard library encodes in pure Python, through a generator per
nested value (~3 µs a node): a SARIF log of tens of thousands of results, or ten thousand
charts' ``values.schema.json``, spend seconds there. Two layouts:

- ``dumps_indented(value)``: one recursive function lays out the structure and the C
  string encoder quotes every string. Only JSON's own types are laid out (dict with
  string keys, list, tuple, str, int, float, bool, None and their subclasses, as
  ``json`` treats them); anything else, a non-finite float or a non-string key falls
  back to ``json.dumps``, so the text is always the same.
- ``line_encoder()``: ``json.dumps(value, ensure_ascii=False)`` for many small values,
  such as a register written one finding per line (``Encoded`` puts such lines into an
  indented document). ``JSONEncoder.encode`` makes a new C
  encoder on every call, which is half the cost of a small value; this one is made once.
- ``dumps_sorted(doc)``: ``sort_keys=True`` for documents that repeat themselves (chart
  schemas share most of their subtrees): each subtree's indented text is kept, keyed by
  its compact text (written by the C encoder) and depth, so a repeated subtree costs one
  C encoding and one lookup.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from archmodel.formats.memo import remember

_QUOTE = json.encoder.encode_basestring  # the C encoder's quoting, without ensure_ascii


class Encoded:
    """A value's JSON text, already written (by ``line_encoder``): ``dumps_indented`` lays
    it out as it is, on one line. A list of ten thousand results, each on a line of its
    own, is then written at C speed and still diffs a result at a time."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Fallback(Exception):
    """A value this layout does not handle: ``json.dumps`` writes the whole text."""


def line_encoder() -> Callable[[Any], str]:
    """A function writing what ``json.dumps(value, ensure_ascii=False)`` writes."""
    base = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)  # None where the C module is missing
    if make is None:
        return base.encode
    # The arguments JSONEncoder.iterencode gives it: circular check on, NaN allowed.
    markers: dict[int, Any] = {}
    chunks = make(
        markers, base.default, _QUOTE, None, base.key_separator, base.item_separator, False, False, True
    )

    def encode(value: Any) -> str:
        try:
            return "".join(chunks(value, 0))
        except BaseException:
            markers.clear()  # what a failed value left marked would refuse a later one
            raise

    return encode


def dumps_indented(value: Any, end: str = "") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False) + end``, faster on large
    documents; ``end`` is joined with the rest, not added to a copy of it."""
    out: list[str] = []
    try:
        _write(value, out, "\n")
    except (_Fallback, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=False, default=_decoded) + end
    out.append(end)
    return "".join(out)


def _decoded(value: object) -> object:
    """An ``Encoded`` value as ``json.dumps`` takes it (anything else it cannot write)."""
    if isinstance(value, Encoded):
        return json.loads(value.text)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _write(value: Any, out: list[str], newline: str) -> None:
    """Append ``value`` laid out at the depth whose line break (with indent) is ``newline``."""
    if isinstance(value, str):
        out.append(_QUOTE(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _Fallback
        out.append(float.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Fallback
            if isinstance(item, str):  # most values: no call for them
                out.append(f"{separator}{_QUOTE(key)}: {_QUOTE(item)}")
            else:
                out.append(f"{separator}{_QUOTE(key)}: ")
                _write(item, out, inner)
            separator = "," + inner
        out.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            if isinstance(item, str):
                out.append(separator + _QUOTE(item))
            else:
                out.append(separator)
                _write(item, out, inner)
            separator = "," + inner
        out.append(newline + "]")
    elif type(value) is Encoded:
        out.append(value.text)
    else:
        raise _Fallback


_COMPACT = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_STRING = json.JSONEncoder(ensure_ascii=False)
_CACHE: dict[tuple[str, int], str] = {}
_CACHE_LIMIT = 50_000


def dumps_sorted(doc: Any) -> str:
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
    return remember(_CACHE, key, text, _CACHE_LIMIT)
