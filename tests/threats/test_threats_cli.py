"""The `threats` command, driven through click's CliRunner on the command object."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archmodel.cli.threats_cmd import threats

SHOP = Path(__file__).parent / "models" / "shop"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(threats, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_text_by_default_exit_zero_without_fail_on() -> None:
    code, out, err = _run(str(SHOP))
    assert code == 0
    assert "critical AMT150" in out and "archmodel.yaml:" in out
    assert "open threat(s)" in err and "AMT001" in err  # the stale risk warns on stderr


def test_fail_on_and_baseline(tmp_path: Path) -> None:
    assert _run(str(SHOP), "--fail-on", "critical")[0] == 1
    code, out, _ = _run(str(SHOP), "--format", "json")
    baseline = tmp_path / "threats.json"
    baseline.write_text(out)
    assert _run(str(SHOP), "--fail-on", "low", "--baseline", str(baseline))[0] == 0
    items = json.loads(out)
    baseline.write_text(json.dumps([i for i in items if i["severity"] != "critical"]))
    code, _, err = _run(str(SHOP), "--fail-on", "critical", "--baseline", str(baseline))
    assert code == 1 and "new at or above critical" in err


def test_accepted_findings_do_not_fail(tmp_path: Path) -> None:
    # AMT181 (medium) is accepted in the model; medium findings are otherwise open
    _, out, _ = _run(str(SHOP), "--format", "json")
    items = json.loads(out)
    assert next(i for i in items if i["rule"] == "AMT181")["status"] == "accepted"
    baseline = tmp_path / "b.json"
    baseline.write_text(json.dumps([i for i in items if i["rule"] != "AMT181"]))
    assert _run(str(SHOP), "--fail-on", "low", "--baseline", str(baseline))[0] == 0


def test_every_format_renders() -> None:
    for fmt, marker in (
        ("md", "# Threat register"),
        ("csv", "id,rule,severity"),
        ("sarif", '"version": "2.1.0"'),
        ("json", '"rule": "AMT'),
    ):
        code, out, _ = _run(str(SHOP), "--format", fmt)
        assert code == 0 and marker in out, fmt


def test_invalid_model_exits_one_with_diagnostics_on_stderr(tmp_path: Path) -> None:
    (tmp_path / "archmodel.yaml").write_text(
        "archmodel: 1\nsystem: {name: T}\nflows: [{from: a, to: b, protocol: https}]\n"
    )
    code, out, err = _run(str(tmp_path))
    assert code == 1 and out == ""
    assert "AM203" in err and "archmodel.yaml:3" in err and "invalid model" in err


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    assert _run(str(tmp_path / "missing"))[0] == 2
    assert _run(str(SHOP), "--fail-on", "severe")[0] == 2
    bad = tmp_path / "bad.json"
    bad.write_text("[")
    assert _run(str(SHOP), "--baseline", str(bad))[0] == 2


def test_json_written_in_batches_is_the_register(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command writes the JSON register a few records at a time; the text is the
    register's, whether it takes one batch or many (an odd size leaves a short last one)."""
    from archmodel.api import valid_project
    from archmodel.cli import threats_cmd
    from archmodel.generators.threats import render_json
    from archmodel.threats import analyse

    expected = render_json(analyse(valid_project(SHOP)), Path.cwd())
    assert expected.count("\n") > 6
    for batch in (1, 3, 1024):
        monkeypatch.setattr(threats_cmd, "BATCH", batch)
        assert _run(str(SHOP), "--format", "json")[1] == expected
