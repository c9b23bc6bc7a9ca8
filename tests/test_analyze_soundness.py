"""The z3 encoding is sound: whatever outcome the reference interpreter gives a real subject,
the encoding of that outcome, with every variable pinned to the subject's own values, is
satisfiable. (An encoding tighter than the interpreter would make "unsat" a false proof: this
is the test that would catch it.) Subjects: every test case of every bundled pack, and subjects
drawn by hypothesis."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egovrules.analysis.smt import Encoder, Instance, ListCell
from egovrules.engine.pack import Pack, load_bundled_pack
from egovrules.ir.interpret import evaluate_rule
from egovrules.ir.nodes import (
    Annual,
    Const,
    DayOf,
    Expr,
    Field,
    HoursBetween,
    RuleIR,
    Shift,
    YearOf,
)
from egovrules.law import calendar
from egovrules.law.verdict import Outcome
from egovrules.packdata.bundled import available_packs
from egovrules.subjects import SUBJECT_MODELS, SubjectBase, parse_subject
from egovrules.subjects.paths import FieldType
from tests.strategies import DATES, pack_strings, subject_data

PACKS = {p: load_bundled_pack(p) for p in available_packs()}
_EPOCH = dt.datetime(1970, 1, 1)


def _term(value: Any) -> Any:
    if isinstance(value, Fraction):
        return z3.RealVal(value.numerator) / value.denominator
    if isinstance(value, bool):
        return z3.BoolVal(value)
    if isinstance(value, int):
        return z3.IntVal(value)
    if isinstance(value, Decimal):
        return z3.RealVal(str(value))
    if isinstance(value, dt.datetime):
        micros = (value - _EPOCH) // dt.timedelta(microseconds=1)
        return z3.RealVal(str(Decimal(micros) / 10**6))
    if isinstance(value, dt.date):
        return z3.IntVal(value.toordinal())
    if isinstance(value, str):
        return z3.StringVal(value)
    raise AssertionError(f"no term for {value!r}")


def _get(obj: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


def _pin_instance(enc: Encoder, key: str, real: Any) -> list[Any]:
    """Every scalar, presence and set of the instance ``key`` equal to ``real``'s."""
    out: list[Any] = []
    for (k, path), (var, _) in enc.scalars.items():
        if k == key and (value := _get(real, path)) is not None:
            out.append(var == _term(value))
    for (k, prefix), flag in enc.presence.items():
        if k == key:
            out.append(flag == z3.BoolVal(_get(real, prefix) is not None))
    for (k, path), s in enc.sets.items():
        if k != key:
            continue
        members = set(_get(real, path) or ())
        out.append(s.present == z3.BoolVal(_get(real, path) is not None))
        for name, flag in s.members.items():
            out.append(flag == z3.BoolVal(name in members))
        for x, flag in s.symbolic:
            out.append(flag == z3.Or(*[x == z3.StringVal(m) for m in members], z3.BoolVal(False)))
        out.append(s.other == z3.BoolVal(bool(members - set(s.members))))
    return out


def _pin(enc: Encoder, subject: SubjectBase, as_of: dt.date) -> list[Any]:
    out = [enc.as_of == as_of.toordinal(), *_pin_instance(enc, "s", subject)]
    for cell in enc.lists.values():
        if cell.owner.key != "s":
            continue  # lists inside items stay free: a looser check, never a false failure
        items = _get(subject, cell.path)
        out.append(cell.present == z3.BoolVal(items is not None))
        real = list(items or ())
        if cell.length is not None:
            out.append(cell.length == len(real))
        for inst, exists in _members(cell):
            choices = [z3.And(*_pin_instance(enc, inst.key, item)) for item in real]
            out.append(z3.Implies(exists, z3.Or(*choices, z3.BoolVal(False))))
    return out


def _members(cell: ListCell) -> list[tuple[Instance, Any]]:
    return [*cell.items, *([cell.extra] if cell.extra is not None else [])]


def _outcome_formula(enc: Encoder, rule: RuleIR, outcome: Outcome) -> Any:
    match outcome:
        case Outcome.VIOLATED:
            return enc.violated(rule)
        case Outcome.SATISFIED:
            return enc.satisfied(rule)
        case Outcome.PENDING:
            return z3.And(
                enc.applies(rule), enc.satisfied(rule, positive=False), enc.violated(rule, False)
            )
        case _:  # not applicable, not in force
            return enc.applies(rule, positive=False)


