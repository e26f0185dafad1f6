"""`archmodel import --k8s DIR`: a first model from Kubernetes manifests."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import yaml

from archmodel.cli.output import note

DIRECTORY = click.Path(path_type=Path, exists=True, file_okay=False)


@click.command(name="import")
@click.option("--k8s", type=DIRECTORY, required=True, help="Directory of Kubernetes manifests.")
@click.option("--name", default="Imported system", show_default=True, help="The system's name.")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write the model here (default: stdout)."
)
def import_command(k8s: Path, name: str, output: Path | None) -> None:
    """Write a model of the applications in Kubernetes manifests: components from
    workloads, flows from NetworkPolicy rules that name their peers, public components
    from LoadBalancer/NodePort Services, Ingresses and routes."""
    from archmodel.drift.kube_import import import_model
    from archmodel.kube import ManifestError, read_cluster

    try:
        cluster = read_cluster(k8s)
    except ManifestError as exc:
        note(f"error: cannot read infrastructure code: {exc}", "text")
        sys.exit(1)
    text = yaml.safe_dump(import_model(cluster, name), sort_keys=False, width=110)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
    if cluster.summary():
        note(cluster.summary(), "text")
