"""A generator that cannot run here (Graphviz missing, or refusing its input) is a
refusal with the fix, never a traceback: in one process and from a worker alike."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archmodel.runner import GeneratorFailed

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "examples" / "online-boutique"
render = importlib.import_module("archmodel.generators.diagrams.render")


def _archmodel(*args: str, jobs: str, path: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path, "ARCHMODEL_JOBS": jobs}
    command = [sys.executable, "-c", "from archmodel.cli.entry import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_generate_without_graphviz_refuses_with_the_fix(tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "out"
    result = _archmodel("generate", str(MODEL), "-o", str(out), jobs=jobs, path=str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: Graphviz 'dot' was not found on PATH")
    assert "--no-images" in result.stderr and result.stderr.rstrip().endswith("nothing written")
    assert not out.exists()  # created by this run, and nothing of it is left


def test_check_without_graphviz_says_nothing_was_compared(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        _archmodel("generate", str(MODEL), "-o", str(out), jobs="1", path=os.environ["PATH"]).returncode == 0
    )
    (out / "diagrams" / "dataflow.mmd").write_text("edited\n", encoding="utf-8")  # so generators must run
    result = _archmodel("check", str(MODEL), "-o", str(out), jobs="2", path=str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.rstrip().endswith("nothing compared")


def test_generate_without_graphviz_writes_text_artifacts_with_no_images(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _archmodel("generate", str(MODEL), "-o", str(out), "--no-images", jobs="1", path=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (out / "diagrams" / "dataflow.dot").is_file()


def test_dot_refusing_its_input_is_a_generator_failure_that_travels() -> None:
    """dot's complaint is shown, bounded, with the way round it; the error survives the
    pickling that brings a worker's error back."""
    import pickle

    with pytest.raises(GeneratorFailed) as caught:
        render.render_dot("digraph { a -> ", "svg")
    message = str(caught.value)
    assert message.startswith("Graphviz 'dot -Tsvg' failed:") and "--no-images" in message
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is GeneratorFailed and str(again) == message
    missing = pickle.loads(pickle.dumps(render.GraphvizMissing(render.MISSING)))
    assert isinstance(missing, GeneratorFailed) and str(missing) == render.MISSING


# A ``dot`` on PATH that fails in each way a broken Graphviz does: it refuses, it is no
# program the system can start, or it exits 0 without writing anything.
BROKEN_DOTS = {
    "refuses": ("#!/bin/sh\necho 'dot: cannot load plugin' >&2\nexit 1\n", "failed: dot: cannot load plugin"),
    "no program": ("\x7fELF, but not a program", "could not be run: Exec format error"),
    "writes nothing": ("#!/bin/sh\nexit 0\n", "failed: no svg file written"),
}


@pytest.mark.parametrize("broken", sorted(BROKEN_DOTS))
@pytest.mark.parametrize("model", [MODEL, ROOT / "models" / "reference"], ids=["boutique", "reference"])
def test_a_broken_dot_is_a_refusal_not_a_traceback(tmp_path: Path, broken: str, model: Path) -> None:
    """Diagrams drawn with provider icons run ``dot`` through the diagrams package, the
    others directly: both report a broken ``dot`` as Graphviz's failure, not OUT's."""
    script, said = BROKEN_DOTS[broken]
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "dot").write_text(script, encoding="utf-8")
    (tmp_path / "bin" / "dot").chmod(0o755)
    out = tmp_path / "out"
    path = f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"
    result = _archmodel("generate", str(model), "-o", str(out), "--only", "diagrams", jobs="1", path=path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: Graphviz 'dot") and said in result.stderr
    assert "cannot write" not in result.stderr and "--no-images" in result.stderr
    assert not out.exists()


def test_a_dot_with_no_output_fails_the_direct_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dot").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    (tmp_path / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GeneratorFailed, match="'dot -Tpng' failed: no output"):
        render.render_dot("digraph { a }", "png")
