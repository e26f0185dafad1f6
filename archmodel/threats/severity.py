"""Severity as likelihood x impact, with the factors that set it written on the finding.

A reviewer recomputes any severity by hand from the table in docs/howto/severity.md:

    severity = impact + likelihood + rule weight: 4 or more critical, 3 and 2 high,
    1 medium, 0 or less low

so that a finding is critical only when impact and likelihood are both at their top and
the rule is not a lesser (down-weighted) threat; where

* impact = what is at stake (classification or criticality rank, public/low 0 …
  restricted/critical 3), +1 when that data is at least confidential and payment cards,
  health data, credentials or secrets (at most 3), -1 when the threat is only repudiation
  and/or denial of service; on a component, credentials it only uses as a client (sends on
  its own calls or fetches, never serves) are not what a gap in it gives away;
* likelihood = exposure + authentication + path length, clamped to -1 … +1:
  exposure internet-facing +1 when the rule counts exposure (otherwise 0 for a
  component, and its source's zone for a flow), partner 0, unzoned 0, internal -1,
  restricted zone -2; the way in unauthenticated +1, unknown 0, authenticated -1; three
  or more hops from the nearest entry point -1.

Everything per target is computed once per run (one BFS for the hop counts), so scoring
stays a few dictionary look-ups per finding.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from functools import cached_property
from typing import NamedTuple

from archmodel.model import (
    AUTH_CONTROLS,
    Classification,
    Component,
    Criticality,
    DataCategory,
    Flow,
    Kind,
    Trust,
)
from archmodel.model.ref import PATH_SEPARATOR, Ref
from archmodel.threats.context import ThreatContext
from archmodel.threats.types import Stride, ThreatSeverity

# Data whose loss costs more than its classification says: regulated or access-granting.
WEIGHTY: dict[DataCategory, str] = {
    DataCategory.payment_card: "payment cards",
    DataCategory.health: "health data",
    DataCategory.credentials: "credentials",
    DataCategory.secrets: "secrets",
}
# Ordinary personal data is what most systems hold: its owner's classification
# (confidential, restricted) already weighs it, so it adds nothing on top.
CREDENTIALS = frozenset({DataCategory.credentials, DataCategory.secrets})
# Threats that cost less than disclosure, tampering, spoofing or elevation.
LESSER_STRIDE = frozenset({Stride.repudiation, Stride.denial_of_service})
DEEP = 3  # hops from the nearest entry point from which a target counts as deep inside

EXPOSURE_POINTS = {
    "internet-facing": 1,
    "partner": 0,
    "unzoned": 0,
    "internal": -1,
    "restricted zone": -2,
    "environment-wide": 0,
    "system-wide": 0,
    "pipeline": 0,
    "zone-wide": 0,
}
# Where a target that is no component or flow sits, by its reference's section.
_PLACE = {
    "environments": "environment-wide",
    "system": "system-wide",
    "stages": "pipeline",
    "pipeline": "pipeline",
    "zones": "zone-wide",
}
AUTH_POINTS = {"unauthenticated": 1, "authentication unknown": 0, "authenticated": -1}


class Way(NamedTuple):
    """How a target is reached: where it sits, how callers prove who they are, how deep.
    ``zoned`` is where a flow from an internet-facing component runs when the rule does
    not count exposure: its source's zone (the flow itself is not on the internet)."""

    exposure: str
    auth: str
    hops: int | None  # from the nearest entry point; None when no entry reaches it
    zoned: str | None = None


Factors = dict[str, list[str]]
_LEVELS: tuple[Classification, ...] = tuple(Classification)
_CRIT_RANK: dict[Criticality, int] = {c: i for i, c in enumerate(Criticality)}
SEVERITIES: tuple[ThreatSeverity, ...] = tuple(ThreatSeverity)


