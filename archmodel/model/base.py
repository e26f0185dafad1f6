"""Shared building blocks for the model types.

Every model type is strict: unknown keys are errors so that typos never pass silently,
while keys beginning with ``x-`` stay free for users' own annotations.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, model_validator

ID_PATTERN = r"^[a-z][a-z0-9_-]{0,62}$"

# Scalars are strict (YAML ``yes`` or ``"3"`` never become a bool or an int); enums are
# matched by value so that plain strings from YAML select them.
Id = Annotated[str, Strict(), StringConstraints(pattern=ID_PATTERN)]
Text = Annotated[str, Strict(), StringConstraints(max_length=10_000)]
Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]
IdList = Annotated[list[Id], Field(default_factory=list)]


def _allow_extension_keys(schema: dict[str, Any]) -> None:
    schema["patternProperties"] = {"^x-": {}}


class Element(BaseModel):
    """Base of all model types: no unknown keys; the loader drops ``x-`` keys first.

    Validators are built when a type is first validated, not when its class is defined:
    the loader validates each section through a list adapter, which builds the types the
    model uses, and a type it never meets (a model without environments or pipeline)
    costs nothing at start-up."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        defer_build=True,
        populate_by_name=True,
        json_schema_extra=_allow_extension_keys,
    )


def readable(ident: str) -> str:
    """The default name of an element: its id with ``-``/``_`` as spaces, each word
    capitalised (``orders-api`` -> ``Orders Api``). Simple enough to predict."""
    return " ".join(w[:1].upper() + w[1:] for w in ident.replace("_", " ").replace("-", " ").split())


class Named(Element):
    """An element whose ``name`` may be left out: it then defaults to ``readable(id)``."""

    name: Text = Field(default="", description="Defaults to the id with words capitalised.")

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and "name" not in data and isinstance(data.get("id"), str):
            return {**data, "name": readable(data["id"])}
        return data


def without_extension_keys(value: Any) -> Any:
    """A copy of raw data with every ``x-`` key removed, at any depth.

    Run only when a first validation fails, so models without ``x-`` keys pay nothing.
    """
    if isinstance(value, dict):
        return {
            k: without_extension_keys(v)
            for k, v in value.items()
            if not (isinstance(k, str) and k.startswith("x-"))
        }
    if isinstance(value, list):
        return [without_extension_keys(v) for v in value]
    return value
