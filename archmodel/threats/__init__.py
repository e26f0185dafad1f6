"""STRIDE threat analysis over the model graph: rules, risk tracking and the register.

``analyse(project)`` returns a ``ThreatReport``; renderers turn it into text, Markdown,
JSON, CSV or SARIF. Rules live in ``checks/`` (one decorated function each) and third
parties add more through the ``archmodel.threat_rules`` entry point group.
"""

from archmodel.model import Policies
from archmodel.project import Project
from archmodel.threats.engine import ThreatReport, analyse, catalog, installed_rules, severity_of
from archmodel.threats.registry import Hit, ThreatRule, threat
from archmodel.threats.types import Finding, Status, Stride, ThreatSeverity


def report_for(project: Project) -> ThreatReport:
    """The located threat report of this run, computed once and shared by every output."""
    return project.graph.memo("threats.report", lambda: analyse(project))


__all__ = [
    "Finding",
    "Hit",
    "Policies",
    "Status",
    "Stride",
    "ThreatReport",
    "ThreatRule",
    "ThreatSeverity",
    "analyse",
    "catalog",
    "installed_rules",
    "report_for",
    "severity_of",
    "threat",
]
