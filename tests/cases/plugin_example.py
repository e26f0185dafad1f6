"""A third-party threat rule module, as the plugin cases (AMT004, AMT005) name it in an
entry point: a module of ``@threat`` functions."""

from __future__ import annotations

from collections.abc import Iterator

from archmodel.threats import Hit, Stride, threat
from archmodel.threats.context import ThreatContext


@threat(
    "ACME001",
    "Service without an owner tag",
    stride=[Stride.repudiation],
    mitigations=["logging"],
    fix="Tag the service with its owning team.",
)
def service_without_owner(ctx: ThreatContext) -> Iterator[Hit]:
    """Nobody answers for a service that names no owner."""
    for c in ctx.components():
        if c.kind == "service" and not any(t.startswith("owner-") for t in c.tags):
            yield Hit(target=f"component:{c.id}", description=f"'{c.id}' names no owner.")
