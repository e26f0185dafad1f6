"""Read Kubernetes manifests (for ``archmodel drift``): workloads labelled with their component, and the
NetworkPolicy ingress rules between them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from archmodel.generators.helm.manifests import COMPONENT_LABEL
from archmodel.inventory import INTERNET, Inventory, Resource, Rule

# Our own label first (what the generated manifests carry), then the common ones.
LABELS = (COMPONENT_LABEL, "app.kubernetes.io/name", "app")
WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job"})


def _component(labels: Any, components: set[str], fallback: str | None = None) -> str | None:
    labels = labels if isinstance(labels, dict) else {}
    for key in LABELS:
        value = labels.get(key)
        if isinstance(value, str) and (key == LABELS[0] or value in components):
            return value
    return fallback if fallback in components else None


def read_kubernetes(directory: Path, components: set[str]) -> Inventory:
    inventory = Inventory()
    for path in sorted([*directory.rglob("*.yaml"), *directory.rglob("*.yml")]):
        text = path.read_text(encoding="utf-8")
        for doc, line in _documents(text):
            if isinstance(doc, dict):
                _manifest(inventory, doc, str(path), line, components)
    return inventory


def _documents(text: str) -> list[tuple[Any, int]]:
    """Each YAML document with the line it starts on."""
    out = []
    for node in yaml.compose_all(text, Loader=yaml.SafeLoader):
        if node is not None:
            out.append((yaml.safe_load(yaml.serialize(node)), node.start_mark.line + 1))
    return out


def _manifest(inv: Inventory, doc: dict[str, Any], file: str, line: int, components: set[str]) -> None:
    kind = doc.get("kind")
    meta = doc.get("metadata") or {}
    name = str(meta.get("name", "?"))
    address = f"{kind}/{name}"
    if kind in WORKLOADS:
        component = _component(meta.get("labels"), components, name)
        inv.resources.append(Resource(address, component, file, line))
    elif kind == "NetworkPolicy":
        spec = doc.get("spec") or {}
        target = _component((spec.get("podSelector") or {}).get("matchLabels"), components)
        if target is None:
            return
        inv.groups[f"k8s:{target}"] = target
        inv.enforced.add(target)
        if "Ingress" not in (spec.get("policyTypes") or ["Ingress"]):
            return
        for rule in spec.get("ingress") or []:
            _ingress(inv, address, target, rule or {}, file, line, components)


def _ingress(
    inv: Inventory,
    address: str,
    target: str,
    rule: dict[str, Any],
    file: str,
    line: int,
    components: set[str],
) -> None:
    ports = [p.get("port") for p in rule.get("ports") or [] if isinstance(p, dict)]
    ports_or_any: list[int | None] = [p if isinstance(p, int) else None for p in ports] or [None]
    peers = rule.get("from")
    sources: list[str] = []
    if not peers:
        sources.append(INTERNET)  # no `from`: every source may connect
    for peer in peers or []:
        selector = (peer or {}).get("podSelector")
        block = ((peer or {}).get("ipBlock") or {}).get("cidr")
        if selector is not None:
            source = _component(selector.get("matchLabels"), components)
            if source:
                inv.groups[f"k8s:{source}"] = source
                sources.append(f"k8s:{source}")
        elif block in ("0.0.0.0/0", "::/0"):
            sources.append(INTERNET)
    for source in sources:
        for port in ports_or_any:
            inv.rules.append(Rule(address, source, f"k8s:{target}", port, file, line))
