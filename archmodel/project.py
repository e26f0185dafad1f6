"""The one loaded form of a model that every command, generator and plugin works on.

A ``Project`` is read from disk once: the typed model, where each element is written,
the bytes of every model file as they were read (for positions and fingerprints), the
graph, and the located diagnostics of loading and validation. Nothing downstream opens a
model file again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archmodel.diagnostics import Diagnostic, has_errors
from archmodel.graph import ArchGraph
from archmodel.load import Loaded, Origin
from archmodel.load.positions import Positions
from archmodel.model import Model
from archmodel.model.view import environment_view


@dataclass(eq=False)  # one loaded model is one object: identity, hashable (results cache on it)
class Project:
    root: Path
    model: Model
    graph: ArchGraph
    # Every model file read, by its resolved path, with the exact bytes that were parsed.
    sources: dict[str, bytes]
    # Parallel to the model's lists: origins["components"][i] is where components[i] is.
    origins: dict[str, list[Origin]]
    # Ids of elements that failed the schema: they exist, so references to them are fine.
    broken_ids: dict[str, set[str]]
    system_origin: Origin | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The environment this project is the view of; None for the whole model.
    environment: str | None = None
    _positions: Positions | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_loaded(cls, loaded: Loaded) -> Project:
        return cls(
            root=loaded.root,
            model=loaded.model,
            graph=ArchGraph(loaded.model),
            sources=dict(loaded.sources),
            origins=loaded.origins,
            broken_ids=loaded.broken_ids,
            system_origin=loaded.system_origin,
            diagnostics=list(loaded.diagnostics),
        )

    @classmethod
    def from_model(cls, model: Model, root: Path = Path("archmodel.yaml")) -> Project:
        """A project built in memory (no files, no positions): for tests and embedding."""
        return cls(root, model, ArchGraph(model), {}, {}, {})

    @property
    def files(self) -> list[Path]:
        return [Path(f) for f in self.sources]

    @property
    def base(self) -> Path:
        """The model directory: report paths are written relative to it."""
        return self.root.parent

    @property
    def positions(self) -> Positions:
        """Lines and columns of paths in the files, from ``sources`` (never re-read)."""
        if self._positions is None:
            self._positions = Positions(self.sources)
        return self._positions

    def origin(self, section: str, index: int) -> Origin:
        return self.origins[section][index]

    @property
    def environment_ids(self) -> list[str]:
        return [e.id for e in self.model.environments]

    def for_environment(self, env_id: str) -> Project:
        """The project as deployed in one environment (``model.view``): the same files and
        positions, the filtered model, its own graph, and no diagnostics of its own."""
        view = environment_view(self.model, env_id)
        origins = dict(self.origins)
        for section, kept in view.kept.items():
            if section in origins:
                origins[section] = [self.origins[section][i] for i in kept]
        project = Project(
            self.root,
            view.model,
            ArchGraph(view.model),
            self.sources,
            origins,
            self.broken_ids,
            self.system_origin,
        )
        project._positions = self.positions
        project.environment = env_id
        return project

    def in_environment(self, env_id: str) -> Project:
        """This project when it already is that environment's view, else the view."""
        return self if self.environment == env_id else self.for_environment(env_id)

    def failed(self, strict: bool = False) -> bool:
        return has_errors(self.diagnostics, strict)
