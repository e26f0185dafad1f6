"""``drift --format json`` as tests read it: the findings, without the closing summary
record (``kind: summary``) that every report ends with."""

from __future__ import annotations

import json
from typing import Any


def findings(stdout: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(stdout) if stdout.strip() else []
    if records:
        assert records[-1].get("kind") == "summary", records[-1]
        assert all("kind" not in r for r in records[:-1])
    return records[:-1]
