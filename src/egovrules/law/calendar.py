"""Time as the law counts it: calendar days, Chinese working days, annual dates, periods.

Working days follow China's official calendar: statutory holidays are skipped and the
adjusted weekend workdays (调休) are counted, from the maintained ``chinese-calendar``
package. A date outside the years that package knows is never guessed: ``CalendarGap`` is
raised, and the rule that needed it is reported ``undetermined``.

Periods in months and years follow ``dateutil.relativedelta``: 2024-02-29 + 1 year is
2025-02-28, 2024-01-31 + 1 month is 2024-02-29. They are computed directly (a month's length
from ``calendar.monthrange``), three to five times faster than ``relativedelta``; a property test
proves them equal to it.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from functools import cache, lru_cache

import chinese_calendar

__all__ = [
    "CalendarGap",
    "add_days",
    "add_months",
    "add_working_days",
    "add_years",
    "annual",
    "covered_years",
    "is_workday",
]

_DAY = dt.timedelta(days=1)


class CalendarGap(Exception):
    """A working-day question about a year the official holiday calendar does not cover."""

    def __init__(self, day: dt.date) -> None:
        super().__init__(
            f"working days of {day.year} are not known: the holiday calendar "
            f"(chinese-calendar {getattr(chinese_calendar, '__version__', '?')}) does not cover it"
        )
        self.day = day


@cache
def covered_years() -> tuple[int, int]:
    """First and last year the holiday calendar knows (2004-2026 for chinese-calendar 1.11):
    the years of its holiday table, the range ``chinese_calendar.is_workday`` accepts."""
    years = {day.year for day in chinese_calendar.holidays}
    if not years:
        raise RuntimeError("the chinese-calendar package covers no year")  # a broken install
    return min(years), max(years)


def is_workday(day: dt.date) -> bool:
    """True on a Chinese working day (adjusted weekend workdays included).

    The package's own rule (``chinese_calendar.is_workday``) read from its public tables:
    an adjusted workday, or Monday to Friday and not a statutory holiday. The package checks
    the year range on every call, which made a year of days cost a tenth of a second;
    ``tests/test_calendar.py`` proves the two agree on every day of every covered year.
    """
    first, last = covered_years()
    if not first <= day.year <= last:
        raise CalendarGap(day)
    if day in chinese_calendar.workdays:
        return True
    return day.weekday() < 5 and day not in chinese_calendar.holidays


@lru_cache(maxsize=8192)
def add_working_days(start: dt.date, n: int, weekday_fallback: bool = False) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted).

    With ``weekday_fallback``, a day in a year the holiday calendar does not cover counts as a
    working day when it is Monday to Friday (holidays and adjusted workdays unknown); without
    it, such a day raises ``CalendarGap``.
    """
    day = start
    counted = 0
    while counted < n:
        if day == dt.date.max:  # no calendar, not even the weekday fallback, goes further
            raise CalendarGap(day)
        day += _DAY
        try:
            workday = is_workday(day)
        except CalendarGap:
            if not weekday_fallback:
                raise
            workday = day.weekday() < 5
        if workday:
            counted += 1
    return day


def add_days(day: dt.date, n: int) -> dt.date | None:
    """``day`` plus ``n`` calendar days (``None`` past the calendar's range)."""
    try:
        return day + dt.timedelta(days=n)
    except OverflowError:
        return None


def add_years(day: dt.date, n: int) -> dt.date | None:
    """``day`` plus ``n`` years; 29 February becomes 28 February in a common year
    (``None`` past year 9999)."""
    return add_months(day, 12 * n)


def add_months(day: dt.date, n: int) -> dt.date | None:
    """``day`` plus ``n`` months, clamped to the end of a shorter month (``None`` outside
    years 1-9999)."""
    year, month = divmod(day.year * 12 + day.month - 1 + n, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    return day.replace(year=year, month=month + 1, day=min(day.day, _days_in(year, month + 1)))


def annual(month_day: tuple[int, int], year: int) -> dt.date | None:
    """The date of an annual month-day in ``year``; 02-29 is 02-28 in a common year
    (``None`` for a year outside 1-9999: there is no such date)."""
    month, day = month_day
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    return dt.date(year, month, min(day, _days_in(year, month)))


def _days_in(year: int, month: int) -> int:
    return monthrange(year, month)[1]
