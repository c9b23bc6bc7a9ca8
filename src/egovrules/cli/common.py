"""What several commands share: the default language, the date argument type, the width of
text on a terminal."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import unicodedata

__all__ = ["default_language", "display_width", "iso_date"]


def default_language() -> str:
    """``zh`` when the locale (LC_ALL, LC_MESSAGES or LANG) is Chinese, else ``en``."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def iso_date(text: str) -> dt.date:
    """An argparse ``type``: a date written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: two for wide (CJK) characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
