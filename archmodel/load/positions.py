"""Source positions, computed on demand from the bytes that were loaded.

The fast parser keeps no positions. When a diagnostic must be reported, its path is
looked up in the text of the file it names, as read once by the loader (a project keeps
those bytes): the block-layout scanner of ``locator`` finds it by indentation, and for a
layout it does not read, the file's text is composed once with PyYAML (which keeps a mark
on every node and never expands aliases). The deepest node of the path that exists wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from archmodel.diagnostics import Diagnostic, PathPart
from archmodel.load import pyyaml
from archmodel.load.locator import BlockLocator, Exotic, node_child

if TYPE_CHECKING:
    import yaml
# Line breaks that PyYAML counts and editors do not, or a BOM: let the composer decide.
_ODD = ("\x85", "\u2028", "\u2029", "\ufeff")


class FilePositions:
    """Positions of paths in one file's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._scanner: BlockLocator | None = None
        self._composed: yaml.Node | None = None
        self._plain = not any(c in text for c in _ODD) and text.count("\r") == text.count("\r\n")

    @classmethod
    def of(cls, raw: bytes) -> FilePositions:
        return cls(raw.decode("utf-8", errors="replace"))

    def locate(self, path: tuple[PathPart, ...], at_key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the deepest node of ``path`` that exists."""
        line, column = self._scan(path, at_key) or self._compose_locate(path, at_key)
        return line + 1, column + 1

    def _scan(self, path: tuple[PathPart, ...], at_key: bool) -> tuple[int, int] | None:
        if not self._plain:
            return None
        try:
            if self._scanner is None:
                self._scanner = BlockLocator(self.text)
            return self._scanner.locate(path, at_key)
        except Exotic:
            return None

    def _compose_locate(self, path: tuple[PathPart, ...], at_key: bool) -> tuple[int, int]:
        node = self.compose()
        if node is None:
            return 0, 0
        position = _mark(node)
        for i, part in enumerate(path):
            found = node_child(node, part)
            if found is None:
                break
            key, node = found
            position = _mark(key if (at_key and i == len(path) - 1) else node)
        return position

    def compose(self) -> yaml.Node | None:
        """The whole position-keeping node tree (None when PyYAML cannot parse it)."""
        if self._composed is None:
            yaml = pyyaml.module()
            try:
                self._composed = yaml.compose(self.text, Loader=pyyaml.loader())
            except (yaml.YAMLError, RecursionError):
                return None
        return self._composed


class Positions:
    """Positions in the files of a project, from the bytes the loader read.

    A file the loader did not read (a policy file, say) is read here once.
    """

    def __init__(self, sources: Mapping[str, bytes]) -> None:
        self._sources = sources
        self._files: dict[str, FilePositions | None] = {}
        self._known: dict[tuple[str, tuple[PathPart, ...], bool], tuple[int, int]] = {}

    def file(self, file: str) -> FilePositions | None:
        if file not in self._files:
            raw = self._sources.get(file)
            if raw is None:
                try:
                    raw = Path(file).read_bytes()
                except OSError:
                    raw = None
            self._files[file] = FilePositions.of(raw) if raw is not None else None
        return self._files[file]

    def locate(self, file: str, path: tuple[PathPart, ...], at_key: bool = False) -> tuple[int, int]:
        """Remembered per path: threat findings point at the same elements many times."""
        key = (file, path, at_key)
        position = self._known.get(key)
        if position is None:
            found = self.file(file)
            position = self._known[key] = found.locate(path, at_key) if found is not None else (1, 1)
        return position

    def resolve(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """Fill line and column of every diagnostic that has a file but no line yet."""
        out = []
        for d in diagnostics:
            if d.file is not None and d.line is None:
                d = d.located(*self.locate(d.file, d.path, d.at_key))
            out.append(d)
        return out


def locate(
    file: str, path: tuple[PathPart, ...], at_key: bool = False, source: bytes | None = None
) -> tuple[int, int]:
    """Line and column (1-based) of ``path`` in ``file`` (its bytes, or read from disk)."""
    return Positions({file: source} if source is not None else {}).locate(file, path, at_key)


def resolve(
    diagnostics: Iterable[Diagnostic], sources: Mapping[str, bytes] | None = None
) -> list[Diagnostic]:
    """Locate diagnostics in ``sources`` (files missing from it are read from disk)."""
    return Positions(sources or {}).resolve(diagnostics)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line, node.start_mark.column


def find_duplicate_key(text: str) -> tuple[tuple[int, int], str] | None:
    """Position (1-based) and name of the first repeated key in any mapping of the text."""
    yaml = pyyaml.module()
    root = FilePositions(text).compose()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        line, column = _mark(key)
                        return (line + 1, column + 1), key.value
                    seen.add(key.value)
            stack.extend(value for _, value in reversed(node.value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return None


def first_alias(text: str) -> tuple[int, int]:
    """Position of the first alias in a text, to point at an alias bomb."""
    yaml = pyyaml.module()
    try:
        for event in yaml.parse(text, Loader=pyyaml.loader()):
            mark = event.start_mark
            if isinstance(event, yaml.AliasEvent) and mark is not None:
                return mark.line + 1, mark.column + 1
    except yaml.YAMLError:
        pass
    return 1, 1
