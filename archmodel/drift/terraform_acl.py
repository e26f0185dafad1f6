"""Stateless network ACLs (AWS) on the path of a flow: the inbound entries of the ACL of
the target's subnet, in number order, first match wins, and no match denies. Traffic
inside one subnet does not cross its ACL; a source whose subnet is unknown is not judged."""

from __future__ import annotations

import ipaddress

from archmodel.inventory import Acl, AclEntry, Inventory

ANY_ADDRESS = "0.0.0.0/0"


def _within(inner: str, outer: str) -> bool:
    try:
        a, b = ipaddress.ip_network(inner, strict=False), ipaddress.ip_network(outer, strict=False)
    except ValueError:
        return False
    return a.version == b.version and a.subnet_of(b)  # type: ignore[arg-type]


def _matches(entry: AclEntry, sources: set[str], port: int | None) -> bool:
    ports = entry.low is None or port is None or (entry.low <= port <= (entry.high or entry.low))
    return ports and all(_within(s, entry.cidr) for s in sources)


def denying_acl(inv: Inventory, source: str | None, peer: str, target: str, port: int | None) -> Acl | None:
    """The ACL that drops traffic from ``source`` (a component; None: outside, from the
    range ``peer``, any address when empty) to ``target`` on ``port``; None if none does."""
    for acl in inv.acls:
        if target not in acl.members or (source is not None and source in acl.members):
            continue
        sources = inv.subnets.get(source, set()) if source is not None else {peer or ANY_ADDRESS}
        if not sources or not all(_within(s, s) for s in sources):
            continue  # where the source stands is not known: not judged
        if source is not None and all(any(_within(s, r) for r in acl.ranges) for s in sources):
            continue  # inside the ACL's own subnets
        first = next((e for e in acl.entries if _matches(e, sources, port)), None)
        if first is None or not first.allow:
            return acl
    return None
