"""Blast radius: what an attacker who owns one component reaches.

Owning a component gives its data (what it stores and processes, and every flow's data
and returns at its ends), the components it calls, and its credentials. A credential is
data of category ``credentials`` or ``secrets``, or anything a secrets store or identity
provider holds. A credential *opens* the components it is presented to (a flow carrying
it as ``data``) and, when it is fetched (returned to a caller), the data stores and
identity providers its fetchers call: that is what a fetched password is for. Calling an
opened component gives what it returns to callers, and all of a data store's contents; if
that includes more credentials they open more, up to a fixed point.

The closure runs over credentials (few), not components (many): it is memoised by the
set of credentials a component starts with, so a fleet of workloads holding the same
credentials costs one closure. A user's own credentials (data owned by a client) are
data reached but open nothing: they let the attacker act as that user, which is what
the attack paths already show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from archmodel.model import CLIENTS, DATA_STORES, SECRET_CATEGORIES, Classification, Kind, Trust
from archmodel.threats.attack_surface import CREDENTIAL_KINDS
from archmodel.threats.context import ThreatContext

# What a fetched credential is for: the stores and identity providers its holder calls.
CREDENTIAL_USES = frozenset({*DATA_STORES, *CREDENTIAL_KINDS})


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


@dataclass
class _Index:
    credentials: frozenset[str]
    user_owned: frozenset[str]
    opens: dict[str, frozenset[str]]
    given: dict[str, frozenset[str]]
    closures: dict[frozenset[str], tuple[frozenset[str], frozenset[str], frozenset[str]]]


def credential_ids(ctx: ThreatContext) -> frozenset[str]:
    """Data ids that are credentials: by category, or held by a secrets store or IdP."""
    by_category = {d for d, a in ctx.graph.data.items() if not SECRET_CATEGORIES.isdisjoint(a.category)}
    vaulted = {d for c in ctx.components(*CREDENTIAL_KINDS) for d in c.stores if d in ctx.graph.data}
    return frozenset(by_category | vaulted)


def user_owned(ctx: ThreatContext, kinds: frozenset[Kind] = CLIENTS) -> frozenset[str]:
    """Data owned by a client (a person's or partner's own): it opens nothing of ours.
    ``kinds`` narrows the owners (``HUMAN_CLIENTS``: a person's own, not a partner's)."""
    comps = ctx.graph.components
    return frozenset(
        d for d, a in ctx.graph.data.items() if a.owner in comps and comps[a.owner].kind in kinds
    )


def holders(ctx: ThreatContext) -> dict[str, set[str]]:
    """Credential id -> components that keep, send or receive it: its stores and
    processes, the sources of the flows that log in with it (a service sending a
    database password in its connection has it, as the blast radius counts it), and
    those it is returned to. What is sent to monitoring is telemetry that may carry a
    secret (other rules report that leak), not a login."""
    creds = credential_ids(ctx)
    comps = ctx.graph.components
    held: dict[str, set[str]] = {d: set() for d in creds}
    for c in comps.values():
        for d in {*c.stores, *c.processes} & creds:
            held[d].add(c.id)
    for f in ctx.flows():
        if comps[f.target].kind is not Kind.monitoring:
            for d in set(f.data) & creds:
                held[d].add(f.source)
        for d in set(f.returns) & creds:
            held[d].add(f.source)
    return held


def _index(ctx: ThreatContext) -> _Index:
    creds = credential_ids(ctx)
    users = user_owned(ctx)
    comps = ctx.graph.components
    opens: dict[str, set[str]] = {d: set() for d in creds}
    # A store's credentials read all of it; any other component gives what it returns.
    given: dict[str, set[str]] = {
        c.id: set(c.stores) if c.kind in DATA_STORES else set() for c in comps.values()
    }
    for f in ctx.flows():
        given[f.target].update(f.returns)
        for d in set(f.data) & creds:
            opens[d].add(f.target)
        for d in set(f.returns) & creds:  # fetched: opens the stores its fetcher calls
            uses = (t for t in ctx.successors[f.source] if t != f.target and comps[t].kind in CREDENTIAL_USES)
            opens[d].update(u for u in uses if comps[u].kind is not Kind.secrets_store)
    for d in users:
        opens.pop(d, None)
    return _Index(
        creds,
        users,
        {d: frozenset(o) for d, o in opens.items()},
        {c: frozenset(g) for c, g in given.items()},
        {},
    )


def _closure(index: _Index, start: frozenset[str]) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(credentials, opened components, data gained) from a starting set of credentials."""
    if start in index.closures:
        return index.closures[start]
    creds, opened, gained = set(start), set[str](), set[str]()
    todo = list(start)
    while todo:
        for o in index.opens.get(todo.pop(), frozenset()):
            if o in opened:
                continue
            opened.add(o)
            new = index.given.get(o, frozenset())
            gained |= new
            for d in new & index.credentials - creds:
                creds.add(d)
                todo.append(d)
    result = (frozenset(creds), frozenset(opened), frozenset(gained))
    index.closures[start] = result
    return result


def _radius(ctx: ThreatContext, index: _Index, component_id: str) -> BlastRadius:
    c = ctx.graph.components[component_id]
    own = {*ctx.handled(component_id), *c.stores}
    start = frozenset(d for d in own if d in index.credentials)
    creds, opened, gained = _closure(index, start)
    calls = set(ctx.successors.get(component_id, ()))
    if c.kind not in CREDENTIAL_KINDS and "least_privilege" in ctx.controls(component_id):
        # Scoped credentials open only what their holder calls itself.
        opened = opened & calls
        gained = frozenset(d for o in opened for d in index.given.get(o, ()))
        creds = start | (gained & index.credentials)
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
    index = _index(ctx)
    radii = sorted((_radius(ctx, index, c) for c in owned_candidates(ctx)), key=BlastRadius.sort_key)
    ctx.__dict__["_blast_radii"] = radii
    return radii


__all__ = ["BlastRadius", "blast_radii", "credential_ids", "holders", "user_owned"]
