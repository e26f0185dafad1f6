"""A tiny HCL writer: blocks and attributes as Python data, rendered like ``terraform fmt``.

Generators build ``Block`` trees instead of splicing text into templates, so every user
string passes through ``quote`` (JSON-style escapes plus ``$${``/``%%{`` so that no model
text can open a template interpolation or directive) and the layout is deterministic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Union

from archmodel.formats.memo import MEMO_LIMIT, remember

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Raw(str):
    """An HCL expression emitted verbatim (a reference or a call); never built from user text."""

    __slots__ = ()


Value = Union[  # noqa: UP007 (a recursive alias needs Union with string forward refs)
    str, Raw, bool, int, float, None, Sequence["Value"], Mapping[str, "Value"]
]


@dataclass
class Block:
    """``type "label" ... { body }``; body items are ``(name, value)`` pairs or nested blocks."""

    type: str
    labels: tuple[str, ...] = ()
    body: list[tuple[str, Value] | Block] = field(default_factory=list)

    def set(self, name: str, value: Value) -> Block:
        self.body.append((name, value))
        return self

    def add(self, block: Block) -> Block:
        self.body.append(block)
        return self


# HCL knows only \n \r \t \" \\ and \uNNNN (not JSON's \b or \f): every other
# control character becomes \uNNNN.
_ESCAPES = {c: f"\\u{c:04x}" for c in [*range(0x20), 0x7F]}
_ESCAPES.update({ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})


_QUOTED: dict[str, str] = {}


def quote(text: str) -> str:
    """A double-quoted HCL string literal holding exactly ``text`` (memoised: a model's
    strings repeat across thousands of blocks).

    Quotes, backslashes and control characters are escaped the way HCL reads them.
    ``%{`` becomes ``%%{``, HCL's escape for a literal ``%{``. ``${`` becomes
    ``$\u007b``: Terraform reads both that and ``$${`` as a literal ``${``, but
    python-hcl2 (and so checkov) rejects a ``$${`` that no ``}`` follows.
    """
    cached = _QUOTED.get(text)
    if cached is None:
        body = text.translate(_ESCAPES)
        cached = '"' + body.replace("${", "$\\u007b").replace("%{", "%%{") + '"'
        remember(_QUOTED, text, cached, MEMO_LIMIT)
    return cached


_KEYS: dict[str, str] = {}


def _key(name: str) -> str:
    cached = _KEYS.get(name)
    if cached is None:
        cached = remember(_KEYS, name, name if _IDENT.fullmatch(name) else quote(name), MEMO_LIMIT)
    return cached


def _value(value: Value, indent: str) -> str:
    kind = type(value)  # exact types first: this runs for every attribute of every block
    if kind is str:
        return quote(value)  # type: ignore[arg-type]
    if kind is Raw:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return quote(value)
    if not isinstance(value, Mapping):
        inner = indent + "  "
        items = [_value(v, inner) for v in value]
        if all("\n" not in i for i in items) and sum(len(i) + 2 for i in items) < 80:
            return "[" + ", ".join(items) + "]"
        return "[\n" + "".join(f"{inner}{i},\n" for i in items) + indent + "]"
    if not value:
        return "{}"
    return _map(value, indent)


# Maps of plain strings (the tags of every resource of a component) at one indent, as
# written; only exact ``str`` keys and values, so that no ``Raw`` equal to a string can
# stand for it.
_MAPS: dict[tuple[str, tuple[tuple[str, Value], ...]], str] = {}


def _map(value: Mapping[str, Value], indent: str) -> str:
    if not all(type(k) is str and type(v) is str for k, v in value.items()):
        return _map_text(value, indent)
    key = (indent, tuple(value.items()))
    text = _MAPS.get(key)
    if text is None:
        text = remember(_MAPS, key, _map_text(value, indent), MEMO_LIMIT)
    return text


def _map_text(value: Mapping[str, Value], indent: str) -> str:
    return "{\n" + _attributes(list(value.items()), indent + "  ") + indent + "}"


def _attributes(pairs: list[tuple[str, Value]], indent: str) -> str:
    out: list[str] = []
    _emit_attributes(pairs, indent, out)
    return "".join(out)


def _emit_attributes(pairs: list[tuple[str, Value]], indent: str, out: list[str]) -> None:
    """Attributes as ``terraform fmt`` writes them: the ``=`` of consecutive one-line
    attributes aligned (widths in characters); an attribute whose value spans lines
    gets one space before its ``=`` and ends the aligned run. Names are keys as given
    (``_key`` applied here); the common leaves are written inline, as this runs for
    every attribute of every block."""
    keys: list[str] = []
    texts: list[str] = []
    for name, value in pairs:
        key = _KEYS.get(name) or _key(name)
        kind = type(value)
        if kind is str:
            keys.append(key)
            texts.append(_QUOTED.get(value) or quote(value))  # type: ignore[arg-type]
            continue
        if kind is int:
            keys.append(key)
            texts.append(str(value))
            continue
        if kind is Raw and "\n" not in value:  # type: ignore[operator]
            keys.append(key)
            texts.append(str(value))
            continue
        text = ("true" if value else "false") if kind is bool else _value(value, indent)
        if "\n" in text:
            _aligned(keys, texts, indent, out)
            keys, texts = [], []
            out.append(f"{indent}{key} = {text}\n")
        else:
            keys.append(key)
            texts.append(text)
    _aligned(keys, texts, indent, out)


def _aligned(keys: list[str], texts: list[str], indent: str, out: list[str]) -> None:
    if len(keys) < 2:
        if keys:
            out.append(f"{indent}{keys[0]} = {texts[0]}\n")
        return
    width = max(map(len, keys))
    for key, text in zip(keys, texts, strict=True):
        out.append(f"{indent}{key.ljust(width)} = {text}\n")


def render_block(block: Block, indent: str = "") -> str:
    out: list[str] = []
    _emit_block(block, indent, out)
    return "".join(out)


def _emit_block(block: Block, indent: str, out: list[str]) -> None:
    """A block; a blank line between an attribute run and a nested block, either way."""
    head = " ".join([block.type, *map(quote, block.labels)]) if block.labels else block.type
    if not block.body:
        out.append(f"{indent}{head} {{}}\n")
        return
    out.append(f"{indent}{head} {{\n")
    inner = indent + "  "
    emitted = False  # anything inside the braces yet
    run: list[tuple[str, Value]] = []
    for item in block.body:
        if type(item) is not tuple and isinstance(item, Block):  # pairs are the common case
            if run:
                _emit_attributes(run, inner, out)
                run = []
                emitted = True
            if emitted:
                out.append("\n")
            _emit_block(item, inner, out)
            emitted = True
        else:
            if not run and emitted:
                out.append("\n")
            run.append(item)
    if run:
        _emit_attributes(run, inner, out)
    out.append(f"{indent}}}\n")


def render_file(blocks: list[Block], header: str) -> bytes:
    """A whole ``.tf`` file: a comment header, then the blocks separated by blank lines."""
    out = [f"# {line}\n" for line in header.splitlines()]
    out.append("\n")
    for i, block in enumerate(blocks):
        if i:
            out.append("\n")
        _emit_block(block, "", out)
    return "".join(out).encode("utf-8")


def render_tfvars(values: dict[str, Value]) -> bytes:
    return _attributes(list(values.items()), "").encode("utf-8") if values else b""
