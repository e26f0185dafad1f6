"""Threat rules in two processes: the same register as one process, the tracing rules kept
here, and a rule's error raised in the caller."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archmodel.api import valid_project
from archmodel.cores import JOBS_VARIABLE
from archmodel.generators.threats.tabular import render_json
from archmodel.threats import analyse
from archmodel.threats.context import ThreatContext
from archmodel.threats.engine import catalog
from archmodel.threats.registry import Hit, ThreatRule
from archmodel.threats.split import TRACING_MODULE, run_rules, worth_splitting
from archmodel.threats.types import Finding, Stride

ROOT = Path(__file__).resolve().parents[2]
MODELS = [ROOT / "models" / "reference", *sorted((ROOT / "models" / "examples").iterdir())]


@pytest.mark.parametrize("model", MODELS[:4], ids=lambda p: p.name)
def test_two_processes_give_the_same_register(model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = valid_project(model)
    monkeypatch.setenv(JOBS_VARIABLE, "1")
    alone = render_json(analyse(project))
    monkeypatch.setenv(JOBS_VARIABLE, "2")
    assert worth_splitting(ThreatContext(project, project.graph, project.model.policies))
    assert render_json(analyse(project)) == alone


def test_the_tracing_rules_stay_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    project = valid_project(MODELS[0])
    ctx = ThreatContext(project, project.graph, project.model.policies)
    rules = catalog(project.model.policies)
    ran_here: list[str] = []
    here = os.getpid()

    def run_rule(rule: ThreatRule, ctx: ThreatContext) -> list[Finding]:
        if os.getpid() == here:
            ran_here.append(rule.id)
        return []

    assert len(run_rules(ctx, rules, run_rule)) == len(rules)
    tracing = [r.id for r in rules if r.check.__module__ == TRACING_MODULE]
    assert tracing and set(tracing) <= set(ran_here)
    assert len(ran_here) < len(rules)  # the others went to the worker


def _failing(ctx: ThreatContext) -> Iterator[Hit]:
    raise KeyError("broken plugin rule")
    yield  # pragma: no cover - makes this a generator


def test_a_rule_failing_in_the_worker_fails_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    project = valid_project(MODELS[0])
    ctx = ThreatContext(project, project.graph, project.model.policies)
    bad = ThreatRule("X999", "broken", (Stride.tampering,), (), "fix it", _failing)
    rules = [*catalog(project.model.policies)[:1], bad]  # the second rule goes to the worker

    def run_rule(rule: ThreatRule, ctx: ThreatContext) -> list[Finding]:
        return [f for f in rule.hits(ctx) if f is None]  # type: ignore[misc]

    with pytest.raises(RuntimeError, match="KeyError: 'broken plugin rule'"):
        run_rules(ctx, rules, run_rule)
