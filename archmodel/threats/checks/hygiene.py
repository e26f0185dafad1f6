"""Attack surface the design does not need: flows, data and components without a purpose,
and flows whose protocol does not fit their target.

These rules read what the model declares (a flow's ``data``, a component's ``stores`` and
``processes``); where a component declares neither, what it uses is unknown and the
rules leave it alone. All are low: they point at surface to remove or a model to correct.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from archmodel.model import (
    CLIENTS,
    DATA_STORES,
    HUMAN_CLIENTS,
    PASS_THROUGH,
    PROCESSING,
    SECRET_CATEGORIES,
    Authentication,
    Component,
    DataCategory,
    Kind,
    Protocol,
    Ref,
)
from archmodel.threats.checks.common import authenticate, component_hit, label, quoted
from archmodel.threats.checks.flows import flow_hit
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.types import Stride, ThreatSeverity

# The kinds of component a protocol's server is; a flow naming the protocol reaches one.
SERVED_BY: dict[Protocol, frozenset[Kind]] = {
    **dict.fromkeys(
        (
            Protocol.sql,
            Protocol.mysql,
            Protocol.postgresql,
            Protocol.mssql,
            Protocol.oracle,
            Protocol.mongodb,
            Protocol.cassandra,
            Protocol.elasticsearch,
        ),
        frozenset({Kind.database}),
    ),
    Protocol.redis: frozenset({Kind.cache, Kind.database, Kind.queue}),
    Protocol.memcached: frozenset({Kind.cache}),
    **dict.fromkeys((Protocol.kafka, Protocol.amqp, Protocol.mqtt, Protocol.nats), frozenset({Kind.queue})),
}
# Targets that may front any protocol: proxies, gateways (an IoT gateway is an MQTT
# broker), and systems outside ours.
NOT_JUDGED = frozenset({*PASS_THROUGH, Kind.api_gateway, *CLIENTS})
# Components that pass on what they receive without declaring it as their own.
CONDUITS = frozenset({*PASS_THROUGH, Kind.api_gateway, *CLIENTS})


# Any known way of authenticating closes AMT255, ``none`` included: it is the fact.
KNOWN_WAYS = tuple(a for a in Authentication if a is not Authentication.unknown)


def _low(hit: Hit) -> Hit:
    return replace(hit, severity=ThreatSeverity.low)


@threat(
    "AMT250",
    "Flow without a purpose",
    stride=[Stride.information_disclosure, Stride.elevation_of_privilege],
    mitigations=[],
    layer="network",
    cwe=["CWE-1008"],
    fix="Design change: remove the connection if nothing needs it, or list what it carries "
    "(`data`, `returns`).",
    scope="flow",
)
def unnecessary_link(ctx: ThreatContext) -> Iterator[Hit]:
    """A connection that carries no data is surface an attacker can use and no function
    needs. Judged only in models that declare data on their flows (otherwise nothing is
    known about any flow), and never for flows to or from monitoring (telemetry, scrapes)."""
    if not any(f.data or f.returns for f in ctx.flows()):
        return
    comps = ctx.graph.components
    for f in ctx.flows():
        telemetry = Kind.monitoring in (comps[f.source].kind, comps[f.target].kind)
        if not f.data and not f.returns and not telemetry:
            yield _low(flow_hit(ctx, f, f"Flow '{f.id}' carries no data either way.", stake=0))


@threat(
    "AMT251",
    "Data asset used nowhere",
    stride=[Stride.information_disclosure],
    mitigations=[],
    layer="data",
    fix="Design change: remove the data asset, or say which components store or process it "
    "and which flows carry it.",
    scope="data",
)
def unnecessary_data_asset(ctx: ThreatContext) -> Iterator[Hit]:
    """Data the model declares but no component stores or processes and no flow carries is
    either kept without need (remove it) or handled somewhere the model leaves out."""
    used = {d for c in ctx.graph.components.values() for d in (*c.stores, *c.processes)}
    used.update(d for f in ctx.graph.flows.values() for d in (*f.data, *f.returns))
    for d in sorted(set(ctx.graph.data) - used):
        asset = ctx.graph.data[d]
        yield Hit(
            target=Ref.data(d),
            description=f"{asset.classification.value.capitalize()} data '{d}' is stored, "
            "processed and carried by nothing in the model.",
            severity=ThreatSeverity.low,
            where=("data", d),
        )


@threat(
    "AMT252",
    "Data sent to a component that does not use it",
    stride=[Stride.information_disclosure],
    mitigations=[],
    layer="data",
    cwe=["CWE-213"],
    fix="Design change: send only what the receiver needs (drop or mask the fields), or add "
    "the data to the receiver's `processes` or `stores` if it does use it.",
    scope="flow",
)
def unnecessary_transfer(ctx: ThreatContext) -> Iterator[Hit]:
    """Confidential or restricted data a receiver neither stores, processes nor passes on
    is exposed on one more component for nothing. Judged only for services and functions
    that declare what they store or process; gateways, proxies and clients pass data on by
    nature, and a store uses what it is sent to find what it holds. A credential or session
    token on a flow whose caller authenticates is the caller's proof (the bearer token of
    the call): the receiver uses it to know who calls."""
    comps = ctx.graph.components
    judged = [f for f in ctx.flows() if f.data and _declares_use(comps[f.target])]
    if not judged:
        return
    forwarded: dict[str, set[str]] = {}
    for f in ctx.flows():
        forwarded.setdefault(f.source, set()).update(f.data)
    proofs = {d for d, a in ctx.graph.data.items() if not PROOFS.isdisjoint(a.category)}
    for f in judged:
        target = comps[f.target]
        kept = {*target.stores, *target.processes} | forwarded.get(target.id, set())
        if f.authenticated:
            kept |= proofs
        extra = ctx.sensitive(d for d in f.data if d not in kept)
        if extra:
            text = (
                f"Flow '{f.id}' sends {quoted(extra, 3)} to '{target.id}', which neither "
                "stores, processes nor passes it on."
            )
            yield _low(flow_hit(ctx, f, text, stake=ctx.data_rank(extra)))


# What a caller proves who it is with: a credential, a secret, a session token or cookie.
PROOFS = SECRET_CATEGORIES | {DataCategory.session}


def _declares_use(c: Component) -> bool:
    return c.kind not in CONDUITS and c.kind not in DATA_STORES and bool(c.stores or c.processes)


@threat(
    "AMT253",
    "Component without a purpose",
    stride=[Stride.elevation_of_privilege],
    mitigations=[],
    layer="infrastructure",
    fix="Design change: remove the component if nothing uses it, or model its flows and the "
    "data it stores or processes.",
)
def unnecessary_component(ctx: ThreatContext) -> Iterator[Hit]:
    """A component with no flows and no data is surface without function (an old server,
    a forgotten bucket) or a gap in the model that hides what reaches it."""
    for c in ctx.components():
        if (
            c.kind not in CLIENTS
            and not c.stores
            and not c.processes
            and not ctx.successors.get(c.id)
            and not ctx.predecessors.get(c.id)
        ):
            hit = component_hit(ctx, c, f"{label(c).capitalize()} has no flows and no data.", stake=0)
            yield _low(hit)


@threat(
    "AMT254",
    "Flow protocol does not fit its target",
    stride=[Stride.tampering],
    mitigations=[],
    layer="network",
    fix="Design change: correct the flow's `protocol` or the target's `kind`, so that the "
    "rules that read them (encryption, injection, authentication) judge the right thing.",
    scope="flow",
)
def wrong_link_content(ctx: ThreatContext) -> Iterator[Hit]:
    """A database, cache or broker protocol between two components neither of which is of
    the kind that serves it (a consumer may be the target of its broker's flow) means the
    model is wrong (and the rules judge the wrong thing) or a component exposes a protocol it
    should not (a service speaking the database's wire protocol)."""
    comps = ctx.graph.components
    for f in ctx.flows():
        kinds = SERVED_BY.get(f.protocol) if f.protocol is not None else None
        source, target = comps[f.source], comps[f.target]
        if kinds is None or source.kind in kinds or target.kind in kinds | NOT_JUDGED:
            continue
        served = " or ".join(sorted(str(k).replace("_", " ") for k in kinds))
        text = f"Flow '{f.id}' speaks {f.protocol} between components neither of which is a {served}."
        yield _low(flow_hit(ctx, f, text, stake=0))


@threat(
    "AMT255",
    "Incomplete model: how people authenticate is unknown",
    stride=[Stride.spoofing],
    mitigations=[],
    layer="identity",
    fix="Add the flow's `authentication` (`session_cookie`, `token`, `oauth2`, `password`, "
    "`none`…), so that the rules on cross-site request forgery (AMT225) and user logins "
    "(AMT237) can judge it.",
    scope="flow",
)
def unknown_user_authentication(ctx: ThreatContext) -> Iterator[Hit]:
    """A flow from a person, a browser or an app to a component of ours that does not say
    how the caller authenticates: whether a session cookie invites cross-site request
    forgery, or whether logins go through an identity provider, is unknown, and those
    rules skip it rather than assume the worst."""
    comps = ctx.graph.components
    for f in ctx.flows_from(*HUMAN_CLIENTS):
        if (
            f.authenticated is None
            and comps[f.source].kind in HUMAN_CLIENTS
            and comps[f.target].kind in PROCESSING
        ):
            text = f"Flow '{f.id}' from '{f.source}' does not say how the caller authenticates."
            yield _low(flow_hit(ctx, f, text, stake=0, changes=(authenticate([f], KNOWN_WAYS),)))
