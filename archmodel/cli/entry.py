"""The console script's entry: the cyclic garbage collector goes off before the command
line is imported.

Importing pydantic, networkx and the model's classes allocates a few hundred thousand
objects; with the collector on, its generations are scanned again and again meanwhile
(30 to 100 ms of every command's start). A command is one short run whose garbage is
acyclic, so ``main`` keeps the collector off for good (see ``archmodel.cli.main``).
"""

from __future__ import annotations

import gc


def main() -> None:
    gc.disable()
    try:
        from archmodel.cli.main import main as run
    except KeyboardInterrupt:  # Ctrl-C while the command line is still being imported
        raise SystemExit(130) from None
    run()
