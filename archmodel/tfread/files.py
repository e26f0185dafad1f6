"""Terraform files read as input we do not control: HCL (``*.tf``) and JSON
(``*.tf.json``), regular files only, bounded in size, depth and number, and every
failure names the file. The result is one list of resource blocks in one shape,
whichever syntax they were written in."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

from archmodel.safe_files import NotRegular, TooLarge, kind_of, read_regular

FILE_LIMIT = 16 * 1024 * 1024
TOTAL_LIMIT = 128 * 1024 * 1024
DEPTH_LIMIT = 12
FILE_COUNT_LIMIT = 5000
SKIPPED_DIRS = frozenset({".terraform", ".terragrunt-cache", ".git", "node_modules"})  # caches, history


class TerraformUnreadable(ValueError):
    """A Terraform file that is not a regular file, too large, not UTF-8 or not HCL/JSON."""


@dataclass(frozen=True)
class Block:
    """One ``resource "TYPE" "NAME" { ... }``, with arguments as python-hcl2 gives them."""

    type: str
    name: str
    body: dict[str, Any]
    file: str
    line: int

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


@dataclass
class Configuration:
    """Every resource of a directory of Terraform, and the defaults of its variables."""

    blocks: list[Block] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    modules: list[str] = field(default_factory=list)  # module calls: their resources are not read

    def find(self, rtype: str, name: str) -> Block | None:
        return next((b for b in self.blocks if b.type == rtype and b.name == name), None)

    def of_type(self, *types: str) -> list[Block]:
        return [b for b in self.blocks if b.type in types]


def read_configuration(directory: Path) -> Configuration:
    config = Configuration()
    total = 0
    for path in _files(directory):
        raw = _read(_regular(path, directory))
        total += len(raw)
        if total > TOTAL_LIMIT:
            raise TerraformUnreadable(f"{path}: more than {TOTAL_LIMIT // (1024 * 1024)} MiB of Terraform")
        _add(config, _parse(path, raw), str(path))
    return config


def _files(directory: Path) -> list[Path]:
    """``*.tf`` and ``*.tf.json`` under ``directory`` (depth-bounded, links not followed)."""
    found: list[Path] = []
    root_depth = len(directory.parts)
    for top, dirs, names in os.walk(directory):
        here = Path(top)
        if len(here.parts) - root_depth >= DEPTH_LIMIT:
            raise TerraformUnreadable(f"{here}: deeper than {DEPTH_LIMIT} directories; not read")
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        found += [here / n for n in names if n.endswith((".tf", ".tf.json"))]
        if len(found) > FILE_COUNT_LIMIT:
            raise TerraformUnreadable(f"{directory}: more than {FILE_COUNT_LIMIT} Terraform files")
    return sorted(found)


def _regular(path: Path, directory: Path) -> Path:
    """The file to read: itself, or the target of a link to a regular file inside the
    directory (repositories link shared ``locals.tf``); any other link is refused by name."""
    if kind_of(path) != "symlink":
        return path
    target = path.resolve()
    if target.is_relative_to(directory.resolve()) and kind_of(target) is None:
        return target
    raise TerraformUnreadable(f"{path}: a link out of {directory} or to no regular file; not read")


def _read(path: Path) -> str:
    try:
        return read_regular(path, FILE_LIMIT).decode("utf-8")
    except NotRegular as exc:
        raise TerraformUnreadable(f"{path}: not a regular file ({kind_of(path)}); not read") from exc
    except TooLarge as exc:
        raise TerraformUnreadable(f"{path}: larger than {FILE_LIMIT // (1024 * 1024)} MiB; not read") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TerraformUnreadable(f"{path}: cannot read: {exc}") from exc


def _parse(path: Path, text: str) -> dict[str, Any]:
    if path.name.endswith(".tf.json"):
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise TerraformUnreadable(f"{path}: not valid JSON: {exc}") from exc
        if not isinstance(document, dict):
            raise TerraformUnreadable(f"{path}: a Terraform JSON file is an object")
        return _json_lines(document, text)
    try:
        parsed: dict[str, Any] = hcl2.loads(text, with_meta=True)  # type: ignore[attr-defined,unused-ignore]
    except Exception as exc:  # python-hcl2 raises lark's errors: the file is not HCL
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise TerraformUnreadable(f"{path}: not valid HCL: {first}") from exc
    return parsed


def _json_lines(document: dict[str, Any], text: str) -> dict[str, Any]:
    """JSON has no positions: each resource gets the line where its name first follows
    its type's key, so findings still point into the file."""
    out = dict(document)
    resources = document.get("resource")
    shaped: list[dict[str, Any]] = []
    for group in resources if isinstance(resources, list) else [resources or {}]:
        for rtype, named in (group if isinstance(group, dict) else {}).items():
            type_at = text.find(json.dumps(rtype))
            for name, body in (named if isinstance(named, dict) else {}).items():
                at = text.find(json.dumps(name), max(type_at, 0))
                line = text.count("\n", 0, at) + 1 if at >= 0 else 1
                for one in body if isinstance(body, list) else [body]:
                    if isinstance(one, dict):
                        shaped.append({rtype: {name: {**one, "__start_line__": line}}})
    out["resource"] = shaped
    for key in ("variable", "module"):
        value = document.get(key)
        out[key] = [value] if isinstance(value, dict) else value or []
    return out


def _add(config: Configuration, document: dict[str, Any], file: str) -> None:
    for group in _list(document.get("resource")):
        for rtype, named in (group if isinstance(group, dict) else {}).items():
            for name, body in (named if isinstance(named, dict) else {}).items():
                if isinstance(body, dict):
                    line = int(body.get("__start_line__", 1))
                    config.blocks.append(Block(str(rtype), str(name), body, file, line))
    for group in _list(document.get("module")):
        config.modules += [f"module.{name}" for name in (group if isinstance(group, dict) else {})]
    for group in _list(document.get("variable")):
        for name, body in (group if isinstance(group, dict) else {}).items():
            if isinstance(body, dict) and "default" in body:
                config.variables[str(name)] = body["default"]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


_REF = re.compile(r"\$\{([^{}]*)\}")


def expression(value: Any) -> str:
    """A value as written: ``"${var.x}"`` -> ``var.x``; a literal stays itself."""
    text = str(value)
    match = _REF.fullmatch(text)
    return match[1].strip() if match else text
