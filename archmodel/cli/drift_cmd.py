"""`archmodel drift MODEL --terraform DIR [--k8s DIR]`: the model against real infrastructure code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archmodel.cli.output import FORMATS, note, print_diagnostics

DIRECTORY = click.Path(path_type=Path, exists=True, file_okay=False)


@click.command(name="drift")
@click.argument("model", type=click.Path(path_type=Path))
@click.option("--terraform", type=DIRECTORY, help="Terraform directory (hand-written or generated).")
@click.option("--k8s", type=DIRECTORY, help="Directory of Kubernetes manifests.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def drift(model: Path, terraform: Path | None, k8s: Path | None, fmt: str) -> None:
    """Report components without resources, resources without components, unmodelled
    paths and blocked flows; exit 1 on drift."""
    from archmodel.cli.project import checked_project
    from archmodel.drift import Inventory, compare, expected_components
    from archmodel.drift.kubernetes import read_kubernetes
    from archmodel.drift.terraform import read_terraform

    if terraform is None and k8s is None:
        raise click.UsageError("give --terraform DIR, --k8s DIR, or both")
    checked = checked_project(model, refusal="no drift check", fmt=fmt)
    components = set(checked.graph.components)
    inventory = Inventory()
    try:
        if terraform is not None:
            inventory.merge(read_terraform(terraform, components))
        if k8s is not None:
            inventory.merge(read_kubernetes(k8s, components))
    except Exception as exc:  # a parser error in infrastructure code is the user's input, not a crash
        note(f"error: cannot read infrastructure code: {exc}", fmt)
        sys.exit(1)
    expect = expected_components(checked.graph, terraform is not None, k8s is not None)
    found = checked.positions.resolve(compare(checked, inventory, expect))
    print_diagnostics(found, fmt, category="drift", root=checked.root)
    if fmt in ("text", "github"):
        counts = f"{len(inventory.resources)} resources, {len(inventory.rules)} rules"
        note(f"{len(found)} drift finding(s); {counts}", fmt)
    sys.exit(1 if found else 0)
