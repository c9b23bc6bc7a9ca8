"""From a z3 model to a real subject, run through the Python backend.

A model of the formulas is a candidate only: the encoding is looser than the interpreter in
places (``analysis.smt``). So a satisfiability finding is claimed only once the subject the
model describes validates and ``Pack.check`` gives it the outcomes the finding states.

The subject starts from one of the pack's own fixtures of the kind (its waivers and city
removed); every field the formulas read is set from the model, every list they read is
rebuilt from the items the model says exist (each from an item of the pack's fixtures), and
every other field keeps the fixture's value.

A model is free to date its subject anywhere a date can be (0001-01-01, the year 6187), which
reads as nonsense to a pack author. So the solver is asked first for a model whose dates (the
as-of date, every date, date-time and year the witness writes) lie in the years of the
fixtures the subject starts from, then also of the rules' own dates (their effective date, a
dated parameter, a date literal), within the years the holiday calendar knows; then in the
calendar's years; then around all of them. The first model whose subject holds is the
witness; with none, the solver's own model, as before.
"""

from __future__ import annotations

import datetime as dt
import itertools
import typing
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import z3
from pydantic import ValidationError

from egovrules.analysis.findings import Witness
from egovrules.analysis.smt import Encoder, Instance, ListCell, rule_nodes
from egovrules.diffing.witness import clone_data, item_templates
from egovrules.engine.pack import Pack
from egovrules.ir.nodes import Const, Param
from egovrules.law.verdict import Outcome
from egovrules.subjects import validate_subject
from egovrules.subjects.base import Year
from egovrules.subjects.paths import resolve_path

__all__ = ["build_witness"]

_EPOCH = dt.datetime(1970, 1, 1)


def build_witness(
    pack: Pack,
    kind: str,
    enc: Encoder,
    model: z3.ModelRef,
    *,
    rules: tuple[str, ...],
    expect: Callable[[Mapping[str, Outcome]], bool],
    solver: z3.Solver | None = None,
) -> Witness | None:
    """The subject ``model`` describes, if it validates and ``expect`` holds of the outcomes
    ``Pack.check`` gives the ``rules`` on it; ``None`` otherwise. Given the ``solver`` that
    found ``model``, models of the same formulas with readable dates are tried first."""
    readable = () if solver is None else _readable_models(solver, enc, _windows(pack, kind, rules))
    for candidate in itertools.chain(readable, (model,)):
        base, templates = _base(pack, kind)
        data = clone_data(base)
        data.pop("waivers", None)
        data.pop("city", None)
        where: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {"s": (data, ())}
        _fill(enc, candidate, where, templates)
        as_of = dt.date.fromordinal(_int(candidate, enc.as_of))
        try:
            subject = validate_subject(data)
        except (ValidationError, ValueError):
            continue
        outcomes = pack.check(subject, as_of).outcomes
        got = {r: outcomes.get(r, Outcome.NOT_APPLICABLE) for r in rules}
        if not expect(got):
            continue
        dumped = {"kind": kind, **subject.model_dump(mode="json", exclude_defaults=True)}
        return Witness(
            subject=dumped,
            as_of=as_of,
            outcomes=tuple((r, got[r].label) for r in rules),
        )
    return None


def _readable_models(
    solver: z3.Solver, enc: Encoder, windows: list[tuple[dt.date, dt.date]]
) -> Iterator[z3.ModelRef]:
    """A model of the solver's formulas with its dates within each window, where one is (one
    window asked at a time: the next only when the witness of this one does not hold)."""
    for lo, hi in windows:
        solver.push()
        solver.add(*_within(enc, lo, hi))
        near = solver.model() if solver.check() == z3.sat else None
        solver.pop()
        if near is not None:
            yield near


def _windows(pack: Pack, kind: str, rules: tuple[str, ...]) -> list[tuple[dt.date, dt.date]]:
    """The spans to date a witness in, the most readable first: the years of the fixtures the
    subject starts from, then those and the years of the rules' own dates (their effective
    date, a dated parameter, a date literal), each within the years the holiday calendar
    knows (where a rule counting working days is decided); then the calendar's years; then
    the span holding all of them."""
    first, last = pack.ruleset.calendar.years
    known = (dt.date(first, 1, 1), dt.date(last, 12, 31))
    fixtures = _fixture_years(pack, kind)
    spans = []
    hull = known
    for years in (fixtures, fixtures | _rule_years(pack, rules)):
        if years:
            lo, hi = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
            if max(lo, known[0]) <= min(hi, known[1]):
                spans.append((max(lo, known[0]), min(hi, known[1])))
            hull = (min(lo, hull[0]), max(hi, hull[1]))
    return list(dict.fromkeys([*spans, known, hull]))


def _rule_years(pack: Pack, rules: tuple[str, ...]) -> set[int]:
    """The years of the rules' effective date and of their own dates."""
    years: set[int] = set()
    for rule in (r for r in pack.rules if r.id in rules):
        if rule.in_force_from is not None:
            years.add(rule.in_force_from.year)
        for node in rule_nodes(rule):
            if isinstance(node, Const):
                years.update(d.year for d in _dates(node.value))
            elif isinstance(node, Param):
                years.update(d.year for d in _dates(node.value))
                years.update(day.year for day, _ in node.versions)
    return years


def _fixture_years(pack: Pack, kind: str) -> set[int]:
    """The years of the dates written in the pack's fixtures of ``kind``."""
    fixtures = (f for f in pack.tests.fixtures.values() if f.get("kind") == kind)
    return {d.year for f in fixtures for d in _dates(f)}


