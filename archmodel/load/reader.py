"""Read one model file into plain data, turning every failure into a diagnostic.

The happy path uses yaml-rs (a Rust YAML 1.2 parser): it refuses duplicate keys and
bounds alias expansion, and reads a 10k-component model several times faster than
PyYAML's C loader. Positions are recovered only when something is wrong.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml_rs

from archmodel.diagnostics import Diagnostic, diag
from archmodel.load import cache, codes, positions, strict
from archmodel.safe_files import NotRegular, TooLarge, read_regular

# Enough for any hand-written model; an alias bomb hits it within milliseconds.
MAX_SIZE = 64 << 20
ALIAS_LIMITS = yaml_rs.AliasLimits(max_total_replayed_events=200_000, max_replay_stack_depth=32)
_LINE_COL = re.compile(r"line (\d+), column (\d+)")
_CONTENT = re.compile(r"\S")


def read(path: Path) -> tuple[Any, list[Diagnostic], bytes | None]:
    """Read and parse a file: (data, [], bytes) or (None, [diagnostic], bytes or None)."""
    raw, problem = read_bytes(path)
    if raw is None:
        return None, [problem] if problem else [], None
    data, problems = parse(raw, path)
    return data, problems, raw


def read_bytes(path: Path) -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of a regular file of at most MAX_SIZE, or a diagnostic.

    ``safe_files.read_regular`` opens without blocking (a named pipe would wait for a
    writer forever), checks the open file and reads up to the bound (``/dev/zero`` never
    ends)."""
    where = {"file": str(path), "line": 1, "column": 1}
    try:
        return read_regular(path, MAX_SIZE), None
    except NotRegular:
        try:
            kind = file_kind(os.stat(path).st_mode) or "not a regular file"
        except OSError:
            kind = "not a regular file"
        return None, diag(codes.NOT_REGULAR, f"{path.name} is {kind}, not a regular file", **where)
    except TooLarge:
        return None, diag(
            codes.TOO_LARGE, f"{path.name} is larger than the {MAX_SIZE >> 20} MiB limit", **where
        )
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return None, diag(codes.UNREADABLE, f"cannot read {path.name}: {reason}", **where)


def file_kind(mode: int) -> str | None:
    """What a non-regular file is ("a directory", "a named pipe"...), None for a regular one."""
    if stat.S_ISREG(mode):
        return None
    kinds = {
        stat.S_ISDIR: "a directory",
        stat.S_ISFIFO: "a named pipe",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    return next((name for test, name in kinds.items() if test(mode)), "not a regular file")


def parse(raw: bytes, path: Path) -> tuple[Any, list[Diagnostic]]:
    """Parse the bytes of a model file; returns (data, []) or (None, [diagnostic])."""
    file = str(path)
    control = strict.control_character(raw, file)
    if control is not None:
        return None, [control]
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
    is_json = path.suffix == ".json"
    cached = cache.MISS if is_json else cache.get(raw)
    fresh = cache.is_miss(cached)
    problems: list[Diagnostic] = []
    if not fresh:
        data = cached
    else:
        data, problems = _read_json(raw, text, file) if is_json else _read_yaml(text, file)
    if not problems:
        problems = strict.suspicious(raw, text, data, file, is_json)
    if problems:
        return None, problems
    if fresh and not is_json:
        cache.put(raw, data)
    return data, []


def _only_comments(text: str) -> bool:
    """Whether every line is blank or a comment. The first character that is not white
    space starts the content of its line: anything but ``#`` there answers at once,
    without splitting a large file into lines."""
    first = _CONTENT.search(text)
    if first is None:
        return True
    if text[first.start()] != "#":
        return False
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
    except RecursionError:
        return None, [strict.too_deep(text, file)]
    except (ValueError, OverflowError) as exc:
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
    if "tab" in reason:  # the parser names where its token began; the tab is what to fix
        line, column = _tab_from(text, line) or (line, column)
    return diag(codes.SYNTAX, f"YAML syntax error: {reason}", file=file, line=line, column=column)


def _tab_from(text: str, line: int) -> tuple[int, int] | None:
    """Line and column of the tab on ``line``, else on the line after (where a scalar that
    began on ``line`` met it); None when neither holds one."""
    lines = text.split("\n")
    for number in (line, line + 1):
        if 0 < number <= len(lines) and "\t" in lines[number - 1]:
            return number, lines[number - 1].index("\t") + 1
    return None


def _read_json(raw: bytes, text: str, file: str) -> tuple[Any, list[Diagnostic]]:
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
    except ValueError:  # an integer longer than Python converts
        return None, [strict.long_number(raw, file)]
    except RecursionError:
        return None, [strict.too_deep(text, file)]


class _DuplicateJsonKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key
