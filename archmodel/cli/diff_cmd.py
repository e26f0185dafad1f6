"""`archmodel diff OLD NEW`: the architecture change, security-relevant first."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import click

from archmodel.cli.project import ENV
from archmodel.diff import ModelDiff, diff_models
from archmodel.load import ModelNotFound
from archmodel.load.git import resolve_model_path
from archmodel.project import Project

_MARK = {"added": "+", "removed": "-", "changed": "~"}


def _render_text(d: ModelDiff) -> str:
    lines = []
    if d.security:
        lines.append("Security-relevant changes:")
        lines += [f"  ! {s.message}" for s in d.security]
    if d.changes:
        lines.append("Changes:")
        for c in d.changes:
            detail = f" ({', '.join(c.fields)})" if c.fields else ""
            lines.append(
                f"  {_MARK[c.kind]} {c.section[:-1] if c.section != 'data' else 'data'} {c.id}{detail}"
            )
    if d.threats_opened or d.threats_closed:
        lines.append("Threats:")
        lines += [f"  + opened {t}" for t in d.threats_opened]
        lines += [f"  - closed {t}" for t in d.threats_closed]
    return "\n".join(lines or ["No architectural changes."]) + "\n"


def _md_text(text: str) -> str:
    """Plain Markdown text: no markup, no table breaks, one line."""
    for char in "\\`*_[]<>|#":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def _md_code(text: str) -> str:
    """A code span (shown verbatim); only backticks and table pipes need care."""
    return "`" + " ".join(text.replace("`", "'").replace("|", "\\|").split()) + "`"


def _render_md(d: ModelDiff) -> str:
    out = ["## Architecture changes", ""]
    if d.security:
        out += ["### :warning: Security-relevant", ""]
        out += [f"- **{s.kind}** {_md_code(s.target)}: {_md_text(s.message)}" for s in d.security]
        out.append("")
    if d.changes:
        out += ["| change | section | id | fields |", "|---|---|---|---|"]
        out += [f"| {c.kind} | {c.section} | {_md_code(c.id)} | {', '.join(c.fields)} |" for c in d.changes]
        out.append("")
    if d.threats_opened or d.threats_closed:
        out += ["### Threats", ""]
        out += [f"- opened {_md_code(t)}" for t in d.threats_opened]
        out += [f"- closed {_md_code(t)}" for t in d.threats_closed]
        out.append("")
    if d.empty:
        out += ["No architectural changes.", ""]
    return "\n".join(out)


def _render_json(d: ModelDiff) -> str:
    return (
        json.dumps(
            {
                "security": [s.as_dict() for s in d.security],
                "changes": [c.as_dict() for c in d.changes],
                "threats_opened": d.threats_opened,
                "threats_closed": d.threats_closed,
            },
            indent=2,
        )
        + "\n"
    )


RENDERERS = {"text": _render_text, "md": _render_md, "json": _render_json}


@click.command(name="diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True)
@click.option("--fail-on-security", is_flag=True, help="Exit 1 when a security-relevant change appears.")
@ENV
def diff(old: str, new: str, fmt: str, fail_on_security: bool, env: str | None) -> None:
    """Compare two models: paths, or REV:path read from git (with --env, as deployed in
    that environment on both sides)."""
    from archmodel.cli.project import checked_project, in_environment

    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        checked = []
        for spec, tmp in ((old, a), (new, b)):
            try:
                path = resolve_model_path(spec, Path(tmp))
            except ModelNotFound as exc:
                raise click.UsageError(str(exc)) from exc
            project = checked_project(path, label=spec, refusal="run `archmodel validate` on it")
            checked.append(in_environment(project, env))
        result_diff = diff_models(checked[0].graph, checked[1].graph)
        _add_threats(result_diff, checked[0], checked[1])
    click.echo(RENDERERS[fmt](result_diff), nl=False)
    sys.exit(1 if fail_on_security and result_diff.security else 0)


def _add_threats(d: ModelDiff, old: Project, new: Project) -> None:
    """Threats the change opens and closes."""
    from archmodel.threats import analyse

    def open_ids(checked: Project) -> set[str]:
        report = analyse(checked, locate_findings=False)
        return {f.id for f in report.open}

    before, after = open_ids(old), open_ids(new)
    d.threats_opened = sorted(after - before)
    d.threats_closed = sorted(before - after)
