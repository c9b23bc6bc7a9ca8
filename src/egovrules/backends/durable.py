"""The durable-rules backend: the rule IR compiled into durable-rules (Rete) rulesets.

One subject is one *fact*: a flat JSON object that holds, under short keys, the subject fields
the rules compare (dates as day ordinals, null fields left out), the evaluation date
(``asof``), and the values durable-rules cannot compute. Facts persist until retracted and every
rule that matches a fact fires, so one assertion reports every violated rule: the
event-consuming alternative (a posted event is consumed by the first rule it matches) would
lose violations. Each IR rule becomes one durable rule firing when the rule is *violated*, and a
deadline rule a second one firing while it is *pending*, whose action yields the last day in
time so that the monitor can set a timer.

**What durable-rules evaluates, and what it does not.** Comparisons of a scalar field (bool,
int, str, date) with a constant or another such field, presence tests, ``in``/``not_in`` over
constants, the evaluation date, and every ``all``/``any``/``not`` above them are compiled into
durable-rules' condition language. The rest is *lowered*: computed in Python and asserted as
a value on the fact, which the durable rule then tests (``KindProgram.fact`` computes the fact
with the reference interpreter, ``egovrules.ir.interpret``; the monitor with the same fact
compiled to Python, ``egovrules.backends.durable_slots``):

* conditions over lists and sets (``some``, ``every``, ``contains``, the ``earliest`` or
  ``latest`` date of a list), decimals (durable-rules compares floats, and 10 % must not
  become 10.000000000000002 %), date-times, arithmetic and calendar expressions (working
  days, months, annual dates), versioned parameters;
* the last day in time of every deadline (``egovrules.law.calendar`` computes it);
* a whole ``when``, ``requires`` or ``pending`` (``open_while``) whose compiled form would
  exceed durable-rules' limits (at most 31 expressions per rule:
  ``ERR_EXPRESSION_LIMIT_EXCEEDED``).
* a rule's scope (whom its article binds, ``RuleIR.scope``), shared by most rules of a kind:
  one flag of the fact, interpreted once for all of them. Spelt out, its disjunction (the
  standing not recorded, or one of the bodies named) multiplies the alpha nodes durable-rules
  may stack for everything after it, and the stack limit below then splits the kind's rules
  into many small groups, each asserted on its own (Wuhan's websites: 19 groups, 6 with the
  flag).

Null semantics are the IR's, written out: durable-rules treats a comparison with a missing
field on its right-hand side as *true*, so every field a comparison reads is guarded by an
explicit existence test, and ``not`` is pushed down to the leaves with the null cases spelt
out. A lowered condition that meets a year the holiday calendar does not cover is left off the
fact, so that neither its truth nor its falsity matches, which is the reference's
``undetermined``; conditions that may meet such a gap are compiled with the left-to-right
short-circuit order of the reference.

durable-rules walks a fact through its alpha network with a fixed stack of 64 nodes
(``ERR_MAX_STACK_SIZE`` when more branches match at once: the reported failures of rulesets
with many rules) and accepts at most 255 properties per fact. The rules of a kind are
therefore split into groups whose worst-case branching and key count stay under those limits,
one durable ruleset per group; a subject's fact is asserted into each (each group's part of
it), what fired is read, and the fact is retracted. A rule matches one fact, so what a group's
rules fire is a function of its part of the fact: a session remembers it for the parts it has
met (``DurableSession._fire``).

This module compiles; ``DurableProgram`` is the compiled, immutable form, with no state.
``egovrules.backends.durable_session`` runs it: a ``DurableSession`` owns the durable-rules
rulesets of one monitor.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, assert_never

from egovrules.backends.base import rules_for
from egovrules.ir.conditions import UNKNOWN_PATH
from egovrules.ir.interpret import eval_cond, eval_expr
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
    deadline_bounds,
    walk,
)
from egovrules.law.calendar import CalendarGap
from egovrules.packdata.operators import FLIP, NEGATE
from egovrules.source.errors import EgovrulesError

__all__ = [
    "DurableError",
    "DurableProgram",
    "KindProgram",
    "compile_durable",
    "path_value",
    "walk_ir",
]

# Limits of durable-rules 2.0.28 (src/rules/rete.h, events.c, state.h), with a margin.
MAX_EXPRESSIONS = 31  # MAX_SEQUENCE_EXPRESSIONS is 32; the 32nd is refused
MAX_BRANCHES = 56  # MAX_STACK_SIZE is 64
MAX_KEYS = 240  # MAX_OBJECT_PROPERTIES is 255
TAG = "_t"  # every rule tests it, so durable-rules' own state record never matches

_NATIVE_KINDS = ("bool", "int", "str", "date")
_DURABLE_OPS = {"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}


class DurableError(EgovrulesError):
    """durable-rules refused a compiled ruleset or a fact (a limit of the engine)."""


# ---- formulas: the boolean structure sent to durable-rules --------------------------------


@dataclass(frozen=True, slots=True)
class _Leaf:
    text: str  # the JSON of the test, canonical so that equal tests compare equal
    keys: tuple[str, ...]
    refs: int  # 1 when the leaf compares two fields (durable-rules counts it as an expression)
    dates: DateTest | None = None  # how it compares the evaluation date, when it does


DateTest = tuple[str, str | None, Any]
"""A comparison of the evaluation date: ``asof op`` the fact's key, or (key None) a constant."""


