"""Which subjects a clock advance wakes: those whose verdict under a rule reading ``@as_of``
the new date can change (``Wakes``), without looking at the others.

A rule comparing the date with a day of the subject (第八条's acceptance, owed from
completion), or of each item of a list (Wuhan 第十五条's 24 hours from each case found: a day
computed from the item's), wakes a subject once the clock reaches (or passes by a day) that day,
counted from the subject's last evaluation; a rule reading only the year of the date (Hohhot
第四条's funds of the year that has ended) wakes it on the next 1 January. A rule reading the
date any other way wakes, on every day the clock passes, every subject of its kind (inside a
list's items: the subjects with items in it), so that each is judged on the day its verdict
turns, not on the day the clock stops. Each evaluation of a subject files it under what can
wake it (``Wakes.evaluated``), so an advance reads only the subjects filed for it
(``Wakes.due_by_date``), not every subject of the kind.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Sequence

from egovrules.backends.durable import path_value, walk_ir
from egovrules.ir.conditions import kind_of
from egovrules.ir.interpret import eval_expr
from egovrules.ir.nodes import (
    Annual,
    AsOf,
    Compare,
    DayOf,
    Deadline,
    Every,
    Expr,
    Extremum,
    Field,
    Node,
    RuleIR,
    Shift,
    Some,
    YearOf,
    children,
)
from egovrules.law.calendar import CalendarGap
from egovrules.packdata.operators import FLIP
from egovrules.subjects import Subject

__all__ = ["ClockUse", "Wakes", "clock_use", "reads_as_of"]

Path = tuple[str, ...]
DayUse = tuple[Path, Expr, int, Expr | None]
"""A day the date is compared with: ``(list, day, shift, dated_by)``, the expression ``day``
read on the subject (``list`` empty) or on each item of the subject's ``list`` (an approval
given by the as-of date: ``present`` of the item's date), the verdict turning ``shift`` days
after it; ``dated_by`` is the rule's, whose day a versioned parameter in ``day`` is read on.
``NEW_YEAR`` as the expression: the next 1 January (the year of the date read)."""
ClockUse = tuple[tuple[Path, ...], tuple[DayUse, ...]] | None
"""Where a rule reads ``@as_of``: inside the items of these lists of the subject (read any
other way there), compared with these days; ``None``: somewhere else."""

NEW_YEAR: Expr = YearOf(AsOf())  # the year of the evaluation date: it turns on 1 January


def reads_as_of(rule: RuleIR) -> bool:
    """True when the rule's conditions read ``@as_of``, or it is a deadline: its act and the
    act it runs from count from their days on (an act dated after the evaluation date has not
    happened on it), so a subject whose start is still to come is woken on that day, when its
    period begins and its timer can be set."""
    return isinstance(rule.requires, Deadline) or walk_ir(
        (rule.when, rule.requires, rule.open_while, rule.dated_by), lambda n: isinstance(n, AsOf)
    )


def clock_use(rule: RuleIR) -> ClockUse:
    """Where the rule reads ``@as_of``: the subject's lists inside whose items it does, and
    the subject's dates it compares the date with (``None``: somewhere else)."""
    lists: set[Path] = set()
    dates: set[DayUse] = set()  # (list, day, days after it that the verdict turns, dated_by)
    dated_by = rule.dated_by

    def visit(node: Node, within: tuple[Path, int] | None) -> bool:
        """False when ``node`` reads the date some other way."""
        if isinstance(node, (Some, Every)) and node.field.scope == 0 and within is None:
            within = (node.field.path, node.item_scope)
        elif isinstance(node, Extremum) and node.field.scope == 0 and within is None:
            within = (node.field.path, -1)  # no field of its items is read as one item's
        if node == NEW_YEAR:
            dates.add(((), NEW_YEAR, 0, None))
            return True
        if isinstance(node, AsOf):
            if within is None:
                return False
            lists.add(within[0])
            return True
        if isinstance(node, Compare):
            sides = (node.left, node.right)
            other = sides[1] if isinstance(sides[0], AsOf) else sides[0]
            if any(isinstance(x, AsOf) for x in sides) and not isinstance(other, AsOf):
                op = node.op if isinstance(node.right, AsOf) else FLIP.get(node.op, node.op)
                turns = _TURNS.get(op, (0, 1))
                if _is_day(other, (0,)):
                    dates.update(((), other, k, dated_by) for k in turns)
                    return True
                if within is not None and within[1] == 1 and _is_day(other, (0, 1)):
                    dates.update((within[0], other, k, dated_by) for k in turns)  # each item's
                    return True
                if within is None:
                    return False
        return all(visit(child, within) for child in children(node))

    roots = (rule.when, rule.requires, rule.open_while, rule.dated_by)
    if not all(visit(root, None) for root in roots if root is not None):
        return None
    if isinstance(rule.requires, Deadline):
        for act in (rule.requires.start, rule.requires.done):
            day = None if act is None else _day_field(act)
            if act is not None and (day is None or day.scope != 0):
                return None  # an act computed from others: every subject of the kind
            if day is not None:
                dates.add(((), day, 0, None))  # done or begun from its day on
    return tuple(sorted(lists)), tuple(dates)


# For ``date OP @as_of``: how many days after the date the comparison turns (on the day itself
# for ``le`` and ``gt``, the day after for ``lt`` and ``ge``, both for ``eq`` and ``ne``).
_TURNS: dict[str, tuple[int, ...]] = {"le": (0,), "gt": (0,), "lt": (1,), "ge": (1,)}


def _plus(day: dt.date, days: int) -> dt.date | None:
    """``day`` and ``days`` more (None past the calendar's last day)."""
    return day + dt.timedelta(days=days) if days == 0 or day < dt.date.max else None


