"""Severity as likelihood x impact, with the factors that set it written on the finding.

A reviewer recomputes any severity by hand from the table in docs/howto/severity.md:

    severity = impact + likelihood + rule weight, clamped to low (0) … critical (3)

* impact = what is at stake (classification or criticality rank, public/low 0 …
  restricted/critical 3), +1 when that data is at least confidential and payment cards,
  health, credentials, secrets or personal data (at most 3), -1 when the threat is only repudiation and/or
  denial of service;
* likelihood = exposure + authentication + path length, clamped to -1 … +1:
  exposure internet-facing +1 (when the rule counts exposure), partner 0, unzoned 0,
  internal -1, restricted zone -2; the way in unauthenticated +1, unknown 0,
  authenticated -1; three or more hops from the nearest entry point -1.

Everything per target is computed once per run (one BFS for the hop counts), so scoring
stays a few dictionary look-ups per finding.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from functools import cached_property
from typing import NamedTuple

from archmodel.model import Classification, Criticality, DataCategory, Flow, Kind, Trust
from archmodel.model.ref import PATH_SEPARATOR, Ref
from archmodel.threats.context import AUTH_CONTROLS, ThreatContext
from archmodel.threats.types import Stride, ThreatSeverity

# Data whose loss costs more than its classification says: regulated or access-granting.
WEIGHTY: dict[DataCategory, str] = {
    DataCategory.payment_card: "payment cards",
    DataCategory.health: "health data",
    DataCategory.credentials: "credentials",
    DataCategory.secrets: "secrets",
    DataCategory.personal: "personal data",
}
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
    """How a target is reached: where it sits, how callers prove who they are, how deep."""

    exposure: str
    auth: str
    hops: int | None  # from the nearest entry point; None when no entry reaches it


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
        self._scored: dict[tuple[str, str, bool, int, bool, bool], tuple[int, Factors]] = {}
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
    ) -> tuple[ThreatSeverity, Factors]:
        """The severity of a hit and the factors that set it; ``way_in`` False (a threat
        that does not come through the way in) leaves the likelihood neutral."""
        lesser = self._lesser.get(id(stride))
        if lesser is None:
            lesser = self._lesser[id(stride)] = bool(stride) and LESSER_STRIDE.issuperset(stride)
        key = (target.section, target.id, exposed, stake, lesser, way_in)
        found = self._scored.get(key)
        if found is None:
            found = self._scored[key] = self._points(target, stake, exposed, lesser, way_in)
        rank = found[0] + weight
        return SEVERITIES[0 if rank < 0 else 3 if rank > 3 else rank], found[1]

    def _points(
        self, target: Ref, stake: int, exposed: bool, lesser: bool, way_in: bool = True
    ) -> tuple[int, Factors]:
        where = (target.section, target.id)
        way = self._ways.get(where)
        if way is None:
            way = self._ways[where] = self._way(target)
        points, likely = likelihood(way, exposed) if way_in else (0, (NOT_THE_WAY_IN,))
        weighty, what = self._impact(target, stake)
        if lesser:
            what = (*what, "repudiation or denial of service only")
        return impact_total(stake, weighty, lesser) + points, {
            "likelihood": list(likely),
            "impact": list(what),
        }

    # -- likelihood -------------------------------------------------------------------

    def _way(self, target: Ref) -> Way:
        ctx, comps = self.ctx, self.ctx.graph.components
        if target.section == "components" and target.id in comps:
            auth = "authenticated" if ctx.auth_controls(target.id) else self._inbound_auth.get(target.id)
            return Way(self._exposure(target.id), auth or "authentication unknown", self.hops.get(target.id))
        if target.section == "flows" and target.id in ctx.graph.flows:
            f = ctx.graph.flows[target.id]
            return Way(self._exposure(f.source), _AUTH_LABEL[_flow_auth(f)], self.hops.get(f.source))
        if target.section == "paths":
            ids = target.id.split(PATH_SEPARATOR)
            return Way("internal", "authentication unknown", len(ids) - 1)
        return Way(_PLACE.get(target.section, "unzoned"), "authentication unknown", None)

    def _exposure(self, component_id: str) -> str:
        ctx = self.ctx
        trust = ctx.graph.trust_of(component_id)
        c = ctx.graph.components[component_id]
        if trust is Trust.untrusted:
            return "partner" if c.kind is Kind.external_system else "internet-facing"
        if ctx.exposed(component_id):
            return "internet-facing"
        if trust is None:
            return "unzoned"
        return "restricted zone" if trust is Trust.restricted else "internal"

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
            return ctx.handled(target.id)
        if target.section == "flows" and target.id in ctx.graph.flows:
            f = ctx.graph.flows[target.id]
            return [*f.data, *f.returns]
        if target.section == "paths":
            last = target.id.split(PATH_SEPARATOR)[-1]
            c = ctx.graph.components.get(last)
            return list(c.stores) if c is not None else []
        return []


def impact_points(stake: int, weighty: bool, stride: tuple[Stride, ...]) -> int:
    """Impact points of a threat of these STRIDE kinds."""
    return impact_total(stake, weighty, bool(stride) and LESSER_STRIDE.issuperset(stride))


def impact_total(stake: int, weighty: bool, lesser: bool) -> int:
    """What is at stake (0 … 3), +1 for weighty data (at most 3), -1 for a threat that is
    only repudiation and/or denial of service."""
    return min(3, max(stake, 0) + (1 if weighty else 0)) - (1 if lesser else 0)


NOT_THE_WAY_IN = "not about the way in (exposure and authentication not counted)"


def likelihood(way: Way, exposed: bool) -> tuple[int, tuple[str, ...]]:
    """Points (-1 … +1) and the labels that gave them; internet-facing counts only when
    the rule says exposure matters to the threat (``Hit.exposed``)."""
    exposure = way.exposure
    points = EXPOSURE_POINTS[exposure]
    if exposed:
        exposure, points = "internet-facing", 1
    elif exposure == "internet-facing":
        exposure, points = "internet-facing (not counted by the rule)", 0
    labels = [exposure, way.auth]
    points += AUTH_POINTS[way.auth]
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
