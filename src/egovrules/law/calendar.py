"""Time as the law counts it: calendar days, Chinese working days, annual dates, periods.

Working days follow China's official calendar: statutory holidays are skipped and the
adjusted weekend workdays (调休) are counted, from the maintained ``chinese-calendar``
package. A ``WorkCalendar`` is that package plus the State Council's holiday notices a user
supplied for the years after it (``egovrules.law.notice`` reads them): a value, passed to
what counts with it, never a global setting. A date outside the years a calendar knows is
never guessed: ``CalendarGap`` is raised. A deadline is still decided when its answer does
not depend on the unknown days: ``WorkCalendar.bound`` gives the earliest possible last day
(every unknown day counted as a working day) and the latest (none counted); a day on or
before the first is certainly in time, a day after the second certainly late
(``ir.interpret.deadline_facts``).

Periods in months and years follow ``dateutil.relativedelta``: 2024-02-29 + 1 year is
2025-02-28, 2024-01-31 + 1 month is 2024-02-29. They are computed directly (a month's length
from the Gregorian leap rule), three to five times faster than ``relativedelta``; a property test
proves them equal to it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Literal

import chinese_calendar

from egovrules.source.errors import UsageError

__all__ = [
    "AFTER_THE_CALENDAR",
    "BOUND_RANGE",
    "CHINA",
    "UNTIL_VARIABLE",
    "CalendarGap",
    "CountPastTheCalendar",
    "Day",
    "FarDate",
    "HolidayNotice",
    "Unknown",
    "WorkCalendar",
    "WorkingDayTable",
    "add_days",
    "add_months",
    "add_working_days",
    "add_years",
    "annual",
    "covered_years",
    "is_workday",
    "on_ordinal",
    "package_version",
    "working_day_table",
]

_DAY = dt.timedelta(days=1)


class CalendarGap(Exception):
    """A working-day question about a year the official holiday calendar does not cover."""

    def __init__(
        self,
        day: Day,
        detail: str = "",
        detail_zh: str = "",
        calendar: WorkCalendar | None = None,
    ) -> None:
        # The calendar as it was asked: the package's years it was let decide, and why not
        # more (a year set aside by EGOVRULES_CALENDAR_UNTIL is covered by the package).
        named = (calendar or CHINA).describe()
        super().__init__(
            f"working days of {day.year} are not known: the holiday calendar "
            f"({named}) does not cover it and no State Council "
            "notice for it was supplied (--holidays FILE)" + (f"; {detail}" if detail else "")
        )
        self.day = day
        self.calendar = calendar
        self.zh = (
            f"{day.year}年的工作日未知:节假日日历({named})"
            "不含该年度,也未提供该年度的国务院通知(--holidays FILE)"
            + (f";{detail_zh}" if detail_zh else "")
        )
        """The message in Chinese (``str(gap)`` is the English one)."""

    def explained(self, detail: str, detail_zh: str = "") -> CalendarGap:
        """The same gap, saying what it leaves open (in English and Chinese)."""
        return CalendarGap(self.day, detail, detail_zh, self.calendar)


class CountPastTheCalendar(CalendarGap):
    """A count of working days that runs past 9999-12-31 (with the weekday fallback, or on a
    calendar that knows every year up to it): the count cannot be made, but its last day is
    certainly one no date reaches, later than every date. A deadline counted so is a period
    whose last day no date reaches (docs/pack-format.md, Deadlines; ``ir.interpret``)."""


def package_version() -> str:
    """The installed ``chinese-calendar``'s version."""
    return str(getattr(chinese_calendar, "__version__", "?"))


UNTIL_VARIABLE = "EGOVRULES_CALENDAR_UNTIL"
"""The environment variable that sets aside the package's years after the one it names: a
verdict that turns on working days is then the same whatever later ``chinese-calendar`` release
a fresh install resolves (docs/reliability.md, "The holiday calendar")."""


@cache
def _package_years() -> tuple[int, int]:
    years = {day.year for day in chinese_calendar.holidays}
    if not years:
        raise RuntimeError("the chinese-calendar package covers no year")  # a broken install
    return min(years), max(years)


def _until(first: int) -> int | None:
    """The last year ``EGOVRULES_CALENDAR_UNTIL`` lets the package decide; ``None`` unset."""
    raw = os.environ.get(UNTIL_VARIABLE, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) < first:
        raise UsageError(
            f"{UNTIL_VARIABLE}={raw!r}: expected a year from {first} on (the last year whose "
            "holidays the chinese-calendar package may decide), or nothing"
        )
    return int(raw)


