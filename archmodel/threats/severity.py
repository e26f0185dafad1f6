"""Severity as likelihood x impact, with the factors that set it written on the finding.

A reviewer recomputes any severity by hand from the table in docs/howto/severity.md:

    severity = impact + likelihood + rule weight, clamped to low (0) … critical (3)

* impact = what is at stake (classification or criticality rank, public/low 0 …
  restricted/critical 3), +1 when that data is payment cards, health, credentials,
  secrets or personal data (at most 3), -1 when the threat is only repudiation and/or
  denial of service;
* likelihood = exposure + authentication + path length, clamped to -1 … +1:
  exposure internet-facing +1 (when the rule counts exposure), partner 0, unzoned 0,
  internal 0, restricted zone -1; the way in unauthenticated +1, unknown 0,
  authenticated -1; three or more hops from the nearest entry point -1.

Everything per target is computed once per run (one BFS for the hop counts), so scoring
stays a few dictionary look-ups per finding.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import cached_property

from archmodel.model import Classification, Criticality, DataCategory, Kind, Trust
from archmodel.model.ref import PATH_SEPARATOR, Ref
from archmodel.threats.context import ThreatContext
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
    "internal": 0,
    "restricted zone": -1,
    "environment-wide": 0,
    "pipeline": 0,
    "zone-wide": 0,
}
_PLACE = {"environments": "environment-wide", "stages": "pipeline", "zones": "zone-wide"}
AUTH_POINTS = {"unauthenticated": 1, "authentication unknown": 0, "authenticated": -1}


@dataclass(frozen=True)
class Way:
    """How a target is reached: where it sits, how callers prove who they are, how deep."""

    exposure: str
    auth: str
    hops: int | None  # from the nearest entry point; None when no entry reaches it


@dataclass(frozen=True)
class Scored:
    severity: ThreatSeverity
    likelihood: tuple[str, ...]
    impact: tuple[str, ...]

    @property
    def factors(self) -> dict[str, list[str]]:
        return {"likelihood": list(self.likelihood), "impact": list(self.impact)}


class Scorer:
    """Scores hits of one run; the indexes it needs are built on first use."""

    def __init__(self, ctx: ThreatContext) -> None:
        self.ctx = ctx
        self._ways: dict[Ref, Way] = {}
        self._impacts: dict[tuple[Ref, int], tuple[bool, tuple[str, ...]]] = {}

    def score(
        self, target: Ref, stake: int, exposed: bool, stride: tuple[Stride, ...], weight: int
    ) -> Scored:
        way = self._ways.get(target)
        if way is None:
            way = self._ways[target] = self._way(target)
        points, likely = likelihood(way, exposed)
        weighty, what = self._impact(target, stake)
        impact = impact_points(stake, weighty, stride)
        if stride and LESSER_STRIDE.issuperset(stride):
            what = (*what, "repudiation or denial of service only")
        severity = ThreatSeverity.from_rank(impact + points + weight)
        return Scored(severity, likely, what)

    # -- likelihood -------------------------------------------------------------------

    def _way(self, target: Ref) -> Way:
        ctx, comps = self.ctx, self.ctx.graph.components
        if target.section == "components" and target.id in comps:
            return Way(self._exposure(target.id), self._component_auth(target.id), self.hops.get(target.id))
        if target.section == "flows" and target.id in ctx.graph.flows:
            f = ctx.graph.flows[target.id]
            auth = _auth_label(True if "authentication" in ctx.flow_auth(f) else f.authenticated)
            return Way(self._exposure(f.source), auth, self.hops.get(f.source))
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

    def _component_auth(self, component_id: str) -> str:
        """The weakest way in: any inbound flow without authentication makes it so."""
        inbound = self.ctx.inbound(component_id)
        if not inbound:
            return "authentication unknown"
        known = self.ctx.auth_controls(component_id)
        states = [
            True if known or "authentication" in self.ctx.flow_auth(f) else f.authenticated for f in inbound
        ]
        if any(s is False for s in states):
            return "unauthenticated"
        return "authenticated" if all(states) else "authentication unknown"

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

    def _impact(self, target: Ref, stake: int) -> tuple[bool, tuple[str, ...]]:
        key = (target, stake)
        found = self._impacts.get(key)
        if found is None:
            found = self._impacts[key] = self._compute_impact(target, stake)
        return found

    def _compute_impact(self, target: Ref, stake: int) -> tuple[bool, tuple[str, ...]]:
        """Whether weighty categories raise the impact, and the impact's labels."""
        ctx = self.ctx
        data = self._data_of(target)
        at_stake = [d for d in data if d in ctx.graph.data and ctx.graph.data[d].classification.rank == stake]
        kinds = sorted({WEIGHTY[k] for d in at_stake for k in ctx.graph.data[d].category if k in WEIGHTY})
        if stake < Classification.confidential.rank:
            kinds = []  # the owner judged this data of little weight
        level = Classification.from_rank(stake)
        labels: list[str] = []
        if kinds:
            labels.append(f"{', '.join(kinds)} ({level})")
        elif at_stake:
            labels.append(f"{level} data")
        crit = self._criticality(target)
        if crit is not None and (crit.rank >= 2 or crit.rank == stake):
            labels.append(f"criticality {crit}")
        if not labels:
            labels.append(f"stake {max(stake, 0)} of 3" if stake > 0 else "nothing sensitive at stake")
        return bool(kinds), tuple(labels)

    def _data_of(self, target: Ref) -> list[str]:
        ctx = self.ctx
        if target.section == "components":
            return sorted(ctx.handled(target.id))
        if target.section == "flows" and target.id in ctx.graph.flows:
            f = ctx.graph.flows[target.id]
            return [*f.data, *f.returns]
        if target.section == "paths":
            last = target.id.split(PATH_SEPARATOR)[-1]
            c = ctx.graph.components.get(last)
            return list(c.stores) if c is not None else []
        return []

    def _criticality(self, target: Ref) -> Criticality | None:
        c = self.ctx.graph.components.get(target.id) if target.section == "components" else None
        return c.criticality if c is not None else None


def impact_points(stake: int, weighty: bool, stride: tuple[Stride, ...]) -> int:
    """What is at stake (0 … 3), +1 for weighty data (at most 3), -1 for a threat that is
    only repudiation and/or denial of service."""
    points = min(3, max(stake, 0) + (1 if weighty else 0))
    return points - 1 if stride and LESSER_STRIDE.issuperset(stride) else points


def likelihood(way: Way, exposed: bool) -> tuple[int, tuple[str, ...]]:
    """Points (-1 … +1) and the labels that gave them; internet-facing counts only when
    the rule says exposure matters to the threat (``Hit.exposed``)."""
    exposure = way.exposure
    points = EXPOSURE_POINTS[exposure] if exposed or exposure != "internet-facing" else 0
    if exposed and exposure != "internet-facing":
        exposure, points = "internet-facing", 1
    labels = [exposure, way.auth]
    points += AUTH_POINTS[way.auth]
    if way.hops is not None and way.hops >= DEEP:
        points -= 1
        labels.append(f"{way.hops} hops from an entry point")
    return max(-1, min(1, points)), tuple(labels)


def _auth_label(authenticated: bool | None) -> str:
    if authenticated is None:
        return "authentication unknown"
    return "authenticated" if authenticated else "unauthenticated"
