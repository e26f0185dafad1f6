"""Flows: data in transit, and who may send it across a trust boundary."""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.model import (
    AUTH_CONTROLS,
    CLIENTS,
    DATA_STORES,
    HUMAN_CLIENTS,
    PASS_THROUGH,
    Classification,
    Flow,
    Protocol,
    Ref,
    Trust,
)
from archmodel.threats.checks.common import at_stake, authenticate
from archmodel.threats.checks.services import crosses_inward, says_none
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.severity import reach_stake
from archmodel.threats.types import ModelChange, Stride

LEGACY_CLEARTEXT = frozenset({Protocol.ftp, Protocol.ldap, Protocol.smb, Protocol.nfs})
REMOTE_ADMIN = frozenset({Protocol.ssh, Protocol.smb})
# Targets whose authentication is judged per component (AMT154) or outside our control.
NOT_AUTH_JUDGED = PASS_THROUGH | CLIENTS | DATA_STORES


def flow_hit(
    ctx: ThreatContext,
    f: Flow,
    description: str,
    *,
    stake: int,
    exposed: bool = False,
    present: frozenset[str] | None = None,
    mitigations: tuple[str, ...] | None = None,
    changes: tuple[ModelChange, ...] = (),
) -> Hit:
    return Hit(
        target=Ref.flow(f.id),
        description=description,
        stake=stake,
        exposed=exposed,
        present=frozenset(f.controls) if present is None else present,
        mitigations=mitigations,
        changes=changes,
    )


def _from_untrusted(ctx: ThreatContext, f: Flow) -> bool:
    return f.source in ctx.untrusted


def _carried(f: Flow) -> list[str]:
    return [*f.data, *f.returns]


@threat(
    "AMT150",
    "Sensitive data sent unencrypted",
    stride=[Stride.information_disclosure, Stride.tampering],
    mitigations=["tls", "mtls"],
    cwe=["CWE-319"],
    capec=["CAPEC-157", "CAPEC-94"],
    fix="Encrypt the connection (TLS 1.2+, or mTLS between services): use the encrypted "
    "protocol variant or add `tls`/`mtls` to the flow.",
    by_caller=False,
)
def sensitive_in_clear(ctx: ThreatContext) -> Iterator[Hit]:
    """Anyone on the network path (a compromised host, a mirrored port, a cloud
    misconfiguration) reads and alters confidential data sent in clear."""
    for f in ctx.flows():
        sensitive = ctx.sensitive(_carried(f))
        if f.plaintext and sensitive:
            yield flow_hit(
                ctx,
                f,
                f"Flow '{f.id}' ({f.protocol}) carries {at_stake(ctx, sensitive)} unencrypted.",
                stake=ctx.data_rank(sensitive),
                exposed=ctx.graph.crosses_boundary(f),
            )


@threat(
    "AMT151",
    "Unencrypted flow across a trust boundary",
    stride=[Stride.tampering, Stride.information_disclosure],
    mitigations=["tls", "mtls"],
    weight=-1,
    cwe=["CWE-319"],
    capec=["CAPEC-94"],
    fix="Use TLS on every connection that leaves a zone (the encrypted protocol variant, "
    "or `tls`/`mtls` on the flow).",
    by_caller=False,
)
def clear_across_boundary(ctx: ThreatContext) -> Iterator[Hit]:
    """Even without classified data, a cleartext connection across a boundary carries
    session tokens and can be altered in transit (machine-in-the-middle)."""
    for f in ctx.flows():
        if f.plaintext and ctx.graph.crosses_boundary(f) and not ctx.sensitive(_carried(f)):
            yield flow_hit(
                ctx,
                f,
                f"Flow '{f.id}' ({f.protocol}) crosses from zone "
                f"'{_zone(ctx, f.source)}' to '{_zone(ctx, f.target)}' unencrypted.",
                stake=max(ctx.flow_stake(f), 1),
                exposed=_from_untrusted(ctx, f),
            )


@threat(
    "AMT152",
    "Legacy cleartext protocol",
    stride=[Stride.information_disclosure, Stride.spoofing],
    mitigations=["tls", "mtls"],
    weight=-1,
    cwe=["CWE-319", "CWE-523"],
    capec=["CAPEC-158"],
    fix="Replace FTP with SFTP, LDAP with LDAPS, SMB/NFS with their encrypted (SMB3, "
    "NFS-over-TLS/Kerberos) variants.",
    by_caller=False,
)
def legacy_protocol(ctx: ThreatContext) -> Iterator[Hit]:
    """FTP, LDAP, SMB and NFS send passwords or tickets in clear, even inside one zone.
    Flows already reported by AMT150/AMT151 are not repeated."""
    for f in ctx.flows():
        if (
            f.protocol in LEGACY_CLEARTEXT
            and f.plaintext
            and not ctx.graph.crosses_boundary(f)
            and not ctx.sensitive(_carried(f))
        ):
            yield flow_hit(
                ctx,
                f,
                f"Flow '{f.id}' uses {f.protocol}, which sends credentials in clear.",
                stake=max(ctx.flow_stake(f), 1),
            )


