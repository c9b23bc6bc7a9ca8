"""Sound, incomplete reasoning over the rule IR: does one condition imply another, is one
deadline never later than another, and which way does a parameter push a rule.

Everything here answers "proved" or "not proved", never "false": a ``True`` from ``implies``
holds for every subject and every as-of date under the reference semantics
(``egovrules.ir.interpret``), including its null rules; a ``False`` only means no proof was
found. The diff states "stricter" on these proofs alone (docs/diff.md, "The decision rule").
It must never guess: when in doubt, return ``False``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterator
from typing import Any, assert_never

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
from egovrules.packdata.operators import FLIP, CompareOp

__all__ = [
    "ParamUse",
    "at_least_as_strict",
    "canon",
    "due_not_later",
    "implies",
    "param_uses",
]


def canon(node: Any) -> Hashable:
    """A structural key of an IR node that ignores names: two packs' rules with equal keys mean
    the same thing (parameters compare by unit and value, fields by path and scope)."""
    match node:
        case Param(unit=unit, value=value, versions=versions):
            return ("param", unit, _hashable(value), _hashable(versions))
        case Field(path=path, scope=scope):
            return ("field", path, scope)
        case Const(value=value):
            return ("const", _hashable(value))
        case tuple():
            return tuple(canon(x) for x in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return (
            type(node).__name__,
            *(canon(getattr(node, f.name)) for f in dataclasses.fields(node)),
        )
    return _hashable(node)


def _hashable(value: Any) -> Hashable:
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    return value  # type: ignore[no-any-return]


_NO_BOUND = object()


def _bound(e: Expr) -> Any:
    """The fixed value of a literal or an unversioned parameter; ``_NO_BOUND`` otherwise
    (a versioned parameter's value depends on the date that matters)."""
    match e:
        case Const(value=v):
            return v
        case Param(value=v, versions=()):
            return v
    return _NO_BOUND


def _atom(c: Compare) -> tuple[Hashable, CompareOp, Any] | None:
    """A comparison as (canonical subject expression, operator, fixed value), with the fixed
    value on the right; ``None`` when neither or both sides are fixed."""
    right = _bound(c.right)
    left = _bound(c.left)
    if right is not _NO_BOUND and left is _NO_BOUND:
        if right is None:
            return None  # null tests: only identical ones are related (canon equality)
        return canon(c.left), c.op, right
    if left is not _NO_BOUND and right is _NO_BOUND and c.op in FLIP and left is not None:
        return canon(c.right), FLIP[c.op], left
    return None


def _atom_implies(op1: str, v1: Any, op2: str, v2: Any) -> bool:
    """Does ``x op1 v1`` imply ``x op2 v2`` for every non-null ``x``? (Both are false for a
    null ``x``, so a proof for non-null values is a proof.)"""
    try:
        match op1, op2:
            case ("gt", "gt") | ("gt", "ge") | ("ge", "ge"):
                return bool(v1 >= v2)
            case ("ge", "gt"):
                return bool(v1 > v2)
            case ("lt", "lt") | ("lt", "le") | ("le", "le"):
                return bool(v1 <= v2)
            case ("le", "lt"):
                return bool(v1 < v2)
            case ("eq", "eq"):
                return bool(v1 == v2)
            case ("eq", "ne"):
                return bool(v1 != v2)
            case ("eq", "gt"):
                return bool(v1 > v2)
            case ("eq", "ge"):
                return bool(v1 >= v2)
            case ("eq", "lt"):
                return bool(v1 < v2)
            case ("eq", "le"):
                return bool(v1 <= v2)
            case ("eq", "in"):
                return v1 in v2
            case ("eq", "not_in"):
                return v1 not in v2
            case ("in", "in"):
                return frozenset(v1) <= frozenset(v2)
            case ("in", "eq"):
                return frozenset(v1) == frozenset([v2])
            case ("in", "ne"):
                return v2 not in v1
            case ("in", "not_in"):
                return not (frozenset(v1) & frozenset(v2))
            case ("ne", "ne"):
                return bool(v1 == v2)
            case ("ne", "not_in"):
                return frozenset(v2) == frozenset([v1])
            case ("not_in", "not_in"):
                return frozenset(v2) <= frozenset(v1)
            case ("not_in", "ne"):
                return v2 in v1
            case ("contains", "contains"):
                return bool(v1 == v2)
            case ("contains", "contains_all"):
                return frozenset(v2) <= frozenset([v1])
            case ("contains_all", "contains"):
                return v2 in v1
            case ("contains_all", "contains_all"):
                return frozenset(v2) <= frozenset(v1)
    except TypeError:  # values of different kinds: nothing is proved
        return False
    return False


def implies(p: Cond | None, q: Cond | None) -> bool:
    """Proved: whenever ``p`` holds, ``q`` holds. ``None`` is "always" (a rule with no
    ``when``)."""
    if q is None or (isinstance(q, All) and not q.items):
        return True
    if p is None:
        return False
    if canon(p) == canon(q):
        return True
    if isinstance(q, All):
        return all(implies(p, x) for x in q.items)
    if isinstance(p, AnyOf):
        return all(implies(x, q) for x in p.items)
    if isinstance(p, All) and any(implies(x, q) for x in p.items):
        return True
    if isinstance(q, AnyOf) and any(implies(p, x) for x in q.items):
        return True
    match p:
        case Not(item=x):
            return isinstance(q, Not) and implies(q.item, x)
        case Compare():
            match q:
                case Compare():
                    a, b = _atom(p), _atom(q)
                    if a is None and b is None:
                        return _operands_implies(p, q)
                    return (
                        a is not None
                        and b is not None
                        and a[0] == b[0]
                        and _atom_implies(a[1], a[2], b[1], b[2])
                    )
                case Present(expr=e):
                    return _compare_implies_present(p, e)
            return False
        case Some():
            return (
                isinstance(q, Some)
                and canon(p.field) == canon(q.field)
                and p.item_scope == q.item_scope
                and implies(p.where, q.where)
            )
        case Every():
            return (
                isinstance(q, Every)
                and canon(p.field) == canon(q.field)
                and p.item_scope == q.item_scope
                and implies(q.where, p.where)
                and implies(p.require, q.require)
            )
        case All() | AnyOf() | Present():
            return False
        case _:
            assert_never(p)


# x op1 y ⇒ x op2 y for any two values of one order (eq, lt and gt are each a finer relation)
_FINER: frozenset[tuple[str, str]] = frozenset(
    {("lt", "le"), ("lt", "ne"), ("gt", "ge"), ("gt", "ne"), ("eq", "le"), ("eq", "ge")}
)


def _operands_implies(p: Compare, q: Compare) -> bool:
    """``x op1 y ⇒ x op2 y`` for the same two expressions, neither a fixed value (``acceptance
    date < start ⇒ acceptance date ≤ start``), also written the other way round (``start >
    acceptance date``). A comparison with a null operand is false, so when ``p`` holds both
    are values, of one order."""
    if any(_bound(e) is not _NO_BOUND for e in (p.left, p.right, q.left, q.right)):
        return False
    left, right = canon(p.left), canon(p.right)
    if canon(q.left) == left and right != canon(q.right):
        return _bounds_implies(p, q)
    if (canon(q.left), canon(q.right)) == (left, right):
        op = q.op
    elif (canon(q.left), canon(q.right)) == (right, left) and q.op in FLIP:
        op = FLIP[q.op]
    else:
        return False
    return p.op == op or (p.op, op) in _FINER


def _bounds_implies(p: Compare, q: Compare) -> bool:
    """``x ≤ a ⇒ x ≤ b`` when the day ``a`` is never after ``b`` and both are null together
    (``due_not_later``: ``submitted ≤ opinion + 1 year ⇒ submitted ≤ opinion + 2 years``), and
    ``x ≥ b ⇒ x ≥ a`` likewise; a strict bound implies the same bound or a loose one, a loose
    bound never a strict one."""
    upper, lower = ("lt", "le"), ("gt", "ge")
    if p.op in upper and q.op in upper and (p.op, q.op) != ("le", "lt"):
        return due_not_later(p.right, q.right)
    if p.op in lower and q.op in lower and (p.op, q.op) != ("ge", "gt"):
        return due_not_later(q.right, p.right)
    return False


_SCALAR_KINDS = ("bool", "int", "decimal", "date", "datetime")


def _compare_implies_present(c: Compare, e: Expr) -> bool:
    """A comparison that holds says its subject is present: it is not null (comparisons with
    null operands are false), and for a string, list or set, not empty."""
    atom = _atom(c)
    if atom is None or atom[0] != canon(e):
        return False
    _, op, value = atom
    subject = c.left if canon(c.left) == atom[0] else c.right
    if isinstance(subject, Field) and subject.type.kind in _SCALAR_KINDS:
        return True  # any comparison that holds has a non-null scalar
    match op:
        case "contains":
            return True  # the collection holds an item
        case "contains_all":
            return bool(value)
        case "eq":
            return value not in ("", (), frozenset()) and not isinstance(value, (list, tuple, set))
        case "in":
            return bool(value) and all(
                v not in ("", None) and not isinstance(v, (list, tuple, set, frozenset))
                for v in value
            )
        case "ne" | "lt" | "le" | "gt" | "ge" | "not_in":
            return False
        case _:
            assert_never(op)


def due_not_later(a: Expr, b: Expr) -> bool:
    """Proved: the last day ``a`` is never after the last day ``b``, and ``a`` is null exactly
    when ``b`` is (so neither deadline runs without the other)."""
    if canon(a) == canon(b):
        return True
    match a:
        case Shift(date=da, amount=na, unit=ua, weekday_fallback=fa):
            if not isinstance(b, Shift) or canon(da) != canon(b.date):
                return False
            x, y = _bound(na), _bound(b.amount)
            if not (isinstance(x, int) and isinstance(y, int)) or x is None or y is None:
                return False
            if ua == b.unit and fa == b.weekday_fallback:
                return x <= y
            # The n-th working day after a date is never earlier than n calendar days after it:
            # each working day is a distinct calendar day. The converse has no bound (holidays).
            return ua == "days" and b.unit == "working_days" and x <= y
        case Annual(month_day=ma, year=ya):
            if not isinstance(b, Annual) or canon(ya) != canon(b.year):
                return False
            x, y = _bound(ma), _bound(b.month_day)
            if x is _NO_BOUND or y is _NO_BOUND or x is None or y is None:
                return False
            return bool(tuple(x) <= tuple(y))
        case Const() | Param() | AsOf() | Field() | Arith() | DaysBetween() | HoursBetween():
            return False
        case YearOf() | DayOf() | Len() | Extremum():
            return False
        case _:
            assert_never(a)


def at_least_as_strict(a: RuleIR, b: RuleIR) -> bool:
    """Proved: every subject that rule ``b`` finds violated, rule ``a`` finds violated too,
    while both texts are in force (the comparison is of obligations, not of effective dates)."""
    if a.subject != b.subject:
        return False
    if (_versioned(a) or _versioned(b)) and canon(a.dated_by) != canon(b.dated_by):
        return False  # the same dated parameter would be read on different dates
    if not implies(b.when, a.when):
        return False
    match a.requires, b.requires:
        case Deadline(), Deadline():
            return canon(a.requires.done) == canon(b.requires.done) and due_not_later(
                a.requires.due, b.requires.due
            )
        case Deadline(), _:
            return False
        case _, Deadline():
            return False
    assert not isinstance(a.requires, Deadline) and not isinstance(b.requires, Deadline)
    return implies(a.requires, b.requires)


def _versioned(rule: RuleIR) -> bool:
    return any(u.param.versions for u in param_uses(rule))


# ---- which way a parameter pushes a rule -----------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class ParamUse:
    """One occurrence of a parameter in a rule, and what raising its value does.

    ``effect`` is +1 when a higher value makes more subjects violate the rule (a higher value
    is stricter), -1 when a lower value does (a shorter period, a lower threshold), and 0 when
    the value is not ordered that way (an approver, an equality).
    """

    param: Param
    effect: int
    where: str
    """``when``, ``requires`` or ``deadline``."""


def param_uses(rule: RuleIR) -> tuple[ParamUse, ...]:
    """Every parameter occurrence in the rule's ``when`` and ``requires``, in order."""
    out: list[ParamUse] = []
    if rule.when is not None:
        out.extend(_cond_uses(rule.when, +1, "when"))
    if isinstance(rule.requires, Deadline):
        # A later last day means fewer violations: the parameter's push on the due date, negated.
        for param, mono in _expr_uses(rule.requires.due, +1):
            out.append(ParamUse(param, -mono, "deadline"))
    else:
        out.extend(_cond_uses(rule.requires, -1, "requires"))
    return tuple(out)


def _cond_uses(c: Cond, sign: int, where: str) -> Iterator[ParamUse]:
    """``sign``: +1 when the condition being true makes a violation more likely."""
    match c:
        case All(items=items) | AnyOf(items=items):
            for x in items:
                yield from _cond_uses(x, sign, where)
        case Not(item=x):
            yield from _cond_uses(x, -sign, where)
        case Some(where=w):
            if w is not None:
                yield from _cond_uses(w, sign, where)
        case Every(where=w, require=r):
            if w is not None:
                yield from _cond_uses(w, -sign, where)
            yield from _cond_uses(r, sign, where)
        case Compare(op=op, left=left, right=right):
            truth_in_left = _truth_in_left(op)
            for param, mono in _expr_uses(left, 1):
                yield ParamUse(param, sign * truth_in_left * mono, where)
            for param, mono in _expr_uses(right, 1):
                yield ParamUse(param, sign * -truth_in_left * mono, where)
        case Present(expr=e):
            for param, _mono in _expr_uses(e, 1):
                yield ParamUse(param, 0, where)
        case _:
            assert_never(c)


def _truth_in_left(op: CompareOp) -> int:
    """+1 when a higher left operand makes the comparison hold more often, -1 when a lower
    one does, 0 when it is not ordered that way."""
    match op:
        case "gt" | "ge":
            return 1
        case "lt" | "le":
            return -1
        case "eq" | "ne" | "in" | "not_in" | "contains" | "contains_all":
            return 0
        case _:
            assert_never(op)


def _expr_uses(e: Expr, mono: int) -> Iterator[tuple[Param, int]]:
    """Parameters in ``e`` with the direction the expression moves when each one rises
    (0: not monotone, or not known to be)."""
    match e:
        case Param():
            yield e, mono
        case Arith(op="add", left=x, right=y):
            yield from _expr_uses(x, mono)
            yield from _expr_uses(y, mono)
        case Arith(op="sub", left=x, right=y):
            yield from _expr_uses(x, mono)
            yield from _expr_uses(y, -mono)
        case Arith(left=x, right=y):  # mul, div: the sign of the other factor is not known
            yield from _expr_uses(x, 0)
            yield from _expr_uses(y, 0)
        case Shift(date=d, amount=n):
            yield from _expr_uses(d, mono)
            yield from _expr_uses(n, mono)
        case Annual(month_day=md, year=y):
            yield from _expr_uses(md, mono)
            yield from _expr_uses(y, mono)
        case DaysBetween(start=s, end=t):
            yield from _expr_uses(s, -mono)
            yield from _expr_uses(t, mono)
        case HoursBetween(start=s, end=t):
            yield from _expr_uses(s, -mono)
            yield from _expr_uses(t, mono)
        case YearOf(date=d):
            yield from _expr_uses(d, mono)  # the year never falls as the date rises
        case DayOf(moment=m):
            yield from _expr_uses(m, mono)  # nor the day as the moment rises
        case Const() | Field() | AsOf() | Len():
            return
        case Extremum(where=w, of=of):
            # Which items a parameter selects moves the earliest date either way: not known.
            for node in (*((w,) if w is not None else ()), of):
                for param in (n for n in walk(node) if isinstance(n, Param)):
                    yield param, 0
        case _:
            assert_never(e)
