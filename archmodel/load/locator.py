"""Find where a path (``components/12/zone``) is written in a YAML file without parsing it all.

A file that yaml-rs accepted is laid out in lines whose indentation tells its structure:
the entries of a block mapping or sequence are the lines indented exactly like its first
key or dash, up to the first line indented less (yaml-rs refuses multi-line scalars and
flow collections that come back to that indentation). So a path is found by jumping
between those lines; regular expressions skip everything more indented, in C. Only the
nodes on a path are scanned and each node remembers its entries, so thousands of
diagnostics in one file cost little more than one. A flow collection (``{...}``,
``[...]``) is cut out and handed to PyYAML's composer alone. Any other layout (aliases,
explicit keys, escapes in quoted keys, tabs before content...) raises ``Exotic``, and the
caller composes the whole file instead. Lines and columns are 0-based, as PyYAML's marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from archmodel.diagnostics import PathPart
from archmodel.load import pyyaml

if TYPE_CHECKING:
    import yaml

Position = tuple[int, int]
_NOT_PLAIN = set(",[]{}#&*!|>%@`'\"")
_COLON = re.compile(r":(?=[ \t\r\n]|$)")
_NEXT_LINE = re.compile(r"\n *(?=[^ \r\n])")


class Exotic(Exception):
    """A layout this scanner does not read: compose the whole file instead."""


@cache
def _lines_at_most(indent: int) -> re.Pattern[str]:
    """Starts of non-blank lines indented by at most ``indent`` spaces (after the spaces)."""
    return re.compile(rf"\n {{0,{indent}}}(?=[^ \r\n])")


@dataclass(frozen=True)
class Node:
    """A node on a path: where it starts (its anchor or tag, if any) and where its content
    starts (the first key or dash of a block collection, the bracket of a flow one)."""

    kind: str  # "map", "seq", "flow", "scalar" or "empty"
    start: int
    line: int
    content: int
    content_line: int
    end: int  # where its parent's next entry starts: no entry of this node lies beyond


class BlockLocator:
    """Positions of paths in one file's text; entries are scanned once, on first use."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._entries: dict[int, dict[str, tuple[int, int, int, int]]] = {}
        self._items: dict[int, list[tuple[int, int]]] = {}
        self._values: dict[int, Node] = {}
        self._flows: dict[int, yaml.Node] = {}
        self.root = self._root()

    def locate(self, path: tuple[PathPart, ...], at_key: bool = False) -> Position:
        """(line, column) of the deepest node of ``path`` that exists (its key if ``at_key``)."""
        node = self.root
        position = self._position(node.start, node.line)
        last = len(path) - 1
        for i, part in enumerate(path):
            if node.kind == "flow":
                return self._in_flow(node, path[i:], at_key, position)
            if i == last and node.kind == "seq" and isinstance(part, int):
                item = self._item_start(node, part)
                if item is not None:
                    return item
            found = self._child(node, part)
            if found is None:
                break
            key, node = found
            at = key if (at_key and i == len(path) - 1) else (node.start, node.line)
            position = self._position(*at)
        return position

    def _item_start(self, node: Node, index: int) -> Position | None:
        """Where the item ``index`` of a block sequence starts, when it starts on its dash's
        line with a plain word or a bracket (``- id: a``, ``- web``, ``- {id: a}``): the
        position ``_child`` would give, without making the item's node. Findings and
        diagnostics point at list items (a component, a flow) tens of thousands of times."""
        items = self._seq(node)
        if not 0 <= index < len(items):
            return None
        dash, line = items[index]
        text = self.text
        pos = dash + 1
        while pos < len(text) and text[pos] == " ":
            pos += 1
        if pos > dash + 1 and pos < len(text) and (text[pos].isalnum() or text[pos] in "_[{"):
            return line, pos - (text.rfind("\n", 0, pos) + 1)
        return None

    # -- positions -------------------------------------------------------------------

    def _position(self, offset: int, line: int) -> Position:
        return line, offset - (self.text.rfind("\n", 0, offset) + 1)

    def _column(self, offset: int) -> int:
        return offset - (self.text.rfind("\n", 0, offset) + 1)

    # -- children --------------------------------------------------------------------

    def _child(self, node: Node, part: PathPart) -> tuple[tuple[int, int], Node] | None:
        if node.kind == "map":
            entry = self._map(node).get(str(part))
            if entry is None:
                return None
            key, line, after, end = entry
            indent = self._column(node.content)
            return (key, line), self._value_of(after, line, indent, in_item=False, end=end)
        if node.kind == "seq" and isinstance(part, int):
            items = self._seq(node)
            if not 0 <= part < len(items):
                return None
            dash, line = items[part]
            end = items[part + 1][0] if part + 1 < len(items) else node.end
            value = self._value_of(dash + 1, line, self._column(node.content), in_item=True, end=end)
            return (value.start, value.line), value
        return None

    def _value_of(self, after: int, line: int, indent: int, in_item: bool, end: int) -> Node:
        found = self._values.get(after)
        if found is None:
            found = self._values[after] = self._value(after, line, indent, in_item, end)
        return found

    def _map(self, node: Node) -> dict[str, tuple[int, int, int, int]]:
        """key -> (key offset, line, offset after its colon, where the entry ends)."""
        found = self._entries.get(node.content)
        if found is None:
            entries: dict[str, tuple[int, int, int, int]] = {}
            lines = list(self._siblings(node, dash=False))
            ends = [pos for pos, _ in lines[1:]] + [node.end]
            for (pos, line), end in zip(lines, ends, strict=True):
                key = _key(self.text, pos)
                if key is None:
                    raise Exotic(f"not a simple key at {line + 1}")
                entries.setdefault(key[0], (pos, line, key[1], end))
            found = self._entries[node.content] = entries
        return found

    def _seq(self, node: Node) -> list[tuple[int, int]]:
        """(dash offset, line) of each item of a block sequence."""
        found = self._items.get(node.content)
        if found is None:
            found = self._dashes(node)
            if found is None:
                found = list(self._siblings(node, dash=True))
            self._items[node.content] = found
        return found

    def _dashes(self, node: Node) -> list[tuple[int, int]] | None:
        """The items of a sequence, found with ``str.find``: inside the entry that holds
        the sequence, every line indented like its first dash is another dash (yaml-rs
        accepted the file: anything else there is indented more). None when a line there
        is not a dash after all (the line by line scan decides)."""
        text, start, end = self.text, node.content, node.end
        needle = "\n" + " " * self._column(start) + "-"
        items, line, pos = [(start, node.content_line)], node.content_line, start
        at = text.find(needle, start, end)
        while at >= 0:
            dash = at + len(needle) - 1
            if not _is_dash(text, dash, "-"):
                return None
            line += text.count("\n", pos, dash)
            pos = dash
            items.append((dash, line))
            at = text.find(needle, dash, end)
        return items

    def _siblings(self, node: Node, dash: bool) -> Iterator[tuple[int, int]]:
        """(offset, line) of each entry of a block collection: the lines at its indentation
        that start with a dash (a sequence) or a key (a mapping, whose compact sequence
        values sit at the same indentation and are skipped), up to a line indented less."""
        text, indent = self.text, self._column(node.content)
        pos, line = node.content, node.content_line
        yield pos, line
        for match in _lines_at_most(indent).finditer(text, pos, node.end):
            start = match.end()
            if _is_comment(text, start):
                continue
            if start - match.start() - 1 < indent:
                return
            is_dash = _is_dash(text, start, "-")
            if is_dash and not dash:
                continue
            if is_dash != dash:
                return
            line += text.count("\n", pos, start)
            pos = start
            yield pos, line

    # -- values ----------------------------------------------------------------------

    def _value(self, after: int, line: int, indent: int, in_item: bool, end: int) -> Node:
        """The node after a ``key:`` or ``-`` indicator that ends at ``after``; its entry
        ends at ``end``."""
        text = self.text
        pos = _skip_blanks(text, after)
        if pos < len(text) and text[pos] not in "\r\n#":
            return self._node_at(pos, line, in_item, indent, end)
        match = self._next_content(pos)
        if match is not None and match[0] < end:
            start, column = match
            if column > indent or (column == indent and not in_item and _is_dash(text, start, "-")):
                return self._node_at(start, line + text.count("\n", pos, start), True, indent, end)
        return Node("empty", after, line, after, line, end)

    def _next_content(self, pos: int) -> tuple[int, int] | None:
        """(offset, column) of the first line after ``pos`` holding more than a comment."""
        text = self.text
        for match in _NEXT_LINE.finditer(text, pos):
            start = match.end()
            if not _is_comment(text, start):
                return start, start - match.start() - 1
        return None

    def _node_at(self, pos: int, line: int, in_item: bool, indent: int, end: int) -> Node:
        """The node whose first character is at ``pos``, in a collection indented by
        ``indent``; ``in_item``: a compact mapping (``- id: a``) may start here."""
        text = self.text
        char = text[pos]
        if char in "&!":
            return self._with_properties(pos, line, in_item, indent, end)
        if char == "*" or _is_dash(text, pos, "?:"):
            raise Exotic("alias or explicit key")
        if char in "[{":
            return Node("flow", pos, line, pos, line, end)
        if _is_dash(text, pos, "-"):
            return Node("seq", pos, line, pos, line, end)
        if in_item and _key(text, pos) is not None:
            return Node("map", pos, line, pos, line, end)
        return Node("scalar", pos, line, pos, line, end)

    def _with_properties(self, pos: int, line: int, in_item: bool, indent: int, end: int) -> Node:
        """A node behind an anchor or tag starts at the first of them (as PyYAML marks it)."""
        text = self.text
        content = pos
        while content < len(text) and text[content] in "&!":
            content = _skip_blanks(text, _token_end(text, content))
        if content < len(text) and text[content] not in "\r\n#":
            if _key(text, content) is not None:
                raise Exotic("properties of a key")
            inner = self._node_at(content, line, False, indent, end)
        else:
            inner = self._value(content, line, indent, in_item, end)
            if inner.kind == "empty":
                return Node("empty", pos, line, pos, line, end)
        return Node(inner.kind, pos, line, inner.content, inner.content_line, end)

    def _root(self) -> Node:
        text = self.text
        pos, line = 0, 0
        while True:
            pos = _skip_blanks(text, pos)
            if pos >= len(text):
                raise Exotic("no content")
            marker = text.startswith("---", pos) and _is_dash(text, pos + 2, "-")
            if text[pos] in "%\r\n#" or marker:
                if marker and _skip_blanks(text, pos + 3) < _line_end(text, pos):
                    raise Exotic("content after ---")
                end = _line_end(text, pos)
                if end >= len(text):
                    raise Exotic("no content")
                pos, line = end + 1, line + 1
                continue
            if "\t" in text[text.rfind("\n", 0, pos) + 1 : pos]:
                raise Exotic("tab before the root")
            return self._node_at(pos, line, True, -1, len(text))

    # -- flow collections ------------------------------------------------------------

    def _in_flow(self, node: Node, path: tuple[PathPart, ...], at_key: bool, position: Position) -> Position:
        tree = self._flow(node.content)
        line, column = node.content_line, self._column(node.content)

        def shift(mark: yaml.Mark) -> Position:
            return line + mark.line, mark.column + (column if mark.line == 0 else 0)

        for i, part in enumerate(path):
            found = node_child(tree, part)
            if found is None:
                break
            key, tree = found
            position = shift((key if (at_key and i == len(path) - 1) else tree).start_mark)
        return position

    def _flow(self, start: int) -> yaml.Node:
        found = self._flows.get(start)
        if found is None:
            yaml = pyyaml.module()
            end = _flow_end(self.text, start)
            try:
                found = yaml.compose(self.text[start:end], Loader=pyyaml.loader())
            except yaml.YAMLError as exc:
                raise Exotic("flow collection") from exc
            if found is None or found.end_mark.index != end - start:
                raise Exotic("flow collection")
            self._flows[start] = found
        return found


