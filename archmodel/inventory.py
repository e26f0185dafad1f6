"""What infrastructure code declares, reduced to what the model can be compared with:
resources (with the component they belong to) and allow rules between them.

The Terraform reader lives with the Terraform generator (``generators/terraform/read.py``,
the same tag conventions); Kubernetes workloads are read by ``archmodel.kube`` and reduced
to an inventory in ``drift/kube_rules.py``; ``drift`` compares what they read with the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INTERNET = "internet"  # the source of a rule open to 0.0.0.0/0 or ::/0


@dataclass(frozen=True)
class Resource:
    """A resource that realises a component, or that nothing maps to (component None)."""

    address: str  # e.g. aws_db_instance.orders or Deployment/orders-api
    component: str | None
    file: str
    line: int
    group: str | None = None  # the security group / pod selector key rules refer to


@dataclass(frozen=True)
class Rule:
    """Traffic a security group or NetworkPolicy allows: source group -> target group."""

    address: str
    source: str  # a group key, or INTERNET
    target: str  # a group key
    port: int | None
    file: str
    line: int


@dataclass
class Inventory:
    resources: list[Resource] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    # group key -> component id, for security groups and pod selectors
    groups: dict[str, str] = field(default_factory=dict)
    # components whose traffic is enforced by these rules (their group is known)
    enforced: set[str] = field(default_factory=set)
    # CIDR input key (``var.cidr_<id>``) -> the component whose addresses it holds; a
    # rule source like a group, but realising nothing
    cidrs: dict[str, str] = field(default_factory=dict)

    def merge(self, other: Inventory) -> None:
        self.resources += other.resources
        self.rules += other.rules
        self.groups.update(other.groups)
        self.enforced |= other.enforced
        self.cidrs.update(other.cidrs)
