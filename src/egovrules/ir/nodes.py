"""The rule IR: what a pack means, with no YAML and no pydantic-of-the-pack left.

Frozen dataclasses, compared by value, so compiling the same pack twice gives equal IR.
Expressions yield values; conditions yield booleans; a rule pairs an applicability condition
with a requirement (a condition or a ``Deadline``). Every rule keeps its source ``Span`` and
its ``Citation``s through every backend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeAlias, assert_never

from egovrules.law.calendar import CHINA, Unknown, WorkCalendar
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
    "Awaiting",
    "Compare",
    "Cond",
    "Const",
    "DayOf",
    "DaysBetween",
    "Deadline",
    "Every",
    "Expr",
    "Extremum",
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
    "ScopeIR",
    "Shift",
    "Some",
    "YearOf",
    "asked_values",
    "children",
    "deadline_bounds",
    "open_until",
    "walk",
    "working_days_due",
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
    calendar: WorkCalendar = CHINA
    """The working-day calendar counted on (the package's, or with supplied notices)."""
    bound: Unknown | None = None
    """Not the day itself but its earliest or latest possible value, the unknown days
    counted as working days or as none (``WorkCalendar.bound``): never a gap, ``None``
    where no bound is known. Only ``deadline_bounds`` makes these."""


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


@dataclass(frozen=True, slots=True)
class Extremum:
    """The earliest (``earliest``) or latest (``latest``) value of ``of`` among the items of a
    list that satisfy ``where``: the date of the first review of a kind, of the last approval.
    Items whose ``of`` is null are passed over; with no such item the value is null.

    It is how two lists are compared item against item: "some review R and some approval A
    with R.date ≤ A.date" is "the earliest review ≤ the latest approval", and "every approval
    comes after some review" is "the earliest review ≤ the earliest approval". ``item_scope``
    is the scope number fields inside use for the item, as in ``Some``."""

    op: Literal["earliest", "latest"]
    field: Field
    item_scope: int
    where: Cond | None
    of: Expr


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
    | Extremum
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


def working_days_due(d: Deadline) -> Shift | None:
    """The last day of a deadline counted in working days (on the official calendar, or with
    the weekday fallback); ``None`` for a deadline counted otherwise."""
    due = d.due
    return due if isinstance(due, Shift) and due.unit == "working_days" else None


def deadline_bounds(d: Deadline) -> tuple[Shift, Shift] | None:
    """The earliest and latest possible last day of a working-day deadline, for deciding it
    when its last day falls where the calendar is unknown: a day on or before the earliest is
    in time whatever the unknown days are, a day after the latest late (``None`` for a
    deadline that is not counted in working days, or counted with the weekday fallback)."""
    due = working_days_due(d)
    if due is None or due.weekday_fallback:
        return None
    return replace(due, bound="earliest"), replace(due, bound="latest")


def open_until(case: Cond) -> Expr | None:
    """The last day a ``pending`` case names, when it is ``{value: "@as_of", le: DAY}`` (or
    ``{value: DAY, ge: "@as_of"}``): the duty is open up to and including DAY, which the report
    gives as the obligation's last day. ``None`` for a case of any other form: a duty open
    until an act happens has no last day to give."""
    if isinstance(case, Compare):
        if case.op == "le" and isinstance(case.left, AsOf):
            return case.right
        if case.op == "ge" and isinstance(case.right, AsOf):
            return case.left
    return None


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
        case Extremum(field=f, where=where, of=of):
            return (f, of) if where is None else (f, where, of)
        case Deadline(due=due, done=done, start=start):
            return (due, done) if start is None else (due, done, start)
        case _:
            assert_never(node)


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every node inside it, depth first, each before its children."""
    yield node
    for child in children(node):
        yield from walk(child)


def asked_values(some: Some) -> tuple[Compare, ...]:
    """The ``eq`` comparisons of an item field with a literal or a parameter that the
    ``where`` of ``some`` requires (itself, or an item of its top ``all``)."""
    where = some.where
    parts = where.items if isinstance(where, All) else (where,) if where is not None else ()
    return tuple(
        c
        for c in parts
        if isinstance(c, Compare)
        and c.op == "eq"
        and isinstance(c.left, Field)
        and c.left.scope == some.item_scope
        and isinstance(c.right, (Const, Param))
    )


# ---- messages, rules, packs ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A ``{...}`` in a message: an expression (or a deadline fact) and its null fallback.

    ``{@missing}`` (fact ``missing``) names what the subject lacks: for each ``contains`` or
    ``contains_all`` comparison of the rule's ``requires`` (in ``lacks``), the required values
    its list or set does not hold (sorted, as a set of values is shown); for each ``some`` of
    ``requires`` that no item meets, the values its ``where`` asks of an item (``to =
    municipal_finance_department``: the report to the finance department is missing).
    ``{@failing}`` (fact ``failing``) names the items that break an ``every`` of ``requires``
    over one of the subject's lists (in ``items``), each by its position and the values the
    rule reads."""

    source: str
    expr: Expr | None
    fact: Literal["due", "elapsed", "late", "missing", "failing"] | None
    fallback: str | None
    lacks: tuple[Compare | Some, ...] = ()
    items: tuple[Every, ...] = ()
    # In a Chinese message (egovrules.ir.placeholder_words): the words of the ids the fields
    # it shows may hold, and the nouns of the fields {@missing} and {@failing} name by path.
    words: tuple[tuple[str, str], ...] = ()
    nouns: tuple[tuple[str, str], ...] = ()


MessagePart: TypeAlias = str | Placeholder

Awaiting: TypeAlias = Literal["actor", "authority"]
"""Who must act while an obligation is open: the rule's ``actor`` or its ``authority``."""


@dataclass(frozen=True, slots=True)
class ScopeIR:
    """Whom a rule's article binds: the subjects whose ``field`` holds one of ``values``. The
    rule's ``when`` already holds the test (an empty field is presumed inside); the engine reads
    this to say why a rule was not applied."""

    name: str
    field: Field
    values: frozenset[str]
    labels: tuple[tuple[str, str], ...]
    citation: Citation
    test: Cond
    # The Chinese noun of ``field`` and the words of the ids it may hold
    # (egovrules.ir.placeholder_words.scope_words): a Chinese reason names them.
    noun: str = ""
    words: tuple[tuple[str, str], ...] = ()

    def label_in(self, language: str) -> str:
        """The bodies the scope names, in ``language`` (English when the pack has none)."""
        labels = dict(self.labels)
        return labels.get(language) or labels.get("en") or self.name


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
    # While ``requires`` fails and a case of ``pending`` holds, the obligation is open, not
    # broken: the act it waits for (an authority's decision, an application) has not happened
    # yet. Each case names who must act in it: the rule's ``actor`` or its ``authority``.
    pending: tuple[tuple[Cond, Awaiting], ...] = ()
    # Who must act while a deadline of the rule runs.
    awaiting: Awaiting | None = None

    @property
    def open_while(self) -> Cond | None:
        """When an unmet obligation is pending (some case of ``pending`` holds), or ``None``
        when the rule has no such case: what every backend evaluates."""
        if not self.pending:
            return None
        return (
            self.pending[0][0]
            if len(self.pending) == 1
            else AnyOf(tuple(c for c, _ in self.pending))
        )

    scope: ScopeIR | None = None
    severity_reason: str | None = None

    @property
    def own_when(self) -> Cond | None:
        """The rule's own applicability, without its scope's test (which ``when`` begins with):
        what a diff compares, once it has set the bodies each side binds apart."""
        if self.scope is None:
            return self.when
        if self.when == self.scope.test:
            return None
        if isinstance(self.when, All) and self.when.items[:1] == (self.scope.test,):
            rest = self.when.items[1:]
            return rest[0] if len(rest) == 1 else All(rest)
        return self.when


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
    calendar: WorkCalendar = CHINA
    """The working-day calendar the rules count on (every working-day ``Shift`` holds it)."""
    weekday_fallback: bool = False
    """Whether the pack was compiled with the weekday fallback."""
    city_names: tuple[tuple[str, str], ...] = ()
    """The city's name in each language the pack gives it (``("zh", "武汉")``, ...)."""
    kind_names: tuple[tuple[str, str], ...] = ()
    """Each kind of subject's Chinese name (``("website", "网站")``), from the field words."""
