"""Time as the law counts it: calendar days, Chinese working days, annual dates, periods.

Working days follow China's official calendar: statutory holidays are skipped and the
adjusted weekend workdays (调休) are counted, from the maintained ``chinese-calendar``
package. A date outside the years that package knows is never guessed: ``CalendarGap`` is
raised, and the rule that needed it is reported ``undetermined``.

Periods in months and years follow ``dateutil.relativedelta``: 2024-02-29 + 1 year is
2025-02-28, 2024-01-31 + 1 month is 2024-02-29. They are computed directly (a month's length
from the Gregorian leap rule), three to five times faster than ``relativedelta``; a property test
proves them equal to it.
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache

import chinese_calendar

__all__ = [
    "CalendarGap",
    "Day",
    "FarDate",
    "add_days",
    "add_months",
    "add_working_days",
    "add_years",
    "annual",
    "covered_years",
    "is_workday",
    "on_ordinal",
]

_DAY = dt.timedelta(days=1)


class CalendarGap(Exception):
    """A working-day question about a year the official holiday calendar does not cover."""

    def __init__(self, day: Day) -> None:
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
def add_working_days(start: Day, n: int, weekday_fallback: bool = False) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted).

    With ``weekday_fallback``, a day in a year the holiday calendar does not cover counts as a
    working day when it is Monday to Friday (holidays and adjusted workdays unknown); without
    it, such a day raises ``CalendarGap``.
    """
    if isinstance(start, FarDate):  # no calendar, not even the weekday fallback, goes there
        raise CalendarGap(start)
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


def add_days(day: Day, n: int) -> Day:
    """``day`` plus ``n`` calendar days (a ``FarDate`` past the calendar's range)."""
    if isinstance(day, FarDate):
        return on_ordinal(day.toordinal() + n)
    try:
        return day + dt.timedelta(days=n)
    except OverflowError:
        return on_ordinal(day.toordinal() + n)


def add_years(day: Day, n: int) -> Day:
    """``day`` plus ``n`` years; 29 February becomes 28 February in a common year (a
    ``FarDate`` past year 9999)."""
    return add_months(day, 12 * n)


def add_months(day: Day, n: int) -> Day:
    """``day`` plus ``n`` months, clamped to the end of a shorter month (a ``FarDate``
    outside years 1-9999)."""
    year, month = divmod(day.year * 12 + day.month - 1 + n, 12)
    last = min(day.day, _days_in(year, month + 1))
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return FarDate(_ordinal(year, month + 1, last))
    if isinstance(day, FarDate):
        return dt.date(year, month + 1, last)
    return day.replace(year=year, month=month + 1, day=last)


def annual(month_day: tuple[int, int], year: int) -> Day:
    """The date of an annual month-day in ``year``; 02-29 is 02-28 in a common year (a
    ``FarDate`` for a year outside 1-9999)."""
    month, day = month_day
    last = min(day, _days_in(year, month))
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return FarDate(_ordinal(year, month, last))
    return dt.date(year, month, last)


class FarDate:
    """A day before 0001-01-01 or after 9999-12-31, which Python's ``date`` cannot hold: a
    date moved past the calendar's ends (``add_years`` from 9999-06-01). It is a day all
    the same, later (or earlier) than every date, and compares, subtracts and prints as one,
    by its proleptic Gregorian ordinal, as the SQL engines' dates, which go further, do."""

    __slots__ = ("_ordinal",)

    def __init__(self, ordinal: int) -> None:
        self._ordinal = ordinal

    def toordinal(self) -> int:
        """Days since 0000-12-31 in the proleptic Gregorian calendar (0001-01-01 is 1)."""
        return self._ordinal

    @property
    def year(self) -> int:
        """The year (past 9999, or 0 and below)."""
        return _civil(self._ordinal)[0]

    @property
    def month(self) -> int:
        """The month, 1-12."""
        return _civil(self._ordinal)[1]

    @property
    def day(self) -> int:
        """The day of the month."""
        return _civil(self._ordinal)[2]

    def isoformat(self) -> str:
        """``YYYY-MM-DD``, with as many year digits as it takes (``10000-01-04``)."""
        year, month, day = _civil(self._ordinal)
        return f"{year:04d}-{month:02d}-{day:02d}"

    __str__ = isoformat

    def __repr__(self) -> str:
        return f"FarDate({self.isoformat()})"

    def __hash__(self) -> int:
        return hash(("FarDate", self._ordinal))

    def __eq__(self, other: object) -> bool:
        o = _ordinal_of(other)
        return NotImplemented if o is None else self._ordinal == o

    def __lt__(self, other: object) -> bool:
        o = _ordinal_of(other)
        return NotImplemented if o is None else self._ordinal < o

    def __le__(self, other: object) -> bool:
        o = _ordinal_of(other)
        return NotImplemented if o is None else self._ordinal <= o

    def __gt__(self, other: object) -> bool:
        o = _ordinal_of(other)
        return NotImplemented if o is None else self._ordinal > o

    def __ge__(self, other: object) -> bool:
        o = _ordinal_of(other)
        return NotImplemented if o is None else self._ordinal >= o

    def __sub__(self, other: object) -> dt.timedelta:
        o = _ordinal_of(other)
        return NotImplemented if o is None else dt.timedelta(days=self._ordinal - o)

    def __rsub__(self, other: object) -> dt.timedelta:
        o = _ordinal_of(other)
        return NotImplemented if o is None else dt.timedelta(days=o - self._ordinal)


Day = dt.date | FarDate
"""A day of the law's arithmetic: a date, or one past the calendar's ends."""

_MAX_ORDINAL = dt.date.max.toordinal()
_EPOCH = dt.date(1970, 1, 1).toordinal()


def on_ordinal(ordinal: int) -> Day:
    """The day with this proleptic ordinal: a ``date`` where one exists, else a ``FarDate``."""
    return dt.date.fromordinal(ordinal) if 1 <= ordinal <= _MAX_ORDINAL else FarDate(ordinal)


def _ordinal_of(value: object) -> int | None:
    if isinstance(value, FarDate):
        return value.toordinal()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.toordinal()
    return None


def _ordinal(year: int, month: int, day: int) -> int:
    """Howard Hinnant's days_from_civil, shifted to Python's ordinals."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468 + _EPOCH


def _civil(ordinal: int) -> tuple[int, int, int]:
    """Howard Hinnant's civil_from_days, from Python's ordinals."""
    z = ordinal - _EPOCH + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (month <= 2), month, day


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31