@dataclass(frozen=True, slots=True)
class _Op:
    op: Literal["and", "or"]
    items: tuple[Formula, ...]


@dataclass(frozen=True, slots=True)
class _Truth:
    value: bool


Formula = _Leaf | _Op | _Truth
TRUE = _Truth(True)
FALSE = _Truth(False)


def _and(*items: Formula) -> Formula:
    out: list[Formula] = []
    for f in items:
        if f == FALSE:
            return FALSE
        if f == TRUE:
            continue
        out.extend(f.items if isinstance(f, _Op) and f.op == "and" else (f,))
    return TRUE if not out else out[0] if len(out) == 1 else _Op("and", tuple(dict.fromkeys(out)))


def _or(*items: Formula) -> Formula:
    out: list[Formula] = []
    for f in items:
        if f == TRUE:
            return TRUE
        if f == FALSE:
            continue
        out.extend(f.items if isinstance(f, _Op) and f.op == "or" else (f,))
    return FALSE if not out else out[0] if len(out) == 1 else _Op("or", tuple(dict.fromkeys(out)))


def _leaf(
    body: dict[str, Any], keys: tuple[str, ...], refs: int, dates: DateTest | None = None
) -> _Leaf:
    return _Leaf(json.dumps(body, sort_keys=True), keys, refs, dates)


def _exists(key: str) -> _Leaf:
    return _leaf({"$ex": {key: 1}}, (key,), 0)


def _missing(key: str) -> _Leaf:
    return _leaf({"$nex": {key: 1}}, (key,), 0)


def _cmp(key: str, op: str, value: Any) -> _Leaf:
    """``key op value`` for a JSON constant."""
    body = {key: value} if op == "eq" else {_DURABLE_OPS[op]: {key: value}}
    return _leaf(body, (key,), 0, (op, None, value) if key == "asof" else None)


def _cmp_ref(key: str, op: str, other: str) -> _Leaf:
    """``key op other`` for two keys of the same fact."""
    ref = {"$m": other}
    body = {key: ref} if op == "eq" else {_DURABLE_OPS[op]: {key: ref}}
    dates: DateTest | None = None
    if key == "asof" and other != "asof":
        dates = (op, other, None)
    elif other == "asof" and key != "asof":
        dates = (FLIP[op], key, None)
    return _leaf(body, (key, other), 1, dates)


def _to_json(f: Formula) -> dict[str, Any]:
    if isinstance(f, _Leaf):
        return json.loads(f.text)  # type: ignore[no-any-return]
    assert isinstance(f, _Op)
    return {f"${f.op}": [_to_json(i) for i in f.items]}


def _expressions(f: Formula) -> int:
    """What durable-rules counts against MAX_SEQUENCE_EXPRESSIONS."""
    if isinstance(f, _Leaf):
        return f.refs
    if isinstance(f, _Op):
        return 2 + sum(_expressions(i) for i in f.items)
    return 0


