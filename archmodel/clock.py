"""Today's date, as everything that depends on it (risk expiry) sees it.

``ARCHMODEL_TODAY=YYYY-MM-DD`` pins it, the way ``SOURCE_DATE_EPOCH`` pins build times:
generated registers and golden files then stay reproducible after an acceptance expires.
"""

from __future__ import annotations

import datetime as dt
import os


def today() -> dt.date:
    pinned = os.environ.get("ARCHMODEL_TODAY")
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            pass  # an unreadable pin falls back to the real date
    return dt.date.today()
