"""`archmodel generate` and `archmodel check`: write OUT, or tell how OUT differs from it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archmodel import output_cache
from archmodel.cli.output import short_diff
from archmodel.cli.project import checked_project
from archmodel.fingerprint import inputs_fingerprint
from archmodel.generation import GenerateOptions, GeneratorUnavailable, available_generators, load_generator
from archmodel.naming import NameClash
from archmodel.writer import (
    MANIFEST,
    BadManifest,
    Busy,
    Conflict,
    Drift,
    UnsafePath,
    compare_hashes,
    compare_outputs,
    digest,
    manifest_bytes,
    read_manifest,
    write_outputs,
)

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from archmodel.project import Project

MODEL = click.argument("model", type=click.Path(path_type=Path))
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


def _kinds(only: str) -> dict[str, EntryPoint]:
    generators = available_generators()
    kinds = [k.strip() for k in only.split(",") if k.strip()] or sorted(generators)
    unknown = [k for k in kinds if k not in generators]
    if unknown:
        choices = ", ".join(sorted(generators))
        raise click.UsageError(f"unknown kind(s) {', '.join(unknown)}; choose from {choices}")
    return {k: generators[k] for k in sorted(kinds)}


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _run_generators(
    project: Project, kinds: dict[str, EntryPoint], options: GenerateOptions
) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for ep in kinds.values():
        try:
            generator = load_generator(ep)
        except GeneratorUnavailable as exc:
            _fail(f"{exc}; nothing written")
        try:
            files.update(generator(project, options))
        except NameClash as exc:
            _fail(f"{exc}; nothing written")
    return files


def _inputs(project: Project, kinds: dict[str, EntryPoint], options: GenerateOptions) -> str:
    return inputs_fingerprint(project.root, project.sources, kinds, options)


def _hashes(files: dict[str, bytes], inputs: str) -> dict[str, str]:
    """What generate writes for these inputs, by path: remembered for `check`."""
    hashes = {rel: digest(content) for rel, content in files.items()}
    hashes[MANIFEST] = digest(manifest_bytes(files, inputs))
    return hashes


def _refuse_out_in_model(out: Path, project: Project) -> None:
    """OUT may sit below the model directory (include globs skip generated output), but
    not be it: the manifest would then mark the model itself as generated."""
    if out.resolve() == project.base.resolve():
        _fail(f"{out} is the model directory; choose an output directory inside or beside it")


@click.command(name="generate")
@MODEL
@OUT
@ONLY
@VIEW
@MAX_NODES
@click.option("--clean", is_flag=True, help="Remove files the previous run wrote and this one does not.")
def generate_command(
    model: Path, out: Path, only: str, view: str | None, max_nodes: int, clean: bool
) -> None:
    """Write the artifacts of MODEL into OUT.

    Never overwrites or deletes a file it did not write: such a file is a conflict,
    reported before anything is written."""
    kinds, options = _kinds(only), GenerateOptions(max_nodes=max_nodes, view=view)
    project = checked_project(model, refusal="nothing written")
    _refuse_out_in_model(out, project)
    files = _run_generators(project, kinds, options)
    inputs = _inputs(project, kinds, options)
    try:
        changed = write_outputs(out, files, clean=clean, inputs=inputs)
    except UnsafePath as exc:
        _fail(f"unsafe output path {exc}; nothing written")
    except BadManifest as exc:
        _fail(f"{exc}; nothing written (remove the manifest to start afresh)")
    except Conflict as exc:
        _fail(
            f"{out} holds files archmodel did not write: {exc}; nothing written (move them or use another -o)"
        )
    except Busy as exc:
        _fail(f"{exc}; nothing written")
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}")
    output_cache.remember(inputs, _hashes(files, inputs))
    click.echo(f"{out}: {len(files)} files, {len(changed)} changed", err=True)


@click.command(name="check")
@MODEL
@OUT
@ONLY
@VIEW
@MAX_NODES
def check_command(model: Path, out: Path, only: str, view: str | None, max_nodes: int) -> None:
    """Exit 0 when OUT is exactly what `generate` would write; list the drift otherwise."""
    kinds, options = _kinds(only), GenerateOptions(max_nodes=max_nodes, view=view)
    project = checked_project(model, refusal="nothing compared")
    inputs = _inputs(project, kinds, options)
    known = output_cache.recall(inputs)
    if known is not None and compare_hashes(out, known, _listed(out)).clean:
        click.echo(f"{out}: in sync (every file is what generate wrote for these inputs)", err=True)
        return
    files = _run_generators(project, kinds, options)
    output_cache.remember(inputs, _hashes(files, inputs))
    drift = compare_outputs(out, files, inputs)
    _report(out, drift, files)
    if not drift.clean:
        click.echo(f"{out}: out of date; run `archmodel generate {model} -o {out}`", err=True)
        sys.exit(1)
    click.echo(f"{out}: in sync ({len(files)} files)", err=True)


def _listed(out: Path) -> set[str]:
    try:
        return set(read_manifest(out).files)
    except BadManifest:
        return set()


def _report(out: Path, drift: Drift, files: dict[str, bytes]) -> None:
    for label, paths in (("stale", drift.stale), ("missing", drift.missing), ("extra", drift.extra)):
        for rel in paths:
            click.echo(f"{label}: {out / rel}")
    for rel, kind in drift.unsafe:
        click.echo(f"not a regular file ({kind}, not read): {out / rel}")
    for rel in drift.stale:
        if rel in files:
            click.echo(short_diff(out / rel, files[rel]), nl=False)
