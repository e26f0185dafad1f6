"""Drift between the model and hand-maintained infrastructure code (Terraform, Kubernetes).

The readers belong to the packages that generate the same formats (they share the tag
and label conventions); this package reads through them and does the comparison.
"""

from __future__ import annotations

from pathlib import Path

from archmodel.drift.compare import compare, expected_components
from archmodel.inventory import Inventory, Resource, Rule

__all__ = ["Inventory", "Resource", "Rule", "compare", "expected_components", "read_inventory"]


def read_inventory(terraform: Path | None, k8s: Path | None, components: set[str]) -> Inventory:
    """What the Terraform and Kubernetes directories declare (either may be absent)."""
    inventory = Inventory()
    if terraform is not None:
        from archmodel.generators.terraform.read import read_terraform

        inventory.merge(read_terraform(terraform, components))
    if k8s is not None:
        from archmodel.generators.helm.read import read_kubernetes

        inventory.merge(read_kubernetes(k8s, components))
    return inventory
