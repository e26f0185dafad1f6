"""Synthetic models for benchmarks: N components with two flows each, split over files."""

from __future__ import annotations

from pathlib import Path

ZONES = ("edge", "app", "data")
KINDS = ("service", "service", "database", "cache", "queue")


def write_model(directory: Path, n: int) -> Path:
    """Write a model with ``n`` components and ``2n`` flows into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "archmodel.yaml").write_text(
        "archmodel: 1\n"
        f"system: {{name: Synthetic {n}, owner: bench}}\n"
        "include: [zones.yaml, components.yaml, flows.yaml]\n"
    )
    (directory / "zones.yaml").write_text(
        "zones:\n"
        "  - {id: internet, name: Internet, trust: untrusted}\n"
        + "".join(
            f"  - {{id: {z}, name: {z.title()}, trust: internal, controls: [security_groups]}}\n"
            for z in ZONES
        )
        + "data:\n  - {id: orders, name: Orders, classification: confidential}\n"
    )
    lines = [
        "components:",
        "  - id: users",
        "    kind: actor",
        "    name: Users",
        "    zone: internet",
    ]
    for i in range(n):
        kind = "service" if i == 0 else KINDS[i % len(KINDS)]
        lines += [
            f"  - id: c{i}",
            f"    kind: {kind}",
            f"    name: Component {i}",
            f"    zone: {ZONES[i % len(ZONES)]}",
            "    technology: python",
            "    owner: team-a",
            "    controls: [authentication, input_validation, encryption_at_rest]",
            "    deploy:",
            "      runtime: container",
            "      port: 8080",
            "      replicas: 2",
        ]
    (directory / "components.yaml").write_text("\n".join(lines) + "\n")
    lines = ["flows:", "  - from: users", "    to: c0", "    protocol: https", "    port: 443"]
    for i in range(n):
        for step in (1, 2):
            j = (i + step) % n
            if (i == 0 and step == 1) or j == 0:
                continue
            lines += [
                f"  - id: f{i}-{step}",
                f"    from: c{i}",
                f"    to: c{j}",
                "    protocol: https",
                "    port: 8443",
                "    data: [orders]",
                "    controls: [tls]",
            ]
    (directory / "flows.yaml").write_text("\n".join(lines) + "\n")
    return directory
