"""How every command opens a model: load it once, and refuse an invalid one with one message."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archmodel.api import InvalidModel, load_project, valid_project
from archmodel.cli import lifetime
from archmodel.cli.output import escaped, note, print_diagnostics
from archmodel.load import ModelNotFound
from archmodel.project import Project
from archmodel.rules.references import did_you_mean


def any_project(model: Path, fmt: str = "text") -> Project:
    """The project at MODEL, valid or not (for `validate`); a missing model is a usage error."""
    try:
        project = load_project(model)
    except ModelNotFound as exc:
        raise _not_found(exc, fmt) from exc
    lifetime.keep(project)
    return project


def _not_found(exc: ModelNotFound, fmt: str) -> click.UsageError:
    """The message names the user's path: escaped in GitHub mode like any annotation text."""
    return click.UsageError(escaped(str(exc), fmt))


def checked_project(
    model: Path, label: str | None = None, refusal: str = "nothing done", fmt: str = "text"
) -> Project:
    """The project at MODEL; when it has errors they are printed (on stderr, as GitHub
    annotations in ``github`` format) and the command exits 1."""
    try:
        project = valid_project(model)
    except ModelNotFound as exc:
        raise _not_found(exc, fmt) from exc
    except InvalidModel as exc:
        lifetime.keep(exc.project)
        print_diagnostics(exc.errors, "github" if fmt == "github" else "text", err=True)
        note(f"{label or model}: invalid model; {refusal}", fmt)
        sys.exit(1)
    lifetime.keep(project)
    return project


ENV_HELP = "Work on one environment's view: what is deployed there, with the controls in force there."
ENV = click.option("--env", default=None, metavar="NAME", help=ENV_HELP)


def environment_option(project: Project, env: str | None, fmt: str = "text") -> str | None:
    """The ``--env`` value, checked against the model's environments (a usage error with a
    suggestion otherwise)."""
    if env is None or env in project.environment_ids:
        return env
    known = project.environment_ids
    suggestion = did_you_mean(env, known)
    hint = f"; {suggestion}" if suggestion else f"; known: {', '.join(known) or 'none'}"
    raise click.UsageError(escaped(f"--env: no environment '{env}' in the model{hint}", fmt))


def in_environment(project: Project, env: str | None, fmt: str = "text") -> Project:
    """The project as ``--env`` asks: one environment's view, or the whole model."""
    checked = environment_option(project, env, fmt)
    return project if checked is None else project.for_environment(checked)
