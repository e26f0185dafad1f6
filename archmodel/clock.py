"""Today's date, as everything that depends on it (risk expiry) sees it.

``ARCHMODEL_TODAY=YYYY-MM-DD`` pins it, the way ``SOURCE_DATE_EPOCH`` pins build times:
generated registers and golden files then stay reproducible after an acceptance expires.
A pin that is not a date is an error, never silently the real date: a CI job that meant
to pin the date must not judge risk expiry by another one.
"""

from __future__ import annotations

import datetime as dt
import os

VARIABLE = "ARCHMODEL_TODAY"


class BadPinnedDate(ValueError):
    """``ARCHMODEL_TODAY`` is set but is not a YYYY-MM-DD date."""


def pinned() -> dt.date | None:
    """The pinned date, None when unpinned; ``BadPinnedDate`` when the pin is unreadable."""
    value = os.environ.get(VARIABLE)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise BadPinnedDate(f"{VARIABLE}={value!r} is not a date (write YYYY-MM-DD)") from exc


def today() -> dt.date:
    return pinned() or dt.date.today()
