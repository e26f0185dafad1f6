"""Read one model file into plain data, turning every failure into a diagnostic.

The happy path uses yaml-rs (a Rust YAML 1.2 parser): it refuses duplicate keys and
bounds alias expansion, and reads a 10k-component model several times faster than
PyYAML's C loader. Positions are recovered only when something is wrong.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml_rs

from archmodel.diagnostics import Diagnostic, diag
from archmodel.load import cache, codes, positions

# Enough for any hand-written model; an alias bomb hits it within milliseconds.
ALIAS_LIMITS = yaml_rs.AliasLimits(max_total_replayed_events=200_000, max_replay_stack_depth=32)
_LINE_COL = re.compile(r"line (\d+), column (\d+)")


def read(path: Path) -> tuple[Any, list[Diagnostic], bytes | None]:
    """Read and parse a file: (data, [], bytes) or (None, [diagnostic], bytes or None)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return (
            None,
            [
                diag(
                    codes.UNREADABLE,
                    f"cannot read {path.name}: {exc.strerror}",
                    file=str(path),
                    line=1,
                    column=1,
                )
            ],
            None,
        )
    data, problems = parse(raw, path)
    return data, problems, raw


def parse(raw: bytes, path: Path) -> tuple[Any, list[Diagnostic]]:
    """Parse the bytes of a model file; returns (data, []) or (None, [diagnostic])."""
    file = str(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _offset_position(raw, exc.start)
        msg = f"invalid UTF-8 byte 0x{raw[exc.start]:02x}"
        return None, [diag(codes.ENCODING, msg, file=file, line=line, column=column)]
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or _only_comments(text):
        return None, [diag(codes.EMPTY, "the file is empty", file=file, line=1, column=1)]
    if path.suffix == ".json":
        return _read_json(text, file)
    cached = cache.get(raw)
    if not cache.is_miss(cached):
        return cached, []
    data, problems = _read_yaml(text, file)
    if not problems:
        cache.put(raw, data)
    return data, problems


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _offset_position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def _read_yaml(text: str, file: str) -> tuple[Any, list[Diagnostic]]:
    try:
        data = yaml_rs.loads(text, parse_datetime=True, alias_limits=ALIAS_LIMITS)
    except yaml_rs.YAMLDecodeError as exc:
        return None, [_yaml_error(str(exc), text, file)]
    except (ValueError, OverflowError, RecursionError) as exc:
        return None, [diag(codes.SYNTAX, f"cannot parse: {exc}", file=file, line=1, column=1)]
    if isinstance(data, list) and _multi_document(text):
        return None, [
            diag(
                codes.MULTI_DOC,
                "the file holds several YAML documents",
                file=file,
                line=1,
                column=1,
            )
        ]
    return data, []


def _multi_document(text: str) -> bool:
    """yaml-rs returns a list for several documents; tell that from a root list."""
    markers = re.findall(r"^---", text, re.MULTILINE)
    body = "\n".join(ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#"))
    return len(markers) >= 2 or (len(markers) == 1 and not body.startswith("---"))


def _yaml_error(message: str, text: str, file: str) -> Diagnostic:
    first = message.splitlines()[0] if message else "syntax error"
    if first.startswith("duplicate mapping key"):
        found = positions.find_duplicate_key(text)
        (line, column), key = found if found else ((1, 1), first.split(":", 1)[-1].strip())
        return diag(
            codes.DUPLICATE_KEY,
            f"duplicate key {key}",
            file=file,
            line=line,
            column=column,
            hint="each key may appear once per mapping",
        )
    if "alias" in first and ("limit" in first or "depth" in first):
        line, column = positions.first_alias(text)
        return diag(
            codes.ALIAS_LIMIT,
            "YAML aliases expand beyond the safe limit",
            file=file,
            line=line,
            column=column,
            hint="write the repeated values out instead of nesting aliases",
        )
    match = _LINE_COL.search(message)
    line, column = (int(match[1]), int(match[2])) if match else (1, 1)
    reason = message.splitlines()[-1].strip() if "\n" in message else first
    return diag(codes.SYNTAX, f"YAML syntax error: {reason}", file=file, line=line, column=column)


def _read_json(text: str, file: str) -> tuple[Any, list[Diagnostic]]:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise _DuplicateJsonKey(key)
            out[key] = value
        return out

    try:
        return json.loads(text, object_pairs_hook=no_duplicates), []
    except _DuplicateJsonKey as exc:
        found = positions.find_duplicate_key(text)
        (line, column) = found[0] if found else (1, 1)
        return None, [
            diag(codes.DUPLICATE_KEY, f"duplicate key {exc.key}", file=file, line=line, column=column)
        ]
    except json.JSONDecodeError as exc:
        return None, [
            diag(
                codes.SYNTAX,
                f"JSON syntax error: {exc.msg}",
                file=file,
                line=exc.lineno,
                column=exc.colno,
            )
        ]
    except RecursionError:
        return None, [diag(codes.SYNTAX, "JSON nests too deeply", file=file, line=1, column=1)]


class _DuplicateJsonKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key