def node_child(node: yaml.Node, part: PathPart) -> tuple[yaml.Node, yaml.Node] | None:
    """(key node, value node) for a mapping key, or (item, item) for a list index."""
    yaml = pyyaml.module()
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key, value
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item = node.value[part]
        return item, item
    return None


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _skip_blanks(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _token_end(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] not in " \t\r\n":
        pos += 1
    return pos


def _is_dash(text: str, pos: int, indicators: str) -> bool:
    """Whether one of ``indicators`` (``-``, ``?``, ``:``) is at ``pos``, followed by a
    space or the end of the line."""
    return text[pos] in indicators and (pos + 1 >= len(text) or text[pos + 1] in " \t\r\n")


def _is_comment(text: str, pos: int) -> bool:
    """Whether the line whose content starts at ``pos`` is a comment (or blank after a tab)."""
    char = text[pos]
    if char == "#":
        return True
    if char == "\t":
        rest = _skip_blanks(text, pos)
        if rest >= len(text) or text[rest] in "\r\n#":
            return True
        raise Exotic("tab before content")
    return False


def _key(text: str, pos: int) -> tuple[str, int] | None:
    """The key of a ``key: value`` line whose key starts at ``pos``, and the offset after
    its colon; None when the line is not a simple one-line key."""
    end = _line_end(text, pos)
    char = text[pos]
    if char in "'\"":
        return _quoted_key(text, pos, end)
    if char in _NOT_PLAIN or _is_dash(text, pos, "-?:"):
        return None
    match = _COLON.search(text, pos, end)
    if match is None:
        return None
    key = text[pos : match.start()]
    if " #" in key or "\t#" in key:
        return None
    return key.rstrip(" \t"), match.end()


def _quoted_key(text: str, pos: int, end: int) -> tuple[str, int] | None:
    quote = text[pos]
    close = pos + 1
    while True:
        close = text.find(quote, close, end)
        if close < 0:
            return None
        if quote == "'" and text.startswith("''", close):
            close += 2
            continue
        break
    raw = text[pos + 1 : close]
    if quote == '"' and "\\" in raw:
        raise Exotic("escape in a quoted key")
    after = _skip_blanks(text, close + 1)
    if after < end and _is_dash(text, after, ":"):
        return (raw.replace("''", "'") if quote == "'" else raw), after + 1
    return None


def _flow_end(text: str, start: int) -> int:
    """The offset after the bracket that closes the flow collection opened at ``start``."""
    depth, pos, previous = 0, start, " "
    while pos < len(text):
        char = text[pos]
        if char in "'\"" and previous in " \t\r\n[{,:":
            pos = _quote_close(text, pos)
        elif char == "#" and previous in " \t\r\n":
            pos = _line_end(text, pos)
            continue
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return pos + 1
        previous = char
        pos += 1
    raise Exotic("unclosed flow collection")


def _quote_close(text: str, pos: int) -> int:
    quote, pos = text[pos], pos + 1
    while pos < len(text):
        if text[pos] == "\\" and quote == '"':
            pos += 2
            continue
        if text[pos] == quote:
            if quote == "'" and text.startswith("''", pos):
                pos += 2
                continue
            return pos
        pos += 1
    raise Exotic("unclosed quote")
