"""Zones and the data they hold: what used to be validation errors (AM305, AM306).

A model may say that card numbers pass a DMZ load balancer or that a client talks to a
database directly; that is how some systems are built, so it is a finding to weigh, not a
malformed model.
"""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.model import DATA_STORES, ZONE_MAY_HOLD, Flow, Trust
from archmodel.threats.checks.common import at_stake, component_hit, label
from archmodel.threats.checks.flows import flow_hit
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
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
                stake=max(ctx.stake(target), 1),
                exposed=True,
                present=frozenset(f.controls) | ctx.controls(target.id),
            )


def _above(ctx: ThreatContext, data_ids: list[str], receiver: str) -> tuple[Trust | None, list[str]]:
    """The receiver's trust and the data above what its zone is meant to hold, leaving out
    the receiver's own data; nothing for a component in no zone (AMT196 reports it)."""
    trust = ctx.graph.trust_of(receiver)
    if trust is None:
        return None, []
    limit = ZONE_MAY_HOLD[trust].rank
    if ctx.data_rank(data_ids) <= limit:
        return trust, []  # the common case, decided without the owners
    return trust, [d for d in ctx.foreign(data_ids, receiver) if ctx.rank_of(d) > limit]


def _flow_hits(ctx: ThreatContext, f: Flow) -> Iterator[Hit]:
    for refs, receiver in ((f.data, f.target), (f.returns, f.source)):
        trust, above = _above(ctx, list(refs), receiver)
        if trust is not None and above:
            yield flow_hit(
                ctx,
                f,
                f"Flow '{f.id}' brings {at_stake(ctx, above)} to '{receiver}' in {trust} zone "
                f"'{ctx.graph.components[receiver].zone}', which is meant to hold at most "
                f"{ZONE_MAY_HOLD[trust]} data.",
                stake=ctx.data_rank(above),
                # Masking data before it reaches a zone is done on the flow or by the
                # receiver; an environment-wide DLP scanner (of buckets, say) does not.
                present=frozenset(f.controls) | ctx.graph.effective_controls(receiver),
            )


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
    is not counted. Formerly validation error AM306."""
    for f in ctx.flows():
        if ctx.in_scope(f.source):
            yield from _flow_hits(ctx, f)
    for c in ctx.components():
        trust, above = _above(ctx, list(c.stores), c.id)
        if above:
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} stores {at_stake(ctx, above)} in {trust} zone '{c.zone}'.",
                stake=ctx.data_rank(above),
                exposed=False,
            )
