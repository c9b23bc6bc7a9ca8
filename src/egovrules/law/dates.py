"""The one way a date is written where a person or a client gives one: ``YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["written_date"]

_YYYY_MM_DD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # not \d, which takes any script's digits


def written_date(text: object) -> dt.date:
    """The date ``text`` writes as YYYY-MM-DD, and only so: Python's own reader also takes
    ``20260301`` and week dates such as ``2026-W10-1``, and pydantic a number as a Unix time
    (``0`` is 1970-01-01) and a date-time as its date. Anything else is a ``ValueError``."""
    if isinstance(text, str) and _YYYY_MM_DD.fullmatch(text):
        return dt.date.fromisoformat(text)  # ValueError for a day that does not exist
    raise ValueError(f"not a date (YYYY-MM-DD): {text!r}")
