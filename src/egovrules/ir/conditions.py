"""Parsing the condition language (see docs/pack-format.md) from YAML values into IR nodes.

The parser is total: it never raises on bad input. Each problem becomes a positioned
``Diagnostic`` and parsing goes on, so a pack author sees every error of a file at once.
It resolves field paths against the subject models and parameters against the pack, and
checks that comparisons compare values of one kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, assert_never

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
from egovrules.law.calendar import CHINA, WorkCalendar
from egovrules.packdata.operators import COMPARE_OPS
from egovrules.source.document import Document
from egovrules.source.errors import Diagnostic
from egovrules.source.suggest import closest, did_you_mean
from egovrules.subjects.paths import FieldType, PathError, resolve_path

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["UNKNOWN_PATH", "ConditionParser", "kind_of", "unknown_expr"]

# The path of the stand-in for a field or parameter already reported as unknown: it has
# kind "any", so one mistake gives one error, not a cascade.
UNKNOWN_PATH = ("?",)

Path = tuple[Hashable, ...]

_ORDERED = ("lt", "le", "gt", "ge")
_ARITH_KINDS = ("int", "decimal", "any", "null")
_SHIFTS: dict[str, Literal["days", "working_days", "months", "years"]] = {
    "add_days": "days",
    "add_working_days": "working_days",
    "add_months": "months",
    "add_years": "years",
}
_SHIFT_UNITS = {
    "days": ("calendar_days",),
    "working_days": ("working_days",),
    "months": ("months",),
    "years": ("years",),
}
_EXPR_OPS = (
    "field",
    "const",
    "add",
    "sub",
    "mul",
    "div",
    "days_between",
    "hours_between",
    "add_days",
    "add_working_days",
    "add_months",
    "add_years",
    "annual",
    "year",
    "date",
    "len",
    "earliest",
    "latest",
)
_COND_OPS = ("all", "any", "not", "present", "absent", "some", "every", "deadline")


def _a(kind: str) -> str:
    """A kind's name with its article: "a date", "an int"."""
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


def kind_of(expr: Expr) -> str:
    """The kind of value an expression yields: bool, int, decimal, date, datetime, str, set,
    list, record, null or any."""
    match expr:
        case Param(unit="month_day"):
            return "month_day"
        case Const(value=v) | Param(value=v):
            return _kind_of_value(v)
        case AsOf() | Shift() | Annual() | DayOf():
            return "date"
        case YearOf():
            return "int"
        case Field(path=path, type=t):
            return "any" if path == UNKNOWN_PATH else t.kind
        case Arith(op=op, left=a, right=b) if op != "div" and kind_of(a) == kind_of(b) == "int":
            return "int"
        case Arith() | HoursBetween():
            return "decimal"
        case DaysBetween() | Len():
            return "int"
        case Extremum(of=of):
            return kind_of(of)
        case _:
            assert_never(expr)


def _kind_of_value(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, Decimal):
        return "decimal"
    if isinstance(v, dt.datetime):
        return "datetime"
    if isinstance(v, dt.date):
        return "date"
    if isinstance(v, str):
        return "str"
    if isinstance(v, (list, tuple, frozenset)):
        return "list"
    return "any"


def _compatible(a: str, b: str) -> bool:
    numbers = ("int", "decimal")
    return a == b or "any" in (a, b) or (a in numbers and b in numbers)


