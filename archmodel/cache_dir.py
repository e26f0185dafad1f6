"""Where archmodel keeps its caches, and which cache directories it may trust.

Two caches live there (parsed model files, and the hashes of generated output that
`check` compares against). A planted entry could change what a run checks, so both are
used only in directories that this user owns and nobody else can write.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def root() -> Path | None:
    """``ARCHMODEL_CACHE_DIR``, else ``$XDG_CACHE_HOME/archmodel`` or ``~/.cache/archmodel``;
    None when ``ARCHMODEL_NO_CACHE`` is set."""
    if os.environ.get("ARCHMODEL_NO_CACHE"):
        return None
    base = os.environ.get("ARCHMODEL_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "archmodel"
    )
    return Path(base)


def private(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
