"""The runner: generators run after what they need, receive it through their options,
never share a path, and the registered generators keep the contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from archmodel.cli.main import cli
from archmodel.model import Model, System
from archmodel.project import Project
from archmodel.runner import (
    Files,
    Generator,
    NeedCycle,
    NoOptions,
    PathClash,
    StrayPath,
    available_generators,
    load_all,
    order,
    run,
    scope_of,
)

REFERENCE = Path(__file__).resolve().parent.parent / "models" / "reference"
PROJECT = Project.from_model(Model(system=System(name="S")))


def _writes(*paths: str) -> Generator[NoOptions]:
    return Generator("x", NoOptions, lambda project, options: {PurePosixPath(p): b"x" for p in paths})


@dataclass(frozen=True)
class NeedsA:
    a: Files = field(default_factory=dict, repr=False)


def test_a_generator_receives_what_it_needs_and_runs_after_it() -> None:
    calls: list[str] = []

    def first(project: Project, options: NoOptions) -> Files:
        calls.append("a")
        return {PurePosixPath("a.txt"): b"from a"}

    def second(project: Project, options: NeedsA) -> Files:
        calls.append("b")
        return {PurePosixPath("b.txt"): options.a[PurePosixPath("a.txt")] + b", seen by b"}

    generators = {"b": Generator("b", NeedsA, second, needs=("a",)), "a": Generator("a", NoOptions, first)}
    assert order(generators) == ["a", "b"]
    files = run(PROJECT, generators, ["b"])
    assert calls == ["a", "b"]
    assert files == {PurePosixPath("b.txt"): b"from a, seen by b"}  # a ran, but was not asked for


def test_two_generators_writing_one_path_are_refused_naming_both() -> None:
    generators = {"one": _writes("same/file.txt", "a"), "two": _writes("b", "same/file.txt")}
    with pytest.raises(PathClash) as caught:
        run(PROJECT, generators, ["one", "two"])
    message = str(caught.value)
    assert "'one'" in message and "'two'" in message and "same/file.txt" in message


def test_generators_that_need_each_other_are_refused() -> None:
    a = Generator("a", NeedsA, lambda p, o: {}, needs=("a",))
    with pytest.raises(NeedCycle):
        order({"a": a})


def test_a_need_without_an_options_field_is_a_registration_error() -> None:
    with pytest.raises(TypeError, match="needs"):
        Generator("b", NoOptions, lambda p, o: {}, needs=("diagrams",))


def test_registered_generators_keep_the_contract() -> None:
    entries = available_generators()
    assert {"ci", "diagrams", "docs", "helm", "terraform", "threats"} <= set(entries)
    loaded = load_all(entries, entries)
    for name, gen in loaded.items():
        assert gen.name == name
        assert all(isinstance(path, PurePosixPath) for path in gen.generate(PROJECT, gen.options()))
    assert loaded["docs"].needs == ("diagrams",)
    assert order(loaded).index("diagrams") < order(loaded).index("docs")


def test_only_docs_still_gets_the_diagrams(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["generate", str(REFERENCE), "-o", str(out), "--only", "docs"])
    assert result.exit_code == 0, result.output
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert "docs/docs/diagrams/dataflow.svg" in written
    assert not any(p.startswith("diagrams/") for p in written)


def test_no_images_writes_every_text_artifact_and_no_picture(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [str(REFERENCE), "-o", str(out), "--no-images"]
    assert CliRunner().invoke(cli, ["generate", *args]).exit_code == 0
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert not [p for p in written if p.endswith((".svg", ".png"))]
    assert {
        "diagrams/dataflow.mmd",
        "diagrams/dataflow.dot",
        "threats/threats.md",
        "docs/mkdocs.yml",
    } <= written
    assert CliRunner().invoke(cli, ["check", *args]).exit_code == 0
    assert CliRunner().invoke(cli, ["check", str(REFERENCE), "-o", str(out)]).exit_code == 1


# A plugin generator that names a path out of OUT (what a careless or hostile one may do).
OUT_OF_OUT = Generator("evil", NoOptions, lambda project, options: {PurePosixPath("../outside.txt"): b"x"})


@pytest.mark.parametrize("command", ["generate", "check"])
def test_a_generator_path_out_of_out_is_an_error_not_a_traceback(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib.metadata import EntryPoint

    import archmodel.cli.generate_cmd as generate_cmd

    entries = {"evil": EntryPoint("evil", f"{__name__}:OUT_OF_OUT", "archmodel.generators")}
    monkeypatch.setattr(generate_cmd, "available_generators", lambda: entries)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, [command, str(REFERENCE), "-o", str(out), "--only", "evil"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert "unsafe output path ../outside.txt" in result.output
    assert not (tmp_path / "outside.txt").exists()


def test_a_generator_writes_only_below_the_directories_it_declares() -> None:
    """What it declares is the part of OUT a run of it answers for (``--clean``, extras):
    a file elsewhere would escape both, so the run is refused."""
    files = {PurePosixPath(p): b"x" for p in ("x/a.txt", "y/b.txt")}
    stray = Generator("x", NoOptions, lambda project, options: files, roots=("x",))
    with pytest.raises(StrayPath, match=r"generator 'x' writes y/b\.txt, outside x"):
        run(PROJECT, {"x": stray}, ["x"])
    assert scope_of({"x": stray}, ["x"], []) == frozenset({"x"})
    undeclared = Generator("u", NoOptions, lambda project, options: files)
    assert scope_of({"u": undeclared}, ["u"], ["y/b.txt", "z"]) == frozenset({"y", "z"})
