"""Validation rules over the model graph, and the function that runs them all."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from archmodel.diagnostics import Diagnostic
from archmodel.project import Project
from archmodel.rules import environments, graph_rules, policies, references, structure
from archmodel.rules.registry import Context, Rule, rules_in

# Every module that holds validation rules; a new module is added here.
MODULES = (structure, references, environments, graph_rules, policies)

__all__ = ["MODULES", "VIEW_RULES", "Rule", "check", "check_view", "validation_rules"]


@cache
def validation_rules() -> tuple[Rule, ...]:
    """Every validation rule, module by module in the order written."""
    return tuple(r for module in MODULES for r in rules_in(module))


def check(project: Project) -> list[Diagnostic]:
    """Run every rule; returns all findings of the run, unsorted."""
    ctx = Context(project, project.graph)
    return [d for r in validation_rules() for d in r.run(ctx)]


# Rules whose answer changes with the environment in view: a component every flow of
# which exists only in another environment has none here.
VIEW_RULES = frozenset({"AM304"})


def check_view(view: Project) -> list[Diagnostic]:
    """The environment-dependent rules over one environment's view, each message saying
    which environment it is about."""
    ctx = Context(view, view.graph)
    return [
        replace(d, message=f"{d.message} in environment '{view.environment}'")
        for r in validation_rules()
        if r.info.code in VIEW_RULES
        for d in r.run(ctx)
    ]
