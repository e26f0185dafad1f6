"""Load a model: find the root, follow includes, validate each section, merge.

Every failure becomes a diagnostic; nothing here raises on bad input. Elements keep an
``Origin`` (file and path inside it) so that later checks can point at the exact line.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archmodel.catalog import RuleInfo
from archmodel.diagnostics import Diagnostic, PathPart, diag
from archmodel.load import codes
from archmodel.load.reader import file_kind, read
from archmodel.load.schema_check import unknown_key_hint, validate_list, validate_one
from archmodel.model import (
    FORMAT_VERSION,
    LIST_SECTIONS,
    POLICY_KEY,
    Document,
    Model,
    Pipeline,
    Policies,
    System,
)

ROOT_NAMES = ("archmodel.yaml", "archmodel.yml", "archmodel.json")
ROOT_ONLY = ("archmodel", "system", POLICY_KEY)
# Where each policy rule is written, parallel to ``model.policies.rules``.
POLICY_RULES = "policy_rules"


class ModelNotFound(Exception):
    """The path names no model (a usage error, not a model error)."""


@dataclass(frozen=True, init=False)
class Origin:
    """Where an element is written: its file and its path in that file."""

    file: str
    path: tuple[PathPart, ...]

    def __init__(self, file: str, path: tuple[PathPart, ...]) -> None:
        # One update, not the frozen dataclass's setattr per field: an origin is made for
        # each of the tens of thousands of elements of a large model.
        self.__dict__.update(file=file, path=path)

    def at(self, *sub: PathPart) -> dict[str, Any]:
        """Keyword arguments locating a diagnostic at ``sub`` below this element."""
        return {"file": self.file, "path": (*self.path, *sub)}


@dataclass
class Loaded:
    """A loaded model with what is needed to report on it."""

    root: Path
    model: Model
    diagnostics: list[Diagnostic]
    files: list[Path]
    # Parallel to the model's lists: origins["components"][i] is where components[i] is.
    origins: dict[str, list[Origin]] = field(default_factory=dict)
    # Ids of elements that failed the schema: they exist, so references to them are fine.
    broken_ids: dict[str, set[str]] = field(default_factory=dict)
    system_origin: Origin | None = None
    # The bytes of every file read, by resolved path: nothing needs to read them again.
    sources: dict[str, bytes] = field(default_factory=dict)

    def origin(self, section: str, index: int) -> Origin:
        return self.origins[section][index]


def find_root(path: Path) -> Path:
    try:
        return _find_root(path)
    except OSError as exc:  # a name too long, a loop of links: the path names no model
        raise ModelNotFound(f"{_short(path)}: {exc.strerror or exc}") from exc


def _short(path: Path, limit: int = 200) -> str:
    text = str(path)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _find_root(path: Path) -> Path:
    if path.is_dir():
        for name in ROOT_NAMES:
            if (path / name).is_file():
                return path / name
        raise ModelNotFound(f"{path}: no archmodel.yaml in this directory")
    if path.is_file():
        return path
    if path.exists():  # a named pipe or a device: reading it could block or never end
        raise ModelNotFound(f"{path}: not a regular file or directory")
    raise ModelNotFound(f"{path}: no such file or directory")


def load(path: Path) -> Loaded:
    """Load the model at ``path`` (a file or a directory holding archmodel.yaml)."""
    root = find_root(path)
    state = _State(root_dir=Path(os.path.realpath(root.parent)))
    state.visit(Path(os.path.realpath(root)), is_root=True, stack=())
    model = Model(system=state.system or System(name="(unnamed)"), policies=state.policies or Policies())
    for section in (*LIST_SECTIONS, "stages"):
        setattr(model, section, [element for element, _ in state.elements.get(section, [])])
    origins = {s: [o for _, o in items] for s, items in state.elements.items()}
    return Loaded(
        root, model, state.diagnostics, state.files, origins, state.broken, state.system_origin, state.sources
    )


@dataclass
class _State:
    root_dir: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    elements: dict[str, list[tuple[Any, Origin]]] = field(default_factory=dict)
    broken: dict[str, set[str]] = field(default_factory=dict)
    system: System | None = None
    system_origin: Origin | None = None
    sources: dict[str, bytes] = field(default_factory=dict)
    policies: Policies | None = None

    def _report(self, info: RuleInfo, message: str, **where: Any) -> None:
        self.diagnostics.append(diag(info, message, **where))

    def visit(self, path: Path, is_root: bool, stack: tuple[Path, ...]) -> None:
        if path in self.files:
            return
        self.files.append(path)
        data, problems, raw = read(path)
        if raw is not None:
            self.sources[str(path)] = raw
        self.diagnostics.extend(problems)
        if problems:
            return
        file = str(path)
        if not isinstance(data, dict):
            kind = type(data).__name__ if data is not None else "empty"
            self._report(
                codes.NOT_MAPPING, f"the top level must be a mapping, not {kind}", file=file, path=()
            )
            return
        self._check_top_keys(data, file, is_root)
        if is_root:
            self._root_sections(data, file)
            self._policies(data.get(POLICY_KEY), file)
        self._sections(data, file)
        self._includes(data, path, (*stack, path))

    def _check_top_keys(self, data: dict[Any, Any], file: str, is_root: bool) -> None:
        allowed = [f.alias or name for name, f in Document.model_fields.items()]
        for key in data:
            name = str(key)
            if name.startswith("x-") and name not in allowed:
                continue
            if name not in allowed:
                hint = unknown_key_hint(name, allowed)
                self._report(
                    codes.UNKNOWN_KEY,
                    f"unknown section '{name}'",
                    file=file,
                    path=(key,),
                    at_key=True,
                    hint=hint,
                )
            elif name in ROOT_ONLY and not is_root:
                self._report(
                    codes.ROOT_ONLY,
                    f"'{name}' belongs in the root file only",
                    file=file,
                    path=(key,),
                    at_key=True,
                )

    def _root_sections(self, data: dict[Any, Any], file: str) -> None:
        version = data.get("archmodel")
        if "archmodel" not in data:
            self._report(
                codes.VERSION,
                "missing format version",
                file=file,
                path=(),
                hint="start the root file with 'archmodel: 1'",
            )
        elif version != FORMAT_VERSION or type(version) is not int:
            self._report(
                codes.VERSION,
                f"unsupported format version {version!r}",
                file=file,
                path=("archmodel",),
                hint="only 'archmodel: 1' exists",
            )
        if "system" not in data:
            self._report(
                codes.MISSING_SYSTEM,
                "the root file does not describe the system",
                file=file,
                path=(),
                hint="add 'system: {name: ...}'",
            )
            return
        self.system_origin = Origin(file, ("system",))
        system, problems = validate_one(System, data["system"], file, ("system",))
        self.system = system
        self.diagnostics.extend(problems)

    def _policies(self, value: Any, file: str) -> None:
        """The threat policy is a section like the others: a malformed one is an error."""
        if value is None:
            return
        policies, problems = validate_one(Policies, value, file, (POLICY_KEY,))
        self.diagnostics.extend(problems)
        if policies is not None:
            self.policies = policies
            where = [(rule, Origin(file, (POLICY_KEY, "rules", i))) for i, rule in enumerate(policies.rules)]
            self.elements[POLICY_RULES] = where

    def _sections(self, data: dict[Any, Any], file: str) -> None:
        for section, cls in LIST_SECTIONS.items():
            if section not in data or data[section] is None:
                continue
            items = data[section]
            if not isinstance(items, list):
                self._report(codes.BAD_VALUE, f"'{section}' must be a list", file=file, path=(section,))
                continue
            if section == "risks":
                items = self._dated(items, file)
            good, problems, broken = validate_list(cls, items, file, (section,))
            self.diagnostics.extend(problems)
            self.broken.setdefault(section, set()).update(broken)
            self.elements.setdefault(section, []).extend((el, Origin(file, (section, i))) for i, el in good)
        if data.get("pipeline") is not None:
            self._pipeline(data["pipeline"], file)

    def _dated(self, items: list[Any], file: str) -> list[Any]:
        """Risks whose ``expires`` is a number (a unix timestamp the schema would take for a
        date) are reported, and checked without it."""
        out = []
        for i, item in enumerate(items):
            expires = item.get("expires") if isinstance(item, dict) else None
            if isinstance(expires, int | float) and not isinstance(expires, bool):
                self._report(
                    codes.BAD_VALUE,
                    f"'expires' must be a date (YYYY-MM-DD), not the number {expires}",
                    file=file,
                    path=("risks", i, "expires"),
                )
                item = {k: v for k, v in item.items() if k != "expires"}
            out.append(item)
        return out

    def _pipeline(self, value: Any, file: str) -> None:
        if not isinstance(value, dict):
            self._report(
                codes.BAD_VALUE, "'pipeline' must be a mapping with 'stages'", file=file, path=("pipeline",)
            )
            return
        stages = value.get("stages") or []
        rest = {k: v for k, v in value.items() if k != "stages"}
        _, problems = validate_one(Pipeline, rest, file, ("pipeline",))
        self.diagnostics.extend(problems)
        if not isinstance(stages, list):
            self._report(codes.BAD_VALUE, "'stages' must be a list", file=file, path=("pipeline", "stages"))
            return
        from archmodel.model import Stage

        good, problems, broken = validate_list(Stage, stages, file, ("pipeline", "stages"))
        self.diagnostics.extend(problems)
        self.broken.setdefault("stages", set()).update(broken)
        self.elements.setdefault("stages", []).extend(
            (el, Origin(file, ("pipeline", "stages", i))) for i, el in good
        )

    def _includes(self, data: dict[Any, Any], path: Path, stack: tuple[Path, ...]) -> None:
        patterns = data.get("include")
        if patterns is None:
            return
        file = str(path)
        if not isinstance(patterns, list):
            self._report(
                codes.BAD_VALUE, "'include' must be a list of paths or globs", file=file, path=("include",)
            )
            return
        for i, pattern in enumerate(patterns):
            if not isinstance(pattern, str) or not pattern:
                self._report(
                    codes.BAD_VALUE,
                    "an include must be a non-empty path or glob",
                    file=file,
                    path=("include", i),
                )
                continue
            for target in self._expand(pattern, path, file, i):
                if target in stack:
                    cycle = " -> ".join(p.name for p in (*stack[stack.index(target) :], target))
                    self._report(
                        codes.INCLUDE_CYCLE, f"include cycle: {cycle}", file=file, path=("include", i)
                    )
                    continue
                self.visit(target, is_root=False, stack=stack)

    def _expand(self, pattern: str, path: Path, file: str, index: int) -> list[Path]:
        where = {"file": file, "path": ("include", index)}
        joined = os.path.normpath(os.path.join(path.parent, pattern))
        if not _inside(Path(joined), self.root_dir):
            self._report(codes.INCLUDE_ESCAPE, f"include '{pattern}' leaves the model directory", **where)
            return []
        is_glob = glob.has_magic(pattern)
        matches = (
            sorted(glob.glob(joined, recursive=True))
            if is_glob
            else ([joined] if os.path.exists(joined) else [])
        )
        targets = []
        for match in matches:
            real = Path(os.path.realpath(match))
            kind = _kind(real)
            if kind == "a directory" and is_glob:
                continue
            if kind is not None:
                self._report(codes.NOT_REGULAR, f"include '{pattern}' is {kind}, not a regular file", **where)
                continue
            if is_glob and real == path:
                continue
            if is_glob and _generated(real, self.root_dir):
                continue
            if not _inside(real, self.root_dir):
                self._report(
                    codes.INCLUDE_ESCAPE,
                    f"include '{pattern}' resolves outside the model directory ({match})",
                    **where,
                )
                continue
            targets.append(real)
        if not targets and not matches:
            self._report(codes.INCLUDE_EMPTY, f"include '{pattern}' matches no file", **where)
        return targets


def _kind(path: Path) -> str | None:
    """None for a regular file, else what it is (a directory, a named pipe, a device...)."""
    try:
        return file_kind(os.stat(path).st_mode)
    except OSError:
        return None  # reported when it is read


GENERATED_MARKER = ".archmodel-manifest.json"


def _generated(path: Path, root_dir: Path) -> bool:
    """Whether ``path`` lies in an output directory of `archmodel generate` below the
    model directory: a glob like ``**/*.yaml`` must not read generated YAML as model."""
    for parent in path.parents:
        if parent == root_dir or not _inside(parent, root_dir):
            return False
        if (parent / GENERATED_MARKER).is_file():
            return True
    return False


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.relative_to(directory)
        return True
    except ValueError:
        return False
