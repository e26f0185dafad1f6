"""Small helpers the renderers share."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from archmodel.diagnostics import within
from archmodel.threats.types import Finding


def shown_file(file: str | None, base: Path | None) -> str | None:
    """A file relative to ``base`` (posix), or as given when it lies outside it."""
    return None if file is None else _shown(file, base)


@lru_cache(maxsize=256)
def _shown(file: str, base: Path | None) -> str:
    inside = within(file, base) if base is not None else None
    return (Path(file) if inside is None else inside).as_posix()


def where(f: Finding, base: Path | None) -> str:
    file = shown_file(f.file, base) or "<model>"
    return f"{file}:{f.line}:{f.column or 1}" if f.line is not None else file
