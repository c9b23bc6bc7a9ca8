"""The proofs behind "stricter": implication between conditions, the order of deadlines, and
the soundness of every verdict on the bundled packs against the reference semantics."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import egovrules
from egovrules.diffing.compare import compare_rules
from egovrules.diffing.implication import due_not_later, implies, param_uses
from egovrules.diffing.model import Verdict
from egovrules.ir.interpret import evaluate_rule
from egovrules.ir.nodes import (
    All,
    AnyOf,
    Compare,
    Const,
    Extremum,
    Field,
    Not,
    Param,
    Present,
    Shift,
)
from egovrules.law.verdict import Outcome
from egovrules.subjects import SUBJECT_MODELS, parse_subject
from egovrules.subjects.paths import FieldType
from tests.conftest import ROOT
from tests.strategies import DATES, pack_strings, subject_data


def _field(path: str, kind: str = "str", nullable: bool = True) -> Field:
    return Field(tuple(path.split(".")), 0, FieldType(kind, nullable), (nullable,))  # type: ignore[arg-type]


KIND = _field("maintainer.kind")
SYSTEMS = _field("security_systems", "set", False)
ACCESS = _field("network_access_date", "date")


def test_equality_implies_membership_not_the_reverse() -> None:
    """kind = agency ⇒ kind in {agency, person}; the converse does not follow."""
    agency = Compare("eq", KIND, Const("agency"))
    either = Compare("in", KIND, Const(frozenset({"agency", "person"})))
    assert implies(agency, either)
    assert not implies(either, agency)


def test_conjunction_and_disjunction() -> None:
    """A ∧ B ⇒ A; A ⇒ A ∨ B; A ∨ B does not imply A; nothing implies an unrelated atom."""
    a = Compare("eq", _field("consultation.column", "bool"), Const(True))
    b = Compare("eq", _field("consultation.prominent", "bool"), Const(True))
    assert implies(All((a, b)), a)
    assert implies(a, AnyOf((a, b)))
    assert not implies(AnyOf((a, b)), a)
    assert not implies(a, b)
    assert implies(Not(b), Not(All((a, b))))


def test_thresholds_order() -> None:
    """x > 0.10 ⇒ x > 0.05 and x ≥ 0.10; x ≥ 0.10 does not imply x > 0.10."""
    x = _field("current_total_investment", "decimal")
    gt10 = Compare("gt", x, Param("r", Decimal("0.10"), "ratio"))
    assert implies(gt10, Compare("gt", x, Const(Decimal("0.05"))))
    assert implies(gt10, Compare("ge", x, Const(Decimal("0.10"))))
    assert not implies(Compare("ge", x, Const(Decimal("0.10"))), gt10)


def test_versioned_parameter_is_not_a_fixed_bound() -> None:
    """A parameter an amendment changed has no single value to compare: nothing is proved."""
    x = _field("publication_lag_days", "int")
    dated = Param(
        "lag", 10, "calendar_days", ((dt.date(2004, 1, 1), 20), (dt.date(2020, 1, 1), 10))
    )
    assert not implies(Compare("le", x, dated), Compare("le", x, Const(15)))


def test_all_of_a_set_implies_present() -> None:
    """A set holding named items is present (not empty); presence says nothing of items."""
    all_six = Compare("contains_all", SYSTEMS, Const(frozenset({"a", "b"})))
    assert implies(all_six, Present(SYSTEMS))
    assert not implies(Present(SYSTEMS), all_six)
    assert not implies(Compare("eq", KIND, Const("")), Present(KIND))


def test_null_tests_relate_only_to_themselves() -> None:
    """``x = null`` implies nothing about ``x = value`` (null comparisons are false)."""
    null = Compare("eq", KIND, Const(None))
    assert implies(null, null)
    assert not implies(null, Compare("ne", KIND, Const("agency")))


def test_a_strict_order_of_two_dates_implies_the_loose_one() -> None:
    """acceptance < operation ⇒ acceptance ≤ operation (and operation > acceptance, operation ≥
    acceptance, acceptance ≠ operation); not the converse: a pack that changed le to lt was
    reported incomparable, though its witness search found subjects one way only."""
    acceptance, operation = (
        _field("acceptance.date", "date"),
        _field("operation_start_date", "date"),
    )
    before = Compare("lt", acceptance, operation)
    not_after = Compare("le", acceptance, operation)
    assert implies(before, not_after)
    assert implies(before, Compare("ge", operation, acceptance))
    assert implies(before, Compare("ne", acceptance, operation))
    assert implies(Compare("eq", acceptance, operation), not_after)
    assert not implies(not_after, before)
    assert not implies(not_after, Compare("gt", operation, acceptance))
    assert not implies(before, Compare("le", operation, acceptance))
    assert not implies(Compare("ne", acceptance, operation), before)


def test_a_bound_implies_any_bound_never_nearer() -> None:
    """submitted ≤ opinion + 1 year ⇒ submitted ≤ opinion + 2 years, not the converse; a loose
    bound never implies a strict one of the same day; a lower bound the other way round."""
    submitted, opinion = _field("approval_application.submitted_date", "date"), ACCESS
    one, two = Shift(opinion, Const(1), "years"), Shift(opinion, Const(2), "years")
    assert implies(Compare("le", submitted, one), Compare("le", submitted, two))
    assert implies(Compare("lt", submitted, one), Compare("le", submitted, two))
    assert not implies(Compare("le", submitted, two), Compare("le", submitted, one))
    assert not implies(Compare("le", submitted, one), Compare("lt", submitted, two))
    assert implies(Compare("ge", submitted, two), Compare("ge", submitted, one))
    assert not implies(Compare("ge", submitted, one), Compare("ge", submitted, two))
    assert not implies(Compare("le", submitted, one), Compare("ge", submitted, two))


def test_calendar_days_end_no_later_than_as_many_working_days() -> None:
    """15 calendar days end no later than 15 working days (each working day is a calendar
    day); 7 working days and 15 calendar days cannot be ordered in general (long holidays)."""
    cal15 = Shift(ACCESS, Const(15), "days")
    work15 = Shift(ACCESS, Const(15), "working_days")
    work7 = Shift(ACCESS, Const(7), "working_days")
    assert due_not_later(cal15, work15)
    assert not due_not_later(work15, cal15)
    assert not due_not_later(work7, cal15)
    assert not due_not_later(cal15, work7)
    assert due_not_later(Shift(ACCESS, Const(10), "days"), cal15)


def test_shorter_period_pushes_towards_violation() -> None:
    """In a deadline, a lower number of days is stricter (effect -1)."""
    wuhan = egovrules.load_pack("wuhan")
    rule = next(r for r in wuhan.rules if r.id == "wuhan.website.police_filing_15_days")
    (use,) = [u for u in param_uses(rule) if u.param.name == "police_filing_days"]
    assert (use.where, use.effect) == ("deadline", -1)


PACKS = egovrules.available_packs()


@pytest.fixture(scope="module")
def packs() -> dict[str, egovrules.Pack]:
    """Every bundled pack, loaded once for this module."""
    return {name: egovrules.load_pack(name) for name in PACKS}


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(PACKS, 2)))
def test_verdicts_hold_on_generated_subjects(
    a: str, b: str, packs: dict[str, egovrules.Pack]
) -> None:
    """Soundness: where a verdict says A is at least as strict as B (stricter or the same),
    no generated subject is violated under B's rules and merely satisfied or not applicable
    under A's, judged by the reference interpreter."""
    pack_a, pack_b = packs[a], packs[b]
    claims: list[tuple[str, Any, Any]] = []  # (kind, stricter-or-equal rules, other rules)
    for concept in {r.concept for r in pack_a.rules} & {r.concept for r in pack_b.rules}:
        ra = [r for r in pack_a.rules if r.concept == concept]
        rb = [r for r in pack_b.rules if r.concept == concept]
        verdict, _ = compare_rules(ra, rb)
        kinds = {r.subject for r in ra + rb}
        if verdict in (Verdict.STRICTER_A, Verdict.SAME):
            claims.extend((k, ra, rb) for k in kinds)
        if verdict in (Verdict.STRICTER_B, Verdict.SAME):
            claims.extend((k, rb, ra) for k in kinds)
    # Every pair of bundled packs shares concepts on which a verdict is proved; were that to
    # stop, this test would check nothing, so it fails instead of passing empty.
    assert claims, f"{a} and {b} share no concept with a proved verdict"
    strings = sorted(set(pack_strings(pack_a.ruleset)) | set(pack_strings(pack_b.ruleset)))

    for kind in sorted({k for k, _, _ in claims}):
        _check_claims(kind, [(s, o) for k, s, o in claims if k == kind], strings)


