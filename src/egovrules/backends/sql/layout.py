"""The flat table layout of each subject kind, derived from the subject models.

One row per subject. Its columns follow the model:

* a scalar field is a column of its own (``funding_source``, ``network_access_date``);
* a nested record is flattened, its fields named ``record__field`` (``police_filing__date``,
  ``declaration__materials__content``); a record that may be null also has a BOOLEAN column
  named after it (``police_filing``) that says whether it is there;
* a set of strings is a LIST of VARCHAR (``security_systems``);
* a list of records (``approvals``, ``payments``) is a LIST of STRUCT whose fields follow the
  item model (nested records inside an item stay STRUCTs).

``normalize_sql`` reads what an input table actually holds (flat ``a__b`` columns, or nested
STRUCT columns, or JSON text for lists as in CSV) and turns it into exactly this layout, with
the model's defaults filled in and the fields of an absent record null, so the compiled rules
read one shape only. ``subjects_to_arrow`` and ``arrow_to_subject_data`` convert between
validated subjects and the layout, for tests and for in-memory audits; no rule is evaluated
in Python.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from egovrules.backends.sql.dialect import Dialect
from egovrules.source.suggest import closest
from egovrules.subjects import SUBJECT_MODELS, SubjectBase
from egovrules.subjects.base import AMOUNT_DIGITS, AMOUNT_PLACES
from egovrules.subjects.paths import FieldType, resolve_path

__all__ = [
    "DECIMAL_PRECISION",
    "DECIMAL_SCALE",
    "SEPARATOR",
    "Column",
    "InType",
    "Layout",
    "Member",
    "ValueType",
    "layout_of",
    "literal",
]

SEPARATOR = "__"
# Amounts are exact decimals: up to 10^18 yuan with six decimal places. Arithmetic on them
# stays well inside DECIMAL(38) in both engines, so no result is ever rounded.
DECIMAL_PRECISION = AMOUNT_DIGITS  # the range a subject's amounts are held to
DECIMAL_SCALE = AMOUNT_PLACES

TypeKind = Literal["bool", "int", "decimal", "date", "datetime", "str", "list", "struct"]


@dataclass(frozen=True, slots=True)
class Member:
    """A field of a STRUCT (a record inside a list)."""

    name: str
    type: ValueType
    nullable: bool
    default: Any


@dataclass(frozen=True, slots=True)
class ValueType:
    """The engine-independent type of a column or of a struct field."""

    kind: TypeKind
    item: ValueType | None = None
    members: tuple[Member, ...] = ()
    choices: tuple[str, ...] | None = None
    """The texts a ``str`` field may hold (a ``Literal``), else ``None``: any."""
    nonempty: bool = False
    """Whether a ``str`` field may not hold the empty text (``min_length=1``)."""
    bounds: tuple[int, int] | None = None
    """The least and the greatest value an ``int`` field may hold (``Days``, ``Year``), else
    ``None``: any."""

    def sql(self, d: Dialect) -> str:
        """The type's name in dialect ``d``."""
        match self.kind:
            case "bool":
                return "BOOLEAN"
            case "int":
                return "BIGINT"
            case "decimal":
                return f"DECIMAL({DECIMAL_PRECISION},{DECIMAL_SCALE})"
            case "date":
                return "DATE"
            case "datetime":
                return "TIMESTAMP"
            case "str":
                return d.string_type
            case "list":
                assert self.item is not None
                return d.list_type.format(item=self.item.sql(d))
        return d.struct_type([(m.name, m.type.sql(d)) for m in self.members])


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the flat layout."""

    name: str
    path: tuple[str, ...]
    type: ValueType
    role: Literal["value", "marker"]
    nullable: bool
    """Whether the column may hold NULL in the normalized table."""
    default: Any
    """The model's default, filled in where the input has no value (``None``: none)."""
    guards: tuple[str, ...]
    """Marker columns of the nullable records the field lies in: when one is false the
    field is NULL, as a path through a missing record is null."""


@dataclass(frozen=True, slots=True)
class InType:
    """What an input column holds, as far as normalizing it needs to know."""

    kind: Literal["text", "json", "struct", "list", "scalar"]
    """``json``: a JSON value of any kind (a JSON Lines field), read by its kind as pydantic
    reads it (``_json_scalar``), a list or a record as JSON text is."""
    fields: Mapping[str, InType] = field(default_factory=dict)
    item: InType | None = None
    type: str = ""
    """Of a scalar: ``bool``, ``int``, ``float``, ``date``, ``datetime`` or
    ``decimal(P,S)``; empty when another or not known."""


