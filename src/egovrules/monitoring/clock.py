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
from egovrules.ir.nodes import AsOf, Compare, Every, Extremum, Field, Node, RuleIR, Some, children
from egovrules.subjects import Subject

__all__ = ["ClockUse", "Wakes", "clock_use", "reads_as_of"]

Path = tuple[str, ...]
ClockUse = tuple[tuple[Path, ...], tuple[Path, ...]] | None
"""Where a rule reads ``@as_of``: inside the items of these lists of the subject, compared
with these dates of the subject; ``None``: somewhere else."""


def reads_as_of(rule: RuleIR) -> bool:
    """True when the rule's conditions (beyond a deadline's own clock) read ``@as_of``."""
    return walk_ir(
        (rule.when, rule.requires, rule.open_while, rule.dated_by), lambda n: isinstance(n, AsOf)
    )


def clock_use(rule: RuleIR) -> ClockUse:
    """Where the rule reads ``@as_of``: the subject's lists inside whose items it does, and
    the subject's dates it compares the date with (``None``: somewhere else)."""
    lists: set[Path] = set()
    dates: set[Path] = set()

    def visit(node: Node, within: Path | None) -> bool:
        """False when ``node`` reads the date some other way."""
        if isinstance(node, (Some, Every, Extremum)) and node.field.scope == 0 and within is None:
            within = node.field.path
        if isinstance(node, AsOf):
            if within is None:
                return False
            lists.add(within)
            return True
        if isinstance(node, Compare) and within is None:
            sides = (node.left, node.right)
            other = sides[1] if isinstance(sides[0], AsOf) else sides[0]
            if any(isinstance(x, AsOf) for x in sides) and not isinstance(other, AsOf):
                if isinstance(other, Field) and other.scope == 0 and kind_of(other) == "date":
                    dates.add(other.path)
                    return True
                return False
        return all(visit(child, within) for child in children(node))

    roots = (rule.when, rule.requires, rule.open_while, rule.dated_by)
    if not all(visit(root, None) for root in roots if root is not None):
        return None
    return tuple(sorted(lists)), tuple(sorted(dates))


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
        days = [
            day
            for path in self._dates[kind]
            if isinstance(day := path_value(subject, path), dt.date) and day >= on
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

    def due(self, when: dt.date) -> Sequence[str]:
        """The ids an advance of the clock to ``when`` wakes (a later date than every
        evaluation's), in no particular order; those filed by date are unfiled."""
        woken = list(self._always)
        heap = self._heap
        while heap and heap[0][0] <= when:
            day, sid = heapq.heappop(heap)
            if self._on.get(sid) == day:
                del self._on[sid]
                woken.append(sid)
        return woken
