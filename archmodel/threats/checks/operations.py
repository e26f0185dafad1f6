"""Fleet-wide operational controls: logging, monitoring, patching, hardening, secrets.

These are normally provided by the platform, so a gap is reported once per environment
with the components it leaves uncovered (see ``fleet_gaps``).
"""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.model import CLIENTS, Component, Kind
from archmodel.threats.checks.common import PROCESSING, STORES, fleet_gaps, self_managed
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.types import Stride

OBSERVED = (*PROCESSING, *STORES, Kind.identity_provider, Kind.secrets_store)
CREDENTIAL_TARGETS = frozenset({*STORES, Kind.external_system, Kind.identity_provider, Kind.monitoring})


def _ships_to_monitoring(ctx: ThreatContext, c: Component) -> bool:
    """Sending telemetry to a modelled monitoring component counts as being observed."""
    comps = ctx.graph.components
    return any(comps[t].kind is Kind.monitoring for t in ctx.successors.get(c.id, []))


@threat(
    "AMT140",
    "Components without monitoring",
    stride=[Stride.repudiation, Stride.denial_of_service],
    mitigations=["monitoring"],
    weight=-1,
    cwe=["CWE-778"],
    capec=["CAPEC-268"],
    fix="Collect metrics, traces and alerts for every component (or send them to a "
    "monitoring component) and add `monitoring` to the environment.",
)
def no_monitoring(ctx: ThreatContext) -> Iterator[Hit]:
    """Attacks and outages that nobody sees last as long as the attacker wants: no
    monitoring means no detection and no response."""
    members = [c for c in ctx.components() if c.kind not in CLIENTS and c.kind is not Kind.monitoring]
    yield from fleet_gaps(
        ctx,
        members,
        frozenset({"monitoring"}),
        "are not monitored",
        lambda c: _ships_to_monitoring(ctx, c),
    )


@threat(
    "AMT141",
    "Components without security logging",
    stride=[Stride.repudiation],
    mitigations=["logging"],
    weight=-1,
    cwe=["CWE-778", "CWE-223"],
    capec=["CAPEC-268"],
    fix="Write audit logs (who did what, when, from where) to a central, append-only store "
    "with retention, and add `logging`.",
)
def no_logging(ctx: ThreatContext) -> Iterator[Hit]:
    """Without audit logs nobody can prove who did what: actions are repudiable and
    incidents cannot be investigated."""
    yield from fleet_gaps(
        ctx,
        ctx.components(*OBSERVED),
        frozenset({"logging"}),
        "keep no security audit log",
        lambda c: _ships_to_monitoring(ctx, c),
    )


@threat(
    "AMT114",
    "Self-managed workloads without patch management",
    stride=[Stride.tampering, Stride.elevation_of_privilege],
    mitigations=["patching"],
    weight=-1,
    cwe=["CWE-1395", "CWE-1104"],
    capec=["CAPEC-310"],
    fix="Rebuild images and patch hosts on a schedule driven by vulnerability scans (with "
    "an SLA per severity) and add `patching`.",
)
def no_patching(ctx: ThreatContext) -> Iterator[Hit]:
    """Containers and VMs we run ourselves keep their known vulnerabilities until we patch
    them; managed and serverless runtimes are patched by the provider and skipped."""
    members = [c for c in ctx.components() if c.kind not in CLIENTS and self_managed(c)]
    yield from fleet_gaps(ctx, members, frozenset({"patching"}), "run without patch management")


@threat(
    "AMT115",
    "Self-managed workloads without a hardening baseline",
    stride=[Stride.elevation_of_privilege, Stride.tampering],
    mitigations=["hardening"],
    weight=-2,
    cwe=["CWE-1188", "CWE-250"],
    capec=["CAPEC-233"],
    fix="Apply a hardening baseline (CIS benchmark, non-root read-only containers, minimal "
    "images, no shell) and add `hardening`.",
)
def no_hardening(ctx: ThreatContext) -> Iterator[Hit]:
    """Default images and hosts run as root with shells and open ports: a small foothold
    becomes a container escape or lateral movement."""
    members = [c for c in ctx.components() if c.kind not in CLIENTS and self_managed(c)]
    yield from fleet_gaps(ctx, members, frozenset({"hardening"}), "run without a hardening baseline")


@threat(
    "AMT130",
    "Workload credentials outside a secrets vault",
    stride=[Stride.information_disclosure, Stride.elevation_of_privilege],
    mitigations=["secrets_vault"],
    weight=-1,
    cwe=["CWE-798", "CWE-522"],
    capec=["CAPEC-191"],
    fix="Fetch database, broker and API credentials from a secrets vault at runtime "
    "(short-lived, rotated) instead of config or images, and add `secrets_vault`.",
)
def no_secrets_vault(ctx: ThreatContext) -> Iterator[Hit]:
    """Credentials in environment variables, images or repositories leak with them and are
    rarely rotated; a workload that talks to stores or third parties holds such secrets."""
    comps = ctx.graph.components

    def holds_credentials(c: Component) -> bool:
        return any(comps[t].kind in CREDENTIAL_TARGETS for t in ctx.successors.get(c.id, []))

    def uses_vault(c: Component) -> bool:
        return any(comps[t].kind is Kind.secrets_store for t in ctx.successors.get(c.id, []))

    members = [c for c in ctx.components(*PROCESSING) if holds_credentials(c)]
    yield from fleet_gaps(
        ctx,
        members,
        frozenset({"secrets_vault"}),
        "hold credentials outside a secrets vault",
        uses_vault,
    )