class Scorer:
    """Scores hits of one run. What a target's factors are is worked out once per target
    (and stake); a finding then costs a few dictionary look-ups, and findings with the
    same factors share one (read-only) factors mapping."""

    def __init__(self, ctx: ThreatContext) -> None:
        self.ctx = ctx
        # Keyed by the target's section and id: atoms hash in C, a Ref's hash is Python.
        self._scored: dict[tuple[str, str, bool, int, bool, bool, bool, bool], tuple[int, Factors]] = {}
        # One mapping per distinct set of labels, shared by every finding that has it.
        self._factors: dict[tuple[tuple[str, ...], tuple[str, ...]], Factors] = {}
        self._ways: dict[tuple[str, str], Way] = {}
        self._lesser: dict[int, bool] = {}
        self._impacts: dict[tuple[str, str, int], tuple[bool, tuple[str, ...]]] = {}

    def score(
        self,
        target: Ref,
        stake: int,
        exposed: bool,
        stride: tuple[Stride, ...],
        weight: int,
        way_in: bool = True,
        by_caller: bool = True,
        via_victim: bool = False,
    ) -> tuple[ThreatSeverity, Factors]:
        """The severity of a hit and the factors that set it; ``way_in`` False (a threat
        that does not come through the way in) leaves the likelihood neutral, ``by_caller``
        False (a threat from anyone on the network path) and ``via_victim`` True (one that
        rides a signed-in user's browser) leave authentication out."""
        lesser = self._lesser.get(id(stride))
        if lesser is None:
            lesser = self._lesser[id(stride)] = bool(stride) and LESSER_STRIDE.issuperset(stride)
        key = (target.section, target.id, exposed, stake, lesser, way_in, by_caller, via_victim)
        found = self._scored.get(key)
        if found is None:
            found = self._scored[key] = self._points(
                target, stake, exposed, lesser, way_in, by_caller, via_victim
            )
        return severity_of_points(found[0] + weight), found[1]

    def _points(
        self,
        target: Ref,
        stake: int,
        exposed: bool,
        lesser: bool,
        way_in: bool = True,
        by_caller: bool = True,
        via_victim: bool = False,
    ) -> tuple[int, Factors]:
        where = (target.section, target.id)
        way = self._ways.get(where)
        if way is None:
            way = self._ways[where] = self._way(target)
        if way_in:
            points, likely = likelihood(way, exposed, by_caller, via_victim)
        else:
            points, likely = 0, (NOT_THE_WAY_IN,)
        weighty, what = self._impact(target, stake)
        if lesser:
            what = (*what, "repudiation or denial of service only")
        factors = self._factors.get((likely, what))
        if factors is None:
            factors = self._factors[(likely, what)] = {"likelihood": list(likely), "impact": list(what)}
        return impact_total(stake, weighty, lesser) + points, factors

    # -- likelihood -------------------------------------------------------------------

    def _way(self, target: Ref) -> Way:
        ctx, comps = self.ctx, self.ctx.graph.components
        if target.section == "components" and target.id in comps:
            return Way(self._exposure(target.id)[0], self._auth_of(target.id), self.hops.get(target.id))
        if target.section == "flows" and target.id in ctx.graph.flows:
            f = ctx.graph.flows[target.id]
            where, zoned = self._exposure(f.source)
            return Way(where, _AUTH_LABEL[_flow_auth(f)], self.hops.get(f.source), zoned)
        if target.section == "paths":
            ids = target.id.split(PATH_SEPARATOR)
            return Way("internal", "authentication unknown", len(ids) - 1)
        return Way(_PLACE.get(target.section, "unzoned"), "authentication unknown", None)

    def _exposure(self, component_id: str) -> tuple[str, str | None]:
        """Where a component sits, and where it sits when its exposure is not counted."""
        ctx = self.ctx
        trust = ctx.graph.trust_of(component_id)
        c = ctx.graph.components[component_id]
        if trust is Trust.untrusted:
            where = "partner" if c.kind is Kind.external_system else "internet-facing"
            return where, None
        zoned = "unzoned" if trust is None else "restricted zone" if trust is Trust.restricted else "internal"
        return ("internet-facing" if ctx.exposed(component_id) else zoned), zoned

    def _auth_of(self, component_id: str) -> str:
        if self.ctx.auth_controls(component_id):
            return "authenticated"
        return self._inbound_auth.get(component_id) or "authentication unknown"

    @cached_property
    def _inbound_auth(self) -> dict[str, str]:
        """Each component's weakest way in, from one pass over the flows: any inbound flow
        without authentication makes it unauthenticated, all authenticated ones make it
        authenticated, anything else is unknown."""
        states: dict[str, set[bool | None]] = {}
        for f in self.ctx.flows():
            states.setdefault(f.target, set()).add(_flow_auth(f))
        return {
            c: "unauthenticated"
            if False in seen
            else "authenticated"
            if seen == {True}
            else "authentication unknown"
            for c, seen in states.items()
        }

    @cached_property
    def hops(self) -> dict[str, int]:
        """Hops from the nearest entry point (untrusted side, public components, components
        tagged ``entry_point``): one breadth-first search over the whole graph."""
        ctx = self.ctx
        starts = set(ctx.untrusted)
        starts |= {c.id for c in ctx.graph.components.values() if c.public or "entry_point" in c.tags}
        dist = dict.fromkeys(sorted(starts), 0)
        queue = deque(dist)
        successors = ctx.successors
        while queue:
            node = queue.popleft()
            for nxt in successors.get(node, ()):
                if nxt not in dist:
                    dist[nxt] = dist[node] + 1
                    queue.append(nxt)
        return dist

    # -- impact -----------------------------------------------------------------------

    @cached_property
    def _data(self) -> dict[str, tuple[int, tuple[str, ...]]]:
        """Each data asset's classification rank and weighty categories, read once."""
        return {
            d: (a.classification.rank, tuple(WEIGHTY[k] for k in a.category if k in WEIGHTY))
            for d, a in self.ctx.graph.data.items()
        }

    def _impact(self, target: Ref, stake: int) -> tuple[bool, tuple[str, ...]]:
        key = (target.section, target.id, stake)
        found = self._impacts.get(key)
        if found is None:
            found = self._impacts[key] = self._impact_of(target, stake)
        return found

    def _impact_of(self, target: Ref, stake: int) -> tuple[bool, tuple[str, ...]]:
        """Whether weighty categories raise the impact, and the impact's labels."""
        info = self._data
        at_stake = [info[d] for d in self._data_of(target) if d in info and info[d][0] == stake]
        if not at_stake and target.section == "components":
            # A rule about the credentials themselves (stored outside a vault, shared):
            # the credentials it only uses count.
            handled = self.ctx.handled(target.id)
            at_stake = [info[d] for d in handled if d in info and info[d][0] == stake]
        kinds = sorted({k for _, ks in at_stake for k in ks})
        if stake < Classification.confidential.rank:
            kinds = []  # the owner judged this data of little weight
        level = _LEVELS[0 if stake < 0 else 3 if stake > 3 else stake]
        labels: list[str] = []
        if kinds:
            labels.append(f"{', '.join(kinds)} ({level})")
        elif at_stake:
            labels.append(f"{level} data")
        comp = self.ctx.graph.components.get(target.id) if target.section == "components" else None
        if comp is not None and (_CRIT_RANK[comp.criticality] >= 2 or _CRIT_RANK[comp.criticality] == stake):
            labels.append(f"criticality {comp.criticality}")
        if not labels:
            labels.append(f"stake {max(stake, 0)} of 3" if stake > 0 else "nothing sensitive at stake")
        return bool(kinds), tuple(labels)

    def _data_of(self, target: Ref) -> Iterable[str]:
        ctx = self.ctx
        if target.section == "components":
            return reach(ctx, target.id)
        if target.section == "flows" and target.id in ctx.graph.flows:
            f = ctx.graph.flows[target.id]
            return [*f.data, *f.returns]
        if target.section == "paths":
            last = target.id.split(PATH_SEPARATOR)[-1]
            c = ctx.graph.components.get(last)
            return list(c.stores) if c is not None else []
        if target.section == "zones":  # a gap of the zone reaches what its components handle
            return {d for c in ctx.components() if c.zone == target.id for d in reach(ctx, c.id)}
        return []


