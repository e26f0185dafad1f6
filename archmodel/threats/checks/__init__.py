"""The built-in threat rules: one module per kind of target, a rule is one decorated
function in it (see ``archmodel.threats.registry``); ``builtin_rules`` lists them all."""

from __future__ import annotations

from functools import cache

from archmodel.threats.checks import (
    attack,
    completeness,
    environments,
    exposure,
    flows,
    hygiene,
    injection,
    isolation,
    operations,
    paths,
    pipeline,
    services,
    stores,
    supply_chain,
    zones,
)
from archmodel.threats.registry import ThreatRule, rules_in

# Every module that holds built-in threat rules; a new module is added here.
MODULES = (
    attack,
    completeness,
    environments,
    exposure,
    flows,
    hygiene,
    injection,
    isolation,
    operations,
    paths,
    pipeline,
    services,
    stores,
    supply_chain,
    zones,
)


@cache
def builtin_rules() -> tuple[ThreatRule, ...]:
    """Every built-in threat rule, by id."""
    rules = {r.id: r for module in MODULES for r in rules_in(module)}
    return tuple(rules[i] for i in sorted(rules))
