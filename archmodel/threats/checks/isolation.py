"""Isolation and identity: what shares a zone or a runtime with what, and whose identity a
request carries.

Zone membership, kinds, flow ``authentication`` and deploy runtimes are the facts read
here; each rule builds its index once (members by zone, neighbours by component) so that
the whole module stays linear in the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from archmodel.model import (
    CLIENTS,
    DATA_STORES,
    EDGE_SERVICES,
    HUMAN_CLIENTS,
    PASS_THROUGH,
    PROCESSING,
    WORKLOADS,
    Authentication,
    Classification,
    Component,
    Criticality,
    Flow,
    Kind,
    Protocol,
    Ref,
    Runtime,
    Trust,
    runs_in_container,
)
from archmodel.threats.checks.common import component_hit, label, quoted
from archmodel.threats.checks.flows import flow_hit
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.severity import reach_stake
from archmodel.threats.types import Stride, ThreatSeverity

# Authentication that names the calling service, not the user it acts for.
TECHNICAL_AUTH = frozenset(
    {Authentication.password, Authentication.api_key, Authentication.client_certificate}
)
# Authentication that names the user (a bearer token carries the user's identity).
USER_AUTH = frozenset({Authentication.token, Authentication.oauth2, Authentication.session_cookie})
LOGINS = USER_AUTH | {Authentication.password}
MANAGED_RUNTIMES = frozenset({Runtime.managed, Runtime.serverless})
# Targets a person reaches only to administer the system, never as a user of it.
ADMIN_KINDS = frozenset({*DATA_STORES, Kind.secrets_store, Kind.monitoring})
ADMIN_PROTOCOLS = frozenset({Protocol.ssh, Protocol.smb})


def _members(ctx: ThreatContext) -> dict[str, list[Component]]:
    """In-scope components of ours (no clients) by zone."""
    zones: dict[str, list[Component]] = {}
    for c in ctx.components():
        if c.zone is not None and c.kind not in CLIENTS:
            zones.setdefault(c.zone, []).append(c)
    return zones


def _carries_user(ctx: ThreatContext, f: Flow) -> bool:
    """Whether a flow out of a component that serves users passes their identity on: a
    load balancer, CDN or WAF forwards the request as it came; an API gateway does too
    unless the flow names its own credentials; a service (a BFF, an aggregator) only
    when the flow names the user's (a token, OAuth2, a session cookie)."""
    kind = ctx.graph.components[f.source].kind
    if kind in PASS_THROUGH:
        return True
    if kind is Kind.api_gateway:
        return f.authentication not in TECHNICAL_AUTH
    return f.authentication in USER_AUTH


def _users_reach(ctx: ThreatContext) -> dict[str, str | None]:
    """Components that receive users' requests with the user's identity, each with the
    component the requests came through (None: straight from a person's client). One
    walk from the people's clients along the flows that carry the identity, so that the
    first hop that drops it is the one judged, however many gateways and BFFs before it."""
    comps = ctx.graph.components
    came: dict[str, str | None] = {}
    for f in ctx.flows_from(*HUMAN_CLIENTS):
        if comps[f.source].kind in HUMAN_CLIENTS and comps[f.target].kind not in HUMAN_CLIENTS:
            came.setdefault(f.target, None)
    queue = list(came)
    while queue:
        node = queue.pop()
        for f in ctx.outbound(node):
            if f.target not in came and comps[f.target].kind not in CLIENTS and _carries_user(ctx, f):
                came[f.target] = node
                queue.append(f.target)
    return came


def _way_of_users(came: dict[str, str | None], component_id: str) -> str:
    """`` (through 'envoy' > 'bff')``: the components users' requests pass on the way."""
    chain: list[str] = []
    node = came.get(component_id)
    while node is not None and node not in chain:
        chain.append(node)
        node = came.get(node)
    return f" (through {' > '.join(repr(c) for c in reversed(chain))})" if chain else ""


@threat(
    "AMT230",
    "Missing end-user identity propagation",
    stride=[Stride.elevation_of_privilege, Stride.information_disclosure],
    mitigations=["jwt", "oauth2"],
    weight=-1,
    cwe=["CWE-284", "CWE-639"],
    capec=["CAPEC-122"],
    fix="Pass the end user's token (JWT, OAuth2 token exchange) on calls made for a user and "
    "authorise against it in the backend (`authentication: token` and `jwt` on the flow).",
)
def missing_identity_propagation(ctx: ThreatContext) -> Iterator[Hit]:
    """A service that calls a backend for its users with its own credentials (an API key,
    a password, a client certificate) makes the backend trust it for every user: once it
    is compromised, every user's data is. Reported on flows between our workloads whose
    caller serves users and whose target handles confidential data or is critical; a flow
    whose ``authentication`` is unsaid is not judged. A caller serves users when a
    person's client calls it, or when their requests reach it with their identity: through
    load balancers, CDNs, WAFs and API gateways, which forward them, and from a service
    (a BFF, an aggregator) that passes the user's token on."""
    comps = ctx.graph.components
    users = _users_reach(ctx)
    for f in ctx.flows():
        source, target = comps[f.source], comps[f.target]
        if (
            f.authentication in TECHNICAL_AUTH
            and source.kind in PROCESSING
            and target.kind in WORKLOADS
            and source.id in users
            and (
                ctx.data_rank(ctx.handled(target.id)) >= Classification.confidential.rank
                or target.criticality.rank >= Criticality.high.rank
            )
        ):
            yield flow_hit(
                ctx,
                f,
                f"'{source.id}' serves users{_way_of_users(users, source.id)} but calls "
                f"'{target.id}' over flow '{f.id}' with its own "
                f"{f.authentication.replace('_', ' ')}, not the user's identity.",
                stake=reach_stake(ctx, target),
            )


