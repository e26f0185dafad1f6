"""How fast this host is at the moment: a fixed workload, timed beside every table.

A shared host's speed drifts, by 30-100% within minutes on a small cloud machine, and a
table alone cannot tell a slower archmodel from a slower minute. So each benchmark prints
the time of one fixed piece of plain Python before its table and after it: the kind of
work archmodel does (objects with a dictionary of fields, looked up by id, grouped,
sorted and joined into text) over a working set of tens of megabytes. Two tables compare
when their references do; a reference that moved during a table says its rows straddle
two speeds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

SIZE = 60_000


@dataclass
class _Item:
    id: str
    group: str
    tags: list[str]
    weight: int


def workload(size: int = SIZE) -> int:
    """Build ``size`` records, index them by id, group and sort them, and write a line
    for each: what the threat engine and the renderers do per element."""
    items = [_Item(f"item-{i}", f"group-{i % 97}", [f"t{i % 7}", f"u{i % 11}"], i % 13) for i in range(size)]
    by_id = {item.id: item for item in items}
    groups: dict[str, list[_Item]] = {}
    for i in range(size):
        item = by_id[f"item-{(i * 7919) % size}"]
        groups.setdefault(item.group, []).append(item)
    lines = []
    for name in sorted(groups):
        for item in sorted(groups[name], key=lambda it: (-it.weight, it.id)):
            lines.append(f"{name}:{item.id}:{','.join(item.tags)}")
    return len("\n".join(lines))


def reference(runs: int = 3) -> float:
    """The best of ``runs`` timings of ``workload``, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        workload()
        best = min(best, time.perf_counter() - start)
    return best


def line(when: str) -> str:
    return f"host reference {when}: {reference():.2f} s (a fixed workload: tables compare when these do)"


if __name__ == "__main__":
    print(line("now"))
