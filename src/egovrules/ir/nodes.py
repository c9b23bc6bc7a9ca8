"""The rule IR: what a pack means, with no YAML and no pydantic-of-the-pack left.

Frozen dataclasses, compared by value, so compiling the same pack twice gives equal IR.
Expressions yield values; conditions yield booleans; a rule pairs an applicability condition
with a requirement (a condition or a ``Deadline``). Every rule keeps its source ``Span`` and
its ``Citation``s through every backend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, assert_never

from egovrules.law.citation import Citation
from egovrules.law.verdict import Severity
from egovrules.packdata.operators import CompareOp
from egovrules.source.span import Span
from egovrules.subjects.paths import FieldType

__all__ = [
    "All",
    "Annual",
    "AnyOf",
    "Arith",
    "ArticleIR",
    "AsOf",
    "Compare",
    "Cond",
    "Const",
    "DayOf",
    "DaysBetween",
    "Deadline",
    "Every",
    "Expr",
    "Field",
    "HoursBetween",
    "Len",
    "MessagePart",
    "Node",
    "Not",
    "Param",
    "Placeholder",
    "Present",
    "RuleIR",
    "RuleSet",
    "Shift",
    "Some",
    "YearOf",
    "children",
    "walk",
]


# ---- expressions -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Const:
    """A literal value."""

    value: Any


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter of the pack. ``value`` is its value; a parameter an amendment changed also
    has ``versions`` (from-date, value), oldest first, and ``value`` is the latest. A versioned
    parameter takes the value in force on the rule's date that matters (``None`` before the
    first version)."""

    name: str
    value: Any
    unit: str
    versions: tuple[tuple[dt.date, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class AsOf:
    """The evaluation date."""


@dataclass(frozen=True, slots=True)
class Field:
    """A field path. ``scope`` 0 is the subject; n > 0 is the item of the n-th enclosing
    ``Some``/``Every``. ``nullable`` says, per step, whether the value there may be null."""

    path: tuple[str, ...]
    scope: int
    type: FieldType
    nullable: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class Arith:
    """``add``, ``sub``, ``mul`` or ``div`` of two numbers (``Decimal`` arithmetic)."""

    op: Literal["add", "sub", "mul", "div"]
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class DaysBetween:
    """Calendar days from ``start`` to ``end``."""

    start: Expr
    end: Expr


@dataclass(frozen=True, slots=True)
class HoursBetween:
    """Hours (a ``Decimal``) from ``start`` to ``end``, two date-times."""

    start: Expr
    end: Expr


@dataclass(frozen=True, slots=True)
class Shift:
    """A date moved forward by an amount: calendar days, Chinese working days (the start
    day not counted), months or years (as ``dateutil.relativedelta`` adds them)."""

    date: Expr
    amount: Expr
    unit: Literal["days", "working_days", "months", "years"]
    weekday_fallback: bool = False


@dataclass(frozen=True, slots=True)
class Annual:
    """The date of an annual month-day parameter in a given year."""

    month_day: Expr
    year: Expr


@dataclass(frozen=True, slots=True)
class YearOf:
    """The year of a date."""

    date: Expr


@dataclass(frozen=True, slots=True)
class DayOf:
    """The calendar day of a date-time (China Standard Time, as every date-time is held)."""

    moment: Expr


@dataclass(frozen=True, slots=True)
class Len:
    """Number of items of a list or set."""

    field: Field


Expr: TypeAlias = (
    Const
    | Param
    | AsOf
    | Field
    | Arith
    | DaysBetween
    | HoursBetween
    | Shift
    | Annual
    | YearOf
    | DayOf
    | Len
)


# ---- conditions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class All:
    """Every item holds."""

    items: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Some item holds."""

    items: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The item does not hold."""

    item: Cond


@dataclass(frozen=True, slots=True)
class Present:
    """The value is not null (and, for a list, set or string, not empty)."""

    expr: Expr


@dataclass(frozen=True, slots=True)
class Compare:
    """A comparison; false when an operand is null, except ``eq``/``ne`` against null."""

    op: CompareOp
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Some:
    """Some item of a list satisfies ``where``."""

    field: Field
    item_scope: int
    where: Cond | None


@dataclass(frozen=True, slots=True)
class Every:
    """Every item of a list (that satisfies ``where``) satisfies ``require``.

    ``item_scope`` is the scope number fields inside use for the item."""

    field: Field
    item_scope: int
    where: Cond | None
    require: Cond


Cond: TypeAlias = All | AnyOf | Not | Present | Compare | Some | Every


@dataclass(frozen=True, slots=True)
class Deadline:
    """``done`` must fall on or before ``due``; ``start`` (when the period is counted from an
    event) gives the days elapsed for messages."""

    due: Expr
    done: Expr
    start: Expr | None


Node: TypeAlias = Expr | Cond | Deadline
"""Every node of a rule's conditions: what ``children`` and ``walk`` go through."""


def children(node: Node) -> tuple[Node, ...]:
    """The nodes directly inside ``node``, in the order of its fields (an absent ``where`` or
    ``start`` left out). The one place that knows the shape of every node: a walker that
    treats most kinds alike goes through here, and mypy names it when a kind is added."""
    match node:
        case Const() | Param() | AsOf() | Field():
            return ()
        case Arith(left=a, right=b) | Compare(left=a, right=b):
            return (a, b)
        case DaysBetween(start=a, end=b) | HoursBetween(start=a, end=b):
            return (a, b)
        case Shift(date=a, amount=b) | Annual(month_day=a, year=b):
            return (a, b)
        case YearOf(date=a) | DayOf(moment=a) | Present(expr=a):
            return (a,)
        case Len(field=f):
            return (f,)
        case All(items=items) | AnyOf(items=items):
            return items
        case Not(item=item):
            return (item,)
        case Some(field=f, where=where):
            return (f,) if where is None else (f, where)
        case Every(field=f, where=where, require=require):
            return (f, require) if where is None else (f, where, require)
        case Deadline(due=due, done=done, start=start):
            return (due, done) if start is None else (due, done, start)
        case _:
            assert_never(node)


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every node inside it, depth first, each before its children."""
    yield node
    for child in children(node):
        yield from walk(child)


# ---- messages, rules, packs ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A ``{...}`` in a message: an expression (or a deadline fact) and its null fallback."""

    source: str
    expr: Expr | None
    fact: Literal["due", "elapsed", "late"] | None
    fallback: str | None


MessagePart: TypeAlias = str | Placeholder


@dataclass(frozen=True, slots=True)
class RuleIR:
    """One compiled obligation."""

    id: str
    concept: str
    subject: str
    severity: Severity
    confidence: str
    title: str | None
    when: Cond | None
    requires: Cond | Deadline
    messages: tuple[tuple[str, tuple[MessagePart, ...]], ...]
    dated_by: Expr | None
    in_force_from: dt.date | None
    actor: Expr | None
    authority: tuple[tuple[str, str], ...]
    anchor: tuple[str, ...]
    citations: tuple[Citation, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ArticleIR:
    """An article as the pack states it."""

    number: int
    label: str
    texts: tuple[tuple[str, str], ...]
    declaratory: str | None


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A compiled pack."""

    pack_id: str
    city: str
    version: str
    content_hash: str
    language: str
    effective: dt.date | None
    articles: tuple[ArticleIR, ...]
    parameters: tuple[Param, ...]
    rules: tuple[RuleIR, ...]
