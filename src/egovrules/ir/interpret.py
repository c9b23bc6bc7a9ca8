"""The reference semantics of the IR: a direct, recursive interpretation.

Slow and obvious on purpose. The compiled backends must agree with it on every subject; the
property tests hold them to it. It must never grow an optimisation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeAlias, assert_never

from egovrules.ir.nodes import (
    All,
    Annual,
    AnyOf,
    Arith,
    AsOf,
    Compare,
    Cond,
    Const,
    DayOf,
    DaysBetween,
    Deadline,
    Every,
    Expr,
    Extremum,
    Field,
    HoursBetween,
    Len,
    Not,
    Param,
    Present,
    RuleIR,
    Shift,
    Some,
    YearOf,
    deadline_bounds,
    working_days_due,
)
from egovrules.law import calendar
from egovrules.law.calendar import AFTER_THE_CALENDAR, CalendarGap, CountPastTheCalendar
from egovrules.law.verdict import Outcome

__all__ = [
    "DeadlineFacts",
    "date_that_matters",
    "deadline_facts",
    "eval_cond",
    "eval_expr",
    "evaluate_rule",
    "extremum_values",
    "undetermined_gap",
    "undetermined_reason",
    "value_on",
]

Scopes = tuple[Any, ...]


def eval_expr(e: Expr, scopes: Scopes, as_of: dt.date, on: dt.date | None = None) -> Any:
    """The value of an expression; ``scopes[0]`` is the subject, then enclosing items."""
    match e:
        case Param(versions=versions) if versions:
            return value_on(versions, on or as_of)
        case Const(value=v) | Param(value=v):
            return v
        case AsOf():
            return as_of
        case Field(path=path, scope=scope):
            value = scopes[scope]
            for name in path:
                if value is None:
                    return None
                value = getattr(value, name)
            return value
        case Len(field=f):
            v = eval_expr(f, scopes, as_of, on)
            return None if v is None else len(v)
        case YearOf(date=d):
            v = eval_expr(d, scopes, as_of, on)
            return None if v is None else v.year
        case DayOf(moment=m):
            v = eval_expr(m, scopes, as_of, on)
            return v.date() if isinstance(v, dt.datetime) else v
        case Arith() | DaysBetween() | HoursBetween() | Shift() | Annual():
            return _binary(e, scopes, as_of, on)
        case Extremum():
            values = [v for v in extremum_values(e, scopes, as_of, on) if v is not None]
            if not values:
                return None
            return min(values) if e.op == "earliest" else max(values)
        case _:
            assert_never(e)


def extremum_values(
    e: Extremum, scopes: Scopes, as_of: dt.date, on: dt.date | None = None
) -> list[Any]:
    """The values of ``e.of`` of the items ``e.where`` selects, in list order (nulls kept)."""
    items = eval_expr(e.field, scopes, as_of, on) or ()
    n = e.item_scope
    return [
        eval_expr(e.of, (*scopes[:n], it), as_of, on)
        for it in items
        if e.where is None or eval_cond(e.where, (*scopes[:n], it), as_of, on)
    ]


_Binary: TypeAlias = Arith | DaysBetween | HoursBetween | Shift | Annual


def _binary(e: _Binary, scopes: Scopes, as_of: dt.date, on: dt.date | None) -> Any:
    """An expression of two operands: null when either is. A null first operand decides
    without the second being evaluated, as the compiled code decides: the answer is null
    whatever the second holds, even a day in a year the holiday calendar lacks."""
    x, y = _operands(e)
    a = eval_expr(x, scopes, as_of, on)
    if a is None:
        return None
    b = eval_expr(y, scopes, as_of, on)
    if b is None:
        return None
    match e:
        case Arith(op=op):
            ints = type(a) is int and type(b) is int
            match op:
                case "add":
                    return a + b if ints else Decimal(a) + b
                case "sub":
                    return a - b if ints else Decimal(a) - b
                case "mul":
                    return a * b if ints else Decimal(a) * b
                case "div":
                    return None if b == 0 else Decimal(a) / b
                case _:
                    assert_never(op)
        case DaysBetween():
            return (b - a).days
        case HoursBetween():
            return Decimal((b - a) // dt.timedelta(seconds=1)) / 3600
        case Shift(unit=unit, weekday_fallback=fallback, calendar=cal, bound=bound):
            match unit:
                case "days":
                    return calendar.add_days(a, b)
                case "working_days" if bound is not None:
                    return cal.bound(a, b, bound)
                case "working_days":
                    return cal.add_working_days(a, b, fallback)
                case "months":
                    return calendar.add_months(a, b)
                case "years":
                    return calendar.add_years(a, b)
                case _:
                    assert_never(unit)
        case Annual():
            return calendar.annual(a, b)
        case _:
            assert_never(e)


def _operands(e: _Binary) -> tuple[Expr, Expr]:
    match e:
        case Arith(left=x, right=y) | DaysBetween(start=x, end=y) | HoursBetween(start=x, end=y):
            return x, y
        case Shift(date=x, amount=y) | Annual(month_day=x, year=y):
            return x, y
        case _:
            assert_never(e)


def eval_cond(c: Cond, scopes: Scopes, as_of: dt.date, on: dt.date | None = None) -> bool:
    """The truth of a condition."""
    match c:
        case All(items=items):
            return all(eval_cond(i, scopes, as_of, on) for i in items)
        case AnyOf(items=items):
            return any(eval_cond(i, scopes, as_of, on) for i in items)
        case Not(item=item):
            return not eval_cond(item, scopes, as_of, on)
        case Present(expr=e):
            v = eval_expr(e, scopes, as_of, on)
            if isinstance(v, (str, tuple, list, frozenset, set)):
                return len(v) > 0
            return v is not None
        case Compare():
            return _compare(c, scopes, as_of, on)
        case Some(field=f, item_scope=n, where=where):
            items = eval_expr(f, scopes, as_of, on) or ()
            return any(
                where is None or eval_cond(where, (*scopes[:n], it), as_of, on) for it in items
            )
        case Every(field=f, item_scope=n, where=where, require=require):
            items = eval_expr(f, scopes, as_of, on) or ()
            return all(
                eval_cond(require, (*scopes[:n], it), as_of, on)
                for it in items
                if where is None or eval_cond(where, (*scopes[:n], it), as_of, on)
            )
        case _:
            assert_never(c)


def _compare(c: Compare, scopes: Scopes, as_of: dt.date, on: dt.date | None) -> bool:
    left = eval_expr(c.left, scopes, as_of, on)
    if isinstance(c.right, Const) and c.right.value is None:
        return (left is None) if c.op == "eq" else (left is not None)
    if left is None:
        # A null compares with nothing: false whatever the right side holds, so it is not
        # evaluated (as the compiled code does not): "completed within two working days of
        # the start" fails for a project with no completion date even when the start's
        # working days are in a year the calendar lacks.
        return False
    right = eval_expr(c.right, scopes, as_of, on)
    if right is None:
        return False
    match c.op:
        case "eq":
            return bool(left == right)
        case "ne":
            return bool(left != right)
        case "lt":
            return bool(left < right)
        case "le":
            return bool(left <= right)
        case "gt":
            return bool(left > right)
        case "ge":
            return bool(left >= right)
        case "in":
            return left in right
        case "not_in":
            return left not in right
        case "contains":
            return right in left
        case "contains_all":
            return all(v in left for v in right)
        case _:
            assert_never(c.op)


def value_on(versions: tuple[tuple[dt.date, Any], ...], day: dt.date) -> Any:
    """The value of a versioned parameter in force on ``day`` (``None`` before the first)."""
    value = None
    for start, v in versions:
        if start > day:
            break
        value = v
    return value


class DeadlineFacts:
    """The dates and counts of a running deadline, for outcomes and messages. ``due`` and
    ``late`` are ``None`` for a deadline decided without its last day (``bounded``), whose
    ``earliest`` and ``latest`` possible last days are given where known."""

    __slots__ = ("bounded", "due", "earliest", "elapsed", "late", "latest", "outcome")

    def __init__(
        self,
        due: calendar.Day | None,
        elapsed: int | None,
        late: int | None,
        outcome: Outcome,
        *,
        bounded: bool = False,
        earliest: calendar.Day | None = None,
        latest: dt.date | None = None,
    ) -> None:
        self.due = due
        self.elapsed = elapsed
        self.late = late
        self.outcome = outcome
        self.bounded = bounded
        """Decided from the working days known, its last day in a year the calendar lacks."""
        self.earliest = earliest
        self.latest = latest


def unknown_last_day(facts: DeadlineFacts, lang: str) -> str:
    """How a message writes the last day of a deadline decided without it (``bounded``): one
    in a year whose holiday notice is not out, or one past 9999-12-31 (``_awaited_facts``)."""
    if facts.earliest is not None and facts.earliest >= AFTER_THE_CALENDAR:
        return "9999-12-31以后的某日" if lang == "zh" else "a day past 9999-12-31"
    return "未知(节假日安排尚未公布)" if lang == "zh" else "not known yet"


def act_by(done: dt.date | None, as_of: dt.date) -> dt.date | None:
    """A deadline's act as it stands on ``as_of``: one dated after it has not been done yet
    (``None``), whether the date records a plan or the record is read as of an earlier day.
    So a deadline is late only once its last day has passed: before, an act dated after the
    last day is one still to come, and the deadline runs (pending). Likewise a period
    counted from an act dated after ``as_of`` has not begun (``deadline_facts``)."""
    return done if done is not None and done <= as_of else None


def deadline_facts(
    d: Deadline, scopes: Scopes, as_of: dt.date, on: dt.date | None = None
) -> DeadlineFacts:
    """Evaluate a deadline: last day in time, days elapsed, days late, and the outcome.

    A working-day deadline whose last day the calendar cannot tell is decided all the same
    when the answer does not depend on it: an act on or before the earliest possible last
    day is in time, an act (or, with none, the as-of date) after the latest possible one
    late, and no act by an as-of date on or before the earliest possible last day is a
    deadline still running (pending, its last day not known). Between the bounds the answer
    depends on the unknown days: undetermined (``CalendarGap``, naming both bounds)."""
    try:
        due = eval_expr(d.due, scopes, as_of, on)
    except CountPastTheCalendar as gap:
        # A last day no date reaches, later than every date, as a calendar-day period's
        # FarDate is: awaited once begun, and an act on any date in time (docs/pack-format.md,
        # Deadlines). The count cannot be made: only its earliest possible day is known. A
        # last day shifted from such a count is not known to be one (undetermined), as the
        # compiled rules and SQL decide.
        if working_days_due(d) is None:
            raise
        return _bounded_facts(d, scopes, as_of, on, gap, known=(AFTER_THE_CALENDAR, None))
    except CalendarGap as gap:
        return _bounded_facts(d, scopes, as_of, on, gap)
    if due is None:  # the period has not begun (a last day past 9999-12-31 is a FarDate)
        return DeadlineFacts(None, None, None, Outcome.SATISFIED)
    start = eval_expr(d.start, scopes, as_of, on) if d.start is not None else None
    if start is not None and start > as_of:  # the act it runs from has not happened yet
        return DeadlineFacts(None, None, None, Outcome.SATISFIED)
    done = act_by(eval_expr(d.done, scopes, as_of, on), as_of)
    end = done if done is not None else as_of
    elapsed = (end - start).days if start is not None else None
    late = max((end - due).days, 0)
    if done is not None:
        outcome = Outcome.VIOLATED if done > due else Outcome.SATISFIED
    else:
        outcome = Outcome.VIOLATED if as_of > due else Outcome.PENDING
    return DeadlineFacts(due, elapsed, late, outcome)


def _bounded_facts(
    d: Deadline,
    scopes: Scopes,
    as_of: dt.date,
    on: dt.date | None,
    gap: CalendarGap,
    *,
    known: tuple[calendar.Day | None, calendar.Day | None] | None = None,
) -> DeadlineFacts:
    """A deadline decided from the earliest and latest possible last days, ``known`` or the
    calendar's bounds (``deadline_bounds``), or ``gap`` raised, explained."""
    bounds = deadline_bounds(d)
    if known is None and bounds is None:
        raise gap
    start = eval_expr(d.start, scopes, as_of, on) if d.start is not None else None
    if start is not None and start > as_of:  # the act it runs from has not happened yet
        return DeadlineFacts(None, None, None, Outcome.SATISFIED)
    done = act_by(eval_expr(d.done, scopes, as_of, on), as_of)
    if known is None:
        assert bounds is not None
        known = (eval_expr(bounds[0], scopes, as_of, on), eval_expr(bounds[1], scopes, as_of, on))
    earliest, latest = known
    end = done if done is not None else as_of
    elapsed = (end - start).days if start is not None else None
    bounds_known: dict[str, Any] = {"bounded": True, "earliest": earliest, "latest": latest}
    if latest is not None and end > latest:
        return DeadlineFacts(None, elapsed, None, Outcome.VIOLATED, **bounds_known)
    if done is not None and earliest is not None and done <= earliest:
        return DeadlineFacts(None, elapsed, 0, Outcome.SATISFIED, **bounds_known)
    if done is None and earliest is not None and as_of <= earliest:
        # not late whatever the unknown days are: an open obligation, its last day not known
        return DeadlineFacts(None, elapsed, 0, Outcome.PENDING, **bounds_known)
    # the answer depends on days the calendar does not know: say what is known
    first = "at the earliest " + earliest.isoformat() if earliest is not None else "not known"
    last = "at the latest " + latest.isoformat() if latest is not None else "no latest known"
    first_zh = f"最早为{earliest.isoformat()}" if earliest is not None else "最早日未知"
    last_zh = f"最迟为{latest.isoformat()}" if latest is not None else "最迟日未知"
    if done is None:
        raise gap.explained(
            f"no act by {as_of.isoformat()}: late or still running depending on them; the "
            f"last day is {first}, {last}",
            f"截至{as_of.isoformat()}尚未作出:是否逾期取决于该年度的安排;"
            f"期限的最后一日{first_zh},{last_zh}",
        )
    raise gap.explained(
        f"the act on {done.isoformat()} is in time or late depending on them; the last day "
        f"is {first}, {last}",
        f"{done.isoformat()}的行为是否逾期取决于该年度的安排;期限的最后一日{first_zh},{last_zh}",
    )


