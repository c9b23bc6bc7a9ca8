"""The IR as a person reads it: one line of text per condition, for generated documentation,
explanations and diffs. Never parsed back."""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

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
    Shift,
    Some,
    YearOf,
)
from egovrules.packdata.operators import SYMBOLS

__all__ = ["describe", "describe_expr"]

_ARITH = {"add": "+", "sub": "−", "mul": "×", "div": "÷"}
_UNIT_WORDS = {
    "calendar_days": "calendar days",
    "working_days": "working days",
    "month_day": "each year",
    "ratio": "ratio",
}


def _unit_words(unit: str, value: object) -> str:
    """``calendar days``, ``years``; one of them singular (``1 year``, not ``1 years``)."""
    words = _UNIT_WORDS.get(unit, unit)
    one = isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value == 1
    return words.removesuffix("s") if one and unit in _PLURAL_UNITS else words


_PLURAL_UNITS = ("calendar_days", "working_days", "days", "hours", "months", "years")


def describe_expr(e: Expr) -> str:
    """An expression in words and symbols."""
    match e:
        case Const(value=v):
            return _value(v)
        case Param(name=name, value=v, unit=unit):
            shown = (
                _value(v) if unit in ("approver", "text") else f"{_value(v)} {_unit_words(unit, v)}"
            )
            return f"${name} ({shown})"
        case AsOf():
            return "the as-of date"
        case Field(path=path):
            return ".".join(path)
        case Arith(op=op, left=a, right=b):
            return f"({describe_expr(a)} {_ARITH[op]} {describe_expr(b)})"
        case DaysBetween(start=a, end=b):
            return f"days from {describe_expr(a)} to {describe_expr(b)}"
        case HoursBetween(start=a, end=b):
            return f"hours from {describe_expr(a)} to {describe_expr(b)}"
        case Shift(date=d, amount=Param() as n):
            return f"{describe_expr(d)} + {describe_expr(n)}"
        case Shift(date=d, amount=n, unit=unit):
            one = n.value if isinstance(n, Const) else None
            return f"{describe_expr(d)} + {describe_expr(n)} {_unit_words(unit, one)}"
        case Annual(month_day=md, year=y):
            return f"{describe_expr(md)} of year {describe_expr(y)}"
        case YearOf(date=d):
            return f"year of {describe_expr(d)}"
        case DayOf(moment=m):
            return f"day of {describe_expr(m)}"
        case Len(field=f):
            return f"number of {describe_expr(f)}"
        case Extremum(op=op, field=f, where=w, of=of):
            among = describe_expr(f) if w is None else f"{describe_expr(f)} with [{describe(w)}]"
            return f"the {op} {describe_expr(of)} of {among}"
        case _:
            assert_never(e)


def describe(c: Cond | Deadline | None) -> str:
    """A condition (or deadline) in one line."""
    match c:
        case None:
            return "always"
        case All(items=items):
            return " AND ".join(_group(i) for i in items) if items else "always"
        case AnyOf(items=items):
            return " OR ".join(_group(i) for i in items)
        case Not(item=Present(expr=e)):
            return f"{describe_expr(e)} is absent"
        case Not(item=item):
            return f"NOT {_group(item)}"
        case Present(expr=e):
            return f"{describe_expr(e)} is present"
        case Compare(op=op, left=a, right=Const(value=None)):
            return f"{describe_expr(a)} is {'' if op == 'eq' else 'not '}null"
        case Compare(op=op, left=a, right=b):
            return f"{describe_expr(a)} {SYMBOLS[op]} {describe_expr(b)}"
        case Some(field=f, where=None):
            return f"some {describe_expr(f)}"
        case Some(field=f, where=w):
            return f"some {describe_expr(f)} with [{describe(w)}]"
        case Every(field=f, where=w, require=r):
            filt = f" with [{describe(w)}]" if w is not None else ""
            return f"every {describe_expr(f)}{filt} has [{describe(r)}]"
        case Deadline(due=due, done=done):
            return f"{describe_expr(done)} on or before {describe_expr(due)}"
        case _:
            assert_never(c)


def _group(c: Cond) -> str:
    text = describe(c)
    return f"({text})" if isinstance(c, (All, AnyOf)) else text


def _value(v: object) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, frozenset):
        return "{" + ", ".join(sorted(map(_value, v))) + "}"
    if isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, int) for x in v):
        return f"{v[0]:02d}-{v[1]:02d}"
    if hasattr(v, "isoformat"):
        return str(v.isoformat())
    return str(v)
