"""The working-day calendar as tables, generated from the same ``chinese-calendar`` package
the Python backend counts with (``egovrules.law.calendar``).

Two tables per calendar:

* ``egr_cal(day DATE, idx INTEGER)``: every day the calendar covers, plus the day before the
  first, with ``idx`` the number of working days from the first covered day up to and
  including ``day``;
* ``egr_workday(k INTEGER, day DATE)``: the ``k``-th working day.

The ``n``-th working day after ``start`` (``start`` not counted) is then
``egr_workday[egr_cal[start].idx + n]``: two equality joins, no Python per row. When either
lookup finds nothing the count left the calendar's years, and the rule is undetermined, as
``calendar.CalendarGap`` makes it in Python. The ``_fb`` tables are the weekday-fallback
calendar (``load_pack(..., weekday_fallback=True)``): outside the covered years Monday to
Friday count, over 1900-2199.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from egovrules.law import calendar

__all__ = ["CALENDAR_TABLES", "FALLBACK_RANGE", "calendar_tables"]

CALENDAR_TABLES: dict[bool, tuple[str, str]] = {
    False: ("egr_cal", "egr_workday"),
    True: ("egr_cal_fb", "egr_workday_fb"),
}
"""(days table, working-days table) for the strict calendar (False) and the fallback one."""

FALLBACK_RANGE = (1900, 2199)
"""Years the weekday-fallback tables span; past them even the fallback is undetermined."""


@cache
def _days(fallback: bool) -> tuple[list[dt.date], list[int], list[int], list[dt.date]]:
    covered = calendar.covered_years()
    first, last = FALLBACK_RANGE if fallback else covered
    day = dt.date(first, 1, 1)
    end = dt.date(last, 12, 31)
    days = [day - dt.timedelta(days=1)]
    idx = [0]
    ks: list[int] = []
    workdays: list[dt.date] = []
    count = 0
    while day <= end:
        if covered[0] <= day.year <= covered[1]:
            working = calendar.is_workday(day)
        else:
            working = day.weekday() < 5
        if working:
            count += 1
            ks.append(count)
            workdays.append(day)
        days.append(day)
        idx.append(count)
        day += dt.timedelta(days=1)
    return days, idx, ks, workdays


def calendar_tables(fallback: bool) -> dict[str, Any]:
    """The two tables of a calendar as ``pyarrow.Table``s, by table name."""
    import pyarrow as pa  # noqa: PLC0415 - an optional dependency (egovrules[audit])

    days, idx, ks, workdays = _days(fallback)
    names = CALENDAR_TABLES[fallback]
    return {
        names[0]: pa.table({"day": pa.array(days, pa.date32()), "idx": pa.array(idx, pa.int32())}),
        names[1]: pa.table({"k": pa.array(ks, pa.int32()), "day": pa.array(workdays, pa.date32())}),
    }
