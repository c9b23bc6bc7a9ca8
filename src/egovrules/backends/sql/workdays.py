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
outside the known years Monday to Friday count, over ``BOUND_RANGE`` (1900-2199). The ``_lo``
and ``_hi`` tables count every unknown day, or none, as a working day: the earliest and
latest possible last day of a deadline (``WorkCalendar.bound``). A calendar with supplied
State Council notices has its own tables, named with a digest of the notices.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from egovrules.law.calendar import BOUND_RANGE, WorkCalendar, working_day_table

__all__ = ["FALLBACK_RANGE", "Counting", "calendar_tables", "table_names"]

Counting = Literal["gap", "weekdays", "earliest", "latest"]
"""How a table counts the days its calendar does not know (see the module docstring)."""

FALLBACK_RANGE = BOUND_RANGE
"""Years the weekday-fallback and bound tables span; past them the count is unknown."""

_SUFFIX: dict[Counting, str] = {"gap": "", "weekdays": "_fb", "earliest": "_lo", "latest": "_hi"}


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
