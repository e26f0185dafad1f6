"""Organisation rules from ``x-policies``: a typed selector plus required controls.

A policy rule is data, not code: the selector is matched field by field (never eval'd),
and the rule becomes an ordinary ``ThreatRule`` so that risks, baselines and renderers
treat it like a built-in one.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from archmodel.model import Component, PolicyRule, Ref, Selector
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, ThreatRule, layer_of_controls


def selects(ctx: ThreatContext, s: Selector, c: Component) -> bool:
    """True when every key given in the selector matches the component."""
    trust = ctx.graph.trust_of(c.id)
    checks = (
        not s.kind or c.kind in s.kind,
        not s.tags or bool(set(s.tags) & set(c.tags)),
        not s.zone or c.zone in s.zone,
        not s.trust or trust in s.trust,
        not s.technology or any(fnmatchcase(c.technology or "", g) for g in s.technology),
        s.public is None or c.public == s.public,
        s.min_classification is None or ctx.data_rank(ctx.handled(c.id)) >= s.min_classification.rank,
        s.min_criticality is None or c.criticality >= s.min_criticality,
    )
    return all(checks)


def policy_rule(spec: PolicyRule) -> ThreatRule:
    severity = spec.severity

    def check(ctx: ThreatContext) -> Iterator[Hit]:
        for c in ctx.components():
            if selects(ctx, spec.select, c):
                yield Hit(
                    target=Ref.component(c.id),
                    description=f"{spec.title}: '{c.id}' has none of {', '.join(spec.require)}.",
                    present=ctx.controls(c.id),
                    severity=severity,
                )

    return ThreatRule(
        id=spec.id,
        title=spec.title,
        stride=tuple(spec.stride),
        mitigations=tuple(spec.require),
        fix=spec.fix,
        check=check,
        layer=layer_of_controls(spec.require),
        cwe=tuple(spec.cwe),
        capec=tuple(spec.capec),
        doc=f"Organisation policy (x-policies): {spec.title}.",
        scope="component",
    )
