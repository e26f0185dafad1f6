"""Which row of the mapping table each component takes, decided once for the whole model.

Builders ask the plan about neighbours ("is the flow target an ALB?", "does the source
have a security group?") so that cross-references between files always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    return "network_only"


@dataclass
class Plan:
    graph: ArchGraph
    rows: dict[str, str]
    in_vpc: frozenset[str]

    def row_of(self, cid: str) -> str | None:
        return self.rows.get(cid)

    def component(self, cid: str) -> Component:
        return self.graph.components[cid]

    def kind_of(self, cid: str) -> Kind | None:
        component = self.graph.components.get(cid)
        return component.kind if component else None

    def has_security_group(self, cid: str) -> bool:
        return cid in self.in_vpc
