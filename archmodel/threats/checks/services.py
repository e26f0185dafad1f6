"""Application components (services, functions, API gateways) and identity providers."""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.model import (
    AUTH_CONTROLS,
    PROCESSING,
    WORKLOADS,
    Authentication,
    Classification,
    Component,
    DataFormat,
    Flow,
    Kind,
)
from archmodel.threats.checks.common import at_stake, authenticate, component_hit, label, quoted
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.severity import reach_stake
from archmodel.threats.types import Stride

# Pass-through edge components terminate no sessions; authentication happens behind them.


def unauthenticated_inbound(ctx: ThreatContext, component_id: str) -> list[Flow]:
    return [f for f in ctx.inbound(component_id) if AUTH_CONTROLS.isdisjoint(ctx.flow_auth(f))]


def probe(ctx: ThreatContext, f: Flow) -> bool:
    """A health check or metrics scrape: a monitoring component's call that sends no
    data. It asks the target how it is, it does not act as a caller of its API."""
    return not f.data and ctx.graph.components[f.source].kind is Kind.monitoring


def acting_inbound(ctx: ThreatContext, component_id: str) -> list[Flow]:
    """The calls into a component that act on it: every inbound flow but probes."""
    return [f for f in ctx.inbound(component_id) if not probe(ctx, f)]


def says_none(f: Flow) -> bool:
    """A call whose caller, the flow says, proves nothing: an API that checks tokens on
    one interface and takes anyone on another. Its target's controls cannot change that."""
    return f.authentication is Authentication.none


def open_inbound(ctx: ThreatContext, component_id: str) -> list[Flow]:
    """The calls into a component that nothing authenticates: with an authentication
    control on the component, those that say ``authentication: none``; without, every
    call that carries no proof of its own."""
    unauth = unauthenticated_inbound(ctx, component_id)
    if ctx.auth_controls(component_id):
        return [f for f in unauth if says_none(f)]
    return unauth


def auth_hit(
    ctx: ThreatContext, c: Component, unauth: list[Flow], description: str, exposed: bool | None = None
) -> Hit:
    """A finding about calls into ``c`` that nothing authenticates. An authentication
    control on ``c`` closes it unless a flow says its caller proves nothing; making every
    such flow say how its caller proves itself always does."""
    refused = any(says_none(f) for f in unauth)
    return component_hit(
        ctx,
        c,
        description,
        exposed=exposed,
        present=frozenset() if refused else ctx.auth_controls(c.id),
        mitigations=() if refused else None,
        changes=(authenticate(unauth),) if unauth else (),
    )


def crosses_inward(ctx: ThreatContext, f: Flow) -> bool:
    """A flow across a trust boundary towards equal or higher trust (AMT153's ground)."""
    return ctx.graph.crosses_boundary(f) and ctx.trust_rank(f.target) >= ctx.trust_rank(f.source)


@threat(
    "AMT110",
    "Application component without authentication",
    stride=[Stride.spoofing, Stride.elevation_of_privilege],
    mitigations=["authentication", "oauth2", "jwt", "mtls"],
    cwe=["CWE-306"],
    capec=["CAPEC-115"],
    fix="Authenticate every caller: validate OAuth2/JWT tokens for users, mTLS or signed "
    "service tokens between services; record it as a control on the component, and on a "
    "flow that says `authentication: none` as the flow's `authentication`.",
)
def no_authentication(ctx: ThreatContext) -> Iterator[Hit]:
    """A component that trusts whoever reaches it lets any foothold in its zone (or the
    internet, if it is public) act as any caller. A health check or metrics scrape from
    monitoring that sends no data is not such a call. A call that says
    `authentication: none` is such a call even when the component authenticates its
    other callers. Calls that cross a trust boundary are reported per flow by AMT153
    instead, so one gap is never reported twice."""
    for c in ctx.components(*PROCESSING):
        unauth = [f for f in open_inbound(ctx, c.id) if not probe(ctx, f)]
        if any(crosses_inward(ctx, f) for f in unauth):
            continue
        if unauth or (c.public and not acting_inbound(ctx, c.id) and not ctx.auth_controls(c.id)):
            callers = quoted(f.source for f in unauth) or "the internet"
            yield auth_hit(
                ctx,
                c,
                unauth,
                f"{label(c).capitalize()} accepts calls from {callers} without "
                f"authenticating them; it handles {at_stake(ctx, ctx.handled(c.id))}.",
            )


