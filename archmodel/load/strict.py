"""What yaml-rs accepts but a model must not hold, found before it can do harm.

yaml-rs stops reading at a NUL byte (the rest of the file silently vanishes), drops tags
(``!custom``, ``!!binary``), reads YAML 1.1 digit separators (``4_43``) and a tab after a
list dash, and builds integers too long for Python to print. Each is reported at its
position. The checks first look at the bytes with C-speed string methods; PyYAML's event
parser confirms (and places) a suspicion only in a file that raised one, so a clean
model pays a few milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from archmodel.catalog import RuleInfo
from archmodel.diagnostics import Diagnostic, diag
from archmodel.load import codes, pyyaml

if TYPE_CHECKING:
    import yaml

MAX_DIGITS = 4300  # Python's limit on converting an int to text (sys.get_int_max_str_digits)
MAX_DEPTH = 64
_CONTROLS = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROLS)
_C1 = re.compile("[\x80-\x84\x86-\x9f]")
# Digits become "0", word characters "a", "_" stays, the rest (separators) become " ".
_SHAPES = bytes.maketrans(
    bytes(range(256)),
    bytes(
        ord("0")
        if chr(b).isdigit()
        else ord("_")
        if b == ord("_")
        else ord("a")
        if chr(b).isalpha() or b in b".\\" or b >= 0x80
        else ord(" ")
        for b in range(256)
    ),
)
_UNDERSCORE_NUMBER = re.compile(r"[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?")


def control_character(raw: bytes, file: str) -> Diagnostic | None:
    """A NUL or other control character, which YAML and JSON forbid."""
    found = raw.translate(None, _NOT_CONTROL)
    offset = min((raw.find(bytes([c])) for c in set(found)), default=-1)
    if offset < 0 and b"\xc2" in raw:
        match = _C1.search(raw.decode("utf-8", errors="replace"))
        offset = len(raw.decode("utf-8", errors="replace")[: match.start()].encode()) if match else -1
    if offset < 0:
        return None
    return _at(raw, offset, codes.CONTROL_CHAR, f"control character U+{_code_point(raw, offset):04X}", file)


def long_number(raw: bytes, file: str) -> Diagnostic:
    """Where the first run of more than MAX_DIGITS digits is."""
    run = max(raw.translate(_SHAPES).find(b"0" * (MAX_DIGITS + 1)), 0)
    return _at(raw, run, codes.NUMBER, f"a number of more than {MAX_DIGITS} digits", file)


def suspicious(raw: bytes, text: str, data: Any, file: str, is_json: bool) -> list[Diagnostic]:
    """Tags, YAML 1.1 numbers, tabs after a dash, over-long integers and deep nesting."""
    shapes = raw.translate(_SHAPES)
    problems = []
    if b"0" * (MAX_DIGITS + 1) in shapes and _has_long_int(data):
        problems.append(long_number(raw, file))
    if (is_json or _deep(text)) and _depth(data) > MAX_DEPTH:
        problems.append(too_deep(text, file))
    if not is_json and (_tag_like(raw) or b"-\t" in raw or _underscore_number(shapes)):
        problems += _events(text, file)
    return problems


def _tag_like(raw: bytes) -> bool:
    """Whether a ``!`` starts a token somewhere (cheap suspicion of a tag). ``!`` is rare
    in a model: each one found is judged by the byte before it, in one pass."""
    at = raw.find(b"!")
    while at >= 0:
        if at == 0 or raw[at - 1] in _BEFORE_TAG:
            return True
        at = raw.find(b"!", at + 1)
    return False


_BEFORE_TAG = frozenset(b" \t\n[{,")


def _underscore_number(shapes: bytes) -> bool:
    """Whether some token starts with digits followed by ``_`` (cheap suspicion)."""
    at = shapes.find(b"0_")
    while at >= 0:
        start = at
        while start > 0 and shapes[start - 1] in b"0_":
            start -= 1
        if start == 0 or shapes[start - 1] == ord(" "):
            return True
        at = shapes.find(b"0_", at + 2)
    return False


def _events(text: str, file: str) -> list[Diagnostic]:
    """Confirm with PyYAML's parser: explicit tags, plain numbers with ``_``, a tab after ``-``."""
    yaml = pyyaml.module()
    try:
        for event in yaml.parse(text, Loader=pyyaml.loader()):
            found = _event_problem(event)
            mark = event.start_mark
            if found is not None and mark is not None:
                info, message = found
                return [diag(info, message, file=file, line=mark.line + 1, column=mark.column + 1)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if mark is not None and text[mark.index : mark.index + 1] == "\t" and text[mark.index - 1] == "-":
            message = "a tab after '-' (indent with spaces)"
            return [diag(codes.SYNTAX, message, file=file, line=mark.line + 1, column=mark.column + 1)]
    except yaml.YAMLError:
        pass
    return []


def _event_problem(event: yaml.Event) -> tuple[RuleInfo, str] | None:
    yaml = pyyaml.module()
    tag = getattr(event, "tag", None)
    if tag is not None and isinstance(event, yaml.NodeEvent):
        written = tag.replace("tag:yaml.org,2002:", "!!")
        return codes.YAML_TAG, f"YAML tag '{written}' is not part of the format"
    if (
        isinstance(event, yaml.ScalarEvent)
        and not event.style
        and "_" in event.value
        and _UNDERSCORE_NUMBER.fullmatch(event.value)
    ):
        written = event.value.replace("_", "")
        return codes.NUMBER, f"'{event.value}' uses YAML 1.1 digit separators (write {written})"
    return None


def _deep(text: str) -> bool:
    """Whether the text could nest deeper than MAX_DEPTH (indentation or brackets)."""
    return any(c * MAX_DEPTH in text for c in (" ", "[", "{"))


def too_deep(text: str, file: str) -> Diagnostic:
    """The error for data nested deeper than MAX_DEPTH, at the first value that is."""
    line, column = _too_deep_at(text)
    return diag(
        codes.SYNTAX, f"the data nests deeper than {MAX_DEPTH} levels", file=file, line=line, column=column
    )


def _too_deep_at(text: str) -> tuple[int, int]:
    """Where the first value deeper than MAX_DEPTH starts, from PyYAML's events (its
    parser keeps a stack, not a recursion); 1:1 when the events do not get there. The
    C parser refuses a thousand open brackets before it has passed the first, so the
    pure-Python one reads what it refuses (5,000 brackets: 0.2 s)."""
    yaml = pyyaml.module()
    for loader in (pyyaml.loader(), yaml.SafeLoader):
        try:
            return _first_too_deep(yaml.parse(text, Loader=loader)) or (1, 1)
        except yaml.YAMLError:
            continue
    return 1, 1


def _first_too_deep(events: Iterator[yaml.Event]) -> tuple[int, int] | None:
    """The line and column of the first value more than MAX_DEPTH collections deep (the
    top one is at depth 0)."""
    yaml = pyyaml.module()
    depth = 0
    for event in events:
        if isinstance(event, yaml.NodeEvent) and depth > MAX_DEPTH and event.start_mark is not None:
            return event.start_mark.line + 1, event.start_mark.column + 1
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _depth(data: Any) -> int:
    deepest, stack = 0, [(data, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return deepest


def _has_long_int(data: Any) -> bool:
    limit = 10**MAX_DIGITS
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, int) and abs(node) >= limit:
            return True
    return False


def _at(raw: bytes, offset: int, info: RuleInfo, message: str, file: str) -> Diagnostic:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return diag(info, message, file=file, line=line, column=column)


def _code_point(raw: bytes, offset: int) -> int:
    return ord(raw[offset : offset + 4].decode("utf-8", errors="replace")[0])
