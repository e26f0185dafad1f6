"""One Diagnostic type and its renderers (text, JSON, SARIF 2.1.0).

Diagnostics are created with a file and a path inside it (``components/3/zone``); line
and column are filled in later, only for the diagnostics that are reported, because
computing positions for every node of a large model would cost more than the check.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from archmodel import __version__
from archmodel.catalog import RULES, RuleInfo, Severity

PathPart = str | int


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    severity: Severity = Severity.error
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    path: tuple[PathPart, ...] = field(default=(), compare=False)
    at_key: bool = field(default=False, compare=False)

    def located(self, line: int, column: int) -> Diagnostic:
        return replace(self, line=line, column=column)

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
    base = base or Path.cwd()
    try:
        return str(Path(file).resolve().relative_to(base.resolve()))
    except ValueError:
        return file


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


_SARIF_LEVEL = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}


def render_sarif(diagnostics: Sequence[Diagnostic]) -> str:
    """SARIF 2.1.0, with every catalog rule in ``tool.driver.rules``."""
    codes = sorted(RULES)
    index = {code: i for i, code in enumerate(codes)}
    rules = [
        {
            "id": code,
            "name": RULES[code].title,
            "shortDescription": {"text": RULES[code].title},
            "fullDescription": {"text": RULES[code].doc},
            "defaultConfiguration": {"level": _SARIF_LEVEL[RULES[code].severity]},
        }
        for code in codes
    ]
    results = [_sarif_result(d, index) for d in diagnostics]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "archmodel",
                        "version": __version__,
                        "informationUri": "https://github.com/archmodel/archmodel",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_result(d: Diagnostic, index: dict[str, int]) -> dict[str, Any]:
    message = d.message + (f" ({d.hint})" if d.hint else "")
    result: dict[str, Any] = {
        "ruleId": d.code,
        "level": _SARIF_LEVEL[d.severity],
        "message": {"text": message},
    }
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    if d.file is not None:
        location: dict[str, Any] = {"artifactLocation": {"uri": Path(relative(d.file) or d.file).as_posix()}}
        if d.line is not None:
            location["region"] = {"startLine": d.line, "startColumn": d.column or 1}
        result["locations"] = [{"physicalLocation": location}]
    return result
