"""Printing diagnostics: compiler-style text (coloured on a terminal), JSON, SARIF or
GitHub annotations; SARIF and annotations come from the renderers every command shares."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import click

from archmodel.catalog import Severity
from archmodel.diagnostics import Diagnostic, format_text, render_json, text_parts

FORMATS = ("text", "json", "sarif", "github")
_STYLE = {Severity.error: "bold red", Severity.warning: "yellow", Severity.info: "cyan"}


def print_diagnostics(
    diagnostics: Sequence[Diagnostic],
    fmt: str,
    err: bool = False,
    *,
    category: str = "validate",
    root: Path | None = None,
) -> None:
    """Print in ``fmt``; ``category`` names the command in SARIF, ``root`` is the model
    file that results without a file of their own point at. The shared renderers import
    the whole rule catalog: only the formats that need it pay for it."""
    if fmt == "json":
        click.echo(render_json(diagnostics), nl=False, err=err)
    elif fmt == "sarif":
        from archmodel.findings import render_sarif, rule_catalog

        shown = str(root) if root is not None else None
        sarif = render_sarif(diagnostics, rule_catalog(), category=category, default_file=shown)
        click.echo(sarif, nl=False, err=err)
    elif fmt == "github":
        from archmodel.findings import render_github, rule_catalog

        click.echo(render_github(diagnostics, rules=rule_catalog()), nl=False, err=err)
    else:
        _print_text(diagnostics, err)


def escaped(text: str, fmt: str) -> str:
    """User text for stderr: in GitHub mode escaped like annotation data, so a model path
    or message holding a newline cannot forge a workflow command."""
    if fmt != "github":
        return text
    from archmodel.findings import escape_data

    return escape_data(text)


def warning_line(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """A warning a generator raises (an environment on a cloud it writes nothing for, a
    component with no resource there), said as one line like every other message of a
    command. Python's own display names the generator's source file and line, which tell
    the user nothing, and prints a model string's newline as a line of its own."""
    click.echo(f"warning: {' '.join(str(message).split())}", err=True)


def note(text: str, fmt: str) -> None:
    """A line for the user on stderr, escaped in GitHub mode."""
    click.echo(escaped(text, fmt), err=True)


def _print_text(diagnostics: Sequence[Diagnostic], err: bool) -> None:
    if not (sys.stderr if err else sys.stdout).isatty():
        for d in diagnostics:
            click.echo(format_text(d), err=err)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, stderr=err)
    for d in diagnostics:
        where, label, message = text_parts(d)
        console.print(Text.assemble(f"{where}: ", (label, _STYLE[d.severity]), f": {message}"))


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    counts = {s: sum(1 for d in diagnostics if d.severity == s) for s in Severity}
    errors, warnings, infos = counts[Severity.error], counts[Severity.warning], counts[Severity.info]
    return f"{errors} error(s), {warnings} warning(s), {infos} info"


_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


def _shift_hunk(line: str, offset: int) -> str:
    """Renumber a hunk header of a diff taken from a window starting at ``offset``."""
    match = _HUNK.match(line)
    if not match or not offset:
        return line
    a, b = int(match[1]) + offset, int(match[3]) + offset
    return f"@@ -{a}{match[2] or ''} +{b}{match[4] or ''} @@" + line[match.end() :]


def short_diff(path: Path, expected: bytes, limit: int = 40, context: int = 3) -> str:
    """A unified diff of a stale text file, cut at ``limit`` lines.

    Only the window between the common prefix and the common suffix is diffed, so a
    one-byte edit in a large generated file costs linear time, not difflib's quadratic.
    """
    import difflib

    from archmodel.safe_files import read_regular

    try:
        current = (
            read_regular(path, max(len(expected) * 4, 1 << 20)).decode("utf-8").splitlines(keepends=True)
        )
        wanted = expected.decode("utf-8").splitlines(keepends=True)
    except OSError:
        return f"  ({path} differs; not shown)\n"
    except UnicodeDecodeError:
        return f"  (binary file {path} differs)\n"
    start = 0
    while start < min(len(current), len(wanted)) and current[start] == wanted[start]:
        start += 1
    end = 0
    while end < min(len(current), len(wanted)) - start and current[-1 - end] == wanted[-1 - end]:
        end += 1
    lo = max(0, start - context)
    a, b = current[lo : len(current) - end + context], wanted[lo : len(wanted) - end + context]
    lines = [_shift_hunk(line, lo) for line in difflib.unified_diff(a, b, str(path), "generated", n=context)]
    if len(lines) > limit:
        lines = [*lines[:limit], f"... {len(lines) - limit} more diff lines\n"]
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
