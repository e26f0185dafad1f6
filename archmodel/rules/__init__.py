"""Validation rules over the model graph, and the function that runs them all."""

from __future__ import annotations

from functools import cache

from archmodel.diagnostics import Diagnostic
from archmodel.project import Project
from archmodel.rules import graph_rules, policies, references, structure
from archmodel.rules.registry import Context, Rule, rules_in

# Every module that holds validation rules; a new module is added here.
MODULES = (structure, references, graph_rules, policies)

__all__ = ["MODULES", "Rule", "check", "validation_rules"]


@cache
def validation_rules() -> tuple[Rule, ...]:
    """Every validation rule, module by module in the order written."""
    return tuple(r for module in MODULES for r in rules_in(module))


def check(project: Project) -> list[Diagnostic]:
    """Run every rule; returns all findings of the run, unsorted."""
    ctx = Context(project, project.graph)
    return [d for r in validation_rules() for d in r.run(ctx)]
