"""A content-addressed cache of parsed YAML for large files.

Parsing dominates the load of a large model (a 3.7 MB file takes ~0.15 s in yaml-rs);
unpickling the same data takes a fraction of that. Entries are keyed by the SHA-256 of
the file's bytes and the parser's version, so an edited file is simply a new key. Small
files are never cached: they parse faster than a cache lookup. Set
``ARCHMODEL_CACHE_DIR`` to move the cache, or ``ARCHMODEL_NO_CACHE=1`` to disable it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import yaml_rs

from archmodel import __version__

MIN_SIZE = 256 * 1024
_MISS = object()


def _directory() -> Path | None:
    if os.environ.get("ARCHMODEL_NO_CACHE"):
        return None
    base = os.environ.get("ARCHMODEL_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "archmodel"
    )
    return Path(base) / "parsed"


def _entry(raw: bytes) -> Path | None:
    directory = _directory()
    if directory is None or len(raw) < MIN_SIZE:
        return None
    key = hashlib.sha256(raw + f"|{yaml_rs.__version__}|{__version__}".encode()).hexdigest()
    return directory / f"{key}.pickle"


def get(raw: bytes) -> Any:
    """The cached parse of ``raw``, or ``MISS``."""
    entry = _entry(raw)
    if entry is None:
        return _MISS
    try:
        with entry.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return _MISS


def put(raw: bytes, data: Any) -> None:
    """Store a successful parse; any failure to write is ignored (the cache is optional)."""
    entry = _entry(raw)
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
    except OSError:
        pass


def is_miss(value: Any) -> bool:
    return value is _MISS
