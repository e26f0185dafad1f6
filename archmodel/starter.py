"""`archmodel init`: copy the reference architecture as a starting model.

The starter files ship inside the package (a test keeps them identical to
``models/reference``); the editor modeline of each file is pointed at a copy of the
JSON Schema written beside them, so completion works without network access.
"""

from __future__ import annotations

import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

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


def write_starter(directory: Path, force: bool = False) -> list[Path]:
    """Write the starter model and its schema; refuses to overwrite unless ``force``."""
    planned = {rel: _point_modeline(text, rel) for rel, text in starter_files().items()}
    planned[SCHEMA_FILE] = schema_text()
    targets = {rel: directory / rel for rel in planned}
    if not force:
        for path in targets.values():
            if path.exists():
                raise FileExistsError(str(path))
    for rel, path in sorted(targets.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(planned[rel], encoding="utf-8")
    return [targets[rel] for rel in sorted(targets)]


def _point_modeline(text: str, rel: str) -> str:
    depth = len(PurePosixPath(rel).parts) - 1
    schema = "../" * depth + SCHEMA_FILE
    return _MODELINE.sub(f"# yaml-language-server: $schema={schema}", text)
