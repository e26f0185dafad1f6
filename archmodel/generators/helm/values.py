"""Per-environment values of a chart, and the JSON Schema that guards them.

Everything a manifest takes from the model's free text (image, names, descriptions,
resource quantities) or from the environment (replicas, environment id) is a value, so
the templates hold only ids and constants and no model text can reach Go templating.
"""

from __future__ import annotations

from typing import Any

from archmodel.formats import jsontext
from archmodel.formats.memo import remember
from archmodel.generators.helm.manifests import scaled
from archmodel.generators.helm.network import placeholder
from archmodel.generators.helm.storage import storage_values
from archmodel.graph import ArchGraph
from archmodel.model import Component, Environment, replicas_in

DEFAULT_ENV = "default"
AUTOSCALE_FACTOR = 3  # an HPA the model does not bound grows to three times the floor


def replicas_for(component: Component, env: Environment | None) -> int:
    """Dev runs one replica; other tiers at least one per availability zone; a store the
    model's replicas in every tier (``replicas_in``, which drift accepts too)."""
    return replicas_in(component, env)


def image(component: Component) -> str:
    """The image, pinned to its digest when the model gives one (``repo:tag@sha256:…``)."""
    deploy = component.deploy
    name = (deploy.image if deploy else None) or f"{component.id}:latest"
    if deploy and deploy.digest and "@" not in name:
        return f"{name}@{deploy.digest}"
    return name


def scaling_values(graph: ArchGraph, component: Component, env: Environment | None) -> dict[str, Any]:
    """``replicas`` for a fixed Deployment; the HPA's bounds when one sizes it."""
    replicas = replicas_for(component, env)
    if not scaled(graph, component):
        return {"replicas": replicas}
    deploy = component.deploy
    ceiling = deploy.max_replicas if deploy and deploy.max_replicas else replicas * AUTOSCALE_FACTOR
    return {"autoscaling": {"minReplicas": replicas, "maxReplicas": max(ceiling, replicas), "targetCPU": 70}}


def chart_values(
    graph: ArchGraph, component: Component, env: Environment | None, peers: list[str]
) -> dict[str, Any]:
    deploy = component.deploy
    annotations = {"archmodel.io/name": component.name}
    if component.description:
        annotations["archmodel.io/description"] = component.description
    if component.technology:
        annotations["archmodel.io/technology"] = component.technology
    health = {"healthPath": deploy.health_path} if deploy and deploy.health_path else {}
    return {
        "environment": env.id if env else DEFAULT_ENV,
        "image": image(component),
        **scaling_values(graph, component, env),
        "resources": resources(component),
        "annotations": annotations,
        "peers": {peer: placeholder(peer) for peer in sorted(peers)},
        **health,
        **sidecar_values(component),
        **storage_values(component),
    }


ENVIRONMENT_KEYS = ("environment", "replicas", "autoscaling")  # all that an environment changes


def for_environment(
    defaults: dict[str, Any], graph: ArchGraph, component: Component, env: Environment
) -> dict[str, Any]:
    """``chart_values(graph, component, env, peers)`` from the chart's defaults (those of
    ``env=None`` with the same graph and peers): only ``ENVIRONMENT_KEYS`` differ."""
    return {**defaults, "environment": env.id, **scaling_values(graph, component, env)}


def resources(component: Component) -> dict[str, Any]:
    """Requests from the model (defaults 100m/128Mi); limits the model's, else the
    requests: a pod that uses only what it reserved is never throttled or evicted
    before others (Guaranteed QoS), and the scheduler's arithmetic holds."""
    deploy = component.deploy
    requests = deploy.requests if deploy else None
    limits = deploy.limits if deploy else None
    cpu = (requests.cpu if requests else None) or "100m"
    memory = (requests.memory if requests else None) or "128Mi"
    limit = {
        "cpu": (limits.cpu if limits else None) or cpu,
        "memory": (limits.memory if limits else None) or memory,
    }
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


# A CIDR of a peer: any prefix but /0 (the whole internet is never a peer by default,
# and an operator who means it must say so in a rule of their own).
CIDR = r"^[0-9a-fA-F:.]+/([1-9]|[1-9][0-9]|1[0-2][0-9])$"
LABELS = {
    "type": "object",
    "properties": {"matchLabels": {"type": "object"}, "matchExpressions": {"type": "array"}},
}
PEER = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {
        "ipBlock": {
            "type": "object",
            "required": ["cidr"],
            "additionalProperties": False,
            "properties": {
                "cidr": {"type": "string", "pattern": CIDR},
                "except": {"type": "array", "items": {"type": "string", "pattern": CIDR}},
            },
        },
        "namespaceSelector": {**LABELS, "additionalProperties": False},
        "podSelector": {**LABELS, "additionalProperties": False},
    },
}


def values_schema(values: dict[str, Any]) -> dict[str, Any]:
    """The chart's values, strictly: a peer is a non-empty list of NetworkPolicy peers
    (an empty one would admit everybody)."""
    schema = schema_of(values)
    props = schema["properties"]
    props["annotations"] = {"type": "object", "additionalProperties": {"type": "string"}}
    for key in ("replicas",):
        if key in props:
            props[key]["minimum"] = 1
    if "autoscaling" in props:
        for key in ("minReplicas", "maxReplicas"):
            props["autoscaling"]["properties"][key]["minimum"] = 1
    props["peers"] = {
        "type": "object",
        "required": sorted(values["peers"]),
        "additionalProperties": {"type": "array", "minItems": 1, "items": PEER},
    }
    return {"$schema": "http://json-schema.org/draft-07/schema#", "title": "values", **schema}


_SCHEMA_TEXTS: dict[Any, str] = {}


def shape(value: Any) -> Any:
    """What ``values_schema`` reads of a values tree: types, keys, first list items
    (mirrors ``schema_of``); charts whose values have one shape share one schema."""
    if isinstance(value, bool):
        return "b"
    if isinstance(value, int):
        return "i"
    if isinstance(value, str):
        return "s"
    if isinstance(value, dict):
        return ("d", tuple((k, shape(v)) for k, v in value.items()))
    return ("a", shape(value[0]) if value else None)


def values_schema_text(values: dict[str, Any]) -> str:
    """``values.schema.json``: the schema as indented JSON, written once per shape."""
    key = shape(values)
    text = _SCHEMA_TEXTS.get(key)
    if text is None:
        text = remember(_SCHEMA_TEXTS, key, jsontext.dumps_sorted(values_schema(values)) + "\n", 10_000)
    return text
