"""The rule IR as z3 formulas: what a rule's outcomes mean, for one subject and one as-of date.

The encoding follows the reference semantics (``egovrules.ir.interpret``) and is **sound for
unsatisfiability**: every subject, date and outcome the interpreter can produce is a model of
the formulas, so "unsat" proves that no subject exists. Where the encoding is looser than the
interpreter (a relaxation), a model may describe a subject that cannot exist, so a "sat" answer
is only a candidate: the analysis turns it into a real subject and runs it through the Python
backend before it claims anything (``analysis.witness``). Where the encoding cannot follow a
node at all, it raises ``Unsupported`` and the analysis says "not proved".

What is exact and what is relaxed:

- dates are their proleptic ordinals (as ``FarDate`` counts them), so calendar-day shifts,
  days between, the year of a date and an annual month-day are exact, past 9999 too; a
  date-time is its seconds since 1970 (China wall-clock), so the day of a date-time is exact;
- a shift by months or years is only bounded (28·n−3 … 31·n days; 365·n−1 … 366·n days), and a
  shift by working days only from below (n working days take at least n calendar days);
- a rule whose conditions count working days without the weekday fallback may be
  ``undetermined`` (``CalendarGap``) for any subject: a free boolean per rule says so;
- lists of records hold only the items the formula asks about (one per "some item" in the
  formula, and one more standing for any others), and every "each item" condition binds them
  all, which is exact for satisfiability;
- sets of strings are the strings the formula names plus one "other" member;
- decimal division is exact rational division (``Decimal``'s 28-digit rounding is ignored);
- a relaxed value is one fresh variable per expression and item, however often it is read;
- the earliest (latest) date of a list is exact: one fresh item of the list carries it, and
  every selected, dated item is on or after (before) it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import z3

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
    walk,
)
from egovrules.subjects.paths import FieldType

__all__ = ["Encoder", "Instance", "ListCell", "Unsupported", "rule_nodes", "uses_working_days"]

MAX_DAY = dt.date.max.toordinal()
_EPOCH = dt.datetime(1970, 1, 1)
_CUMULATIVE = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


class Unsupported(Exception):
    """A node the encoding cannot follow: the analysis says "not proved"."""


@dataclasses.dataclass(slots=True)
class Instance:
    """A record the formula talks about: the subject, or an item of one of its lists."""

    key: str
    model: Any


@dataclasses.dataclass(slots=True)
class ListCell:
    """A list of records of one instance: the items the formula created, each with a boolean
    saying whether it exists, and an extra item standing for every other item."""

    owner: Instance
    path: tuple[str, ...]
    ftype: FieldType
    present: z3.BoolRef
    items: list[tuple[Instance, z3.BoolRef]]
    extra: tuple[Instance, z3.BoolRef] | None = None
    length: z3.ArithRef | None = None


@dataclasses.dataclass(slots=True)
class SetCell:
    """A set of strings: a boolean per string the formula names, and one for any other."""

    present: z3.BoolRef
    members: dict[str, z3.BoolRef]
    other: z3.BoolRef
    choices: tuple[str, ...] | None
    length: z3.ArithRef | None = None
    symbolic: list[tuple[z3.SeqRef, z3.BoolRef]] = dataclasses.field(default_factory=list)
    """Membership of strings that are not literals (``x in set`` for a field ``x``): a flag
    each, made consistent with the named members and with each other in ``finish``."""


@dataclasses.dataclass(frozen=True, slots=True)
class _Val:
    """An expression's value: whether it is present, and the term (or Python constants for a
    literal collection, or a cell for a list or a set)."""

    present: z3.BoolRef
    term: Any
    kind: str


@dataclasses.dataclass(slots=True)
class _Every:
    cell: ListCell
    guard: z3.BoolRef
    body: Callable[[Instance], z3.BoolRef]
    done: int = 0


def uses_working_days(rule: RuleIR) -> bool:
    """True when the rule counts working days without the weekday fallback: its outcome may
    then be ``undetermined`` past the holiday calendar."""
    for node in rule_nodes(rule):
        if isinstance(node, Shift) and node.unit == "working_days" and not node.weekday_fallback:
            return True
    return False


def rule_nodes(rule: RuleIR) -> Iterator[Any]:
    """Every node of the rule's ``when``, ``requires``, ``open_while`` and ``dated_by``."""
    for top in (rule.when, rule.requires, rule.open_while, rule.dated_by):
        if top is not None:
            yield from walk(top)


