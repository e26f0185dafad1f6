"""What every imported model shares, whichever infrastructure it is read from: the
Internet zone and its outside callers, flows written with explicit ids when one pair
has several ports, and the YAML text with what could not be inferred as TODO comments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

INTERNET_ZONE = {"id": "internet", "name": "Internet", "trust": "untrusted"}


@dataclass
class Imported:
    """A model as plain data, and what a person must still decide about it (``dump``
    writes those as TODO comments)."""

    model: dict[str, Any]
    todos: list[str] = field(default_factory=list)


def flow(
    source: str, target: str, port: int | None, ident: str | None = None, protocol: str | None = "tcp"
) -> dict[str, Any]:
    """A flow; ``protocol`` None leaves it out (unknown, as the model allows)."""
    out: dict[str, Any] = {"id": ident} if ident else {}
    out.update({"from": source, "to": target})
    if protocol is not None:
        out["protocol"] = protocol
    if port is not None:
        out["port"] = port
    return out


Spoken = Mapping[tuple[str, int | None], str]  # (target, port) -> protocol


def flows(found: Iterable[tuple[str, str, int | None]], spoken: Spoken | None = None) -> list[dict[str, Any]]:
    """One flow per (source, target, port); a pair with several ports gets ids
    ``a->b-<port>``. With ``spoken``, each flow takes the protocol its target's port
    speaks there, and none when it is not known; without, ``tcp`` (Terraform's rules
    say no more than that)."""
    ordered = sorted(set(found), key=lambda f: (f[0], f[1], f[2] or 0))
    count: dict[tuple[str, str], int] = {}
    for s, t, _ in ordered:
        count[(s, t)] = count.get((s, t), 0) + 1
    return [
        flow(
            s,
            t,
            p,
            f"{s}->{t}-{p or 'any'}" if count[(s, t)] > 1 else None,
            "tcp" if spoken is None else spoken.get((t, p)),
        )
        for s, t, p in ordered
    ]


def model(
    name: str, zones: list[dict[str, Any]], components: list[dict[str, Any]], found: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "archmodel": 1,
        "system": {"name": name},
        "zones": [INTERNET_ZONE, *zones],
        "components": components,
        "flows": found,
    }


def dump(data: dict[str, Any], todos: Iterable[str] = ()) -> str:
    """The model as YAML, after a comment block of what a person still has to fill in."""
    head = "".join(f"# TODO: {' '.join(todo.split())}\n" for todo in todos if todo.strip())
    return head + yaml.safe_dump(data, sort_keys=False, width=110)
