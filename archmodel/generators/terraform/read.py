"""Terraform is read by ``archmodel.tfread`` (AWS, GCP, Azure; HCL and ``.tf.json``):
this name stays for callers that import the reader from the generator's package."""

from __future__ import annotations

from archmodel.tfread import TerraformUnreadable, read_terraform

__all__ = ["TerraformUnreadable", "read_terraform"]
