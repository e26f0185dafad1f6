"""Which row of the mapping table each component takes, decided once for the whole model.

Builders ask the plan about neighbours ("is the flow target an ALB?", "does the source
have a security group?") so that cross-references between files always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archmodel.formats.hcl import Raw
from archmodel.graph import ArchGraph
from archmodel.model import CLIENTS, Component, Kind, runs_in_container

# Kinds that are not ours to deploy, or that attach to what they protect (a WAF).
NOT_DEPLOYED = frozenset(CLIENTS | {Kind.waf})


def row_for(component: Component) -> str | None:
    """The mapping row of a component: its kind, ``container`` for containers, or None."""
    if component.kind in NOT_DEPLOYED or component.out_of_scope:
        return None
    if component.kind in (
        Kind.load_balancer,
        Kind.cdn,
        Kind.database,
        Kind.cache,
        Kind.queue,
        Kind.object_store,
        Kind.secrets_store,
    ):
        return str(component.kind)
    if runs_in_container(component):
        return "container"
    if component.kind == Kind.identity_provider and "cognito" in (component.technology or "").lower():
        return "identity_provider"
    return "network_only"


@dataclass
class Plan:
    graph: ArchGraph
    rows: dict[str, str]
    in_vpc: frozenset[str]
    # Inputs only the user can give (a CIDR, an origin's domain), declared with no
    # default so that `terraform plan` asks for them: name -> (type, description).
    inputs: dict[str, tuple[str, str]] = field(default_factory=dict)

    def require(self, name: str, kind: str, description: str) -> Raw:
        """A reference to a variable with no default, declared in variables.gen.tf."""
        name = re.sub(r"[^A-Za-z0-9_]", "_", name)
        self.inputs.setdefault(name, (kind, description))
        return Raw(f"var.{name}")

    def row_of(self, cid: str) -> str | None:
        return self.rows.get(cid)

    def managed(self, cid: str) -> bool:
        """Whether a managed database or broker realises the component here: its rules
        then open the engine's port (``facts.flow_port``)."""
        return self.row_of(cid) in ("database", "queue")

    def component(self, cid: str) -> Component:
        return self.graph.components[cid]

    def kind_of(self, cid: str) -> Kind | None:
        component = self.graph.components.get(cid)
        return component.kind if component else None

    def has_security_group(self, cid: str) -> bool:
        return cid in self.in_vpc

    def sources_of(self, cid: str) -> set[str]:
        return {f.source for f in self.graph.flows_into(cid)}

    def targets_of(self, cid: str) -> set[str]:
        return {f.target for f in self.graph.flows_out_of(cid)}

    def waf_on_cdn(self, waf: str) -> str | None:
        """The CDN a WAF component is realised on: the one it sits behind or in front of.

        AWS runs such a web ACL on the distribution (scope CLOUDFRONT); the origin behind
        it admits only CloudFront, so no request reaches the origin uninspected."""
        if self.kind_of(waf) != Kind.waf:
            return None
        near = sorted(self.sources_of(waf) | self.targets_of(waf))
        return next((c for c in near if self.row_of(c) == "cdn"), None)

    def via_cdn(self, source: str) -> bool:
        """Traffic from ``source`` comes from CloudFront: a CDN, or a WAF realised on one."""
        return self.row_of(source) == "cdn" or self.waf_on_cdn(source) is not None

    def cdn_origins(self, cdn: str) -> list[str]:
        """What a distribution forwards to: its targets, looking through a WAF it feeds."""
        found: set[str] = set()
        for target in self.targets_of(cdn):
            found |= self.targets_of(target) if self.kind_of(target) == Kind.waf else {target}
        return sorted(found)
