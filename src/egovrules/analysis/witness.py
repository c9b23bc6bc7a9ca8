"""From a z3 model to a real subject, run through the Python backend.

A model of the formulas is a candidate only: the encoding is looser than the interpreter in
places (``analysis.smt``). So a satisfiability finding is claimed only once the subject the
model describes validates and ``Pack.check`` gives it the outcomes the finding states.

The subject starts from one of the pack's own fixtures of the kind (its waivers and city
removed); every field the formulas read is set from the model, every list they read is
rebuilt from the items the model says exist (each from an item of the pack's fixtures), and
every other field keeps the fixture's value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import z3
from pydantic import ValidationError

from egovrules.analysis.findings import Witness
from egovrules.analysis.smt import Encoder, Instance, ListCell
from egovrules.diffing.witness import clone_data, item_templates
from egovrules.engine.pack import Pack
from egovrules.law.verdict import Outcome
from egovrules.subjects import parse_subject

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
) -> Witness | None:
    """The subject ``model`` describes, if it validates and ``expect`` holds of the outcomes
    ``Pack.check`` gives the ``rules`` on it; ``None`` otherwise."""
    base, templates = _base(pack, kind)
    data = clone_data(base)
    data.pop("waivers", None)
    data.pop("city", None)
    where: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {"s": (data, ())}
    _fill(enc, model, where, templates)
    as_of = dt.date.fromordinal(_int(model, enc.as_of))
    try:
        subject = parse_subject(data)
    except (ValidationError, ValueError):
        return None
    outcomes = pack.check(subject, as_of).outcomes
    got = {r: outcomes.get(r, Outcome.NOT_APPLICABLE) for r in rules}
    if not expect(got):
        return None
    dumped = {"kind": kind, **subject.model_dump(mode="json", exclude_defaults=True)}
    return Witness(
        subject=dumped,
        as_of=as_of,
        outcomes=tuple((r, got[r].label) for r in rules),
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