def _concept_outcome(rules: Any, subject: Any, as_of: dt.date) -> set[Outcome]:
    return {evaluate_rule(r, subject, as_of) for r in rules if r.subject == subject.kind}


def _check_claims(kind: str, claims: list[tuple[Any, Any]], strings: list[str]) -> None:
    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=subject_data(SUBJECT_MODELS[kind], strings), as_of=DATES)
    def sound(data: dict[str, Any], as_of: dt.date) -> None:
        subject = parse_subject({**data, "kind": kind})
        for stricter, other in claims:
            if Outcome.VIOLATED in _concept_outcome(other, subject, as_of):
                mine = _concept_outcome(stricter, subject, as_of)
                assert Outcome.VIOLATED in mine or not (
                    mine <= {Outcome.SATISFIED, Outcome.NOT_APPLICABLE}
                ), [r.id for r in stricter]

    sound()


def _earliest(kinds: frozenset[str]) -> Extremum:
    """The earliest date of the approvals of the given kinds."""
    kind = Field(("kind",), 1, FieldType("str", False), (False,))
    date = Field(("date",), 1, FieldType("date", True), (True,))
    approvals = Field(("approvals",), 0, FieldType("list", False), (False,))
    return Extremum("earliest", approvals, 1, Compare("in", kind, Const(kinds)), date)


