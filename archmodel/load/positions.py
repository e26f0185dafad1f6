"""Source positions, computed on demand.

The fast parser keeps no positions. When a diagnostic must be reported, the one file it
names is parsed again with PyYAML's composer (which keeps a mark on every node and never
expands aliases) and the diagnostic's path is walked down to the deepest node found.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

from archmodel.diagnostics import Diagnostic, PathPart

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=32)
def _compose(file: str, mtime_ns: int, size: int) -> yaml.Node | None:
    try:
        text = Path(file).read_bytes().decode("utf-8")
        return yaml.compose(text, Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def compose(file: str) -> yaml.Node | None:
    """The position-keeping node tree of a file, or None when it cannot be parsed.

    Cached per file version (mtime and size), since one report may locate many
    diagnostics in the same file.
    """
    try:
        stat = os.stat(file)
    except OSError:
        return None
    return _compose(str(file), stat.st_mtime_ns, stat.st_size)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _child(node: yaml.Node, part: PathPart) -> tuple[yaml.Node, yaml.Node] | None:
    """(key node, value node) for a mapping key, or (item, item) for a list index."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key, value
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item = node.value[part]
        return item, item
    return None


def locate(file: str, path: tuple[PathPart, ...], at_key: bool = False) -> tuple[int, int]:
    """Line and column (1-based) of ``path`` in ``file``: the deepest node that exists."""
    node = compose(file)
    if node is None:
        return 1, 1
    position = _mark(node)
    for i, part in enumerate(path):
        found = _child(node, part)
        if found is None:
            break
        key, node = found
        last = i == len(path) - 1
        position = _mark(key if (at_key and last) else node)
    return position


def resolve(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Fill line and column of every diagnostic that has a file but no line yet."""
    out = []
    for d in diagnostics:
        if d.file is not None and d.line is None:
            d = d.located(*locate(d.file, d.path, d.at_key))
        out.append(d)
    return out


def find_duplicate_key(file: str) -> tuple[tuple[int, int], str] | None:
    """Position and name of the first repeated key in any mapping of the file."""
    root = compose(file)
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        return _mark(key), key.value
                    seen.add(key.value)
            stack.extend(value for _, value in reversed(node.value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return None


def first_alias(file: str) -> tuple[int, int]:
    """Position of the first alias in a file, to point at an alias bomb."""
    try:
        text = Path(file).read_bytes().decode("utf-8")
        for event in yaml.parse(text, Loader=_Loader):
            mark = event.start_mark
            if isinstance(event, yaml.AliasEvent) and mark is not None:
                return mark.line + 1, mark.column + 1
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        pass
    return 1, 1
