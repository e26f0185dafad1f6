"""The validation rule registry: a rule is one function registered with its catalog entry.

A check yields ``Issue``s (what is wrong and where); the registry stamps them with the
rule's code and severity, so a check never repeats its own code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from archmodel.catalog import RuleInfo, Severity, define
from archmodel.diagnostics import Diagnostic, PathPart
from archmodel.graph import ArchGraph
from archmodel.load import Origin
from archmodel.project import Project


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T")


@dataclass(frozen=True)
class Issue:
    message: str
    origin: Origin | None = None
    sub: tuple[PathPart, ...] = ()
    hint: str | None = None


@dataclass(frozen=True)
class Context:
    project: Project
    graph: ArchGraph

    def items(self, section: str) -> Sequence[Any]:
        model = self.project.model
        return model.stages if section == "stages" else getattr(model, section)

    def known(self, section: str) -> set[str]:
        """Ids that exist in a section, including elements that failed the schema."""
        return {item.id for item in self.items(section)} | self.project.broken_ids.get(section, set())

    def each(self, section: str, items: Sequence[T]) -> Iterator[tuple[T, Origin]]:
        """Elements of a section with where they are written."""
        return zip(items, self.project.origins.get(section, []), strict=False)

    def origin_of(self, section: str, element_id: str) -> Origin | None:
        """Where the first element with this id is written."""
        for item, origin in zip(self.items(section), self.project.origins.get(section, []), strict=False):
            if item.id == element_id:
                return origin
        return None


Check = Callable[[Context], Iterable[Issue]]


@dataclass(frozen=True)
class Rule:
    info: RuleInfo
    check: Check

    def run(self, ctx: Context) -> Iterator[Diagnostic]:
        for issue in self.check(ctx):
            where: dict[str, Any] = {}
            if issue.origin is not None:
                where = {"file": issue.origin.file, "path": (*issue.origin.path, *issue.sub)}
            yield Diagnostic(
                code=self.info.code,
                severity=self.info.severity,
                message=issue.message,
                hint=issue.hint,
                **where,
            )


RULES: list[Rule] = []


def rule(code: str, severity: Severity, title: str) -> Callable[[Check], Check]:
    """Register a check; its docstring becomes the rule's documentation."""

    def register(check: Check) -> Check:
        doc = " ".join((check.__doc__ or title).split())
        RULES.append(Rule(define(code, severity, title, doc), check))
        return check

    return register
