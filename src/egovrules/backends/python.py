"""The default backend: the IR compiled into one Python function per subject kind.

Each condition becomes a Python expression over the subject's attributes (null checks only
where a path can be null, constants bound as globals of the generated module), and all rules
of one kind become the statements of one function returning a tuple of outcome codes. The
source is generated from the IR alone, never from pack text: field names come from the subject
models, and every literal is passed in as a bound constant, never spliced into the source.
The function is compiled once per pack.
"""

from __future__ import annotations

import datetime as dt
import functools
import marshal
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeAlias, assert_never

from egovrules.backends.base import rules_for
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
    deadline_bounds,
    walk,
    working_days_due,
)
from egovrules.law import calendar
from egovrules.packdata.operators import CODE

__all__ = ["HELPERS", "CodeGenerator", "CompiledKind", "PythonBackend"]

_SHIFT_TEMPLATES = {
    "days": "_add_days({a}, {b})",
    "months": "_add_months({a}, {b})",
    "years": "_add_years({a}, {b})",
}
_ARITH = {"add": "+", "sub": "-", "mul": "*"}
_Binary: TypeAlias = Arith | DaysBetween | HoursBetween | Shift | Annual


def _div(a: Any, b: Any) -> Decimal | None:
    return None if b == 0 else Decimal(a) / b


