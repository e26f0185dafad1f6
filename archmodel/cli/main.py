"""Entry point: the click group and the foundation commands (validate, schema, init, generate)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archmodel import __version__
from archmodel.cli.output import FORMATS, note, print_diagnostics, short_diff, summary
from archmodel.cli.project import any_project, checked_project
from archmodel.fingerprint import inputs_fingerprint
from archmodel.generation import (
    GenerateOptions,
    GeneratorUnavailable,
    UnsafePath,
    available_generators,
    compare_outputs,
    load_generator,
    unchanged_since_generation,
    write_outputs,
)
from archmodel.project import Project

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

MODEL = click.argument("model", type=click.Path(path_type=Path))


class LazyGroup(click.Group):
    """Commands that live in their own modules are imported only when they run, so
    `archmodel validate` does not pay for the threat engine or drift readers."""

    LAZY = {
        "diff": "archmodel.cli.diff_cmd",
        "drift": "archmodel.cli.drift_cmd",
        "threats": "archmodel.cli.threats_cmd",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            import importlib

            command: click.Command = getattr(importlib.import_module(self.LAZY[name]), name)
            return command
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archmodel")
def cli() -> None:
    """archmodel: architecture as code, checked as a graph."""


@cli.command()
@MODEL
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate(model: Path, fmt: str, strict: bool) -> None:
    """Load MODEL and check it; exit 1 on errors (or warnings with --strict)."""
    checked = any_project(model, fmt)
    print_diagnostics(checked.diagnostics, fmt, root=checked.root)
    if fmt in ("text", "github"):
        status = "invalid" if checked.failed(strict) else "valid"
        m = checked.model
        note(
            f"{model}: {status}: {len(m.components)} components, {len(m.flows)} flows, "
            f"{len(checked.sources)} files; {summary(checked.diagnostics)}",
            fmt,
        )
    sys.exit(1 if checked.failed(strict) else 0)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of model files."""
    from archmodel.schema import schema_text

    click.echo(schema_text(), nl=False)


@cli.command(name="rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--kind",
    type=click.Choice(["validation", "threat", "drift", "policy"]),
    default=None,
    help="Only rules of this kind.",
)
def rules_command(fmt: str, kind: str | None) -> None:
    """List every rule (validation, threat, drift, policy): code, kind, severity, title, doc, fix."""
    import json
    from dataclasses import asdict

    from archmodel.catalog import RuleKind
    from archmodel.findings import rule_catalog

    rules = rule_catalog(RuleKind(kind) if kind else None)
    if fmt == "json":
        items = [
            {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(r).items()}
            for r in rules.values()
        ]
        click.echo(json.dumps(items, indent=2, ensure_ascii=False))
        return
    for code, info in rules.items():
        click.echo(f"{code:<7} {info.kind:<10} {info.severity:<7}  {info.title}: {info.doc}")


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def init(directory: Path, force: bool) -> None:
    """Start a model in DIRECTORY from the reference architecture."""
    from archmodel.starter import write_starter

    try:
        written = write_starter(directory, force=force)
    except FileExistsError as exc:
        raise click.UsageError(f"{exc} exists; use --force to overwrite") from exc
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: archmodel validate {directory}", err=True)


def _kinds(only: str) -> dict[str, EntryPoint]:
    generators = available_generators()
    kinds = [k.strip() for k in only.split(",") if k.strip()] or sorted(generators)
    unknown = [k for k in kinds if k not in generators]
    if unknown:
        choices = ", ".join(sorted(generators))
        raise click.UsageError(f"unknown kind(s) {', '.join(unknown)}; choose from {choices}")
    return {k: generators[k] for k in sorted(kinds)}


def _run_generators(
    checked: Project, kinds: dict[str, EntryPoint], options: GenerateOptions
) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for ep in kinds.values():
        try:
            generator = load_generator(ep)
        except GeneratorUnavailable as exc:
            click.echo(f"error: {exc}; nothing written", err=True)
            sys.exit(1)
        files.update(generator(checked, options))
    return files


def _inputs(checked: Project, kinds: dict[str, EntryPoint], options: GenerateOptions) -> str:
    return inputs_fingerprint(checked.root, checked.sources, kinds, options)


ONLY = click.option("--only", default="", help="Comma-separated kinds (diagrams, threats, ...).")
OUT = click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True)


VIEW = click.option(
    "--view",
    type=click.Choice(["dataflow", "security", "pipeline", "scenarios"]),
    default=None,
    help="Diagrams: one view only.",
)
MAX_NODES = click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=150,
    show_default=True,
    help="Diagrams: split views above this.",
)


@cli.command()
@MODEL
@OUT
@ONLY
@VIEW
@MAX_NODES
@click.option("--clean", is_flag=True, help="Remove files the previous run wrote and this one does not.")
def generate(model: Path, out: Path, only: str, view: str | None, max_nodes: int, clean: bool) -> None:
    """Write the artifacts of MODEL into OUT."""
    kinds, options = _kinds(only), GenerateOptions(max_nodes=max_nodes, view=view)
    checked = checked_project(model, refusal="nothing written")
    files = _run_generators(checked, kinds, options)
    try:
        changed = write_outputs(out, files, clean=clean, inputs=_inputs(checked, kinds, options))
    except UnsafePath as exc:
        click.echo(f"error: a generator produced an unsafe path {exc}; nothing written", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"error: cannot write {out}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    click.echo(f"{out}: {len(files)} files, {len(changed)} changed", err=True)


@cli.command(name="check")
@MODEL
@OUT
@ONLY
@VIEW
@MAX_NODES
def check_command(model: Path, out: Path, only: str, view: str | None, max_nodes: int) -> None:
    """Exit 0 when OUT is exactly what `generate` would write; list the drift otherwise."""
    kinds, options = _kinds(only), GenerateOptions(max_nodes=max_nodes, view=view)
    checked = checked_project(model, refusal="nothing compared")
    inputs = _inputs(checked, kinds, options)
    if unchanged_since_generation(out, inputs):
        click.echo(f"{out}: in sync (same inputs, every file matches the manifest)", err=True)
        return
    files = _run_generators(checked, kinds, options)
    drift = compare_outputs(out, files, inputs)
    for label, paths in (("stale", drift.stale), ("missing", drift.missing), ("extra", drift.extra)):
        for rel in paths:
            click.echo(f"{label}: {out / rel}")
    for rel in drift.stale:
        if rel in files:
            click.echo(short_diff(out / rel, files[rel]), nl=False)
    if not drift.clean:
        click.echo(f"{out}: out of date; run `archmodel generate {model} -o {out}`", err=True)
        sys.exit(1)
    click.echo(f"{out}: in sync ({len(files)} files)", err=True)


def main() -> None:
    """Console entry point.

    A large model leaves hundreds of thousands of objects behind; tearing them down one
    by one at exit costs more than a tenth of a second, so once the output is flushed
    the process ends at once with the exit code click chose.
    """
    try:
        cli()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            click.echo(exc.code, err=True)
            code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