def _isolation_hits(ctx: ThreatContext, kind: Kind, fellows: frozenset[Kind]) -> Iterator[Hit]:
    """Hits on components of ``kind`` whose zone also holds components of other kinds."""
    guarded = list(ctx.components(kind))
    zones = _members(ctx) if guarded else {}
    for c in guarded:
        if c.zone is None or (c.deploy is not None and c.deploy.runtime in MANAGED_RUNTIMES):
            continue
        others = [o for o in zones.get(c.zone, []) if o.kind not in fellows]
        if others:
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} shares zone '{c.zone}' with {quoted(o.id for o in others)}.",
                stake=max(reach_stake(ctx, c), 2),
                exposed=False,
            )


@threat(
    "AMT231",
    "Identity provider not isolated",
    stride=[Stride.elevation_of_privilege, Stride.spoofing],
    mitigations=["zero_trust"],
    weight=-1,
    cwe=["CWE-1008"],
    fix="Run the identity provider in a zone of its own (or as a managed service, "
    "`deploy.runtime: managed`) and admit only the flows it needs, or enforce zero-trust "
    "access to it (`zero_trust`).",
)
def idp_not_isolated(ctx: ThreatContext) -> Iterator[Hit]:
    """An identity provider sharing a network zone with ordinary services is one lateral
    step away from any of them; whoever owns it can sign in as anyone."""
    yield from _isolation_hits(ctx, Kind.identity_provider, frozenset({Kind.identity_provider}))


@threat(
    "AMT232",
    "Secrets vault not isolated",
    stride=[Stride.elevation_of_privilege, Stride.information_disclosure],
    mitigations=["zero_trust"],
    weight=-1,
    cwe=["CWE-1008"],
    fix="Run the vault in a zone of its own (or use the provider's managed vault, "
    "`deploy.runtime: managed`) and admit only authenticated workloads, or enforce "
    "zero-trust access to it (`zero_trust`).",
)
def vault_not_isolated(ctx: ThreatContext) -> Iterator[Hit]:
    """A secrets vault sharing a network zone with ordinary services is one lateral step
    away from any of them, and it holds the keys to everything else."""
    yield from _isolation_hits(ctx, Kind.secrets_store, frozenset({Kind.secrets_store}))


def _user_facing(ctx: ThreatContext) -> set[str]:
    """Components easier to compromise than a sensitive store: internet-facing ones, and
    those browsers and apps call."""
    comps = ctx.graph.components
    facing = {f.target for f in ctx.flows_from(*HUMAN_CLIENTS) if comps[f.source].kind in HUMAN_CLIENTS}
    return facing | {c for c in comps if ctx.exposed(c)}


@threat(
    "AMT233",
    "Missing network segmentation",
    stride=[Stride.elevation_of_privilege],
    mitigations=["security_groups", "zero_trust"],
    weight=-1,
    cwe=["CWE-1008"],
    capec=["CAPEC-94"],
    fix="Put sensitive data stores in a zone of their own, or restrict them to their "
    "actual clients with per-resource rules (`security_groups`) or zero-trust access.",
)
def missing_segmentation(ctx: ThreatContext) -> Iterator[Hit]:
    """A store of confidential data in the same zone as internet-facing or user-facing
    components it does not talk to is one lateral step from them, with nothing in between
    that its own clients need."""
    facing = _user_facing(ctx)
    for members in _members(ctx).values():
        exposed = {c.id for c in members if c.id in facing}
        if not exposed:
            continue
        for c in members:
            if c.kind not in DATA_STORES or ctx.stake(c, stored_only=True) < Classification.confidential.rank:
                continue
            near = {*ctx.successors.get(c.id, ()), *ctx.predecessors.get(c.id, ()), c.id}
            strangers = exposed - near
            if strangers:
                yield component_hit(
                    ctx,
                    c,
                    f"{label(c).capitalize()} shares zone '{c.zone}' with "
                    f"{quoted(strangers)}, which face users and do not call it.",
                    exposed=False,
                )


