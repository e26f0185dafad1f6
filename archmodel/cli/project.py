"""How every command opens a model: load it once, and refuse an invalid one with one message."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archmodel.api import InvalidModel, load_project, valid_project
from archmodel.cli.output import print_diagnostics
from archmodel.load import ModelNotFound
from archmodel.project import Project


def any_project(model: Path) -> Project:
    """The project at MODEL, valid or not (for `validate`); a missing model is a usage error."""
    try:
        return load_project(model)
    except ModelNotFound as exc:
        raise click.UsageError(str(exc)) from exc


def checked_project(model: Path, label: str | None = None, refusal: str = "nothing done") -> Project:
    """The project at MODEL; when it has errors they are printed and the command exits 1."""
    try:
        return valid_project(model)
    except ModelNotFound as exc:
        raise click.UsageError(str(exc)) from exc
    except InvalidModel as exc:
        print_diagnostics(exc.errors, "text", err=True)
        click.echo(f"{label or model}: invalid model; {refusal}", err=True)
        sys.exit(1)
