"""`archmodel init` never writes through a symlink, outside DIR, or half a model."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from archmodel.cli.main import cli
from archmodel.starter import starter_files


def _init(directory: Path, *flags: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["init", str(directory), *flags])
    return result.exit_code, result.output


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def test_a_dangling_symlink_at_a_target_is_refused(tmp_path: Path) -> None:
    model, victim = tmp_path / "model", tmp_path / "victim.txt"
    model.mkdir()
    (model / "archmodel.yaml").symlink_to(victim)
    code, out = _init(model, "--force")
    assert code == 1 and "symlink" in out
    assert not victim.exists()
    assert _files(model) == set()


def test_force_over_a_link_to_an_existing_file_leaves_it_alone(tmp_path: Path) -> None:
    model, victim = tmp_path / "model", tmp_path / "victim.txt"
    model.mkdir()
    victim.write_text("precious")
    (model / "archmodel.yaml").symlink_to(victim)
    assert _init(model, "--force")[0] == 1
    assert victim.read_text() == "precious"


def test_a_symlinked_subdirectory_is_refused(tmp_path: Path) -> None:
    model, elsewhere = tmp_path / "model", tmp_path / "elsewhere"
    model.mkdir()
    elsewhere.mkdir()
    subdirs = sorted({Path(rel).parts[0] for rel in starter_files() if "/" in rel})
    assert subdirs, "the starter has no subdirectory to attack"
    (model / subdirs[0]).symlink_to(elsewhere, target_is_directory=True)
    code, out = _init(model, "--force")
    assert code == 1 and "symlink" in out
    assert list(elsewhere.iterdir()) == []


def test_a_directory_where_a_file_goes_is_refused_before_any_write(tmp_path: Path) -> None:
    model = tmp_path / "model"
    (model / "archmodel.yaml").mkdir(parents=True)
    code, out = _init(model, "--force")
    assert code == 1 and "directory" in out
    assert _files(model) == set()


def test_init_still_writes_a_valid_model(tmp_path: Path) -> None:
    model = tmp_path / "model"
    assert _init(model)[0] == 0
    assert "archmodel.yaml" in _files(model)
    assert _init(model)[0] == 2  # exists: --force needed
    assert _init(model, "--force")[0] == 0
    assert not [p for p in model.rglob(".*archmodel-init")]
    assert all(not p.is_symlink() for p in model.rglob("*"))
    assert os.access(model / "archmodel.yaml", os.R_OK)


def test_a_file_where_the_directory_goes_is_refused_without_suggesting_force(tmp_path: Path) -> None:
    target = tmp_path / "model"
    target.write_text("mine\n", encoding="utf-8")
    for flags in ((), ("--force",)):
        code, out = _init(target, *flags)
        assert code == 1 and "is a file" in out and "--force" not in out
    assert target.read_text(encoding="utf-8") == "mine\n"
