"""GCP: ``google_compute_firewall`` rules (allow blocks; target and source tags,
source ranges; no target tags: every instance of the network), the instances their tags
select, and networks and subnetworks as placement.

A rule's direction decides what its target tags are: the instances receiving (INGRESS)
or sending (EGRESS). Only ingress rules make a group whose flows are compared; an instance
stays subject to the implied deny-ingress whatever egress rules name it. Cloud Run takes
no VPC ingress at all: the tags of its Direct VPC egress interfaces select it for egress
rules only, and who may call it is its ingress setting and ``run.invoker``."""

from __future__ import annotations

from archmodel.tfread.files import Block, expression
from archmodel.tfread.kinds import COMPONENTS
from archmodel.tfread.network import Network, RawRule
from archmodel.tfread.values import blocks, many, parse_ports, refs, text

CLOUD_RUN = ("google_cloud_run_v2_service",)


def tag(name: str) -> str:
    return f"tag {name}"


def _network(value: object) -> str:
    """``google_compute_network.main.name`` -> ``main``; a literal name stays itself."""
    found = refs(value, "google_compute_network")
    return found[0] if found else expression(text(value)) or "default"


def read_gcp(net: Network) -> None:
    config = net.config
    for block in config.of_type("google_compute_subnetwork"):
        net.subnets[f"gcp {block.name}"] = text(block.body.get("ip_cidr_range"))
        net.networks[f"gcp {block.name}"] = _network(block.body.get("network"))
    for block in config.blocks:
        if block.type not in COMPONENTS or not block.type.startswith("google_"):
            continue
        for name in many(block.body.get("tags")):
            net.join(tag(str(name)), block.address)
        for subnet in refs(block.body, "google_compute_subnetwork"):
            net.place(block.address, f"gcp {subnet}")
        for interface in blocks(block.body, "network_interface"):
            if not refs(interface, "google_compute_subnetwork"):
                net.join(f"network {_network(interface.get('network'))}", block.address)
                net.network_of.setdefault(block.address, _network(interface.get("network")))
        for name in refs(block.body, "google_compute_network"):
            net.network_of.setdefault(block.address, name)
    run_tags = _cloud_run_tags(net)
    for block in config.of_type("google_compute_firewall"):
        _firewall(net, block, run_tags)
    on_default = sorted(b.address for b in config.blocks if b.type.startswith("google_") and _on_default(b))
    if on_default:
        net.notes.append(
            f"network 'default' ({', '.join(on_default[:3])}{', ...' if len(on_default) > 3 else ''}) "
            "carries rules no file declares (default-allow-internal, -ssh, -rdp, -icmp, unless deleted): "
            "not compared"
        )


def _cloud_run_tags(net: Network) -> dict[str, list[str]]:
    """Tag key -> the Cloud Run services whose Direct VPC egress interfaces carry it."""
    out: dict[str, list[str]] = {}
    for block in net.config.of_type(*CLOUD_RUN):
        for template in blocks(block.body, "template"):
            for access in blocks(template, "vpc_access"):
                for interface in blocks(access, "network_interfaces"):
                    for name in many(interface.get("tags")):
                        out.setdefault(tag(str(name)), []).append(block.address)
    return out


def _on_default(block: Block) -> bool:
    networks = [
        block.body.get("network"),
        *(i.get("network") for i in blocks(block.body, "network_interface")),
    ]
    return any(n is not None and _network(n) == "default" for n in networks)


def _firewall(net: Network, block: Block, run_tags: dict[str, list[str]]) -> None:
    body = block.body
    ingress = text(body.get("direction")).upper() != "EGRESS"
    if blocks(body, "deny") and not blocks(body, "allow"):
        net.notes.append(f"{block.address}: a deny rule (priorities are not compared)")
        return
    targets = [tag(str(t)) for t in many(body.get("target_tags"))]
    if not targets:
        targets = [f"network {_network(body.get('network'))}"]
    if ingress:
        targets = _ingress_targets(net, block, targets, run_tags)
    sources = tuple(tag(str(t)) for t in many(body.get("source_tags")) if str(t))
    ranges = tuple(str(r) for key in ("source_ranges", "destination_ranges") for r in many(body.get(key)))
    for target in targets:
        if ingress:
            net.groups.setdefault(target, block)
        for allow in blocks(body, "allow"):
            protocol = text(allow.get("protocol")).lower()
            ports = many(allow.get("ports"))
            spans = [None] if protocol == "all" or not ports else [parse_ports(str(p)) for p in ports]
            for span in spans:
                net.rules.append(
                    RawRule(block.address, block.file, block.line, target, ingress, sources, ranges, span)
                )


def _ingress_targets(
    net: Network, block: Block, targets: list[str], run_tags: dict[str, list[str]]
) -> list[str]:
    """The targets an ingress rule filters traffic into: a tag that only Cloud Run
    services carry selects nothing that takes VPC ingress (a note says so)."""
    kept = []
    for target in targets:
        services = run_tags.get(target, [])
        if services and not net.members.get(target):
            net.notes.append(
                f"{block.address}: {target} is only on Cloud Run ({', '.join(services)}), which takes "
                "no VPC ingress (its ingress setting and run.invoker decide who calls it): not compared"
            )
        else:
            kept.append(target)
    return kept
