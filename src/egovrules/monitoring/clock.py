"""Which subjects a clock advance wakes: those whose verdict under a rule reading ``@as_of``
the new date can change (``Wakes``), without looking at the others.

A rule reading the date inside a list's items (Wuhan 第十五条's 24 hours for each case found)
wakes, on every advance, the subjects with items in that list; a rule comparing the date with
a date of the subject (第八条's acceptance, owed from completion) wakes a subject once the clock
reaches (or passes by a day) that date, counted from the subject's last evaluation; a rule
reading the date any other way wakes every subject of its kind. Each evaluation of a subject
files it under what can wake it (``Wakes.evaluated``), so an advance reads only the subjects
filed for it (``Wakes.due``), not every subject of the kind.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Sequence

from egovrules.backends.durable import path_value, walk_ir
from egovrules.ir.conditions import kind_of
from egovrules.ir.nodes import (
    AsOf,
    Compare,
    DayOf,
    Deadline,
    Every,
    Extremum,
    Field,
    Node,
    RuleIR,
    Some,
    children,
)
from egovrules.packdata.operators import FLIP
from egovrules.subjects import Subject

__all__ = ["ClockUse", "Wakes", "clock_use", "reads_as_of"]

Path = tuple[str, ...]
ClockUse = tuple[tuple[Path, ...], tuple[tuple[Path, int], ...]] | None
"""Where a rule reads ``@as_of``: inside the items of these lists of the subject, compared
with these dates of the subject; ``None``: somewhere else. A date of a list's items compared
with it (an approval given by the as-of date: ``present`` of the item's date) is a date of
the subject too, written ``(list, "[]", field...)``: each item's day counts."""

ITEMS = "[]"  # in a path of ``ClockUse``'s dates: each item of the list before it


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
    dates: set[tuple[Path, int]] = set()  # (path, days after its day that the verdict turns)

    def visit(node: Node, within: tuple[Path, int] | None) -> bool:
        """False when ``node`` reads the date some other way."""
        if isinstance(node, (Some, Every)) and node.field.scope == 0 and within is None:
            within = (node.field.path, node.item_scope)
        elif isinstance(node, Extremum) and node.field.scope == 0 and within is None:
            within = (node.field.path, -1)  # no field of its items is read as one item's
        if isinstance(node, AsOf):
            if within is None:
                return False
            lists.add(within[0])
            return True
        if isinstance(node, Compare):
            sides = (node.left, node.right)
            other = sides[1] if isinstance(sides[0], AsOf) else sides[0]
            if any(isinstance(x, AsOf) for x in sides) and not isinstance(other, AsOf):
                day = _day_field(other)
                op = node.op if isinstance(node.right, AsOf) else FLIP.get(node.op, node.op)
                turns = _TURNS.get(op, (0, 1))
                if day is not None and day.scope == 0:
                    dates.update((day.path, k) for k in turns)
                    return True
                if day is not None and within is not None and day.scope == within[1]:
                    path = (*within[0], ITEMS, *day.path)  # each item's own day
                    dates.update((path, k) for k in turns)
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
                dates.add((day.path, 0))  # done or begun from its day on
    return tuple(sorted(lists)), tuple(sorted(dates))


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


def _days(subject: Subject, path: Path) -> Iterable[dt.date]:
    """The days at ``path`` of ``subject``: one, or one per item past an ``ITEMS`` step; a
    date-time's day is its own (China time, as every date-time is held)."""
    if ITEMS in path:
        cut = path.index(ITEMS)
        for item in path_value(subject, path[:cut]) or ():
            yield from _days(item, path[cut + 1 :])
        return
    value = path_value(subject, path)
    if isinstance(value, dt.datetime):
        yield value.date()
    elif isinstance(value, dt.date):
        yield value


class Wakes:
    """The subjects the next clock advances wake, filed as they are evaluated.

    A subject is filed when it is evaluated (``evaluated``) and when it is known but not yet
    evaluated (``unevaluated``: restored from a snapshot), and ``due(when)`` gives the ids of
    those an advance to ``when`` wakes. Only subjects of a kind some rule of which reads the
    date are filed: the kinds of ``rules``.
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
        self._always: dict[str, None] = {}  # ids woken by every advance (ordered sets)
        self._on: dict[str, dt.date] = {}  # id -> the day the clock first wakes it on
        self._heap: list[tuple[dt.date, str]] = []  # (day, id), stale entries skipped

    def unevaluated(self, subject: Subject) -> None:
        """File a subject known but never evaluated: the next advance wakes it."""
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
            for path, shift in self._dates[kind]
            for day in _days(subject, path)
            if day >= on and (turn := _plus(day, shift)) is not None and turn > on
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

    def next_day(self) -> dt.date | None:
        """The earliest day a subject filed by date is woken on (None: none is)."""
        heap = self._heap
        while heap and self._on.get(heap[0][1]) != heap[0][0]:
            heapq.heappop(heap)  # moved by a later evaluation
        return heap[0][0] if heap else None

    def due_by_date(self, day: dt.date) -> list[str]:
        """The ids filed for ``day`` or before, unfiled: a clock moving past several days
        evaluates each subject on the day its verdict can change (a deadline's period begins,
        its timer is set), not on the day the clock stops."""
        woken = []
        heap = self._heap
        while heap and heap[0][0] <= day:
            filed, sid = heapq.heappop(heap)
            if self._on.get(sid) == filed:
                del self._on[sid]
                woken.append(sid)
        return woken

    def due(self, when: dt.date) -> Sequence[str]:
        """The ids an advance of the clock to ``when`` wakes (a later date than every
        evaluation's), in no particular order; those filed by date are unfiled."""
        return [*self._always, *self.due_by_date(when)]