@threat(
    "AMT153",
    "Unauthenticated flow across a trust boundary",
    stride=[Stride.spoofing, Stride.elevation_of_privilege],
    mitigations=["authentication", "oauth2", "jwt", "mtls"],
    weight=-1,
    cwe=["CWE-306", "CWE-290"],
    capec=["CAPEC-151", "CAPEC-115"],
    fix="Authenticate the caller where it crosses the boundary: mTLS or signed service "
    "tokens on the flow, or authentication (OAuth2/JWT, IAM) on the target; a flow that "
    "says `authentication: none` needs its own `authentication`.",
)
def unauthenticated_crossing(ctx: ThreatContext) -> Iterator[Hit]:
    """The target of a flow from a less trusted zone must know who is calling; otherwise
    the boundary only stops attackers who do not know the address. A flow that says
    `authentication: none` is not closed by its target's controls: the target takes
    that call from anyone."""
    comps = ctx.graph.components
    for f in ctx.flows():
        target = comps[f.target]
        if target.kind in NOT_AUTH_JUDGED or not crosses_inward(ctx, f):
            continue
        refused = says_none(f) and AUTH_CONTROLS.isdisjoint(ctx.flow_auth(f))
        yield flow_hit(
            ctx,
            f,
            f"{str(target.kind).replace('_', ' ').capitalize()} '{target.id}' accepts "
            f"flow '{f.id}' from zone '{_zone(ctx, f.source)}' without authenticating the "
            f"caller; it handles {at_stake(ctx, ctx.handled(target.id))}.",
            stake=max(reach_stake(ctx, target), ctx.flow_stake(f)),
            exposed=_from_untrusted(ctx, f),
            present=frozenset() if refused else ctx.flow_auth(f) | ctx.auth_controls(target.id),
            mitigations=() if refused else None,
            changes=(authenticate([f]),),
        )


@threat(
    "AMT156",
    "Remote administration exposed to the internet",
    stride=[Stride.elevation_of_privilege, Stride.spoofing],
    mitigations=["vpn", "ip_allowlist", "zero_trust"],
    cwe=["CWE-284"],
    capec=["CAPEC-555"],
    fix="Close SSH/SMB to the internet: use a VPN, an identity-aware proxy or session "
    "manager, or at least an IP allow-list.",
)
def admin_from_internet(ctx: ThreatContext) -> Iterator[Hit]:
    """Internet-facing SSH or SMB draws constant brute-force and exploit attempts against
    the most privileged access path there is."""
    for f in ctx.flows():
        if f.protocol in REMOTE_ADMIN and _from_untrusted(ctx, f):
            yield flow_hit(
                ctx,
                f,
                f"Flow '{f.id}' opens {f.protocol} from the untrusted zone to '{f.target}'.",
                stake=max(reach_stake(ctx, ctx.graph.components[f.target]), 2),
                exposed=True,
                present=frozenset(f.controls) | ctx.controls(f.target),
            )


@threat(
    "AMT158",
    "Restricted data returned to the untrusted side",
    stride=[Stride.information_disclosure],
    mitigations=["dlp"],
    weight=-1,
    cwe=["CWE-200", "CWE-359"],
    capec=["CAPEC-118"],
    fix="Mask or tokenise restricted fields in responses to clients (e.g. last four digits "
    "of a card) and add `dlp` where responses leave.",
)
def restricted_to_untrusted(ctx: ThreatContext) -> Iterator[Hit]:
    """Full restricted values in responses to browsers and apps end up in caches, logs and
    screenshots outside any control. Data returned to its own `owner` is not counted."""
    for f in ctx.flows():
        if _from_untrusted(ctx, f) and ctx.graph.components[f.source].kind in HUMAN_CLIENTS:
            leaked = ctx.sensitive(ctx.foreign(f.returns, f.source), Classification.restricted)
        elif f.target in ctx.untrusted and ctx.graph.components[f.target].kind in HUMAN_CLIENTS:
            leaked = ctx.sensitive(ctx.foreign(f.data, f.target), Classification.restricted)
        else:
            continue
        if leaked:
            yield flow_hit(
                ctx,
                f,
                f"Flow '{f.id}' hands {at_stake(ctx, leaked)} to the untrusted side.",
                stake=3,
                present=frozenset(f.controls) | ctx.controls(f.target),
            )


@threat(
    "AMT160",
    "Flow skips trust levels into a restricted zone",
    stride=[Stride.elevation_of_privilege],
    mitigations=["zero_trust", "ip_allowlist"],
    weight=-1,
    cwe=["CWE-653"],
    fix="Route the call through a component in the internal zone, or allow-list exactly this "
    "caller at the restricted boundary.",
)
def skips_trust_levels(ctx: ThreatContext) -> Iterator[Hit]:
    """A direct path from the DMZ or the internet into a restricted zone bypasses the
    internal tier that is meant to stand between them."""
    for f in ctx.flows():
        if ctx.trust_rank(f.target) == Trust.restricted.rank and ctx.trust_rank(f.source) <= Trust.dmz.rank:
            yield flow_hit(
                ctx,
                f,
                f"Flow '{f.id}' goes from zone '{_zone(ctx, f.source)}' straight into "
                f"restricted zone '{_zone(ctx, f.target)}'.",
                stake=max(reach_stake(ctx, ctx.graph.components[f.target]), 2),
                present=frozenset(f.controls) | ctx.controls(f.target),
            )


def _zone(ctx: ThreatContext, component_id: str) -> str:
    return ctx.graph.components[component_id].zone or "(none)"