def _branches(f: Formula) -> tuple[int, int]:
    """(pushes, paths): an upper bound of the alpha nodes durable-rules may stack for ``f``,
    and the number of paths leaving it (an ``or`` joins its branches in one node that each
    branch pushes again)."""
    if isinstance(f, _Leaf):
        return 1, 1
    if isinstance(f, _Truth):
        return 0, 1
    if f.op == "and":
        pushes, paths = 0, 1
        for item in f.items:
            p, e = _branches(item)
            pushes += paths * p
            paths *= e
        return pushes, paths
    sub = [_branches(i) for i in f.items]
    paths = sum(e for _, e in sub)
    return sum(p for p, _ in sub) + paths, paths


def _keys(f: Formula) -> set[str]:
    if isinstance(f, _Leaf):
        return set(f.keys)
    if isinstance(f, _Op):
        return set().union(*(_keys(i) for i in f.items))
    return set()


def _leaves(f: Formula) -> Iterator[_Leaf]:
    if isinstance(f, _Leaf):
        yield f
    elif isinstance(f, _Op):
        for item in f.items:
            yield from _leaves(item)


def _date_tests(formulas: Iterable[Formula]) -> tuple[DateTest, ...] | None:
    """Every comparison of the evaluation date in ``formulas`` (None: one reads it some
    other way)."""
    tests: dict[DateTest, None] = {}
    for leaf in (leaf for f in formulas for leaf in _leaves(f)):
        if "asof" in leaf.keys:
            if leaf.dates is None:
                return None
            tests[leaf.dates] = None
    return tuple(tests)


_HOLDS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


# ---- slots: what a fact holds ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldSlot:
    """A subject field the durable rules compare directly."""

    key: str
    path: tuple[str, ...]
    kind: str


@dataclass(frozen=True, slots=True)
class LoweredSlot:
    """A condition (1 true, 0 false) or a date (an ordinal) computed in Python for the fact
    (by the generated code of ``durable_slots``; ``KindProgram.fact``, the reference, by the
    interpreter); left off the fact when null or undetermined."""

    key: str
    node: Cond | Expr
    dated_by: Expr | None
    is_condition: bool


@dataclass(frozen=True, slots=True)
class DurableRule:
    """One durable rule: the IR rule it comes from, what its firing means, its condition."""

    name: str
    index: int
    fires_when: Literal["violated", "pending", "recheck"]
    """``recheck``: undetermined until the day ``due_key`` holds, when the monitor evaluates
    the subject again (a working-day deadline between its possible last days)."""
    due_key: str | None
    formula: Formula


