"""Internet exposure: what the internet touches first, and whether the edge filters it."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from archmodel.model import DATA_STORES, EDGE_CANDIDATES, PROCESSING, Classification, Component, Ref, Trust
from archmodel.threats.checks.common import (
    at_stake,
    component_hit,
    label,
    quoted,
    store_data,
    zone_change,
)
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.severity import reach_stake
from archmodel.threats.types import Stride


def entries(ctx: ThreatContext) -> list[Component]:
    """First components internet traffic touches: fed by the untrusted side, or public and
    fed by nothing modelled. A public load balancer behind a public CDN is not an entry."""
    out = []
    for c in ctx.components(*EDGE_CANDIDATES):
        preds = ctx.predecessors.get(c.id, [])
        from_untrusted = any(p in ctx.untrusted for p in preds)
        if ctx.exposed(c.id) and (from_untrusted or (c.public and not preds)):
            out.append(c)
    return out


def unguarded(ctx: ThreatContext, control: str) -> Iterator[tuple[Component, list[str]]]:
    """Entries from which an application component is reachable without passing ``control``.

    One reverse BFS from unguarded applications finds every node that can reach one
    through unguarded nodes (linear in the graph); a short forward BFS then names up to
    three applications for the description.
    """
    guarded = {c for c in ctx.graph.components if control in ctx.controls(c)}
    apps = [c.id for c in ctx.components(*PROCESSING) if c.id not in guarded]
    reaches = set(apps)
    queue = deque(apps)
    while queue:
        node = queue.popleft()
        for p in ctx.predecessors.get(node, []):
            if p not in reaches and p not in guarded:
                reaches.add(p)
                queue.append(p)
    app_ids = set(apps)
    for entry in entries(ctx):
        if entry.id in reaches:
            yield entry, _first_apps(ctx, entry.id, guarded, app_ids)


def _first_apps(ctx: ThreatContext, start: str, guarded: set[str], apps: set[str]) -> list[str]:
    found: list[str] = []
    seen = {start}
    queue = deque([start])
    while queue and len(found) < 3:
        node = queue.popleft()
        if node in apps:
            found.append(node)
        for s in ctx.successors.get(node, []):
            if s not in seen and s not in guarded:
                seen.add(s)
                queue.append(s)
    return found


@threat(
    "AMT101",
    "Internet traffic reaches applications without a WAF",
    stride=[Stride.tampering, Stride.elevation_of_privilege],
    mitigations=["waf"],
    weight=-1,
    cwe=["CWE-20"],
    capec=["CAPEC-66", "CAPEC-63"],
    fix="Put a WAF (managed rule sets for OWASP Top 10) on the entry point or between it and "
    "the applications, and add `waf` to the component or its zone.",
)
def no_waf(ctx: ThreatContext) -> Iterator[Hit]:
    """Injection and request-smuggling attacks from the internet reach application code
    unfiltered when no component on the way applies a WAF."""
    for entry, apps in unguarded(ctx, "waf"):
        yield component_hit(
            ctx,
            entry,
            f"Internet traffic enters at {label(entry)} and reaches {quoted(apps)} "
            "without passing a web application firewall.",
        )


@threat(
    "AMT102",
    "Internet traffic reaches APIs without rate limiting",
    stride=[Stride.denial_of_service, Stride.spoofing],
    mitigations=["rate_limiting"],
    weight=-1,
    cwe=["CWE-770", "CWE-307"],
    capec=["CAPEC-125", "CAPEC-49"],
    fix="Apply per-client rate limits and quotas at the API gateway or edge "
    "(and add `rate_limiting`), including stricter limits on login endpoints.",
)
def no_rate_limit(ctx: ThreatContext) -> Iterator[Hit]:
    """Without rate limiting, request floods, credential stuffing and scraping reach the
    applications at whatever rate the attacker chooses."""
    for entry, apps in unguarded(ctx, "rate_limiting"):
        yield component_hit(
            ctx,
            entry,
            f"Requests entering at {label(entry)} reach {quoted(apps)} with no rate limit on the way.",
        )


@threat(
    "AMT103",
    "Internet entry point without DDoS protection",
    stride=[Stride.denial_of_service],
    mitigations=["ddos_protection"],
    weight=-1,
    cwe=["CWE-400"],
    capec=["CAPEC-125", "CAPEC-482"],
    fix="Front the entry point with a DDoS-protected edge (AWS Shield, Cloud Armor, "
    "Azure DDoS Protection) and add `ddos_protection` to it or its zone.",
)
def no_ddos(ctx: ThreatContext) -> Iterator[Hit]:
    """A volumetric or protocol flood against the first internet-facing component takes
    the whole service down."""
    for entry in entries(ctx):
        yield component_hit(
            ctx,
            entry,
            f"{label(entry).capitalize()} takes internet traffic with no DDoS protection.",
            stake=max(reach_stake(ctx, entry), 1),
        )


@threat(
    "AMT104",
    "Data store reachable from the internet",
    stride=[Stride.information_disclosure, Stride.tampering],
    mitigations=["ip_allowlist", "vpn"],
    cwe=["CWE-284", "CWE-668"],
    capec=["CAPEC-150"],
    fix="Make the store private (no public endpoint, private subnets or private link); "
    "serve public content through a CDN with origin access control.",
)
def public_store(ctx: ThreatContext) -> Iterator[Hit]:
    """A store with a public endpoint is one leaked credential or misconfigured ACL away
    from a breach; public buckets are the most common cloud data leak."""
    for c in ctx.components(*DATA_STORES):
        data = store_data(ctx, c)
        if c.public and ctx.data_rank(data) >= Classification.internal.rank:
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} is public and holds {at_stake(ctx, data)}.",
                stake=ctx.data_rank(data),
                exposed=True,
            )


@threat(
    "AMT105",
    "Internet-facing component inside a trusted zone",
    stride=[Stride.elevation_of_privilege],
    mitigations=[],
    layer="network",
    weight=-1,
    cwe=["CWE-668"],
    fix="Move the public components to a DMZ zone and let only their own flows cross into the internal zone.",
)
def public_in_trusted_zone(ctx: ThreatContext) -> Iterator[Hit]:
    """A public component in an internal or restricted zone puts the internet inside the
    boundary: everything the zone trusts, an attacker on that component can reach. One
    finding per zone, naming its public components: one root cause (the zone has no
    DMZ in front of it), as severe as the most exposed of them. What closes it is moving
    them into a DMZ zone of the model (the untrusted zone is no home for ours: AMT235);
    without one, adding it is the design change the fix names."""
    by_zone: dict[str, list[Component]] = {}
    for c in ctx.components():
        trust = ctx.graph.trust_of(c.id)
        if c.public and c.zone is not None and trust is not None and trust.rank >= Trust.internal.rank:
            by_zone.setdefault(c.zone, []).append(c)
    for zone_id, members in sorted(by_zone.items()):
        trust = ctx.graph.trust_of(members[0].id)
        ids = [c.id for c in members]
        verb = "is" if len(ids) == 1 else "are"
        yield Hit(
            target=Ref("zones", zone_id),
            description=f"In {trust} zone '{zone_id}', {quoted(ids, len(ids))} {verb} public: the "
            "internet is inside the boundary.",
            stake=max(reach_stake(ctx, c) for c in members),
            exposed=True,
            changes=zone_change(ctx, members, lambda zone: zone.trust is Trust.dmz),
        )
