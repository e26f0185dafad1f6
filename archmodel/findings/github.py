"""GitHub Actions workflow commands (``::error file=…::message``) for every kind of finding.

Every user string goes through GitHub's escaping rules, so a hostile model, file name or
infrastructure resource cannot end the command early and forge a second annotation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from archmodel.catalog import RuleInfo, Severity
from archmodel.diagnostics import Reportable
from archmodel.findings.location import shown_path

_COMMAND = {Severity.error: "error", Severity.warning: "warning", Severity.info: "notice"}


def escape_data(text: str) -> str:
    """The message part: ``%``, CR and LF, which would otherwise end the command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title): also ``:`` and ``,``, which separate properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(
    item: Reportable,
    base: Path | None,
    rules: Mapping[str, RuleInfo],
    shown: dict[str | None, str | None] | None = None,
) -> str:
    """One workflow command line for one finding; ``shown``: the files already made
    relative to ``base`` in this rendering (resolving a path costs system calls, and
    thousands of findings share the few files of a model)."""
    props = []
    shown = {} if shown is None else shown
    if item.file not in shown:
        shown[item.file] = shown_path(item.file, base)
    file = shown[item.file]
    if file is not None:
        props += [f"file={escape_property(file)}", f"line={item.line or 1}", f"col={item.column or 1}"]
    title = f"{item.code} {rules[item.code].title}" if item.code in rules else item.code
    props.append(f"title={escape_property(title)}")
    return f"::{_COMMAND[item.level]} {','.join(props)}::{escape_data(f'{item.code}: {item.text}')}"


def render_github(
    items: Sequence[Reportable], base: Path | None = None, rules: Mapping[str, RuleInfo] | None = None
) -> str:
    """One annotation per open finding; decided (suppressed) findings are left out."""
    shown: dict[str | None, str | None] = {}
    lines = [annotation(item, base, rules or {}, shown) for item in items if item.suppression is None]
    return "".join(line + "\n" for line in lines)
