"""The generator contract and the one writer that puts generated files on disk.

A generator is a function ``generate(project, options) -> {relative path: bytes}``
registered under the ``archmodel.generators`` entry point group. Generators never write
files: ``archmodel.writer`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from archmodel.project import Project


@dataclass(frozen=True)
class GenerateOptions:
    max_nodes: int = 150  # diagrams above this are split into views
    view: str | None = None


Generator = Callable[["Project", GenerateOptions], dict[str, bytes]]


def available_generators() -> dict[str, EntryPoint]:
    """Generators registered through the ``archmodel.generators`` entry point group,
    not yet imported: a kind that is not asked for costs nothing and cannot break a run."""
    from importlib.metadata import entry_points  # 40 ms: only for the commands that generate

    return {ep.name: ep for ep in entry_points(group="archmodel.generators")}


class GeneratorUnavailable(RuntimeError):
    """A registered generator could not be imported."""


def load_generator(ep: EntryPoint) -> Generator:
    try:
        generator: Generator = ep.load()
    except (ImportError, AttributeError) as exc:
        raise GeneratorUnavailable(f"generator '{ep.name}' cannot be loaded: {exc}") from exc
    return generator
