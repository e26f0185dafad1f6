"""How fast this host is at the moment: two fixed workloads, timed beside every table.

A shared host's speed drifts, by 30-100% within minutes on a small cloud machine, and a
table alone cannot tell a slower archmodel from a slower minute. So each benchmark prints
the time of two fixed pieces of plain Python before its table and after it:

* compute: the kind of work archmodel does per element (objects with a dictionary of
  fields, looked up by id, grouped, sorted and joined into text), in a working set that
  fits the processor's caches;
* memory: look-ups in random order in a dictionary far larger than the caches, which is
  what a large model's analysis spends its time waiting for (and what a busy neighbour
  on the same host slows most).

``pages`` measures a third fact, on demand (``scaling.py`` prints it): what the kernel
charges for each fresh page of memory, gigabyte after gigabyte. On a bare machine that is
flat and small (zeroing 4 KiB). On a virtual machine whose host backs guest memory lazily
it can grow with the memory in use on the whole machine, and then a run that needs five
times the memory pays more than five times the system time for it.

Two tables compare when their references do; a reference that moved during a table says
its rows straddle two speeds.
"""

from __future__ import annotations

import mmap
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

SIZE = 60_000
KEYS = 500_000


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


def memory(size: int = KEYS) -> Callable[[], None]:
    """Look-ups of every key of a ``size``-key dictionary, in random order (the setup is
    not timed: the returned function is)."""
    keys = [f"key-{i}" for i in range(size)]
    table = dict.fromkeys(keys, 0)
    order = keys[:]
    random.Random(1).shuffle(order)

    def look() -> None:
        total = 0
        for key in order:
            total += table[key]

    return look


def best_of(work: Callable[[], object], runs: int = 2) -> float:
    """The best of ``runs`` timings of ``work``, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


PAGE = 4096
GIB = 1 << 30


def pages(gibibytes: int = 4) -> list[float]:
    """Microseconds per fresh page for each successive GiB written into new memory (one
    byte per page: the cost is the kernel's, the fault and the zeroing)."""
    costs = []
    with mmap.mmap(-1, gibibytes * GIB) as memory:
        for g in range(gibibytes):
            start = time.perf_counter()
            for offset in range(g * GIB, (g + 1) * GIB, PAGE):
                memory[offset] = 1
            costs.append((time.perf_counter() - start) / (GIB // PAGE) * 1e6)
    return costs


def pages_line(gibibytes: int = 4) -> str:
    each = " ".join(f"{cost:.1f}" for cost in pages(gibibytes))
    return f"fresh memory: us per page for each successive GiB: {each} (flat on a bare machine)"


def heap_walk(elements: int, footprint: int, passes: int = 10) -> tuple[float, float]:
    """Seconds of two fixed loops over ``elements`` records in a heap of about
    ``footprint`` bytes (each record a dictionary of fields plus its share of the rest):
    a walk over the records in the order they were made, and as many look-ups by id in
    random order, each with an equal id string of its own (as a flow names the component
    it calls). The same work per record at any size: what changes is only how much of
    the heap the caches hold."""
    rnd = random.Random(1)
    pad = max(0, footprint // elements - 1500)
    records: list[dict[str, object]] = []
    for i in range(elements):
        record: dict[str, object] = {f"f{k}": f"v{i}-{k}" for k in range(16)}
        record["id"], record["pad"] = f"e{i}", bytes(pad)
        records.append(record)
    index = {r["id"]: r for r in records}
    refs = [f"e{rnd.randrange(elements)}" for _ in range(elements)]
    start = time.perf_counter()
    total = 0
    for _ in range(passes):
        for record in records:
            total += len(str(record["f3"]))
    walked = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(passes):
        for ref in refs:
            total += len(str(index[ref]["f5"]))
    return walked, time.perf_counter() - start


def heap_line(small: int, large: int, bytes_per_component: int = 30_000) -> str:
    """How this host's time for the same work per element grows with the heap, from a
    model of ``small`` components to one of ``large`` (three elements a component: it and
    two flows; ``bytes_per_component`` of the process's memory each, as a threat run has)."""
    a = heap_walk(3 * small, small * bytes_per_component)
    b = heap_walk(3 * large, large * bytes_per_component)
    walk, look = (b[k] / a[k] if a[k] else float("nan") for k in (0, 1))
    return (
        f"heap reference, {large / small:g}x the elements and memory: in-order walk {walk:.2f}x, "
        f"random look-ups {look:.2f}x (the same work per element; above {large / small:g}x "
        "is the host's)"
    )


def line(when: str) -> str:
    return (
        f"host reference {when}: compute {best_of(workload):.2f} s, memory {best_of(memory()):.2f} s "
        "(fixed workloads: tables compare when these do)"
    )


if __name__ == "__main__":
    print(line("now"))
    print(pages_line())
