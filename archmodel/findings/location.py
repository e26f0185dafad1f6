"""How a finding's file is shown: relative to a base directory, with ``/`` separators."""

from __future__ import annotations

from pathlib import Path


def shown_path(file: str | None, base: Path | None) -> str | None:
    """``file`` relative to ``base`` (default: the working directory) when it lies inside,
    as given otherwise; posix separators, since SARIF and GitHub expect them."""
    if file is None:
        return None
    path = Path(file)
    try:
        return path.resolve().relative_to((base or Path.cwd()).resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # elsewhere, unreadable, or a symlink loop
        return path.as_posix()
