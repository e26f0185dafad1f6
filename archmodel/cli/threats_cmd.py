"""``archmodel threats``: the STRIDE threat list of a model, as text, md, json, csv or sarif.

Thin: load, refuse invalid models, analyse, render, choose the exit code (1 when an open
finding at or above ``--fail-on`` is not in the baseline).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archmodel.cli import lifetime
from archmodel.cli.project import ENV
from archmodel.threats.types import SEVERITY_ORDER, ThreatSeverity

if TYPE_CHECKING:
    from archmodel.generators.threats import Renderer
    from archmodel.load.positions import Positions
    from archmodel.threats import ThreatReport

FORMATS = ("text", "md", "html", "json", "csv", "sarif", "github")
BATCH = 1024  # JSON records written to stdout at a time


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
@ENV
def threats(model: Path, fmt: str, fail_on: str | None, baseline: Path | None, env: str | None) -> None:
    """List the STRIDE threats of MODEL, most severe first; each says the environments it
    applies to (with --env, only that environment's view is analysed)."""
    from archmodel.cli.output import escaped, note
    from archmodel.cli.project import checked_project, environment_option
    from archmodel.generators.threats import summary
    from archmodel.threats import analyse
    from archmodel.threats.baseline import BadBaseline, read_baseline

    try:
        known = read_baseline(baseline) if baseline is not None else set()
    except BadBaseline as exc:
        raise click.UsageError(escaped(str(exc), fmt)) from exc
    checked = checked_project(model, refusal="no threat analysis", fmt=fmt)
    report = analyse(checked, environment=environment_option(checked, env, fmt))
    _print_warnings(report, checked.positions, fmt)
    pieces, separator = _rendered(report, fmt)
    lifetime.keep(report, pieces)
    _write(pieces, separator, fmt)
    failing = report.failing(ThreatSeverity(fail_on), known) if fail_on else []
    new = f"; {len(failing)} new at or above {fail_on}" if fail_on else ""
    note(f"{model}: {summary(report)}{new}", fmt)
    sys.exit(1 if failing else 0)


def _rendered(report: ThreatReport, fmt: str) -> tuple[list[str], str]:
    """The register's text as pieces and what joins them: JSON a record at a time, so
    the whole text is never made (``json_pieces``); every other format in one piece."""
    if fmt == "json":
        from archmodel.generators.threats.tabular import JSON_SEPARATOR, json_pieces

        return json_pieces(report, Path.cwd()), JSON_SEPARATOR
    return [_renderer(fmt)(report, Path.cwd())], ""


def _write(pieces: list[str], separator: str, fmt: str) -> None:
    """The register on stdout. JSON (and SARIF) escape every control character, so there
    is nothing for click to strip from a redirected stream: its bytes go straight to the
    stream (scanning a 10k-component register for escape codes took 20 ms), ``BATCH``
    pieces at a time. Other formats go through click as before."""
    if fmt not in ("json", "sarif"):
        click.echo(separator.join(pieces), nl=False)
        return
    for start in range(0, len(pieces), BATCH):
        text = separator.join(pieces[start : start + BATCH])
        click.echo((separator + text if start else text).encode("utf-8"), nl=False)


def _renderer(fmt: str) -> Renderer:
    """SARIF and GitHub annotations are shared with the other commands; the register
    formats belong to the threat report."""
    if fmt in ("sarif", "github"):  # the shared findings outputs import the whole catalog
        from archmodel.findings.threats import threats_github, threats_sarif

        return threats_sarif if fmt == "sarif" else threats_github
    from archmodel.generators.threats import RENDERERS

    return RENDERERS[fmt]


def _print_warnings(report: ThreatReport, positions: Positions, fmt: str) -> None:
    """Warnings about the model (stale risks, bad policies) go to stderr as text; in
    GitHub mode they are annotations in the output already."""
    if fmt == "github" or not report.warnings:
        return
    from archmodel.diagnostics import format_text

    for d in positions.resolve(report.warnings):
        click.echo(format_text(d), err=True)
