"""What a user's shell and machine can do to a command: a closed stdout, a console that
cannot show the model's names, a symlink loop in the model or as OUT, a job count that
is not a number, a working directory whose name is not UTF-8. Each gives a message and
an exit code, never a traceback (run as the console script runs, in a fresh process)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from archmodel import cores

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "models" / "reference"
SMALL = ROOT / "models" / "examples" / "bookinfo"
ENTRY = "from archmodel.cli.entry import main; main()"


def shell(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``script`` in sh, with ``archmodel`` the console entry in this interpreter."""
    command = f'archmodel() {{ "{sys.executable}" -c "{ENTRY}" "$@"; }}; {script}'
    environment = {**os.environ, **env}
    return subprocess.run(["sh", "-c", command], cwd=cwd, capture_output=True, text=True, env=environment)


@pytest.mark.parametrize("args", ["rules", f"validate {REFERENCE}", f"threats --format md {SMALL}"])
def test_a_closed_stdout_is_no_crash(tmp_path: Path, args: str) -> None:
    done = shell(f"archmodel {args} >&-; echo rc=$? >&2", tmp_path)
    assert "Traceback" not in done.stderr
    assert "rc=0" in done.stderr


def test_a_console_that_cannot_show_a_name_gets_escapes(
    tmp_path: Path, write_model: Callable[..., Path]
) -> None:
    write_model(
        {
            "m/archmodel.yaml": "archmodel: 1\nsystem: {name: S}\ncomponents: [{id: a, kind: service, name: Зона ☃}]\n"
        }
    )
    done = shell("archmodel validate m; archmodel rules >/dev/null", tmp_path, PYTHONIOENCODING="latin-1")
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0
    bad = shell("archmodel validate --format text m", tmp_path, PYTHONIOENCODING="cp1252")
    assert "Traceback" not in bad.stderr


def test_a_symlink_loop_in_the_model_is_a_diagnostic_in_every_format(
    tmp_path: Path, write_model: Callable[..., Path]
) -> None:
    write_model({"m/archmodel.yaml": "archmodel: 1\nsystem: {name: S}\ninclude: ['parts/*.yaml']\n"})
    model = tmp_path / "m"
    (model / "parts").mkdir()
    (model / "parts" / "a.yaml").symlink_to("b.yaml")
    (model / "parts" / "b.yaml").symlink_to("a.yaml")
    for fmt in ("text", "json", "sarif", "github"):
        done = shell(f"archmodel validate --format {fmt} m", tmp_path)
        assert done.returncode == 1 and "Traceback" not in done.stderr, (fmt, done.stderr)
        assert "AM015" in done.stdout + done.stderr


@pytest.mark.parametrize("command", ["generate", "check"])
def test_a_symlink_loop_as_out_is_an_error(tmp_path: Path, command: str) -> None:
    (tmp_path / "l1").symlink_to("l2")
    (tmp_path / "l2").symlink_to("l1")
    done = shell(f"archmodel {command} {SMALL} -o l1 --no-images", tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "too many levels of symbolic links" in done.stderr


@pytest.mark.parametrize(("text", "count"), [("2", 2), (" 3 ", 3), ("²", None), ("-1", None), ("abc", None)])
def test_a_job_count_is_a_decimal_number_or_ignored(
    monkeypatch: pytest.MonkeyPatch, text: str, count: int | None
) -> None:
    monkeypatch.setenv(cores.JOBS_VARIABLE, text)
    assert cores.asked() is (count is not None)
    if count is not None:
        assert cores.jobs(8, 10**6, 1) == min(count, 8)


def test_diff_from_git_in_a_directory_whose_name_is_not_utf8(tmp_path: Path) -> None:
    if sys.platform == "darwin":
        pytest.skip("macOS file names are UTF-8")
    repo = tmp_path / "repo"
    odd = Path(os.fsdecode(os.fsencode(repo) + b"/sub\xff"))
    odd.mkdir(parents=True)
    model = odd / "m"
    model.mkdir()
    (model / "archmodel.yaml").write_text(
        "archmodel: 1\nsystem: {name: S}\ncomponents: [{id: a, kind: service}]\n", encoding="utf-8"
    )
    git = "git -c user.name=t -c user.email=t@t"
    setup = shell(f"git init -q {repo} && cd {repo} && git add -A && {git} commit -qm m", tmp_path)
    assert setup.returncode == 0, setup.stderr
    done = shell("archmodel diff HEAD:m m", odd)
    assert "Traceback" not in done.stderr and done.returncode == 0, done.stderr
    dashed = shell("archmodel diff -- --output=x:m m", odd)
    assert "Traceback" not in dashed.stderr and "is not a revision" in dashed.stderr


def test_ctrl_c_while_the_command_line_imports_exits_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupted before the command's own handling exists: exit 130, as shells expect."""
    import types

    from archmodel.cli import entry

    class Interrupted(types.ModuleType):
        def __getattr__(self, name: str) -> object:
            raise KeyboardInterrupt

    monkeypatch.setitem(sys.modules, "archmodel.cli.main", Interrupted("archmodel.cli.main"))
    collecting = gc.isenabled()
    try:
        with pytest.raises(SystemExit) as stopped:
            entry.main()
    finally:
        if collecting:
            gc.enable()  # the entry switches the collector off for the process
    assert stopped.value.code == 130


@pytest.mark.parametrize("command", ["generate", "check"])
def test_an_empty_out_is_refused_not_taken_for_the_working_directory(tmp_path: Path, command: str) -> None:
    done = shell(f"archmodel {command} {SMALL} -o '' --no-images", tmp_path)
    assert done.returncode == 2 and "is empty" in done.stderr
    assert list(tmp_path.iterdir()) == []
