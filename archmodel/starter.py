"""`archmodel init`: copy the reference architecture as a starting model.

The starter files ship inside the package (a test keeps them identical to
``models/reference``); the editor modeline of each file is pointed at a copy of the
JSON Schema written beside them, so completion works without network access.
"""

from __future__ import annotations

import os
import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from archmodel.safe_files import replace_file
from archmodel.schema import schema_text

SCHEMA_FILE = "archmodel.schema.json"
_MODELINE = re.compile(r"^# yaml-language-server: \$schema=\S+", re.MULTILINE)


def starter_files() -> dict[str, str]:
    """Relative path -> text of every starter file."""
    root = files("archmodel") / "starter_model"
    found: dict[str, str] = {}

    def walk(node: Traversable, prefix: PurePosixPath) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = prefix / child.name
            if child.is_dir():
                walk(child, rel)
            elif child.name.endswith((".yaml", ".yml", ".json")):
                found[rel.as_posix()] = child.read_text(encoding="utf-8")

    walk(root, PurePosixPath())
    return found


class UnsafeTarget(Exception):
    """A starter file would be written through a symlink or over a directory."""


def write_starter(directory: Path, force: bool = False) -> list[Path]:
    """Write the starter model and its schema; refuses to overwrite unless ``force``.

    Every target is checked before the first write: nothing below DIRECTORY may be a
    symlink (a link would carry the write outside it) or a directory where a file goes,
    so a refused run leaves no partial model behind.
    """
    if os.path.lexists(directory) and not directory.is_dir():
        raise UnsafeTarget(f"{directory} is a file; init writes a model directory there")
    planned = {rel: _point_modeline(text, rel) for rel, text in starter_files().items()}
    planned[SCHEMA_FILE] = schema_text()
    targets = {rel: directory / rel for rel in sorted(planned)}
    for rel in targets:
        _check_target(directory, rel, force)
    for rel, path in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, planned[rel].encode("utf-8"), "archmodel-init")
    return list(targets.values())


def _check_target(directory: Path, rel: str, force: bool) -> None:
    path = directory
    for part in PurePosixPath(rel).parts:
        path = path / part
        if path.is_symlink():
            raise UnsafeTarget(f"{path} is a symlink; init never writes through links")
    if path.is_dir():
        raise UnsafeTarget(f"{path} is a directory where init writes a file")
    if path.exists() and not force:
        raise FileExistsError(str(path))


def _point_modeline(text: str, rel: str) -> str:
    depth = len(PurePosixPath(rel).parts) - 1
    schema = "../" * depth + SCHEMA_FILE
    return _MODELINE.sub(f"# yaml-language-server: $schema={schema}", text)