@cache
def covered_years() -> tuple[int, int]:
    """First and last year the holiday calendar knows (2004-2026 for chinese-calendar 1.11):
    the years of its holiday table, the range ``chinese_calendar.is_workday`` accepts, up to
    the year ``EGOVRULES_CALENDAR_UNTIL`` names when it is set (``UsageError`` when it names no
    year from the package's first on). Read once per process."""
    first, last = _package_years()
    until = _until(first)
    return first, last if until is None else min(last, until)


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


def add_working_days(start: Day, n: int, weekday_fallback: bool = False) -> dt.date:
    """The ``n``-th working day after ``start`` on the package's calendar (``CHINA``); see
    ``WorkCalendar.add_working_days``."""
    return CHINA.add_working_days(start, n, weekday_fallback)


@dataclass(frozen=True)
class HolidayNotice:
    """The State Council's holiday arrangements for one year (国务院办公厅关于某年部分节假日安排的
    通知): the days off that would be working days, the weekend days worked (调休), and where
    the notice was published."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    title: str
    url: str
    published: dt.date
    file: str = ""
    """The file it was read from (for messages)."""

    def cite(self) -> str:
        """The notice as a report cites it."""
        return f"{self.title} ({self.published.isoformat()}, {self.url})"

    def is_workday(self, day: dt.date) -> bool:
        """The notice's answer for a day of its year."""
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


Unknown = Literal["earliest", "latest"]
"""How a bound counts the days a calendar does not know: all of them working days
(``earliest``: the earliest the period can end) or none (``latest``)."""

BOUND_RANGE = (1900, 2199)
"""Years the bounds (and the weekday fallback's SQL tables) span; past them a bound is
unknown (``None``) and the deadline stays undetermined."""


@dataclass(frozen=True)
class WorkCalendar:
    """China's working days: the ``chinese-calendar`` package's years, then the years of the
    supplied State Council notices, which must follow on from them (a notice for 2028 needs
    2027 known). A notice for a year the package covers must agree with it on every day
    (``egovrules.law.notice`` refuses one that does not) and changes nothing.

    A value: compare, hash and pass it; nothing global changes when one is made."""

    notices: tuple[HolidayNotice, ...] = field(default=())
    until: int | None = None
    """The last year the package may decide (its later years set aside, as
    ``EGOVRULES_CALENDAR_UNTIL`` does for a whole process): a pack's test case that turns on a
    year being unpublished says so (``calendar_until``), and stays true when it is published."""

    def __post_init__(self) -> None:
        if not self.notices:  # the package's calendar alone (CHINA, made at import)
            return
        last = self.package_years[1]
        for notice in sorted(self.notices, key=lambda n: n.year):
            if notice.year > last + 1:
                raise ValueError(
                    f"the holiday notice for {notice.year} leaves {last + 1} unknown: "
                    f"supply the notice for {last + 1} too"
                )
            last = max(last, notice.year)

    @property
    def package_years(self) -> tuple[int, int]:
        """First and last year the package decides in this calendar (``covered_years``, up
        to ``until``)."""
        first, last = covered_years()
        return first, last if self.until is None else min(last, self.until)

    @property
    def years(self) -> tuple[int, int]:
        """First and last year this calendar knows."""
        first, last = self.package_years
        return first, max([last, *(n.year for n in self.notices)])

    def notice_for(self, year: int) -> HolidayNotice | None:
        """The supplied notice that decides ``year`` (``None`` where the package does)."""
        first, last = self.package_years
        if first <= year <= last:
            return None
        return next((n for n in self.notices if n.year == year), None)

    def describe(self) -> str:
        """What this calendar is made of, as a report says it."""
        first, last = self.package_years
        out = f"chinese-calendar {package_version()} ({first}-{last})"
        if last < _package_years()[1]:
            out += (
                f", its later years set aside by {UNTIL_VARIABLE}"
                if self.until is None or covered_years()[1] <= self.until
                else ", its later years set aside"
            )
        extra = [n for n in sorted(self.notices, key=lambda n: n.year) if n.year > last]
        return out + "".join(f"; {n.year}: {n.cite()}" for n in extra)

    def is_workday(self, day: dt.date) -> bool:
        """True on a working day; ``CalendarGap`` on a day of a year it does not know."""
        first, last = self.package_years
        if first <= day.year <= last:
            return is_workday(day)
        notice = self.notice_for(day.year)
        if notice is None:
            raise CalendarGap(day, calendar=self)
        return notice.is_workday(day)

    def add_working_days(self, start: Day, n: int, weekday_fallback: bool = False) -> dt.date:
        """The ``n``-th working day after ``start`` (``start`` itself not counted).

        With ``weekday_fallback``, a day in a year the calendar does not know counts as a
        working day when it is Monday to Friday (holidays and adjusted workdays unknown);
        without it, such a day raises ``CalendarGap``.
        """
        return _add_working_days(self, start, n, weekday_fallback)

    def within_known(self, start: dt.date, n: int) -> bool:
        """True when the ``n``-th working day after ``start`` lies in the years this calendar
        knows (the count neither starts before them nor leaves them): a cheap test, from the
        table, that a deadline was decided on known days alone."""
        table = working_day_table(self, "gap")
        i = start.toordinal() - table.first
        return 0 <= i < len(table.idx) and table.idx[i] + n <= len(table.workdays)

    def bound(self, start: Day, n: int, unknown: Unknown) -> dt.date | None:
        """The earliest (``unknown="earliest"``) or latest (``"latest"``) day the ``n``-th
        working day after ``start`` can be, whatever the unknown days turn out to be;
        ``None`` when the bound is past ``BOUND_RANGE`` (or, for ``latest``, when too few
        known working days follow ``start``: it may never end). Read from the same table
        the SQL engines join (``working_day_table``), so they agree by construction."""
        if n <= 0:
            return start if isinstance(start, dt.date) else None
        table = working_day_table(self, unknown)
        i = start.toordinal() - table.first
        if not 0 <= i < len(table.idx):
            return None
        k = table.idx[i] + n
        return table.workdays[k - 1] if k <= len(table.workdays) else None


