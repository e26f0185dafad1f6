"""Read plain Kubernetes manifests (YAML multi-document, JSON, ``kind: List``) safely.

Manifests are input we do not control: only regular files are read, never beyond a size
bound, with a safe loader and a bound on aliases (a "billion laughs" document expands
aliases into gigabytes). Templates are refused: a Helm chart or a kustomization describes
no cluster until rendered, and reading it as if it did would report false drift.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from archmodel.safe_files import kind_of, read_regular

FILE_LIMIT = 8 * 1024 * 1024
ALIAS_LIMIT = 1000
SUFFIXES = (".yaml", ".yml", ".json")
RENDERERS = {
    "Chart.yaml": "helm template RELEASE {dir} > rendered.yaml",
    "kustomization.yaml": "kubectl kustomize {dir} > rendered.yaml",
    "kustomization.yml": "kubectl kustomize {dir} > rendered.yaml",
}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ManifestError(ValueError):
    """A manifest that cannot be read; the message names the file and line."""


class NeedsRendering(ManifestError):
    """A Helm chart or kustomization: the message names the command that renders it."""


@dataclass(frozen=True)
class Doc:
    """One Kubernetes object and where it is written."""

    body: dict[str, Any]
    file: str
    line: int
    node: yaml.Node | None = field(default=None, compare=False, repr=False)

    @property
    def kind(self) -> str:
        return str(self.body.get("kind") or "?")

    def line_of(self, *path: str | int) -> int:
        """The line of a part of the object (e.g. ``"spec", "ingress", 0``), so a finding
        points at the rule, not at the object's first line; the object's line if unknown."""
        node, line = self.node, self.line
        for part in path:
            if isinstance(node, yaml.MappingNode):  # a key's line, not its value's
                key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
                line = key.start_mark.line + 1 if key is not None else line
            node = child(node, part)
            if node is None:
                return self.line
            if not isinstance(part, str):
                line = node.start_mark.line + 1
        return line


def child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if getattr(k, "value", None) == part), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item: yaml.Node = node.value[part]
        return item
    return None


def read_manifests(directory: Path) -> list[Doc]:
    """Every object of every manifest under ``directory``, in file order."""
    _refuse_templates(directory)
    docs: list[Doc] = []
    for path in sorted(p for p in directory.rglob("*") if p.suffix in SUFFIXES):
        if path.is_dir() and not path.is_symlink():
            continue  # a directory named x.yaml is no manifest
        docs.extend(_read_file(_regular(path, directory)))
    return docs


def _regular(path: Path, directory: Path) -> Path:
    """The file to read for ``path``: itself, or the target of a link to a regular file
    inside the directory. A FIFO would hang the run and a link could reach ``/dev/zero``
    or a secret elsewhere: anything else is an error naming the file."""
    kind = kind_of(path)
    if kind == "symlink":
        target = path.resolve()
        if target.is_relative_to(directory.resolve()) and kind_of(target) is None:
            return target
        raise ManifestError(f"{path}: a link out of {directory} or to no regular file; not read")
    if kind is not None:
        raise ManifestError(f"{path}: not a regular file ({kind}); not read")
    return path


def _refuse_templates(directory: Path) -> None:
    for name, command in RENDERERS.items():
        found = sorted(directory.rglob(name))
        if found:
            where = found[0].parent
            raise NeedsRendering(
                f"{found[0]}: a {'Helm chart' if name == 'Chart.yaml' else 'kustomization'} is a "
                f"template, not manifests; render it first: {command.format(dir=where)} "
                "and give that file's directory as --k8s"
            )


def _read_file(path: Path) -> Iterator[Doc]:
    try:
        text = read_regular(path, FILE_LIMIT).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read: {exc}") from exc
    try:
        _bound_aliases(text, path)
        for body, node in _documents(text):
            yield from _objects(body, str(path), node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f":{mark.line + 1}" if mark is not None else ""
        raise ManifestError(f"{path}{at}: not valid YAML/JSON: {getattr(exc, 'problem', exc)}") from exc


def _bound_aliases(text: str, path: Path) -> None:
    aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > ALIAS_LIMIT:
                line = event.start_mark.line + 1 if event.start_mark else 0
                raise ManifestError(f"{path}:{line}: more than {ALIAS_LIMIT} YAML aliases")


def _documents(text: str) -> Iterator[tuple[Any, yaml.Node]]:
    """Each document with its node (JSON is a YAML document too)."""
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                yield loader.construct_document(node), node
    finally:
        loader.dispose()


def _objects(body: Any, file: str, node: yaml.Node | None) -> Iterator[Doc]:
    """A ``kind: List`` (what ``kubectl get -o yaml`` writes) holds its objects in items."""
    line = node.start_mark.line + 1 if node is not None else 1
    if not isinstance(body, dict):
        if body is not None:
            raise ManifestError(f"{file}:{line}: a manifest is a mapping, not {type(body).__name__}")
        return
    if body.get("kind") == "List" or (str(body.get("kind", "")).endswith("List") and "items" in body):
        items = child(node, "items")
        for i, item in enumerate(body.get("items") or []):
            yield from _objects(item, file, child(items, i) or node)
    else:
        yield Doc(body, file, line, node)
