"""The fingerprint of everything that decides generated output.

Model files (by path relative to the model root and content), the selected kinds and
options, archmodel's own code and templates, and the date (risk acceptances expire).
`check` compares it with the manifest to skip regeneration when nothing changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import archmodel
from archmodel import clock

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

_CODE_SUFFIXES = (".py", ".j2", ".json", ".yaml")


@cache
def code_fingerprint(modules: tuple[str, ...]) -> str:
    """Hash of archmodel's code and of the generators' packages, so that a new version
    (or a plugin upgrade) never trusts a manifest written by the old one."""
    roots = [Path(p) for p in archmodel.__path__]
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            roots.append(Path(spec.origin).parent)
    h = hashlib.sha256(archmodel.__version__.encode())
    for root in sorted(set(roots)):
        for path in sorted(root.rglob("*")):
            if path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts:
                # Relative names: the same code gives the same hash in every checkout.
                name = f"{root.name}/{path.relative_to(root).as_posix()}"
                h.update(name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def inputs_fingerprint(
    root: Path,
    sources: Mapping[str, bytes],
    kinds: Mapping[str, EntryPoint],
    options: object,
    today: dt.date | None = None,
) -> str:
    """Hash of the model files as they were read (by path relative to the model
    directory), the kinds, the options, archmodel's code and the date."""
    h = hashlib.sha256()
    h.update(code_fingerprint(tuple(sorted(ep.module for ep in kinds.values()))).encode())
    h.update(f"|{sorted(kinds)}|{options!r}|{(today or clock.today()).isoformat()}|".encode())
    base = root.resolve().parent
    for rel, content in sorted((_relative(Path(f), base), b) for f, b in sources.items()):
        h.update(os.fsencode(rel) + b"\0" + content + b"\0")
    return h.hexdigest()


def _relative(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()
