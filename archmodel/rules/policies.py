"""The threat policy (``x-policies``): organisation rules must not shadow other rules."""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.catalog import Severity
from archmodel.load import POLICY_RULES
from archmodel.model import BUILTIN_RULE_PREFIX
from archmodel.rules.registry import Context, Issue, rule


@rule(
    "AM210",
    Severity.error,
    "policy rule id taken",
    fix="Give the organisation rule an id with your own prefix (e.g. `ACME001`), once.",
)
def policy_rule_id_taken(ctx: Context) -> Iterator[Issue]:
    """An `x-policies` rule reuses an id of the built-in threat catalog (`AMT…`) or of an
    earlier policy rule. The threat engine could run only one of the two, so the other
    would be dropped without a word; give the organisation rule an id of its own."""
    seen: set[str] = set()
    origins = ctx.project.origins.get(POLICY_RULES, [])
    for i, spec in enumerate(ctx.project.model.policies.rules):
        origin = origins[i] if i < len(origins) else None
        if spec.id.startswith(BUILTIN_RULE_PREFIX):
            yield Issue(
                f"policy rule id '{spec.id}' belongs to the built-in threat catalog",
                origin,
                ("id",),
                hint="use your organisation's own prefix, e.g. 'ACME001'",
            )
        elif spec.id in seen:
            yield Issue(f"policy rule id '{spec.id}' is used twice", origin, ("id",))
        seen.add(spec.id)