def test_earliest_date_is_opaque_to_the_prover() -> None:
    """Of one and the same earliest date, a bound implies a looser bound; of two selections,
    nothing is proved, though the earliest of more kinds is never later (the prover does not
    know it, and says "not proved" rather than guess a direction)."""
    leader, either = _earliest(frozenset({"leader"})), _earliest(frozenset({"leader", "planning"}))
    day = Const(dt.date(2024, 5, 1))
    assert implies(Compare("le", leader, day), Compare("le", leader, Const(dt.date(2024, 6, 1))))
    assert not implies(Compare("le", leader, day), Compare("le", either, day))
    assert not implies(Compare("le", either, day), Compare("le", leader, day))
    assert not implies(Compare("le", ACCESS, leader), Compare("le", ACCESS, either))
    assert not due_not_later(leader, either)


def test_an_order_against_fewer_acts_is_not_called_stricter(
    tmp_path: Path, packs: dict[str, egovrules.Pack]
) -> None:
    """Hohhot's evaluation ordered against the first leaders' approval (A) and against the first
    approval of the leaders or the planning department (B): B finds more projects out of order,
    never fewer. The diff must not call A stricter: it proves nothing, and its witness search
    finds the project that shows the difference (a planning approval on 10 December, the
    evaluation on the 11th: B rejects it, A accepts it)."""
    source = (ROOT / "rules" / "hohhot.yaml").read_text(encoding="utf-8")
    old = "among: /approvals, where: {all: [{field: kind, eq: leader}, "
    new = "among: /approvals, where: {all: [{field: kind, in: [leader, planning]}, "
    assert source.count(old) == 2
    (tmp_path / "sources").symlink_to(ROOT / "rules" / "sources")
    wider = tmp_path / "hohhot.yaml"
    wider.write_text(source.replace(old, new), encoding="utf-8")
    result = egovrules.diff(packs["hohhot"], egovrules.load_pack(wider))
    concept = result.concept("project.pre_construction_review")
    assert concept.verdict not in (Verdict.STRICTER_A, Verdict.SAME)
    assert concept.witnesses
    assert all(w.rejected_by == "b" for w in concept.witnesses)


def test_acceptance_before_operation_is_stricter_than_on_or_before(
    tmp_path: Path, packs: dict[str, egovrules.Pack]
) -> None:
    """Wuhan 第八条 (验收合格后方可投入使用) read "accepted before the day of operation" (B) against
    the pack's "on or before" (A): B rejects the project accepted on its first day of operation
    and accepts nothing A rejects, so B is stricter; it was reported incomparable."""
    source = (ROOT / "rules" / "wuhan.yaml").read_text(encoding="utf-8")
    old = "{field: acceptance.date, le: {field: operation_start_date}}"
    assert source.count(old) == 1
    (tmp_path / "sources").symlink_to(ROOT / "rules" / "sources")
    before = tmp_path / "wuhan.yaml"
    before.write_text(source.replace(old, old.replace(" le: ", " lt: ")), encoding="utf-8")
    result = egovrules.diff(packs["wuhan"], egovrules.load_pack(before))
    concept = result.concept("project.acceptance_before_operation")
    assert concept.verdict is Verdict.STRICTER_B
    assert [w.rejected_by for w in concept.witnesses] == ["b"]
    (witness,) = concept.witnesses
    assert witness.subject["acceptance"]["date"] == witness.subject["operation_start_date"]
