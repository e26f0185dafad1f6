"""What the Terraform builders need to know about one component, read once from the graph.

Controls are the component's effective ones (``ArchGraph.effective_controls``: own, zones',
kind-implied and the analysed environments', as the threat register counts them); TLS also
counts when every modelled flow into the component is encrypted. Names that AWS
restricts (no ``_``, short) are derived here with a hash suffix when they had to change,
so two ids never map to the same AWS name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from archmodel.formats.hcl import Value
from archmodel.generators.terraform.engines import ENGINE_PORTS, db_engine, engine_port, named_engine
from archmodel.graph import ArchGraph
from archmodel.model import Component, Environment, Flow, default_port

# The tag that ties a resource to its component: written on every generated resource,
# read back by ``read.py`` (drift) from hand-written Terraform too.
COMPONENT_TAG = "archmodel:component"

# Default ports by protocol, used when neither the flow nor the target's deploy names one.
PROTOCOL_PORTS = {
    "https": 443,
    "http": 80,
    "grpc": 50051,
    "grpcs": 443,
    "tls": 443,
    "ws": 80,
    "wss": 443,
    "redis": 6379,
    "amqp": 5672,
    "mqtt": 8883,
    "ldap": 389,
    "ldaps": 636,
    "nfs": 2049,
    "smb": 445,
    "ftp": 21,
    "sftp": 22,
    "ssh": 22,
    "smtp": 587,
    "dns": 53,
}


@dataclass(frozen=True)
class Facts:
    """A component with its effective controls and modelled neighbours."""

    component: Component
    controls: frozenset[str]
    inbound: tuple[Flow, ...]
    outbound: tuple[Flow, ...]

    @property
    def id(self) -> str:
        return self.component.id

    def has(self, *controls: str) -> bool:
        return not self.controls.isdisjoint(controls)

    @property
    def tls(self) -> bool:
        return self.has("tls", "mtls") or (bool(self.inbound) and all(f.encrypted for f in self.inbound))

    @property
    def tags(self) -> dict[str, Value]:
        return {"Name": self.component.name, COMPONENT_TAG: self.id}


def facts_of(
    graph: ArchGraph, component: Component, environments: Iterable[Environment] | None = None
) -> Facts:
    """``environments``: those whose controls count (the analysed ones unless given: a
    root module for one cloud counts only that cloud's environments)."""
    cid = component.id
    return Facts(
        component,
        graph.effective_controls(cid, graph.analysed_environments if environments is None else environments),
        tuple(sorted(graph.flows_into(cid), key=lambda f: f.id)),
        tuple(sorted(graph.flows_out_of(cid), key=lambda f: f.id)),
    )


def flow_port(flow: Flow, target: Component, managed: bool = False) -> int | None:
    """The port a flow reaches: the flow's, else the target's, else the protocol's default.

    ``managed``: the target is a managed database or broker on this cloud, which listens
    on its engine's port whatever port the model's own container used: a rule for any
    other port would admit nothing that answers. Only a flow's own port to a database
    whose facts name no engine (PostgreSQL by default) is kept, as the model wrote it."""
    port = engine_port(target) if managed else None
    if port is not None and (not flow.port or named_engine(target) is not None):
        return port
    if flow.port:
        return flow.port
    if target.deploy and target.deploy.port:
        return target.deploy.port
    if flow.protocol == "sql":
        return ENGINE_PORTS[db_engine(target)]
    if flow.protocol == "kafka":
        return 9094 if flow.encrypted else 9092
    if flow.protocol is None:
        return None
    return PROTOCOL_PORTS.get(flow.protocol, default_port(flow.protocol))


def port_notes(flow: Flow, target: Component, port: int) -> list[str]:
    """Say so when a rule opens the managed engine's port rather than the one the flow
    names: the clients must be pointed at the new one (and drift will report the model's)."""
    if not flow.port or flow.port == port or engine_port(target) != port:
        return []
    said = f"flow {flow_name(flow)} names port {flow.port}"
    return [f"{said}; the managed service listens on {port}, which is opened"]


def flow_name(flow: Flow) -> str:
    """An HCL resource name for a flow: default ids ``a->b`` become ``a_TO_b``.

    Model ids are lower case, so the upper-case ``TO`` cannot collide with an explicit id.
    """
    return flow.id.replace("->", "_TO_")


def aws_name(ident: str, max_len: int = 32) -> str:
    """An AWS-safe name (lower-case letters, digits, ``-``) that stays unique per id."""
    name = re.sub(r"[^a-z0-9-]", "-", ident.lower())
    if name == ident and len(name) <= max_len:
        return name
    suffix = hashlib.sha256(ident.encode()).hexdigest()[:6]
    return f"{name[: max_len - 7].rstrip('-')}-{suffix}"


def compact_name(ident: str, max_len: int = 24) -> str:
    """Lower-case letters and digits only (Azure storage accounts, Key Vaults share one
    global namespace with that alphabet); a hash suffix keeps changed names unique."""
    name = re.sub(r"[^a-z0-9]", "", ident.lower())
    if name == ident and len(name) <= max_len:
        return name
    suffix = hashlib.sha256(ident.encode()).hexdigest()[:6]
    return f"{name[: max_len - 6]}{suffix}"