CHINA = WorkCalendar()
"""The package's calendar alone: the default of every check."""


@lru_cache(maxsize=8192)
def _add_working_days(
    calendar: WorkCalendar, start: Day, n: int, weekday_fallback: bool
) -> dt.date:
    if isinstance(start, FarDate):  # no calendar, not even the weekday fallback, goes there
        if weekday_fallback and start > dt.date.max:  # every day of it counted, it ends there
            raise CountPastTheCalendar(start, calendar=calendar)
        raise CalendarGap(start, calendar=calendar)
    day = start
    counted = 0
    while counted < n:
        if day == dt.date.max:  # no calendar, not even the weekday fallback, goes further
            raise CountPastTheCalendar(day, calendar=calendar)
        day += _DAY
        try:
            workday = calendar.is_workday(day)
        except CalendarGap:
            if not weekday_fallback:
                raise
            workday = day.weekday() < 5
        if workday:
            counted += 1
    return day


@dataclass(frozen=True)
class WorkingDayTable:
    """Every day of a range with the number of working days from its start up to and
    including it (``idx``), and the working days in order: the day ``n`` working days after
    ``d`` is ``workdays[idx[d] + n - 1]``. ``days[0]`` is the day before the range."""

    first: int
    """The ordinal of ``days[0]``."""
    days: tuple[dt.date, ...]
    idx: tuple[int, ...]
    workdays: tuple[dt.date, ...]


@cache
def working_day_table(
    calendar: WorkCalendar, unknown: Unknown | Literal["gap", "weekdays"]
) -> WorkingDayTable:
    """The working days of ``calendar`` as a table: over the years it knows (``gap``), or over
    ``BOUND_RANGE`` with the unknown days counted Monday to Friday (``weekdays``), all
    (``earliest``) or none (``latest``)."""
    known = calendar.years
    first, last = known if unknown == "gap" else BOUND_RANGE
    day = dt.date(first, 1, 1)
    end = dt.date(last, 12, 31)
    days = [day - _DAY]
    idx = [0]
    workdays: list[dt.date] = []
    while day <= end:
        if known[0] <= day.year <= known[1]:
            working = calendar.is_workday(day)
        else:
            working = {"gap": False, "weekdays": day.weekday() < 5, "earliest": True}.get(
                unknown, False
            )
        if working:
            workdays.append(day)
        days.append(day)
        idx.append(len(workdays))
        day += _DAY
    return WorkingDayTable(days[0].toordinal(), tuple(days), tuple(idx), tuple(workdays))


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

AFTER_THE_CALENDAR = FarDate(_MAX_ORDINAL + 1)
"""10000-01-01, the first day no date reaches: the earliest a working-day count that runs
past 9999-12-31 (``CountPastTheCalendar``) can end."""
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
