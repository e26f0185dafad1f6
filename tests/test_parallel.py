"""Generators side by side: the same files as one process, needs respected, shared work
prepared once before the fork, and a worker's error raised as the generator's own."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from archmodel.api import valid_project
from archmodel.cli.main import cli
from archmodel.model import Model, System
from archmodel.naming import NameClash
from archmodel.parallel import JOBS_VARIABLE, MIN_ELEMENTS, workers
from archmodel.project import Project
from archmodel.runner import Files, Generator, NoOptions, PathClash, run

REFERENCE = Path(__file__).resolve().parent.parent / "models" / "reference"
PROJECT = Project.from_model(Model(system=System(name="S")))
PREPARED: list[str] = []


@dataclass(frozen=True)
class NeedsA:
    a: Files = field(default_factory=dict, repr=False)


def _first(project: Project, options: NoOptions) -> Files:
    return {PurePosixPath("a.txt"): b"from a"}


def _second(project: Project, options: NeedsA) -> Files:
    return {PurePosixPath("b/b.txt"): options.a[PurePosixPath("a.txt")] + b", seen by b"}


def _clash(project: Project, options: NoOptions) -> Files:
    raise NameClash("component 'x' and component 'y' both become 'x-y'")


def _unpicklable(project: Project, options: NoOptions) -> Files:
    raise PathClash(PurePosixPath("p"), "one", "two")  # its __init__ takes three arguments


def _prepare(project: Project) -> None:
    PREPARED.append("prepared")


def _reads_prepared(project: Project, options: NoOptions) -> Files:
    return {PurePosixPath("seen.txt"): ",".join(PREPARED).encode()}


def test_side_by_side_gives_what_one_process_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    generators = {
        "b": Generator("b", NeedsA, _second, needs=("a",)),
        "a": Generator("a", NoOptions, _first),
    }
    monkeypatch.setenv(JOBS_VARIABLE, "2")
    together = run(PROJECT, generators, ["a", "b"])
    monkeypatch.setenv(JOBS_VARIABLE, "1")
    assert together == run(PROJECT, generators, ["a", "b"])
    assert together[PurePosixPath("b/b.txt")] == b"from a, seen by b"


def test_shared_work_is_prepared_before_the_workers_start(monkeypatch: pytest.MonkeyPatch) -> None:
    PREPARED.clear()
    monkeypatch.setenv(JOBS_VARIABLE, "2")
    generators = {
        "p": Generator("p", NoOptions, _reads_prepared, prepare=_prepare),
        "q": Generator("q", NoOptions, _first),
    }
    files = run(PROJECT, generators, ["p", "q"])
    assert files[PurePosixPath("seen.txt")] == b"prepared"  # the worker saw the parent's work
    assert PREPARED == ["prepared"]


@pytest.mark.parametrize(
    ("generate", "raised", "message"),
    [(_clash, NameClash, "both become 'x-y'"), (_unpicklable, RuntimeError, "PathClash: generators 'one'")],
)
def test_a_workers_error_is_raised_in_the_caller(
    monkeypatch: pytest.MonkeyPatch, generate: object, raised: type[Exception], message: str
) -> None:
    monkeypatch.setenv(JOBS_VARIABLE, "2")
    generators = {
        "bad": Generator("bad", NoOptions, generate),  # type: ignore[arg-type]
        "a": Generator("a", NoOptions, _first),
    }
    with pytest.raises(raised, match=message):
        run(PROJECT, generators, ["bad", "a"])


def test_small_models_stay_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(JOBS_VARIABLE, raising=False)
    project = valid_project(REFERENCE)
    assert len(project.model.components) + len(project.model.flows) < MIN_ELEMENTS
    assert workers(project, 6) == 1
    monkeypatch.setenv(JOBS_VARIABLE, "8")
    assert workers(project, 6) == 6  # never more workers than generators


def test_generate_side_by_side_writes_the_same_bytes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    outputs = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv(JOBS_VARIABLE, jobs)
        out = tmp_path / jobs
        result = CliRunner().invoke(cli, ["generate", str(REFERENCE), "-o", str(out), "--no-images"])
        assert result.exit_code == 0, result.output
        outputs[jobs] = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert outputs["1"] == outputs["2"]
    assert len(outputs["2"]) > 50
