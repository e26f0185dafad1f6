"""Threat rules: one rule is one decorated function carrying its catalog entry.

As with checkov checks, adding a rule touches one function and its case file. A rule's
check is plain Python over the ``ThreatContext`` (never an eval'd string); it yields
``Hit``s and the engine turns them into findings, dropping every hit whose mitigating
controls are already present, so that no rule can report noise by forgetting that test.

``@threat`` only attaches the rule to its function: ``archmodel.threats.checks`` lists
the modules that hold rules, and third-party modules are named by entry points of the
``archmodel.threat_rules`` group (see ``load_plugins``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import TYPE_CHECKING

from archmodel.catalog import RuleInfo, RuleKind, Severity
from archmodel.model import BUILTIN_CONTROLS, Ref
from archmodel.threats.types import SECURITY_SEVERITY, ModelChange, Stride, ThreatSeverity

if TYPE_CHECKING:
    from archmodel.threats.context import ThreatContext

PLUGIN_GROUP = "archmodel.threat_rules"
# The first name of the group: it held threat rules only, but read like validation rules.
LEGACY_PLUGIN_GROUP = "archmodel.rules"
_ATTR = "threat_rule"


@dataclass(frozen=True, init=False)
class Hit:
    """A rule's observation on one target, before status, location and severity are set.

    ``stake`` (0-3) is what is at risk on the target (data classification, criticality);
    ``exposed`` raises the severity one step for internet-facing targets. ``present`` is
    the set of controls that would count on the target: if it holds any of the rule's
    mitigations the hit is dropped. The finding points at the target's line unless
    ``where`` names another element (a path points at its data store). ``changes`` are
    the model changes that close the hit where controls do not (or besides them).
    """

    target: Ref | str  # text from older plugins is parsed
    description: str
    stake: int = 1
    exposed: bool = False
    present: frozenset[str] = frozenset()
    where: tuple[str, str] | None = None
    mitigations: tuple[str, ...] | None = None
    severity: ThreatSeverity | None = None
    changes: tuple[ModelChange, ...] = ()

    def __init__(
        self,
        target: Ref | str,
        description: str,
        stake: int = 1,
        exposed: bool = False,
        present: frozenset[str] = frozenset(),
        where: tuple[str, str] | None = None,
        mitigations: tuple[str, ...] | None = None,
        severity: ThreatSeverity | None = None,
        changes: tuple[ModelChange, ...] = (),
    ) -> None:
        # The fields in one update: the frozen dataclass's own __init__ sets each through
        # object.__setattr__, twice the cost over the tens of thousands of hits of a
        # large model. Still frozen: assigning a field afterwards raises.
        self.__dict__.update(
            target=target,
            description=description,
            stake=stake,
            exposed=exposed,
            present=present,
            where=where,
            mitigations=mitigations,
            severity=severity,
            changes=changes,
        )

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
    # False for threats that do not come through the way in (an unversioned image, a
    # missing build pipeline): exposure, authentication and hops do not change their
    # likelihood.
    way_in: bool = True
    # False for threats from anyone on the network path (reading or altering a flow in
    # transit): who the caller is does not change their likelihood, exposure still does.
    by_caller: bool = True
    # True for threats that ride a signed-in user's browser (cross-site scripting): the
    # victim's login is what the attack uses, so authentication on the way in does not
    # make it less likely; exposure still does.
    via_victim: bool = False

    def hits(self, ctx: ThreatContext) -> Iterator[Hit]:
        yield from self.check(ctx)

    @property
    def info(self) -> RuleInfo:
        """The catalog entry; the default severity is that of a hit on an ordinary target."""
        default = ThreatSeverity.from_rank(1 + self.weight)
        cwe_tags = tuple(f"external/cwe/{c.lower()}" for c in self.cwe)
        return RuleInfo(
            code=self.id,
            severity=Severity.warning,
            title=self.title,
            doc=self.doc,
            kind=RuleKind.threat,
            fix=self.fix,
            stride=tuple(str(s) for s in self.stride),
            tags=("security", *cwe_tags, *self.tags),
            security_severity=SECURITY_SEVERITY[default],
        )


def layer_of_controls(mitigations: Iterable[str]) -> str:
    """The layer a rule defends: that of its first built-in mitigation."""
    for control in mitigations:
        if control in BUILTIN_CONTROLS:
            return str(BUILTIN_CONTROLS[control][0])
    return "infrastructure"


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
    way_in: bool = True,
    by_caller: bool = True,
    via_victim: bool = False,
) -> Callable[[Check], Check]:
    """Declare a rule; the decorated function's docstring is the rule's doc (the anti-pattern)."""

    def decorate(check: Check) -> Check:
        controls = tuple(mitigations)
        setattr(
            check,
            _ATTR,
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
                way_in=way_in,
                by_caller=by_caller,
                via_victim=via_victim,
            ),
        )
        return check

    return decorate


def rules_in(module: ModuleType) -> list[ThreatRule]:
    """The rules a module defines: decorated functions, and tuples of them for rules
    made in a loop, in the order they are written."""
    found: list[ThreatRule] = []
    for value in vars(module).values():
        for item in value if isinstance(value, tuple) else (value,):
            rule = getattr(item, _ATTR, None)
            if isinstance(rule, ThreatRule):
                found.append(rule)
    return found


@dataclass(frozen=True)
class Plugins:
    """Third-party rules, and problems to tell the user about (never fatal)."""

    rules: tuple[ThreatRule, ...] = ()
    errors: tuple[str, ...] = ()
    deprecated: tuple[str, ...] = ()


def load_plugins() -> Plugins:
    """Rules named by ``archmodel.threat_rules`` entry points (and the legacy group).

    An entry point may name a module (its decorated rules are collected), a ``ThreatRule``,
    or a callable returning ThreatRules. A broken plugin is reported, never fatal: the
    built-in catalog still runs.
    """
    rules: list[ThreatRule] = []
    errors: list[str] = []
    legacy = _entry_points(LEGACY_PLUGIN_GROUP)
    for ep in [*_entry_points(PLUGIN_GROUP), *legacy]:
        try:
            found = _rules_of(ep.load())
        except Exception as exc:  # a plugin's failure must not hide the built-in findings
            errors.append(f"rule plugin '{ep.name}' ({ep.value}) failed to load: {exc}")
            continue
        if not found:
            errors.append(f"rule plugin '{ep.name}' ({ep.value}) provides no threat rules")
        rules += found
    deprecated = tuple(
        f"rule plugin '{ep.name}' uses the entry point group '{LEGACY_PLUGIN_GROUP}'; "
        f"rename it to '{PLUGIN_GROUP}'"
        for ep in legacy
    )
    return Plugins(tuple(rules), tuple(errors), deprecated)


def _entry_points(group: str) -> list[EntryPoint]:
    return sorted(entry_points(group=group), key=lambda e: e.name)


def _rules_of(loaded: object) -> list[ThreatRule]:
    if isinstance(loaded, ThreatRule):
        return [loaded]
    if isinstance(loaded, ModuleType):
        return rules_in(loaded)
    if callable(loaded) and not isinstance(loaded, type):
        return [r for r in loaded() if isinstance(r, ThreatRule)]
    return []