def _day_field(e: Node) -> Field | None:
    """The field whose day ``e`` is: a date field, or the day of a date-time field (what
    ``present`` of a date or date-time compares with the as-of date)."""
    if isinstance(e, DayOf):
        e = e.moment
    if isinstance(e, Field) and kind_of(e) in ("date", "datetime"):
        return e
    return None


def _is_day(e: Expr, scopes: tuple[int, ...]) -> bool:
    """Whether ``e`` is a day computed from fields of these scopes alone (and constants and
    parameters): a date field, the day of a date-time, a date moved by an amount, an annual
    date; so the day a comparison of it with the evaluation date turns is known."""
    if _day_field(e) is None and not isinstance(e, (Shift, Annual)):
        return False

    def plain(node: Node) -> bool:
        if isinstance(node, Field):
            return node.scope in scopes
        if isinstance(node, (AsOf, Some, Every, Extremum)):
            return False
        return all(plain(child) for child in children(node))

    return plain(e)


def _days(subject: Subject, use: DayUse, on: dt.date) -> Iterable[dt.date]:
    """The days ``use`` reads of ``subject`` evaluated on ``on``: one, or one per item of its
    list; a date-time's day is its own (China time, as every date-time is held). A day not
    known (a null field, a working day in a year the calendar does not cover) is none."""
    path, day, _, dated_by = use
    if day == NEW_YEAR:
        if on.year < dt.MAXYEAR:
            yield dt.date(on.year + 1, 1, 1)
        return
    if isinstance(day, Field) and not path:  # the common case, read directly
        value = path_value(subject, day.path)
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            yield value
        return
    matters = on if dated_by is None else eval_expr(dated_by, (subject,), on) or on
    scopes = [(subject, item) for item in path_value(subject, path) or ()] if path else [(subject,)]
    for scope in scopes:
        try:
            value = eval_expr(day, scope, on, matters)
        except (CalendarGap, OverflowError):
            continue
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            yield value


class Wakes:
    """The subjects the next clock advances wake, filed as they are evaluated.

    A subject is filed when it is evaluated (``evaluated``) and when it is known but not yet
    evaluated (``unevaluated``: restored from a snapshot); ``next_day`` gives the next day
    the clock wakes one on, and ``due_by_date(day)`` the ids it wakes then. Only subjects of a
    kind some rule of which reads the date are filed: the kinds of ``rules``.
    """

    def __init__(self, rules: Iterable[RuleIR]) -> None:
        uses: dict[str, list[ClockUse]] = {}
        for rule in rules:
            if reads_as_of(rule):
                uses.setdefault(rule.subject, []).append(clock_use(rule))
        self.kinds = frozenset(uses)
        self._every = frozenset(k for k, u in uses.items() if None in u)  # wake the whole kind
        self._lists = {
            k: tuple({p for use in u if use is not None for p in use[0]}) for k, u in uses.items()
        }
        self._dates = {
            k: tuple({p for use in u if use is not None for p in use[1]}) for k, u in uses.items()
        }
        self._always: dict[str, None] = {}  # ids woken on every day (ordered sets)
        self._on: dict[str, dt.date] = {}  # id -> the day the clock first wakes it on
        self._heap: list[tuple[dt.date, str]] = []  # (day, id), stale entries skipped

    def unevaluated(self, subject: Subject) -> None:
        """File a subject known but never evaluated: the next day the clock passes wakes it."""
        if subject.kind in self.kinds:
            self._always[subject.id] = None
            self._on.pop(subject.id, None)

    def evaluated(self, subject: Subject, on: dt.date) -> None:
        """File a subject just evaluated on ``on``, under what can change its verdict next."""
        kind, sid = subject.kind, subject.id
        if kind not in self.kinds:
            return
        previous = self._on.pop(sid, None)
        if kind in self._every or any(path_value(subject, p) for p in self._lists[kind]):
            self._always[sid] = None
            return
        self._always.pop(sid, None)
        # The next day the verdict can change: the day a comparison of a date of the subject
        # with the evaluation date turns, after the day of this evaluation.
        days = [
            turn
            for use in self._dates[kind]
            for day in _days(subject, use, on)
            if day >= on and (turn := _plus(day, use[2])) is not None and turn > on
        ]
        if days:
            first = self._on[sid] = min(days)
            if first != previous:  # else its entry is in the heap already
                heapq.heappush(self._heap, (first, sid))
                if len(self._heap) > 2 * len(self._on) + 64:
                    # Entries a later evaluation moved are dropped only when their day comes:
                    # a heap of subjects whose dates keep moving is rebuilt from the filing.
                    self._heap = [(day, key) for key, day in self._on.items()]
                    heapq.heapify(self._heap)

    def next_day(self, after: dt.date) -> dt.date | None:
        """The earliest day after ``after`` (the clock) a subject is woken on: the next day
        when some subject's verdict can change on any day (None: none is woken)."""
        if self._always:
            return _plus(after, 1)
        heap = self._heap
        while heap and self._on.get(heap[0][1]) != heap[0][0]:
            heapq.heappop(heap)  # moved by a later evaluation
        return heap[0][0] if heap else None

    def due_by_date(self, day: dt.date) -> Sequence[str]:
        """The ids a clock reaching ``day`` (the next day after the last it reached, or a
        later one that ``next_day`` gave) wakes, in no particular order: those filed for
        ``day`` or before, unfiled, and those woken on every day. A clock moving past several
        days so evaluates each subject on the day its verdict can change (a deadline's period
        begins, its timer is set, a case's 24 hours are over), not on the day it stops."""
        woken = [*self._always]
        heap = self._heap
        while heap and heap[0][0] <= day:
            filed, sid = heapq.heappop(heap)
            if self._on.get(sid) == filed:
                del self._on[sid]
                woken.append(sid)
        return woken
