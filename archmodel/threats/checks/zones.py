"""Zones and the data they hold: what used to be validation errors (AM305, AM306).

A model may say that card numbers pass a DMZ load balancer or that a client talks to a
database directly; that is how some systems are built, so it is a finding to weigh, not a
malformed model.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from archmodel.model import DATA_STORES, ZONE_MAY_HOLD, Ref, Trust
from archmodel.threats.checks.common import at_stake, label, quoted
from archmodel.threats.checks.flows import flow_hit
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.severity import reach_stake
from archmodel.threats.types import Stride


@threat(
    "AMT106",
    "Untrusted zone connects straight to a data store",
    stride=[Stride.information_disclosure, Stride.tampering, Stride.elevation_of_privilege],
    mitigations=["ip_allowlist", "vpn"],
    cwe=["CWE-284", "CWE-668"],
    capec=["CAPEC-150"],
    fix="Put a service between the untrusted side and the store that authenticates and "
    "validates each request; if the direct path must stay, restrict it to known clients "
    "(`ip_allowlist`, `vpn`).",
    scope="flow",
)
def untrusted_to_store(ctx: ThreatContext) -> Iterator[Hit]:
    """A database, cache, queue or object store that takes connections from the untrusted
    side trusts the store's own access control alone: no application sits in between to
    authenticate, validate or rate-limit. Formerly validation error AM305."""
    comps = ctx.graph.components
    for f in ctx.flows_to(*DATA_STORES):
        target = comps[f.target]
        if target.kind in DATA_STORES and ctx.graph.trust_of(f.source) == Trust.untrusted:
            yield flow_hit(
                ctx,
                f,
                f"Flow '{f.id}' goes from the untrusted zone straight to {label(target)}.",
                stake=max(reach_stake(ctx, target), 1),
                exposed=True,
                present=frozenset(f.controls) | ctx.controls(target.id),
            )


def _above(ctx: ThreatContext, data_ids: Sequence[str], receiver: str) -> tuple[Trust | None, list[str]]:
    """The receiver's trust and the data above what its zone is meant to hold, leaving out
    the receiver's own data; nothing for a component in no zone (AMT196 reports it)."""
    trust = ctx.graph.trust_of(receiver)
    if trust is None:
        return None, []
    limit = ZONE_MAY_HOLD[trust].rank
    if ctx.data_rank(data_ids) <= limit:
        return trust, []  # the common case, decided without the owners
    return trust, [d for d in ctx.foreign(data_ids, receiver) if ctx.rank_of(d) > limit]


class Receipt(NamedTuple):
    """One place a data asset goes above its zone: the element that brings or keeps it
    there (a flow, or the component that stores it), the receiver, and its controls."""

    target: Ref
    receiver: str
    trust: Trust
    present: frozenset[str]


def _receipts(ctx: ThreatContext) -> dict[str, list[Receipt]]:
    """Every place each data asset goes above what the receiver's zone may hold."""
    found: dict[str, list[Receipt]] = {}
    for f in ctx.flows():
        if not ctx.in_scope(f.source):
            continue
        for refs, receiver in ((f.data, f.target), (f.returns, f.source)):
            trust, above = _above(ctx, refs, receiver)
            if trust is None or not above:
                continue  # the common case: nothing above the zone
            # Masking data before it reaches a zone is done on the flow or by the
            # receiver; an environment-wide DLP scanner (of buckets, say) does not.
            present = frozenset(f.controls) | ctx.graph.effective_controls(receiver)
            for d in above:
                found.setdefault(d, []).append(Receipt(Ref.flow(f.id), receiver, trust, present))
    for c in ctx.components():
        trust, above = _above(ctx, c.stores, c.id)
        if trust is None or not above:
            continue
        for d in above:
            found.setdefault(d, []).append(Receipt(Ref.component(c.id), c.id, trust, ctx.controls(c.id)))
    return found


def _where(ctx: ThreatContext, receipts: list[Receipt]) -> str:
    """``'a', 'b' in internal zone 'app' (meant to hold at most confidential data)``, per zone."""
    comps = ctx.graph.components
    zones: dict[str, list[Receipt]] = {}
    for r in receipts:
        zones.setdefault(comps[r.receiver].zone or "", []).append(r)
    parts = []
    for zone, here in sorted(zones.items()):
        trust = here[0].trust
        receivers = sorted({r.receiver for r in here})
        parts.append(
            f"{quoted(receivers, len(receivers))} in {trust} zone '{zone}' "
            f"(meant to hold at most {ZONE_MAY_HOLD[trust]} data)"
        )
    return "; ".join(parts)


@threat(
    "AMT161",
    "Data above what its zone is meant to hold",
    stride=[Stride.information_disclosure],
    mitigations=["dlp"],
    weight=-1,
    cwe=["CWE-200", "CWE-653"],
    capec=["CAPEC-118"],
    fix="Keep the data out of the less trusted zone: pass TLS through the DMZ to a "
    "component in a trusted zone, move the component, or tokenise/mask the data before it "
    "arrives (and add `dlp`).",
    scope="flow",
)
def classification_above_zone(ctx: ThreatContext) -> Iterator[Hit]:
    """A zone is meant to hold data up to its trust: untrusted public, dmz internal,
    internal confidential, restricted restricted. Data above that (card numbers decrypted
    on a DMZ load balancer) is exposed to whatever compromises the zone. Data that returns
    to the component that owns it (a data asset's `owner`, e.g. a customer's own order)
    is not counted. Each data asset is reported on the least trusted place it reaches,
    naming every receiver: one root cause (where that data is sent). Assets whose least
    trusted place is the same flow or component share one finding, which names each of
    them and is as severe as the most sensitive. Formerly validation error AM306."""
    placed: dict[Ref, list[tuple[str, list[Receipt], bool]]] = {}
    for d, receipts in sorted(_receipts(ctx).items()):
        still = [r for r in receipts if _MASKED.isdisjoint(r.present)]
        shown = still or receipts
        # On the least trusted place it reaches (where it is furthest above its zone).
        first = min(shown, key=lambda r: (r.trust.rank, str(r.target)))
        placed.setdefault(first.target, []).append((d, shown, bool(still)))
    for target, assets in placed.items():
        open_assets = [asset for asset in assets if asset[2]]
        named = open_assets or assets
        yield Hit(
            target=target,
            description=_above_description(ctx, [(d, shown) for d, shown, _ in named]),
            stake=ctx.data_rank([d for d, *_ in named]),
            present=frozenset() if open_assets else _MASKED,
        )


_MASKED = frozenset({"dlp"})


def _above_description(ctx: ThreatContext, assets: list[tuple[str, list[Receipt]]]) -> str:
    """Each asset, where it goes above its zone and through which flows or stores; the
    most sensitive first."""
    assets = sorted(assets, key=lambda asset: (-ctx.rank_of(asset[0]), asset[0]))
    parts = []
    for d, shown in assets:
        how = sorted({str(r.target) for r in shown})
        parts.append(f"{at_stake(ctx, [d])}: {_where(ctx, shown)}; through {quoted(how)}")
    if len(parts) == 1:
        what, where = parts[0].split(": ", 1)
        return f"{what[0].upper()}{what[1:]} goes where its zone is not meant to hold it: {where}."
    return (
        f"{len(parts)} data assets go where their zones are not meant to hold them: "
        + ". ".join(f"{part[0].upper()}{part[1:]}" for part in parts)
        + "."
    )
