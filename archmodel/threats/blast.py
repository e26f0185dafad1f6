"""Blast radius: what an attacker who owns one component reaches.

Owning a component gives its data (what it stores and processes, and every flow's data
and returns at its ends), the components it calls, and the credentials among that data.
A credential is data of category ``credentials`` or ``secrets``, anything a secrets
store keeps, or what an identity provider keeps that no category says is something else.

A credential *logs in* to a component, which it then *opens*: to the target of a flow
that carries it as ``data`` (it is presented there; telemetry sent to monitoring is no
login, whatever secret it leaks). A credential fetched from a secrets store or a config server
whose use the model does not show on any flow logs in to the data stores and identity
providers its fetchers call, for that is what a fetched password is for. A token an
identity provider returns is issued, and a credential a data store returns is a record
it keeps (a webhook's secret, an API key on file): they log in only where they are
presented. What a login gives depends on what it logs in to:

* a data store or secrets store: all of its contents (``stores``) and what it returns
  on those calls. A database password reads the database; that is what it is for.
* anything else (a service, an API, an identity provider): what the component returns
  on the flows that present that credential, as it serves any caller that proves to be
  that one. Not ownership: not the component's own credentials, not what it stores,
  not what it returns to other callers. A web app's OIDC client secret gets from the
  identity provider the tokens issued to that web app, not the signing key, the user
  store or other clients' tokens; an API token gets that API's answers to its holder.

Credentials gained that way log in further, up to a fixed point. A holder marked
``least_privilege`` has scoped credentials: they log in only to what it calls itself.

The closure runs over credentials (few), not components (many): it is memoised by the
set of credentials a component starts with, so a fleet of workloads holding the same
credentials costs one closure. A user's own credentials (data owned by a client) are
data reached but log in to nothing: they let the attacker act as that user, which is
what the attack paths already show. ``held_logins`` tells the attack paths which hops
an attacker who owns the caller passes with a credential already held.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from archmodel.model import CLIENTS, DATA_STORES, SECRET_CATEGORIES, Classification, Component, Kind, Trust
from archmodel.threats.attack_surface import CREDENTIAL_KINDS, kept_credential
from archmodel.threats.context import ThreatContext

# What a fetched credential is for: the stores and identity providers its holder calls
# (not a secrets store: what it is fetched from).
CREDENTIAL_USES = frozenset({*DATA_STORES, Kind.identity_provider})


@dataclass(frozen=True)
class BlastRadius:
    """What owning ``component`` reaches; ``opens`` are reached through credentials only."""

    component: str
    kind: str
    data: tuple[str, ...]
    credentials: tuple[str, ...]
    calls: tuple[str, ...]
    opens: tuple[str, ...]
    top: int  # highest classification rank of the data reached, -1 for none
    sensitive: int  # how many data assets reached are confidential or restricted

    @property
    def reach(self) -> int:
        return len(self.calls) + len(self.opens)

    @property
    def classification(self) -> str:
        return str(Classification.from_rank(self.top)) if self.top >= 0 else "none"

    def sort_key(self) -> tuple[int, int, int, int, str]:
        return (-self.top, -self.sensitive, -len(self.credentials), -self.reach, self.component)

    def as_dict(self) -> dict[str, object]:
        return {
            "component": self.component,
            "kind": self.kind,
            "classification": self.classification,
            "sensitive_data": self.sensitive,
            "data": list(self.data),
            "credentials": list(self.credentials),
            "calls": list(self.calls),
            "opens": list(self.opens),
        }


# What a credential gains from what it logs in to: its data, by component.
_Grants = dict[str, frozenset[str]]


@dataclass
class _Index:
    """Credentials, and what each one gains from each component it logs in to
    (``grants``; ``logins_to`` is its inverse: component -> credentials)."""

    credentials: frozenset[str]
    grants: dict[str, _Grants]
    logins_to: dict[str, frozenset[str]]
    closures: dict[frozenset[str], tuple[frozenset[str], frozenset[str], frozenset[str]]]


def credential_ids(ctx: ThreatContext) -> frozenset[str]:
    """Data ids that are credentials: by category, or kept by a secrets store or an
    identity provider (``kept_credential``)."""
    by_category = {d for d, a in ctx.graph.data.items() if not SECRET_CATEGORIES.isdisjoint(a.category)}
    vaulted = {d for c in ctx.components(*CREDENTIAL_KINDS) for d in c.stores if kept_credential(ctx, c, d)}
    return frozenset(by_category | vaulted)


def user_owned(ctx: ThreatContext, kinds: frozenset[Kind] = CLIENTS) -> frozenset[str]:
    """Data owned by a client (a person's or partner's own): it opens nothing of ours.
    ``kinds`` narrows the owners (``HUMAN_CLIENTS``: a person's own, not a partner's); data
    that one of ours owns too is not only theirs."""
    comps = ctx.graph.components

    def owned(owners: tuple[str, ...]) -> bool:
        return bool(owners) and all(o in comps and comps[o].kind in kinds for o in owners)

    return frozenset(d for d, a in ctx.graph.data.items() if owned(a.owners))


def holders(ctx: ThreatContext) -> dict[str, set[str]]:
    """Credential id -> components that keep, send or receive it: its stores and
    processes, the sources of the flows that log in with it (a service sending a
    database password in its connection has it, as the blast radius counts it), and
    those it is returned to; not those that only send it to monitoring (``_presents``)."""
    creds = credential_ids(ctx)
    comps = ctx.graph.components
    held: dict[str, set[str]] = {d: set() for d in creds}
    for c in comps.values():
        for d in {*c.stores, *c.processes} & creds:
            held[d].add(c.id)
    for f in ctx.flows():
        if _presents(comps[f.target]):
            for d in set(f.data) & creds:
                held[d].add(f.source)
        for d in set(f.returns) & creds:
            held[d].add(f.source)
    return held


def _presents(target: Component) -> bool:
    """Whether credentials a flow carries to ``target`` are presented there (a login):
    what is sent to monitoring is telemetry that may carry a secret (other rules report
    that leak), not a login to the monitoring system."""
    return target.kind is not Kind.monitoring


def _presented(ctx: ThreatContext, creds: frozenset[str]) -> dict[str, frozenset[str]]:
    """Per flow id, the credentials it presents as a login: those it carries as ``data``,
    unless its target is monitoring (``_presents``)."""
    comps = ctx.graph.components
    found: dict[str, frozenset[str]] = {}
    for f in ctx.flows():
        if f.data and _presents(comps[f.target]):
            logins = frozenset(f.data) & creds
            if logins:
                found[f.id] = logins
    return found


# A credential returned by these is no fetched password for the fetcher's other stores:
# an identity provider issues tokens, and a data store hands back the records it keeps
# (a webhook's secret, an API key on file); they log in where the model presents them.
_ISSUES_OR_KEEPS = frozenset({Kind.identity_provider, *DATA_STORES})


# Logging in to these gives their whole contents: what their logins are for.
_READ_WHOLE = frozenset({*DATA_STORES, Kind.secrets_store})


def _index(ctx: ThreatContext) -> _Index:
    every = credential_ids(ctx)
    creds = every - user_owned(ctx)  # a user's own credentials are reached but log in to nothing
    comps = ctx.graph.components
    grants: dict[str, dict[str, set[str]]] = {d: {} for d in creds}

    def login(d: str, target: str, returns: Iterable[str]) -> None:
        got = grants[d].get(target)
        if got is None:
            c = comps[target]
            got = grants[d][target] = set(c.stores) if c.kind in _READ_WHOLE else set()
        got.update(returns)

    presented = _presented(ctx, creds)
    used = frozenset().union(*presented.values())
    for f in ctx.flows():
        for d in presented.get(f.id, ()):
            login(d, f.target, f.returns)  # presented: what the target answers this caller
        if comps[f.target].kind in _ISSUES_OR_KEEPS:
            continue  # tokens issued, records read back: they log in where presented, above
        for d in set(f.returns) & creds - used:  # fetched, its use unsaid: the stores its fetcher calls
            for u in ctx.successors[f.source]:
                if u != f.target and comps[u].kind in CREDENTIAL_USES:
                    login(d, u, (r for g in ctx.graph.flows_between[(f.source, u)] for r in g.returns))
    logins_to: dict[str, set[str]] = {}
    for d, targets in grants.items():
        for t in targets:
            logins_to.setdefault(t, set()).add(d)
    return _Index(
        every,
        {d: {t: frozenset(g) for t, g in targets.items()} for d, targets in grants.items()},
        {t: frozenset(ds) for t, ds in logins_to.items()},
        {},
    )


def _index_of(ctx: ThreatContext) -> _Index:
    """The index, once per context: the blast radii and the attack paths share it."""
    index = ctx.__dict__.get("_blast_index")
    if index is None:
        index = ctx.__dict__["_blast_index"] = _index(ctx)
    return cast(_Index, index)


def _closure(index: _Index, start: frozenset[str]) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(credentials, components logged in to, data gained) from a starting set of credentials."""
    if start in index.closures:
        return index.closures[start]
    creds, opened, gained = set(start), set[str](), set[str]()
    todo = list(start)
    while todo:
        for o, new in index.grants.get(todo.pop(), {}).items():
            opened.add(o)
            gained |= new
            for d in new & index.credentials - creds:
                creds.add(d)
                todo.append(d)
    result = (frozenset(creds), frozenset(opened), frozenset(gained))
    index.closures[start] = result
    return result


