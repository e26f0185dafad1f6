"""The network a Terraform configuration declares, before it is mapped to a model:
groups (security groups, firewall target tags, NSGs) with the resources in them, allow
rules into and out of groups, subnets with their ranges and network ACLs. Each cloud's
reader (``aws``, ``gcp``, ``azure``) fills one ``Network``."""

from __future__ import annotations

from dataclasses import dataclass, field

from archmodel.inventory import Wide
from archmodel.tfread.files import Block, Configuration


@dataclass(frozen=True)
class RawRule:
    """An allow rule as written: into (or, egress, out of) ``group``, from groups or ranges."""

    address: str
    file: str
    line: int
    group: str  # the group key the rule belongs to
    ingress: bool
    sources: tuple[str, ...] = ()  # group keys (peers for egress)
    ranges: tuple[str, ...] = ()  # address ranges as written (expressions resolved later)
    ports: tuple[int, int] | None = None  # None: every port
    outside: bool = False  # a managed prefix list or a service tag: addresses outside the code


@dataclass(frozen=True)
class RawEntry:
    """One entry of a network ACL as written."""

    address: str  # the ACL, or the aws_network_acl_rule resource
    file: str
    line: int
    number: int
    allow: bool
    cidr: str
    ports: tuple[int, int] | None  # None: every port
    protocol: str  # "-1" for every protocol
    egress: bool


@dataclass(frozen=True)
class RawAcl:
    address: str
    file: str
    line: int
    subnets: frozenset[str]
    entries: tuple[RawEntry, ...]  # both directions, in number order


@dataclass
class Network:
    config: Configuration
    rules: list[RawRule] = field(default_factory=list)
    groups: dict[str, Block] = field(default_factory=dict)  # group key -> the block declaring it
    members: dict[str, set[str]] = field(default_factory=dict)  # group key -> component addresses
    placement: dict[str, set[str]] = field(default_factory=dict)  # component address -> subnet keys
    subnets: dict[str, str] = field(default_factory=dict)  # subnet key -> its range
    networks: dict[str, str] = field(default_factory=dict)  # subnet key -> the network it is part of
    public_subnets: set[str] = field(default_factory=set)
    network_of: dict[str, str] = field(default_factory=dict)  # component address -> network (no subnet)
    acls: list[RawAcl] = field(default_factory=list)
    analysed: set[str] = field(default_factory=set)  # addresses a reader used
    notes: list[str] = field(default_factory=list)
    idle: list[Wide] = field(default_factory=list)  # rules a higher-priority deny leaves dead
    exposed: dict[str, str] = field(
        default_factory=dict
    )  # component address -> why any address reaches it  # what was read but not modelled (deny rules, ...)

    def join(self, group: str, address: str) -> None:
        self.members.setdefault(group, set()).add(address)

    def place(self, address: str, subnet: str) -> None:
        self.placement.setdefault(address, set()).add(subnet)