class Encoder:
    """Builds the formulas of one query over one subject and one as-of date; every rule
    encoded with the same encoder talks about the same subject."""

    def __init__(self, subject_model: Any) -> None:
        self.root = Instance("s", subject_model)
        self.as_of = z3.Int("as_of")
        self.side: list[z3.BoolRef] = [self.as_of >= 1, self.as_of <= MAX_DAY]
        self.scalars: dict[tuple[str, tuple[str, ...]], tuple[z3.ExprRef, FieldType]] = {}
        self.presence: dict[tuple[str, tuple[str, ...]], z3.BoolRef] = {}
        self.lists: dict[tuple[str, tuple[str, ...]], ListCell] = {}
        self.sets: dict[tuple[str, tuple[str, ...]], SetCell] = {}
        self.gaps: dict[str, z3.BoolRef] = {}
        self._everys: list[_Every] = []
        self._shifts: dict[tuple[Any, ...], _Val] = {}
        self._extrema: dict[tuple[Any, ...], _Val] = {}
        self._fresh = 0
        self._items = 0

    # ---- rule outcomes ------------------------------------------------------------------

    def applies(self, rule: RuleIR, positive: bool = True) -> z3.BoolRef:
        """The rule is in force, decidable and its ``when`` holds (or, negated, not)."""
        on = self._on(rule)
        in_force: z3.BoolRef = (
            z3.BoolVal(True) if rule.in_force_from is None else on >= rule.in_force_from.toordinal()
        )
        gap = self._gap(rule)
        scopes = (self.root,)
        if positive:
            when = z3.BoolVal(True) if rule.when is None else self.cond(rule.when, scopes, on, True)
            return z3.And(z3.Not(gap), in_force, when)
        when = z3.BoolVal(False) if rule.when is None else self.cond(rule.when, scopes, on, False)
        return z3.Or(gap, z3.Not(in_force), when)

    def when_only(self, rule: RuleIR) -> z3.BoolRef:
        """The rule's ``when`` alone (ignoring the effective date and the calendar)."""
        if rule.when is None:
            return z3.BoolVal(True)
        return self.cond(rule.when, (self.root,), self._on(rule), True)

    def satisfied(self, rule: RuleIR, positive: bool = True) -> z3.BoolRef:
        """The rule applies and its requirement is met (or, negated, not)."""
        return self._outcome(rule, met=True, positive=positive)

    def violated(self, rule: RuleIR, positive: bool = True) -> z3.BoolRef:
        """The rule applies and its requirement is broken (or, negated, not)."""
        return self._outcome(rule, met=False, positive=positive)

    def unmet(self, rule: RuleIR) -> z3.BoolRef:
        """The rule applies and its requirement is not met: violated, or pending in one of
        the rule's ``pending`` cases or with a deadline's period running (its act not done
        by the as-of date, the last day not passed): what ``pack.check`` reports."""
        on = self._on(rule)
        if isinstance(rule.requires, Deadline):
            met = self._deadline(rule.requires, (self.root,), on, True)
            return z3.And(self.applies(rule, True), z3.Not(met))
        if rule.open_while is None:
            return self.violated(rule)
        return z3.And(self.applies(rule, True), self.cond(rule.requires, (self.root,), on, False))

    def _outcome(self, rule: RuleIR, *, met: bool, positive: bool) -> z3.BoolRef:
        on = self._on(rule)
        scopes = (self.root,)
        if isinstance(rule.requires, Deadline):
            req = self._deadline(rule.requires, scopes, on, met)
            return (
                z3.And(self.applies(rule, True), req)
                if positive
                else z3.Or(self.applies(rule, False), z3.Not(req))
            )
        open_ = rule.open_while
        if met or open_ is None:
            if positive:
                return z3.And(self.applies(rule, True), self.cond(rule.requires, scopes, on, met))
            return z3.Or(self.applies(rule, False), self.cond(rule.requires, scopes, on, not met))
        # Broken only when no ``pending`` case holds: an unmet obligation still open is pending.
        if positive:
            return z3.And(
                self.applies(rule, True),
                self.cond(rule.requires, scopes, on, False),
                self.cond(open_, scopes, on, False),
            )
        return z3.Or(
            self.applies(rule, False),
            self.cond(rule.requires, scopes, on, True),
            self.cond(open_, scopes, on, True),
        )

    def _deadline(
        self, d: Deadline, scopes: tuple[Instance, ...], on: z3.ArithRef, met: bool
    ) -> z3.BoolRef:
        due = self.expr(d.due, scopes, on)
        done = self.expr(d.done, scopes, on)
        # An act dated after the evaluation date is not done yet (ir.interpret.act_by).
        done_by = z3.And(done.present, done.term <= self.as_of)
        if met:
            met_by = [z3.Not(due.present), z3.And(done_by, done.term <= due.term)]
            if d.start is not None:  # a period from an act after the as-of date: not begun
                start = self.expr(d.start, scopes, on)
                met_by.append(z3.And(start.present, start.term > self.as_of))
            return z3.Or(*met_by)
        late_done = z3.And(done_by, done.term > due.term)
        late_open = z3.And(z3.Not(done_by), self.as_of > due.term)
        return z3.And(due.present, z3.Or(late_done, late_open))

    def _on(self, rule: RuleIR) -> z3.ArithRef:
        if rule.dated_by is None:
            return self.as_of
        v = self.expr(rule.dated_by, (self.root,), self.as_of)
        return z3.If(v.present, v.term, self.as_of)

    def _gap(self, rule: RuleIR) -> z3.BoolRef:
        if not uses_working_days(rule):
            return z3.BoolVal(False)
        if rule.id not in self.gaps:
            self.gaps[rule.id] = z3.Bool(f"gap:{rule.id}")
        return self.gaps[rule.id]

    # ---- conditions -----------------------------------------------------------------------

    def cond(
        self, c: Cond, scopes: tuple[Instance, ...], on: z3.ArithRef, positive: bool
    ) -> z3.BoolRef:
        """``c`` (``positive``) or its negation, in negation normal form: a "some item" gets a
        fresh item and an "each item" binds every item of its list (see ``finish``)."""
        match c:
            case All(items=items):
                parts = [self.cond(i, scopes, on, positive) for i in items]
                return z3.And(*parts) if positive else z3.Or(*parts)
            case AnyOf(items=items):
                parts = [self.cond(i, scopes, on, positive) for i in items]
                return z3.Or(*parts) if positive else z3.And(*parts)
            case Not(item=item):
                return self.cond(item, scopes, on, not positive)
            case Present(expr=e):
                atom = self._present(e, scopes, on)
                return atom if positive else z3.Not(atom)
            case Compare():
                atom = self._compare(c, scopes, on)
                return atom if positive else z3.Not(atom)
            case Some(field=f, item_scope=n, where=where):
                cell = self.list_cell(f, scopes)
                if positive:  # an item exists that satisfies ``where``
                    found, exists = self._new_item(cell)
                    inside = (*scopes[:n], found)
                    body = z3.BoolVal(True) if where is None else self.cond(where, inside, on, True)
                    return z3.And(exists, body)
                # no item satisfies ``where``
                return self._each(
                    cell,
                    lambda it: (
                        z3.BoolVal(False)
                        if where is None
                        else self.cond(where, (*scopes[:n], it), on, False)
                    ),
                )
            case Every(field=f, item_scope=n, where=where, require=require):
                cell = self.list_cell(f, scopes)
                if positive:

                    def body(it: Instance) -> z3.BoolRef:
                        inner = (*scopes[:n], it)
                        ok = self.cond(require, inner, on, True)
                        return (
                            ok if where is None else z3.Or(self.cond(where, inner, on, False), ok)
                        )

                    return self._each(cell, body)
                breach, exists = self._new_item(cell)
                at = (*scopes[:n], breach)
                sel = z3.BoolVal(True) if where is None else self.cond(where, at, on, True)
                return z3.And(exists, sel, self.cond(require, at, on, False))
            case _:
                raise Unsupported(f"condition {type(c).__name__}")

    def _each(self, cell: ListCell, body: Callable[[Instance], z3.BoolRef]) -> z3.BoolRef:
        guard = self._bool("each")
        self._everys.append(_Every(cell, guard, body))
        return guard

    def finish(self) -> list[z3.BoolRef]:
        """Bind every "each item" condition to every item its list ended up with, and close
        the lists' and sets' lengths; returns all side constraints of the query."""
        progress = True
        while progress:
            progress = False
            for ev in list(self._everys):
                members = self._members(ev.cell)
                while ev.done < len(members):
                    it, exists = members[ev.done]
                    ev.done += 1
                    self.side.append(z3.Implies(z3.And(ev.guard, exists), ev.body(it)))
                    progress = True
                    members = self._members(ev.cell)
        for cell in self.lists.values():
            members = self._members(cell)
            any_item = z3.Or(*[e for _, e in members]) if members else z3.BoolVal(False)
            self.side.append(z3.Implies(any_item, cell.present))
            if cell.length is not None:
                count = z3.Sum(*[z3.If(e, 1, 0) for _, e in members]) if members else z3.IntVal(0)
                self.side.append(cell.length >= count)
                self.side.append(z3.Implies(cell.length == 0, z3.Not(any_item)))
                extra = cell.extra[1] if cell.extra is not None else z3.BoolVal(False)
                self.side.append(z3.Implies(cell.length > count, extra))
        for s in self.sets.values():
            for i, (x, fx) in enumerate(s.symbolic):
                for name, flag in s.members.items():
                    self.side.append(z3.Implies(x == z3.StringVal(name), fx == flag))
                for y, fy in s.symbolic[i + 1 :]:
                    self.side.append(z3.Implies(x == y, fx == fy))
                if s.choices is not None:
                    self.side.append(
                        z3.Implies(fx, z3.Or(*[x == z3.StringVal(c) for c in s.choices]))
                    )
            flags = [*s.members.values(), *(f for _, f in s.symbolic), s.other]
            if s.choices is not None and set(s.choices) <= set(s.members):
                self.side.append(z3.Not(s.other))
            self.side.append(z3.Implies(z3.Or(*flags), s.present))
            if s.length is not None:
                # symbolic members may coincide with named ones: only bound the length
                named = z3.Sum(*[z3.If(b, 1, 0) for b in s.members.values()], z3.IntVal(0))
                self.side.append(s.length >= named)
                self.side.append((s.length == 0) == z3.Not(z3.Or(*flags)))
        return self.side

    def _members(self, cell: ListCell) -> list[tuple[Instance, z3.BoolRef]]:
        return [*cell.items, *([cell.extra] if cell.extra is not None else [])]

    # ---- atoms ------------------------------------------------------------------------------

    def _present(self, e: Expr, scopes: tuple[Instance, ...], on: z3.ArithRef) -> z3.BoolRef:
        if isinstance(e, Field) and e.type.kind == "list":
            cell = self.list_cell(e, scopes)
            return self._nonempty(cell)
        if isinstance(e, Field) and e.type.kind == "record":
            return self._path_present(scopes[e.scope], e)
        v = self.expr(e, scopes, on)
        if v.kind == "set":
            s: SetCell = v.term
            return z3.And(
                s.present, z3.Or(*s.members.values(), *(f for _, f in s.symbolic), s.other)
            )
        if v.kind == "str":
            return z3.And(v.present, z3.Length(v.term) > 0)
        return v.present

    def _nonempty(self, cell: ListCell) -> z3.BoolRef:
        if cell.extra is None:
            cell.extra = self._item(cell, "x")
        return z3.Or(*[e for _, e in self._members(cell)])

    def _compare(self, c: Compare, scopes: tuple[Instance, ...], on: z3.ArithRef) -> z3.BoolRef:
        left = self.expr(c.left, scopes, on)
        if isinstance(c.right, Const) and c.right.value is None:
            return z3.Not(left.present) if c.op == "eq" else left.present
        right = self.expr(c.right, scopes, on)
        both = z3.And(left.present, right.present)
        match c.op:
            case "eq" | "ne" | "lt" | "le" | "gt" | "ge":
                a, b = _unify(left, right, c.op)
                rel = {
                    "eq": lambda: a == b,
                    "ne": lambda: a != b,
                    "lt": lambda: a < b,
                    "le": lambda: a <= b,
                    "gt": lambda: a > b,
                    "ge": lambda: a >= b,
                }[c.op]()
                return z3.And(both, rel)
            case "in" | "not_in":
                if right.kind != "consts":
                    raise Unsupported("membership in a field")
                hits = [_eq_const(left, v) for v in right.term]
                rel = z3.Or(*hits) if c.op == "in" else z3.And(*[z3.Not(h) for h in hits])
                return z3.And(both, rel)
            case "contains" | "contains_all":
                if left.kind == "set":
                    s: SetCell = left.term
                    if c.op == "contains":
                        if right.kind != "str":
                            raise Unsupported(f"a set containing a {right.kind}")
                        if z3.is_string_value(right.term):
                            return z3.And(both, self._member(s, right.term.as_string()))
                        flag = self._bool("has")
                        s.symbolic.append((right.term, flag))
                        return z3.And(both, flag)
                    if right.kind != "consts":
                        raise Unsupported("contains_all of a field")
                    return z3.And(both, *[self._member(s, str(v)) for v in right.term])
                if left.kind == "str" and c.op == "contains" and right.kind == "str":
                    return z3.And(both, z3.Contains(left.term, right.term))
                raise Unsupported(f"{c.op} on {left.kind}")
        raise Unsupported(f"operator {c.op}")

    def _member(self, s: SetCell, value: str) -> z3.BoolRef:
        if s.choices is not None and value not in s.choices:
            return z3.BoolVal(False)
        if value not in s.members:
            s.members[value] = self._bool(f"has:{value}")
        return s.members[value]

    # ---- expressions ---------------------------------------------------------------------

    def expr(self, e: Expr, scopes: tuple[Instance, ...], on: z3.ArithRef) -> _Val:
        """The value of an expression."""
        yes = z3.BoolVal(True)
        match e:
            case Param(versions=versions) if versions:
                return self._versioned(versions, e.unit, on)
            case Const(value=v) | Param(value=v):
                return _const(v)
            case AsOf():
                return _Val(yes, self.as_of, "date")
            case Field():
                return self.field(e, scopes)
            case Len(field=f):
                if f.type.kind == "list":
                    cell = self.list_cell(f, scopes)
                    if cell.length is None:
                        cell.length = z3.Int(f"len:{cell.owner.key}:{'.'.join(cell.path)}")
                        self._nonempty(cell)
                        self.side.append(cell.length >= 0)
                    return _Val(cell.present, cell.length, "int")
                v = self.field(f, scopes)
                if v.kind != "set":
                    raise Unsupported(f"length of {v.kind}")
                s: SetCell = v.term
                if s.length is None:
                    s.length = z3.Int(f"len:{self._fresh}")
                    self._fresh += 1
                return _Val(v.present, s.length, "int")
            case YearOf(date=d):
                v = self.expr(d, scopes, on)
                year = self._int("year")
                self.side.append(
                    z3.Implies(v.present, z3.And(_jan1(year) <= v.term, v.term < _jan1(year + 1)))
                )
                return _Val(v.present, year, "int")
            case DayOf(moment=m):
                v = self.expr(m, scopes, on)
                day = z3.ToInt(v.term / 86400) + _EPOCH.toordinal()  # floor: the day it falls in
                return _Val(v.present, day, "date")
            case Arith(op=op, left=x, right=y):
                a, b = self.expr(x, scopes, on), self.expr(y, scopes, on)
                if a.kind not in ("int", "decimal") or b.kind not in ("int", "decimal"):
                    raise Unsupported(f"arithmetic on {a.kind}, {b.kind}")
                kind = "int" if a.kind == b.kind == "int" and op != "div" else "decimal"
                ta, tb = (a.term, b.term) if kind == "int" else (_real(a), _real(b))
                present = z3.And(a.present, b.present)
                match op:
                    case "add":
                        return _Val(present, ta + tb, kind)
                    case "sub":
                        return _Val(present, ta - tb, kind)
                    case "mul":
                        return _Val(present, ta * tb, kind)
                    case "div":
                        return _Val(z3.And(present, tb != 0), ta / tb, "decimal")
                raise Unsupported(op)
            case DaysBetween(start=x, end=y):
                a, b = self.expr(x, scopes, on), self.expr(y, scopes, on)
                return _Val(z3.And(a.present, b.present), b.term - a.term, "int")
            case HoursBetween(start=x, end=y):
                a, b = self.expr(x, scopes, on), self.expr(y, scopes, on)
                seconds = z3.ToReal(z3.ToInt(b.term - a.term))  # whole seconds, floored
                return _Val(z3.And(a.present, b.present), seconds / 3600, "decimal")
            case Shift(date=x, amount=y, unit=unit):
                key = (e, tuple(i.key for i in scopes), on.get_id())
                if key not in self._shifts:  # one value per shift, however often it is read
                    self._shifts[key] = self._shift(
                        self.expr(x, scopes, on), self.expr(y, scopes, on), unit
                    )
                return self._shifts[key]
            case Annual(month_day=md, year=y):
                return self._annual(self.expr(md, scopes, on), self.expr(y, scopes, on))
            case Extremum(item_scope=n):
                # Keyed by the instances it reads (the subject, not an enclosing item it
                # ignores): read under each item of its own list, a key per item would add an
                # item per item, without end.
                outer = sorted({f.scope for f in walk(e) if isinstance(f, Field) and f.scope < n})
                at = (e, tuple(scopes[i].key for i in outer), on.get_id())
                if at not in self._extrema:  # one value per list, however often it is read
                    self._extrema[at] = self._extremum(e, scopes, on)
                return self._extrema[at]
        raise Unsupported(f"expression {type(e).__name__}")

    def _extremum(self, e: Extremum, scopes: tuple[Instance, ...], on: z3.ArithRef) -> _Val:
        """The earliest (latest) date of the selected items, exactly: when present, it is the
        date of one selected item (a fresh item of the list), and no selected, dated item has
        an earlier (later) date; when absent, no selected item has a date."""
        cell = self.list_cell(e.field, scopes)
        n = e.item_scope
        found, exists = self._new_item(cell)
        inside = (*scopes[:n], found)
        first = self.expr(e.of, inside, on)
        if first.kind not in ("date", "decimal"):  # a date, or a date-time as a real
            raise Unsupported(f"the {e.op} of a {first.kind}")
        present = self._bool(e.op)
        term = self._int(e.op) if first.kind == "date" else z3.Real(f"{e.op}#{self._fresh}")
        chosen = z3.BoolVal(True) if e.where is None else self.cond(e.where, inside, on, True)
        self.side.append(
            z3.Implies(present, z3.And(exists, chosen, first.present, first.term == term))
        )

        def bound(it: Instance) -> z3.BoolRef:
            inner = (*scopes[:n], it)
            v = self.expr(e.of, inner, on)
            holds = term <= v.term if e.op == "earliest" else term >= v.term
            ok = z3.Or(z3.Not(v.present), z3.And(present, holds))
            return ok if e.where is None else z3.Or(self.cond(e.where, inner, on, False), ok)

        self.side.append(self._each(cell, bound))
        return _Val(present, term, first.kind)

    def _versioned(
        self, versions: tuple[tuple[dt.date, Any], ...], unit: str, on: z3.ArithRef
    ) -> _Val:
        vals = [_const(v) for _, v in versions]
        if any(v.kind in ("consts", "null") for v in vals):
            raise Unsupported(f"a dated parameter of unit {unit}")
        kind = "decimal" if any(v.kind == "decimal" for v in vals) else vals[0].kind
        term: Any = None
        for (start, _), v in zip(versions, vals, strict=True):
            t = _real(v) if kind == "decimal" else v.term
            term = t if term is None else z3.If(on >= start.toordinal(), t, term)
        return _Val(on >= versions[0][0].toordinal(), term, kind)

    def _shift(self, date: _Val, amount: _Val, unit: str) -> _Val:
        present = z3.And(date.present, amount.present)
        if unit == "days":
            return _Val(present, date.term + amount.term, "date")
        out = self._int("shift")
        n = amount.term
        if not z3.is_int_value(n) or n.as_long() < 0:
            return _Val(present, out, "date")  # bounded by nothing: sound, weak
        k = n.as_long()
        d = date.term
        if unit == "working_days":
            self.side.append(out >= d + max(k, 0))
        elif unit == "months":
            self.side.append(z3.And(out >= d + 28 * k - 3, out <= d + 31 * k))
        else:
            self.side.append(z3.And(out >= d + 365 * k - 1, out <= d + 366 * k))
        return _Val(present, out, "date")

    def _annual(self, md: _Val, year: _Val) -> _Val:
        if md.kind != "consts" or len(md.term) != 2:
            raise Unsupported("an annual date that is not a month-day literal")
        month, day = (int(x) for x in md.term)
        y = year.term
        base = _jan1(y) + _CUMULATIVE[month - 1] + min(day, 29 if month == 2 else 31) - 1
        if month == 2 and day == 29:  # 28 February in a common year
            term = _jan1(y) + 58 + z3.If(_leap(y), 1, 0)
        else:
            term = base + (z3.If(_leap(y), 1, 0) if month > 2 else 0)
        return _Val(z3.And(md.present, year.present), term, "date")

    # ---- fields ------------------------------------------------------------------------------

    def field(self, f: Field, scopes: tuple[Instance, ...]) -> _Val:
        """A scalar or set field of an instance."""
        inst = scopes[f.scope]
        present = self._path_present(inst, f)
        kind = f.type.kind
        if kind == "list":
            raise Unsupported("a list used as a value")
        if kind == "set":
            key = (inst.key, f.path)
            if key not in self.sets:
                self.sets[key] = SetCell(
                    self._bool(f"set:{inst.key}:{'.'.join(f.path)}"),
                    {},
                    self._bool("other"),
                    f.type.item.choices if f.type.item is not None else None,
                )
            s = self.sets[key]
            self.side.append(z3.Implies(s.present, present))
            return _Val(z3.And(present, s.present), s, "set")
        key = (inst.key, f.path)
        if key not in self.scalars:
            name = f"{inst.key}:{'.'.join(f.path)}"
            var: z3.ExprRef
            match kind:
                case "bool":
                    var = z3.Bool(name)
                case "int":
                    var = z3.Int(name)
                case "decimal" | "datetime":
                    var = z3.Real(name)
                case "date":
                    var = z3.Int(name)
                    self.side.append(z3.And(var >= 1, var <= MAX_DAY))
                case "str":
                    var = z3.String(name)
                    if f.type.choices:
                        self.side.append(
                            z3.Implies(
                                present, z3.Or(*[var == z3.StringVal(c) for c in f.type.choices])
                            )
                        )
                case _:
                    raise Unsupported(f"a field of kind {kind}")
            self.scalars[key] = (var, f.type)
        return _Val(present, self.scalars[key][0], _KINDS.get(kind, kind))

    def _path_present(self, inst: Instance, f: Field) -> z3.BoolRef:
        parts: list[z3.BoolRef] = []
        for i, nullable in enumerate(f.nullable):
            if nullable:
                key = (inst.key, f.path[: i + 1])
                if key not in self.presence:
                    self.presence[key] = z3.Bool(f"present:{inst.key}:{'.'.join(key[1])}")
                parts.append(self.presence[key])
        return z3.And(*parts) if parts else z3.BoolVal(True)

    def list_cell(self, f: Field, scopes: tuple[Instance, ...]) -> ListCell:
        """The list a field names, created on first use."""
        inst = scopes[f.scope]
        key = (inst.key, f.path)
        if key not in self.lists:
            if f.type.kind != "list":
                raise Unsupported(f"a list condition over a {f.type.kind}")
            self.lists[key] = ListCell(inst, f.path, f.type, self._path_present(inst, f), [])
        return self.lists[key]

    def _new_item(self, cell: ListCell) -> tuple[Instance, z3.BoolRef]:
        pair = self._item(cell, str(len(cell.items)))
        cell.items.append(pair)
        return pair

    def _item(self, cell: ListCell, tag: str) -> tuple[Instance, z3.BoolRef]:
        self._items += 1
        if self._items > _MAX_ITEMS:
            raise Unsupported(f"the formula needs more than {_MAX_ITEMS} list items")
        model = cell.ftype.item.model if cell.ftype.item is not None else None
        inst = Instance(f"{cell.owner.key}.{'.'.join(cell.path)}[{tag}]", model)
        return inst, z3.Bool(f"exists:{inst.key}")

    def _bool(self, hint: str) -> z3.BoolRef:
        self._fresh += 1
        return z3.Bool(f"{hint}#{self._fresh}")

    def _int(self, hint: str) -> z3.ArithRef:
        self._fresh += 1
        return z3.Int(f"{hint}#{self._fresh}")


