"""The lines of ``threats.json``: each finding's record (``Finding.as_dict``) as one line of
JSON, written at the cost of its own fields only.

A register of ten thousand components has tens of thousands of findings, and most of a
record is the same for every finding of a rule: title, STRIDE, layer, fix, CWE and CAPEC.
Those are encoded once per rule, as ready-made fragments between the keys that change; a
finding then costs the quoting of its own strings. Anything this layout does not cover (a
decided finding with a justification, an owner, a ticket...) is written from its record
by the plain encoder, and the first line of each rule is written both ways: the fragments
are kept only when the two are the same text, so the register is always the record.
"""

from __future__ import annotations

from collections.abc import Callable
from json.encoder import encode_basestring as quote
from pathlib import Path
from typing import Any

from archmodel.formats.jsontext import line_encoder
from archmodel.threats.render.common import shown_file
from archmodel.threats.types import Finding

# What a finding's rule decides, the same for every finding that shares it.
RuleKey = tuple[str, str, tuple[str, ...], str, str, tuple[str, ...], tuple[str, ...]]
Fragments = tuple[str, str, str, str]
_UNSEEN: Fragments = ("", "", "", "")
_UNDECIDED = (None, None, None, None, None)
_UNSEEN_FILE = "\0"  # no file name holds a NUL


class Lines:
    """One JSON line per finding, for one register (files shown relative to ``base``)."""

    def __init__(self, base: Path | None) -> None:
        self.base = base
        self.encode: Callable[[Any], str] = line_encoder()
        self._rules: dict[RuleKey, Fragments | None] = {}
        self._lists: dict[tuple[str, ...], str] = {}
        # Findings share their factors mapping (one per set of labels): by identity, the
        # mapping kept alive beside its text.
        self._factors: dict[int, tuple[object, str]] = {}
        self._files: dict[str | None, str | None] = {}

    def __call__(self, f: Finding) -> str:
        file = self._files.get(f.file, _UNSEEN_FILE)
        if file is _UNSEEN_FILE:
            file = self._files[f.file] = shown_file(f.file, self.base)
        decided = (f.justification, f.risk_owner, f.expires, f.ticket, f.checked_by)
        if decided != _UNDECIDED:  # as_dict writes each of them that is not None
            return self.encode(f.as_dict(file))
        key: RuleKey = (f.rule, f.title, tuple(f.stride), f.layer, f.fix, f.cwe, f.capec)
        parts = self._rules.get(key, _UNSEEN)
        if parts is _UNSEEN:
            return self._first(f, file, key)
        if parts is None:
            return self.encode(f.as_dict(file))
        return self._line(f, file, parts)

    def _first(self, f: Finding, file: str | None, key: RuleKey) -> str:
        """The first line of a rule: the fragments are kept only when the line they make
        is the record itself."""
        plain = self.encode(f.as_dict(file))
        parts = self._fragments(f)
        same = self._line(f, file, parts) == plain
        self._rules[key] = parts if same else None
        return plain

    def _fragments(self, f: Finding) -> Fragments:
        """The text between the keys that change, in ``as_dict``'s order."""
        encode = self.encode
        return (
            f', "rule": {quote(f.rule)}, "title": {quote(f.title)}, '
            f'"stride": {encode([str(s) for s in f.stride])}, "severity": ',
            f', "layer": {quote(f.layer)}, "status": ',
            f', "fix": {quote(f.fix)}, "cwe": {encode(list(f.cwe))}, '
            f'"capec": {encode(list(f.capec))}, "file": ',
            ', "line": ',
        )

    def _line(self, f: Finding, file: str | None, parts: Fragments) -> str:
        text = [
            '{"id": ',
            quote(f.id),
            parts[0],
            quote(str(f.severity)),
            ', "target": ',
            quote(str(f.target)),
            ', "mitigations": ',
            self._list(f.mitigations),
            parts[1],
            quote(str(f.status)),
            ', "description": ',
            quote(f.description),
            parts[2],
            "null" if file is None else quote(file),
            parts[3],
            "null" if f.line is None else _number(f.line, self.encode),
        ]
        if f.changes:
            text += [', "changes": ', self.encode([c.as_dict() for c in f.changes])]
        if f.environments:
            text += [', "environments": ', self._list(f.environments)]
        if f.factors is not None:
            text += [', "factors": ', self._mapping(f.factors)]
        text.append("}")
        return "".join(text)

    def _list(self, items: tuple[str, ...]) -> str:
        found = self._lists.get(items)
        if found is None:
            found = self._lists[items] = self.encode(list(items))
        return found

    def _mapping(self, value: dict[str, list[str]]) -> str:
        found = self._factors.get(id(value))
        if found is None or found[0] is not value:
            found = self._factors[id(value)] = (value, self.encode(value))
        return found[1]


def _number(value: int, encode: Callable[[Any], str]) -> str:
    """An int as JSON writes it (its repr), without a call into the encoder."""
    return int.__repr__(value) if type(value) is int else encode(value)
