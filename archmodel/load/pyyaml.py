"""PyYAML, imported the first time it is needed.

yaml-rs parses every model; PyYAML only answers what yaml-rs does not tell: positions in
layouts the block scanner does not read, and the tags, numbers and tabs the strict checks
confirm. Importing it costs some 15 ms, which every command paid whether or not a model
needed it.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any


def module() -> ModuleType:
    import yaml

    return yaml


def loader() -> Any:
    """The C safe loader when PyYAML was built with libyaml, else the pure-Python one."""
    yaml = module()
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)
