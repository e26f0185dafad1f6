"""``archmodel paths``: the weakest attack path from each entry point to each sensitive
target, with the controls and layers on every hop, as text or JSON.

Thin: load, refuse invalid models, run the path analysis alone (not the whole threat
catalog), filter by ``--from`` / ``--to``, render. ``--from`` takes an entry point id or
kind (internet, partner, insider, unzoned); ``--to`` a target component id, a class
(data, credentials, admin), or both as ``ID:CLASS`` (one component can be the target of
a data path and of a credentials path). A name that matches nothing is a usage error
listing what would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from archmodel.graph import ArchGraph
    from archmodel.threats.attack_paths import AttackPath


@click.command(name="paths")
@click.argument("model", type=click.Path(path_type=Path))
@click.option(
    "--from", "source", default=None, help="An entry point id, or a kind: internet, partner, insider."
)
@click.option(
    "--to",
    "target",
    default=None,
    help="A target component id, a class (data, credentials, admin), or ID:CLASS.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--weak", is_flag=True, help="Only paths that lack a layer their target requires.")
@click.option(
    "--diagram",
    type=click.Choice(["mermaid", "dot"]),
    default=None,
    help="Print the data-flow diagram with the one selected path highlighted.",
)
@click.option(
    "--env", default=None, metavar="NAME", help="Trace in one environment's view (default: production's)."
)
def paths_command(
    model: Path,
    source: str | None,
    target: str | None,
    fmt: str,
    weak: bool,
    diagram: str | None,
    env: str | None,
) -> None:
    """Print the attack paths of MODEL, grouped by entry point and the layers they lack."""
    from archmodel.cli.output import note
    from archmodel.cli.project import checked_project, environment_option
    from archmodel.generators.threats.attack import paths_json, paths_text
    from archmodel.threats.attack_paths import analyse_paths
    from archmodel.threats.context import ThreatContext

    checked = checked_project(model, refusal="no path analysis", fmt=fmt)
    chosen = environment_option(checked, env, fmt) or checked.graph.focus_environment
    checked = checked.in_environment(chosen) if chosen else checked
    found = analyse_paths(ThreatContext(checked, checked.graph, checked.model.policies))
    found = _only(found, source, "--from", lambda p: (p.entry.id, str(p.entry.kind)))
    found = _only(found, target, "--to", lambda p: (p.target.id, str(p.target.cls), _target(p)))
    if weak:
        found = [p for p in found if p.missing]
    if diagram is not None:
        click.echo(_diagram(checked.graph, found, diagram), nl=False)
        return
    click.echo(paths_json(found) if fmt == "json" else paths_text(found), nl=False)
    lacking = sum(1 for p in found if p.missing)
    note(f"{model}: {len(found)} attack path(s), {lacking} lacking a required layer", fmt)


def _diagram(graph: ArchGraph, paths: list[AttackPath], fmt: str) -> str:
    """The one selected path over the data-flow view; several or none is a usage error."""
    from archmodel.generators.diagrams.highlight import path_diagram

    if len(paths) != 1:
        choices = _selectors(paths)
        hint = f": {'; '.join(choices[:5])}" + (" ..." if len(choices) > 5 else "") if choices else ""
        raise click.UsageError(f"--diagram draws one path; {len(paths)} selected{hint}")
    p = paths[0]
    return path_diagram(graph, p.components, f"{p.entry.id} to {p.target.what} in {p.target.id}", fmt)


def _target(path: AttackPath) -> str:
    """The ``--to`` form that names one target of one component: ``ID:CLASS``."""
    return f"{path.target.id}:{path.target.cls}"


def _selectors(paths: list[AttackPath]) -> list[str]:
    """The options that select each of ``paths`` alone: ``--to ID`` where that names one
    path from its entry, else ``--to ID:CLASS``."""
    pairs = Counter((p.entry.id, p.target.id) for p in paths)
    return sorted(
        f"--from {p.entry.id} --to {p.target.id if pairs[(p.entry.id, p.target.id)] == 1 else _target(p)}"
        for p in paths
    )


def _only(
    paths: list[AttackPath], wanted: str | None, option: str, names: Callable[[AttackPath], tuple[str, ...]]
) -> list[AttackPath]:
    """Paths whose entry (or target) has ``wanted`` as id or kind; unknown is an error."""
    if wanted is None:
        return paths
    kept = [p for p in paths if wanted in names(p)]
    if not kept:
        known = sorted({n for p in paths for n in names(p)})
        raise click.UsageError(
            f"{option} {wanted!r} matches no attack path; known: {', '.join(known) or 'none'}"
        )
    return kept
