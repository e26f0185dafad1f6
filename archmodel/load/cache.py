"""A content-addressed cache of parsed YAML for large files, stored as plain JSON.

Parsing dominates the load of a large model (a 2.5 MB file takes ~0.08 s in yaml-rs);
reading the same data back as JSON takes a quarter of that. Entries are keyed by the
SHA-256 of the file's bytes and the parser's version, so an edited file is simply a new
key. Small files are never cached: they parse faster than a cache lookup. Only data that
JSON holds exactly is stored (string keys, no dates), so an entry reads back as the parse.

An entry is data, never code; still, a planted entry could change the model that is
checked, so the cache is used only in a directory owned by the user and writable by no
one else, and only entries that are regular files owned by the user are read. Set
``ARCHMODEL_CACHE_DIR`` to move the cache, or ``ARCHMODEL_NO_CACHE=1`` to disable it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import yaml_rs

from archmodel import __version__, cache_dir

MIN_SIZE = 256 * 1024
_FORMAT = "json1"
MISS = object()
_SCALARS = (str, int, float, bool, type(None))


def _directory() -> Path | None:
    base = cache_dir.root()
    return None if base is None else base / "parsed"


def trusted(directory: Path) -> bool:
    """Whether ``directory`` is ours alone: no one else could have planted an entry."""
    try:
        info = os.lstat(directory)  # a link could lead the cache (and its pruning) anywhere
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and cache_dir.private(info)


def _entry(raw: bytes) -> Path | None:
    directory = _directory()
    if directory is None or len(raw) < MIN_SIZE:
        return None
    key = hashlib.sha256(raw + f"|{yaml_rs.__version__}|{__version__}|{_FORMAT}".encode()).hexdigest()
    return directory / f"{key}.json"


def get(raw: bytes) -> Any:
    """The cached parse of ``raw``, or ``MISS``."""
    entry = _entry(raw)
    if entry is None or not trusted(entry.parent):
        return MISS
    try:
        fd = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return MISS
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or not cache_dir.private(info):
            return MISS
        try:
            data = json.loads(handle.read())
        except (OSError, ValueError, RecursionError):
            return MISS
        cache_dir.used(handle.fileno())
        return data


def put(raw: bytes, data: Any) -> None:
    """Store a successful parse that JSON holds exactly; any failure to write is ignored
    (the cache is optional)."""
    entry = _entry(raw)
    if entry is None or not _plain(data):
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not trusted(entry.parent):
            return
        text = json.dumps(data, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=cache_dir.TEMP_PREFIX)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, entry)
    except (OSError, ValueError, RecursionError):
        return
    cache_dir.prune(entry.parent, entry.name)


def _plain(data: Any) -> bool:
    """Only strings, numbers, booleans, null, lists and string-keyed mappings (walked
    without recursion: a deeply nested file must not overflow the stack)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if not all(isinstance(k, str) for k in node):
                return False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif not isinstance(node, _SCALARS):
            return False
    return True


def is_miss(value: Any) -> bool:
    return value is MISS