def reach(ctx: ThreatContext, component_id: str) -> set[str]:
    """What an attacker gets through a gap in a component: the data it handles, less the
    credentials and secrets it only uses as a client. Those it sends on its own calls or
    fetches (a database password from a config server) and neither serves to nor takes
    from its callers open something else, which is scored where that lives."""
    used = used_credentials(ctx, component_id)
    return ctx.handled(component_id) - used if used else ctx.handled(component_id)


def used_credentials(ctx: ThreatContext, component_id: str) -> set[str]:
    """Credentials and secrets on a component's outbound flows and on none of its inbound ones."""
    return _used(ctx).get(component_id, set())


def _used(ctx: ThreatContext) -> dict[str, set[str]]:
    """``used_credentials`` of every component, from one pass over the flows, kept on the
    context (rules ask it once per hit)."""
    known: dict[str, set[str]] | None = ctx.__dict__.get(_USED)
    if known is not None:
        return known
    data = ctx.graph.data
    creds = {d for d, a in data.items() if not CREDENTIALS.isdisjoint(a.category)}
    out: dict[str, set[str]] = {}
    served: dict[str, set[str]] = {}
    for (source, target), flows in ctx.graph.flows_between.items():
        for f in flows:
            carried = creds.intersection([*f.data, *f.returns])
            if carried:
                out.setdefault(source, set()).update(carried)
                served.setdefault(target, set()).update(carried)
    known = {c: used - served.get(c, set()) for c, used in out.items()}
    ctx.__dict__[_USED] = known
    return known


