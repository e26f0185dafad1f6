"""``archmodel threats``: the STRIDE threat list of a model, as text, md, json, csv or sarif.

Thin: load, refuse invalid models, analyse, render, choose the exit code (1 when an open
finding at or above ``--fail-on`` is not in the baseline).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archmodel.threats.types import SEVERITY_ORDER, ThreatSeverity

FORMATS = ("text", "md", "json", "csv", "sarif", "github")


@click.command()
@click.argument("model", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice([str(s) for s in SEVERITY_ORDER]),
    default=None,
    help="Exit 1 when an open finding at or above this severity is not in the baseline.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="A previous threats.json: only findings not in it fail.",
)
def threats(model: Path, fmt: str, fail_on: str | None, baseline: Path | None) -> None:
    """List the STRIDE threats of MODEL, most severe first."""
    from archmodel.cli.project import checked_project
    from archmodel.diagnostics import format_text
    from archmodel.threats import analyse
    from archmodel.threats.baseline import BadBaseline, read_baseline
    from archmodel.threats.render import RENDERERS
    from archmodel.threats.render.tabular import summary

    try:
        known = read_baseline(baseline) if baseline is not None else set()
    except BadBaseline as exc:
        raise click.UsageError(str(exc)) from exc
    checked = checked_project(model, refusal="no threat analysis")
    report = analyse(checked)
    if report.warnings:
        for d in checked.positions.resolve(report.warnings):
            click.echo(format_text(d), err=True)
    click.echo(RENDERERS[fmt](report, Path.cwd()), nl=False)
    failing = report.failing(ThreatSeverity(fail_on), known) if fail_on else []
    note = f"; {len(failing)} new at or above {fail_on}" if fail_on else ""
    click.echo(f"{model}: {summary(report)}{note}", err=True)
    sys.exit(1 if failing else 0)