@threat(
    "AMT234",
    "Mixed targets on a shared container runtime",
    stride=[Stride.elevation_of_privilege],
    mitigations=[],
    layer="infrastructure",
    weight=-2,
    cwe=["CWE-1008"],
    fix="Design change: run internet-facing containers and those holding restricted data on "
    "separate clusters or node pools (taints, dedicated nodes); then record the decision "
    "as a risk.",
)
def mixed_targets(ctx: ThreatContext) -> Iterator[Hit]:
    """Containers of one environment share its cluster's nodes and kernel: a container
    escape from an internet-facing container lands next to those holding restricted data.
    Reported when an environment runs both as containers."""
    containers = [c for c in ctx.components() if runs_in_container(c)]
    facing = {c.id for c in containers if ctx.exposed(c.id)}
    restricted = Classification.restricted.rank
    valuable = [c for c in containers if ctx.stake(c) >= restricted and c.id not in facing]
    if not facing or not valuable:
        return
    text = (
        f"internet-facing containers {quoted(facing)} share a container runtime with "
        f"{quoted(c.id for c in valuable)}, which handle restricted data"
    )
    envs = ctx.analysed_environments
    if envs:
        for env in envs:
            yield Hit(
                target=Ref.environment(env.id),
                description=f"In environment '{env.id}', {text}.",
                stake=3,
                present=frozenset(env.controls),
            )
        return
    for c in valuable:
        yield component_hit(ctx, c, f"{text[0].upper()}{text[1:]}.", exposed=False)


@threat(
    "AMT235",
    "Component on the wrong side of its trust boundary",
    stride=[Stride.elevation_of_privilege, Stride.information_disclosure],
    mitigations=[],
    layer="network",
    weight=-1,
    cwe=["CWE-1008"],
    fix="Design change: move the component to a zone of the trust it has (our services and "
    "stores out of the untrusted zone, people and third parties out of restricted zones).",
)
def wrong_boundary_content(ctx: ThreatContext) -> Iterator[Hit]:
    """A zone says how far its members are trusted. Our own services and stores in the
    untrusted zone are taken for the internet (the boundary rules then skip them); people,
    their devices and third-party systems in a restricted zone are trusted as if they were
    the most protected part of the system. Low: a model to correct before anything else."""
    for c in ctx.components():
        trust = ctx.graph.trust_of(c.id)
        if trust is Trust.untrusted and c.kind not in CLIENTS | EDGE_SERVICES:
            where = "untrusted zone, with the internet"
        elif trust is Trust.restricted and c.kind in CLIENTS:
            where = "restricted zone, trusted as much as the system's most protected parts"
        else:
            continue
        text = f"{label(c).capitalize()} is placed in the {where} ('{c.zone}')."
        yield replace(component_hit(ctx, c, text, exposed=False), severity=ThreatSeverity.low)


@threat(
    "AMT236",
    "Human administrative access without multi-factor authentication",
    stride=[Stride.spoofing, Stride.elevation_of_privilege],
    mitigations=["mfa"],
    cwe=["CWE-308"],
    capec=["CAPEC-560"],
    fix="Require a second factor for administrative access (MFA at the identity provider, "
    "a bastion or session manager that enforces it) and add `mfa`.",
)
def admin_without_mfa(ctx: ThreatContext) -> Iterator[Hit]:
    """A person who logs in straight to a data store, a vault or the monitoring, or over
    SSH/SMB, holds administrative power; one phished password is enough without a second
    factor."""
    comps = ctx.graph.components
    for f in ctx.flows_from(*HUMAN_CLIENTS):
        source, target = comps[f.source], comps[f.target]
        if source.kind in HUMAN_CLIENTS and (target.kind in ADMIN_KINDS or f.protocol in ADMIN_PROTOCOLS):
            yield flow_hit(
                ctx,
                f,
                f"Person '{source.id}' administers {label(target)} over flow '{f.id}' with a single factor.",
                stake=max(reach_stake(ctx, target), 2),
                present=frozenset(f.controls) | ctx.controls(target.id) | ctx.controls(source.id),
            )


@threat(
    "AMT237",
    "User logins without an identity provider",
    stride=[Stride.spoofing],
    mitigations=["sso"],
    layer="identity",
    weight=-1,
    cwe=["CWE-287"],
    fix="Model the identity provider users sign in with (a component of kind "
    "`identity_provider`), or add `sso` where the platform provides it.",
)
def missing_identity_store(ctx: ThreatContext) -> Iterator[Hit]:
    """Users authenticate, but the model has no identity provider: each service then keeps
    its own accounts and passwords, or the one that exists is left out of the analysis."""
    if any(c.kind is Kind.identity_provider for c in ctx.graph.components.values()):
        return
    comps = ctx.graph.components
    logins: dict[str, set[str]] = {}
    for f in ctx.flows_from(*HUMAN_CLIENTS):
        if comps[f.source].kind in HUMAN_CLIENTS and f.authentication in LOGINS:
            logins.setdefault(f.source, set()).add(f.target)
    for sid in sorted(logins):
        targets = logins[sid]
        present = ctx.controls(sid).union(*(ctx.controls(t) for t in targets))
        yield component_hit(
            ctx,
            comps[sid],
            f"'{sid}' signs in to {quoted(targets)}, and the model has no identity provider.",
            stake=max(reach_stake(ctx, comps[t]) for t in targets),
            exposed=False,
            present=present,
        )
