"""What generate wrote for given inputs, remembered outside OUT so `check` can skip work.

Generation is deterministic: the same inputs fingerprint (model bytes, kinds, options,
archmodel's code, the date) always gives the same files. After a real generation the
hash of every file is kept in the user's cache directory; `check` with the same inputs
then only hashes OUT. The manifest inside OUT is never used for this: anyone who can
edit a generated file can edit the manifest beside it. A cache directory that another
user owns, or that others may write to, is not used.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from archmodel.safe_files import read_regular

_LIMIT = 256 * 1024 * 1024


def directory() -> Path | None:
    """The trusted cache directory for output hashes, created private; None when unusable."""
    if os.environ.get("ARCHMODEL_NO_CACHE"):
        return None
    base = os.environ.get("ARCHMODEL_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "archmodel"
    )
    path = Path(base) / "outputs"
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(path)
    except OSError:
        return None
    private = stat.S_ISDIR(info.st_mode) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return path if private and info.st_uid == os.geteuid() else None


def _entry(inputs: str) -> Path | None:
    where = directory()
    if where is None or len(inputs) != 64 or not inputs.isalnum():
        return None
    return where / f"{inputs}.json"


def remember(inputs: str, hashes: Mapping[str, str]) -> None:
    """Keep the hashes generate produced for ``inputs`` (best effort)."""
    entry = _entry(inputs)
    if entry is None:
        return
    try:
        fd, temp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(dict(sorted(hashes.items())), handle)
        os.replace(temp, entry)
    except OSError:
        pass


def recall(inputs: str) -> dict[str, str] | None:
    """The hashes generate produced for ``inputs``, if remembered and well-formed."""
    entry = _entry(inputs)
    if entry is None:
        return None
    try:
        data = json.loads(read_regular(entry, _LIMIT))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return None
    return {str(k): v for k, v in data.items()}