# Kept on the context, as its own cached properties are: rules ask per hit.
_USED = "_severity_used_credentials"
_REACH = "_severity_reach_stakes"


def reach_stake(ctx: ThreatContext, c: Component) -> int:
    """What is at stake when a control is missing on a component: the most sensitive data
    it gives away (``reach``) or its criticality."""
    stakes: dict[str, int] = ctx.__dict__.setdefault(_REACH, {})
    known = stakes.get(c.id)
    if known is None:
        known = stakes[c.id] = max(ctx.data_rank(reach(ctx, c.id)), c.criticality.rank)
    return known


def severity_of_points(points: int) -> ThreatSeverity:
    """Impact + likelihood + weight on the scale: critical takes 4, the top impact (3) and
    the top likelihood (+1) of a rule of full weight; 3 and 2 are high, 1 medium."""
    if points >= 4:
        return ThreatSeverity.critical
    return SEVERITIES[0 if points < 1 else 1 if points == 1 else 2]


def impact_points(stake: int, weighty: bool, stride: tuple[Stride, ...]) -> int:
    """Impact points of a threat of these STRIDE kinds."""
    return impact_total(stake, weighty, bool(stride) and LESSER_STRIDE.issuperset(stride))


def impact_total(stake: int, weighty: bool, lesser: bool) -> int:
    """What is at stake (0 … 3), +1 for weighty data (at most 3), -1 for a threat that is
    only repudiation and/or denial of service."""
    return min(3, max(stake, 0) + (1 if weighty else 0)) - (1 if lesser else 0)


NOT_THE_WAY_IN = "not about the way in (exposure and authentication not counted)"
ON_THE_PATH = "from anyone on the network path (authentication not counted)"
VIA_VICTIM = "through a signed-in user's browser (authentication not counted)"


def likelihood(
    way: Way, exposed: bool, by_caller: bool = True, via_victim: bool = False
) -> tuple[int, tuple[str, ...]]:
    """Points (-1 … +1) and the labels that gave them; internet-facing counts only when
    the rule says exposure matters to the threat (``Hit.exposed``), authentication only
    when the threat comes from the caller (``by_caller``) and not through its victim
    (``via_victim``): an eavesdropper on the path needs no login, credentials sent in
    clear are no safer for being checked, and a script planted in a page runs with the
    login of whoever opens it, so an app that authenticates its users is no less
    exposed to it, and has their sessions to lose."""
    exposure = way.exposure
    points = EXPOSURE_POINTS[exposure]
    if exposed:
        exposure, points = "internet-facing", 1
    elif exposure == "internet-facing":
        if way.zoned is None:
            exposure, points = "internet-facing (not counted by the rule)", 0
        else:
            # A flow from an internet-facing component, the exposure not counted: it runs
            # in its source's zone, as a flow from a component that is not public does.
            exposure, points = (
                f"{way.zoned} (source internet-facing, not counted)",
                EXPOSURE_POINTS[way.zoned],
            )
    counted = by_caller and not via_victim
    labels = [exposure, way.auth if counted else VIA_VICTIM if via_victim else ON_THE_PATH]
    points += AUTH_POINTS[way.auth] if counted else 0
    if way.hops is not None and way.hops >= DEEP:
        points -= 1
        labels.append(f"{way.hops} hops from an entry point")
    return max(-1, min(1, points)), tuple(labels)


def _weakest(seen: set[bool | None]) -> str:
    if False in seen:
        return "unauthenticated"
    return "authenticated" if seen == {True} else "authentication unknown"


_AUTH_LABEL = {None: "authentication unknown", True: "authenticated", False: "unauthenticated"}


def _flow_auth(f: Flow) -> bool | None:
    """Whether a flow's caller is authenticated: its ``authentication`` or an auth control."""
    return True if not AUTH_CONTROLS.isdisjoint(f.controls) else f.authenticated
