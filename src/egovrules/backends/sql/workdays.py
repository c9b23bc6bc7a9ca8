"""The working-day calendar as tables, generated from the same ``WorkCalendar`` the Python
backend counts with (``egovrules.law.calendar.working_day_table``).

Two tables per calendar and way of counting the days it does not know:

* ``egr_cal(day DATE, idx INTEGER)``: every day of the range, plus the day before the first,
  with ``idx`` the number of working days from the first day up to and including ``day``;
* ``egr_workday(k INTEGER, day DATE)``: the ``k``-th working day.

The ``n``-th working day after ``start`` (``start`` not counted) is then
``egr_workday[egr_cal[start].idx + n]``: two equality joins, no Python per row. When either
lookup finds nothing the count left the range. On the plain tables (the years the calendar
knows) that makes the rule undetermined, as ``calendar.CalendarGap`` makes it in Python. The
``_fb`` tables are the weekday-fallback calendar (``load_pack(..., weekday_fallback=True)``):
outside the known years Monday to Friday count, over ``BOUND_RANGE`` (1900-2199), and before
and after it by arithmetic (``fallback_sql``), past 9999-12-31 too (a date no Python date
reaches, as ``calendar.CountPastTheCalendar`` says in Python). The ``_lo``
and ``_hi`` tables count every unknown day, or none, as a working day: the earliest and
latest possible last day of a deadline (``WorkCalendar.bound``). A count of a few days needs
neither: ``bound_sql`` reads both bounds from the plain tables' lookup, by arithmetic past the
known years. A calendar with supplied State Council notices has its own tables, named with a
digest of the notices.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any, Literal

from egovrules.law.calendar import BOUND_RANGE, Unknown, WorkCalendar, working_day_table

if TYPE_CHECKING:
    from egovrules.backends.sql.dialect import Dialect

__all__ = [
    "FALLBACK_RANGE",
    "SPELLED_COUNT",
    "Counting",
    "bound_sql",
    "calendar_tables",
    "fallback_sql",
    "table_names",
]

Counting = Literal["gap", "weekdays", "earliest", "latest"]
"""How a table counts the days its calendar does not know (see the module docstring)."""

FALLBACK_RANGE = BOUND_RANGE
"""Years the weekday-fallback and bound tables span; past them the count is unknown."""

_SUFFIX: dict[Counting, str] = {"gap": "", "weekdays": "_fb", "earliest": "_lo", "latest": "_hi"}

SPELLED_COUNT = 64
"""The largest count of working days whose bounds ``bound_sql`` spells out (a larger one is
read from the ``_lo`` and ``_hi`` tables)."""


def table_names(calendar: WorkCalendar, counting: Counting) -> tuple[str, str]:
    """(days table, working-days table) of a calendar counted one way."""
    suffix = _SUFFIX[counting]
    if calendar.notices:
        days = sorted((n.year, sorted(n.holidays), sorted(n.workdays)) for n in calendar.notices)
        suffix += "_" + hashlib.sha256(repr(days).encode()).hexdigest()[:10]
    return f"egr_cal{suffix}", f"egr_workday{suffix}"


def calendar_tables(calendar: WorkCalendar, counting: Counting) -> dict[str, Any]:
    """The two tables of a calendar as ``pyarrow.Table``s, by table name."""
    import pyarrow as pa  # noqa: PLC0415 - an optional dependency (egovrules[audit])

    table = working_day_table(calendar, counting)
    days, workdays = table_names(calendar, counting)
    return {
        days: pa.table(
            {"day": pa.array(table.days, pa.date32()), "idx": pa.array(table.idx, pa.int32())}
        ),
        workdays: pa.table(
            {
                "k": pa.array(range(1, len(table.workdays) + 1), pa.int32()),
                "day": pa.array(table.workdays, pa.date32()),
            }
        ),
    }


def bound_sql(
    calendar: WorkCalendar,
    unknown: Unknown,
    n: int,
    *,
    start: str,
    idx: str,
    day: str,
    dialect: Dialect,
) -> str | None:
    """The earliest or latest possible ``n``-th working day after ``start`` (``n`` > 0), the
    day ``WorkCalendar.bound`` gives, from the plain tables' lookup alone: ``idx``, the index
    of ``start`` in ``egr_cal`` (NULL outside the known years), and ``day``, the ``n``-th
    working day after it (NULL past them). Within the known years both bounds are that day.
    Past them the earliest counts every day (the last known day plus the days still to
    count) and the latest never ends; before them the earliest counts every day up to the
    first known year, then its working days, and the latest is its ``n``-th working day.
    Nothing outside ``BOUND_RANGE`` is known. ``None`` when ``n`` is more than
    ``SPELLED_COUNT``."""
    if n > SPELLED_COUNT:
        return None
    table = working_day_table(calendar, "gap")
    before, last, known = table.days[0], table.days[-1], len(table.workdays)
    if n > known:
        return None
    first_bound = dt.date(BOUND_RANGE[0], 1, 1) - dt.timedelta(days=1)
    last_bound = dt.date(BOUND_RANGE[1], 12, 31)

    def lit(d: dt.date) -> str:
        return f"DATE '{d.isoformat()}'"

    if unknown == "latest":
        return (
            f"(CASE WHEN {idx} IS NOT NULL THEN {day} "
            f"WHEN {start} >= {lit(first_bound)} AND {start} < {lit(before)} "
            f"THEN {lit(table.workdays[n - 1])} END)"
        )
    past = f"({idx} + {n - known})"  # days to count after the last known day
    later = dialect.add_days.format(date=lit(last), n=past)
    reaching = [f"WHEN {k} THEN {lit(table.workdays[k - 1])}" for k in range(1, n)]
    into_known = dialect.days_between.format(start=lit(before), end=start)
    return (
        f"(CASE WHEN {idx} IS NOT NULL THEN COALESCE({day}, CASE WHEN {past} <= "
        f"{(last_bound - last).days} THEN {later} END) "
        f"WHEN {start} > {lit(last)} THEN CASE WHEN {start} <= "
        f"{lit(last_bound - dt.timedelta(days=n))} THEN {dialect.add_days.format(date=start, n=n)} "
        f"END WHEN {start} < {lit(first_bound)} THEN NULL "
        f"WHEN {start} <= {lit(before - dt.timedelta(days=n))} "
        f"THEN {dialect.add_days.format(date=start, n=n)}"
        + (f" ELSE CASE ({into_known} + {n}) {' '.join(reaching)} END" if reaching else "")
        + " END)"
    )


def fallback_sql(
    calendar: WorkCalendar, start: str, amount: str, *, idx: str, day: str, dialect: Dialect
) -> tuple[str, str] | None:
    """The weekday fallback outside the ``_fb`` tables' range, where every day counts Monday to
    Friday, by arithmetic: (the index of ``start``, as ``egr_cal_fb.idx`` would give it, from
    ``idx``, the lookup's, for the join on ``egr_workday_fb``; the ``amount``-th working day
    after ``start``, from ``day``, the join's, where it found one). The index goes on below 0
    before the range and past the last working day after it; the day of an index outside the
    table is the day with that many Monday-to-Friday days after the day before the range (a
    Sunday). NULL for a start before 0001-01-01, which Python does not count from. ``None``
    when the calendar knows a year outside ``BOUND_RANGE`` (the days beyond are not all
    Monday to Friday)."""
    first, last = calendar.years
    if first < BOUND_RANGE[0] or last > BOUND_RANGE[1]:
        return None
    table = working_day_table(calendar, "weekdays")
    base, end, count = table.days[0], table.days[-1], len(table.workdays)
    assert base.weekday() == 6  # the day before 1900-01-01, a Sunday

    def lit(d: dt.date) -> str:
        return f"DATE '{d.isoformat()}'"

    def floor_div(x: str, y: int) -> str:
        return f"CAST(floor(({x}) / {y}.0) AS BIGINT)"

    def weekdays(d: str) -> str:  # Monday-to-Friday days after the base, up to ``d``
        t = dialect.days_between.format(start=lit(base), end=d)
        q = floor_div(t, 7)
        return f"(5 * {q} + least(({t}) - 7 * {q}, 5))"

    def on(k: str) -> str:  # the day ``k`` Monday-to-Friday days after the base
        q = floor_div(f"({k}) - 1", 5)
        return dialect.add_days.format(date=lit(base), n=f"(7 * {q} + (({k}) - 1 - 5 * {q}) + 1)")

    after = sum(1 for o in range(base.toordinal() + 1, end.toordinal() + 1) if (o - 1) % 7 < 5)
    index = (
        f"COALESCE({idx}, CASE WHEN {start} < {lit(base)} THEN {weekdays(start)} "
        f"WHEN {start} > {lit(end)} THEN {count} + {weekdays(start)} - {after} END)"
    )
    k = f"({index} + {amount})"
    outside = (
        f"CASE WHEN {start} < DATE '0001-01-01' THEN NULL WHEN {k} <= 0 THEN {on(k)} "
        f"WHEN {k} > {count} THEN {on(f'{after} + {k} - {count}')} END"
    )
    return index, f"COALESCE({day}, {outside})"
