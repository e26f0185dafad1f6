"""Drift between the model and hand-maintained infrastructure code (Terraform, Kubernetes).

The Terraform reader belongs to the package that generates Terraform (``generators/terraform/read.py``,
same tag conventions); Kubernetes manifests are read by ``archmodel.kube``. This package
compares what they read with the model.
"""

from archmodel.drift.compare import compare, expected_components
from archmodel.inventory import Inventory, Resource, Rule

__all__ = ["Inventory", "Resource", "Rule", "compare", "expected_components"]
