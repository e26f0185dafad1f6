"""How a finding's file is shown: relative to a base directory, with ``/`` separators."""

from __future__ import annotations

from pathlib import Path

from archmodel.diagnostics import within


def shown_path(file: str | None, base: Path | None) -> str | None:
    """``file`` relative to ``base`` (default: the working directory) when it lies inside,
    as given otherwise; posix separators, since SARIF and GitHub expect them."""
    if file is None:
        return None
    inside = within(file, base or Path.cwd())
    return (Path(file) if inside is None else inside).as_posix()