@dataclass
class ConditionParser:
    """Parses the conditions of the rules of one pack."""

    doc: Document
    parameters: dict[str, Expr]
    weekday_fallback: bool = False
    calendar: WorkCalendar = CHINA
    effective: dt.date | None = None
    """The pack's ``meta.effective``: the value of ``@effective``."""
    diagnostics: list[Diagnostic] = field(default_factory=list)

    # -- entry points ------------------------------------------------------------------------

    def condition(self, raw: Any, path: Path, model: type[BaseModel]) -> Cond:
        """Parse a condition at ``path`` of the document, over ``model``."""
        return self._cond(raw, path, [model])

    def requirement(self, raw: Any, path: Path, model: type[BaseModel]) -> Cond | Deadline:
        """Parse a rule's ``requires``: a condition, or a deadline."""
        if isinstance(raw, dict) and set(raw) == {"deadline"}:
            return self._deadline(raw["deadline"], (*path, "deadline"), [model])
        return self._cond(raw, path, [model])

    def expression(
        self, raw: Any, path: Path, model: type[BaseModel], *, path_ok: bool = False
    ) -> Expr:
        """Parse an expression (message placeholders, dated_by, actor); with ``path_ok`` a
        bare string is a field path."""
        if path_ok:
            return self._path_or_expr(raw, path, [model])
        return self._expr(raw, path, [model])

    # -- errors ------------------------------------------------------------------------------

    def error(
        self, code: str, message: str, path: Path, hint: str | None = None, *, key: bool = False
    ) -> None:
        """Record a diagnostic at ``path``."""
        self.diagnostics.append(Diagnostic(code, message, self.doc.span(path, key=key), hint))

    # -- conditions --------------------------------------------------------------------------

    def _cond(self, raw: Any, path: Path, scopes: list[type[BaseModel]]) -> Cond:
        if not isinstance(raw, dict) or not raw:
            self.error(
                "E210",
                "a condition must be a mapping such as {all: [...]} or {field: x, eq: y}",
                path,
            )
            return All(())
        keys = set(raw)
        op = next((k for k in _COND_OPS if k in keys), None)
        if op is None:
            return self._compare(raw, path, scopes)
        if op in ("all", "any"):
            self._only(raw, {op}, path)
            items = raw[op]
            if not isinstance(items, list) or not items:
                self.error("E211", f"'{op}' takes a non-empty list of conditions", (*path, op))
                return All(())
            parsed = tuple(self._cond(c, (*path, op, i), scopes) for i, c in enumerate(items))
            return All(parsed) if op == "all" else AnyOf(parsed)
        if op == "not":
            self._only(raw, {"not"}, path)
            return Not(self._cond(raw["not"], (*path, "not"), scopes))
        if op in ("present", "absent"):
            self._only(raw, {op}, path)
            expr = self._path_or_expr(raw[op], (*path, op), scopes)
            test = happened(expr)
            return test if op == "present" else Not(test)
        if op in ("some", "every"):
            allowed = {"some", "where"} if op == "some" else {"every", "where", "require"}
            self._only(raw, allowed, path)
            lst = self._field(raw[op], (*path, op), scopes)
            if lst.path == UNKNOWN_PATH:
                return All(())
            if lst.type.kind != "list" or lst.type.model is None:
                self.error(
                    "E220",
                    f"'{op}' needs a list of records, "
                    f"'{'.'.join(lst.path)}' is {_a(lst.type.kind)}",
                    (*path, op),
                )
                return All(())
            inner = [*scopes, lst.type.model]
            where = self._cond(raw["where"], (*path, "where"), inner) if "where" in raw else None
            if op == "some":
                return Some(lst, len(scopes), where)
            if "require" not in raw:
                self.error("E212", "'every' needs 'require'", path)
                return All(())
            require = self._cond(raw["require"], (*path, "require"), inner)
            return Every(lst, len(scopes), where, require)
        self.error(
            "E213", "'deadline' may only be the whole of a rule's 'requires'", path, key=True
        )
        return All(())

    def _only(self, raw: dict[str, Any], allowed: set[str], path: Path) -> None:
        for extra in sorted(set(raw) - allowed, key=str):
            self.error(
                "E214",
                f"unexpected key {extra!r} here (allowed: {', '.join(sorted(allowed))})",
                (*path, extra),
                key=True,
            )

    def _compare(self, raw: dict[str, Any], path: Path, scopes: list[type[BaseModel]]) -> Cond:
        ops = [k for k in raw if k in COMPARE_OPS]
        sides = [k for k in raw if k in ("field", "value")]
        unknown = [k for k in raw if k not in COMPARE_OPS and k not in ("field", "value")]
        for k in unknown:
            self.error(
                "E215",
                f"unknown condition key {k!r}",
                (*path, k),
                did_you_mean(str(k), [*COMPARE_OPS, *_COND_OPS, "field"]),
                key=True,
            )
        if len(ops) != 1 or len(sides) != 1:
            if not unknown:
                self.error(
                    "E216",
                    "a comparison needs one of 'field'/'value' and exactly one "
                    f"operator ({', '.join(COMPARE_OPS)})",
                    path,
                )
            return All(())
        op, side = ops[0], sides[0]
        left = (
            self._field(raw["field"], (*path, "field"), scopes)
            if side == "field"
            else self._expr(raw["value"], (*path, "value"), scopes)
        )
        right_path = (*path, op)
        right_raw = raw[op]
        if op in ("in", "not_in", "contains_all"):
            if not isinstance(right_raw, list):
                self.error("E217", f"'{op}' takes a list", right_path)
                return All(())
            values = [self._expr(v, (*right_path, i), scopes) for i, v in enumerate(right_raw)]
            item_kind = kind_of(left)
            if op == "contains_all":
                item_kind = (
                    left.type.item.kind if isinstance(left, Field) and left.type.item else "any"
                )
            for i, v in enumerate(values):
                self._check_value(left, item_kind, v, (*right_path, i))
            if not all(isinstance(v, (Const, Param)) for v in values):
                self.error("E218", f"'{op}' takes literal values or parameters", right_path)
                return All(())
            consts = tuple(v.value for v in values if isinstance(v, (Const, Param)))
            return Compare(op, left, Const(frozenset(consts)))
        right = self._expr(right_raw, right_path, scopes)
        if op == "contains":
            lk = kind_of(left)
            if lk not in ("set", "list", "any"):
                message = f"'contains' needs a set or list on the left, not {_a(lk)}"
                self.error("E219", message, path)
            item_kind = left.type.item.kind if isinstance(left, Field) and left.type.item else "any"
            self._check_value(left, item_kind, right, right_path)
            return Compare(op, left, right)
        rk = kind_of(right)
        if rk == "null":
            if op not in ("eq", "ne"):
                self.error("E221", f"only 'eq' and 'ne' compare with null, not {op!r}", right_path)
            return Compare(op, left, right)
        lk = kind_of(left)
        if op in _ORDERED and lk in ("bool", "str", "set", "list", "record"):
            self.error("E222", f"'{op}' needs numbers or dates, the left side is {_a(lk)}", path)
            return Compare(op, left, right)
        self._check_value(left, lk, right, right_path)
        return Compare(op, left, right)

    def _check_value(self, left: Expr, lk: str, right: Expr, path: Path) -> None:
        rk = kind_of(right)
        if rk == "null":
            return
        if not _compatible(lk, rk):
            self.error("E223", f"cannot compare {_a(lk)} with {_a(rk)}", path)
            return
        choices = None
        if isinstance(left, Field):
            choices = left.type.choices
            if left.type.kind in ("set", "list") and left.type.item is not None:
                choices = left.type.item.choices
        if (
            choices
            and isinstance(right, (Const, Param))
            and isinstance(right.value, str)
            and right.value not in choices
        ):
            self.error(
                "E224",
                f"{right.value!r} is not a possible value here (one of: {', '.join(choices)})",
                path,
                did_you_mean(right.value, choices),
            )

    # -- deadlines ---------------------------------------------------------------------------

    def _deadline(self, raw: Any, path: Path, scopes: list[type[BaseModel]]) -> Deadline:
        if not isinstance(raw, dict):
            self.error(
                "E230",
                "'deadline' takes a mapping: {start, within, done} or {due, done}",
                path,
            )
            return Deadline(Const(None), Const(None), None)
        self._only(raw, {"start", "within", "due", "done"}, path)
        if "done" not in raw:
            self.error("E231", "'deadline' needs 'done'", path)
        done = self._path_or_expr(raw.get("done"), (*path, "done"), scopes)
        self._want_date(done, "done", (*path, "done"))
        if "due" in raw:
            if "start" in raw or "within" in raw:
                self.error("E231", "give either 'due' or 'start' and 'within', not both", path)
            due = self._path_or_expr(raw["due"], (*path, "due"), scopes)
            self._want_date(due, "due", (*path, "due"))
            return Deadline(due, done, None)
        for k in ("start", "within"):
            if k not in raw:
                self.error("E231", f"'deadline' needs {k!r} (or 'due')", path)
        start = self._path_or_expr(raw.get("start"), (*path, "start"), scopes)
        self._want_date(start, "start", (*path, "start"))
        within = self._expr(raw.get("within", 0), (*path, "within"), scopes)
        unit: Literal["days", "working_days"] = "days"
        if isinstance(within, Param):
            if within.unit == "working_days":
                unit = "working_days"
            elif within.unit != "calendar_days":
                self.error(
                    "E233",
                    f"deadline 'within' needs a calendar_days or working_days parameter; "
                    f"${within.name} is in {within.unit}",
                    (*path, "within"),
                )
        elif kind_of(within) not in ("int", "any"):
            self.error(
                "E234", "deadline 'within' must be a whole number of days", (*path, "within")
            )
        elif isinstance(within, Const) and isinstance(within.value, int) and within.value < 0:
            # As a negative parameter is (E110): a period the law grants is never negative.
            self.error(
                "E234",
                f"deadline 'within' must be a whole number of days >= 0, not {within.value}",
                (*path, "within"),
            )
        fallback = self.weekday_fallback and unit == "working_days"
        return Deadline(Shift(start, within, unit, fallback, self.calendar), done, start)

    def _want_date(self, e: Expr, name: str, path: Path) -> None:
        if kind_of(e) not in ("date", "any", "null"):
            self.error("E232", f"deadline {name!r} must be a date, not {_a(kind_of(e))}", path)

    # -- expressions -------------------------------------------------------------------------

    def _path_or_expr(self, raw: Any, path: Path, scopes: list[type[BaseModel]]) -> Expr:
        if isinstance(raw, str) and raw[:1] not in ("$", "@"):
            return self._field(raw, path, scopes)
        return self._expr(raw, path, scopes)

    def _field(self, raw: Any, path: Path, scopes: list[type[BaseModel]]) -> Field:
        dummy = unknown_expr()
        if not isinstance(raw, str) or not raw.strip("/"):
            self.error(
                "E201", "a field path must be a dotted name such as 'police_filing.date'", path
            )
            return dummy
        scope = 0 if raw.startswith("/") else len(scopes) - 1
        parts = tuple(raw.lstrip("/").split("."))
        try:
            ftype, nullable = resolve_path(scopes[scope], parts)
        except PathError as exc:
            where = "the subject" if scope == 0 else f"the items of level {scope}"
            self.error("E203", f"{exc} in {where} ({scopes[scope].__name__})", path, exc.hint)
            return dummy
        return Field(parts, scope, ftype, nullable)

    def _expr(self, raw: Any, path: Path, scopes: list[type[BaseModel]]) -> Expr:
        if isinstance(raw, str):
            if raw.startswith("$"):
                return self._param(raw[1:], path)
            if raw.startswith("@"):
                if raw == "@as_of":
                    return AsOf()
                if raw == "@effective":
                    # a constant of the pack: the day the text took effect, for a list whose
                    # items are each an act judged by the law in force on its own date
                    if self.effective is None:
                        self.error(
                            "E205",
                            "'@effective' is meta.effective, which this pack does not give",
                            path,
                        )
                        return unknown_expr()
                    return Const(self.effective)
                self.error(
                    "E205",
                    f"unknown reference {raw!r}",
                    path,
                    "'@as_of' is the evaluation date and '@effective' the pack's effective date; "
                    "write {const: ...} for a literal",
                )
                return unknown_expr()
            return Const(raw)
        if isinstance(raw, float):
            return Const(Decimal(str(raw)))
        if raw is None or isinstance(raw, (bool, int, dt.date)):
            return Const(raw)
        if not isinstance(raw, dict) or len(raw) != 1:
            self.error(
                "E206",
                "an expression is a literal, '$parameter', '@as_of', or a "
                f"mapping with one of: {', '.join(_EXPR_OPS)}",
                path,
            )
            return unknown_expr()
        ((op, arg),) = raw.items()
        sub = (*path, op)
        if op == "field":
            return self._field(arg, sub, scopes)
        if op == "const":
            return Const(arg)
        if op == "year":
            d = self._path_or_expr(arg, sub, scopes)
            if kind_of(d) not in ("date", "any"):
                self.error("E209", f"'year' needs a date, not {_a(kind_of(d))}", sub)
            return YearOf(d)
        if op == "date":
            m = self._path_or_expr(arg, sub, scopes)
            if kind_of(m) not in ("datetime", "any"):
                self.error("E209", f"'date' needs a date-time, not {_a(kind_of(m))}", sub)
            return DayOf(m)
        if op == "len":
            f = self._field(arg, sub, scopes)
            if f.path != UNKNOWN_PATH and f.type.kind not in ("set", "list"):
                self.error("E207", f"'len' needs a list or set, not {_a(f.type.kind)}", sub)
            return Len(f)
        if op in ("earliest", "latest"):
            return self._extremum(op, arg, sub, scopes)
        if op not in _EXPR_OPS:
            self.error(
                "E206",
                f"unknown expression {op!r}",
                path,
                did_you_mean(str(op), _EXPR_OPS),
                key=True,
            )
            return unknown_expr()
        if not isinstance(arg, list) or len(arg) != 2:
            self.error("E208", f"'{op}' takes a list of two operands", sub)
            return unknown_expr()
        a = self._path_or_expr(arg[0], (*sub, 0), scopes)
        b = self._path_or_expr(arg[1], (*sub, 1), scopes)
        ka, kb = kind_of(a), kind_of(b)
        if op in ("add", "sub", "mul", "div"):
            wrong = [(k, i) for k, i in ((ka, 0), (kb, 1)) if k not in _ARITH_KINDS]
            for k, i in wrong:
                self.error("E209", f"'{op}' needs numbers, operand {i + 1} is {_a(k)}", (*sub, i))
            return unknown_expr() if wrong else Arith(op, a, b)  # one mistake, one error
        if op in _SHIFTS:
            if ka not in ("date", "any") or kb not in ("int", "any"):
                self.error(
                    "E209", f"'{op}' needs a date and a whole number, not {ka} and {kb}", sub
                )
            unit = _SHIFTS[op]
            if isinstance(b, Param) and b.unit not in _SHIFT_UNITS[unit]:
                self.error(
                    "E235",
                    f"'{op}' counts {unit.replace('_', ' ')}, but ${b.name} is in {b.unit}",
                    (*sub, 1),
                )
            return Shift(
                a, b, unit, self.weekday_fallback and unit == "working_days", self.calendar
            )
        if op == "annual":
            if ka not in ("month_day", "any") or kb not in ("int", "any"):
                self.error(
                    "E209",
                    f"'annual' needs a month_day parameter and a year, not {ka} and {kb}",
                    sub,
                )
            return Annual(a, b)
        want = "datetime" if op == "hours_between" else "date"
        for k, i in ((ka, 0), (kb, 1)):
            if k not in (want, "any"):
                message = f"'{op}' needs two {want}s, operand {i + 1} is {_a(k)}"
                self.error("E209", message, (*sub, i))
        return HoursBetween(a, b) if op == "hours_between" else DaysBetween(a, b)

    def _extremum(
        self,
        op: Literal["earliest", "latest"],
        raw: Any,
        path: Path,
        scopes: list[type[BaseModel]],
    ) -> Expr:
        """``{earliest: {of: date, among: list, where: c}}``: the first (or last) date of the
        items of a list that satisfy ``where`` (``where`` may be omitted)."""
        if not isinstance(raw, dict) or "among" not in raw or "of" not in raw:
            self.error(
                "E236",
                f"'{op}' takes a mapping {{of: <date path>, among: <list>, where: <condition>}}",
                path,
                "'of' names the date of each item, 'among' the list; 'where' is optional",
            )
            return unknown_expr()
        self._only(raw, {"of", "among", "where"}, path)
        lst = self._field(raw["among"], (*path, "among"), scopes)
        if lst.path == UNKNOWN_PATH:
            return unknown_expr()
        if lst.type.kind != "list" or lst.type.model is None:
            self.error(
                "E220",
                f"'{op}' needs a list of records, '{'.'.join(lst.path)}' is a {lst.type.kind}",
                (*path, "among"),
            )
            return unknown_expr()
        inner = [*scopes, lst.type.model]
        where = self._cond(raw["where"], (*path, "where"), inner) if "where" in raw else None
        of = self._path_or_expr(raw["of"], (*path, "of"), inner)
        if kind_of(of) not in ("date", "datetime", "any"):
            self.error(
                "E237",
                f"'{op}' compares dates: 'of' must be a date or date-time, not a {kind_of(of)}",
                (*path, "of"),
            )
            return unknown_expr()
        return Extremum(op, lst, len(scopes), where, of)

    def _param(self, name: str, path: Path) -> Expr:
        if name in self.parameters:
            return self.parameters[name]
        guess = closest(name, self.parameters)
        self.error(
            "E204",
            f"unknown parameter ${name}",
            path,
            f"did you mean ${guess}?" if guess is not None else "declare it under 'parameters'",
        )
        return unknown_expr()


def happened(expr: Expr) -> Cond:
    """``present`` of ``expr``. A field's recorded date (or date-time) is an act's, and an
    act dated after the evaluation date has not happened on it: a present date is one on or
    before ``@as_of`` (``date <= @as_of``, false when null), so a record holding a date still
    to come (a planned start, an entry made ahead, a record read as of an earlier day) is
    judged as it stands on the as-of day, in every backend alike (docs/pack-format.md)."""
    if isinstance(expr, Field):
        if expr.type.kind == "date":
            return Compare("le", expr, AsOf())
        if expr.type.kind == "datetime":
            return Compare("le", DayOf(expr), AsOf())
    return Present(expr)


def unknown_expr() -> Field:
    """A stand-in for something already reported as unknown (kind \"any\")."""
    return Field(UNKNOWN_PATH, 0, FieldType("str", True), (True,))
