"""What a command made is kept until the process ends only under the console script,
which ends the process without tearing it down; a caller running commands in its own
process frees them as usual."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref

from archmodel.cli import lifetime


class _Thing:
    pass


def test_a_library_caller_frees_what_commands_made() -> None:
    thing = _Thing()
    alive = weakref.ref(thing)
    lifetime.keep(thing)
    del thing
    gc.collect()
    assert alive() is None


PROBE = """
import weakref
from archmodel.cli import lifetime

class Thing:
    pass

lifetime.until_exit()
thing = Thing()
alive = weakref.ref(thing)
lifetime.keep(thing)
del thing
print("KEPT" if alive() is not None else "FREED")
"""


def test_the_console_script_keeps_them_until_exit() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "KEPT"
