"""Network ACL entries that never apply: the ACL is associated with no subnet, or an
earlier entry with the other action matches every packet the entry would (first match
wins, so ``deny 0.0.0.0/0:22`` at 100 leaves ``allow 10.0.0.0/16:22`` at 200 dead)."""

from __future__ import annotations

from archmodel.inventory import Wide
from archmodel.tfread.network import RawAcl, RawEntry
from archmodel.tfread.values import within


def idle_entries(acl: RawAcl, resolve: dict[str, str]) -> list[Wide]:
    """``resolve`` maps each entry's range as written to its value."""
    out: list[Wide] = []
    if not acl.subnets and acl.entries:
        what = "is associated with no subnet: none of its entries applies"
        out.append(Wide(acl.address, acl.file, acl.line, what))
    for n, later in enumerate(acl.entries):
        earlier = next((e for e in acl.entries[:n] if _covers(e, later, resolve)), None)
        if earlier is not None:
            direction = "egress" if later.egress else "ingress"
            what = (
                f"{direction} entry {later.number} ({_action(later)}) of {acl.address} never applies: "
                f"entry {earlier.number} ({_action(earlier)}) matches all it matches first"
            )
            out.append(Wide(later.address, later.file, later.line, what))
    return out


def _covers(first: RawEntry, later: RawEntry, resolve: dict[str, str]) -> bool:
    if first.egress != later.egress or first.allow == later.allow or first.number >= later.number:
        return False
    if first.protocol != "-1" and first.protocol != later.protocol:
        return False
    ports = first.ports is None or (
        later.ports is not None and first.ports[0] <= later.ports[0] and later.ports[1] <= first.ports[1]
    )
    return ports and within(resolve.get(later.cidr, later.cidr), resolve.get(first.cidr, first.cidr))


def _action(entry: RawEntry) -> str:
    return "allow" if entry.allow else "deny"
