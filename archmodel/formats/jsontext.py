"""Indented JSON, byte for byte what ``json.dumps(value, indent=2, ensure_ascii=False)`` writes.

The standard library encodes with indentation in pure Python, through a generator per
nested value: a SARIF log of tens of thousands of results spends seconds there. Here one
recursive function lays out the structure and the C string encoder quotes every string.
Only JSON's own types are laid out (dict with string keys, list, tuple, str, int, float,
bool, None and their subclasses, as ``json`` treats them); anything else, a non-finite
float or a non-string key falls back to ``json.dumps``, so the text is always the same.
"""

from __future__ import annotations

import json
import math
from typing import Any

_QUOTE = json.encoder.encode_basestring  # the C encoder's quoting, without ensure_ascii


class _Fallback(Exception):
    """A value this layout does not handle: ``json.dumps`` writes the whole text."""


def dumps_indented(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, faster on large documents."""
    out: list[str] = []
    try:
        _write(value, out, "\n")
    except (_Fallback, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(out)


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
    else:
        raise _Fallback
