"""Turn pydantic validation errors into located diagnostics.

Sections are validated as whole lists (one call per file and section, which is what
keeps a 10k-component model fast); only when a list fails is it validated item by item,
so that valid elements survive and the ids of broken ones are still known. That is what
keeps one bad element from cascading into "unknown reference" errors elsewhere.
"""

from __future__ import annotations

import difflib
from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from archmodel.diagnostics import Diagnostic, PathPart, diag
from archmodel.load import codes
from archmodel.model.base import without_extension_keys
from archmodel.model.policy import RULE_ID_PATTERN


@cache
def _list_adapter(cls: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[cls])  # type: ignore[valid-type]


def validate_list(
    cls: type[BaseModel], items: list[Any], file: str, prefix: tuple[PathPart, ...]
) -> tuple[list[tuple[int, Any]], list[Diagnostic], list[str]]:
    """Validate a list section; returns (index, element) pairs, diagnostics, broken ids."""
    adapter = _list_adapter(cls)
    try:
        return list(enumerate(adapter.validate_python(items))), [], []
    except ValidationError:
        items = without_extension_keys(items)
    try:
        return list(enumerate(adapter.validate_python(items))), [], []
    except ValidationError:
        pass
    good: list[tuple[int, Any]] = []
    problems: list[Diagnostic] = []
    broken: list[str] = []
    for i, item in enumerate(items):
        try:
            good.append((i, cls.model_validate(item)))
        except ValidationError as exc:
            problems.extend(errors_to_diagnostics(exc, cls, file, (*prefix, i)))
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                broken.append(item["id"])
    return good, problems, broken


def validate_one(
    cls: type[BaseModel], value: Any, file: str, prefix: tuple[PathPart, ...]
) -> tuple[Any, list[Diagnostic]]:
    try:
        return cls.model_validate(without_extension_keys(value)), []
    except ValidationError as exc:
        return None, errors_to_diagnostics(exc, cls, file, prefix)


def errors_to_diagnostics(
    exc: ValidationError, cls: type[BaseModel], file: str, prefix: tuple[PathPart, ...]
) -> list[Diagnostic]:
    out = []
    seen: set[tuple[PathPart, ...]] = set()
    for error in exc.errors(include_url=False):
        loc = _clean_loc(error["loc"])
        if loc in seen:  # a union reports one error per member: keep the first
            continue
        seen.add(loc)
        out.append(_one(error, loc, cls, file, prefix))
    return out


def _clean_loc(loc: tuple[int | str, ...]) -> tuple[PathPart, ...]:
    """Drop pydantic's internal union/enum tags from a location."""
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))


def _one(
    error: ErrorDetails,
    loc: tuple[PathPart, ...],
    cls: type[BaseModel],
    file: str,
    prefix: tuple[PathPart, ...],
) -> Diagnostic:
    path = (*prefix, *loc)
    name = _key_name(loc, cls)
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = _field_names(cls, loc[:-1])
        advice = unknown_key_hint(name, allowed)
        return diag(
            codes.UNKNOWN_KEY, f"unknown key '{name}'", file=file, path=path, at_key=True, hint=advice
        )
    if kind == "missing":
        return diag(codes.MISSING_KEY, f"missing required key '{name}'", file=file, path=path[:-1])
    if kind == "string_pattern_mismatch" and name in _ID_KEYS and _pattern(error) != RULE_ID_PATTERN:
        shown = _short(error["input"])
        return diag(
            codes.BAD_ID,
            f"invalid id {shown}",
            file=file,
            path=path,
            hint="ids match ^[a-z][a-z0-9_-]{0,62}$",
        )
    hint: str | None = None
    if kind in {"enum", "literal_error"}:
        expected = str(error.get("ctx", {}).get("expected", ""))
        choices = [c.strip(" '") for c in expected.replace(" or ", ", ").split(",")]
        close = difflib.get_close_matches(str(error["input"]), choices, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"expected {expected}"
        message = f"'{name}' has an invalid value {_short(error['input'])}"
    else:
        message = f"'{name}': {error['msg'].lower()}, got {_short(error['input'])}"
    return diag(codes.BAD_VALUE, message, file=file, path=path, hint=hint)


def _key_name(loc: tuple[PathPart, ...], cls: type[BaseModel]) -> str:
    """The key an error is about; for a bad item of a list (`category: [x]`), the list's
    key rather than the item's index."""
    if not loc:
        return cls.__name__.lower()
    keys = [p for p in loc if isinstance(p, str)]
    return keys[-1] if isinstance(loc[-1], int) and keys else str(loc[-1])


def _pattern(error: ErrorDetails) -> str:
    return str(error.get("ctx", {}).get("pattern", ""))


_ID_KEYS = frozenset({"id", "zone", "parent", "environment", "from", "to"})


def unknown_key_hint(name: str, allowed: list[str]) -> str:
    """Suggest the closest defined key, or the ``x-`` escape hatch for a user's own key."""
    close = difflib.get_close_matches(name, allowed, n=1)
    return f"did you mean '{close[0]}'?" if close else "prefix your own keys with 'x-'"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _field_names(cls: type[BaseModel], loc: tuple[PathPart, ...]) -> list[str]:
    """Field names (by alias) of the model that sits at ``loc`` below ``cls``."""
    current: Any = cls
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    fields = getattr(current, "model_fields", {})
    return [f.alias or n for n, f in fields.items()]


def _model_in(annotation: Any) -> Any:
    """The BaseModel inside ``X | None`` or ``list[X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
