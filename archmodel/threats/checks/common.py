"""Helpers shared by the built-in checks: wording, component hits and fleet-wide gaps."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from archmodel.model import TRANSIT_STORES, Authentication, Classification, Component, Flow, Ref, Zone
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit
from archmodel.threats.severity import reach_stake
from archmodel.threats.types import ModelChange

# The ways of proving a caller that a finding proposes for a call that proves nothing:
# the ones that name the caller per request (not a static password or API key).
PROVING = (Authentication.token, Authentication.oauth2, Authentication.client_certificate)


def quoted(ids: Iterable[str], limit: int = 6) -> str:
    """``'a', 'b' and 3 more``: enough to act on without flooding a register line."""
    items = sorted(set(ids))
    shown = ", ".join(f"'{i}'" for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def label(c: Component) -> str:
    tech = f" ({c.technology})" if c.technology else ""
    return f"{str(c.kind).replace('_', ' ')} '{c.id}'{tech}"


def at_stake(ctx: ThreatContext, data_ids: Iterable[str]) -> str:
    """``restricted data 'cards'``: the most sensitive data named, for descriptions."""
    ids = tuple(data_ids)
    texts = ctx.stake_texts  # the same few data sets are named by thousands of hits
    text = texts.get(ids)
    if text is None:
        rank = ctx.data_rank(ids)
        if rank < 0:
            text = "no classified data"
        else:
            top = [d for d in ids if ctx.rank_of(d) == rank]
            text = f"{Classification.from_rank(rank)} data {quoted(top, 3)}"
        texts[ids] = text
    return text


def authenticate(flows: Iterable[Flow], ways: Iterable[Authentication] = PROVING) -> ModelChange:
    """The change that closes unauthenticated calls whatever their target's controls:
    each flow says how its caller proves itself, in one of ``ways``."""
    return ModelChange("authentication", tuple(str(w) for w in ways), tuple(Ref.flow(f.id) for f in flows))


def zone_change(
    ctx: ThreatContext, members: Sequence[Component], fits: Callable[[Zone], bool]
) -> tuple[ModelChange, ...]:
    """Moving ``members`` into any zone of the model that ``fits`` (not one they are
    in): none when no zone does (a new zone is a design change)."""
    current = {c.zone for c in members}
    zones = tuple(z.id for z in ctx.loaded.model.zones if z.id not in current and fits(z))
    targets = tuple(Ref.component(c.id) for c in members)
    return (ModelChange("zone", zones, targets),) if zones else ()


def component_hit(
    ctx: ThreatContext,
    c: Component,
    description: str,
    *,
    stake: int | None = None,
    exposed: bool | None = None,
    present: frozenset[str] | None = None,
    mitigations: tuple[str, ...] | None = None,
    changes: tuple[ModelChange, ...] = (),
) -> Hit:
    return Hit(
        target=Ref.component(c.id),
        description=description,
        stake=reach_stake(ctx, c) if stake is None else stake,
        exposed=ctx.exposed(c.id) if exposed is None else exposed,
        present=ctx.controls(c.id) if present is None else present,
        mitigations=mitigations,
        changes=changes,
    )


def store_data(ctx: ThreatContext, c: Component) -> list[str]:
    """What a store holds: its ``stores``, or what passes through a queue or cache."""
    if c.stores or c.kind not in TRANSIT_STORES:
        return list(c.stores)
    return list(ctx.handled_sorted(c.id))


def fleet_gaps(
    ctx: ThreatContext,
    members: Iterable[Component],
    mitigations: frozenset[str],
    what: str,
    covered: Callable[[Component], bool] = lambda c: False,
    stake: Callable[[ThreatContext, Component], int] = reach_stake,
) -> Iterator[Hit]:
    """Report a control missing across many components once per environment, not N times.

    A fleet-wide control (logging, patching, a secrets vault) is usually provided by the
    platform; a reviewer writes one finding on the environment that lists the components
    left uncovered. Without environments the one finding is on the whole system.
    """
    candidates = [c for c in members if not covered(c)]
    envs = ctx.analysed_environments
    if not envs:
        gaps = [c for c in candidates if mitigations.isdisjoint(ctx.controls(c.id))]
        if gaps:
            system = ctx.loaded.model.system
            yield Hit(
                target=Ref.system(system.ref_id),
                description=f"In system '{system.ref_id}', {quoted((c.id for c in gaps), len(gaps))} {what}.",
                stake=max(stake(ctx, c) for c in gaps),
            )
        return
    for env in envs:
        if not mitigations.isdisjoint(env.controls):
            continue  # the environment closes it for every component
        gaps = [c for c in candidates if mitigations.isdisjoint(ctx.local_controls(c.id))]
        if gaps:
            yield Hit(
                target=Ref.environment(env.id),
                description=f"In {env.tier} environment '{env.id}', {quoted(c.id for c in gaps)} {what}.",
                stake=max(stake(ctx, c) for c in gaps),
                present=frozenset(env.controls),
            )


def held_stake(ctx: ThreatContext, c: Component) -> int:
    """Everything a component handles, credentials it uses included, or its criticality:
    the stake of threats to the credentials themselves."""
    return max(c.criticality.rank, ctx.stake(c))
