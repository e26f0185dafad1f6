"""Fleet-wide operational controls: logging, monitoring, patching, hardening, secrets.

These are normally provided by the platform, so a gap is reported once per environment
with the components it leaves uncovered (see ``fleet_gaps``). Gaps that each component
closes on its own (its resource limits, where its audit log goes) are reported per component.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from archmodel.model import (
    CLIENTS,
    DATA_STORES,
    PROCESSING,
    SECRET_CATEGORIES,
    Classification,
    Component,
    Criticality,
    DataCategory,
    Deploy,
    Kind,
    Ref,
    operated_workload,
    self_managed,
)
from archmodel.model.component import Quantities
from archmodel.threats.checks.common import (
    at_stake,
    component_hit,
    fleet_gaps,
    held_stake,
    label,
    quoted,
    store_data,
)
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.types import ModelChange, Stride

OBSERVED = (*PROCESSING, *DATA_STORES, Kind.identity_provider, Kind.secrets_store)
CREDENTIAL_TARGETS = frozenset({*DATA_STORES, Kind.external_system, Kind.identity_provider, Kind.monitoring})


def _ships_to_monitoring(ctx: ThreatContext, c: Component) -> bool:
    """Sending telemetry to a modelled monitoring component counts as being observed."""
    return c.id in ctx.feeds(Kind.monitoring)


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


def _sized_change(c: Component) -> ModelChange:
    """The deploy's ``resources``: requests (or limits) for cpu and memory, whose values
    only the workload's owners know."""
    value = "requests or limits for both cpu and memory, e.g. {requests: {cpu: 250m, memory: 256Mi}}"
    return ModelChange("deploy.resources", (), (Ref.component(c.id),), value)


@threat(
    "AMT116",
    "Self-managed workload without resource limits",
    stride=[Stride.denial_of_service],
    mitigations=[],
    layer="infrastructure",
    weight=-1,
    cwe=["CWE-770"],
    capec=["CAPEC-130"],
    fix="Set `deploy.resources` requests and limits (or `deploy.cpu` and `deploy.memory`; "
    "VM sizing with cgroup or systemd quotas) so that one workload cannot starve the node it shares.",
)
def no_resource_limits(ctx: ThreatContext) -> Iterator[Hit]:
    """A container or VM workload without CPU and memory limits takes whatever a request
    flood, a leak or a noisy neighbour drives it to, and starves every workload on the same
    node. Checked on self-managed runtimes (`deploy.runtime` container or vm) that take part
    in a flow (a queue consumer floods too); managed and serverless runtimes are bounded by
    the provider. A request or a limit counts. The fix is the deploy configuration itself,
    so no control closes it: set both."""
    alive = ctx.graph.alive
    for c in ctx.components():
        if c.kind in CLIENTS or c.deploy is None or not self_managed(c) or c.id not in alive:
            continue
        requests = c.deploy.requests  # made on each call: asked once per component
        missing = [name for name in ("cpu", "memory") if not _sized(c.deploy, name, requests)]
        if missing:
            yield component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} runs as a {c.deploy.runtime or 'container'} with no "
                f"{' or '.join(missing)} request or limit in its deploy.",
                stake=c.criticality.rank,
                changes=(_sized_change(c),),
            )


@threat(
    "AMT142",
    "Audit log of a sensitive store kept within the attacker's reach",
    stride=[Stride.repudiation, Stride.tampering],
    mitigations=[],
    layer="infrastructure",
    # Where a log is kept matters once the store is owned, however it was reached: the
    # way in does not change it, and it never tops a finding about the way in (medium).
    weight=-2,
    way_in=False,
    cwe=["CWE-117", "CWE-778"],
    capec=["CAPEC-268", "CAPEC-93"],
    fix="Ship the store's audit log to a monitoring component in another zone (a separate "
    "log account, append-only with retention, that the store's credentials cannot delete "
    "from) and model that flow.",
)
def audit_log_in_reach(ctx: ThreatContext) -> Iterator[Hit]:
    """Whoever holds a store's credentials can erase its audit log when the log stays next
    to it. Checked on data and secrets stores that hold restricted data or are of high or
    critical criticality and that keep a log (`logging`, or telemetry to a monitoring
    component in their own zone). No control closes it (the store already has `logging`,
    and `monitoring` in its own zone is what is in reach): the model change that does is a
    flow from the store, from a component of its zone the store sends to, or from a
    monitoring agent in its zone, to a monitoring component in another zone."""
    comps = ctx.graph.components
    for c in ctx.components(*DATA_STORES, Kind.secrets_store):
        data = store_data(ctx, c)
        crit = c.criticality.rank
        if ctx.data_rank(data) < Classification.restricted.rank and crit < Criticality.high.rank:
            continue
        local_sinks = [t for t in ctx.successors.get(c.id, []) if comps[t].kind is Kind.monitoring]
        if "logging" not in ctx.controls(c.id) and not local_sinks:
            continue  # no log at all: AMT141's ground
        if _off_zone_sinks(ctx, c):
            continue
        where = f"in zone '{c.zone}'" if c.zone else "on the store"
        kept = f"with {quoted(local_sinks)}" if local_sinks else where
        yield component_hit(
            ctx,
            c,
            f"{label(c).capitalize()} holds {at_stake(ctx, data)} and is rated {c.criticality}; its "
            f"audit log stays {kept}, with no flow to monitoring in another zone.",
            stake=max(ctx.data_rank(data), crit),
            exposed=False,
        )


