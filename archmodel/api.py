"""Load a model once, check it, and locate its diagnostics: what every command starts with."""

from __future__ import annotations

from pathlib import Path

from archmodel import collector
from archmodel.catalog import Severity
from archmodel.diagnostics import Diagnostic
from archmodel.load import load
from archmodel.project import Project
from archmodel.rules import check, check_view


class InvalidModel(Exception):
    """The model has errors: commands that build on it refuse to run."""

    def __init__(self, project: Project) -> None:
        super().__init__(f"{project.root}: invalid model")
        self.project = project

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.project.diagnostics if d.severity == Severity.error]


def valid_project(path: Path) -> Project:
    """The loaded project, or ``InvalidModel`` when it has errors: the one gate in front
    of threats, generate, check, drift, diff and the MkDocs plugin."""
    project = load_project(path)
    if project.failed():
        raise InvalidModel(project)
    return project


def check_environment(project: Project, environment: str) -> None:
    """Add what the rules that depend on deployment find in one (existing) environment's
    view, beyond what the whole model already says. Only a model without errors has
    views worth checking."""
    if project.failed():
        return
    said = {(d.code, d.file, d.path) for d in project.diagnostics}
    view = check_view(project.for_environment(environment))
    new = project.positions.resolve([d for d in view if (d.code, d.file, d.path) not in said])
    project.diagnostics = sorted({*project.diagnostics, *new}, key=lambda d: d.sort_key())


def load_project(path: Path) -> Project:
    """Load and validate; raises ``ModelNotFound`` only when the path names no model."""
    with collector.paused():  # hundreds of thousands of objects, none in a cycle
        project = Project.from_loaded(load(path))
        if not any(d.code in _FATAL for d in project.diagnostics):
            project.diagnostics += check(project)
        located = project.positions.resolve(project.diagnostics)
    project.diagnostics = sorted(set(located), key=lambda d: d.sort_key())
    return project


# A file that could not be read leaves the model incomplete: graph rules would only add noise.
_FATAL = {
    *("AM001", "AM002", "AM003", "AM004", "AM005", "AM006", "AM008", "AM011", "AM013"),
    *("AM014", "AM015", "AM016", "AM017", "AM018"),
}