def _scoped(
    index: _Index, start: frozenset[str], calls: set[str]
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """``_closure`` for a ``least_privilege`` holder: its credentials log in only to the
    components it calls. Walks the calls (few), not every login of a credential (a fleet
    token may log in to thousands)."""
    creds, opened, gained = set(start), set[str](), set[str]()
    while True:
        for o in calls:
            for d in index.logins_to.get(o, frozenset()) & creds:
                opened.add(o)
                gained |= index.grants[d][o]
        new = gained & index.credentials - creds
        if not new:
            return frozenset(creds), frozenset(opened), frozenset(gained)
        creds |= new


def _radius(ctx: ThreatContext, index: _Index, component_id: str) -> BlastRadius:
    c = ctx.graph.components[component_id]
    own = {*ctx.handled(component_id), *c.stores}
    start = frozenset(d for d in own if d in index.credentials)
    calls = set(ctx.successors.get(component_id, ()))
    if c.kind not in CREDENTIAL_KINDS and "least_privilege" in ctx.controls(component_id):
        creds, opened, gained = _scoped(index, start, calls)
    else:
        creds, opened, gained = _closure(index, start)
    data = sorted(d for d in own | gained if d in ctx.graph.data)
    return BlastRadius(
        component=component_id,
        kind=str(c.kind),
        data=tuple(data),
        credentials=tuple(sorted(creds)),
        calls=tuple(sorted(calls)),
        opens=tuple(sorted(opened - calls - {component_id})),
        top=ctx.data_rank(data),
        sensitive=len(ctx.sensitive(data)),
    )


def owned_candidates(ctx: ThreatContext) -> Iterable[str]:
    """Components of ours an attacker may own: in scope, neither clients nor outside."""
    for c in ctx.components():
        if c.kind not in CLIENTS and ctx.graph.trust_of(c.id) is not Trust.untrusted:
            yield c.id


def blast_radii(ctx: ThreatContext) -> list[BlastRadius]:
    """Every component's blast radius, largest first; memoised on the context."""
    memo = ctx.__dict__.get("_blast_radii")
    if memo is not None:
        return cast(list[BlastRadius], memo)
    index = _index_of(ctx)
    radii = sorted((_radius(ctx, index, c) for c in owned_candidates(ctx)), key=BlastRadius.sort_key)
    ctx.__dict__["_blast_radii"] = radii
    return radii


def held_logins(ctx: ThreatContext) -> dict[tuple[str, str], tuple[str, ...]]:
    """(caller, callee) -> the credentials that log in to the callee among those an
    attacker who owns the caller holds (its blast radius's credentials): the login a
    service sends with its calls, one it fetches for them, or one its closure reaches.
    That caller's authentication stops the attacker no more than it stops the caller.
    Only pairs with such a credential are keyed; clients, whose credentials are the
    attacker's own, are never callers here."""
    memo = ctx.__dict__.get("_held_logins")
    if memo is not None:
        return cast(dict[tuple[str, str], tuple[str, ...]], memo)
    logins_to = _index_of(ctx).logins_to
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for b in blast_radii(ctx):
        held = frozenset(b.credentials)
        for callee in ctx.successors.get(b.component, ()):
            logins = logins_to.get(callee, frozenset()) & held
            if logins:
                found[(b.component, callee)] = tuple(sorted(logins))
    ctx.__dict__["_held_logins"] = found
    return found


__all__ = ["BlastRadius", "blast_radii", "credential_ids", "held_logins", "holders", "user_owned"]
