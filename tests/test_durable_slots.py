"""The monitor's compiled fact (``egovrules.backends.durable_slots``) is the reference's
(``KindProgram.fact``, which reads the fields and interprets the lowered slots with
``egovrules.ir.interpret``): the same keys with the same values, of the same types, or the
same error raised.

Compared on every subject of every case of the four bundled packs' own tests (each on its
as-of date and calendar), on every example of ``examples/``, and on generated subjects of the
packs the backend agreement tests use; the cases reach every kind of slot (a condition true
and false, a date present and left out, a slot left out for a year the holiday calendar does
not cover), and a generator that writes one slot otherwise is caught.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import egovrules
from egovrules.backends import durable_slots
from egovrules.backends.durable import KindProgram, compile_durable
from egovrules.backends.durable_slots import compile_fact
from egovrules.engine.pack import Pack
from egovrules.ir.interpret import eval_cond, eval_expr
from egovrules.law.calendar import CalendarGap
from egovrules.subjects import SUBJECT_MODELS, parse_subject
from tests.conftest import FIXTURES
from tests.strategies import DATES, pack_strings, subject_data
from tests.test_backend_agreement import PACKS as FEATURE_PACKS
from tests.test_compiled_messages import EXAMPLE_DATES, _case_subjects, example_subjects

PACKS = egovrules.available_packs()


def _outcome(build: Any, *args: Any) -> Any:
    """The fact ``build(*args)`` returns, each value with its type (``True`` is not ``1``
    to durable-rules), or the class and text of what it raises."""
    try:
        fact = build(*args)
    except Exception as exc:  # compared, never swallowed: the other side must raise it too
        return (type(exc), str(exc))
    return {k: (type(v), v) for k, v in fact.items()}


def _disagreement(program: KindProgram, subject: Any, as_of: dt.date) -> str | None:
    compiled = _outcome(compile_fact(program), subject, as_of)
    reference = _outcome(program.fact, subject, as_of)
    if compiled == reference:
        return None
    return f"{subject.id} on {as_of}: {compiled!r} != {reference!r}"


def _programs(pack: Pack) -> dict[str, KindProgram]:
    return compile_durable(pack.ruleset).kinds


@pytest.mark.parametrize("name", PACKS)
def test_every_case_of_the_pack_has_the_same_fact_compiled(name: str) -> None:
    """Every case subject of the pack's tests, on its as-of date and calendar."""
    cases = _case_subjects(name)
    assert len(cases) >= 20
    wrong = []
    for pack, subject, as_of in cases:
        program = _programs(pack).get(subject.kind)
        if program is not None:
            wrong.append(_disagreement(program, subject, as_of))
    assert [w for w in wrong if w is not None] == []


@pytest.mark.parametrize("name", PACKS)
def test_every_example_has_the_same_fact_compiled(name: str) -> None:
    """Every example of examples/<city>, before, on and after the dates it is written for."""
    programs = _programs(egovrules.load_pack(name))
    wrong = []
    for subject in example_subjects(name):
        program = programs[subject.kind]
        wrong += [_disagreement(program, subject, as_of) for as_of in EXAMPLE_DATES]
    assert [w for w in wrong if w is not None] == []


def _slot_values(program: KindProgram, subject: Any, as_of: dt.date) -> set[tuple[bool, Any]]:
    """(is a condition, what the interpreter makes of it) for each lowered slot: its value,
    None, or the gap."""
    out = set()
    for s in program.lowered:
        on = as_of
        if s.dated_by is not None:
            on = eval_expr(s.dated_by, (subject,), as_of) or as_of
        try:
            if s.is_condition:
                value: Any = eval_cond(s.node, (subject,), as_of, on)  # type: ignore[arg-type]
            else:
                value = eval_expr(s.node, (subject,), as_of, on) is not None  # type: ignore[arg-type]
        except CalendarGap:
            value = CalendarGap
        out.add((s.is_condition, value))
    return out


def test_the_cases_reach_every_kind_of_slot() -> None:
    """The cases compared above hold lowered conditions true and false, lowered dates present
    and null, and slots a year the holiday calendar lacks leaves out."""
    seen: set[tuple[bool, Any]] = set()
    for name in PACKS:
        for pack, subject, as_of in _case_subjects(name):
            program = _programs(pack).get(subject.kind)
            if program is not None:
                seen |= _slot_values(program, subject, as_of)
    assert {(True, True), (True, False), (False, True), (False, False)} <= seen
    assert any(value is CalendarGap for _, value in seen)


@pytest.mark.parametrize("pack_ref", FEATURE_PACKS, ids=lambda p: str(p).rsplit("/", 1)[-1])
@pytest.mark.parametrize("kind", sorted(SUBJECT_MODELS))
def test_generated_subjects_have_the_same_fact_compiled(pack_ref: Any, kind: str) -> None:
    """On generated subjects and as-of dates, the compiled fact is the reference's."""
    pack = egovrules.load_pack(pack_ref)
    program = _programs(pack).get(kind)
    if program is None:
        return
    strings = pack_strings(pack.ruleset)
    fact = compile_fact(program)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=subject_data(SUBJECT_MODELS[kind], strings), as_of=DATES)
    def agree(data: dict[str, Any], as_of: dt.date) -> None:
        subject = parse_subject(data)
        assert _outcome(fact, subject, as_of) == _outcome(program.fact, subject, as_of)

    agree()


