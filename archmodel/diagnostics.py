"""The Diagnostic type, what it shares with threat findings (``Located``: the location
fields; ``Reportable``: what every output reads), and the compiler-style text and JSON
renderings. SARIF and GitHub annotations, which every kind of finding shares, live in
``archmodel.findings``.

Diagnostics are created with a file and a path inside it (``components/3/zone``); line
and column are filled in later, only for the diagnostics that are reported, because
computing positions for every node of a large model would cost more than the check.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, Self

from archmodel.catalog import RuleInfo, Severity

PathPart = str | int


class Reportable(Protocol):
    """What every output needs of a finding, whichever kind of rule reported it."""

    @property
    def code(self) -> str: ...
    @property
    def level(self) -> Severity: ...
    @property
    def text(self) -> str: ...
    @property
    def file(self) -> str | None: ...
    @property
    def line(self) -> int | None: ...
    @property
    def column(self) -> int | None: ...
    @property
    def key(self) -> str:
        """Identifies the finding across runs and line moves (rule and element, not line)."""
        ...

    @property
    def suppression(self) -> str | None: ...
    @property
    def properties(self) -> dict[str, str]: ...


@dataclass(frozen=True, kw_only=True)
class Located:
    """Where a finding is written. Diagnostics and threat findings both extend it, so
    positions are filled in, shown and rendered the same way for every kind of rule."""

    file: str | None = None
    line: int | None = None
    column: int | None = None

    def located(self, line: int, column: int) -> Self:
        return replace(self, line=line, column=column)


@dataclass(frozen=True)
class Diagnostic(Located):
    code: str
    message: str
    severity: Severity = Severity.error
    hint: str | None = None
    path: tuple[PathPart, ...] = field(default=(), compare=False)
    at_key: bool = field(default=False, compare=False)

    @property
    def level(self) -> Severity:
        return self.severity

    @property
    def text(self) -> str:
        return self.message + (f" ({self.hint})" if self.hint else "")

    @property
    def key(self) -> str:
        """The message names the elements involved; the line is left out on purpose."""
        return self.message

    @property
    def suppression(self) -> str | None:
        return None

    @property
    def properties(self) -> dict[str, str]:
        return {}

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file or "", self.line or 0, self.column or 0, self.code, self.message)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def diag(info: RuleInfo, message: str, **where: Any) -> Diagnostic:
    """Build a diagnostic for a catalog rule, taking its code and severity."""
    return Diagnostic(code=info.code, severity=info.severity, message=message, **where)


def has_errors(diagnostics: Iterable[Diagnostic], strict: bool = False) -> bool:
    failing = {Severity.error, Severity.warning} if strict else {Severity.error}
    return any(d.severity in failing for d in diagnostics)


def relative(file: str | None, base: Path | None = None) -> str | None:
    """Show paths relative to the working directory when possible, as compilers do."""
    if file is None:
        return None
    return _relative(file, os.fspath(base) if base is not None else os.getcwd())


@lru_cache(maxsize=1024)
def _relative(file: str, base: str) -> str:
    """Kept per file and base: thousands of diagnostics name the same few files, and
    resolving both paths costs two ``realpath`` walks each time."""
    inside = within(file, base)
    return file if inside is None else str(inside)


def within(file: str, base: Path | str) -> Path | None:
    """``file`` relative to ``base``, both resolved, when it lies inside; None when it
    lies elsewhere or cannot be resolved (unreadable, a symlink loop). Every way a
    finding's file is shown (text, SARIF, annotations, registers) starts here."""
    try:
        return Path(file).resolve().relative_to(Path(base).resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
        return None


def text_parts(d: Diagnostic) -> tuple[str, str, str]:
    """(location, "severity CODE", message with hint): the pieces of a compiler-style line."""
    where = relative(d.file) or "<model>"
    if d.line is not None:
        where += f":{d.line}:{d.column or 1}"
    message = d.message + (f" ({d.hint})" if d.hint else "")
    return where, f"{d.severity} {d.code}", message


def format_text(d: Diagnostic) -> str:
    where, label, message = text_parts(d)
    return f"{where}: {label}: {message}"


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    items = [{**d.as_dict(), "file": relative(d.file)} for d in diagnostics]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
