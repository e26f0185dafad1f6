"""Validation rules: a rule is one function carrying its catalog entry.

A check yields ``Issue``s (what is wrong and where); the rule stamps them with its code
and severity, so a check never repeats its own code. ``@rule`` only attaches the entry
to the function; ``archmodel.rules.validation_rules`` lists the modules that hold rules,
so the set of rules never depends on import order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
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


_ATTR = "validation_rule"


def rule(code: str, severity: Severity, title: str, *, fix: str) -> Callable[[Check], Check]:
    """Mark a check as a rule; its docstring is the rule's doc (the anti-pattern), ``fix``
    says how to remove it."""

    def mark(check: Check) -> Check:
        doc = " ".join((check.__doc__ or title).split())
        setattr(check, _ATTR, Rule(define(code, severity, title, doc, fix=fix), check))
        return check

    return mark


def rules_in(module: ModuleType) -> list[Rule]:
    """The rules a module defines, in the order they are written."""
    found = (getattr(value, _ATTR, None) for value in vars(module).values())
    return [r for r in found if isinstance(r, Rule)]
