"""What every command reports, in one shape: the catalog of all rules (validation, threat,
drift, policy) and the outputs that every kind of finding shares (SARIF, GitHub
annotations). Validation diagnostics and threat findings are both ``Reportable``."""

from archmodel.findings.catalog import rule_catalog
from archmodel.findings.github import escape_data, escape_property, render_github
from archmodel.findings.sarif import render_sarif

__all__ = ["escape_data", "escape_property", "render_github", "render_sarif", "rule_catalog"]
