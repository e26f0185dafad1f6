"""Incomplete model: facts the rules need but the model leaves out.

Where the model does not say (no protocol, no zone), the rules neither assume the worst
nor the best; they report what to add, at low severity, so that the gap stays visible.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from archmodel.threats.checks.common import component_hit, label, zone_change
from archmodel.threats.checks.flows import flow_hit
from archmodel.threats.context import ThreatContext
from archmodel.threats.registry import Hit, threat
from archmodel.threats.types import Stride, ThreatSeverity


@threat(
    "AMT195",
    "Incomplete model: flow encryption unknown",
    stride=[Stride.information_disclosure],
    mitigations=["tls"],
    layer="data",
    fix="Add the flow's `protocol` (e.g. `https`, `grpc`, `postgresql`) or `controls: [tls]`, "
    "so that the encryption rules (AMT150, AMT151) can judge it.",
    scope="flow",
)
def unknown_encryption(ctx: ThreatContext) -> Iterator[Hit]:
    """A flow that names no protocol and no TLS control may or may not be encrypted; the
    encryption rules skip it. Reported when it would matter: it carries confidential or
    restricted data or crosses a trust boundary."""
    for f in ctx.flows():
        if f.encrypted is not None:
            continue
        if ctx.sensitive([*f.data, *f.returns]) or ctx.graph.crosses_boundary(f):
            text = f"Flow '{f.id}' names no protocol; whether it is encrypted is unknown."
            yield replace(flow_hit(ctx, f, text, stake=0), severity=ThreatSeverity.low)


@threat(
    "AMT196",
    "Incomplete model: component in no zone",
    stride=[Stride.elevation_of_privilege],
    mitigations=[],
    layer="network",
    fix="Give the component a `zone`, so that the boundary rules know which side it is on.",
)
def unzoned(ctx: ThreatContext) -> Iterator[Hit]:
    """A component without a zone is on no side of any trust boundary: the rules cannot
    tell whether its flows cross one. It is never taken for the internet, not even an
    actor or a browser: say where it is with a zone."""
    for c in ctx.components():
        if c.zone is None:
            hit = component_hit(
                ctx,
                c,
                f"{label(c).capitalize()} is in no zone.",
                stake=0,
                exposed=False,
                changes=zone_change(ctx, [c], lambda zone: True),
            )
            yield replace(hit, severity=ThreatSeverity.low)
