"""`archmodel drift MODEL --terraform DIR [--k8s DIR]`: the model against real infrastructure code."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from archmodel.cli.output import FORMATS, note, print_diagnostics
from archmodel.cli.project import ENV
from archmodel.diagnostics import Diagnostic, render_json

DIRECTORY = click.Path(path_type=Path, exists=True, file_okay=False)


@click.command(name="drift")
@click.argument("model", type=click.Path(path_type=Path))
@click.option("--terraform", type=DIRECTORY, help="Terraform directory (hand-written or generated).")
@click.option("--k8s", type=DIRECTORY, help="Directory of Kubernetes manifests.")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="COMPONENT=WORKLOAD",
    help="Map a component to a workload (name or namespace/name) its labels do not name; repeatable.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@ENV
def drift(
    model: Path, terraform: Path | None, k8s: Path | None, mapping: tuple[str, ...], fmt: str, env: str | None
) -> None:
    """Report components without resources, resources without components, unmodelled
    paths, blocked flows (security groups, firewall rules, NSGs, network ACLs) and rules
    wider than any flow, and for Kubernetes open namespaces, wide rules, selectors
    matching no pod, exposure the model does not agree with, and images, replicas and
    ports other than the model's; exit 1 on drift."""
    from archmodel.cli.project import checked_project, in_environment
    from archmodel.drift import Inventory, compare, expected_components
    from archmodel.drift.kube_check import kubernetes_drift, placement_of
    from archmodel.drift.kube_rules import inventory as workload_inventory
    from archmodel.drift.report import summarise
    from archmodel.kube import Cluster, read_cluster
    from archmodel.tfread import read_terraform

    if terraform is None and k8s is None:
        raise click.UsageError("give --terraform DIR, --k8s DIR, or both")
    checked = in_environment(checked_project(model, refusal="no drift check", fmt=fmt), env, fmt)
    components = set(checked.graph.components)
    explicit = _explicit(mapping, components)
    inventory = Inventory()
    cluster = Cluster()
    try:
        if terraform is not None:
            inventory.merge(read_terraform(terraform, components))
        if k8s is not None:
            cluster = read_cluster(k8s)
    except Exception as exc:  # a parser error in infrastructure code is the user's input, not a crash
        note(f"error: cannot read infrastructure code: {exc}", fmt)
        sys.exit(1)
    placement = placement_of(checked, cluster, explicit)
    inventory.merge(workload_inventory(placement))
    expect = expected_components(checked.graph, terraform is not None, k8s is not None)
    found = checked.positions.resolve(
        sorted(
            [*compare(checked, inventory, expect), *kubernetes_drift(checked, placement)],
            key=lambda d: d.sort_key(),
        )
    )
    report = summarise(len(found), inventory, cluster)
    if fmt == "json":
        _print_json(found, report.json_record())
    elif fmt == "sarif":
        _print_sarif(found, checked.root, report.properties(), report.lines)
    else:
        print_diagnostics(found, fmt, category="drift", root=checked.root)
        for line in (report.headline, *report.lines):
            note(line, fmt)
    sys.exit(1 if found else 0)


def _print_json(found: Sequence[Diagnostic], summary: dict[str, Any]) -> None:
    """The findings as every command prints them, then the summary as the last record."""
    records = [*json.loads(render_json(found)), summary]
    click.echo(json.dumps(records, indent=2, ensure_ascii=False))


def _print_sarif(
    found: Sequence[Diagnostic], root: Path, properties: dict[str, Any], notes: Sequence[str]
) -> None:
    """One SARIF run; what was not analysed goes to the run's properties and notifications."""
    from archmodel.findings import rule_catalog
    from archmodel.findings.sarif import render_sarif

    bag = {"archmodel/drift": properties}
    text = render_sarif(
        found, rule_catalog(), category="drift", default_file=str(root), properties=bag, notes=notes
    )
    click.echo(text, nl=False)


def _explicit(mapping: tuple[str, ...], components: set[str]) -> dict[str, str]:
    """``--map COMPONENT=WORKLOAD`` as workload -> component."""
    out: dict[str, str] = {}
    for item in mapping:
        component, sep, workload = item.partition("=")
        if not sep or not workload or component not in components:
            raise click.BadParameter(
                f"{item!r}: expected COMPONENT=WORKLOAD with a component of the model", param_hint="--map"
            )
        out[workload] = component
    return out
