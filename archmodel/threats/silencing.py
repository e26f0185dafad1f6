"""What switches threat findings off wholesale, so every register and summary can say so.

Two model statements silence findings without naming them: a rule listed in
``x-policies.disable`` and a *blanket* risk — one whose target glob does not name any
element (``*``, ``component:*``). Both are legitimate, both can hide everything, and
neither may do it quietly: the register counts them, the summary line names them, and
`diff` reports a new one as a security-relevant change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import translate

from archmodel.model import Risk

# A target no model can contain: a glob that matches it matches every element.
_NOBODY = ("component:\x00", "flow:\x00", "stage:\x00", "environment:\x00", "zone:\x00", "data:\x00")


def is_blanket(risk: Risk) -> bool:
    """Whether the risk's target glob matches any element of some section, unnamed."""
    target = re.compile(translate(risk.target), re.DOTALL)
    return any(target.match(nobody) for nobody in _NOBODY)


def describe(risk: Risk) -> str:
    return f"'{risk.threat}' on '{risk.target}' ({risk.status})"


@dataclass(frozen=True)
class Silencing:
    disabled: tuple[str, ...] = ()  # rule ids switched off by x-policies
    blanket: tuple[str, ...] = ()  # blanket risks, described
    decided: int = 0  # findings whose status a blanket risk set

    def __bool__(self) -> bool:
        return bool(self.disabled or self.blanket)

    def summary(self) -> str:
        """One clause for summary lines; empty when nothing is silenced."""
        parts = []
        if self.disabled:
            parts.append(f"{len(self.disabled)} rule(s) disabled by x-policies ({', '.join(self.disabled)})")
        if self.blanket:
            parts.append(
                f"{self.decided} finding(s) decided by {len(self.blanket)} blanket risk(s) "
                f"({'; '.join(self.blanket)})"
            )
        return "; ".join(parts)