def date_that_matters(rule: RuleIR, subject: Any, as_of: dt.date) -> dt.date:
    """The date a rule judges the subject on: its ``dated_by`` value, else the as-of date."""
    if rule.dated_by is None:
        return as_of
    day = eval_expr(rule.dated_by, (subject,), as_of)
    return day if day is not None else as_of


def evaluate_rule(rule: RuleIR, subject: Any, as_of: dt.date) -> Outcome:
    """The outcome of one rule on one subject."""
    try:
        return _evaluate(rule, subject, as_of)
    except CalendarGap:
        return Outcome.UNDETERMINED


def undetermined_reason(rule: RuleIR, subject: Any, as_of: dt.date) -> str | None:
    """Why a rule could not be decided on this subject (``None`` if it can be)."""
    gap = undetermined_gap(rule, subject, as_of)
    return None if gap is None else str(gap)


def undetermined_gap(rule: RuleIR, subject: Any, as_of: dt.date) -> CalendarGap | None:
    """The gap in the calendar that leaves a rule undecided on this subject, which says why
    in English (``str``) and Chinese (``zh``); ``None`` if it can be decided."""
    try:
        _evaluate(rule, subject, as_of)
    except CalendarGap as gap:
        return gap
    return None


def _evaluate(rule: RuleIR, subject: Any, as_of: dt.date) -> Outcome:
    scopes = (subject,)
    on = date_that_matters(rule, subject, as_of)
    if rule.in_force_from is not None and on < rule.in_force_from:
        return Outcome.NOT_IN_FORCE
    if rule.when is not None and not eval_cond(rule.when, scopes, as_of, on):
        return Outcome.NOT_APPLICABLE
    if isinstance(rule.requires, Deadline):
        return deadline_facts(rule.requires, scopes, as_of, on).outcome
    if eval_cond(rule.requires, scopes, as_of, on):
        return Outcome.SATISFIED
    if rule.open_while is not None and eval_cond(rule.open_while, scopes, as_of, on):
        return Outcome.PENDING
    return Outcome.VIOLATED
