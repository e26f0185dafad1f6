"""Validation rules over the model graph, and the function that runs them all."""

from __future__ import annotations

from archmodel.diagnostics import Diagnostic
from archmodel.project import Project
from archmodel.rules import graph_rules, policies, references, structure
from archmodel.rules.registry import RULES, Context, Rule

__all__ = ["RULES", "Rule", "check", "graph_rules", "policies", "references", "structure"]


def check(project: Project) -> list[Diagnostic]:
    """Run every registered rule; returns all findings of the run, unsorted."""
    ctx = Context(project, project.graph)
    return [d for r in RULES for d in r.run(ctx)]
