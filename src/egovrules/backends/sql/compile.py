"""The rule IR compiled to SQL: one outcome expression per rule over the flat subject table.

For the rules of one subject kind, ``compile_kind`` writes one SELECT over the normalized
table ``egr_subjects`` (see ``layout``) that yields, per subject, its id and the outcome code of
every rule (``r0``, ``r1``, ... in ``rules_for`` order), exactly as ``ir.interpret`` decides it:

* a condition is a never-NULL boolean: each comparison is false when an operand is NULL
  (``eq``/``ne`` against null test for null), so ``NOT`` and ``OR`` keep two-valued logic;
* numbers divided are kept as fractions (numerator, denominator) and compared by
  cross-multiplication in exact DECIMAL arithmetic: no quotient is ever rounded, and exactly
  +10.00 % is not more than 10 %; a zero divisor is NULL, as ``None`` is in Python;
* ``some``/``every`` over lists of records are list functions with lambdas;
* working days come from the calendar tables of ``workdays`` through two LEFT JOINs per
  ``add_working_days``; a lookup that falls outside the calendar's years makes the rule
  ``undetermined`` (4) only where Python would have looked, in Python's evaluation order;
* the date that matters, the in-force date and versioned parameters are CASE expressions
  over that date (or constants, when the date is the as-of date).

The SQL is generated from the IR alone. Literals come from the pack and are rendered by the
dialect's escaping, never spliced raw; names come from the subject models and are quoted.
A construct the SQL backend cannot express raises ``SqlUnsupported`` when the pack compiles,
never a wrong answer at run time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, assert_never

from egovrules.backends.base import rules_for
from egovrules.backends.sql.dialect import Dialect
from egovrules.backends.sql.layout import SEPARATOR, literal
from egovrules.backends.sql.workdays import Counting, bound_sql, fallback_sql, table_names
from egovrules.ir.conditions import kind_of
from egovrules.ir.interpret import value_on
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
    Node,
    Not,
    Param,
    Present,
    RuleIR,
    RuleSet,
    Shift,
    Some,
    YearOf,
    children,
    deadline_bounds,
    walk,
)
from egovrules.law.calendar import WorkCalendar
from egovrules.packdata.operators import CODE, FLIP, OrderOp

__all__ = ["SUBJECTS", "KindQuery", "SqlUnsupported", "compile_kind", "outcome_column"]

SUBJECTS = "egr_subjects"
"""The name the compiled SQL reads the normalized subject table under."""
CHECKS = "egr_checks"
"""The name of the column ``KindQuery.checks``."""

_OPS = {**CODE, "eq": "=", "ne": "<>"}
_US_PER_HOUR = 3_600_000_000
_SPLITS = 3  # row-level conditions taken out of one list condition: up to 2**3 lambdas


class SqlUnsupported(Exception):
    """A rule uses something the SQL backend cannot express."""

    def __init__(self, rule: RuleIR, reason: str) -> None:
        super().__init__(f"{rule.id} ({rule.span}): {reason}")
        self.rule_id = rule.id
        self.reason = reason


@dataclass(frozen=True, slots=True)
class KindQuery:
    """The compiled rules of one subject kind."""

    kind: str
    rules: tuple[RuleIR, ...]
    sql: str
    """SELECT ``subject_id``, ``r0`` ... ``rN`` (outcome codes) FROM ``egr_subjects``."""
    calendars: frozenset[tuple[WorkCalendar, Counting]]
    """The calendar tables the query joins (see ``workdays.table_names``)."""
    checks: str | None = None
    """The column (a ``Dialect.digest`` of the values ``checked``) that a statement
    reads on every row so that every value the subject model checks is computed, and a value
    it refuses refused, whether or not a rule reads it; ``None`` when none is checked."""


def outcome_column(index: int) -> str:
    """The name of the outcome column of the ``index``-th rule of a kind."""
    return f"r{index}"


def compile_kind(
    ruleset: RuleSet,
    kind: str,
    as_of: dt.date,
    dialect: Dialect,
    extra: Sequence[tuple[str, str]] = (),
    *,
    checked: Sequence[str] = (),
) -> KindQuery:
    """The SELECT computing the outcome of every rule of ``kind`` on every subject.

    ``extra`` adds (name, SQL over ``s``, the subject row) columns to the result; the result
    digests the values ``checked`` (SQL over ``s``) in a column ``KindQuery.checks``."""
    rules = rules_for(ruleset, kind)
    # A first pass counts how often each row-level sub-condition occurs; the second computes
    # those that occur more than once (and those inside 'some'/'every') as columns, once per
    # row, in layers below the outcomes.
    counting = _Generator(dialect, as_of, counting=True)
    for rule in rules:
        _outcome(counting, rule)
    gen = _Generator(
        dialect, as_of, uses=counting.uses, _ids=counting._ids, _numbers=counting._numbers
    )
    outcomes = [f"  {_outcome(gen, r)} AS {outcome_column(i)}" for i, r in enumerate(rules)]
    q = dialect.ident
    layer = SUBJECTS
    calendars: set[tuple[WorkCalendar, Counting]] = set()
    if gen.joins:
        days = []
        lines = []
        for j in gen.joins:
            day_table, workday_table = table_names(j.calendar, j.counting)
            calendars.add((j.calendar, j.counting))
            index, day = f"{j.alias}s.idx", f"{j.alias}e.day"
            if j.counting == "weekdays":  # Monday to Friday beyond the tables too
                beyond = fallback_sql(
                    j.calendar, j.start, j.amount, idx=index, day=day, dialect=dialect
                )
                if beyond is not None:
                    index, day = beyond
            days.append(f"{day} AS {_join_column(j.alias)}")
            lines.append(f"LEFT JOIN {day_table} AS {j.alias}s ON {j.alias}s.day = {j.start}")
            lines.append(
                f"LEFT JOIN {workday_table} AS {j.alias}e ON {j.alias}e.k = {index} + {j.amount}"
            )
        days += [f"{a}s.idx AS {_join_column(a)}_idx" for a in sorted(gen.indexed)]
        lines.insert(0, f"SELECT s.*, {', '.join(days)} FROM {SUBJECTS} AS s")
        layer = "(" + "\n".join(lines) + ")"
    for level in sorted(gen.layers):
        columns = ",\n  ".join(f"{sql} AS {name}" for name, sql in gen.layers[level])
        layer = f"(SELECT s.*,\n  {columns}\nFROM {layer} AS s)"
    added = list(extra)
    if checked:
        added.append((CHECKS, dialect.digest.format(values=", ".join(checked))))
    select = [
        f"  s.{q('id')} AS subject_id",
        *(f"  {sql} AS {q(name)}" for name, sql in added),
        *outcomes,
    ]
    sql = "SELECT\n" + ",\n".join(select) + f"\nFROM {layer} AS s"
    return KindQuery(kind, rules, sql, frozenset(calendars), CHECKS if checked else None)


def _outcome(gen: _Generator, rule: RuleIR) -> str:
    try:
        return gen.outcome(rule)
    except _Unsupported as exc:
        raise SqlUnsupported(rule, str(exc)) from None


def _join_column(alias: str) -> str:
    return f"egr_{alias}"


class _Unsupported(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _V:
    """A compiled expression."""

    sql: str
    kind: str
    nullable: bool
    den: str | None = None
    """A fraction's denominator (never zero: a zero divisor makes it NULL)."""
    den_positive: bool = False
    gap: str | None = None
    """A never-NULL boolean: evaluating this raises ``CalendarGap`` in Python."""
    far: str | None = None
    """A never-NULL boolean, part of ``gap``: this working-day count runs past 9999-12-31
    (``CountPastTheCalendar`` in Python), to a day no Python date reaches."""


