"""Terraform semantics for drift and import: HCL and ``.tf.json`` read safely, the
components resources realise, and the traffic that AWS security groups and network ACLs,
GCP firewall rules and Azure network security groups allow.

Nothing here knows the architecture model beyond the set of component ids: drift compares
the model with the ``Inventory`` this package builds; import builds a model from it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from archmodel.inventory import Inventory
from archmodel.tfread.aws import read_aws
from archmodel.tfread.azure import read_azure
from archmodel.tfread.exposure import read_exposure
from archmodel.tfread.files import Block, Configuration, TerraformUnreadable, read_configuration
from archmodel.tfread.gcp import read_gcp
from archmodel.tfread.mapping import COMPONENT_TAG, component_of
from archmodel.tfread.network import Network
from archmodel.tfread.resolve import Resolver


def read_network(directory: Path) -> Network:
    net = Network(read_configuration(directory))
    read_aws(net)
    read_gcp(net)
    read_azure(net)
    net.exposed = read_exposure(net)
    if net.config.modules:
        net.notes.append(_modules(net.config.modules))
    repeated = [b.address for b in net.config.blocks if "count" in b.body or "for_each" in b.body]
    if repeated:
        shown = ", ".join(repeated[:4]) + (f" and {len(repeated) - 4} more" if len(repeated) > 4 else "")
        net.notes.append(f"`count`/`for_each` not evaluated, each read as one resource: {shown}")
    return net


def _modules(calls: list[str]) -> str:
    """'3 module calls not read (their resources are not analysed): 2 module.sg, 1 module.vpc'."""
    counts = Counter(calls)
    named = [f"{n} {name}" for name, n in sorted(counts.items())]
    shown = ", ".join(named[:8]) + (f" and {len(named) - 8} more" if len(named) > 8 else "")
    return f"{len(calls)} module calls not read (their resources are not analysed): {shown}"


def inventory(net: Network, components: set[str]) -> Inventory:
    return Resolver(net, components).inventory()


def read_terraform(directory: Path, components: set[str]) -> Inventory:
    return inventory(read_network(directory), components)


__all__ = [
    "COMPONENT_TAG",
    "Block",
    "Configuration",
    "Network",
    "TerraformUnreadable",
    "component_of",
    "inventory",
    "read_network",
    "read_terraform",
]
