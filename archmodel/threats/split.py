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
    from multiprocessing.sharedctypes import SynchronizedArray

    from archmodel.threats.context import ThreatContext
    from archmodel.threats.registry import ThreatRule

MIN_ELEMENTS = 2_000  # components and flows below which a worker's start costs more than it saves
TRACING_MODULE = "archmodel.threats.checks.attack"  # rules on the traced paths and radii

# One rule's findings, in hit order: what ``run_rule`` returns.
RunRule = Callable[["ThreatRule", "ThreatContext"], "list[Finding]"]
# What the worker sends back: (queue position, the findings packed and pickled) per pair it ran.
Sent = list[tuple[int, bytes]]
_STATE: dict[str, Any] = {}


def worth_splitting(ctx: ThreatContext) -> bool:
    graph = ctx.graph
    return cores.jobs(2, len(graph.components) + len(graph.flows), MIN_ELEMENTS) > 1


def run_rules_over(
    contexts: Sequence[ThreatContext], rules: Sequence[ThreatRule], run_rule: RunRule
) -> list[list[list[Finding]]]:
    """``run_rule`` over every rule in every context (several environments' views): for
    each context, each rule's findings in rule order. The first context's tracing rules
    run here, first. The rest is one queue of (context, rule) pairs, context by context:
    this process takes pairs from its front; the worker takes them from the front too
    when there is one context, and from its back when there are several, so that each
    process mostly works on contexts of its own and builds their indexes alone."""
    pinned = [(0, i) for i, rule in enumerate(rules) if _module(rule) == TRACING_MODULE]
    here = set(pinned)
    queue = [(c, i) for c in range(len(contexts)) for i in range(len(rules)) if (c, i) not in here]
    bounds = multiprocessing.get_context("fork").Array("i", [0, len(queue)])
    _STATE.update(contexts=contexts, rules=rules, run_rule=run_rule, queue=queue, bounds=bounds)
    results: list[list[list[Finding]]] = [[[] for _ in rules] for _ in contexts]
    try:
        with cores.fork_pool(1) as pool:
            future = pool.submit(_in_worker, len(contexts) > 1)
            for c, i in chain(pinned, (queue[k] for k in _taken(bounds, from_back=False))):
                results[c][i] = run_rule(rules[i], contexts[c])
            sent, error = future.result()
    finally:
        _STATE.clear()
    if error is not None:
        raise error
    for k, blob in sent:
        c, i = queue[k]
        results[c][i] = unpacked(pickle.loads(blob))
    return results


def _taken(bounds: SynchronizedArray[int], from_back: bool) -> Iterator[int]:
    """The queue positions this process takes, one at a time, until none is left: the
    next from the front, or from the back."""
    while True:
        with bounds.get_lock():
            low, high = bounds[0], bounds[1]
            if low >= high:
                return
            if from_back:
                bounds[1] = taken = high - 1
            else:
                bounds[0], taken = low + 1, low
        yield taken


def _module(rule: ThreatRule) -> str:
    return getattr(rule.check, "__module__", "") or ""


def _in_worker(from_back: bool) -> tuple[Sent, BaseException | None]:
    """The findings of the pairs this worker took; an error travels back as a value (and
    the worker takes no further pair: the caller fails anyway)."""
    contexts, rules, queue = _STATE["contexts"], _STATE["rules"], _STATE["queue"]
    run_rule = _STATE["run_rule"]
    sent: Sent = []
    try:
        for k in _taken(_STATE["bounds"], from_back):
            c, i = queue[k]
            rows = packed(run_rule(rules[i], contexts[c]))
            sent.append((k, pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)))
    except Exception as exc:  # a rule's error is the caller's to report, as in one process
        return [], RuntimeError(f"threat rule failed: {type(exc).__name__}: {exc}")
    return sent, None
