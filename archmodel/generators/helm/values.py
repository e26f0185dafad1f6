"""Per-environment values of a chart, and the JSON Schema that guards them.

Everything a manifest takes from the model's free text (image, names, descriptions,
resource quantities) or from the environment (replicas, environment id) is a value, so
the templates hold only ids and constants and no model text can reach Go templating.
"""

from __future__ import annotations

from typing import Any

from archmodel.graph import ArchGraph
from archmodel.model import CLIENTS, Component, Environment, Kind

DEFAULT_ENV = "default"
# Components outside the cluster that sit in the VPC are reached through this range;
# anything public or external through the internet.
VPC_CIDR = "10.0.0.0/8"
ANYWHERE = "0.0.0.0/0"
# Kinds reached over public addresses (clients, CDNs, AWS APIs without a VPC endpoint).
OUTSIDE_VPC = frozenset(CLIENTS | {Kind.cdn, Kind.object_store, Kind.identity_provider})


def base_replicas(component: Component) -> int:
    deploy = component.deploy
    return max(1, deploy.replicas if deploy and deploy.replicas is not None else 1)


def replicas_for(component: Component, env: Environment | None) -> int:
    """Dev runs one replica; other tiers at least one per availability zone."""
    base = base_replicas(component)
    if env is None:
        return base
    if env.tier == "dev":
        return 1
    return max(base, env.availability_zones)


def peer_cidr(graph: ArchGraph, cid: str) -> str:
    component = graph.components[cid]
    return ANYWHERE if component.kind in OUTSIDE_VPC else VPC_CIDR


def chart_values(
    graph: ArchGraph, component: Component, env: Environment | None, peers: list[str]
) -> dict[str, Any]:
    deploy = component.deploy
    replicas = replicas_for(component, env)
    annotations = {"archmodel.io/name": component.name}
    if component.description:
        annotations["archmodel.io/description"] = component.description
    if component.technology:
        annotations["archmodel.io/technology"] = component.technology
    return {
        "environment": env.id if env else DEFAULT_ENV,
        "image": (deploy.image if deploy else None) or f"{component.id}:latest",
        "replicas": replicas,
        "autoscaling": {"minReplicas": replicas, "maxReplicas": replicas * 3, "targetCPU": 70},
        "resources": resources(component),
        "annotations": annotations,
        "peerCidrs": {peer: peer_cidr(graph, peer) for peer in sorted(peers)},
        **sidecar_values(component),
    }


def resources(component: Component) -> dict[str, Any]:
    """Requests from the model (defaults 100m/128Mi); the memory limit is the model's, else
    the request; a CPU limit only when the model sets one (CPU is throttled, not killed)."""
    deploy = component.deploy
    requests = deploy.requests if deploy else None
    limits = deploy.limits if deploy else None
    cpu = (requests.cpu if requests else None) or "100m"
    memory = (requests.memory if requests else None) or "128Mi"
    limit: dict[str, str] = {"memory": (limits.memory if limits else None) or memory}
    if limits and limits.cpu:
        limit = {"cpu": limits.cpu, **limit}
    return {"requests": {"cpu": cpu, "memory": memory}, "limits": limit}


def sidecar_values(component: Component) -> dict[str, Any]:
    sidecars = component.deploy.sidecars if component.deploy else []
    return {"sidecars": {s.name: {"image": s.image} for s in sidecars}} if sidecars else {}


def schema_of(value: Any) -> dict[str, Any]:
    """A strict JSON Schema for a values tree (every key required, no unknown keys)."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer", "minimum": 0}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, dict):
        return {
            "type": "object",
            "properties": {k: schema_of(v) for k, v in value.items()},
            "required": sorted(value),
            "additionalProperties": False,
        }
    return {"type": "array", "items": schema_of(value[0]) if value else {}}


def values_schema(values: dict[str, Any]) -> dict[str, Any]:
    schema = schema_of(values)
    schema["properties"]["annotations"] = {"type": "object", "additionalProperties": {"type": "string"}}
    schema["properties"]["replicas"]["minimum"] = 1
    schema["properties"]["autoscaling"]["properties"]["minReplicas"]["minimum"] = 1
    schema["properties"]["autoscaling"]["properties"]["maxReplicas"]["minimum"] = 1
    cidr = {"type": "string", "pattern": r"^[0-9a-fA-F:.]+/[0-9]{1,3}$"}
    schema["properties"]["peerCidrs"] = {"type": "object", "additionalProperties": cidr}
    return {"$schema": "http://json-schema.org/draft-07/schema#", "title": "values", **schema}