@threat(
    "AMT111",
    "Application component without input validation",
    stride=[Stride.tampering, Stride.elevation_of_privilege],
    mitigations=["input_validation"],
    weight=-1,
    cwe=["CWE-20", "CWE-89"],
    capec=["CAPEC-153", "CAPEC-66"],
    fix="Validate every request against a schema (types, lengths, allow-lists) at the "
    "component, use parameterised queries, and add `input_validation`.",
)
def no_input_validation(ctx: ThreatContext) -> Iterator[Hit]:
    """Unvalidated input is the root of injection, deserialisation and business-logic
    abuse; gateways validate shape at best, so each component must validate its input.
    A health check or metrics scrape from monitoring that sends no data is no input."""
    for c in ctx.components(*PROCESSING):
        sources = acting_inbound(ctx, c.id)
        if sources or c.public:
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} processes input from "
                f"{quoted(f.source for f in sources) or 'the internet'} "
                "with no input validation.",
            )


# Formats whose parsers have a history of turning input into code or file access.
RISKY_FORMATS: dict[DataFormat, str] = {
    DataFormat.serialized_objects: "native object deserialisation",
    DataFormat.xml: "XML (external entities)",
    DataFormat.yaml: "YAML (object tags)",
    DataFormat.files: "file uploads",
}


@threat(
    "AMT113",
    "Component parses formats that execute or reach files",
    stride=[Stride.tampering, Stride.elevation_of_privilege],
    mitigations=["input_validation"],
    cwe=["CWE-502", "CWE-611", "CWE-434"],
    capec=["CAPEC-586", "CAPEC-221"],
    fix="Accept data-only formats (JSON, protobuf) where possible; otherwise deserialise "
    "into allow-listed types only, disable XML external entities and YAML object tags, "
    "store uploads outside the web root with type checks, and add `input_validation`.",
)
def risky_formats(ctx: ThreatContext) -> Iterator[Hit]:
    """Native object deserialisation, XML external entities, YAML object tags and file
    uploads turn a request into code execution or file access when the parser trusts its
    input. Read from a component's `accepts`; reported when something calls it."""
    for c in ctx.components(*PROCESSING):
        risky = [RISKY_FORMATS[f] for f in c.accepts if f in RISKY_FORMATS]
        if risky and (ctx.inbound(c.id) or c.public):
            yield component_hit(
                ctx, c, f"{label(c).capitalize()} parses {', '.join(risky)} from its callers."
            )


@threat(
    "AMT112",
    "Service without authorisation (RBAC)",
    stride=[Stride.elevation_of_privilege, Stride.information_disclosure],
    mitigations=["rbac"],
    weight=-1,
    cwe=["CWE-285", "CWE-639"],
    capec=["CAPEC-122"],
    fix="Enforce role- or attribute-based authorisation on every operation (deny by "
    "default, object-level checks) and add `rbac`.",
)
def no_rbac(ctx: ThreatContext) -> Iterator[Hit]:
    """Authentication says who calls; without authorisation every authenticated caller
    can do everything, including reading other users' objects (IDOR)."""
    for c in ctx.components(*WORKLOADS):
        data = ctx.handled(c.id)
        if ctx.inbound(c.id) and ctx.data_rank(data) >= Classification.internal.rank:
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} serves {at_stake(ctx, data)} with no authorisation model (RBAC).",
            )


@threat(
    "AMT135",
    "Identity provider without multi-factor authentication",
    stride=[Stride.spoofing],
    mitigations=["mfa"],
    cwe=["CWE-308"],
    capec=["CAPEC-600", "CAPEC-560"],
    fix="Require MFA (phishing-resistant for administrators) at the identity provider and add `mfa`.",
)
def idp_without_mfa(ctx: ThreatContext) -> Iterator[Hit]:
    """With single-factor login, phished or stuffed passwords are full account takeovers
    for every system that trusts the identity provider."""
    for c in ctx.components(Kind.identity_provider):
        yield component_hit(
            ctx,
            c,
            f"{label(c).capitalize()} signs users in with a single factor.",
            stake=max(reach_stake(ctx, c), 2),
        )
