"""The threat rule registry: one rule is one decorated function, registered by declaration.

As with checkov checks, adding a rule touches one function and its fixture. A rule's check
is plain Python over the ``ThreatContext`` (never an eval'd string); it yields ``Hit``s and
the engine turns them into findings, dropping every hit whose mitigating controls are
already present, so that no rule can report noise by forgetting that test.

Third-party rules register the same way from modules named by the ``archmodel.rules``
entry point group (see ``load_plugins``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from archmodel.model import BUILTIN_CONTROLS, Ref
from archmodel.threats.types import Stride, ThreatSeverity

if TYPE_CHECKING:
    from archmodel.threats.context import ThreatContext

PLUGIN_GROUP = "archmodel.rules"


@dataclass(frozen=True)
class Hit:
    """A rule's observation on one target, before status, location and severity are set.

    ``stake`` (0-3) is what is at risk on the target (data classification, criticality);
    ``exposed`` raises the severity one step for internet-facing targets. ``present`` is
    the set of controls that would count on the target: if it holds any of the rule's
    mitigations the hit is dropped. The finding points at the target's line unless
    ``where`` names another element (a path points at its data store).
    """

    target: Ref | str  # text from older plugins is parsed
    description: str
    stake: int = 1
    exposed: bool = False
    present: frozenset[str] = frozenset()
    where: tuple[str, str] | None = None
    mitigations: tuple[str, ...] | None = None
    severity: ThreatSeverity | None = None

    @property
    def ref(self) -> Ref:
        return self.target if isinstance(self.target, Ref) else Ref.parse(self.target)

    @property
    def location(self) -> tuple[str, str] | None:
        """(model section, id) of the element the finding points at."""
        if self.where is not None:
            return self.where
        ref = self.ref
        return (ref.section, ref.id) if ref.section != "paths" and ref.known_kind else None


Check = Callable[["ThreatContext"], Iterable[Hit]]


@dataclass(frozen=True)
class ThreatRule:
    """A catalog entry: what the threat is, how bad it is by default and what closes it."""

    id: str
    title: str
    stride: tuple[Stride, ...]
    mitigations: tuple[str, ...]
    fix: str
    check: Check
    layer: str = ""
    weight: int = 0
    cwe: tuple[str, ...] = ()
    capec: tuple[str, ...] = ()
    doc: str = ""
    scope: str = "component"
    tags: tuple[str, ...] = field(default=())

    def hits(self, ctx: ThreatContext) -> Iterator[Hit]:
        yield from self.check(ctx)


REGISTRY: dict[str, ThreatRule] = {}


def layer_of_controls(mitigations: Iterable[str]) -> str:
    """The layer a rule defends: that of its first built-in mitigation."""
    for control in mitigations:
        if control in BUILTIN_CONTROLS:
            return str(BUILTIN_CONTROLS[control][0])
    return "infrastructure"


def register(rule: ThreatRule) -> ThreatRule:
    """Add a rule; a second rule with the same id is a programming error."""
    if rule.id in REGISTRY:
        raise ValueError(f"threat rule {rule.id} defined twice")
    REGISTRY[rule.id] = rule
    return rule


def threat(
    rule_id: str,
    title: str,
    *,
    stride: Iterable[Stride],
    mitigations: Iterable[str],
    fix: str,
    layer: str | None = None,
    weight: int = 0,
    cwe: Iterable[str] = (),
    capec: Iterable[str] = (),
    scope: str = "component",
) -> Callable[[Check], Check]:
    """Declare a rule; the decorated function's docstring is the rule's documentation."""

    def decorate(check: Check) -> Check:
        controls = tuple(mitigations)
        register(
            ThreatRule(
                id=rule_id,
                title=title,
                stride=tuple(stride),
                mitigations=controls,
                fix=fix,
                check=check,
                layer=layer or layer_of_controls(controls),
                weight=weight,
                cwe=tuple(cwe),
                capec=tuple(capec),
                doc=" ".join((check.__doc__ or title).split()),
                scope=scope,
            )
        )
        return check

    return decorate


def load_plugins() -> list[str]:
    """Import third-party rule modules (``archmodel.rules`` entry points); returns errors.

    An entry point may name a module (its decorated rules register on import), a
    ``ThreatRule``, or a callable returning ThreatRules. A broken plugin is reported, never
    fatal: the built-in catalog still runs.
    """
    errors: list[str] = []
    for ep in sorted(entry_points(group=PLUGIN_GROUP), key=lambda e: e.name):
        try:
            loaded = ep.load()
            if isinstance(loaded, ThreatRule):
                _register_once(loaded)
            elif callable(loaded) and not isinstance(loaded, type):
                for rule in loaded():
                    _register_once(rule)
        except Exception as exc:  # a plugin's failure must not hide the built-in findings
            errors.append(f"rule plugin '{ep.name}' ({ep.value}) failed to load: {exc}")
    return errors


def _register_once(rule: ThreatRule) -> None:
    if REGISTRY.get(rule.id) is not rule:
        register(rule)
