"""Entry point: the click group and the foundation commands (validate, schema, rules, init)."""

from __future__ import annotations

import gc
import io
import os
import sys
import warnings
from pathlib import Path

import click

from archmodel import __version__
from archmodel.api import check_environment
from archmodel.cli import lifetime
from archmodel.cli.output import FORMATS, note, print_diagnostics, summary, warning_line
from archmodel.cli.project import ENV, any_project, environment_option

MODEL = click.argument("model", type=click.Path(path_type=Path))


class LazyGroup(click.Group):
    """Commands that live in their own modules are imported only when they run, so
    `archmodel validate` does not pay for the threat engine or drift readers."""

    LAZY = {
        "diff": "archmodel.cli.diff_cmd",
        "drift": "archmodel.cli.drift_cmd",
        "import": "archmodel.cli.import_cmd",
        "paths": "archmodel.cli.paths_cmd",
        "threats": "archmodel.cli.threats_cmd",
        "generate": "archmodel.cli.generate_cmd",
        "check": "archmodel.cli.generate_cmd",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            import importlib

            module = importlib.import_module(self.LAZY[name])
            command: click.Command = getattr(module, f"{name}_command", None) or getattr(module, name)
            return command
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archmodel")
def cli() -> None:
    """archmodel: architecture as code, checked as a graph."""
    from archmodel.clock import BadPinnedDate, pinned

    try:
        pinned()
    except BadPinnedDate as exc:
        raise click.UsageError(str(exc)) from exc


@cli.command()
@MODEL
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@ENV
def validate(model: Path, fmt: str, strict: bool, env: str | None) -> None:
    """Load MODEL and check it; exit 1 on errors (or warnings with --strict)."""
    checked = any_project(model, fmt)
    if (environment := environment_option(checked, env, fmt)) is not None:
        check_environment(checked, environment)
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
    from archmodel.starter import UnsafeTarget, write_starter

    try:
        written = write_starter(directory, force=force)
    except FileExistsError as exc:
        raise click.UsageError(f"{exc} exists; use --force to overwrite") from exc
    except UnsafeTarget as exc:
        raise click.ClickException(f"{exc}; nothing written") from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write {directory}: {exc.strerror or exc}") from exc
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: archmodel validate {directory}", err=True)


def main() -> None:
    """Console entry point.

    A large model leaves hundreds of thousands of objects behind; tearing them down one
    by one at exit costs more than a tenth of a second, so once the output is flushed
    the process ends at once with the exit code click chose. For the same reason the
    cyclic garbage collector is off: a command is one short run whose garbage is acyclic
    (reference counting frees it), and each collection would rescan the whole model.
    """
    gc.disable()
    lifetime.until_exit()
    _streams()
    warnings.showwarning = warning_line
    try:
        cli()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            click.echo(exc.code, err=True)
            code = 1
    except OSError as exc:  # the file system refused (name too long, permission, full disk)
        where = f"{str(exc.filename)[:200]}: " if exc.filename else ""
        click.echo(f"error: {where}{exc.strerror or exc}", err=True)
        code = 1
    except RuntimeError as exc:
        code = _runtime_error(exc)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _streams() -> None:
    """Standard streams a command can always write to. A stream the caller closed
    (``>&-``) is Python's None: it becomes /dev/null (taking the closed descriptor), as
    the caller discarded it anyway. Text the stream's encoding cannot hold (a model name
    in Cyrillic on a Latin-1 console, a file name that is not UTF-8) is written as
    backslash escapes instead of stopping the command half-way."""
    for name in ("stdin", "stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "r" if name == "stdin" else "w", encoding="utf-8"))  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _runtime_error(exc: RuntimeError) -> int:
    """The exit code for the RuntimeErrors a user can meet, after saying what happened;
    any other is a defect and is raised."""
    if _symlink_loop(exc):
        click.echo(f"error: {str(exc)[:300]} (too many levels of symbolic links)", err=True)
        return 1
    if not _broken_pool(exc):
        raise exc
    from archmodel.cores import JOBS_VARIABLE

    click.echo(f"error: a worker process ended unexpectedly; {JOBS_VARIABLE}=1 runs in one process", err=True)
    return 1


def _symlink_loop(exc: RuntimeError) -> bool:
    """``Path.resolve`` met a symlink loop: Python 3.11 and 3.12 say so with a
    RuntimeError (later versions with the OSError handled above)."""
    return str(exc).startswith("Symlink loop from ")


def _broken_pool(exc: BaseException) -> bool:
    """Whether a worker was killed mid-run (out of memory, a signal). The pool's module is
    looked up, not imported: every command would pay for it, and where no pool ran the
    error cannot be one."""
    process = sys.modules.get("concurrent.futures.process")
    broken = getattr(process, "BrokenProcessPool", None)
    return broken is not None and isinstance(exc, broken)
