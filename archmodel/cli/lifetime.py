"""What a command made stays alive until the process ends.

The console script ends the process with ``os._exit`` once the output is flushed, so
nothing is torn down. A command's locals would still be freed as its frame unwinds, one
object at a time: a model of ten thousand components and its threat register take 0.05
to 0.1 s to free, for a process about to end anyway. Kept here, they are not. Only the
console script keeps anything: a caller that runs commands in its own process (tests, an
embedding tool) frees them as usual.
"""

from __future__ import annotations

_kept: list[object] = []
_until_exit = False


def until_exit() -> None:
    """Called by the console script, which ends the process without tearing it down."""
    global _until_exit
    _until_exit = True


def keep(*objects: object) -> None:
    """Keep ``objects`` alive until the process ends (console script only)."""
    if _until_exit:
        _kept.extend(objects)
