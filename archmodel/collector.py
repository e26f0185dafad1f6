"""Pausing the cyclic garbage collector around work that allocates in bulk.

Loading a model, running the threat rules and running the generators each allocate
hundreds of thousands to millions of objects, none of them in a cycle, next to a large
loaded model. The cyclic collector would rescan that model again and again (half the load
time of a 10k-component model, 80% of the diagrams' time); reference counting frees the
garbage. A library caller's collector is left as it was found.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
