"""What infrastructure code declares, reduced to what the model can be compared with:
resources (with the component they belong to), allow rules between them, the network
ACLs of their subnets, rules wider than any flow, and what was not analysed.

Terraform is read by ``archmodel.tfread`` (AWS, GCP, Azure; HCL and ``.tf.json``);
Kubernetes workloads are read by ``archmodel.kube`` and reduced to an inventory in
``drift/kube_rules.py``; ``drift`` compares what they read with the model.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

INTERNET = "internet"  # the source of a rule open to 0.0.0.0/0 or ::/0, or to a network outside the code
OPEN = frozenset({"0.0.0.0/0", "::/0", "*", "Internet", "Any", "any", "internet"})
SPLIT_OPEN = frozenset({"0.0.0.0/1", "128.0.0.0/1"})  # together, every IPv4 address


def is_open(ranges: list[str]) -> bool:
    """Any address: 0.0.0.0/0, ::/0, Azure's ``*``/``Internet``, or both halves of IPv4."""
    return bool(OPEN & set(ranges)) or set(ranges) >= SPLIT_OPEN


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
    """Traffic a security group, firewall or NSG rule allows: source group -> target group."""

    address: str
    source: str  # a group key, a CIDR key (``cidrs``), or INTERNET
    target: str  # a group key
    port: int | None
    file: str
    line: int
    peer: str = ""  # the source as written when it is an address range (0.0.0.0/0, var.office_cidr)


@dataclass(frozen=True)
class AclEntry:
    """One inbound entry of a stateless network ACL (evaluated by number, first match wins)."""

    number: int
    allow: bool
    cidr: str  # the address range it matches, as written ("" when not literal)
    low: int | None = None  # the port range; None: every port
    high: int | None = None


@dataclass(frozen=True)
class Acl:
    """A network ACL and the components in the subnets it is associated with."""

    address: str
    file: str
    line: int
    members: frozenset[str]
    entries: tuple[AclEntry, ...]  # inbound, in evaluation order
    ranges: frozenset[str] = frozenset()  # the associated subnets' ranges: traffic inside does not cross


@dataclass(frozen=True)
class Wide:
    """A rule wider than any flow: every port or protocol, or any source to nothing modelled."""

    address: str
    file: str
    line: int
    what: str  # e.g. "ingress admits every port from any source (::/0)"


@dataclass(frozen=True)
class Exposure:
    """A managed endpoint open to any address (a public API server, a public invoker)."""

    address: str
    component: str | None
    file: str
    line: int
    why: str


@dataclass
class Inventory:
    resources: list[Resource] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    # group key -> component id, for security groups and pod selectors
    groups: dict[str, str] = field(default_factory=dict)
    # components whose traffic is enforced by these rules (their group is known)
    enforced: set[str] = field(default_factory=set)
    # CIDR input key (``var.cidr_<id>``, or a range holding a component's subnet) -> the
    # component whose addresses it holds; a rule source like a group, but realising nothing
    cidrs: dict[str, str] = field(default_factory=dict)
    acls: list[Acl] = field(default_factory=list)
    subnets: dict[str, set[str]] = field(default_factory=dict)  # component -> its subnets' CIDRs
    wide: list[Wide] = field(default_factory=list)
    exposures: list[Exposure] = field(default_factory=list)
    idle: list[Wide] = field(default_factory=list)  # network ACL entries that never apply
    notes: list[str] = field(default_factory=list)  # what was read but not compared (deny rules, ...)
    not_analysed: Counter[str] = field(default_factory=Counter)  # resource type -> how many

    def merge(self, other: Inventory) -> None:
        self.resources += other.resources
        self.rules += other.rules
        self.groups.update(other.groups)
        self.enforced |= other.enforced
        self.cidrs.update(other.cidrs)
        self.acls += other.acls
        for component, nets in other.subnets.items():
            self.subnets.setdefault(component, set()).update(nets)
        self.wide += other.wide
        self.exposures += other.exposures
        self.idle += other.idle
        self.notes += other.notes
        self.not_analysed.update(other.not_analysed)

    def summary(self) -> str:
        """'37 resources of 9 types not analysed: ...' (empty when everything was)."""
        if not self.not_analysed:
            return ""
        total = sum(self.not_analysed.values())
        types = ", ".join(f"{n} {t}" for t, n in sorted(self.not_analysed.items()))
        return f"{total} resources of {len(self.not_analysed)} types not analysed: {types}"