_KINDS = {"datetime": "decimal"}
_MAX_ITEMS = 400  # the encoding always terminates: past this, "not proved"


def _jan1(year: Any) -> Any:
    """The ordinal of 1 January of ``year`` (proleptic Gregorian, as ``FarDate`` counts)."""
    y = year - 1
    return 365 * y + y / 4 - y / 100 + y / 400 + 1


def _leap(year: Any) -> z3.BoolRef:
    return z3.And(year % 4 == 0, z3.Or(year % 100 != 0, year % 400 == 0))


def _real(v: _Val) -> Any:
    return z3.ToReal(v.term) if v.kind == "int" else v.term


def _unify(a: _Val, b: _Val, op: str) -> tuple[Any, Any]:
    numbers = ("int", "decimal")
    if a.kind in numbers and b.kind in numbers:
        if a.kind == b.kind == "int":
            return a.term, b.term
        return _real(a), _real(b)
    if a.kind != b.kind:
        raise Unsupported(f"comparison of {a.kind} with {b.kind}")
    if a.kind in ("str", "bool") and op not in ("eq", "ne"):
        raise Unsupported(f"order of {a.kind}")
    if a.kind not in ("int", "decimal", "date", "str", "bool"):
        raise Unsupported(f"comparison of {a.kind}")
    return a.term, b.term


