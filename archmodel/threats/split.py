"""The threat rules of a large model in two processes at once.

Ninety-odd rules each take a few milliseconds to a few tenths of a second on a model of
ten thousand components, and what a rule costs depends on the model. So neither process
is handed a fixed share: both take the next rule from one shared counter until none is
left, and they finish within about one rule of each other. The worker is forked, so it
sees the loaded model and context without pickling them, and sends back its findings as
rows of field values (``types.packed``): a finding object costs three times as much to
pickle. Each rule's rows are pickled as soon as the rule is done, while the parent is
still busy, so what it waits for at the end is bytes (at 50k components, 0.3 s of
pickling left the critical path). The rules that trace attack paths and blast radius
run in this process, first: their traces (memoised on the context) are also the
report's. The caller folds the findings in rule order, so the register is the same,
byte for byte.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any

from archmodel import cores
from archmodel.threats.types import Finding, packed, unpacked

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

    from archmodel.threats.context import ThreatContext
    from archmodel.threats.registry import ThreatRule

MIN_ELEMENTS = 2_000  # components and flows below which a worker's start costs more than it saves
TRACING_MODULE = "archmodel.threats.checks.attack"  # rules on the traced paths and radii

# One rule's findings, in hit order: what ``run_rule`` returns.
RunRule = Callable[["ThreatRule", "ThreatContext"], "list[Finding]"]
# What the worker sends back: (rule index, its findings packed and pickled) per rule it ran.
Sent = list[tuple[int, bytes]]
_STATE: dict[str, Any] = {}


def worth_splitting(ctx: ThreatContext) -> bool:
    graph = ctx.graph
    return cores.jobs(2, len(graph.components) + len(graph.flows), MIN_ELEMENTS) > 1


def run_rules(ctx: ThreatContext, rules: Sequence[ThreatRule], run_rule: RunRule) -> list[list[Finding]]:
    """``run_rule`` over every rule, each rule's findings in rule order: the tracing rules
    here, every other rule in whichever process is free first."""
    shared = [i for i, rule in enumerate(rules) if _module(rule) != TRACING_MODULE]
    pinned = [i for i, rule in enumerate(rules) if _module(rule) == TRACING_MODULE]
    turn = multiprocessing.get_context("fork").Value("i", 0)
    _STATE.update(ctx=ctx, rules=rules, run_rule=run_rule, shared=shared, turn=turn)
    results: list[list[Finding] | None] = [None] * len(rules)
    try:
        with cores.fork_pool(1) as pool:
            future = pool.submit(_in_worker)
            for i in chain(pinned, _taken(shared, turn)):  # taken one at a time
                results[i] = run_rule(rules[i], ctx)
            sent, error = future.result()
    finally:
        _STATE.clear()
    if error is not None:
        raise error
    for i, blob in sent:
        results[i] = unpacked(pickle.loads(blob))
    return [r or [] for r in results]


def _taken(shared: list[int], turn: Synchronized[int]) -> Iterator[int]:
    """The rule indexes this process takes, one at a time, until none is left."""
    while True:
        with turn.get_lock():
            n = turn.value
            turn.value = n + 1
        if n >= len(shared):
            return
        yield shared[n]


def _module(rule: ThreatRule) -> str:
    return getattr(rule.check, "__module__", "") or ""


def _in_worker() -> tuple[Sent, BaseException | None]:
    """The findings of the rules this worker took; an error travels back as a value (and
    the worker takes no further rule: the caller fails anyway)."""
    ctx, rules, run_rule = _STATE["ctx"], _STATE["rules"], _STATE["run_rule"]
    sent: Sent = []
    try:
        for i in _taken(_STATE["shared"], _STATE["turn"]):
            rows = packed(run_rule(rules[i], ctx))
            sent.append((i, pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)))
    except Exception as exc:  # a rule's error is the caller's to report, as in one process
        return [], RuntimeError(f"threat rule failed: {type(exc).__name__}: {exc}")
    return sent, None
