"""Synthetic models for benchmarks: N components with two flows each, split over files.

``errors`` and ``warnings`` plant diagnostics spread over the files, so that benchmarks
also time the reporting path (locating each diagnostic at its line), not only a clean load.
"""

from __future__ import annotations

from pathlib import Path

ZONES = ("edge", "app", "data")
KINDS = ("service", "service", "database", "cache", "queue")


def write_model(directory: Path, n: int, errors: int = 0, warnings: int = 0) -> Path:
    """Write a model with ``n`` components and ``2n`` flows into ``directory``.

    ``errors`` components (spread evenly) name an unknown zone (AM202); ``warnings`` extra
    flows go from a component to itself (AM309).
    """
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
    (directory / "components.yaml").write_text(_components(n, errors))
    (directory / "flows.yaml").write_text(_flows(n, warnings))
    return directory


def _spread(count: int, n: int) -> set[int]:
    """``count`` indexes spread evenly over ``range(n)``."""
    return {(k * n) // count + (n // count) // 2 for k in range(count)} if count else set()


def _components(n: int, errors: int) -> str:
    broken = _spread(errors, n)
    lines = [
        "components:",
        "  - id: users",
        "    kind: actor",
        "    name: Users",
        "    zone: internet",
    ]
    for i in range(n):
        kind = "service" if i == 0 else KINDS[i % len(KINDS)]
        zone = "nowhere" if i in broken else ZONES[i % len(ZONES)]
        lines += [
            f"  - id: c{i}",
            f"    kind: {kind}",
            f"    name: Component {i}",
            f"    zone: {zone}",
            "    technology: python",
            "    owner: team-a",
            "    controls: [authentication, input_validation, encryption_at_rest]",
            "    deploy:",
            "      runtime: container",
            "      port: 8080",
            "      replicas: 2",
        ]
    return "\n".join(lines) + "\n"


def _flows(n: int, warnings: int) -> str:
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
    for i in sorted(_spread(warnings, n)):
        lines += [f"  - id: self{i}", f"    from: c{i}", f"    to: c{i}", "    protocol: https"]
    return "\n".join(lines) + "\n"