def test_a_slot_written_otherwise_is_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    """A generator that lets a year the holiday calendar lacks escape a lowered slot (the
    compiled fact raises where the reference leaves the slot out) is caught by the cases."""
    real = durable_slots._Fact.lowered

    def no_gap(self: Any, key: str, node: Any, *, is_condition: bool) -> list[str]:
        lines = real(self, key, node, is_condition=is_condition)
        assert lines[0] == "try:" and lines[-2:] == ["except _Gap:", "    pass"]
        return [line.removeprefix("    ") for line in lines[1:-2]]

    monkeypatch.setattr(durable_slots._Fact, "lowered", no_gap)
    wrong = []
    for name in PACKS:
        for pack, subject, as_of in _case_subjects(name):
            program = _programs(pack).get(subject.kind)
            if program is not None:
                wrong.append(_disagreement(program, subject, as_of))
    gaps = [w for w in wrong if w is not None]
    assert gaps and all("CalendarGap" in w for w in gaps)


def test_a_list_s_earliest_value_is_computed_once_per_fact() -> None:
    """Wuhan 第八条's project slots read the date of the first review by the development and
    reform commission four times, once of them inside each review: the compiled fact computes
    it once (and the earliest approval once), not once per reading."""
    program = _programs(egovrules.load_pack("wuhan"))["project"]
    source, _ = durable_slots.fact_source(program)
    assert source.count("_earliest(") == 2


@pytest.mark.parametrize("pack_ref", FEATURE_PACKS, ids=lambda p: str(p).rsplit("/", 1)[-1])
@pytest.mark.parametrize("kind", sorted(SUBJECT_MODELS))
def test_each_key_of_a_fact_holds_one_type(pack_ref: Any, kind: str) -> None:
    """A key of a fact always holds the same type (a yes or no as a bool, a flag or a lowered
    condition as 0 or 1, a number or a date as an int, a text as a str): the durable session
    remembers what fired on a group's values, and ``True == 1`` would otherwise make a part
    holding ``true`` pass for one holding ``1``."""
    pack = egovrules.load_pack(pack_ref)
    program = _programs(pack).get(kind)
    if program is None:
        return
    strings = pack_strings(pack.ruleset)
    seen: dict[str, set[type]] = {}

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=subject_data(SUBJECT_MODELS[kind], strings), as_of=DATES)
    def typed(data: dict[str, Any], as_of: dt.date) -> None:
        for key, value in program.fact(parse_subject(data), as_of).items():
            seen.setdefault(key, set()).add(type(value))

    typed()
    assert seen and {k: t for k, t in seen.items() if len(t) > 1} == {}


def test_a_null_operand_decides_the_slot_before_working_days_no_calendar_knows() -> None:
    """Review: "completion_date <= add_working_days(construction_start_date, …)" with no
    completion date is false whatever the start's working days are: the compiled fact said 0,
    the reference left the slot out for 2027's unknown working days (and main's monitor
    missed the violation pack.check reports). With a completion date the slot is left out."""
    pack = egovrules.load_pack(FIXTURES / "packs" / "sql_features.yaml")
    program = _programs(pack)["project"]
    as_of = dt.date(2026, 3, 1)
    for completed in (None, "2027-03-02"):
        data = {"kind": "project", "id": "p", "construction_start_date": "2027-03-01"}
        if completed is not None:
            data["completion_date"] = completed
        assert _disagreement(program, parse_subject(data), as_of) is None


def _hohhot_earliest() -> Any:
    """Hohhot's "the earliest leader approval by $leader_approver" (a list's earliest value
    read inside an item of another list), as the pack compiles it."""
    from egovrules.ir.nodes import Extremum, walk

    pack = egovrules.load_pack("hohhot")
    roots = [x for r in pack.rules for x in (r.when, r.requires, r.open_while) if x is not None]
    return next(n for root in roots for n in walk(root) if isinstance(n, Extremum))


def test_only_a_list_value_that_cannot_change_within_a_fact_is_computed_once() -> None:
    """Review: no pack reaches the exclusions of ``_shareable`` (replacing it with ``True``
    left every generated source as it was). A list's earliest value is computed once per fact
    only when nothing in it can raise (a working-day count), nothing reads the rule's own date
    (a versioned parameter) and nothing reads an enclosing item (whose value changes from one
    item to the next)."""
    import dataclasses

    from egovrules.backends.durable_slots import _shareable
    from egovrules.ir.nodes import All, Compare, Const, Param, Shift

    earliest = _hohhot_earliest()
    assert earliest.item_scope == 2 and _shareable(earliest)
    where = earliest.where
    assert isinstance(where, All)
    kind, approver = where.items
    assert isinstance(approver, Compare) and isinstance(approver.right, Param)
    versioned = dataclasses.replace(
        approver.right, versions=((dt.date(2020, 1, 1), "municipal_leaders"),)
    )
    enclosing = dataclasses.replace(kind.left, scope=1)  # the enclosing item's field
    variants = {
        "a versioned parameter": dataclasses.replace(
            earliest, where=All((kind, dataclasses.replace(approver, right=versioned)))
        ),
        "a working-day count": dataclasses.replace(
            earliest, of=Shift(earliest.of, Const(2), "working_days")
        ),
        "an enclosing item's field": dataclasses.replace(
            earliest, where=All((dataclasses.replace(kind, left=enclosing), approver))
        ),
    }
    assert {name for name, e in variants.items() if _shareable(e)} == set()
