"""The YAML kit: every generator writing YAML (Helm charts and manifests, CI workflows,
``mkdocs.yml``) dumps through here, so a model string is quoted one way everywhere.

``dump``/``flow``: a small deterministic emitter for plain data (dicts, lists, str, int,
bool, None), for the bulk output. ``dump_document``/``dump_config``: PyYAML's safe
dumper, for the few documents that want literal blocks or YAML's own layout.

Why not PyYAML: its Python representer costs ~4 µs per node, i.e. > 10 s for the
10k-chart benchmark; this emitter writes the same block style (sorted keys, ``- `` items
at the key's indent) at a fraction of that. Strings are plain only when they cannot be
read as anything else; every other string is double-quoted with YAML escapes for
quotes, backslashes, line breaks (incl. NEL, LS, PS), BOM and non-printables. Tests
check that ``yaml.safe_load`` gives back exactly the input, hostile strings included.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

from archmodel.formats.memo import MEMO_LIMIT, remember

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_./-]*$")
_RESERVED = frozenset(
    w
    for base in ("y", "yes", "n", "no", "true", "false", "on", "off", "null")
    for w in (base, base.title(), base.upper())
)
# Printable in YAML and harmless inside double quotes: everything else gets escaped.
_UNSAFE = re.compile(r'["\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]')
_NAMED = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_STR_CACHE: dict[str, str] = {}


def scalar(value: Any) -> str:
    if type(value) is str:
        cached = _STR_CACHE.get(value)
        if cached is None:
            cached = remember(_STR_CACHE, value, _string(value), MEMO_LIMIT)
        return cached
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return _string(str(value))


def _string(text: str) -> str:
    if _PLAIN.fullmatch(text) and text not in _RESERVED:
        return text
    return '"' + _UNSAFE.sub(_escape, text) + '"'


Other = Callable[[Any], str]


def _unsupported(value: Any) -> str:
    raise TypeError(f"cannot emit {type(value).__name__} as YAML")


def _lines(node: Any, indent: str, out: list[str], other: Other) -> None:
    """Append the block-style lines of a non-empty dict or list. The hot path (str keys,
    str values) reads the quoting memo inline: this runs for every node of every chart."""
    known = _STR_CACHE.get
    append = out.append
    if type(node) is dict:
        inner = indent + "  "
        for key in sorted(node):
            value = node[key]
            head = known(key) if type(key) is str else None
            if head is None:
                head = scalar(key)
            kind = type(value)
            if kind is str:
                text = known(value)
                append(f"{indent}{head}: {text if text is not None else scalar(value)}")
            elif kind is dict:
                if value:
                    append(f"{indent}{head}:")
                    _lines(value, inner, out, other)
                else:
                    append(f"{indent}{head}: {{}}")
            elif kind is list:
                if value:
                    append(f"{indent}{head}:")
                    _lines(value, indent, out, other)
                else:
                    append(f"{indent}{head}: []")
            else:
                append(f"{indent}{head}: {_inline(value, other)}")
        return
    item_indent = indent + "  "
    for item in node:
        kind = type(item)
        if (kind is dict or kind is list) and item:
            start = len(out)
            _lines(item, item_indent, out, other)
            out[start] = f"{indent}- {out[start][len(item_indent) :]}"
        else:
            append(f"{indent}- {_inline(item, other)}")


_SCALARS = (str, int, bool, type(None))


def _inline(value: Any, other: Other) -> str:
    kind = type(value)
    if kind is dict:
        return "{}"
    if kind is list:
        return "[]"
    return scalar(value) if kind in _SCALARS else other(value)


def dump(doc: Any, other: Other = _unsupported) -> str:
    """One YAML document in block style, keys sorted; ``other`` writes leaves of other types."""
    if not isinstance(doc, dict | list) or not doc:
        return _inline(doc, other) + "\n"
    out: list[str] = []
    _lines(doc, "", out, other)
    return "\n".join(out) + "\n"


def flow(value: Any) -> str:
    """A value in flow style (``{a: 1, b: [x]}``), to stand where a scalar was dumped."""
    if type(value) is str:
        return _STR_CACHE.get(value) or scalar(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


class _Dumper(yaml.SafeDumper):
    """Safe dumping without anchors (steps shared between jobs are written out in full)
    and with multi-line scripts as literal blocks. Non-ASCII is escaped: with
    ``allow_unicode`` PyYAML writes NEL (U+0085) raw and reads it back as a space."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _str)


def dump_document(doc: Any) -> bytes:
    """A document with sorted keys and literal blocks for multi-line strings (CI workflows)."""
    text = yaml.dump(
        doc, Dumper=_Dumper, sort_keys=True, default_flow_style=False, allow_unicode=False, width=100
    )
    return text.encode("utf-8")


def dump_config(doc: Any) -> str:
    """A configuration file in the order given (``mkdocs.yml``), Unicode kept readable."""
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1000)
