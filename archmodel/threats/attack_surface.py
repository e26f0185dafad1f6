"""Where attacks start and what they aim at: entry points and sensitive targets.

Entry points: components on the untrusted side (the internet; third-party systems there
are partners), people in a named zone of ours (insiders), clients placed in no zone, and
``(internet)``: every public component that no entry on the untrusted side feeds, reached
from the internet directly. Targets: components holding confidential or restricted data,
credentials (a secrets store or identity provider, or data of category
credentials/secrets) and administrative interfaces (monitoring consoles, components
tagged ``admin``, SSH/SMB endpoints), each with the layers a path to it must cross.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from archmodel.model import (
    CLIENTS,
    HUMAN_CLIENTS,
    PASS_THROUGH,
    SECRET_CATEGORIES,
    Classification,
    Component,
    Kind,
    Layer,
    Protocol,
    Trust,
)
from archmodel.threats.context import ThreatContext

# Protocols of remote administration: a component reached by them is an admin interface.
ADMIN_PROTOCOLS = frozenset({Protocol.ssh, Protocol.smb})
ADMIN_KINDS = frozenset({Kind.monitoring})
CREDENTIAL_KINDS = frozenset({Kind.secrets_store, Kind.identity_provider})


class EntryKind(StrEnum):
    internet = "internet"
    partner = "partner"
    insider = "insider"
    unzoned = "unzoned"


class TargetClass(StrEnum):
    data = "data"
    credentials = "credentials"
    admin = "admin"


_A, _P, _N, _D, _I = Layer.application, Layer.api, Layer.network, Layer.data, Layer.identity
# Layers a path must cross, by target class and classification (before the policy's
# ``required_layers`` narrows them): confidential data needs the application to check the
# caller, the network to filter and data protection in transit; restricted data needs
# every default layer; credentials and admin interfaces need identity on the way.
REQUIRED: dict[tuple[TargetClass, Classification], frozenset[Layer]] = {
    (TargetClass.data, Classification.confidential): frozenset({_A, _N, _D}),
    (TargetClass.data, Classification.restricted): frozenset({_A, _P, _N, _D, _I}),
    (TargetClass.credentials, Classification.confidential): frozenset({_A, _N, _D, _I}),
    (TargetClass.credentials, Classification.restricted): frozenset({_A, _N, _D, _I}),
    (TargetClass.admin, Classification.confidential): frozenset({_A, _N, _I}),
    (TargetClass.admin, Classification.restricted): frozenset({_A, _N, _I}),
}


@dataclass(frozen=True)
class Entry:
    id: str
    kind: EntryKind
    zone: str | None
    ours: bool = False  # our own public component: its controls are the first defence
    # Entries searched together (one search from all of them): a model with very many
    # entry points has them grouped by kind and zone, so the analysis stays linear.
    members: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        where = f" in zone '{self.zone}'" if self.zone and self.kind is EntryKind.insider else ""
        if self.members:
            return f"{len(self.members)} {self.kind} entries{where} (from {self.members[0]!r})"
        return f"{self.kind} entry '{self.id}'{where}"


@dataclass(frozen=True)
class Target:
    id: str
    cls: TargetClass
    classification: Classification
    data: tuple[str, ...]  # the data that makes it a target (empty for admin interfaces)

    @property
    def what(self) -> str:
        """``restricted credentials``: the class as a reader says it."""
        noun = {TargetClass.data: "data", TargetClass.credentials: "credentials"}
        return f"{self.classification} {noun.get(self.cls, 'admin interface')}"

    @property
    def label(self) -> str:
        """``restricted credentials 'signing-key', 'a' and 2 more in 'auth'``: the data
        most sensitive first (``targets`` orders it), so the classification named is the
        first asset's."""
        more = f" and {len(self.data) - 3} more" if len(self.data) > 3 else ""
        held = f" {', '.join(repr(d) for d in self.data[:3])}{more}" if self.data else ""
        return f"{self.what}{held} in '{self.id}'"


PUBLIC = "(internet)"  # the entry of public components: no component id has parentheses


# More entry points than this are searched in groups (by kind and zone, then by kind):
# each search walks the whole graph, and a generated or hostile model can make every
# fourth component an entry.
MAX_SEARCHES = 32


def entries(ctx: ThreatContext) -> list[Entry]:
    """Every entry point, by id; public components that no entry on the untrusted side
    feeds are reached straight from the internet (one entry, ``(internet)``). Above
    ``MAX_SEARCHES`` entries, those of one kind and zone are one grouped entry (and above
    it again, those of one kind)."""
    found = [e for e in (_entry(ctx, c) for c in ctx.graph.components.values()) if e is not None]
    public = [Entry(PUBLIC, EntryKind.internet, None, ours=True)] if public_sources(ctx) else []
    for key in (lambda e: (e.kind, e.zone), lambda e: (e.kind, None)):
        if len(found) + len(public) <= MAX_SEARCHES:
            break
        found = _grouped(found, key)
    return sorted([*found, *public], key=lambda e: e.id)


