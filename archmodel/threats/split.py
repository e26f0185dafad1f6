"""The threat rules of a large model in two processes at once.

Ninety-odd rules each take a few milliseconds to a few tenths of a second on a model of
ten thousand components; on a machine with several cores half of them run in a forked
worker, which sees the loaded model and context without pickling them, and sends back
its findings rule by rule. The rules that trace attack paths and blast radius stay in
this process: their traces (memoised on the context) are also the report's. The caller
folds the findings in rule order, so the register is the same, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from archmodel import cores

if TYPE_CHECKING:
    from archmodel.threats.context import ThreatContext
    from archmodel.threats.registry import ThreatRule
    from archmodel.threats.types import Finding

MIN_ELEMENTS = 2_000  # components and flows below which a worker's start costs more than it saves
TRACING_MODULE = "archmodel.threats.checks.attack"  # rules on the traced paths and radii

# One rule's findings, in hit order: what ``run_rule`` returns.
RunRule = Callable[["ThreatRule", "ThreatContext"], "list[Finding]"]
_STATE: dict[str, Any] = {}


def worth_splitting(ctx: ThreatContext) -> bool:
    graph = ctx.graph
    return cores.jobs(2, len(graph.components) + len(graph.flows), MIN_ELEMENTS) > 1


def run_rules(ctx: ThreatContext, rules: Sequence[ThreatRule], run_rule: RunRule) -> list[list[Finding]]:
    """``run_rule`` over every rule, each rule's findings in rule order; two of every three
    rules that do not trace paths in a worker (this process traces them, which costs
    about as much as the rules it sends away)."""
    movable = [i for i, rule in enumerate(rules) if _module(rule) != TRACING_MODULE]
    away = [i for n, i in enumerate(movable) if n % 3]
    sent = set(away)
    _STATE.update(ctx=ctx, rules=rules, run_rule=run_rule)
    results: list[list[Finding] | None] = [None] * len(rules)
    try:
        with cores.fork_pool(1) as pool:
            future = pool.submit(_in_worker, away)
            for i, rule in enumerate(rules):
                if i not in sent:
                    results[i] = run_rule(rule, ctx)
            found, error = future.result()
    finally:
        _STATE.clear()
    if error is not None:
        raise error
    for i, findings in zip(away, found, strict=True):
        results[i] = findings
    return [r or [] for r in results]


def _module(rule: ThreatRule) -> str:
    return getattr(rule.check, "__module__", "") or ""


def _in_worker(indexes: list[int]) -> tuple[list[list[Finding]], BaseException | None]:
    """The findings of the rules at ``indexes``; an error travels back as a value."""
    ctx, rules, run_rule = _STATE["ctx"], _STATE["rules"], _STATE["run_rule"]
    try:
        return [run_rule(rules[i], ctx) for i in indexes], None
    except Exception as exc:  # a rule's error is the caller's to report, as in one process
        return [], RuntimeError(f"threat rule failed: {type(exc).__name__}: {exc}")