def _dates(value: Any) -> Iterator[dt.date]:
    """The dates written in a value (a date, an ISO text, or a record or list holding them)."""
    if isinstance(value, dt.date):
        yield value
    elif isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            yield dt.date.fromisoformat(value[:10])
        except ValueError:
            return
    elif isinstance(value, dict):
        for v in value.values():
            yield from _dates(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _dates(v)


def _within(enc: Encoder, lo: dt.date, hi: dt.date) -> list[z3.BoolRef]:
    """Every date the witness writes within ``lo`` … ``hi``: the as-of date, each date and
    date-time field, and each year field (a plan year)."""
    first, last = lo.toordinal(), hi.toordinal()
    start = (first - _EPOCH.toordinal()) * 86400  # a date-time is its seconds since 1970
    end = (last + 1 - _EPOCH.toordinal()) * 86400
    bounds = [enc.as_of >= first, enc.as_of <= last]
    models = _instance_models(enc)
    for (key, path), (var, ftype) in enc.scalars.items():
        if ftype.kind == "date":
            bounds += [var >= first, var <= last]
        elif ftype.kind == "datetime":
            bounds += [var >= start, var < end]
        elif ftype.kind == "int" and _is_year(models.get(key), path):
            bounds += [var >= lo.year, var <= hi.year]
    return bounds


def _instance_models(enc: Encoder) -> dict[str, Any]:
    """The record model of each instance the formulas talk about, by its key."""
    models = {enc.root.key: enc.root.model}
    for cell in enc.lists.values():
        models.update((inst.key, inst.model) for inst, _ in _members(cell))
    return models


def _is_year(model: Any, path: tuple[str, ...]) -> bool:
    """True when the field at ``path`` of ``model`` is a ``Year``."""
    if model is None:
        return False
    for name in path[:-1]:
        model = resolve_path(model, (name,))[0].model
        if model is None:
            return False
    field = model.model_fields.get(path[-1])
    return field is not None and (
        field.annotation == Year or Year in typing.get_args(field.annotation)
    )


def _fill(
    enc: Encoder,
    model: z3.ModelRef,
    where: dict[str, tuple[dict[str, Any], tuple[str, ...]]],
    templates: dict[tuple[str, ...], dict[str, Any]],
) -> None:
    """Write the model into the data: lists first (outermost first, so that an item exists
    before its own lists and fields are set), then scalars, sets and absent records."""
    cells = sorted(enc.lists.values(), key=lambda c: c.owner.key.count("["))
    for cell in cells:
        if cell.owner.key not in where:
            continue
        target, schema = where[cell.owner.key]
        items: list[dict[str, Any]] = []
        for inst, exists in _members(cell):
            if not _bool(model, exists):
                continue
            item = clone_data(templates.get((*schema, *cell.path), {}))
            items.append(item)
            where[inst.key] = (item, (*schema, *cell.path))
        _set(target, cell.path, items)
    for (key, path), (var, ftype) in enc.scalars.items():
        if key in where:
            _set(where[key][0], path, _value(model, var, ftype.kind))
    for (key, path), s in enc.sets.items():
        if key not in where:
            continue
        members = [v for v, flag in s.members.items() if _bool(model, flag)]
        for x, flag in s.symbolic:
            value = model.eval(x, model_completion=True).as_string()
            if _bool(model, flag) and value not in members:
                members.append(value)
        if _bool(model, s.other):
            spare = [c for c in (s.choices or ()) if c not in s.members]
            members.append(spare[0] if spare else "other")
        _set(where[key][0], path, members)
    for (key, path), flag in enc.presence.items():
        if key in where and not _bool(model, flag):
            _set(where[key][0], path, None)
    for cell in cells:
        if cell.owner.key in where and not _bool(model, cell.present):
            _set(where[cell.owner.key][0], cell.path, None)


def _members(cell: ListCell) -> list[tuple[Instance, z3.BoolRef]]:
    return [*cell.items, *([cell.extra] if cell.extra is not None else [])]


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for name in path[:-1]:
        nxt = node.get(name)
        if not isinstance(nxt, dict):
            nxt = {}
            node[name] = nxt
        node = nxt
    node[path[-1]] = value


def _value(model: z3.ModelRef, var: z3.ExprRef, kind: str) -> Any:
    v = model.eval(var, model_completion=True)
    match kind:
        case "bool":
            return z3.is_true(v)
        case "int":
            return v.as_long()
        case "date":
            return dt.date.fromordinal(v.as_long()).isoformat()
        case "decimal":
            return str(_decimal(v))
        case "datetime":
            return (_EPOCH + dt.timedelta(seconds=float(_decimal(v)))).isoformat()
        case "str":
            return v.as_string()
    return None


def _decimal(v: Any) -> Decimal:
    if z3.is_int_value(v):
        return Decimal(v.as_long())
    frac = v.as_fraction()
    return (Decimal(frac.numerator) / Decimal(frac.denominator)).quantize(Decimal("0.000001"))


def _int(model: z3.ModelRef, var: z3.ArithRef) -> int:
    return int(model.eval(var, model_completion=True).as_long())


def _bool(model: z3.ModelRef, b: z3.BoolRef) -> bool:
    return bool(z3.is_true(model.eval(b, model_completion=True)))


def _base(pack: Pack, kind: str) -> tuple[dict[str, Any], dict[tuple[str, ...], dict[str, Any]]]:
    """The pack's first fixture of ``kind`` and an item of each list of records in any of its
    fixtures of that kind."""
    fixtures = [d for d in pack.tests.fixtures.values() if d.get("kind") == kind]
    base = fixtures[0] if fixtures else {"kind": kind, "id": f"{kind}-witness"}
    return base, item_templates(fixtures)
