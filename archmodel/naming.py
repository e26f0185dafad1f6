"""Generated names must be unique in their target: a clash is an error naming both elements.

Generators derive names from model ids (Terraform addresses, Kubernetes object names,
CI job ids). Two elements whose ids map to one name would silently share a resource, so
every generator passes its names through ``unique`` before it returns.
"""

from __future__ import annotations

from collections.abc import Iterable


class NameClash(ValueError):
    """Two model elements would get the same generated name (or a name is unusable)."""


def unique(target: str, named: Iterable[tuple[str, str]]) -> None:
    """``named``: (element, generated name) pairs; raise on the first name given twice."""
    owner: dict[str, str] = {}
    for element, name in named:
        first = owner.setdefault(name, element)
        if first != element:
            raise NameClash(
                f"{target} name '{name}' would be generated for both {first} and {element}; rename one"
            )