@dataclass(frozen=True, slots=True)
class KindProgram:
    """The compiled rules of one subject kind."""

    kind: str
    rules: tuple[RuleIR, ...]
    fields: tuple[FieldSlot, ...]
    lowered: tuple[LoweredSlot, ...]
    durable_rules: tuple[DurableRule, ...]
    groups: tuple[tuple[int, ...], ...]  # indexes into durable_rules, one durable ruleset each
    group_keys: tuple[frozenset[str], ...]
    in_force_from: tuple[int, ...] = ()
    """The days (ordinals) rules come into force on, each a flag of the fact (``in_force_key``):
    a group without a deadline reads no date that changes every day."""
    date_tests: tuple[tuple[DateTest, ...] | None, ...] = ()
    """Per group, its comparisons of the evaluation date (``date_moved``)."""
    dated_in_force: tuple[tuple[int, str], ...] = ()
    """(day, key): rules dated by the fact's ``key`` come into force on that day, each a flag
    of the fact (``dated_in_force_key``) that the date that matters is on or after it."""
    _access: tuple[tuple[str, tuple[str, ...], str], ...] = field(
        init=False, repr=False, compare=False
    )  # (key, path, kind) of each field slot

    def __post_init__(self) -> None:
        object.__setattr__(self, "_access", tuple((f.key, f.path, f.kind) for f in self.fields))

    def definitions(self) -> list[dict[str, Any]]:
        """The durable-rules ruleset definitions (JSON-able), one per group."""
        out = []
        for group in self.groups:
            rules = {}
            for i in group:
                r = self.durable_rules[i]
                body = _and(_cmp(TAG, "eq", 1), r.formula)
                rules[r.name] = {"all": [{"m": _to_json(body)}]}
            out.append(rules)
        return out

    def fact(self, subject: Any, as_of: dt.date) -> dict[str, Any]:
        """The fact of ``subject`` evaluated on ``as_of`` (without ids), its lowered slots
        interpreted: the reference of the compiled fact (``backends.durable_slots``)."""
        day = as_of.toordinal()
        fact: dict[str, Any] = {TAG: 1, "asof": day}
        for start in self.in_force_from:
            fact[in_force_key(start)] = int(day >= start)
        for key, path, kind in self._access:
            value = subject
            for name in path:
                value = getattr(value, name)
                if value is None:
                    break
            else:
                fact[key] = (
                    value.toordinal() if kind == "date" else True if kind == "record" else value
                )
        on_cache: dict[Expr | None, dt.date] = {}
        for s in self.lowered:
            on = on_cache.get(s.dated_by)
            if on is None:
                on = on_cache[s.dated_by] = _on(s.dated_by, subject, as_of)
            try:
                if s.is_condition:
                    fact[s.key] = int(eval_cond(s.node, (subject,), as_of, on))  # type: ignore[arg-type]
                else:
                    value = eval_expr(s.node, (subject,), as_of, on)  # type: ignore[arg-type]
                    if value is not None:
                        fact[s.key] = value.toordinal()
            except CalendarGap:
                continue  # undetermined: neither true nor false
        for start, key in self.dated_in_force:  # the evaluation date where the fact has none
            fact[dated_in_force_key(start, key)] = int(fact.get(key, day) >= start)
        return fact

    def date_moved(self, group: int, before: dict[str, Any], fact: dict[str, Any]) -> bool:
        """Whether the group's rules may fire otherwise on ``fact`` than on ``before`` because
        the evaluation date moved, all else equal: true when one of its comparisons of the date
        holds on one date and not on the other (a comparison with a key the fact leaves out
        does not read the date: durable-rules decides it alike on both). A deadline's rules
        read the date only so, and a day that crosses none of their days changes none of their
        verdicts."""
        tests = self.date_tests[group]
        if tests is None:
            return True
        then, now = before["asof"], fact["asof"]
        for op, key, const in tests:
            value = const if key is None else fact.get(key)
            if value is None or (key is not None and before.get(key) != value):
                continue  # the same test on both dates, or the key's own change asserts it
            holds = _HOLDS[op]
            if holds(then, value) != holds(now, value):
                return True
        return False

    @property
    def native_share(self) -> float:
        """Share of the fact's rule inputs durable-rules compares itself (fields vs lowered)."""
        total = len(self.fields) + len(self.lowered)
        return len(self.fields) / total if total else 1.0


@dataclass(frozen=True, slots=True)
class DurableProgram:
    """A whole pack compiled for durable-rules, by subject kind."""

    pack_id: str
    kinds: dict[str, KindProgram]


def compile_durable(ruleset: RuleSet) -> DurableProgram:
    """Compile every rule of the pack; the same IR the other backends are built from."""
    kinds = {}
    for kind in sorted({r.subject for r in ruleset.rules}):
        kinds[kind] = _KindCompiler(kind, rules_for(ruleset, kind)).program()
    return DurableProgram(ruleset.pack_id, kinds)


def in_force_key(start: int) -> str:
    """The fact's key saying whether the evaluation date is on or after day ``start``."""
    return f"in{start}"


def dated_in_force_key(start: int, key: str) -> str:
    """The fact's key saying whether its ``key`` (or, without one, the evaluation date) is on
    or after day ``start``."""
    return f"in{start}{key}"


def path_value(subject: Any, path: tuple[str, ...]) -> Any:
    """The value at ``path`` of ``subject`` (``None`` past a null)."""
    value = subject
    for name in path:
        if value is None:
            return None
        value = getattr(value, name)
    return value


def _on(dated_by: Expr | None, subject: Any, as_of: dt.date) -> dt.date:
    if dated_by is None:
        return as_of
    day = eval_expr(dated_by, (subject,), as_of)
    return day if day is not None else as_of


