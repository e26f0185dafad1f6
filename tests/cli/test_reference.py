"""The reference model: valid, schema-conformant, and shipped as the `init` starter."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml_rs
from click.testing import CliRunner

from archmodel.api import load_project
from archmodel.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
MODELS = sorted(p.parent for p in (ROOT / "models").rglob("archmodel.yaml"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_shipped_models_are_valid_and_strict_clean() -> None:
    assert len(MODELS) >= 3
    for model in MODELS:
        assert load_project(model).diagnostics == [], model


def test_schema_accepts_model_files() -> None:
    schema = json.loads((ROOT / "schema" / "archmodel.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((ROOT / "models").rglob("*.yaml"))
    assert files
    for path in files:
        # editors see dates as strings, as the JSON Schema does
        errors = list(validator.iter_errors(yaml_rs.loads(path.read_text(), parse_datetime=False) or {}))
        assert not errors, f"{path}: {errors[0].message}"


def test_init_writes_a_valid_model(tmp_path: Path) -> None:
    target = tmp_path / "new"
    code, _, _ = run("init", str(target))
    assert code == 0 and (target / "archmodel.yaml").exists()
    assert run("validate", str(target))[0] == 0
    assert run("init", str(target))[0] == 2  # refuses to overwrite


def test_starter_is_the_reference_model() -> None:
    from archmodel.starter import starter_files

    reference = {
        p.relative_to(ROOT / "models" / "reference").as_posix(): p.read_text()
        for p in sorted((ROOT / "models" / "reference").rglob("*.yaml"))
    }
    assert starter_files() == reference, "run `make starter` to copy models/reference"
