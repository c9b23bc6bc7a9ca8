"""What several commands share: the default language, the date argument type and the options
that evaluate as of a date, the width of text on a terminal."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import unicodedata

from egovrules.law.calendar import CHINA, WorkCalendar
from egovrules.law.dates import written_date

__all__ = [
    "add_as_of",
    "add_holidays_option",
    "add_weekday_fallback",
    "calendar_of",
    "default_language",
    "display_width",
    "iso_date",
]


def default_language() -> str:
    """``zh`` when the locale (LC_ALL, LC_MESSAGES or LANG) is Chinese, else ``en``."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def iso_date(text: str) -> dt.date:
    """An argparse ``type``: a date written YYYY-MM-DD (``law.dates.written_date``)."""
    try:
        return written_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def positive_int(text: str) -> int:
    """An argparse ``type``: a whole number of at least 1 (a count of threads, workers)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {text!r}")
    return value


def add_as_of(parser: argparse.ArgumentParser) -> None:
    """``--as-of DATE``, the evaluation date."""
    parser.add_argument(
        "--as-of",
        type=iso_date,
        help="evaluation date YYYY-MM-DD (default: today in Asia/Shanghai)",
    )


def add_weekday_fallback(parser: argparse.ArgumentParser) -> None:
    """``--weekday-fallback``, for years the holiday calendar does not cover."""
    parser.add_argument(
        "--weekday-fallback",
        action="store_true",
        help="count working days Monday to Friday in years the Chinese holiday calendar does "
        "not cover (default: such deadlines are reported undetermined)",
    )


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: two for wide (CJK) characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def add_holidays_option(parser: argparse.ArgumentParser) -> None:
    """``--holidays FILE``: a State Council holiday notice for a year the package lacks."""
    parser.add_argument(
        "--holidays",
        action="append",
        default=[],
        metavar="FILE",
        help="a State Council holiday notice (YAML: its title, URL and date, the days off and "
        "the make-up workdays) for a year chinese-calendar does not cover yet; repeatable, "
        "one file a year (docs/reliability.md)",
    )


def calendar_of(args: argparse.Namespace) -> WorkCalendar:
    """The working-day calendar the command counts on: the package's, plus ``--holidays``."""
    if not args.holidays:
        return CHINA
    from egovrules.law.notice import load_calendar  # noqa: PLC0415 - its models cost a start

    return load_calendar(args.holidays)
