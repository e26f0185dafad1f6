"""OUT holds the output of several runs: a run of one kind, or one after a component was
removed, leaves the other files generate's to replace (the manifest's ``earlier``), so the
next run never refuses them as someone else's; ``--clean`` removes them within the
run's part of OUT; ``check --only`` answers for its kinds' part of OUT only."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from archmodel.cli.main import cli
from archmodel.manifest import MANIFEST, BadManifest, manifest_of, read_manifest
from archmodel.survey import digest
from archmodel.writer import Conflict, write_outputs

SHOP = """\
archmodel: 1
system: {name: Shop, description: First words}
zones: [{id: app, trust: internal}]
components:
  - {id: web, kind: service, zone: app, deploy: {image: "web:1", port: 8080}}
  - {id: api, kind: service, zone: app, deploy: {image: "api:1", port: 8080}}
flows:
  - {from: web, to: api, protocol: https}
"""
WITHOUT_API = SHOP.split("  - {id: api")[0] + "flows: []\n"


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _generate(model: Path, out: Path, *extra: str) -> Result:
    result = _run("generate", str(model), "-o", str(out), "--no-images", *extra)
    assert result.exit_code == 0, result.output
    return result


def _manifest(out: Path) -> dict[str, dict[str, str]]:
    data = json.loads((out / MANIFEST).read_text())
    return {"files": data["files"], "earlier": data.get("earlier", {})}


@pytest.fixture
def shop(write_model: Callable[..., Path]) -> Path:
    return write_model(SHOP)


def test_a_manifest_without_earlier_files_is_laid_out_as_before(tmp_path: Path) -> None:
    hashes = {"a/b.txt": digest(b"1")}
    plain = manifest_of(hashes, "inputs")
    assert b"earlier" not in plain
    assert plain == manifest_of(hashes, "inputs", {})
    assert json.loads(manifest_of(hashes, "i", {"c.txt": digest(b"2")}))["earlier"] == {"c.txt": digest(b"2")}


@pytest.mark.parametrize(
    "earlier",
    [
        ["a.txt"],
        {"../x": "0" * 64},
        {"/etc/passwd": "0" * 64},
        {"a.txt": "not-a-hash"},
        {"a\\..\\x": "0" * 64},
    ],
)
def test_an_untrustworthy_earlier_listing_is_refused_whole(tmp_path: Path, earlier: object) -> None:
    (tmp_path / MANIFEST).write_text(json.dumps({"version": 1, "files": {}, "earlier": earlier}))
    with pytest.raises(BadManifest):
        read_manifest(tmp_path)


@given(st.dictionaries(st.text(max_size=12), st.text(max_size=70), max_size=4))
def test_any_earlier_listing_reads_back_or_is_refused(earlier: dict[str, str]) -> None:
    """Whatever stands under ``earlier``, reading it either refuses the manifest or gives
    plain relative paths with SHA-256 hashes."""
    import tempfile

    with tempfile.TemporaryDirectory() as name:
        out = Path(name)
        (out / MANIFEST).write_text(json.dumps({"files": {}, "earlier": earlier}))
        try:
            listed = read_manifest(out).earlier
        except BadManifest:
            return
    for rel, hashed in listed.items():
        assert rel and not rel.startswith("/") and ".." not in rel.split("/") and "\\" not in rel
        assert len(hashed) == 64 and set(hashed) <= set("0123456789abcdef")


def test_a_file_an_earlier_run_wrote_stays_generates_to_replace(tmp_path: Path) -> None:
    write_outputs(tmp_path, {"a.txt": b"1", "d/b.txt": b"2"})
    write_outputs(tmp_path, {"a.txt": b"1"})
    assert _manifest(tmp_path) == {"files": {"a.txt": digest(b"1")}, "earlier": {"d/b.txt": digest(b"2")}}
    assert (tmp_path / "d/b.txt").read_bytes() == b"2"  # kept, not deleted
    write_outputs(tmp_path, {"a.txt": b"1", "d/b.txt": b"3"})  # refused before earlier runs were kept
    assert (tmp_path / "d/b.txt").read_bytes() == b"3"
    assert _manifest(tmp_path)["earlier"] == {}


def test_an_earlier_file_edited_by_hand_is_not_replaced(tmp_path: Path) -> None:
    write_outputs(tmp_path, {"a.txt": b"1", "b.txt": b"2"})
    write_outputs(tmp_path, {"a.txt": b"1"})
    (tmp_path / "b.txt").write_bytes(b"mine")
    with pytest.raises(Conflict, match="edited since archmodel wrote it"):
        write_outputs(tmp_path, {"b.txt": b"3"})
    assert (tmp_path / "b.txt").read_bytes() == b"mine"


def test_clean_removes_earlier_files_and_the_directories_they_leave_empty(tmp_path: Path) -> None:
    write_outputs(tmp_path, {"a.txt": b"1", "gone/deep/b.txt": b"2", "mixed/c.txt": b"3", "edited.txt": b"4"})
    (tmp_path / "mixed" / "mine.txt").write_text("user file")
    write_outputs(tmp_path, {"a.txt": b"1"})  # b, c and edited are earlier files now
    (tmp_path / "edited.txt").write_bytes(b"mine")
    write_outputs(tmp_path, {"a.txt": b"1"}, clean=True)
    assert not (tmp_path / "gone").exists()
    assert sorted(p.name for p in (tmp_path / "mixed").iterdir()) == ["mine.txt"]
    assert (tmp_path / "edited.txt").read_bytes() == b"mine"
    assert _manifest(tmp_path)["earlier"] == {}


def test_a_full_run_after_one_kind_replaces_the_other_kinds(shop: Path, tmp_path: Path) -> None:
    """Edit the model, regenerate one kind, then all: the other kinds' files are stale
    but were written by generate, so the full run replaces them."""
    out = tmp_path / "out"
    _generate(shop, out)
    shop.joinpath("archmodel.yaml").write_text(SHOP.replace("First words", "Other words"))
    _generate(shop, out, "--only", "threats")
    listing = _manifest(out)
    assert all(rel.startswith("threats/") for rel in listing["files"])
    assert any(rel.startswith("docs/") for rel in listing["earlier"])
    full = _generate(shop, out)
    assert "changed" in full.stderr and "Other words" in (out / "docs/docs/index.md").read_text()
    assert _run("check", str(shop), "-o", str(out), "--no-images").exit_code == 0


def test_files_of_a_removed_component_are_named_kept_and_cleaned(shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _generate(shop, out, "--only", "helm,threats")
    shop.joinpath("archmodel.yaml").write_text(WITHOUT_API)
    kept = _generate(shop, out, "--only", "helm")
    assert "no longer generated (helm/api/" in kept.stderr and "--clean removes them" in kept.stderr
    assert (out / "helm/api/Chart.yaml").exists()
    again = _generate(shop, out, "--only", "helm")  # not skipped: the kept files are named again
    assert "no longer generated" in again.stderr
    _generate(shop, out, "--only", "helm", "--clean")
    assert not (out / "helm/api").exists() and (out / "helm/web/Chart.yaml").exists()
    assert (out / "threats/threats.json").exists()  # another kind: outside this run's part of OUT
    assert "threats/threats.json" in _manifest(out)["earlier"]
    shop.joinpath("archmodel.yaml").write_text(SHOP)
    _generate(shop, out, "--only", "helm")
    assert (out / "helm/api/Chart.yaml").exists()


def test_check_of_one_kind_answers_for_that_kind_only(shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _generate(shop, out)
    check = _run("check", str(shop), "-o", str(out), "--only", "threats")
    assert check.exit_code == 0, check.output
    (out / "threats/threats.md").write_text("edited\n")
    (out / "docs/mkdocs.yml").write_text("edited\n")
    stale = _run("check", str(shop), "-o", str(out), "--only", "threats", "--no-images")
    assert stale.exit_code == 1
    assert "stale" in stale.stdout and "threats.md" in stale.stdout and "mkdocs.yml" not in stale.stdout
    assert "run `archmodel generate" in stale.stderr and "--only threats --no-images`" in stale.stderr


# -- a manifest anyone can edit, runs that stop half-way, and files that go away ----------


def _edit_manifest(out: Path, earlier: dict[str, str]) -> None:
    data = json.loads((out / MANIFEST).read_text())
    data["earlier"] = {**data.get("earlier", {}), **earlier}
    (out / MANIFEST).write_text(json.dumps(data))


def test_clean_removes_nothing_outside_the_directories_its_kinds_write(shop: Path, tmp_path: Path) -> None:
    """An edited manifest lists the user's own files with their (public) hashes: ``--clean``
    still removes only below the kinds' directories (``-o .`` at a repository's top)."""
    out = tmp_path / "repo"
    _generate(shop, out, "--only", "threats")
    mine = {"README.md": b"# ours\n", ".git/HEAD": b"ref: refs/heads/main\n", "model/flows.yaml": b"x\n"}
    for rel, content in mine.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(content)
    _edit_manifest(out, {rel: digest(content) for rel, content in mine.items()})
    _generate(shop, out, "--clean")
    assert all((out / rel).read_bytes() == content for rel, content in mine.items())


@pytest.mark.parametrize(
    "name", [MANIFEST, ".archmodel-staging-x/a", "a\nb", "a\x1b[31m", "\ud800", "a\u200bb", "a\x85b"]
)
def test_a_name_no_generator_writes_makes_the_manifest_untrustworthy(tmp_path: Path, name: str) -> None:
    """The manifest itself, a staging directory, a line break (which would forge a CI
    annotation when ``check`` prints it), an escape sequence, a lone surrogate."""
    (tmp_path / MANIFEST).write_text(json.dumps({"files": {}, "earlier": {name: "0" * 64}}))
    with pytest.raises(BadManifest):
        read_manifest(tmp_path)


def test_a_run_stopped_among_its_moves_leaves_every_file_generates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed, or stopped by a full disk, after some files moved: the next run, with the
    old content or the new, replaces each file (none is "edited since archmodel wrote it")."""
    import archmodel.writer as writer

    old = {f"d{i}/f.txt": f"old {i}".encode() for i in range(6)}
    new = {rel: content.replace(b"old", b"new") for rel, content in old.items()}
    write_outputs(tmp_path, old)
    real = writer.move

    def half(base: str, staging: str, moves: list[tuple[str, str]]) -> list[str]:
        real(base, staging, moves[: len(moves) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "move", half)
    with pytest.raises(OSError):
        write_outputs(tmp_path, new)
    monkeypatch.setattr(writer, "move", real)
    moved = [rel for rel in new if (tmp_path / rel).read_bytes() == new[rel]]
    assert 0 < len(moved) < len(new)
    write_outputs(tmp_path, old)  # back to the old content: the moved files are ours
    write_outputs(tmp_path, new)
    assert all((tmp_path / rel).read_bytes() == new[rel] for rel in new)


def test_clean_goes_on_past_what_it_cannot_remove_and_says_what_it_removed(
    shop: Path, tmp_path: Path
) -> None:
    """A file where a chart's directory was: what lay below it can be no file now, so it
    is forgotten, and the rest of the chart is removed (``--clean`` stopped half-way)."""
    out = tmp_path / "out"
    _generate(shop, out, "--only", "helm")
    shop.joinpath("archmodel.yaml").write_text(WITHOUT_API)
    chart = out / "helm" / "api" / "templates"
    shutil.rmtree(chart)
    chart.write_text("a file where the templates were\n")
    cleaned = _generate(shop, out, "--only", "helm", "--clean")
    assert "removed" in cleaned.stderr
    assert not any(rel.startswith("helm/api/") for rel in _manifest(out)["earlier"])
    assert not (out / "helm" / "api" / "Chart.yaml").exists()
    assert chart.read_text() == "a file where the templates were\n"


def test_files_removed_by_hand_are_forgotten(shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _generate(shop, out, "--only", "helm")
    shop.joinpath("archmodel.yaml").write_text(WITHOUT_API)
    assert "no longer generated" in _generate(shop, out, "--only", "helm").stderr
    shutil.rmtree(out / "helm" / "api")
    for manifest in (out / "k8s").glob("*/api.yaml"):
        manifest.unlink()
    again = _generate(shop, out, "--only", "helm")
    assert "no longer generated" not in again.stderr
    assert _manifest(out)["earlier"] == {}


def test_check_names_files_no_longer_generated_until_clean(shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _generate(shop, out, "--only", "helm")
    shop.joinpath("archmodel.yaml").write_text(WITHOUT_API)
    _generate(shop, out, "--only", "helm")  # kept, not removed
    check = _run("check", str(shop), "-o", str(out), "--only", "helm")
    assert check.exit_code == 1 and "extra: " in check.stdout and "helm/api/Chart.yaml" in check.stdout
    assert "--only helm --clean`" in check.stderr
    _generate(shop, out, "--only", "helm", "--clean")
    assert _run("check", str(shop), "-o", str(out), "--only", "helm").exit_code == 0


def test_a_kind_that_now_writes_nothing_still_answers_for_its_directory(
    write_model: Callable[..., Path], tmp_path: Path
) -> None:
    pipeline = "pipeline:\n  stages:\n    - {id: build, kind: build, name: Build}\n"
    model = write_model(SHOP + pipeline)
    out = tmp_path / "out"
    _generate(model, out, "--only", "ci")
    assert list((out / "ci").iterdir())
    model.joinpath("archmodel.yaml").write_text(SHOP)
    assert _run("check", str(model), "-o", str(out), "--only", "ci").exit_code == 1
    _generate(model, out, "--only", "ci", "--clean")
    assert not (out / "ci").exists()


def test_check_refuses_a_manifest_it_cannot_trust(shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _generate(shop, out, "--only", "threats")
    (out / MANIFEST).write_text("garbage")
    check = _run("check", str(shop), "-o", str(out), "--only", "threats")
    assert check.exit_code == 1 and "nothing compared" in check.stderr and "Traceback" not in check.output


def test_check_reports_a_file_where_a_directory_goes(shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _generate(shop, out, "--only", "threats")
    shutil.rmtree(out / "threats")
    (out / "threats").write_text("in the way\n")
    check = _run("check", str(shop), "-o", str(out), "--only", "threats")
    assert check.exit_code == 1 and "a file in place of its directory" in check.stdout


def test_a_kind_that_writes_nothing_is_named(shop: Path, tmp_path: Path) -> None:
    """A model with no pipeline has no CI workflow: ``0 files`` alone leaves one guessing."""
    result = _generate(shop, tmp_path / "out", "--only", "ci,threats")
    assert "note: 'ci' wrote nothing for this model" in result.stderr
    assert "'threats'" not in result.stderr


def _stop_before_moving(monkeypatch: pytest.MonkeyPatch) -> None:
    import archmodel.writer as writer

    def stopped(base: str, staging: str, moves: list[tuple[str, str]]) -> list[str]:
        raise KeyboardInterrupt  # killed after the manifest listing both hashes, before any move

    monkeypatch.setattr(writer, "move", stopped)


@pytest.mark.parametrize("between", ["a run of other files", "a second stopped run"])
def test_files_a_stopped_run_left_stay_generates_whatever_runs_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, between: str
) -> None:
    """A stopped run leaves each file with its old hash or its new one; the runs after it
    (one that writes other files, or the same run stopped again) keep the hash each file
    has, so the run that completes replaces them all."""
    import archmodel.writer as writer

    real = writer.move
    write_outputs(tmp_path, {"a.txt": b"1", "d/b.txt": b"1"})
    with monkeypatch.context() as patched:
        _stop_before_moving(patched)
        with pytest.raises(KeyboardInterrupt):
            write_outputs(tmp_path, {"a.txt": b"2", "d/b.txt": b"2"})
        if between == "a second stopped run":
            with pytest.raises(KeyboardInterrupt):
                write_outputs(tmp_path, {"a.txt": b"2", "d/b.txt": b"2"})
    assert writer.move is real
    if between == "a run of other files":
        write_outputs(tmp_path, {"c.txt": b"1"})
        assert _manifest(tmp_path)["earlier"]["d/b.txt"] == digest(b"1")
    write_outputs(tmp_path, {"a.txt": b"2", "d/b.txt": b"2"})
    assert (tmp_path / "d" / "b.txt").read_bytes() == b"2"


def test_a_kept_file_that_can_no_longer_be_one_is_forgotten(shop: Path, tmp_path: Path) -> None:
    """Its directory became a file: nothing can stand at its path, so generate forgets it
    and check (which it would have stopped with "Not a directory") finds nothing extra."""
    out = tmp_path / "out"
    _generate(shop, out, "--only", "helm")
    shop.joinpath("archmodel.yaml").write_text(WITHOUT_API)
    _generate(shop, out, "--only", "helm")
    shutil.rmtree(out / "helm" / "api")
    (out / "helm" / "api").write_text("mine\n")
    for manifest in (out / "k8s").glob("*/api.yaml"):
        manifest.unlink()
    check = _run("check", str(shop), "-o", str(out), "--only", "helm")
    assert check.exit_code == 0 and "Traceback" not in check.output, check.output
    again = _generate(shop, out, "--only", "helm")
    assert "no longer generated" not in again.stderr and _manifest(out)["earlier"] == {}


def test_a_run_of_one_kind_keeps_what_the_cache_knows_of_the_others(shop: Path, tmp_path: Path) -> None:
    """The stat record of OUT keeps the other kinds' files after ``--only``: the next full
    run need not read and hash each of them again (550,000 files at 50k components)."""
    from archmodel import output_cache

    out = tmp_path / "out"
    _generate(shop, out)
    before = set(output_cache.recall_stats(out).entries)
    assert any(rel.startswith("docs/") for rel in before)
    _generate(shop, out, "--only", "threats")
    assert set(output_cache.recall_stats(out).entries) == before
