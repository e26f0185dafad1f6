"""The JSON Schema of model files, produced from the pydantic types."""

from __future__ import annotations

import json
from typing import Any

from archmodel.model import Document

SCHEMA_ID = "https://archmodel.dev/schema/archmodel.schema.json"


def json_schema() -> dict[str, Any]:
    schema = Document.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "archmodel model file",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
