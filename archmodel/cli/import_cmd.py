"""`archmodel import --k8s DIR | --terraform DIR`: a first model from infrastructure code."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from archmodel.cli.output import note
from archmodel.safe_files import replace_file

DIRECTORY = click.Path(path_type=Path, exists=True, file_okay=False)


@click.command(name="import")
@click.option("--k8s", type=DIRECTORY, help="Directory of Kubernetes manifests.")
@click.option("--terraform", type=DIRECTORY, help="Terraform directory (AWS, GCP, Azure; .tf and .tf.json).")
@click.option("--name", default="Imported system", show_default=True, help="The system's name.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the model here, creating missing directories (default: stdout).",
)
@click.option("--force", is_flag=True, help="Replace an OUTPUT file that exists (never through a link).")
def import_command(
    k8s: Path | None, terraform: Path | None, name: str, output: Path | None, force: bool
) -> None:
    """Write a model of the applications in Kubernetes manifests (components from
    workloads, with the kind their images say and their image, replicas, resources,
    ports, sidecars and namespace, flows from NetworkPolicy rules that name their peers,
    with the protocol their ports' appProtocol, names or numbers say, public components
    from LoadBalancer/NodePort Services, Ingresses and routes) or in Terraform (components
    from resources, flows from security-group, firewall and NSG rules, zones from subnets);
    what could not be inferred is written as TODO comments."""
    if (k8s is None) == (terraform is None):
        raise click.UsageError("give --k8s DIR or --terraform DIR")
    text, summary = _from_k8s(k8s, name) if k8s is not None else _from_terraform(terraform, name)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write(output, text, force)
    if summary:
        note(summary, "text")


def _write(output: Path, text: str, force: bool) -> None:
    """The model file, only where nothing stands unless ``force``, and never through a
    link: ``-o archmodel.yaml`` must not replace a hand-written model by mistake. Missing
    directories above it are created, as ``generate`` creates OUT, and removed again if
    the file cannot be written."""
    if output.is_symlink():
        raise click.ClickException(f"{output} is a symbolic link; import never writes through links")
    if output.is_dir():
        raise click.ClickException(f"{output} is a directory; give the model file's name")
    if os.path.lexists(output) and not force:
        raise click.UsageError(f"{output} exists; use --force to replace it")
    created = _missing_parents(output)
    try:
        for directory in reversed(created):
            directory.mkdir()
        replace_file(output, text.encode("utf-8"), "archmodel-import")
    except OSError as exc:
        for directory in created:
            with contextlib.suppress(OSError):
                directory.rmdir()  # only when empty: nothing but this run's is removed
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc


def _missing_parents(output: Path) -> list[Path]:
    """The directories above ``output`` that do not exist, deepest first."""
    return [d for d in output.absolute().parents if not os.path.lexists(d)]


def _from_k8s(k8s: Path, name: str) -> tuple[str, str]:
    from archmodel.drift.imported import dump
    from archmodel.drift.kube_import import import_model
    from archmodel.kube import ManifestError, read_cluster

    try:
        cluster = read_cluster(k8s)
    except ManifestError as exc:
        note(f"error: cannot read infrastructure code: {exc}", "text")
        sys.exit(1)
    imported = import_model(cluster, name)
    return dump(imported.model, imported.todos), cluster.summary()


def _from_terraform(terraform: Path | None, name: str) -> tuple[str, str]:
    from archmodel.drift.imported import dump
    from archmodel.drift.terraform_import import import_model
    from archmodel.tfread import TerraformUnreadable, read_network

    assert terraform is not None
    try:
        net = read_network(terraform)
    except TerraformUnreadable as exc:
        note(f"error: cannot read infrastructure code: {exc}", "text")
        sys.exit(1)
    imported = import_model(net, name)
    summary = next((t for t in imported.todos if "not analysed" in t), "")
    return dump(imported.model, imported.todos), summary