@dataclass(frozen=True, slots=True)
class Layout:
    """The flat layout of one subject kind."""

    kind: str
    model: type[BaseModel]
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Column names, in layout order."""
        return tuple(c.name for c in self.columns)

    def column(self, path: tuple[str, ...]) -> Column:
        """The column of a field path of the subject (a record's marker for a record)."""
        return self._by_name()[SEPARATOR.join(path)]

    @cache  # noqa: B019 - layouts are few, immutable and live as long as the process
    def _by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    # -- normalizing an input table ------------------------------------------------------------

    def unknown_columns(self, schema: Mapping[str, InType]) -> list[tuple[str, str | None]]:
        """Input columns (and struct fields, of a record or of a list's records) the model has
        no field for, each with the nearest known name."""
        known = {c.name for c in self.columns}
        records = _record_models(self.model)
        bad: list[tuple[str, str | None]] = []
        for name, intype in schema.items():
            if name in known and intype.kind == "list" and intype.item is not None:
                item = resolve_path(self.model, self._by_name()[name].path)[0].model
                if item is not None and intype.item.kind == "struct":
                    bad.extend(_unknown_in_struct(f"{name}[]", intype.item, item))
                continue
            if name in known and not (intype.kind == "struct" and name in records):
                continue
            if name in records and intype.kind == "struct":
                bad.extend(_unknown_in_struct(name, intype, records[name]))
                continue
            bad.append((name, closest(name, sorted(known))))
        return bad

    def missing_required(self, schema: Mapping[str, InType]) -> list[str]:
        """Required columns (fields without a default) the input does not have, and required
        fields of the records a list column holds (``approvals[].kind``)."""
        missing = [
            c.name
            for c in self.columns
            if c.default is PydanticUndefined and _locate(schema, c.path) is None
        ]
        for c in self.columns:
            found = _locate(schema, c.path) if c.type.kind == "list" else None
            if found is not None and found[1].kind == "list" and c.type.item is not None:
                missing.extend(_missing_in_items(c.name, found[1], c.type))
        return missing

    def normalize_sql(self, schema: Mapping[str, InType], d: Dialect, source: str) -> str:
        """A SELECT over ``source AS i`` yielding exactly this layout."""
        exprs = []
        for c in self.columns:
            exprs.append(f"{self._column_sql(c, schema, d)} AS {d.ident(c.name)}")
        found = _locate(schema, ("id",))
        subject = "NULL" if found is None else _ref(found[0], d)
        if found is not None and found[1].kind == "json":
            subject = d.json_text.format(value=subject)
        row = (
            f"SELECT *, CAST({subject} AS {d.string_type}) AS {d.ident(ROW_ID)} FROM {source} AS i"
        )
        return "SELECT\n  " + ",\n  ".join(exprs) + f"\nFROM ({row}) AS i"

    def checked_values(self, schema: Mapping[str, InType], d: Dialect, row: str) -> list[str]:
        """A value of each column of ``normalize_sql`` that stops the statement where the
        subject model refuses what the input holds (E604), over the row ``row``: the column,
        or a list's size (as good for running its checks, and cheaper to digest than a list of
        records). Each check runs only where its column is computed, and an engine computes
        only the columns a statement reads."""
        stop = d.fail.partition("{")[0]
        out = []
        for c in self.columns:
            if c.role == "value" and stop in self._column_sql(c, schema, d):
                ref = f"{row}.{d.ident(c.name)}"
                out.append(d.size.format(list=ref) if c.type.kind == "list" else ref)
        return out

    def _column_sql(self, c: Column, schema: Mapping[str, InType], d: Dialect) -> str:
        guards = [self._presence_sql(self._by_name()[g], schema, d) for g in c.guards]
        if c.role == "marker":
            return " AND ".join([*guards, self._presence_sql(c, schema, d)])
        found = _locate(schema, c.path)
        value = None
        if found is not None:
            what = ".".join(c.path)
            value = _cast(_ref(found[0], d), found[1], c.type, d, what)
            value = _checked(value, what, c.type, c.default is PydanticUndefined, d)
        if c.default is not None and c.default is not PydanticUndefined:
            default = literal(c.default, c.type, d)
            value = default if value is None else _or_default(value, default, c.type)
        elif value is None:
            value = literal(None, c.type, d)
        if guards:
            return f"CASE WHEN {' AND '.join(guards)} THEN {value} END"
        return value

    def _presence_sql(self, marker: Column, schema: Mapping[str, InType], d: Dialect) -> str:
        """Whether the record of a marker column is there, read from the input."""
        found = _locate(schema, marker.path)
        if found is not None:
            names, intype = found
            if intype.kind == "struct":
                return f"({_ref(names, d)} IS NOT NULL)"
            return f"COALESCE(CAST({_ref(names, d)} AS BOOLEAN), FALSE)"
        # No marker column: the record is there when any of its fields has a value.
        prefix = marker.name + SEPARATOR
        present = []
        for c in self.columns:
            if c.role == "value" and c.name.startswith(prefix):
                leaf = _locate(schema, c.path)
                if leaf is not None:
                    present.append(f"{_ref(leaf[0], d)} IS NOT NULL")
        return "(" + " OR ".join(present) + ")" if present else "FALSE"


# -- building layouts --------------------------------------------------------------------------


@cache
def layout_of(kind: str) -> Layout:
    """The flat layout of subject kind ``kind`` (``project``, ``website``, ...)."""
    model = SUBJECT_MODELS[kind]
    columns: list[Column] = []
    _flatten(model, (), (), columns)
    return Layout(kind, model, tuple(columns))


def _flatten(
    model: type[BaseModel],
    prefix: tuple[str, ...],
    guards: tuple[str, ...],
    out: list[Column],
) -> None:
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        ftype, _ = resolve_path(model, (name,))
        flat = SEPARATOR.join(path)
        default = _default(info)
        if ftype.kind == "record":
            assert ftype.model is not None
            inner = guards
            if ftype.nullable:
                out.append(Column(flat, path, ValueType("bool"), "marker", False, False, guards))
                inner = (*guards, flat)
            _flatten(ftype.model, path, inner, out)
            continue
        nullable = ftype.nullable or bool(guards) or default is PydanticUndefined
        out.append(Column(flat, path, _typed(ftype, info), "value", nullable, default, guards))


def value_type(ftype: FieldType) -> ValueType:
    """The column type of a field of type ``ftype``."""
    if ftype.kind in ("set", "list"):
        assert ftype.item is not None
        return ValueType("list", item=value_type(ftype.item))
    if ftype.kind == "record":
        assert ftype.model is not None
        return ValueType("struct", members=_members(ftype.model))
    scalar: TypeKind = ftype.kind  # type: ignore[assignment]  # sets and lists are above
    return ValueType(scalar, choices=ftype.choices if scalar == "str" else None)


@cache
def _members(model: type[BaseModel]) -> tuple[Member, ...]:
    members = []
    for name, info in model.model_fields.items():
        ftype, _ = resolve_path(model, (name,))
        members.append(Member(name, _typed(ftype, info), ftype.nullable, _default(info)))
    return tuple(members)


def _typed(ftype: FieldType, info: Any) -> ValueType:
    """The column type of a model field: ``value_type``, whether its text may be empty, and
    the bounds of its whole number."""
    vt = value_type(ftype)
    if vt.kind == "str" and any(getattr(m, "min_length", 0) for m in info.metadata):
        return replace(vt, nonempty=True)
    if vt.kind == "int":
        return replace(vt, bounds=_int_bounds([*info.metadata, *_constraints(info.annotation)]))
    return vt


def _constraints(annotation: Any) -> list[Any]:
    """The constraints an annotation holds inside a union (``Year | None``: ``Ge(1)``,
    ``Le(9999)``), which pydantic leaves in the annotation, not in the field's metadata."""
    out: list[Any] = []
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is Annotated:
            for extra in typing.get_args(arg)[1:]:
                out.extend(getattr(extra, "metadata", [extra]))
        else:
            out.extend(_constraints(arg))
    return out


def _int_bounds(constraints: list[Any]) -> tuple[int, int] | None:
    """The least and greatest whole number ``constraints`` (``Ge``, ``Gt``, ``Le``, ``Lt``)
    allow, each end at the engines' BIGINT range when none is set; ``None`` when none is."""
    low, high = -(2**63), 2**63 - 1
    for c in constraints:
        low = max(low, getattr(c, "ge", low), getattr(c, "gt", low - 1) + 1)
        high = min(high, getattr(c, "le", high), getattr(c, "lt", high + 1) - 1)
    return None if (low, high) == (-(2**63), 2**63 - 1) else (low, high)


def _default(info: Any) -> Any:
    """The model's default for a field: a value, ``None``, or ``PydanticUndefined``."""
    if info.default_factory is not None:
        value = info.default_factory()
        return None if isinstance(value, BaseModel) else value
    return info.default


def _record_models(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Flat names of the (non-list) records of a model, with their models."""
    out: dict[str, type[BaseModel]] = {}

    def walk(m: type[BaseModel], prefix: tuple[str, ...]) -> None:
        for name in m.model_fields:
            ftype, _ = resolve_path(m, (name,))
            if ftype.kind == "record" and ftype.model is not None:
                out[SEPARATOR.join((*prefix, name))] = ftype.model
                walk(ftype.model, (*prefix, name))

    walk(model, ())
    return out


def _unknown_in_struct(
    where: str, intype: InType, model: type[BaseModel]
) -> list[tuple[str, str | None]]:
    bad: list[tuple[str, str | None]] = []
    fields = model.model_fields
    for name, sub in intype.fields.items():
        if name not in fields:
            guess = closest(name, sorted(fields))
            bad.append((f"{where}.{name}", None if guess is None else f"{where}.{guess}"))
            continue
        ftype, _ = resolve_path(model, (name,))
        inner = ftype.model
        if inner is not None and sub.kind == "struct":
            bad.extend(_unknown_in_struct(f"{where}.{name}", sub, inner))
        elif inner is not None and sub.kind == "list" and sub.item and sub.item.kind == "struct":
            bad.extend(_unknown_in_struct(f"{where}.{name}[]", sub.item, inner))
    return bad


# -- reading input columns ---------------------------------------------------------------------


def _locate(schema: Mapping[str, InType], path: tuple[str, ...]) -> tuple[list[str], InType] | None:
    """Where the input holds the field at ``path``: a flat column, or a field of a STRUCT
    column that holds one of its records. Returns the chain of names and the input type."""
    for cut in range(len(path), 0, -1):
        head = SEPARATOR.join(path[:cut])
        intype = schema.get(head)
        if intype is None:
            continue
        names = [head]
        for name in path[cut:]:
            if intype.kind != "struct" or name not in intype.fields:
                break
            intype = intype.fields[name]
            names.append(name)
        else:
            return names, intype
    return None


def _ref(names: list[str], d: Dialect) -> str:
    return "i." + ".".join(d.ident(n) for n in names)


def _checked(value: str, what: str, vt: ValueType, required: bool, d: Dialect) -> str:
    """``value``, and the statement stopped (E604, naming ``what``) where a subject model
    refuses what the input holds: nothing in a required field, a text outside a field's
    choices (an enumeration misspelt would put a subject outside a rule's scope, and the
    audit would judge what ``pack.check`` refuses)."""
    tests: list[tuple[str, str]] = []
    if required:
        tests.append((f"{value} IS NULL", d.string(f"{what}: no value, and one is required")))
    item = vt.item if vt.kind == "list" else None
    choices = vt.choices if item is None else item.choices
    if choices:
        allowed = _listed(choices, d)
        if item is None:
            bad = f"{value} NOT IN ({allowed})"
        else:
            every = d.every.format(list=value, var="egr_c", pred=f"egr_c IN ({allowed})")
            bad = f"NOT COALESCE({every}, TRUE)"
        shown = f"CAST({value} AS {d.string_type})"
        listed = ", ".join(choices)
        tests.append((bad, _quoted(what, shown, f"is not one of {listed}", d)))
    if vt.nonempty:
        tests.append((f"length({value}) = 0", d.string(f"{what}: empty, and it may not be")))
    if vt.bounds is not None:
        shown = f"CAST({value} AS {d.string_type})"
        tests.append((_outside(value, vt.bounds), _quoted(what, shown, _between(vt.bounds), d)))
    return _stopped(value, tests, d)


def _outside(value: str, bounds: tuple[int, int]) -> str:
    """True when the whole number ``value`` lies outside ``bounds`` (NULL when it is NULL)."""
    return f"({value} < {bounds[0]} OR {value} > {bounds[1]})"


def _between(bounds: tuple[int, int]) -> str:
    return f"is not between {bounds[0]} and {bounds[1]}"


def _quoted(what: str, shown: str, problem: str, d: Dialect) -> str:
    """The message ``what: 'shown' problem`` (``shown``: an SQL text)."""
    return f"{d.string(what + ': ' + chr(39))} || {shown} || {d.string(chr(39) + ' ' + problem)}"


ROW_ID = "egr_row_id"
"""The column ``normalize_sql`` adds to its input: the subject's id as text, which names a
refused row (a JSON Lines id is a JSON value, whose text as such keeps its quotes)."""

ROW_NOTE = " (the row of subject id "
"""How a refusal names its row: by the subject's id, quoted, or ``none``; the runner reads it
back to find the row's line in a file."""


def _stopped(value: str, tests: list[tuple[str, str]], d: Dialect) -> str:
    """``value``, and the statement stopped with the message of the first (test, message) that
    holds (E604), naming the row by its subject id (``ROW_NOTE``)."""
    if not tests:
        return value
    quote = d.string("'")
    subject = f"i.{d.ident(ROW_ID)}"
    row = f"{d.string(ROW_NOTE)} || COALESCE({quote} || {subject} || {quote}, 'none') || ')'"
    whens = " ".join(
        f"WHEN {test} THEN {d.fail.format(message=f'{m} || {row}')}" for test, m in tests
    )
    return f"CASE {whens} ELSE {value} END"


def _listed(choices: tuple[str, ...], d: Dialect) -> str:
    return ", ".join(d.string(c) for c in choices)


def _records_checked(value: str, item: ValueType, d: Dialect, what: str) -> str:
    """``value``, a list of records of the layout's shape, and the statement stopped (E604)
    where one of its records holds what the subject model refuses (``_checked``)."""
    tests = []
    for m in item.members:
        ref = f"egr_r.{d.ident(m.name)}"
        if m.default is PydanticUndefined:
            tests.append(f"{ref} IS NOT NULL")
        if m.type.choices:
            tests.append(f"({ref} IS NULL OR {ref} IN ({_listed(m.type.choices, d)}))")
        if m.type.nonempty:
            tests.append(f"({ref} IS NULL OR length({ref}) > 0)")
        if m.type.bounds is not None:
            tests.append(f"({ref} IS NULL OR NOT {_outside(ref, m.type.bounds)})")
    if not tests:
        return value
    every = d.every.format(list=value, var="egr_r", pred=" AND ".join(tests))
    fields = ", ".join(
        f"{m.name} ({'; '.join(_demands(m))})"
        for m in item.members
        if m.default is PydanticUndefined or m.type.choices or m.type.nonempty or m.type.bounds
    )
    message = d.string(f"{what}: a record holds what the model refuses: {fields}")
    return _stopped(value, [(f"NOT COALESCE({every}, TRUE)", message)], d)


def _demands(m: Member) -> list[str]:
    """What the model asks of a record's field, in words."""
    out = ["required"] if m.default is PydanticUndefined else []
    if m.type.choices:
        out.append(f"one of {', '.join(m.type.choices)}")
    if m.type.nonempty:
        out.append("not empty")
    if m.type.bounds is not None:
        out.append(_between(m.type.bounds).removeprefix("is not "))
    return out


def _missing_in_items(where: str, intype: InType, target: ValueType) -> list[str]:
    """Required fields of a list's records that the input's records do not have."""
    item, inner = target.item, intype.item
    if item is None or inner is None or item.kind != "struct" or inner.kind != "struct":
        return []
    return [
        f"{where}[].{m.name}"
        for m in item.members
        if m.default is PydanticUndefined and m.name not in inner.fields
    ]


def _cast(ref: str, intype: InType, target: ValueType, d: Dialect, what: str = "value") -> str:
    """The input value at ``ref`` as a value of the layout type ``target`` (``what`` names
    it in an error)."""
    sql = ref
    if intype.kind == "json":
        if target.kind not in ("list", "struct"):
            return _json_scalar(sql, target, d, what)
        # read as the JSON text of a CSV cell is, by its JSON kinds
        sql, intype = d.json_written.format(value=sql), InType("text")
    if target.kind == "datetime":
        return _datetime(sql, intype, d, what)
    item = target.item if target.kind == "list" else None
    if intype.kind == "text" and item is not None and item.kind == "struct":
        return _records_from_json(sql, item, d, what + "[]")
    if intype.kind == "text" and item is not None and item.kind in _JSON_TAKES:
        return _scalars_from_json(sql, item, d, what + "[]")
    if target.kind in ("list", "struct") and intype.kind == "text" and _has_datetime(target):
        # JSON text: its date-times are read as text first, then each one as China time
        as_text = _datetimes_as_text(target)
        return _cast(d.parse_json(sql, as_text.sql(d)), _intype_of(as_text), target, d, what)
    if target.kind == "list":
        if intype.kind == "text":
            return d.parse_json(sql, target.sql(d))
        item = target.item
        assert item is not None
        inner = intype.item
        if (
            item.kind == "struct"
            and inner is not None
            and inner.kind == "struct"
            and (
                list(inner.fields) != [m.name for m in item.members] or _needs_rebuild(inner, item)
            )
        ):
            return _rebuild_list(sql, inner, item, d, 1, what=what + "[]")
        cast = f"CAST({sql} AS {target.sql(d)})"
        if item.kind == "struct" and inner is not None and inner.kind == "struct":
            # Of the layout's shape already: its records are tested, not rebuilt (a rebuild of
            # every list of every row costs the audit a third of its speed).
            return _records_checked(cast, item, d, what + "[]")
        return cast
    if target.kind == "struct":
        if intype.kind == "struct":
            return _rebuild_struct(sql, intype, target, d, 1, what=what)
        if intype.kind == "text":
            return d.parse_json(sql, target.sql(d))
    return _scalar(sql, intype, target, d, what)


# What pydantic reads as a boolean (lax mode, any case), and how the rest are read.
_TRUE = ("1", "on", "t", "true", "y", "yes")
_FALSE = ("0", "off", "f", "false", "n", "no")
_OFFSET = "([Zz]|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?"
_DATE_WRITTEN = "[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt _]00:00(:00([.,]0+)?)?" + _OFFSET + ")?"
"""A date as the subject model reads one from text: YYYY-MM-DD, or a date-time at midnight
(``2026-03-01T00:00:00``, ``2026-03-01 00:00``, ``2026-03-01t00:00z``, with an offset or
``Z``), as a table exported from a DATETIME column writes it; pydantic takes its date, and
refuses any other time. (Year 0000, which the engines hold, pydantic refuses: ``_calendar``.)"""
_DATETIME_WRITTEN = (
    "[0-9]{4}-[0-9]{2}-[0-9]{2}"
    "([Tt _]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.,][0-9]+)?)?" + _OFFSET + ")?"
)
"""A date-time as the subject model reads one from text (pydantic's ISO 8601 subset): a date,
then ``T``, ``t``, a space or ``_`` and a time of day from 00:00 to 23:59:59 (no ``24:00``,
no leap second), seconds' fraction after ``.`` or ``,``, an offset of ``Z``, ``z``, ``±HH:MM``
or ``±HHMM`` under 24 hours."""
_EPOCH_WRITTEN = r"[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)"
"""A number as pydantic reads one from text as a date or a date-time: seconds since
1970-01-01T00:00Z, or milliseconds when above 2*10^10 (``1700000000``, ``-86400``, ``.5``,
``1700000000.``; not ``1e9``, ``1_000`` nor with spaces around)."""
_MS_ABOVE = 20_000_000_000
_FIRST_SECOND, _LAST_SECOND = -62135596800, 253402300800
"""Seconds since 1970 of 0001-01-01T00:00Z and of 10000-01-01T00:00Z: pydantic's range."""
_DAY = 86_400_000_000
"""Microseconds in a day."""
_EPOCH = "DECIMAL(38,9)"
"""Milliseconds up to 10000-01-01 times 10^6 (21 digits), to the nanosecond."""
_INT_WRITTEN = r"\s*[+-]?[0-9](_?[0-9])*([.]0+)?\s*"
"""A whole number as pydantic reads one from text: digits (single underscores between them),
a sign, a fraction of zeros, spaces around (``1_000``, `` +12.00``; not ``1e3`` nor ``1.``)."""
_WIDE = "DECIMAL(38,20)"
"""As many digits before the point as an amount may have (18), and more after than it may."""


def _scalar(sql: str, intype: InType, target: ValueType, d: Dialect, what: str) -> str:
    """The input scalar at ``sql`` as a value of the layout type ``target``, and the statement
    stopped (E604, naming ``what``) where the subject model refuses it: a date not written
    YYYY-MM-DD (``2026-3-1``; a date-time at midnight is its date, ``_DATE_WRITTEN``), a
    boolean other than true/false/1/0 and their spellings (``0.5``, ``2``), an amount that is
    not a finite number of at most 18 digits before the point and 6 after (``NaN``, ``inf``), a
    whole number with a fraction. An input already of the layout's type is read as it is (no
    work per row)."""
    cast = f"CAST({sql} AS {target.sql(d)})"
    if not _read_strictly(intype, target):
        return cast
    source = "text" if intype.kind == "text" else intype.type
    shown = f"CAST({sql} AS {d.string_type})"
    # A binary float is read as the shortest decimal that writes it, as pydantic reads one
    # (``Decimal(str(2300000.0))``): a cast of the float itself to DECIMAL(38,20) is not exact
    # (2300000.00000000005804916736 on DuckDB 2.0), and refused 2300000.0 as an amount.
    exact = shown if source == "float" else sql
    wide = d.try_cast.format(value=exact, type=_WIDE)
    kind = target.kind
    if kind == "bool" and source == "text":
        low = f"lower({sql})"
        value = f"CASE WHEN {low} IN ({_listed(_TRUE, d)}) THEN TRUE "
        value += f"WHEN {low} IN ({_listed(_FALSE, d)}) THEN FALSE END"
        bad, problem = f"{sql} IS NOT NULL AND {value} IS NULL", "is not true or false"
    elif kind == "date":
        value = _date_from_text(sql, d)
        # (no value is no date to refuse: a required one is asked for by ``_checked``)
        bad, problem = f"{sql} IS NOT NULL AND {value} IS NULL", "is not a date written YYYY-MM-DD"
    elif kind == "decimal":
        value = d.try_cast.format(value=wide, type=target.sql(d))
        bad = f"{sql} IS NOT NULL AND ({value} IS NULL OR {wide} <> {value})"
        problem = f"is not a finite amount with at most {DECIMAL_SCALE} decimal places"
    elif kind == "int":
        value = f"CAST({wide} AS {target.sql(d)})"
        bad = f"{sql} IS NOT NULL AND ({wide} IS NULL OR {wide} <> floor({wide}))"
        if source == "text":  # (the engines read 1e3 as a number, pydantic not from text)
            written = d.matches.format(value=sql, pattern=d.string(_INT_WRITTEN))
            bad = f"{sql} IS NOT NULL AND (NOT {written} OR {wide} IS NULL)"
        problem = "is not a whole number"
    else:  # a boolean written as a number
        value, bad, problem = cast, f"{sql} NOT IN (0, 1)", "is not true or false"
    return _stopped(value, [(bad, _quoted(what, shown, problem, d))], d)


def _epoch_micros(sql: str, d: Dialect) -> str:
    """The text ``sql`` as microseconds since 1970-01-01T00:00Z, as pydantic reads a number as
    a date or a date-time (``_EPOCH_WRITTEN``): seconds, or milliseconds above 2*10^10; NULL
    when it is no such number or outside years 1 to 9999."""
    written = d.matches.format(value=sql, pattern=d.string(_EPOCH_WRITTEN))
    number = d.try_cast.format(value=f"CASE WHEN {written} THEN {sql} END", type=_EPOCH)
    micros = f"CASE WHEN abs({number}) > {_MS_ABOVE} THEN {number} * 1000 "
    micros += f"ELSE {number} * 1000000 END"
    first, last = _FIRST_SECOND * 10**6, _LAST_SECOND * 10**6
    return f"(CASE WHEN {micros} >= {first} AND {micros} < {last} THEN round({micros}) END)"


def _calendar(sql: str, d: Dialect, pattern: str) -> str:
    """Whether the text ``sql`` matches ``pattern`` and its date is one of the calendar's:
    year 0000, which the engines hold (DuckDB reads it as 1 BC), pydantic refuses."""
    written = d.matches.format(value=sql, pattern=d.string(pattern))
    return f"({written} AND substr({sql}, 1, 4) <> '0000')"


def _date_from_text(sql: str, d: Dialect) -> str:
    """The text ``sql`` as a date, as pydantic reads one: written YYYY-MM-DD or a date-time at
    midnight (``_DATE_WRITTEN``), or a number of seconds since 1970 that is a whole number of
    days (``86400``; ``1700000000`` is a time of day, refused); NULL when it is no date."""
    micros = _epoch_micros(sql, d)
    days = f"CAST({micros} / {_DAY} AS BIGINT)"
    epoch = d.add_days.format(date="DATE '1970-01-01'", n=days)
    written = d.try_cast.format(value=f"substr({sql}, 1, 10)", type="DATE")
    return (
        f"(CASE WHEN {_calendar(sql, d, _DATE_WRITTEN)} THEN {written} "
        f"WHEN {micros} % {_DAY} = 0 THEN {epoch} END)"
    )


def _datetime(sql: str, intype: InType, d: Dialect, what: str) -> str:
    """The input value at ``sql`` as a date-time of China Standard Time wall-clock, as the
    subject model reads it (``ChinaDateTime``); text is read as pydantic reads it
    (``_DATETIME_WRITTEN``, or seconds since 1970 as ``_epoch_micros`` reads them, an instant)
    and the statement stopped (E604, naming ``what``) where pydantic refuses it, or where China
    time is outside years 1 to 9999."""
    if intype.kind != "text":
        return d.china_time.format(value=sql)
    written = _calendar(sql, d, _DATETIME_WRITTEN)
    # (``t`` and ``z`` as the engines read them, ``_`` as a space, ``,`` as the point)
    upper = f"replace(replace(upper({sql}), '_', ' '), ',', '.')"
    # Seconds written out: DuckDB before 2.0 reads no HH:MM followed by an offset
    # (``2026-03-01T06:00Z``, ``+08:00``), which pydantic reads (``written`` holds the shape).
    upper = (
        f"(CASE WHEN length({sql}) >= 16 AND substr({sql}, 17, 1) <> ':' "
        f"THEN substr({upper}, 1, 16) || ':00' || substr({upper}, 17) ELSE {upper} END)"
    )
    spelt = d.china_time.format(value=upper)
    micros = _epoch_micros(sql, d)
    read = f"CASE WHEN {written} THEN {spelt} ELSE {d.utc_micros.format(micros=micros)} END"
    # Only a time on the calendar's first or last day, or a number (seconds near its ends), can
    # be outside it in China time (``0001-01-01T00:00+14:00``): the rest is read once, untested.
    ends = f"substr({sql}, 1, 10) NOT IN ('0001-01-01', '9999-12-31')"
    value = (
        f"(CASE WHEN {written} AND {ends} THEN {spelt} "
        f"WHEN year({read}) BETWEEN 1 AND 9999 THEN {read} END)"
    )
    problem = "is not a date-time written YYYY-MM-DDTHH:MM[:SS] (or seconds since 1970)"
    shown = f"CAST({sql} AS {d.string_type})"
    # (the value computed once: COALESCE reads its second argument only where it is NULL)
    refused = _stopped(
        "CAST(NULL AS TIMESTAMP)", [(f"{sql} IS NOT NULL", _quoted(what, shown, problem, d))], d
    )
    return f"COALESCE({value}, {refused})"


def _read_strictly(intype: InType, target: ValueType) -> bool:
    """Whether an input scalar is read by ``_scalar``'s tests: it is not of the layout's type,
    and a plain ``CAST`` would take what the model refuses."""
    if intype.kind == "json":
        return True
    source = "text" if intype.kind == "text" else intype.type
    match target.kind:
        case "bool":
            return source in ("text", "int", "float")
        case "date":
            return source == "text"
        case "decimal":
            return source in ("text", "float") or (
                source.startswith("decimal") and not _fits(source)
            )
        case "int":
            return source in ("text", "float") or source.startswith("decimal")
    return False


def _fits(decimal: str) -> bool:
    """Whether every value of the input type ``decimal(P,S)`` is an amount the model holds."""
    precision, scale = (int(x) for x in decimal[len("decimal(") : -1].split(","))
    return scale <= DECIMAL_SCALE and precision - scale <= DECIMAL_PRECISION - DECIMAL_SCALE


def _records_from_json(sql: str, item: ValueType, d: Dialect, what: str) -> str:
    """A list of records written as JSON text (a CSV column), each read key by key as the
    subject model reads it: a key it has no field for refused, a required one asked for, each
    value read by its JSON kind (``_json_scalar``) and then as a column is (``_checked``)."""
    var = f"egr_j{what.count('[]')}"
    key = f"{var}k"
    text = d.string_type
    record = d.map_type.format(key=text, value=d.json_type)
    maps = d.parse_json(sql, d.list_type.format(item=record))
    fields = []
    for m in item.members:
        named = f"{what}.{m.name}"
        value = f"{var}[{d.string(m.name)}]"
        if m.type.kind in ("list", "struct"):
            value = _cast(d.json_text.format(value=value), InType("text"), m.type, d, named)
        else:
            value = _json_scalar(value, m.type, d, named)
        value = _checked(value, named, m.type, m.default is PydanticUndefined, d)
        if m.default is not None and m.default is not PydanticUndefined:
            value = _or_default(value, literal(m.default, m.type, d), m.type)
        fields.append((m.name, value))
    names = d.list_value.format(items=_listed(tuple(m.name for m in item.members), d))
    unknown = d.filter.format(
        list=f"map_keys({var})", var=key, pred=f"NOT {d.contains.format(list=names, value=key)}"
    )
    known = ", ".join(m.name for m in item.members)
    message = f"{d.string(what + ': keys the model does not have: ')} || CAST({unknown} AS {text})"
    message += f" || {d.string(f' (it has {known})')}"
    body = _stopped(d.struct(fields), [(f"{d.size.format(list=unknown)} > 0", message)], d)
    return d.transform.format(list=maps, var=var, body=body)


def _scalars_from_json(sql: str, item: ValueType, d: Dialect, what: str) -> str:
    """A list of scalars written as JSON text (a CSV column), each read by its JSON kind
    (``_json_scalar``): ``["a", 1]`` is no set of strings."""
    var = f"egr_s{what.count('[]')}"
    items = d.parse_json(sql, d.list_type.format(item=d.json_type))
    null = (f"{d.json_text.format(value=var)} IS NULL", d.string(f"{what}: null in a list"))
    body = _stopped(_json_scalar(var, item, d, what), [null], d)
    return d.transform.format(list=items, var=var, body=body)


# The kinds of JSON value pydantic reads (lax mode) as a value of each scalar kind: a number
# is no string, nor a boolean an amount or a date; a number is read as a date or a date-time
# (seconds since 1970, ``_epoch_micros``).
_JSON_TAKES = {
    "str": ("string",),
    "bool": ("string", "number", "boolean"),
    "int": ("string", "number", "boolean"),
    "decimal": ("string", "number"),
    "date": ("string", "number"),
    "datetime": ("string", "number"),
}
_NOT_A = {
    "str": "is not text",
    "bool": "is not true or false",
    "int": "is not a whole number",
    "decimal": "is not a finite amount",
    "date": "is not a date nor a number of seconds since 1970",
    "datetime": "is not a date-time nor a number of seconds since 1970",
}


def _json_scalar(value: str, target: ValueType, d: Dialect, what: str) -> str:
    """The JSON value at ``value`` as a value of the scalar layout type ``target``, read as
    pydantic reads it by its JSON kind: a string as a column of text is (``_scalar``); a
    number as a boolean when it is 0 or 1 (``1.0`` too, as the text ``"1.0"`` is not), as a
    whole number when it has no fraction; ``true``/``false`` as a whole number 1 or 0. The
    statement stops (E604) on a kind the model does not read as the target (``1`` as text)."""
    text = d.json_text.format(value=value)
    kind = target.kind
    tests = {
        "string": d.json_string.format(value=value),
        "number": d.json_number.format(value=value),
        "boolean": d.json_boolean.format(value=value),
    }
    read = text
    if kind == "bool":
        as_number = d.try_cast.format(value=text, type="DOUBLE")
        number = f"CASE {as_number} WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE {text} END"
        read = f"CASE WHEN {tests['number']} THEN {number} ELSE {text} END"
    elif kind == "int":
        read = f"CASE WHEN {tests['boolean']} THEN "
        read += f"CASE {text} WHEN 'true' THEN '1' ELSE '0' END ELSE {text} END"
    if kind == "str":
        out = text
    elif kind == "datetime":
        out = _datetime(text, InType("text"), d, what)
    else:
        out = _scalar(read, InType("text"), target, d, what)
    taken = " OR ".join(tests[k] for k in _JSON_TAKES[kind])
    shown = f"CAST({text} AS {d.string_type})"
    bad = f"{text} IS NOT NULL AND NOT ({taken})"
    return _stopped(out, [(bad, _quoted(what, shown, _NOT_A[kind], d))], d)


def _has_datetime(vt: ValueType) -> bool:
    if vt.kind == "datetime":
        return True
    if vt.item is not None and _has_datetime(vt.item):
        return True
    return any(_has_datetime(m.type) for m in vt.members)


def _datetimes_as_text(vt: ValueType) -> ValueType:
    """``vt`` with every date-time in it read as a string."""
    if vt.kind == "datetime":
        return ValueType("str")
    return ValueType(
        vt.kind,
        None if vt.item is None else _datetimes_as_text(vt.item),
        tuple(
            Member(m.name, _datetimes_as_text(m.type), m.nullable, m.default) for m in vt.members
        ),
    )


def _intype_of(vt: ValueType) -> InType:
    """What a value of the layout type ``vt`` is, as an input."""
    match vt.kind:
        case "struct":
            return InType("struct", {m.name: _intype_of(m.type) for m in vt.members})
        case "list":
            assert vt.item is not None
            return InType("list", item=_intype_of(vt.item))
        case "str":
            return InType("text")
        case _:
            return InType("scalar")


def _needs_rebuild(intype: InType, target: ValueType) -> bool:
    """True when a STRUCT read from the input differs in shape from the layout's or holds a
    date-time (read as China time one by one)."""
    for m in target.members:
        sub = intype.fields.get(m.name)
        if sub is None or m.type.kind == "datetime" or _read_strictly(sub, m.type):
            return True
        if m.type.item is not None and m.type.item.choices:
            return True  # (a list of choices inside a record: read one by one)
        if m.type.kind == "struct" and (
            sub.kind != "struct"
            or list(sub.fields) != [x.name for x in m.type.members]
            or _needs_rebuild(sub, m.type)
        ):
            return True
    return False


def _rebuild_list(
    sql: str, item_in: InType, item: ValueType, d: Dialect, depth: int, *, what: str
) -> str:
    var = f"egr_n{depth}"
    body = _rebuild_struct(var, item_in, item, d, depth + 1, what=what)
    return d.transform.format(list=sql, var=var, body=body)


def _rebuild_struct(
    sql: str, intype: InType, target: ValueType, d: Dialect, depth: int, *, what: str
) -> str:
    """A STRUCT of the layout's shape from an input STRUCT with other or fewer fields, each
    field refused where the subject model refuses it (``_checked``)."""
    fields = []
    for m in target.members:
        sub = intype.fields.get(m.name)
        ref = f"{sql}.{d.ident(m.name)}"
        named = f"{what}.{m.name}"
        if sub is None and m.type.kind == "struct" and not m.nullable:
            value = _rebuild_struct("NULL", InType("struct"), m.type, d, depth, what=named)
        elif sub is None:
            value = "NULL"
        elif m.type.kind == "struct" and sub.kind == "struct":
            value = _rebuild_struct(ref, sub, m.type, d, depth, what=named)
            if m.nullable:
                value = f"CASE WHEN {ref} IS NOT NULL THEN {value} END"
        elif m.type.kind == "list" and sub.kind == "list" and m.type.item is not None:
            item = m.type.item
            if item.kind == "struct" and sub.item is not None and sub.item.kind == "struct":
                value = _rebuild_list(ref, sub.item, item, d, depth, what=named + "[]")
            else:
                value = f"CAST({ref} AS {m.type.sql(d)})"
        else:
            value = _cast(ref, sub, m.type, d, named)
        if sub is not None:
            value = _checked(value, named, m.type, m.default is PydanticUndefined, d)
        if m.default is not None and m.default is not PydanticUndefined:
            value = _or_default(value, literal(m.default, m.type, d), m.type)
        elif value == "NULL":
            value = f"CAST(NULL AS {m.type.sql(d)})"
        fields.append((m.name, value))
    return d.struct(fields)


def _or_default(value: str, default: str, vt: ValueType) -> str:
    """``value``, or ``default`` when it is NULL. (DuckDB copies a list through COALESCE but
    passes it through CASE untouched.)"""
    if vt.kind == "list":
        return f"CASE WHEN {value} IS NULL THEN {default} ELSE {value} END"
    return f"COALESCE({value}, {default})"


# -- literals ----------------------------------------------------------------------------------


def literal(value: Any, vtype: ValueType | None, d: Dialect) -> str:
    """A Python value as an SQL literal (``vtype`` types empty lists and NULL)."""
    if value is None:
        return "NULL" if vtype is None else f"CAST(NULL AS {vtype.sql(d)})"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return f"CAST({value} AS BIGINT)"
    if isinstance(value, Decimal):
        return decimal_literal(value)
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return d.string(value)
    if isinstance(value, (tuple, frozenset, list)) and vtype is not None:
        items = sorted(value) if isinstance(value, frozenset) else list(value)
        if not items:
            return d.empty_list.format(type=vtype.sql(d))
        inner = vtype.item
        values = ", ".join(literal(v, inner, d) for v in items)
        return f"CAST({d.list_value.format(items=values)} AS {vtype.sql(d)})"
    raise TypeError(f"no SQL literal for {value!r}")


def decimal_literal(value: Decimal) -> str:
    """An exact DECIMAL literal, typed just wide enough for ``value``."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int), "NaN and infinities never reach a pack"
    scale = max(0, -exponent)
    precision = max(len(digits) + max(0, exponent), scale, 1)
    if precision > 38:
        raise ValueError(f"{value} has more than 38 digits")
    return f"CAST('{value:f}' AS DECIMAL({precision},{scale}))"


# -- between subjects and Arrow ----------------------------------------------------------------


def arrow_schema(layout: Layout) -> Any:
    """The ``pyarrow.Schema`` of a layout."""
    import pyarrow as pa  # noqa: PLC0415 - an optional dependency (egovrules[audit])

    return pa.schema([pa.field(c.name, _arrow_type(c.type), c.nullable) for c in layout.columns])


def _arrow_type(vt: ValueType) -> Any:
    import pyarrow as pa  # noqa: PLC0415 - an optional dependency (egovrules[audit])

    match vt.kind:
        case "bool":
            return pa.bool_()
        case "int":
            return pa.int64()
        case "decimal":
            return pa.decimal128(DECIMAL_PRECISION, DECIMAL_SCALE)
        case "date":
            return pa.date32()
        case "datetime":
            return pa.timestamp("us")
        case "str":
            return pa.string()
        case "list":
            assert vt.item is not None
            return pa.list_(_arrow_type(vt.item))
    return pa.struct([pa.field(m.name, _arrow_type(m.type), True) for m in vt.members])


def subjects_to_arrow(layout: Layout, subjects: Iterable[SubjectBase]) -> Any:
    """Validated subjects of one kind as a ``pyarrow.Table`` in the flat layout."""
    import pyarrow as pa  # noqa: PLC0415 - an optional dependency (egovrules[audit])

    rows = list(subjects)
    columns = []
    for c in layout.columns:
        values = [_value_at(s, c) for s in rows]
        columns.append(pa.array(values, type=_arrow_type(c.type)))
    return pa.Table.from_arrays(columns, schema=arrow_schema(layout))


def _value_at(subject: SubjectBase, c: Column) -> Any:
    value: Any = subject
    for name in c.path:
        if value is None:
            return False if c.role == "marker" else None
        value = getattr(value, name)
    if c.role == "marker":
        return value is not None
    return _plain(value)


def _plain(value: Any) -> Any:
    """A model value as Arrow takes it: records as dicts, sets as sorted lists."""
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def arrow_to_subject_data(layout: Layout, table: Any) -> list[dict[str, Any]]:
    """Rows of a table in the flat layout as raw subject data (``parse_subject`` validates
    it): the inverse of ``subjects_to_arrow``."""
    return [
        _record_data(row, layout.model, ()) for row in table.select(list(layout.names)).to_pylist()
    ]


def _record_data(
    row: dict[str, Any], model: type[BaseModel], prefix: tuple[str, ...]
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in model.model_fields:
        path = (*prefix, name)
        flat = SEPARATOR.join(path)
        ftype, _ = resolve_path(model, (name,))
        if ftype.kind == "record":
            assert ftype.model is not None
            if not ftype.nullable or row[flat]:
                data[name] = _record_data(row, ftype.model, path)
        elif row[flat] is not None:
            data[name] = _unplain(row[flat])
    return data


def _unplain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _unplain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_unplain(v) for v in value]
    return value