@dataclass(frozen=True, slots=True)
class _C:
    """A compiled condition: a never-NULL boolean, and when evaluating it raises a gap."""

    sql: str
    gap: str | None = None


@dataclass(frozen=True, slots=True)
class _Join:
    alias: str
    start: str
    amount: str
    calendar: WorkCalendar
    counting: Counting


@dataclass
class _Context:
    """Where an expression is compiled: the date that matters, and the enclosing items."""

    on: str
    on_static: dt.date | None
    items: frozenset[int] = frozenset()
    """Scopes of the enclosing lambdas' items (empty: the row itself)."""
    splits: int = _SPLITS
    """How many more row-level conditions may be taken out of a list's lambda."""


@dataclass
class _Generator:
    d: Dialect
    as_of: dt.date
    counting: bool = False
    uses: Counter[tuple[Any, ...]] = field(default_factory=Counter)
    joins: list[_Join] = field(default_factory=list)
    indexed: set[str] = field(default_factory=set)
    """Joins whose start's index in the days table the query reads (``bound``)."""
    layers: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    _join_keys: dict[tuple[Any, ...], str] = field(default_factory=dict)
    _shared: dict[tuple[Any, ...], tuple[str, str | None]] = field(default_factory=dict)
    _level: dict[str, int] = field(default_factory=dict)
    _in_join: int = 0
    _meta: dict[tuple[Any, ...], _V] = field(default_factory=dict)
    _ids: dict[int, tuple[int, bool, Any]] = field(default_factory=dict)
    _numbers: dict[Any, int] = field(default_factory=dict)

    # -- shared sub-expressions ----------------------------------------------------------------

    def _key(self, node: Any, ctx: _Context) -> tuple[Any, ...] | None:
        """The sharing key of a row-level node (one that reads no item of a list), else None.
        Equal nodes (the same condition in two rules) have equal keys."""
        if self._in_join or isinstance(node, (Field, Const, AsOf)):
            return None
        if isinstance(node, Param) and not node.versions:
            return None
        number, local = self._key_of(node), self._ids[id(node)][1]
        return None if local else (number, ctx.on)

    def _key_of(self, node: Any) -> int:
        """A number per distinct node value (equal nodes of two rules get the same)."""
        known = self._ids.get(id(node))
        if known is None:
            # Hash each node object once: IR dataclasses hash their whole subtree every time.
            number = self._numbers.setdefault(node, len(self._numbers))
            known = (number, bool(_free_scopes(node) - {0}), node)
            self._ids[id(node)] = known
        return known[0]

    def _share(
        self, key: tuple[Any, ...], ctx: _Context, sql: str, gap: str | None, many: bool
    ) -> bool:
        """Whether to compute a node as a column: when it recurs (``many``: its SQL is used
        several times), or stands inside a lambda (where it would be evaluated once per
        item), and is more than a column reference."""
        if self.counting:
            self.uses[key] += 1
            return False
        recurs = many or self.uses[key] > 1 or bool(ctx.items)
        return recurs and not (_TRIVIAL.fullmatch(sql) and (gap is None or _TRIVIAL.fullmatch(gap)))

    def _column(self, key: tuple[Any, ...], sql: str, gap: str | None) -> tuple[str, str | None]:
        """Compute ``sql`` (and ``gap``) as columns of the first layer above what they read."""
        value = self._layer_column(sql)
        shared = (value, None if gap is None else self._layer_column(gap))
        self._shared[key] = shared
        return shared

    def _layer_column(self, sql: str) -> str:
        level = 1 + max((self._level[n] for n in _SHARED.findall(sql)), default=0)
        name = f"egr_p{len(self._level)}"
        self._level[name] = level
        self.layers.setdefault(level, []).append((name, sql))
        return f"s.{name}"

    @property
    def as_of_sql(self) -> str:
        return f"DATE '{self.as_of.isoformat()}'"

    # -- a rule ------------------------------------------------------------------------------

    def outcome(self, rule: RuleIR) -> str:
        whens: list[str] = []
        if rule.dated_by is None:
            ctx = _Context(self.as_of_sql, self.as_of)
        else:
            day = self.expr(rule.dated_by, _Context(self.as_of_sql, self.as_of))
            if day.gap:
                whens.append(f"WHEN {day.gap} THEN 4")
            on = f"COALESCE({day.sql}, {self.as_of_sql})" if day.nullable else day.sql
            ctx = _Context(on, None)
        if rule.in_force_from is not None:
            if ctx.on_static is not None:
                if ctx.on_static < rule.in_force_from:
                    return "5"
            else:
                whens.append(f"WHEN {ctx.on} < DATE '{rule.in_force_from.isoformat()}' THEN 5")
        if rule.when is not None:
            when = self.cond(rule.when, ctx)
            if when.gap:
                whens.append(f"WHEN {when.gap} THEN 4")
            whens.append(f"WHEN NOT ({when.sql}) THEN 0")
        req = rule.requires
        if isinstance(req, Deadline):
            whens.extend(self.deadline(req, ctx))
        else:
            cond = self.cond(req, ctx)
            if cond.gap:
                whens.append(f"WHEN {cond.gap} THEN 4")
            whens.append(f"WHEN {cond.sql} THEN 1")
            if rule.open_while is not None:  # an unmet obligation still open is pending
                pending = self.cond(rule.open_while, ctx)
                whens.append(f"WHEN {pending.sql} THEN 3")
            whens.append("ELSE 2")
        return "CASE " + " ".join(whens) + " END"

    def deadline(self, d: Deadline, ctx: _Context) -> list[str]:
        due = self.expr(d.due, ctx, many=True)
        done = self.expr(d.done, ctx)
        # An act dated after the as-of date is not done yet (ir.interpret.act_by).
        done = replace(done, sql=f"(CASE WHEN {done.sql} <= {self.as_of_sql} THEN {done.sql} END)")
        start = self.expr(d.start, ctx) if d.start is not None else None
        # A period counted from an act dated after the as-of date has not begun: met. Its
        # last day falls after its start, so only a deadline still running is one not begun.
        not_begun = f"WHEN {start.sql} > {self.as_of_sql} THEN 1 " if start is not None else ""
        out = []
        if due.far:
            # A last day no date reaches (ir.interpret.deadline_facts): awaited, or met.
            out.append(
                f"WHEN {due.far} THEN CASE {not_begun}WHEN {done.sql} IS NOT NULL THEN 1 ELSE 3 END"
            )
        bounds = deadline_bounds(d)
        if due.gap and bounds is not None:
            # The last day is unknown: decided from its earliest and latest possible days
            # when the answer does not depend on the unknown ones (ir.interpret).
            lo, hi = (self.expr(b, ctx) for b in bounds)
            end = f"COALESCE({done.sql}, {self.as_of_sql})"
            # no act yet, on or before the earliest possible last day: still running
            running = (
                f"WHEN {done.sql} IS NULL AND {lo.sql} IS NOT NULL AND {self.as_of_sql} <= "
                f"{lo.sql} THEN 3 "
            )
            out.append(
                f"WHEN {due.gap} THEN CASE {not_begun}WHEN {hi.sql} IS NOT NULL AND "
                f"{end} > {hi.sql} THEN 2 WHEN {done.sql} IS NOT NULL AND {lo.sql} IS NOT NULL AND "
                f"{done.sql} <= {lo.sql} THEN 1 {running}ELSE 4 END"
            )
        elif due.gap:
            out.append(f"WHEN {due.gap} THEN 4")
        if due.nullable:
            out.append(f"WHEN {due.sql} IS NULL THEN 1")
        later = [done.gap] if done.gap else []
        if start is not None and start.gap:
            later.append(start.gap)
        if later:
            out.append(f"WHEN {' OR '.join(later)} THEN 4")
        out.append(
            f"WHEN {done.sql} IS NOT NULL THEN CASE WHEN {done.sql} > {due.sql} THEN 2 ELSE 1 END"
        )
        out.append(f"WHEN {self.as_of_sql} > {due.sql} THEN 2")
        if not_begun:
            out.append(not_begun.strip())
        out.append("ELSE 3")
        return out

    # -- conditions --------------------------------------------------------------------------

    def cond(self, c: Cond, ctx: _Context) -> _C:
        key = self._key(c, ctx)
        if key is not None and key in self._shared:
            sql, gap = self._shared[key]
            return _C(sql, gap)
        out = self._cond(c, ctx)
        if key is not None and self._share(key, ctx, out.sql, out.gap, False):
            sql, gap = self._column(key, out.sql, out.gap)
            return _C(sql, gap)
        return out

    def _cond(self, c: Cond, ctx: _Context) -> _C:
        match c:
            case All(items=items):
                parts = [self.cond(i, ctx) for i in items]
                if not parts:
                    return _C("TRUE")
                sql = "(" + " AND ".join(p.sql for p in parts) + ")"
                return _C(sql, _sequence_gap(parts, stop_when=False))
            case AnyOf(items=items):
                parts = [self.cond(i, ctx) for i in items]
                if not parts:
                    return _C("FALSE")
                sql = "(" + " OR ".join(p.sql for p in parts) + ")"
                return _C(sql, _sequence_gap(parts, stop_when=True))
            case Not(item=item):
                inner = self.cond(item, ctx)
                return _C(f"(NOT {inner.sql})", inner.gap)
            case Present(expr=e):
                return self.present(e, ctx)
            case Compare():
                return self.compare(c, ctx)
            case Some() | Every() if ctx.splits > 0 and (atoms := _atoms(c)):
                return self.split(c, atoms[0], ctx)
            case Some(field=f, item_scope=n, where=where):
                listed = self.expr(f, ctx)
                if where is None:
                    test = f"({self.d.size.format(list=listed.sql)} > 0)"
                    return _C(f"COALESCE({test}, FALSE)" if listed.nullable else test)
                body = self.cond(where, replace(ctx, items=ctx.items | {n}))
                test = self.d.some.format(list=listed.sql, var=_var(n), pred=body.sql)
                return _C(f"COALESCE({test}, FALSE)")
            case Every(field=f, item_scope=n, where=where, require=require):
                listed = self.expr(f, ctx)
                within = replace(ctx, items=ctx.items | {n})
                pred = self.cond(require, within).sql
                if where is not None:
                    pred = f"(NOT {self.cond(where, within).sql} OR {pred})"
                test = self.d.every.format(list=listed.sql, var=_var(n), pred=pred)
                return _C(f"COALESCE({test}, TRUE)")
            case _:
                assert_never(c)

    def split(self, c: Some | Every, atom: Cond, ctx: _Context) -> _C:
        """``c`` with a condition on the row (not on the item) decided outside the lambda:
        ``CASE WHEN atom THEN c[atom := true] ELSE c[atom := false] END``. Each branch's lambda
        runs only on the rows the branch selects and no longer evaluates ``atom`` once per
        item, which is where list conditions spend their time."""
        test = self.cond(atom, ctx)
        fewer = replace(ctx, splits=ctx.splits - 1)
        yes = self.cond(_simplify(_assign(c, atom, _TRUE)), fewer)
        no = self.cond(_simplify(_assign(c, atom, _FALSE)), fewer)
        if yes.sql == no.sql:
            return yes
        return _C(f"(CASE WHEN {test.sql} THEN {yes.sql} ELSE {no.sql} END)", test.gap)

    def present(self, e: Expr, ctx: _Context) -> _C:
        v = self.expr(e, ctx)
        if v.kind == "record":
            return _C(v.sql, v.gap)
        if v.kind == "str":
            test = f"({v.sql} IS NOT NULL AND {v.sql} <> '')" if v.nullable else f"{v.sql} <> ''"
            return _C(test, v.gap)
        if v.kind in ("set", "list"):
            size = f"({self.d.size.format(list=v.sql)} > 0)"
            return _C(f"COALESCE({size}, FALSE)" if v.nullable else size, v.gap)
        tests = []
        if v.nullable:
            tests.append(f"{v.sql} IS NOT NULL")
        if v.den is not None and not v.den_positive:
            tests.append(f"{v.den} IS NOT NULL")
        return _C("(" + " AND ".join(tests) + ")" if tests else "TRUE", v.gap)

    def compare(self, c: Compare, ctx: _Context) -> _C:
        left = self.expr(c.left, ctx)
        if isinstance(c.right, Const) and c.right.value is None:
            # Python: ``eq`` null tests for null, every other operator for not null.
            null = self.is_null(left)
            return _C(null if c.op == "eq" else f"(NOT {null})", left.gap)
        match c.op:
            case "in" | "not_in" | "contains_all":
                return self.membership(c, left)
            case "contains":
                right = self.expr(c.right, ctx)
                if left.kind not in ("set", "list"):
                    raise _Unsupported(f"'contains' on a {left.kind}")
                test = self.d.contains.format(list=left.sql, value=right.sql)
                nullable = left.nullable or right.nullable
                gap = _or(left.gap, self.after(left, right.gap))
                return _C(f"COALESCE({test}, FALSE)" if nullable else test, gap)
            case "eq" | "ne" | "lt" | "le" | "gt" | "ge" as op:
                return self.order(c, op, left, self.expr(c.right, ctx))
            case _:
                assert_never(c.op)

    def order(self, c: Compare, op: OrderOp, left: _V, right: _V) -> _C:
        """A comparison of equality or order."""
        gap = _or(left.gap, self.after(left, right.gap))
        if left.kind in ("set", "list", "record") or right.kind in ("set", "list", "record"):
            raise _Unsupported(f"'{op}' between a {left.kind} and a {right.kind}")
        if left.den is not None or right.den is not None:
            return _C(self.fraction_compare(op, left, right), gap)
        if (
            op in ("eq", "ne")
            and left.kind == "bool"
            and not left.nullable
            and isinstance(c.right, (Const, Param))
            and isinstance(c.right.value, bool)
            and not (isinstance(c.right, Param) and c.right.versions)
        ):
            positive = c.right.value == (op == "eq")
            return _C(left.sql if positive else f"(NOT {left.sql})", gap)
        test = f"({left.sql} {_OPS[op]} {right.sql})"
        if left.nullable or right.nullable:
            test = f"COALESCE({test}, FALSE)"
        return _C(test, gap)

    def membership(self, c: Compare, left: _V) -> _C:
        if not isinstance(c.right, Const) or not isinstance(c.right.value, frozenset):
            raise _Unsupported(f"'{c.op}' needs a list of literal values")
        values = sorted((v for v in c.right.value if v is not None), key=repr)
        literals = [self.literal(v) for v in values]
        not_null = f"(NOT {self.is_null(left)})"
        if c.op == "contains_all":
            if left.kind not in ("set", "list"):
                raise _Unsupported(f"'contains_all' on a {left.kind}")
            tests = [self.d.contains.format(list=left.sql, value=v) for v in literals]
            test = "(" + " AND ".join([not_null, *tests]) + ")"
            return _C(f"COALESCE({test}, FALSE)" if left.nullable else test, left.gap)
        if left.den is not None or left.kind in ("set", "list", "record"):
            raise _Unsupported(f"'{c.op}' on a {left.kind}")
        if not literals:
            return _C("FALSE" if c.op == "in" else not_null, left.gap)
        op = "IN" if c.op == "in" else "NOT IN"
        test = f"({left.sql} {op} ({', '.join(literals)}))"
        return _C(f"COALESCE({test}, FALSE)" if left.nullable else test, left.gap)

    def fraction_compare(self, op: str, left: _V, right: _V) -> str:
        """``n1/d1 op n2/d2`` as ``n1*d2 op n2*d1``, flipped when ``d1*d2`` is negative."""
        lhs = left.sql if right.den is None else f"({left.sql} * {right.den})"
        rhs = right.sql if left.den is None else f"({right.sql} * {left.den})"
        straight = f"COALESCE(({lhs} {_OPS[op]} {rhs}), FALSE)"
        flipped = f"COALESCE(({lhs} {_OPS[FLIP[op]]} {rhs}), FALSE)"
        signs = [
            f"({v.den} > 0)" for v in (left, right) if v.den is not None and not v.den_positive
        ]
        nulls = [f"{v.den} IS NULL" for v in (left, right) if v.den and not v.den_positive]
        if not signs:
            return straight
        sign = signs[0] if len(signs) == 1 else f"({signs[0]} = {signs[1]})"
        if op in ("eq", "ne"):
            return f"(CASE WHEN {' OR '.join(nulls)} THEN FALSE ELSE {straight} END)"
        return (
            f"(CASE WHEN {' OR '.join(nulls)} THEN FALSE "
            f"WHEN {sign} THEN {straight} ELSE {flipped} END)"
        )

    def after(self, first: _V, gap: str | None) -> str | None:
        """The gap of an operand evaluated only when ``first`` is not null, as Python
        evaluates the second operand of a comparison or of a two-operand expression: a null
        first operand decides (false, or null) whatever the second would raise."""
        null = self.is_null(first)
        if gap is None or null == "FALSE":
            return gap
        return f"((NOT {null}) AND {gap})"

    def is_null(self, v: _V) -> str:
        if v.kind == "record":
            return f"(NOT {v.sql})"
        tests = [f"{v.sql} IS NULL"] if v.nullable else []
        if v.den is not None and not v.den_positive:
            tests.append(f"{v.den} IS NULL")
        return "(" + " OR ".join(tests) + ")" if tests else "FALSE"

    # -- expressions -------------------------------------------------------------------------

    def expr(self, e: Expr, ctx: _Context, *, many: bool = False) -> _V:
        key = self._key(e, ctx)
        if key is not None and key in self._shared:
            sql, gap = self._shared[key]
            return replace(self._meta[key], sql=sql, gap=gap)
        out = self._expr(e, ctx)
        if key is not None and out.den is None and self._share(key, ctx, out.sql, out.gap, many):
            self._meta[key] = out
            sql, gap = self._column(key, out.sql, out.gap)
            return replace(out, sql=sql, gap=gap)
        return out

    def _expr(self, e: Expr, ctx: _Context) -> _V:
        match e:
            case Param(versions=versions) if versions:
                return self.versioned(e, ctx)
            case Const(value=v) | Param(value=v):
                return _V(self.literal(v), kind_of(e), v is None)
            case AsOf():
                return _V(self.as_of_sql, "date", False)
            case Field():
                return self.field(e, ctx)
            case YearOf(date=inner):
                v = self.expr(inner, ctx)
                return _V(f"CAST(year({v.sql}) AS BIGINT)", "int", v.nullable, gap=v.gap)
            case DayOf(moment=inner):
                v = self.expr(inner, ctx)
                return _V(f"CAST({v.sql} AS DATE)", "date", v.nullable, gap=v.gap)
            case Len(field=f):
                v = self.expr(f, ctx)
                return _V(self.d.size.format(list=v.sql), "int", v.nullable, gap=v.gap)
            case Arith():
                return self.arith(e, ctx)
            case DaysBetween(start=a, end=b):
                x, y = self.expr(a, ctx), self.expr(b, ctx)
                sql = self.d.days_between.format(start=x.sql, end=y.sql)
                return _V(
                    sql, "int", x.nullable or y.nullable, gap=_or(x.gap, self.after(x, y.gap))
                )
            case HoursBetween(start=a, end=b):
                x, y = self.expr(a, ctx), self.expr(b, ctx)
                us = f"({self.d.epoch_us.format(ts=y.sql)} - {self.d.epoch_us.format(ts=x.sql)})"
                # Python floors the difference to whole seconds before dividing by 3600.
                whole = f"({us} - ((({us} % 1000000) + 1000000) % 1000000))"
                return _V(
                    whole,
                    "decimal",
                    x.nullable or y.nullable,
                    den=str(_US_PER_HOUR),
                    den_positive=True,
                    gap=_or(x.gap, self.after(x, y.gap)),
                )
            case Shift():
                return self.shift(e, ctx)
            case Annual(month_day=md, year=year):
                return self.annual(md, year, ctx)
            case Extremum():
                return self.extremum(e, ctx)
            case _:
                assert_never(e)

    def field(self, f: Field, ctx: _Context) -> _V:
        q = self.d.ident
        nullable = any(f.nullable)
        if f.scope == 0:
            if f.type.kind == "record":
                # A record is there when the deepest nullable record on its path is.
                cut = max((i for i, n in enumerate(f.nullable) if n), default=None)
                if cut is None:
                    return _V("TRUE", "record", False)
                return _V(f"s.{q(SEPARATOR.join(f.path[: cut + 1]))}", "record", False)
            return _V(f"s.{q(SEPARATOR.join(f.path))}", f.type.kind, nullable)
        if f.scope not in ctx.items:
            raise _Unsupported("a field of an item outside its 'some'/'every'")
        ref = _var(f.scope) + "".join(f".{q(n)}" for n in f.path)
        if f.type.kind == "record":
            return _V(f"({ref} IS NOT NULL)" if nullable else "TRUE", "record", False)
        return _V(ref, f.type.kind, nullable)

    def extremum(self, e: Extremum, ctx: _Context) -> _V:
        """The least or greatest ``of`` of the selected items: the list filtered, mapped to
        the values, and reduced; NULL items are skipped and no item gives NULL, as in Python."""
        listed = self.expr(e.field, ctx)
        var = _var(e.item_scope)
        within = replace(ctx, items=ctx.items | {e.item_scope})
        chosen = listed.sql
        if e.where is not None:
            pred = self.cond(e.where, within).sql
            chosen = self.d.filter.format(list=chosen, var=var, pred=pred)
        values = self.d.transform.format(list=chosen, var=var, body=self.expr(e.of, within).sql)
        template = self.d.earliest if e.op == "earliest" else self.d.latest
        return _V(template.format(list=values), kind_of(e), True, gap=listed.gap)

    def arith(self, e: Arith, ctx: _Context) -> _V:
        a, b = self.expr(e.left, ctx), self.expr(e.right, ctx)
        nullable = a.nullable or b.nullable
        gap = _or(a.gap, self.after(a, b.gap))
        if e.op != "div" and a.kind == b.kind == "int":
            op = {"add": "+", "sub": "-", "mul": "*"}[e.op]
            return _V(f"({a.sql} {op} {b.sql})", "int", nullable, gap=gap)
        # Decimal arithmetic on fractions n/d; a missing d is 1.
        an, ad = a.sql, a.den
        bn, bd = b.sql, b.den
        positive = (a.den is None or a.den_positive) and (b.den is None or b.den_positive)
        match e.op:
            case "add" | "sub":
                sign = "+" if e.op == "add" else "-"
                left = an if bd is None else f"({an} * {bd})"
                right = bn if ad is None else f"({bn} * {ad})"
                den = _mul(ad, bd)
                return _V(f"({left} {sign} {right})", "decimal", nullable, den, positive, gap)
            case "mul":
                return _V(f"({an} * {bn})", "decimal", nullable, _mul(ad, bd), positive, gap)
            case "div":
                # (an/ad) / (bn/bd) = (an*bd) / (ad*bn); a zero divisor gives NULL, like None.
                num = an if bd is None else f"({an} * {bd})"
                den = f"NULLIF({bn if ad is None else f'({ad} * {bn})'}, 0)"
                return _V(num, "decimal", nullable, den, False, gap)
            case _:
                assert_never(e.op)

    def shift(self, e: Shift, ctx: _Context) -> _V:
        a, n = self.expr(e.date, ctx), self.expr(e.amount, ctx)
        nullable = a.nullable or n.nullable
        gap = _or(a.gap, self.after(a, n.gap))
        match e.unit:
            case "days":
                return _V(self.d.add_days.format(date=a.sql, n=n.sql), "date", nullable, gap=gap)
            case "months":
                sql = self.d.add_months.format(date=a.sql, n=n.sql)
                return _V(sql, "date", nullable, gap=gap)
            case "years":
                sql = self.d.add_months.format(date=a.sql, n=f"(12 * {n.sql})")
                return _V(sql, "date", nullable, gap=gap)
            case "working_days":
                pass  # counted on the calendar tables, below
            case _:
                assert_never(e.unit)
        if ctx.items:
            raise _Unsupported("working days counted inside 'some'/'every'")
        count = _static_int(e.amount)
        if count is not None and count <= 0:
            return _V(a.sql, "date", a.nullable, gap=gap)  # no day is looked at
        if e.bound is not None and count is not None and not self._in_join:
            bound = self.bound(e, a.sql, count, ctx)
            if bound is not None:  # never a gap: NULL where no bound is known
                return _V(bound, "date", True, gap=gap)
        alias = self.join(e, ctx)
        day = f"{alias}e.day" if self._in_join else f"s.{_join_column(alias)}"
        if count is not None:
            # A NULL start finds no row: the day is NULL then, as Python's is None.
            if e.bound is not None:  # a bound past the tables is unknown (NULL), never a gap
                return _V(day, "date", True, gap=gap)
            known = [f"{a.sql} IS NOT NULL"] * a.nullable
            own = "(" + " AND ".join([*known, f"{day} IS NULL"]) + ")"
            return self.past_the_calendar(e, day, _or(gap, own))
        null_test = " OR ".join(
            [f"{a.sql} IS NULL"] * a.nullable + [f"{n.sql} IS NULL"] * n.nullable
        )
        lead = f"WHEN {null_test} THEN NULL " if null_test else ""
        sql = f"(CASE {lead}WHEN {n.sql} <= 0 THEN {a.sql} ELSE {day} END)"
        if e.bound is not None:
            return _V(sql, "date", True, gap=gap)
        known = [f"{a.sql} IS NOT NULL"] * a.nullable + [f"{n.sql} IS NOT NULL"] * n.nullable
        own = "(" + " AND ".join([*known, f"{n.sql} > 0", f"{day} IS NULL"]) + ")"
        return self.past_the_calendar(e, sql, _or(gap, own))

    def past_the_calendar(self, e: Shift, sql: str, gap: str | None) -> _V:
        """A working-day count's day: with the weekday fallback, a day past 9999-12-31 is a
        count Python cannot make (``CountPastTheCalendar``), a gap but for a deadline's last
        day (``deadline``)."""
        if not e.weekday_fallback or self._in_join:
            return _V(sql, "date", True, gap=gap)
        far = f"COALESCE({sql} > DATE '9999-12-31', FALSE)"
        return _V(sql, "date", True, gap=_or(far, gap), far=far)

    def bound(self, e: Shift, start: str, count: int, ctx: _Context) -> str | None:
        """A bound of a fixed count of working days, from the lookup of the day itself (the
        same two joins): no join of its own (``workdays.bound_sql``)."""
        assert e.bound is not None
        alias = self.join(replace(e, bound=None), ctx)
        column = f"s.{_join_column(alias)}"
        sql = bound_sql(
            e.calendar, e.bound, count, start=start, idx=f"{column}_idx", day=column, dialect=self.d
        )
        if sql is not None:
            self.indexed.add(alias)
        return sql

    def join(self, e: Shift, ctx: _Context) -> str:
        """The alias of the calendar joins that count ``e``'s working days. Their keys are
        compiled without shared columns: the joins come before the first layer."""
        self._in_join += 1
        try:
            start = self.expr(e.date, ctx).sql
            amount = self.expr(e.amount, ctx).sql
        finally:
            self._in_join -= 1
        counting: Counting = "weekdays" if e.weekday_fallback else (e.bound or "gap")
        key = (start, amount, e.calendar, counting)
        alias = self._join_keys.get(key)
        if alias is None:
            alias = f"w{len(self.joins) + 1}"
            self._join_keys[key] = alias
            self.joins.append(_Join(alias, start, amount, e.calendar, counting))
        return alias

    def annual(self, md: Expr, year: Expr, ctx: _Context) -> _V:
        y = self.expr(year, ctx)
        if not isinstance(md, Param):
            raise _Unsupported("'annual' needs a month_day parameter")
        if md.versions and ctx.on_static is None:
            month = self.case_on([(d, v[0]) for d, v in md.versions], ctx)
            day = self.case_on([(d, v[1]) for d, v in md.versions], ctx)
        else:
            value = value_on(md.versions, ctx.on_static or self.as_of) if md.versions else md.value
            if value is None:
                return _V("CAST(NULL AS DATE)", "date", True, gap=y.gap)
            month, day = str(value[0]), str(value[1])
        yy = f"CAST({y.sql} AS INT)"
        first = f"make_date({yy}, {month}, 1)"
        # Only February's length depends on the year: another month's day is never clamped.
        static = month.isdigit() and day.isdigit() and (month != "2" or int(day) <= 28)
        clamped = day if static else f"least({day}, day(last_day({first})))"
        sql = self.d.make_date.format(year=yy, month=month, day=clamped)
        return _V(sql, "date", True, gap=y.gap)

    def versioned(self, p: Param, ctx: _Context) -> _V:
        if ctx.on_static is not None:
            value = value_on(p.versions, ctx.on_static)
            return _V(self.literal(value), kind_of(p), value is None)
        return _V(self.case_on(list(p.versions), ctx), kind_of(p), True)

    def case_on(self, versions: list[tuple[dt.date, Any]], ctx: _Context) -> str:
        """The value in force on the date that matters (NULL before the first version)."""
        whens = [
            f"WHEN {ctx.on} >= DATE '{start.isoformat()}' THEN {self.literal(v)}"
            for start, v in reversed(versions)
        ]
        return "(CASE " + " ".join(whens) + " END)"

    def literal(self, value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # untyped: the engine types it by what it meets
        try:
            return literal(value, None, self.d)
        except TypeError:
            raise _Unsupported(f"no SQL literal for {value!r}") from None


# A column reference (negated, or tested for null) costs less than a column of its own.
_TRUE = All(())
_FALSE = AnyOf(())
_TRIVIAL = re.compile(r'\(?(NOT )?s\.("[^"]+"|egr_\w+)( IS (NOT )?NULL)?\)?')
_SHARED = re.compile(r"\begr_p\d+\b")


def _atoms(c: Some | Every) -> list[Cond]:
    """The conditions inside a list condition that read no item of its list (nor of a list
    inside it) and look up no working day: they can be decided once per row."""
    own = set(range(c.item_scope, c.item_scope + 64))
    found: list[Cond] = []

    def look(node: Cond | None) -> None:
        match node:
            case None:
                return
            case All(items=items) | AnyOf(items=items):
                for item in items:
                    look(item)
                return
            case Not(item=item):
                look(item)
                return
            case Present() | Compare() | Some() | Every():
                pass
            case _:
                assert_never(node)
        if _free_scopes(node) & own or _counts_working_days(node):
            match node:
                case Some(where=where):
                    look(where)
                case Every(where=where, require=require):
                    look(where)
                    look(require)
                case Present() | Compare():
                    pass
                case _:
                    assert_never(node)
            return
        atom, _ = _canonical(node)
        if atom not in found:
            found.append(atom)

    match c:
        case Some(where=where):
            look(where)
        case Every(where=where, require=require):
            look(where)
            look(require)
        case _:
            assert_never(c)
    return found


def _counts_working_days(node: Node) -> bool:
    return any(isinstance(n, Shift) and n.unit == "working_days" for n in walk(node))


def _canonical(node: Cond) -> tuple[Cond, bool]:
    """A condition as (atom, polarity): a never-null flag compared with false is the flag's
    test negated, so that ``x`` and ``not x`` are split on once."""
    match node:
        case Compare(op="eq" | "ne" as op, left=Field() as f, right=Const(value=bool() as v)) if (
            f.type.kind == "bool" and not any(f.nullable)
        ):
            return Compare("eq", f, Const(True)), v == (op == "eq")
    return node, True


def _assign(node: Cond, atom: Cond, value: Cond) -> Cond:
    """``node`` with every occurrence of the condition ``atom`` replaced by ``value``."""
    if isinstance(node, (Compare, Present, Some, Every)):
        canonical, positive = _canonical(node)
        if canonical == atom:
            return value if positive else (_FALSE if value == _TRUE else _TRUE)
    match node:
        case All(items=items):
            return All(tuple(_assign(i, atom, value) for i in items))
        case AnyOf(items=items):
            return AnyOf(tuple(_assign(i, atom, value) for i in items))
        case Not(item=item):
            return Not(_assign(item, atom, value))
        case Some(where=where):
            return node if where is None else replace(node, where=_assign(where, atom, value))
        case Every(where=where, require=require):
            new_where = None if where is None else _assign(where, atom, value)
            return replace(node, where=new_where, require=_assign(require, atom, value))
        case Present() | Compare():
            return node
        case _:
            assert_never(node)


def _simplify(node: Cond) -> Cond:
    """Fold the constants ``_assign`` left: true is ``All(())``, false ``AnyOf(())``."""
    match node:
        case All(items=items):
            kept = [s for s in (_simplify(i) for i in items) if s != _TRUE]
            if _FALSE in kept:
                return _FALSE
            return kept[0] if len(kept) == 1 else All(tuple(kept))
        case AnyOf(items=items):
            kept = [s for s in (_simplify(i) for i in items) if s != _FALSE]
            if _TRUE in kept:
                return _TRUE
            return kept[0] if len(kept) == 1 else AnyOf(tuple(kept))
        case Not(item=item):
            inner = _simplify(item)
            if inner == _TRUE:
                return _FALSE
            if inner == _FALSE:
                return _TRUE
            return inner.item if isinstance(inner, Not) else Not(inner)
        case Some(where=where):
            if where is None:
                return node
            inner = _simplify(where)
            if inner == _FALSE:
                return _FALSE
            return replace(node, where=None if inner == _TRUE else inner)
        case Every(where=where, require=require):
            w = None if where is None else _simplify(where)
            r = _simplify(require)
            if w == _FALSE or r == _TRUE:
                return _TRUE
            w = None if w == _TRUE else w
            if r == _FALSE:
                return Not(Some(node.field, node.item_scope, w))
            return replace(node, where=w, require=r)
        case Present() | Compare():
            return node
        case _:
            assert_never(node)


def _free_scopes(node: Node) -> frozenset[int]:
    """Scopes of the fields a node reads that it does not bind itself (``some``/``every``
    bind their items' scope)."""
    match node:
        case Field(scope=scope):
            return frozenset((scope,))
        case Some(field=f, item_scope=n, where=where):
            inner = _free_scopes(where) if where is not None else frozenset()
            return _free_scopes(f) | (inner - {n})
        case Every(field=f, item_scope=n, where=where, require=require):
            inner = _free_scopes(require) | (_free_scopes(where) if where else frozenset())
            return _free_scopes(f) | (inner - {n})
        case Extremum(field=f, item_scope=n, where=where, of=of):
            inner = _free_scopes(of) | (_free_scopes(where) if where else frozenset())
            return _free_scopes(f) | (inner - {n})
        case _:
            out: frozenset[int] = frozenset()  # binds nothing: what its children read
            for child in children(node):
                out |= _free_scopes(child)
            return out


def _static_int(e: Expr) -> int | None:
    """The value of a constant whole number (a literal or an unversioned parameter)."""
    constant = isinstance(e, Const) or (isinstance(e, Param) and not e.versions)
    value = e.value if isinstance(e, (Const, Param)) else None
    if constant and isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _var(scope: int) -> str:
    return f"egr_it{scope}"


def _or(*gaps: str | None) -> str | None:
    present = [g for g in gaps if g]
    if not present:
        return None
    return present[0] if len(present) == 1 else "(" + " OR ".join(present) + ")"


def _mul(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return f"({a} * {b})"


def _sequence_gap(parts: list[_C], *, stop_when: bool) -> str | None:
    """When evaluating ``all`` (``stop_when`` False) or ``any`` (True) raises a gap: Python
    stops at the first item that decides, so an item's gap counts only when every item
    before it was evaluated and did not decide."""
    last = max((i for i, p in enumerate(parts) if p.gap), default=None)
    if last is None:
        return None
    clauses = []
    for p in parts[: last + 1]:
        if p.gap:
            clauses.append(f"WHEN {p.gap} THEN TRUE")
        decided = p.sql if stop_when else f"NOT {p.sql}"
        clauses.append(f"WHEN {decided} THEN FALSE")
    return "(CASE " + " ".join(clauses) + " ELSE FALSE END)"