def _hours(a: dt.datetime, b: dt.datetime) -> Decimal:
    return Decimal((b - a) // dt.timedelta(seconds=1)) / 3600


def _earliest(values: Iterable[Any]) -> Any:
    return min((v for v in values if v is not None), default=None)


def _latest(values: Iterable[Any]) -> Any:
    return max((v for v in values if v is not None), default=None)


def _get(base: Any, names: tuple[str, ...]) -> Any:
    for name in names:
        if base is None:
            return None
        base = getattr(base, name)
    return base


# What every generated function may call, besides its own constants.
HELPERS: dict[str, Any] = {
    "Decimal": Decimal,
    "_td": dt.timedelta,
    "_div": _div,
    "_hours": _hours,
    "_get": _get,
    "_earliest": _earliest,
    "_latest": _latest,
    "_Gap": calendar.CalendarGap,
    "_Past": calendar.CountPastTheCalendar,
    "_AFTER": calendar.AFTER_THE_CALENDAR,
    "_add_days": calendar.add_days,
    "_add_months": calendar.add_months,
    "_add_years": calendar.add_years,
    "_annual": calendar.annual,
}


#: What the compilation of one subject kind leaves, enough to rebuild its function without
#: the IR passes: the generated source, its code object (``marshal``) and the constants it reads.
CompiledKind: TypeAlias = tuple[str, bytes, dict[str, Any]]


class PythonBackend:
    """Compiled closures, one per subject kind.

    ``compiled`` (from ``parts()`` of a backend of the same rule set, as the pack cache keeps
    it) skips generating and compiling the source again."""

    def __init__(self, ruleset: RuleSet, compiled: dict[str, CompiledKind] | None = None) -> None:
        self.sources: dict[str, str] = {}
        #: The compiled function of each subject kind that has rules: (subject, as_of) -> codes.
        self.functions: dict[str, Callable[[Any, dt.date], tuple[int, ...]]] = {}
        self._parts: dict[str, CompiledKind] = {}
        if compiled is None:
            compiled = {}
            for kind in sorted({r.subject for r in ruleset.rules}):
                gen = CodeGenerator()
                source = gen.function(rules_for(ruleset, kind))
                code = compile(source, f"<egovrules {ruleset.pack_id}:{kind}>", "exec")
                compiled[kind] = (source, marshal.dumps(code), gen.constants)
        for kind, (source, code_bytes, constants) in compiled.items():
            namespace: dict[str, Any] = {**HELPERS, **constants}
            exec(marshal.loads(code_bytes), namespace)
            self.sources[kind] = source
            self.functions[kind] = namespace["_check"]
        self._parts = compiled
        self._functions = self.functions  # its name before; ../shared/bench/peers reads it

    def parts(self) -> dict[str, CompiledKind]:
        """What rebuilds this backend: ``PythonBackend(ruleset, backend.parts())``."""
        return self._parts

    def outcomes(self, kind: str, subject: Any, as_of: dt.date) -> tuple[int, ...]:
        """Outcome codes of the rules of ``kind`` on ``subject``."""
        fn = self.functions.get(kind)
        return () if fn is None else fn(subject, as_of)


class CodeGenerator:
    """Python source of the IR's conditions and expressions over a subject ``s`` (``cond``,
    ``expr``), each constant bound as a global (``constants``): the checks' function
    (``function``), and the bases of the findings' (``backends.messages``) and the monitor's
    facts (``backends.durable_slots``)."""

    def __init__(self) -> None:
        self.constants: dict[str, Any] = {}
        self._by_value: dict[tuple[type, Any], str] = {}
        self._tmp = 0
        # The subject's fields that conditions read, by the local they are read into.
        self._hoisted: dict[str, str] = {}

    def tmp(self) -> str:
        self._tmp += 1
        return f"_t{self._tmp}"

    def const(self, value: Any) -> str:
        if value is None or isinstance(value, bool):
            return repr(value)
        key = (type(value), value)
        name = self._by_value.get(key)
        if name is None:
            name = f"_k{len(self.constants)}"
            self._by_value[key] = name
            self.constants[name] = value
        return name

    def top(self, name: str) -> str:
        """The local holding the subject's field ``name``, read once per call."""
        return self._hoisted.setdefault(name, f"_s_{name}")

    # -- the function ------------------------------------------------------------------------

    def function(self, rules: tuple[RuleIR, ...]) -> str:
        # The pack's ``effective`` gate depends on the as-of date alone when a rule has no
        # ``dated_by``: it is tested once per call, for all such rules together, not once per
        # rule. (Rules have no effects, so the order they are evaluated in is free.)
        gated: dict[dt.date, list[int]] = {}
        for i, rule in enumerate(rules):
            if rule.dated_by is None and rule.in_force_from is not None:
                gated.setdefault(rule.in_force_from, []).append(i)
        inside = {i for members in gated.values() for i in members}
        lines: list[str] = []
        for effective, members in gated.items():
            skipped = " = ".join(f"c{i}" for i in members)
            lines += [f"if as_of < {self.const(effective)}:", f"    {skipped} = 5", "else:"]
            lines += ["    " + line for line in self.block(rules, members)]
        lines += self.block(rules, [i for i in range(len(rules)) if i not in inside])
        names = [f"c{i}" for i in range(len(rules))]
        lines.append(f"return ({', '.join(names)}{',' if len(names) == 1 else ''})")
        return "def _check(s, as_of):\n" + self.hoist(lines)

    def hoist(self, lines: list[str]) -> str:
        """The body of a function of ``s`` made of ``lines``, indented: a field read more than
        once is read into a local once, at the top; a field read once is read where it is
        used."""
        body = "".join(f"    {b}\n" for b in lines)
        hoisted = []
        for name, local in self._hoisted.items():
            pattern = re.compile(rf"\b{local}\b")
            if len(pattern.findall(body)) > 1:
                hoisted.append(f"    {local} = s.{name}\n")
            else:
                body = pattern.sub(f"s.{name}", body)
        return "".join(hoisted) + body

    def block(self, rules: tuple[RuleIR, ...], indices: list[int]) -> list[str]:
        """The statements of ``rules[i]`` for each of ``indices``. A scope's test (its one
        field empty, or one of the bodies it names) begins the ``when`` of every rule the scope
        binds: the rules of one scope with no date of their own are evaluated under one test
        of it, not each under its own."""
        groups: dict[str, list[int]] = {}
        for i in indices:
            scope = rules[i].scope
            if scope is not None and _within(rules[i])[0]:
                groups.setdefault(scope.name, []).append(i)
        lines: list[str] = []
        grouped: set[int] = set()
        for members in groups.values():
            if len(members) < 2:
                continue
            grouped.update(members)
            scope = rules[members[0]].scope
            assert scope is not None
            lines.append(f"if {self.cond(scope.test)}:")
            for i in members:
                lines += ["    " + b for b in self.rule(rules[i], f"c{i}", _within(rules[i])[1])]
            lines += ["else:", "    " + " = ".join(f"c{i}" for i in members) + " = 0"]
        # The rules judged on one date of their own (``dated_by``) under one ``effective``
        # gate bind that date and test the gate once, for all of them.
        dated: dict[tuple[Expr, dt.date], list[int]] = {}
        for i in indices:
            rule = rules[i]
            if i not in grouped and rule.dated_by is not None and rule.in_force_from is not None:
                dated.setdefault((rule.dated_by, rule.in_force_from), []).append(i)
        for members in dated.values():
            if len(members) < 2:
                continue
            grouped.update(members)
            first = rules[members[0]]
            assert first.in_force_from is not None
            lines += self.date_that_matters(first)
            lines += [f"if _on < {self.const(first.in_force_from)}:"]
            lines += ["    " + " = ".join(f"c{i}" for i in members) + " = 5", "else:"]
            for i in members:
                body = self.rule(rules[i], f"c{i}", rules[i].when, dated=False)
                lines += ["    " + b for b in body]
        for i in indices:
            if i not in grouped:
                lines += self.rule(rules[i], f"c{i}", rules[i].when)
        return lines

    def rule(self, rule: RuleIR, c: str, when: Cond | None, *, dated: bool = True) -> list[str]:
        """The statements setting ``c`` to the rule's outcome code when ``when`` holds (the
        rule's ``when``, or what remains of it inside its scope's test), else 0 (the pack's
        ``effective`` gate included only when the rule has its own ``dated_by``). With
        ``dated=False`` the caller has bound ``_on`` and tested the gate."""
        body = self.requirement(rule, c)
        if when is not None:
            body = [
                f"if {self.cond(when)}:",
                *("    " + b for b in body),
                "else:",
                f"    {c} = 0",
            ]
        if _uses_working_days(rule):
            # A year the holiday calendar does not know makes the rule undetermined.
            body = ["try:", *("    " + b for b in body), "except _Gap:", f"    {c} = 4"]
        if not dated:
            return [f"# {rule.id}", *body]
        if rule.in_force_from is not None and rule.dated_by is not None:
            effective = self.const(rule.in_force_from)
            body = [f"if _on < {effective}:", f"    {c} = 5", "else:", *("    " + b for b in body)]
        return [f"# {rule.id}", *self.date_that_matters(rule), *body]

    def date_that_matters(self, rule: RuleIR) -> list[str]:
        """Statements binding ``_on``, the date the rule judges the subject on."""
        if rule.dated_by is None:
            return ["_on = as_of"] if _walk(rule, _is_versioned) else []
        return self.date_on(rule.dated_by)

    def date_on(self, dated_by: Expr) -> list[str]:
        """Statements binding ``_on`` to ``dated_by``, the evaluation date where it is null."""
        code, nullable = self.expr(dated_by)
        if not nullable:
            return [f"_on = {code}"]
        return [f"_on = {code}", "if _on is None:", "    _on = as_of"]

    def requirement(self, rule: RuleIR, c: str) -> list[str]:
        req = rule.requires
        if not isinstance(req, Deadline):
            if rule.open_while is None:
                return [f"{c} = 1 if {self.cond(req)} else 2"]
            return [f"{c} = 1 if {self.cond(req)} else 3 if {self.cond(rule.open_while)} else 2"]
        due, _ = self.expr(req.due)
        done, _ = self.expr(req.done)
        # A period counted from an act dated after the as-of date has not begun: met, as one
        # whose act is not recorded (ir.interpret.deadline_facts). Its last day falls after
        # its start, so only a deadline still running can be one not begun.
        begun = "True"
        if req.start is not None:
            start, nullable = self.expr(req.start)
            begun = f"(_st := {start}) is None or _st <= as_of" if nullable else f"{start} <= as_of"
        bounds = deadline_bounds(req)
        # A working-day count past 9999-12-31: a last day no date reaches, later than every
        # date (ir.interpret.deadline_facts): awaited, or met by an act on any date.
        past = ["except _Past:", "    _due = _AFTER"] if working_days_due(req) else []
        if bounds is None:
            head = [f"_due = {due}", "if _due is None:"]
            if past:
                head = ["try:", f"    _due = {due}", *past, "if _due is None:"]
        else:
            # The last day in a year the calendar lacks: decided from the bounds when the
            # answer does not depend on the unknown days (ir.interpret.deadline_facts).
            lo, _ = self.expr(bounds[0])
            hi, _ = self.expr(bounds[1])
            head = [
                "try:",
                f"    _due = {due}",
                *past,
                "except _Gap:",
                "    _due = _Gap",
                # a period not begun is met, whatever its last day (ir.interpret)
                f"if _due is _Gap and not ({begun}):",
                f"    {c} = 1",
                "elif _due is _Gap:",
                f"    _dn = {done}",
                "    if _dn is not None and _dn > as_of:",  # not done yet (ir.interpret.act_by)
                "        _dn = None",
                f"    _hi = {hi}",
                "    if _hi is not None and (as_of if _dn is None else _dn) > _hi:",
                f"        {c} = 2",
                f"    elif (_lo := {lo}) is not None and (as_of if _dn is None else _dn) <= _lo:",
                f"        {c} = 1 if _dn is not None else 3",
                "    else:",
                "        raise _Gap(as_of)",
                "elif _due is None:",
            ]
        return [
            *head,
            f"    {c} = 1",
            "else:",
            f"    _dn = {done}",
            "    if _dn is not None and _dn <= as_of:",
            f"        {c} = 2 if _dn > _due else 1",
            "    else:",
            f"        {c} = 2 if as_of > _due else 3 if {begun} else 1",
        ]

    # -- conditions --------------------------------------------------------------------------

    def cond(self, c: Cond) -> str:
        match c:
            case All(items=items):
                return "(" + " and ".join(self.cond(i) for i in items) + ")" if items else "True"
            case AnyOf(items=items):
                return "(" + " or ".join(self.cond(i) for i in items) + ")"
            case Not(item=item):
                return f"(not {self.cond(item)})"
            case Present(expr=e):
                code, nullable = self.expr(e)
                if kind_of(e) in ("str", "set", "list"):
                    # A condition is only ever read for its truth (``if``, ``and``, ``any``):
                    # the value itself is tested, with no call to ``bool``.
                    return f"({code})"
                return f"({code} is not None)" if nullable else "True"
            case Compare():
                return self.compare(c)
            case Some(field=f, item_scope=n, where=where):
                source = self.iterable(f)
                if where is None:
                    return source
                return f"any({self.cond(where)} for _it{n} in {source})"
            case Every(field=f, item_scope=n, where=where, require=require):
                source = self.iterable(f)
                var = f"_it{n}"
                filt = f" if {self.cond(where)}" if where is not None else ""
                return f"all({self.cond(require)} for {var} in {source}{filt})"
            case _:
                assert_never(c)

    def iterable(self, f: Field) -> str:
        # No assignment expressions may stand in a comprehension's iterable: use a helper.
        base = "s" if f.scope == 0 else f"_it{f.scope}"
        if any(f.nullable[:-1]) or f.nullable[-1]:
            return f"(_get({base}, {f.path!r}) or ())"
        return self.access(base, f.path, f.nullable)

    def compare(self, c: Compare) -> str:
        left, ln = self.expr(c.left)
        if isinstance(c.right, Const) and c.right.value is None:
            return f"({left} is {'' if c.op == 'eq' else 'not '}None)"
        right, rn = self.expr(c.right)
        if (
            c.op in ("eq", "ne")
            and not ln
            and kind_of(c.left) == "bool"
            and isinstance(c.right, (Const, Param))
            and isinstance(c.right.value, bool)
        ):
            # A bool field the model guarantees is never null: test it directly.
            positive = c.right.value == (c.op == "eq")
            return left if positive else f"(not {left})"
        guards = []
        if ln and not rn and c.op in ("eq", "in") and _never_none(c.right, c.op):
            # A null never equals, nor is in, a constant that holds no null: ``x == k`` and
            # ``x in k`` are already false for it, with no test of their own.
            ln = False
        if ln:
            t = self.tmp()
            guards.append(f"({t} := {left}) is not None")
            left = t
        if rn:
            t = self.tmp()
            guards.append(f"({t} := {right}) is not None")
            right = t
        match c.op:
            case "in":
                test = f"{left} in {right}"
            case "not_in":
                test = f"{left} not in {right}"
            case "contains":
                test = f"{right} in {left}"
            case "contains_all":
                # A set field is compared by the operator; a list by the method, which takes
                # any iterable.
                is_set = kind_of(c.left) == "set"
                test = f"{right} <= {left}" if is_set else f"{right}.issubset({left})"
            case "eq" | "ne" | "lt" | "le" | "gt" | "ge" as op:
                test = f"{left} {CODE[op]} {right}"
            case _:
                assert_never(c.op)
        return "(" + " and ".join([*guards, test]) + ")"

    # -- expressions -------------------------------------------------------------------------

    def expr(self, e: Expr) -> tuple[str, bool]:
        """Python source of an expression, and whether it may be ``None``."""
        match e:
            case Param(versions=versions) if versions:
                return f"{self.const(functools.partial(value_on, versions))}(_on)", True
            case Const(value=v) | Param(value=v):
                return self.const(v), v is None
            case AsOf():
                return "as_of", False
            case Field():
                base = "s" if e.scope == 0 else f"_it{e.scope}"
                return self.access(base, e.path, e.nullable), any(e.nullable)
            case YearOf(date=inner) | DayOf(moment=inner):
                code, nullable = self.expr(inner)
                part = ".year" if isinstance(e, YearOf) else ".date()"
                if not nullable:
                    return f"{code}{part}", False
                t = self.tmp()
                return f"(None if ({t} := {code}) is None else {t}{part})", True
            case Len(field=f):
                code, nullable = self.expr(f)
                if not nullable:
                    return f"len({code})", False
                t = self.tmp()
                return f"(None if ({t} := {code}) is None else len({t}))", True
            case Arith() | DaysBetween() | HoursBetween() | Shift() | Annual():
                return self.binary(e)
            case Extremum(op=op, field=f, item_scope=n, where=where, of=of):
                value, _ = self.expr(of)
                filt = f" if {self.cond(where)}" if where is not None else ""
                return f"_{op}({value} for _it{n} in {self.iterable(f)}{filt})", True
            case _:
                assert_never(e)

    def binary(self, e: _Binary) -> tuple[str, bool]:
        """An expression of two operands: ``None`` when either is."""
        a, b, template = self._binary(e)
        (ac, an), (bc, bn) = self.expr(a), self.expr(b)
        # Division by zero and dates past the calendar's range yield None whatever the operands.
        partial = isinstance(e, (Shift, Annual)) or (isinstance(e, Arith) and e.op == "div")
        if not an and not bn:
            return template.format(a=ac, b=bc), partial
        ta, tb = self.tmp(), self.tmp()
        test = " or ".join([f"({ta} := {ac}) is None"] * an + [f"({tb} := {bc}) is None"] * bn)
        body = template.format(a=ta if an else ac, b=tb if bn else bc)
        return f"(None if {test} else {body})", True

    def _binary(self, e: _Binary) -> tuple[Expr, Expr, str]:
        match e:
            case Arith(op="div", left=a, right=b):
                return a, b, "_div({a}, {b})"
            case Arith(op=op, left=a, right=b) if kind_of(a) == kind_of(b) == "int":
                return a, b, "({a} " + _ARITH[op] + " {b})"
            case Arith(op=op, left=a, right=b):
                return a, b, "(Decimal({a}) " + _ARITH[op] + " {b})"
            case DaysBetween(start=a, end=b):
                return a, b, "({b} - {a}).days"
            case HoursBetween(start=a, end=b):
                return a, b, "_hours({a}, {b})"
            case Shift(date=a, amount=b, unit="working_days", calendar=cal, bound=bound):
                counted = self.const(cal)
                if bound is not None:
                    return a, b, f"{counted}.bound({{a}}, {{b}}, {bound!r})"
                fallback = ", True" if e.weekday_fallback else ""
                return a, b, f"{counted}.add_working_days({{a}}, {{b}}{fallback})"
            case Shift(
                date=a, amount=Const(value=int(n)) | Param(value=int(n)) as b, unit="days"
            ) if (
                isinstance(a, Field)
                and kind_of(a) == "date"
                and not isinstance(n, bool)
                and not (isinstance(b, Param) and b.versions)
            ):
                # A subject's date moved by a constant number of days: added inline while the
                # sum stays within the calendar (``add_days`` beyond it).
                step = dt.timedelta(days=n)
                delta = self.const(step)
                if n >= 0:
                    inside = f"{{a}} <= {self.const(dt.date.max - step)}"
                else:
                    inside = f"{{a}} >= {self.const(dt.date.min - step)}"
                return a, b, f"({{a}} + {delta} if {inside} else _add_days({{a}}, {{b}}))"
            case Shift(date=a, amount=b, unit=unit):
                return a, b, _SHIFT_TEMPLATES[unit]
            case Annual(month_day=a, year=b):
                return a, b, "_annual({a}, {b})"
            case _:
                assert_never(e)

    def access(self, base: str, path: tuple[str, ...], nullable: tuple[bool, ...]) -> str:
        # The subject's fields are read once, at the top of the function, not in every rule.
        head = self.top(path[0]) if base == "s" else f"{base}.{path[0]}"
        if len(path) == 1:
            return head
        if not nullable[0]:
            return self.access(head, path[1:], nullable[1:])
        t = self.tmp()
        return f"(None if ({t} := {head}) is None else {self.access(t, path[1:], nullable[1:])})"


def _within(rule: RuleIR) -> tuple[bool, Cond | None]:
    """Whether the rule's scope can be tested before the rest of the rule (its ``when`` begins
    with the scope's test, and no date of the rule's own decides first whether it is in
    force), and what then remains of its ``when`` (``None``: nothing)."""
    scope, when = rule.scope, rule.when
    if scope is None or rule.dated_by is not None:
        return False, None
    if when is scope.test or when == scope.test:
        return True, None
    if isinstance(when, All) and when.items and when.items[0] == scope.test:
        rest = when.items[1:]
        return True, rest[0] if len(rest) == 1 else All(rest)
    return False, None


def _never_none(e: Expr, op: str) -> bool:
    """True for a constant (not a dated parameter) that is not null (for ``in``: a collection
    that holds no null), which a null operand of ``op`` can never match."""
    if not isinstance(e, (Const, Param)) or (isinstance(e, Param) and e.versions):
        return False
    value = e.value
    if op == "in":
        return isinstance(value, (frozenset, set, tuple, list)) and None not in value
    return value is not None


def _uses_working_days(rule: RuleIR) -> bool:
    """True when evaluating the rule may consult the holiday calendar (with the weekday
    fallback too: no count goes past 9999-12-31)."""
    return _walk(rule, lambda n: isinstance(n, Shift) and n.unit == "working_days")


def _is_versioned(node: Any) -> bool:
    return isinstance(node, Param) and bool(node.versions)


def _walk(rule: RuleIR, test: Callable[[Node], bool]) -> bool:
    """True when some node of the rule's conditions passes ``test``."""
    roots = (rule.when, rule.requires, rule.open_while)
    return any(test(n) for root in roots if root is not None for n in walk(root))