def _grouped(found: list[Entry], key: Callable[[Entry], tuple[EntryKind, str | None]]) -> list[Entry]:
    groups: dict[tuple[EntryKind, str | None], list[str]] = {}
    for e in found:
        groups.setdefault(key(e), []).extend(e.members or (e.id,))
    return [
        Entry(f"({kind}{':' + zone if zone else ''})", kind, zone, members=tuple(sorted(ids)))
        for (kind, zone), ids in sorted(groups.items(), key=lambda item: (str(item[0][0]), item[0][1] or ""))
    ]


def public_sources(ctx: ThreatContext) -> list[str]:
    """In-scope public components not fed by the untrusted side (those are on its paths)."""
    untrusted = ctx.untrusted
    return sorted(
        c.id
        for c in ctx.components()
        if c.public and c.id not in untrusted and untrusted.isdisjoint(ctx.predecessors.get(c.id, ()))
    )


def _entry(ctx: ThreatContext, c: Component) -> Entry | None:
    trust = ctx.graph.trust_of(c.id)
    if trust is Trust.untrusted:
        kind = EntryKind.partner if c.kind is Kind.external_system else EntryKind.internet
        return Entry(c.id, kind, c.zone)
    if c.kind in HUMAN_CLIENTS and trust is not None:
        return Entry(c.id, EntryKind.insider, c.zone)
    if c.kind in CLIENTS and c.zone is None:
        return Entry(c.id, EntryKind.unzoned, None)
    return None


def _secret(ctx: ThreatContext, data_id: str) -> bool:
    asset = ctx.graph.data.get(data_id)
    return asset is not None and not SECRET_CATEGORIES.isdisjoint(asset.category)


def kept_credential(ctx: ThreatContext, keeper: Component, data_id: str) -> bool:
    """Whether data a component keeps is a credential: by its category; in a secrets
    store, whatever it is; in an identity provider, unless its category says what else it
    is (the shoppers' profiles and cards an identity server keeps are data, not logins)."""
    asset = ctx.graph.data.get(data_id)
    if asset is None:
        return False
    if keeper.kind is Kind.secrets_store or not SECRET_CATEGORIES.isdisjoint(asset.category):
        return True
    return keeper.kind is Kind.identity_provider and not asset.category


def _held(ctx: ThreatContext, c: Component) -> list[str]:
    """What a component keeps: its ``stores``, or what passes through a queue or cache."""
    if c.stores or c.kind not in (Kind.queue, Kind.cache):
        return list(c.stores)
    return sorted(ctx.handled(c.id))


def _class_of(ctx: ThreatContext, data: Iterable[str], floor: Classification) -> Classification:
    return Classification.from_rank(max(ctx.data_rank(data), floor.rank))


def targets(ctx: ThreatContext) -> list[Target]:
    """Sensitive targets, by component then class; clients and the untrusted side are
    the attacker's ground, never targets. Data counts where it is kept or processed
    (``stores``, ``processes``): owning a card processor reads every card in flight.
    What a secrets store or identity provider keeps is credentials (``kept_credential``)."""
    found: list[Target] = []
    admin_reached = {f.target for f in ctx.flows() if f.protocol in ADMIN_PROTOCOLS}
    conf = Classification.confidential
    secret = {d for d in ctx.graph.data if _secret(ctx, d)}
    for c in ctx.components():
        if c.kind in CLIENTS or ctx.graph.trust_of(c.id) is Trust.untrusted:
            continue
        # What a CDN, WAF or load balancer passes on is not kept there to be read.
        held = sorted({*_held(ctx, c), *([] if c.kind in PASS_THROUGH else c.processes)})
        vault = c.kind in CREDENTIAL_KINDS
        secrets = [d for d in held if d in secret or (vault and kept_credential(ctx, c, d))]
        sensitive = [d for d in ctx.sensitive(held) if d not in secrets]
        if sensitive:
            found.append(
                Target(c.id, TargetClass.data, _class_of(ctx, sensitive, conf), _ranked(ctx, sensitive))
            )
        if secrets or vault:
            found.append(
                Target(c.id, TargetClass.credentials, _class_of(ctx, secrets, conf), _ranked(ctx, secrets))
            )
        if c.kind in ADMIN_KINDS or "admin" in c.tags or c.id in admin_reached:
            found.append(Target(c.id, TargetClass.admin, Classification.restricted, ()))
    return found


def _ranked(ctx: ThreatContext, data: list[str]) -> tuple[str, ...]:
    """Data ids, the most sensitive first (then by id)."""
    return tuple(sorted(data, key=lambda d: (-ctx.rank_of(d), d)))


def required_layers(ctx: ThreatContext, target: Target) -> frozenset[Layer]:
    wanted = REQUIRED[(target.cls, max(target.classification, Classification.confidential))]
    return wanted & frozenset(ctx.policy.required_layers)


__all__ = [
    "CREDENTIAL_KINDS",
    "PUBLIC",
    "REQUIRED",
    "Entry",
    "EntryKind",
    "Target",
    "TargetClass",
    "entries",
    "kept_credential",
    "public_sources",
    "required_layers",
    "targets",
]
