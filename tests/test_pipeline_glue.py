"""The composite action and the pre-commit hooks are valid and call real commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import yaml

from archmodel.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]


def test_action_validates_against_the_github_actions_schema() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-actions",
            str(ROOT / "action.yml"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_action_and_hooks_only_call_existing_commands() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    scripts = " ".join(step.get("run", "") for step in action["runs"]["steps"])
    from_action = {word.split()[0] for word in scripts.split("archmodel ")[1:] if word.split()}
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    from_hooks = {hook["entry"].split()[1] for hook in hooks}
    assert from_action == {"validate", "threats", "check", "drift"}
    assert from_hooks == {"validate", "check"}
    assert (from_action | from_hooks) <= set(cli.list_commands(click.Context(cli)))
