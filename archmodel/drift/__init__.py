"""Drift between the model and hand-maintained infrastructure code (Terraform, Kubernetes)."""

from archmodel.drift.compare import compare, expected_components
from archmodel.drift.inventory import Inventory, Resource, Rule

__all__ = ["Inventory", "Resource", "Rule", "compare", "expected_components"]
