"""The CI workflow names OUT from the repository's top, however ``-o`` spells it: the
same workflow from ``out``, ``./out``, an absolute path or a run in a subdirectory, so
``check`` agrees with ``generate`` whichever spelling each was given."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archmodel.cli.main import cli

REFERENCE = Path(__file__).resolve().parents[2] / "models" / "reference"


def _out_dir(cwd: Path, model: str, out: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    monkeypatch.chdir(cwd)
    done = CliRunner().invoke(cli, ["generate", model, "-o", out, "--only", "ci"])
    assert done.exit_code == 0, done.output
    text = (cwd / out / "ci" / "github-actions.yml").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if "ARCHMODEL_OUT:" in x)
    return line.split(":", 1)[1].strip(), done.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    shutil.copytree(REFERENCE, tmp_path / "model")
    return tmp_path


def test_every_spelling_of_out_names_it_from_the_top(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = [
        _out_dir(repo, "model", out, monkeypatch)
        for out in ("arch/out", "./arch/out", str(repo / "arch/out"))
    ]
    runs.append(_out_dir(repo / "model", ".", "../arch/out", monkeypatch))
    assert [found for found, _ in runs] == ["arch/out"] * 4
    assert not any("note:" in said for _, said in runs)


def test_out_in_no_repository_and_elsewhere_is_the_current_directory(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    with pytest.MonkeyPatch.context() as patch:
        found, said = _out_dir(repo, "model", str(elsewhere / "out"), patch)
    assert (found, "note:" in said) == (".", False)


def test_a_name_no_workflow_can_hold_is_the_top_and_says_so(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found, said = _out_dir(repo, "model", "arch out", monkeypatch)
    assert found == "."
    assert "note: the CI workflow will look for the output in '.': 'arch out' cannot be named" in said