class _KindCompiler:
    def __init__(self, kind: str, rules: tuple[RuleIR, ...]) -> None:
        self.kind = kind
        self.rules = rules
        self.fields: dict[tuple[str, ...], FieldSlot] = {}
        self.lowered: dict[tuple[Any, Expr | None, bool], LoweredSlot] = {}
        self._versioned = self._gaps = True
        self.starts: set[int] = set()
        self.dated_starts: set[tuple[int, str]] = set()

    def program(self) -> KindProgram:
        durable: list[DurableRule] = []
        for i, rule in enumerate(self.rules):
            durable.extend(self.rule(i, rule))
        groups, keys = self.groups(durable)
        return KindProgram(
            self.kind,
            self.rules,
            tuple(self.fields.values()),
            tuple(self.lowered.values()),
            tuple(durable),
            groups,
            keys,
            tuple(sorted(self.starts)),
            tuple(_date_tests(durable[i].formula for i in group) for group in groups),
            tuple(sorted(self.dated_starts)),
        )

    def groups(
        self, durable: list[DurableRule]
    ) -> tuple[tuple[tuple[int, ...], ...], tuple[frozenset[str], ...]]:
        groups: list[list[int]] = []
        keys: list[set[str]] = []
        budget = 0
        for i, r in enumerate(durable):
            pushes = _branches(r.formula)[0]
            rk = _keys(r.formula) | ({r.due_key} if r.due_key else set())
            if not groups or budget + pushes > MAX_BRANCHES or len(keys[-1] | rk) > MAX_KEYS:
                groups.append([])
                keys.append(set())
                budget = 0
            groups[-1].append(i)
            keys[-1] |= rk
            budget += pushes
        return tuple(map(tuple, groups)), tuple(map(frozenset, keys))

    # -- one rule --------------------------------------------------------------------------

    def rule(self, index: int, rule: RuleIR) -> Iterator[DurableRule]:
        """The durable rules of one IR rule, lowering its parts until they fit the limits."""
        for lower in ((), ("requires",), ("requires", "when"), ("requires", "when", "open")):
            made = list(self._rule(index, rule, lower))
            if all(_fits(r.formula) for r in made):
                yield from made
                return
        raise AssertionError(f"{rule.id}: cannot fit durable-rules' limits")  # pragma: no cover

    def _rule(self, index: int, rule: RuleIR, lower: tuple[str, ...]) -> Iterator[DurableRule]:
        # Most rules hold neither versioned parameters nor working days: skip the walks.
        parts = (rule.when, rule.requires, rule.open_while)
        self._versioned = walk_ir(parts, _is_versioned)
        self._gaps = walk_ir(parts, _may_gap)
        in_force = self.in_force(rule)
        when: Formula = TRUE
        if rule.when is not None:
            when = (
                self.lowered_tf(rule.when, rule)[0]
                if "when" in lower
                else self.tf(rule.when, rule)[0]
            )
        req = rule.requires
        if isinstance(req, Deadline):
            due = self.value(req.due, rule)
            done = self.date_key(req.done, rule)
            done_nullable = self.nullable_date(req.done)

            # An act dated after the evaluation date is not done yet (ir.interpret.act_by),
            # so a deadline is late only once its last day has passed: the evaluation date
            # after it, and no act or an act after it.
            def late_after(day: str) -> Formula:
                not_in_time: Formula = _cmp_ref(done, "gt", day)
                if done_nullable:
                    not_in_time = _or(_missing(done), not_in_time)
                return _and(_exists(day), _cmp_ref("asof", "gt", day), not_in_time)

            late = late_after(due)
            bounds = deadline_bounds(req)
            if bounds is not None:
                # A last day the calendar cannot tell (no ``due``): late all the same after
                # its latest possible day (ir.interpret.deadline_facts); where ``due`` is
                # known the latest possible day is that day.
                late = _or(late, late_after(self.value(bounds[1], rule)))
            violated = _and(in_force, when, late)
            yield DurableRule(f"v{index}", index, "violated", None, violated)
            not_done: Formula = _cmp_ref(done, "gt", "asof")
            if done_nullable:
                not_done = _or(_missing(done), not_done)
            if req.start is not None:
                # A period counted from an act dated after the evaluation date has not
                # begun (its last day is later still, so it is never late).
                not_done = _and(_cmp_ref(self.date_key(req.start, rule), "le", "asof"), not_done)
            pending = _and(in_force, when, _exists(due), _cmp_ref("asof", "le", due), not_done)
            yield DurableRule(f"p{index}", index, "pending", due, pending)
            if bounds is not None:
                guard = _and(in_force, when, _missing(due), not_done)
                yield from self.unknown_last_day(index, rule, guard)
            return
        fails = self.lowered_tf(req, rule)[1] if "requires" in lower else self.tf(req, rule)[1]
        if rule.open_while is None:
            yield DurableRule(f"v{index}", index, "violated", None, _and(in_force, when, fails))
            return
        # An unmet obligation is open (pending, no last day) while ``pending`` holds.
        open_, closed, _ = (
            self.lowered_tf(rule.open_while, rule)
            if "open" in lower
            else self.tf(rule.open_while, rule)
        )
        yield DurableRule(f"v{index}", index, "violated", None, _and(in_force, when, fails, closed))
        yield DurableRule(f"p{index}", index, "pending", None, _and(in_force, when, fails, open_))

    def unknown_last_day(self, index: int, rule: RuleIR, unknown: Formula) -> Iterator[DurableRule]:
        """A deadline not yet met whose last day the calendar cannot tell (``unknown``: the
        rule applies, no ``due``, no act): still running (pending) up to its earliest
        possible last day, the monitor's timer set on that day; past it and up to the latest
        possible one undetermined, a timer set on the latest, after which it is late
        (ir.interpret.deadline_facts)."""
        assert isinstance(rule.requires, Deadline)
        bounds = deadline_bounds(rule.requires)
        assert bounds is not None
        earliest, latest = (self.value(b, rule) for b in bounds)
        running = _and(unknown, _exists(earliest), _cmp_ref("asof", "le", earliest))
        yield DurableRule(f"e{index}", index, "pending", earliest, running)
        between = _and(
            unknown,
            _or(_missing(earliest), _cmp_ref("asof", "gt", earliest)),
            _exists(latest),
            _cmp_ref("asof", "le", latest),
        )
        yield DurableRule(f"l{index}", index, "recheck", latest, between)

    def in_force(self, rule: RuleIR) -> Formula:
        if rule.in_force_from is None:
            return TRUE
        start = rule.in_force_from.toordinal()
        self.starts.add(start)
        # The evaluation date on or after the start: a flag of the fact (``in_force_key``).
        on_or_after = _cmp(in_force_key(start), "eq", 1)
        if rule.dated_by is None:
            return on_or_after
        op = self.operand(rule.dated_by)
        if op is not None and op[0] == "field" and op[2] == "date":
            key, nullable = op[1], op[3]
            dated = (
                _and(_exists(key), _cmp(key, "ge", start)) if nullable else _cmp(key, "ge", start)
            )
            if not nullable:
                return dated
            return self.dated_in_force(start, key)
        # A computed date that matters; null falls back to the evaluation date, as in the
        # reference. (No pack dates a rule by a working-day sum, whose gap this would not see.)
        return self.dated_in_force(start, self.slot(rule.dated_by, None, is_condition=False))

    def dated_in_force(self, start: int, key: str) -> Formula:
        """The date that matters (the fact's ``key``, or the evaluation date where the fact
        leaves it out) on or after day ``start``: one flag of the fact (``KindProgram.fact``),
        where spelt out it would be two branches (``key`` present and on or after the start,
        or absent and the evaluation date on or after it) multiplying the rule's others."""
        self.dated_starts.add((start, key))
        return _cmp(dated_in_force_key(start, key), "eq", 1)

    # -- conditions: (true, false, gap-free) ------------------------------------------------

    def tf(self, c: Cond, rule: RuleIR) -> tuple[Formula, Formula, bool]:
        """When ``c`` is true, when it is false; neither holds when it is undetermined."""
        if rule.scope is not None and c == rule.scope.test:
            return self.lowered_tf(c, rule)  # one flag for every rule of the scope
        match c:
            case All(items=items):
                parts = [self.tf(i, rule) for i in items]
                t = _and(*(p[0] for p in parts))
                if all(p[2] for p in parts):
                    return t, _or(*(p[1] for p in parts)), True
                # a gap stops the reference's left-to-right evaluation: spell the order out
                f = _or(*(_and(*(q[0] for q in parts[:k]), p[1]) for k, p in enumerate(parts)))
                return t, f, False
            case AnyOf(items=items):
                parts = [self.tf(i, rule) for i in items]
                f = _and(*(p[1] for p in parts))
                if all(p[2] for p in parts):
                    return _or(*(p[0] for p in parts)), f, True
                t = _or(*(_and(*(q[1] for q in parts[:k]), p[0]) for k, p in enumerate(parts)))
                return t, f, False
            case Not(item=item):
                t, f, safe = self.tf(item, rule)
                return f, t, safe
            case Present() | Compare() | Some() | Every():
                native = self.native(c)
                if native is not None:
                    return native[0], native[1], True
                return self.lowered_tf(c, rule)
            case _:
                assert_never(c)

    def lowered_tf(self, c: Cond, rule: RuleIR) -> tuple[Formula, Formula, bool]:
        dated_by = rule.dated_by if self._versioned and walk_ir(c, _is_versioned) else None
        key = self.slot(c, dated_by, is_condition=True)
        return _cmp(key, "eq", 1), _cmp(key, "eq", 0), not (self._gaps and walk_ir(c, _may_gap))

    def native(self, c: Cond) -> tuple[Formula, Formula] | None:
        match c:
            case Present(expr=e):
                op = self.operand(e, record_ok=True)
                if op is None or op[0] != "field":
                    return None
                _, key, kind, nullable = op
                present: Formula = _exists(key) if nullable else TRUE
                absent: Formula = _missing(key) if nullable else FALSE
                if kind == "str":
                    return _and(present, _cmp(key, "ne", "")), _or(absent, _cmp(key, "eq", ""))
                return present, absent
            case Compare(op=op, left=left, right=Const(value=None)):
                lo = self.operand(left)
                if lo is None or lo[0] != "field" or op not in ("eq", "ne"):
                    return None
                key, nullable = lo[1], lo[3]
                null: Formula = _missing(key) if nullable else FALSE
                not_null: Formula = _exists(key) if nullable else TRUE
                return (null, not_null) if op == "eq" else (not_null, null)
            case Compare(op=op, left=left, right=right):
                match op:
                    case "eq" | "ne" | "lt" | "le" | "gt" | "ge":
                        return self.comparison(op, left, right)
                    case "in" | "not_in":
                        if isinstance(right, (Const, Param)):
                            return self.membership(op, left, right)
                        return None
                    case "contains" | "contains_all":
                        return None
                    case _:
                        assert_never(op)
            case All() | AnyOf() | Not() | Some() | Every():
                return None
            case _:
                assert_never(c)

    def comparison(self, op: str, left: Expr, right: Expr) -> tuple[Formula, Formula] | None:
        lo, ro = self.operand(left), self.operand(right)
        if lo is None or ro is None or lo[2] != ro[2]:
            return None
        if op not in ("eq", "ne") and lo[2] not in ("int", "date"):
            return None
        if lo[0] == "const":
            if ro[0] == "const":
                return None
            lo, ro, op = ro, lo, FLIP[op]
        guards = [o[1] for o in (lo, ro) if o[0] == "field" and o[3]]
        if ro[0] == "const":
            holds, fails = _cmp(lo[1], op, ro[1]), _cmp(lo[1], NEGATE[op], ro[1])
        else:
            holds, fails = _cmp_ref(lo[1], op, ro[1]), _cmp_ref(lo[1], NEGATE[op], ro[1])
        return (
            _and(*map(_exists, guards), holds),
            _or(*map(_missing, guards), fails),
        )

    def membership(
        self, op: str, left: Expr, right: Const | Param
    ) -> tuple[Formula, Formula] | None:
        lo = self.operand(left)
        values = right.value
        if (
            lo is None
            or lo[0] != "field"
            or lo[2] not in ("str", "int")
            or (isinstance(right, Param) and right.versions)
            or not isinstance(values, (frozenset, tuple, list))
            or not all(type(v) is (str if lo[2] == "str" else int) for v in values)
        ):
            return None
        key, nullable = lo[1], lo[3]
        ordered = sorted(values)
        any_eq = _or(*(_cmp(key, "eq", v) for v in ordered))
        all_ne = _and(*(_cmp(key, "ne", v) for v in ordered))
        present: Formula = _exists(key) if nullable else TRUE
        absent: Formula = _missing(key) if nullable else FALSE
        if op == "in":
            return _and(present, any_eq), _or(absent, all_ne)
        return _and(present, all_ne), _or(absent, any_eq)

    def operand(self, e: Expr, record_ok: bool = False) -> tuple[str, Any, str, bool] | None:
        """("field", key, kind, nullable) or ("const", JSON value, kind, False), or None when
        durable-rules cannot read the expression."""
        match e:
            case AsOf():
                return "field", "asof", "date", False
            case Field(path=path, scope=0, type=t, nullable=nullable) if path != UNKNOWN_PATH:
                if t.kind not in _NATIVE_KINDS and not (record_ok and t.kind == "record"):
                    return None
                slot = self.fields.get(path)
                if slot is None:
                    slot = self.fields[path] = FieldSlot(f"f{len(self.fields)}", path, t.kind)
                return "field", slot.key, t.kind, any(nullable)
            case Const(value=v) | Param(value=v, versions=()):
                if isinstance(v, bool):
                    return "const", v, "bool", False
                if isinstance(v, int):
                    return "const", v, "int", False
                if isinstance(v, str):
                    return "const", v, "str", False
                if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
                    return "const", v.toordinal(), "date", False
            case Field() | Param():
                return None  # a field of a list's item, or a versioned parameter
            case Arith() | DaysBetween() | HoursBetween() | Shift() | Annual():
                return None  # a computed value: the caller lowers it to Python
            case YearOf() | DayOf() | Len():
                return None  # a computed value: the caller lowers it to Python
            case Extremum():
                return None  # a value drawn from a list: lowered, as 'some' is
            case _:
                assert_never(e)
        return None

    def date_key(self, e: Expr, rule: RuleIR) -> str:
        """The fact's key of a date: the field's own, or a value lowered to Python."""
        op = self.operand(e)
        if op is not None and op[0] == "field" and op[2] == "date":
            return str(op[1])
        return self.value(e, rule)

    def nullable_date(self, e: Expr) -> bool:
        """Whether the fact may leave the date of ``date_key`` out."""
        op = self.operand(e)
        return not (op is not None and op[0] == "field" and op[2] == "date") or op[3]

    def value(self, e: Expr, rule: RuleIR) -> str:
        dated_by = rule.dated_by if self._versioned and walk_ir(e, _is_versioned) else None
        return self.slot(e, dated_by, is_condition=False)

    def slot(self, node: Cond | Expr, dated_by: Expr | None, *, is_condition: bool) -> str:
        key = (node, dated_by, is_condition)
        found = self.lowered.get(key)
        if found is None:
            key_name = f"{'a' if is_condition else 'v'}{len(self.lowered)}"
            found = LoweredSlot(key_name, node, dated_by, is_condition)
            self.lowered[key] = found
        return found.key


def _fits(f: Formula) -> bool:
    body = _and(_cmp(TAG, "eq", 1), f)
    return _expressions(body) <= MAX_EXPRESSIONS and _branches(body)[0] <= MAX_BRANCHES


def _is_versioned(node: Any) -> bool:
    return isinstance(node, Param) and bool(node.versions)


def _may_gap(node: Any) -> bool:
    return isinstance(node, Shift) and node.unit == "working_days" and not node.weekday_fallback


def walk_ir(node: Any, test: Callable[[Any], bool]) -> bool:
    """True when ``test`` holds for ``node`` or an IR node inside it: conditions and
    expressions are entered through their children (``egovrules.ir.nodes.children``), tuples
    and other records (rules, messages) through their items and fields."""
    if isinstance(node, Node):
        return any(test(n) for n in walk(node))
    if test(node):
        return True
    if node is None or isinstance(node, str):
        return False
    if isinstance(node, tuple):
        return any(walk_ir(n, test) for n in node)
    fields = getattr(node, "__dataclass_fields__", None)
    return fields is not None and any(walk_ir(getattr(node, f), test) for f in fields)
