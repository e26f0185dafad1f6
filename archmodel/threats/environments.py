"""One register over several environments: a finding once, with where it applies.

Each environment's view is analysed on its own (production's WAF closes a finding there
and not in dev); the register then lists every finding once, naming the environments in
which it is open — or, for a finding mitigated everywhere, those in which it was found.
"""

from __future__ import annotations

from collections.abc import Mapping

from archmodel.threats.types import Finding


def merge_environments(by_env: Mapping[str, list[Finding]]) -> list[Finding]:
    """Findings of every environment's view, one per id: the most severe open instance
    (else the most severe instance), stamped with the environments it applies to."""
    instances: dict[str, list[tuple[str, Finding]]] = {}
    for env, findings in by_env.items():
        for f in findings:
            instances.setdefault(f.id, []).append((env, f))
    return [_merged(found) for found in instances.values()]


def _merged(found: list[tuple[str, Finding]]) -> Finding:
    open_ = [(env, f) for env, f in found if f.is_open]
    chosen = open_ or found
    best = max((f for _, f in chosen), key=lambda f: f.severity.rank)
    return with_environments(best, tuple(env for env, _ in chosen))


def with_environments(finding: Finding, environments: tuple[str, ...]) -> Finding:
    """A copy of a frozen finding with its environments (``replace`` would run __init__
    again over tens of thousands of findings)."""
    copy: Finding = object.__new__(Finding)
    copy.__dict__.update(finding.__dict__, environments=environments)
    return copy
