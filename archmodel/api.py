"""Load a model, check it, and locate its diagnostics: what every command starts with."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from archmodel.diagnostics import Diagnostic, has_errors
from archmodel.graph import ArchGraph
from archmodel.load import Loaded, load
from archmodel.load.positions import resolve
from archmodel.rules import check


@dataclass
class Checked:
    loaded: Loaded
    graph: ArchGraph
    diagnostics: list[Diagnostic]

    def failed(self, strict: bool = False) -> bool:
        return has_errors(self.diagnostics, strict)


def check_model(path: Path) -> Checked:
    """Load and validate; raises ``ModelNotFound`` only when the path names no model."""
    with _paused_gc():
        loaded = load(path)
        graph = ArchGraph(loaded.model)
        found = list(loaded.diagnostics)
        if not any(d.code in _FATAL for d in found):
            found += check(loaded, graph)
    located = sorted(set(resolve(found)), key=lambda d: d.sort_key())
    return Checked(loaded, graph, located)


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Loading allocates hundreds of thousands of acyclic objects; the cyclic collector
    would scan them again and again (half the load time of a 10k-component model)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# A file that could not be read leaves the model incomplete: graph rules would only add noise.
_FATAL = {"AM001", "AM002", "AM003", "AM004", "AM005", "AM006", "AM008", "AM011", "AM013"}