def _off_zone_sinks(ctx: ThreatContext, c: Component) -> list[str]:
    """Monitoring components outside ``c``'s zone that its logs reach: directly, through a
    component of its zone it sends to (a log forwarder), or through a monitoring agent in
    its zone. Without a zone, any separate monitoring component is off the store."""
    comps = ctx.graph.components
    relays = {c.id}
    if c.zone is not None:
        relays |= {t for t in ctx.successors.get(c.id, []) if comps[t].zone == c.zone}
        relays |= {m.id for m in comps.values() if m.zone == c.zone and m.kind is Kind.monitoring}
    return sorted(
        {
            t
            for r in relays
            for t in ctx.successors.get(r, [])
            if comps[t].kind is Kind.monitoring and t != c.id and (c.zone is None or comps[t].zone != c.zone)
        }
    )


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
    rarely rotated; a workload we operate (an identity provider we run included) that
    talks to stores or third parties holds such secrets, unless every such flow says
    `authentication: none` (no credential to hold)."""
    comps = ctx.graph.components

    def holds_credentials(c: Component) -> bool:
        return any(
            comps[f.target].kind in CREDENTIAL_TARGETS and f.authentication != "none"
            for f in ctx.outbound(c.id)
        )

    def uses_vault(c: Component) -> bool:
        return c.id in ctx.feeds(Kind.secrets_store)

    members = [c for c in ctx.components() if operated_workload(c) and holds_credentials(c)]
    yield from fleet_gaps(
        ctx,
        members,
        frozenset({"secrets_vault"}),
        "hold credentials outside a secrets vault",
        uses_vault,
        stake=held_stake,
    )


def _sized(deploy: Deploy, resource: str, requests: Quantities | None = None) -> bool:
    """A request or a limit bounds the workload (``cpu``/``memory`` are requests)."""
    limits = deploy.limits
    requests = deploy.requests if requests is None else requests
    return getattr(requests, resource) is not None or (
        limits is not None and getattr(limits, resource) is not None
    )


# Data that logs must not keep: what regulation names (cards, health, personal, financial
# records) and anything restricted; credentials in telemetry are AMT212's.
REGULATED = frozenset(
    {DataCategory.payment_card, DataCategory.health, DataCategory.personal, DataCategory.financial}
)


@threat(
    "AMT143",
    "Sensitive data written to logs",
    stride=[Stride.information_disclosure],
    mitigations=["dlp"],
    weight=-1,
    way_in=False,
    cwe=["CWE-532"],
    capec=["CAPEC-215"],
    fix="Mask or drop sensitive fields before they are logged (log scrubbing, structured "
    "logging with an allow-list of fields, tokenised card numbers) and add `dlp` where the "
    "logs are collected.",
)
def sensitive_data_in_logs(ctx: ThreatContext) -> Iterator[Hit]:
    """Logs are copied, shipped, kept for months and read by operators and vendors: card
    numbers, health or personal records sent to a monitoring component escape the store
    meant to hold them (PCI DSS forbids card numbers in logs). One finding per monitoring
    component, naming what it receives and from whom; a flow with `dlp` masks its part."""
    comps = ctx.graph.components
    for m in ctx.components(Kind.monitoring):
        got: dict[str, set[str]] = {}
        for f in ctx.inbound(m.id):
            if "dlp" not in f.controls:
                for d in _unloggable(ctx, f.data):
                    got.setdefault(d, set()).add(f.source)
        if got:
            senders = {s for ss in got.values() for s in ss}
            yield component_hit(
                ctx,
                comps[m.id],
                f"{label(m).capitalize()} receives {at_stake(ctx, sorted(got))} in what "
                f"{quoted(senders)} log.",
                stake=ctx.data_rank(got),
            )


def _unloggable(ctx: ThreatContext, data_ids: Iterable[str]) -> list[str]:
    """The data a log must not keep: restricted data, or data of a regulated category at
    confidential or above; not credentials or secrets (AMT212 reports those)."""
    data = ctx.graph.data
    found = []
    for d in data_ids:
        asset = data.get(d)
        if asset is None or not SECRET_CATEGORIES.isdisjoint(asset.category):
            continue
        regulated = not REGULATED.isdisjoint(asset.category)
        if asset.classification >= Classification.restricted or (
            regulated and asset.classification >= Classification.confidential
        ):
            found.append(d)
    return found
