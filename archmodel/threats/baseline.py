"""Baselines: a previous ``threats.json``, so that CI fails only on new open findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class BadBaseline(ValueError):
    """The baseline file is not a threats.json written by archmodel."""


def read_baseline(path: Path) -> set[str]:
    """Finding ids in a baseline: a JSON list of findings, or ``{"findings": [...]}``."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BadBaseline(f"{path}: cannot read baseline: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("findings")
    if not isinstance(data, list):
        raise BadBaseline(f"{path}: a baseline is the JSON list written by --format json")
    ids = {item.get("id") for item in data if isinstance(item, dict)}
    return {i for i in ids if isinstance(i, str)}
