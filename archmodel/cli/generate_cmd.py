"""`archmodel generate` and `archmodel check`: write OUT, or tell how OUT differs from it."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click.core import ParameterSource

from archmodel import output_cache
from archmodel.cli import lifetime
from archmodel.cli.output import short_diff
from archmodel.cli.project import ENV, checked_project, in_environment
from archmodel.fingerprint import inputs_fingerprint
from archmodel.generators.ci.options import CiOptions
from archmodel.lookahead import Ahead
from archmodel.manifest import MANIFEST, BadManifest, UnsafePath, top_names
from archmodel.naming import NameClash
from archmodel.out_lock import Busy
from archmodel.outcheck import Drift, compare_hashes, expected_hashes
from archmodel.output_cache import Seen
from archmodel.runner import (
    Generator,
    GeneratorFailed,
    GeneratorUnavailable,
    NeedCycle,
    PathClash,
    StrayPath,
    available_generators,
    load_all,
    options_key,
    run_files,
    run_staged,
    scope_of,
)
from archmodel.writer import Conflict, Staged, Written, has_staging, opened

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from archmodel.project import Project

MODEL = click.argument("model", type=click.Path(path_type=Path))
ONLY = click.option("--only", default="", help="Comma-separated kinds (diagrams, threats, ...).")


def _output(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    """OUT as a path; an empty one is refused, as ``Path("")`` would quietly be the
    working directory (``-o .`` says that on purpose)."""
    if not value:
        raise click.BadParameter("is empty; give the output directory (. for the working directory)")
    return Path(value)


OUT = click.option("-o", "--output", "out", type=click.Path(), required=True, callback=_output)
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
IMAGES = click.option(
    "--images/--no-images",
    default=True,
    show_default=True,
    help="Diagrams: render SVG/PNG (Graphviz); --no-images writes text artifacts only.",
)


def _kinds(only: str) -> dict[str, EntryPoint]:
    generators = available_generators()
    kinds = [k.strip() for k in only.split(",") if k.strip()] or sorted(generators)
    unknown = [k for k in kinds if k not in generators]
    if unknown:
        choices = ", ".join(sorted(generators))
        raise click.UsageError(f"unknown kind(s) {', '.join(unknown)}; choose from {choices}")
    return {k: generators[k] for k in sorted(kinds)}


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


class Run:
    """One generate or check run: the selected kinds, what they need, and their options."""

    def __init__(self, only: str, view: str | None, max_nodes: int, images: bool, out: Path) -> None:
        self.kinds = _kinds(only)
        try:
            self.generators = load_all(available_generators(), self.kinds)
        except GeneratorUnavailable as exc:
            _fail(f"{exc}; nothing written")
        self.options = self._options("diagrams", view=view, max_nodes=max_nodes, images=images)
        out_dir, why_not = _committed_as(out)
        if why_not is not None and "ci" in self.generators:
            click.echo(f"note: the CI workflow will look for the output in '.': {why_not}", err=True)
        self.options.update(self._options("ci", out_dir=out_dir))

    def _options(self, name: str, **flags: object) -> dict[str, object]:
        """Command-line flags as the typed options of the generator they belong to."""
        gen: Generator[object] | None = self.generators.get(name)
        return {name: gen.options(**flags)} if gen is not None else {}

    def inputs(self, project: Project) -> str:
        """The fingerprint of what decides the output: model bytes, the kinds asked for and
        the generators they run (those they need too), options and the environment in view."""
        entries = available_generators()
        used = {name: entries[name] for name in self.generators}
        key = options_key(self.options) + f";kinds={','.join(sorted(self.kinds))}"
        key += f";env={project.environment}" if project.environment else ""
        return inputs_fingerprint(project.root, project.sources, used, key)

    def files(self, project: Project, refusal: str = "nothing written") -> dict[str, bytes]:
        """The files of the selected generators (each after those it needs)."""
        try:
            return run_files(project, self.generators, self.kinds, self.options)
        except (PathClash, StrayPath, NeedCycle, NameClash, GeneratorFailed) as exc:
            _fail(f"{exc}; {refusal}")

    def scope(self, paths: Iterable[str]) -> frozenset[str]:
        """The part of OUT this run answers for: the directories its kinds write
        (``paths``, the run's files, for a kind that declares none)."""
        return scope_of(self.generators, self.kinds, paths)

    def silent(self, paths: Iterable[str]) -> list[str]:
        """The kinds asked for that wrote no file (``ci`` for a model with no pipeline):
        a summary of ``0 files`` alone leaves the user wondering why."""
        tops = top_names(paths)
        return [
            kind for kind in self.kinds if (roots := self.generators[kind].roots) and tops.isdisjoint(roots)
        ]

    def staged(self, project: Project, stage: Callable[[dict[str, bytes]], list[Staged]]) -> list[Staged]:
        """``files``, each surveyed and staged by ``stage`` where it was generated."""
        try:
            return run_staged(project, self.generators, self.kinds, stage, self.options)
        except (PathClash, StrayPath, NeedCycle, NameClash, GeneratorFailed) as exc:
            _fail(f"{exc}; nothing written")


def _committed_as(out: Path) -> tuple[str, str | None]:
    """Where OUT sits in the repository, as CI jobs will find it (they start at its top):
    OUT's path from the top of the git repository that holds it, else from the current
    directory, however ``-o`` spells it (``out``, ``./out``, ``$PWD/out`` give one
    workflow, so ``check`` agrees with ``generate``). The current directory when OUT is
    in neither (no repository holds it: no workflow will run it), or, with the reason
    why, when its path cannot be named in a workflow."""
    where = Path(os.path.realpath(out))
    top = _repository_top(where) or Path(os.path.realpath(Path.cwd()))
    if not where.is_relative_to(top):
        return ".", None
    relative = where.relative_to(top).as_posix()
    try:
        return CiOptions(relative).out_dir, None
    except ValueError:
        return ".", f"{relative!r} cannot be named in a workflow"


def _repository_top(path: Path) -> Path | None:
    """The top of the git repository holding ``path`` (which need not exist yet)."""
    for candidate in (path, *path.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _refuse_out_in_model(out: Path, project: Project, roots: frozenset[str]) -> None:
    """OUT may sit below the model directory (include globs skip generated output), but
    not be it, nor a directory there that holds model files: the manifest would mark the
    model itself as generated, and the next load would skip those files without a word.
    OUT may sit above the model directory (a load looks below the model only), unless
    the model directory is one the run writes into (``roots``: a model kept in ``helm/``
    with OUT its parent would get charts among its files)."""
    target, base = out.resolve(), project.base.resolve()
    if target == base:
        _fail(f"{out} is the model directory; choose an output directory inside or beside it")
    where = base.relative_to(target).parts[0] if base.is_relative_to(target) else None
    if where in roots:
        _fail(
            f"the model directory is in {out}/{where}, where generate writes; choose another output directory"
        )
    if not target.is_relative_to(base):
        return
    inside = sorted(f for f in project.sources if Path(f).resolve().is_relative_to(target))
    if inside:
        _fail(f"{out} holds model files ({_listed(inside)}); choose an output directory that holds none")


def _listed(files: list[str]) -> str:
    more = f" and {len(files) - 3} more" if len(files) > 3 else ""
    return ", ".join(files[:3]) + more


@click.command(name="generate")
@MODEL
@OUT
@ONLY
@VIEW
@MAX_NODES
@IMAGES
@ENV
@click.option(
    "--clean",
    is_flag=True,
    help="Remove files earlier runs wrote and this one does not, below the directories its kinds write.",
)
def generate_command(
    model: Path,
    out: Path,
    only: str,
    view: str | None,
    max_nodes: int,
    images: bool,
    env: str | None,
    clean: bool,
) -> None:
    """Write the artifacts of MODEL into OUT.

    Never overwrites or deletes a file it did not write: such a file is a conflict,
    reported before anything is written."""
    this = Run(only, view, max_nodes, images, out)
    with Ahead(out) as ahead:
        project = in_environment(checked_project(model, refusal="nothing written"), env)
        _refuse_out_in_model(out, project, this.scope(()))
        inputs = this.inputs(project)
        count = _as_generated(out, inputs, ahead)
    if count is not None:
        click.echo(f"{out}: {count} files, 0 changed (as generated for these inputs)", err=True)
        return
    seen = output_cache.recall_stats(out)  # what the writer need not read again
    lifetime.keep(seen)
    try:
        with opened(out, seen) as target:
            staged = this.staged(project, target.stage)
            written = target.commit(staged, clean, inputs, this.scope(entry[0] for entry in staged))
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
    # What `check` compares, and the stat each file was left with.
    record = {**written.hashes, MANIFEST: written.recorded_manifest}
    carried = {rel: seen.entries[rel] for rel in written.earlier if rel in seen.entries}
    output_cache.remember_run(inputs, record, out, written.hashes, written.stats, carried)
    lifetime.keep(written)
    click.echo(
        f"{out}: {len(written.hashes)} files, {len(written.changed)} changed{_left(written)}", err=True
    )
    for kind in this.silent(written.hashes):
        click.echo(f"note: '{kind}' wrote nothing for this model", err=True)


def _left(written: Written) -> str:
    """What the summary says of files earlier runs wrote that this one no longer writes."""
    if written.removed:
        return f"; removed {written.removed} no longer generated"
    if not written.orphans:
        return ""
    first = written.orphans[0]
    more = f" and {len(written.orphans) - 1} more" if len(written.orphans) > 1 else ""
    return f"; kept {len(written.orphans)} no longer generated ({first}{more}; --clean removes them)"


@click.command(name="check")
@MODEL
@OUT
@ONLY
@VIEW
@MAX_NODES
@IMAGES
@ENV
def check_command(
    model: Path, out: Path, only: str, view: str | None, max_nodes: int, images: bool, env: str | None
) -> None:
    """Exit 0 when OUT is exactly what `generate` would write; list the drift otherwise."""
    this = Run(only, view, max_nodes, images, out)
    with Ahead(out) as ahead:
        project = in_environment(checked_project(model, refusal="nothing compared"), env)
        inputs = this.inputs(project)
        known = output_cache.recall(inputs)
        lifetime.keep(known)
        if known is not None and _unchanged(out, known, ahead, scope=this.scope(known)):
            click.echo(f"{out}: in sync (every file is what generate wrote for these inputs)", err=True)
            return
    files = this.files(project, refusal="nothing compared")
    try:
        expected = expected_hashes(files, inputs)
    except UnsafePath as exc:  # a plugin generator's path leaving OUT: nothing to compare
        _fail(f"unsafe output path {exc}; nothing compared")
    output_cache.remember(inputs, expected)
    try:
        drift = compare_hashes(out, expected, scope=this.scope(expected))
    except BadManifest as exc:  # it names the files check would call extra: none can be trusted
        _fail(f"{exc}; nothing compared (remove the manifest to start afresh)")
    lifetime.keep(files, expected, drift)
    _report(out, drift, files)
    if not drift.clean:
        click.echo(f"{out}: out of date; run `{_generate_line(model, out, bool(drift.extra))}`", err=True)
        sys.exit(1)
    click.echo(f"{out}: in sync ({len(files)} files)", err=True)


# The options check shares with generate, as written on the command line.
_SHARED = {"only": "--only", "view": "--view", "max_nodes": "--max-nodes", "env": "--env"}


def _generate_line(model: Path, out: Path, clean: bool) -> str:
    """The generate command that brings OUT up to date: this check's model, OUT and the
    options given to it (a check of some kinds is answered by a generate of those), and
    ``--clean`` when files generation no longer produces are to go."""
    ctx = click.get_current_context()
    words = ["archmodel", "generate", str(model), "-o", str(out)]
    for name, flag in _SHARED.items():
        if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT:
            words += [flag, str(ctx.params[name])]
    if not ctx.params["images"]:
        words.append("--no-images")
    if clean:
        words.append("--clean")
    return shlex.join(words)


def _as_generated(out: Path, inputs: str, ahead: Ahead) -> int | None:
    """How many files generate wrote for these inputs, when OUT still holds every one as
    written (the manifest too, so nothing is extra): a run would write and remove nothing.
    None when there is no such record or OUT differs from it."""
    known = output_cache.recall(inputs)
    lifetime.keep(known)
    if known is None or has_staging(out) or not _unchanged(out, known, ahead, first=True):
        return None  # (a killed run's staging is removed by a full run, under the lock)
    return len(known) - 1  # the manifest is not counted as a file


def _unchanged(
    out: Path, known: dict[str, str], ahead: Ahead, first: bool = False, scope: frozenset[str] | None = None
) -> bool:
    """Whether OUT still holds what generate wrote for these inputs (files whose stat
    is the one remembered are not read again); ``first``: stop at the first file that
    differs. The manifest is judged now, first; the worker's files as it found them."""
    if not ahead.forked or not ahead.current():
        seen = output_cache.recall_stats(out)
        lifetime.keep(seen)
        return _compared(out, known, seen=seen, first=first, scope=scope)
    entry = ahead.manifest_entry()
    seen = Seen({MANIFEST: entry} if entry is not None else {})
    judged = first and MANIFEST in known
    if judged:
        manifest = {MANIFEST: known[MANIFEST]}
        if not compare_hashes(out, manifest, listed=set(), seen=seen, first=True).clean:
            return False  # another input set's output: the worker's answer is not needed
    matched = ahead.result()
    if judged:
        matched[MANIFEST] = known[MANIFEST]  # just judged: not read and hashed again
    lifetime.keep(matched)
    return _compared(out, known, seen=seen, matched=matched, first=first, scope=scope)


def _compared(out: Path, known: dict[str, str], **how: Any) -> bool:
    """Whether OUT holds what ``known`` records (``compare_hashes``); a manifest that
    cannot be trusted is not (the full comparison then says why)."""
    try:
        return compare_hashes(out, known, **how).clean
    except BadManifest:
        return False


def _report(out: Path, drift: Drift, files: dict[str, bytes]) -> None:
    for label, paths in (("stale", drift.stale), ("missing", drift.missing), ("extra", drift.extra)):
        for rel in paths:
            click.echo(f"{label}: {out / rel}")
    for rel, kind in drift.unsafe:
        click.echo(f"not a regular file ({kind}, not read): {out / rel}")
    for rel in drift.stale:
        if rel in files:
            click.echo(short_diff(out / rel, files[rel]), nl=False)