def _assert_sound(pack: Pack, subject: SubjectBase, as_of: dt.date) -> int:
    checked = 0
    for rule in pack.rules:
        if rule.subject != subject.kind:
            continue
        outcome = evaluate_rule(rule, subject, as_of)
        if outcome is Outcome.UNDETERMINED:
            continue
        enc = Encoder(SUBJECT_MODELS[subject.kind])
        formula = _outcome_formula(enc, rule, outcome)
        side = enc.finish()
        solver = z3.Solver()
        solver.set("timeout", 20_000)
        solver.add(formula, *side, *_pin(enc, subject, as_of))
        result = solver.check()
        assert result == z3.sat, (rule.id, outcome, subject.id, as_of, result)
        checked += 1
    return checked


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_every_test_case_of_the_pack_is_a_model_of_its_outcomes(pack_id: str) -> None:
    pack = PACKS[pack_id]
    checked = 0
    for case in pack.tests.cases:
        data = copy.deepcopy(pack.tests.fixtures[case.subject])
        for dotted, value in case.set.items():
            node: Any = data
            *steps, last = [int(p) if p.isdigit() else p for p in dotted.split(".")]
            for step in steps:
                node = node[step]
            node[last] = value
        checked += _assert_sound(pack, parse_subject(data), case.as_of)
    assert checked > 50  # the cases reach the rules


@st.composite
def _drawn(draw: st.DrawFn) -> tuple[Pack, SubjectBase, dt.date]:
    pack = PACKS[draw(st.sampled_from(sorted(PACKS)))]
    kind = draw(st.sampled_from(sorted({r.subject for r in pack.rules})))
    data = draw(subject_data(SUBJECT_MODELS[kind], pack_strings(pack.ruleset)))
    data["kind"] = kind
    data["id"] = "drawn"
    data.pop("waivers", None)
    return pack, parse_subject(data), draw(DATES)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_drawn())
def test_drawn_subjects_are_models_of_their_outcomes(
    drawn: tuple[Pack, SubjectBase, dt.date],
) -> None:
    _assert_sound(*drawn)


# ---- each relaxed expression admits the interpreter's value ------------------------------------

_DAY = Field(("d",), 0, FieldType("date", False), (False,))
_AT = Field(("t",), 0, FieldType("datetime", False), (False,))
_AT2 = Field(("u",), 0, FieldType("datetime", False), (False,))


def _admits(e: Expr, pins: dict[Field, Any], expected: Any) -> bool:
    enc = Encoder(None)
    val = enc.expr(e, (enc.root,), enc.as_of)
    cons = [enc.scalars[("s", f.path)][0] == _term(v) for f, v in pins.items()]
    solver = z3.Solver()
    solver.add(*enc.finish(), *cons, val.present, val.term == _term_any(expected))
    return bool(solver.check() == z3.sat)


def _term_any(value: Any) -> Any:
    return (
        z3.IntVal(value.toordinal())
        if hasattr(value, "toordinal") and not isinstance(value, dt.date)
        else _term(value)
    )


@settings(max_examples=300, deadline=None)
@given(
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.integers(0, 400),
    st.sampled_from(["days", "months", "years"]),
)
def test_shifts_admit_the_calendars_day(day: dt.date, n: int, unit: str) -> None:
    shift = Shift(_DAY, Const(n), unit)  # type: ignore[arg-type]
    expected = {
        "days": calendar.add_days,
        "months": calendar.add_months,
        "years": calendar.add_years,
    }[unit](day, n)
    assert _admits(shift, {_DAY: day}, expected)


@settings(max_examples=200, deadline=None)
@given(
    st.dates(dt.date(2005, 1, 1), dt.date(2026, 9, 1)), st.integers(0, 60)
)  # inside the calendar
def test_working_day_shifts_admit_the_calendars_day(day: dt.date, n: int) -> None:
    expected = calendar.add_working_days(day, n)
    assert _admits(Shift(_DAY, Const(n), "working_days"), {_DAY: day}, expected)


@settings(max_examples=200, deadline=None)
@given(
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.sampled_from([(2, 29), (8, 31), (1, 1), (12, 31), (3, 1)]),
)
def test_years_and_annual_dates_are_exact(day: dt.date, month_day: tuple[int, int]) -> None:
    assert _admits(YearOf(_DAY), {_DAY: day}, day.year)
    assert not _admits(YearOf(_DAY), {_DAY: day}, day.year + 1)
    annual = Annual(Const(month_day), YearOf(_DAY))
    assert _admits(annual, {_DAY: day}, calendar.annual(month_day, day.year))


@settings(max_examples=200, deadline=None)
@given(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1)), st.integers(-(10**7), 10**7))
def test_hours_between_floor_to_whole_seconds(start: dt.datetime, micros: int) -> None:
    end = start + dt.timedelta(microseconds=micros * 1000 + 123)
    # the interpreter's Decimal rounds at 28 digits; the encoding is the exact rational (a
    # threshold of a few decimals never lies between the two)
    seconds = (end - start) // dt.timedelta(seconds=1)
    assert _admits(HoursBetween(_AT, _AT2), {_AT: start, _AT2: end}, Fraction(seconds, 3600))


@settings(max_examples=200, deadline=None)
@given(st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30)))
def test_the_day_of_a_date_time_is_exact(moment: dt.datetime) -> None:
    """{date: t}: the day a date-time falls in, 23:59:59.999999 included, and no other."""
    assert _admits(DayOf(_AT), {_AT: moment}, moment.date())
    assert not _admits(DayOf(_AT), {_AT: moment}, moment.date() + dt.timedelta(days=1))
