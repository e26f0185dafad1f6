"""How every command opens a model: load it once, and refuse an invalid one with one message."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archmodel.api import InvalidModel, load_project, valid_project
from archmodel.cli.output import escaped, note, print_diagnostics
from archmodel.load import ModelNotFound
from archmodel.project import Project


def any_project(model: Path, fmt: str = "text") -> Project:
    """The project at MODEL, valid or not (for `validate`); a missing model is a usage error."""
    try:
        return load_project(model)
    except ModelNotFound as exc:
        raise _not_found(exc, fmt) from exc


def _not_found(exc: ModelNotFound, fmt: str) -> click.UsageError:
    """The message names the user's path: escaped in GitHub mode like any annotation text."""
    return click.UsageError(escaped(str(exc), fmt))


def checked_project(
    model: Path, label: str | None = None, refusal: str = "nothing done", fmt: str = "text"
) -> Project:
    """The project at MODEL; when it has errors they are printed (on stderr, as GitHub
    annotations in ``github`` format) and the command exits 1."""
    try:
        return valid_project(model)
    except ModelNotFound as exc:
        raise _not_found(exc, fmt) from exc
    except InvalidModel as exc:
        print_diagnostics(exc.errors, "github" if fmt == "github" else "text", err=True)
        note(f"{label or model}: invalid model; {refusal}", fmt)
        sys.exit(1)
