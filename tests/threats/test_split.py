"""Threat rules in two processes: the same register as one process, the tracing rules kept
here, and a rule's error raised in the caller."""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archmodel.api import valid_project
from archmodel.cores import JOBS_VARIABLE
from archmodel.generators.threats.tabular import render_json
from archmodel.model.ref import Ref
from archmodel.model.stride import ThreatSeverity
from archmodel.threats import analyse
from archmodel.threats.context import ThreatContext
from archmodel.threats.engine import catalog
from archmodel.threats.registry import Hit, ThreatRule
from archmodel.threats.split import TRACING_MODULE, run_rules_over, worth_splitting
from archmodel.threats.types import Finding, Stride, packed, unpacked

ROOT = Path(__file__).resolve().parents[2]
MODELS = [ROOT / "models" / "reference", *sorted((ROOT / "models" / "examples").iterdir())]
FIELDS = {
    "title": "t",
    "stride": (Stride.tampering,),
    "severity": ThreatSeverity.low,
    "target": Ref("component", "x"),
    "mitigations": (),
    "layer": "network",
    "fix": "f",
}


@pytest.mark.parametrize("model", MODELS[:4], ids=lambda p: p.name)
def test_two_processes_give_the_same_register(model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = valid_project(model)
    monkeypatch.setenv(JOBS_VARIABLE, "1")
    alone = render_json(analyse(project))
    monkeypatch.setenv(JOBS_VARIABLE, "2")
    assert worth_splitting(ThreatContext(project, project.graph, project.model.policies))
    assert render_json(analyse(project)) == alone


def test_findings_travel_as_rows_unchanged() -> None:
    """Every field, in order, through pickling; a finding whose id was asked for has one
    field more (another layout) and keeps its place."""
    found = list(analyse(valid_project(MODELS[0]), include_mitigated=True).findings)
    for f in found[::3]:
        assert f.id
    back = unpacked(pickle.loads(pickle.dumps(packed(found))))
    assert [type(f) for f in back] == [Finding] * len(found)
    assert [f.__dict__ for f in back] == [f.__dict__ for f in found]
    assert [list(f.__dict__) for f in back] == [list(f.__dict__) for f in found]


def test_the_tracing_rules_stay_in_this_process() -> None:
    project = valid_project(MODELS[0])
    ctx = ThreatContext(project, project.graph, project.model.policies)
    rules = catalog(project.model.policies)
    ran_here: list[str] = []
    here = os.getpid()

    def run_rule(rule: ThreatRule, ctx: ThreatContext) -> list[Finding]:
        if os.getpid() == here:
            ran_here.append(rule.id)
        time.sleep(0.01)  # long enough for the worker to start and take its share
        return []

    assert len(run_rules_over([ctx], rules, run_rule)[0]) == len(rules)
    tracing = [r.id for r in rules if r.check.__module__ == TRACING_MODULE]
    assert tracing and set(tracing) <= set(ran_here)
    assert len(ran_here) < len(rules)  # the others went to the worker


def _rule(rule_id: str, check: Callable[[ThreatContext], Iterator[Hit]]) -> ThreatRule:
    return ThreatRule(rule_id, "a test rule", (Stride.tampering,), (), "fix it", check)


def test_a_slow_rule_does_not_hold_up_the_others(tmp_path: Path) -> None:
    """Whichever process takes the slow rule, the other one runs every other rule."""
    project = valid_project(MODELS[0])
    ctx = ThreatContext(project, project.graph, project.model.policies)
    log = tmp_path / "ran"

    def check(ctx: ThreatContext) -> Iterator[Hit]:
        return iter(())

    rules = [_rule(f"X{n:03}", check) for n in range(40)]

    def run_rule(rule: ThreatRule, ctx: ThreatContext) -> list[Finding]:
        with log.open("a") as f:
            f.write(f"{os.getpid()} {rule.id}\n")
        time.sleep(1.0 if rule.id == "X000" else 0.002)
        return []

    run_rules_over([ctx], rules, run_rule)[0]
    ran = [line.split() for line in log.read_text().splitlines()]
    slow = next(pid for pid, rule in ran if rule == "X000")
    assert sorted(rule for _, rule in ran) == [r.id for r in rules]  # each rule once
    assert [rule for pid, rule in ran if pid == slow] == ["X000"]


def test_a_rule_failing_in_the_worker_fails_the_caller() -> None:
    project = valid_project(MODELS[0])
    ctx = ThreatContext(project, project.graph, project.model.policies)
    here = os.getpid()

    def failing(ctx: ThreatContext) -> Iterator[Hit]:
        if os.getpid() != here:
            raise KeyError("broken plugin rule")
        time.sleep(0.01)
        return iter(())

    rules = [_rule(f"X{n:03}", failing) for n in range(40)]  # the worker takes some of them

    def run_rule(rule: ThreatRule, ctx: ThreatContext) -> list[Finding]:
        return [f for f in rule.hits(ctx) if f is None]  # type: ignore[misc]

    with pytest.raises(RuntimeError, match="KeyError: 'broken plugin rule'"):
        run_rules_over([ctx], rules, run_rule)[0]


def test_a_worker_killed_mid_run_is_a_broken_pool_the_command_line_reports(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker that dies (out of memory, a signal) fails the run with the pool's error,
    which the console entry turns into a message and exit code 1, not a traceback."""
    from concurrent.futures.process import BrokenProcessPool

    import archmodel.cli.main as cli_main

    project = valid_project(MODELS[0])
    ctx = ThreatContext(project, project.graph, project.model.policies)
    here = os.getpid()

    def dies_in_the_worker(ctx: ThreatContext) -> Iterator[Hit]:
        if os.getpid() != here:
            os._exit(9)
        time.sleep(0.01)
        return iter(())

    rules = [_rule(f"X{n:03}", dies_in_the_worker) for n in range(40)]

    def run_rule(rule: ThreatRule, ctx: ThreatContext) -> list[Finding]:
        return [f for f in rule.hits(ctx) if f is None]  # type: ignore[misc]

    with pytest.raises(BrokenProcessPool) as caught:
        run_rules_over([ctx], rules, run_rule)[0]

    def exits(code: int) -> None:
        raise SystemExit(code)

    def broken() -> None:
        raise caught.value

    monkeypatch.setattr(cli_main, "cli", broken)
    monkeypatch.setattr(cli_main.os, "_exit", exits)
    monkeypatch.setattr(cli_main.gc, "disable", lambda: None)  # the test process goes on
    monkeypatch.setattr(cli_main.lifetime, "until_exit", lambda: None)  # and frees as usual
    with pytest.raises(SystemExit) as ended:
        cli_main.main()
    assert ended.value.code == 1
    assert "a worker process ended unexpectedly; ARCHMODEL_JOBS=1" in capsys.readouterr().err


def test_other_runtime_errors_are_not_taken_for_a_dead_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    import archmodel.cli.main as cli_main

    def fails() -> None:
        raise RuntimeError("threat rule failed: KeyError")

    monkeypatch.setattr(cli_main, "cli", fails)
    monkeypatch.setattr(cli_main.os, "_exit", lambda code: None)
    monkeypatch.setattr(cli_main.gc, "disable", lambda: None)
    monkeypatch.setattr(cli_main.lifetime, "until_exit", lambda: None)
    with pytest.raises(RuntimeError, match="threat rule failed"):
        cli_main.main()


def test_several_views_are_split_by_view_first(tmp_path: Path) -> None:
    """Two environments' views: every (view, rule) pair runs once and its findings land
    in their place; the worker starts from the last view's end, this process from the
    first view's tracing rules."""
    project = valid_project(MODELS[0])
    views = [project.for_environment(env) for env in project.environment_ids[:2]]
    contexts = [ThreatContext(v, v.graph, v.model.policies) for v in views]
    rules = catalog(project.model.policies)
    log = tmp_path / "ran"
    here = os.getpid()

    def run_rule(rule: ThreatRule, ctx: ThreatContext) -> list[Finding]:
        with log.open("a") as f:
            f.write(f"{os.getpid()} {contexts.index(ctx)} {rule.id}\n")
        time.sleep(0.002)
        return [Finding(**{**FIELDS, "rule": rule.id, "description": str(contexts.index(ctx))})]

    results = run_rules_over(contexts, rules, run_rule)
    assert [[f[0].description for f in per_rule] for per_rule in results] == [
        ["0"] * len(rules),
        ["1"] * len(rules),
    ]
    assert [[f[0].rule for f in per_rule] for per_rule in results] == [[r.id for r in rules]] * 2
    ran = [line.split() for line in log.read_text().splitlines()]
    assert len(ran) == 2 * len(rules)  # each pair once
    theirs = [(int(c), rule) for pid, c, rule in ran if int(pid) != here]
    assert theirs and theirs[0] == (1, rules[-1].id)  # the worker began at the back
    tracing = {r.id for r in rules if r.check.__module__ == TRACING_MODULE}
    assert {rule for pid, c, rule in ran if int(pid) == here and c == "0"} >= tracing


def test_one_finding_per_id_within_a_rule_and_across_rules_whose_ids_meet() -> None:
    """Each rule's findings are made one per id where the rule ran; findings of two rules
    can only share an id when a rule id holds a colon, and then the most severe still wins."""
    from archmodel.threats.engine import _run

    project = valid_project(MODELS[0])
    ctx = ThreatContext(project, project.graph, project.model.policies)

    def twice(ctx: ThreatContext) -> Iterator[Hit]:
        yield Hit(Ref("components", "x"), "first", severity=ThreatSeverity.low)
        yield Hit(Ref("components", "x"), "worse", severity=ThreatSeverity.high)
        yield Hit(Ref("components", "y"), "other", severity=ThreatSeverity.medium)

    def meeting(ctx: ThreatContext) -> Iterator[Hit]:  # "Q001:component" + ":" + "x"
        yield Hit(Ref("", "x"), "worst", severity=ThreatSeverity.critical)

    alone = _run([ctx], [_rule("Q001", twice)], False, None)[0]
    assert [(f.id, f.description) for f in alone] == [
        ("Q001:component:x", "worse"),
        ("Q001:component:y", "other"),
    ]
    both = _run([ctx], [_rule("Q001", twice), _rule("Q001:component", meeting)], False, None)[0]
    assert [(f.id, f.description) for f in both] == [
        ("Q001:component:x", "worst"),
        ("Q001:component:y", "other"),
    ]