def _eq_const(left: _Val, value: Any) -> z3.BoolRef:
    c = _const(value)
    if c.kind == "null":
        return z3.Not(left.present)
    a, b = _unify(left, c, "eq")
    return a == b


def _const(v: Any) -> _Val:
    yes = z3.BoolVal(True)
    if v is None:
        return _Val(z3.BoolVal(False), None, "null")
    if isinstance(v, bool):
        return _Val(yes, z3.BoolVal(v), "bool")
    if isinstance(v, int):
        return _Val(yes, z3.IntVal(v), "int")
    if isinstance(v, Decimal | float):
        return _Val(yes, z3.RealVal(str(v)), "decimal")
    if isinstance(v, dt.datetime):
        base = v.replace(tzinfo=None) - (v.utcoffset() or dt.timedelta()) if v.tzinfo else v
        return _Val(
            yes,
            z3.RealVal(str(Decimal((base - _EPOCH) / dt.timedelta(microseconds=1)) / 10**6)),
            "decimal",
        )
    if isinstance(v, dt.date):
        return _Val(yes, z3.IntVal(v.toordinal()), "date")
    if hasattr(v, "toordinal"):  # a FarDate
        return _Val(yes, z3.IntVal(v.toordinal()), "date")
    if isinstance(v, str):
        return _Val(yes, z3.StringVal(v), "str")
    if isinstance(v, (tuple, list, set, frozenset)):
        return _Val(yes, tuple(v), "consts")
    raise Unsupported(f"a constant of type {type(v).__name__}")
