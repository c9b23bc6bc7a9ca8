"""The compiled Python backend agrees with the reference interpretation of the IR."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import egovrules
from egovrules.backends.base import InterpretingBackend, rules_for
from egovrules.law.verdict import Outcome
from egovrules.subjects import SUBJECT_MODELS, parse_subject
from tests import calendar_cases
from tests.conftest import FIXTURES
from tests.strategies import DATES, pack_strings, subject_data

# The features pack holds what the city packs use little of (the earliest/latest date of a
# list, in comparisons, arithmetic and inside another list's lambda, among others).
PACKS = [
    FIXTURES / "packs" / "mini.yaml",
    FIXTURES / "packs" / "sql_features.yaml",
    *egovrules.available_packs(),
]


@pytest.mark.parametrize("pack_ref", PACKS, ids=lambda p: str(p).rsplit("/", 1)[-1])
@pytest.mark.parametrize("kind", sorted(SUBJECT_MODELS))
def test_compiled_equals_interpreted(pack_ref: Any, kind: str) -> None:
    """On generated subjects, every rule has the same outcome in both backends."""
    pack = egovrules.load_pack(pack_ref)
    reference = InterpretingBackend(pack.ruleset)
    strings = pack_strings(pack.ruleset)
    model = SUBJECT_MODELS[kind]

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=subject_data(model, strings), as_of=DATES)
    def agree(data: dict[str, Any], as_of: Any) -> None:
        subject = parse_subject(data)
        fast = pack._backend.outcomes(kind, subject, as_of)
        assert fast == reference.outcomes(kind, subject, as_of)
        # ``compliant`` read before any finding (from the codes) is what the findings say.
        compliant = pack.check(subject, as_of=as_of).compliant
        report = pack.check(subject, as_of=as_of)
        assert compliant == (not report.violations and not report.expired_waivers)
        reported = report.violations + tuple(v for v, _ in report.waived)
        assert {v.rule_id for v in reported} == {
            rid for rid, code in zip(report.rule_ids, fast, strict=True) if code == 2
        }

    agree()


def test_strategies_reach_every_outcome(mini: egovrules.Pack) -> None:
    """The generated subjects exercise violated, satisfied and pending outcomes (else the
    agreement test would prove little)."""
    model = SUBJECT_MODELS["website"]
    seen: set[int] = set()

    @settings(max_examples=300, deadline=None)
    @given(data=subject_data(model, pack_strings(mini.ruleset)), as_of=DATES)
    def collect(data: dict[str, Any], as_of: Any) -> None:
        seen.update(mini._backend.outcomes("website", parse_subject(data), as_of))

    collect()
    assert {1, 2, 3} <= seen


def test_a_last_day_not_known_agrees() -> None:
    """A working-day deadline whose last day falls in a year the calendar lacks: on each side
    of its earliest and latest possible last days (tests/calendar_cases.py, Shantou 第十六条
    第二款 "七个工作日内"), the compiled backend decides as the reference, and the cases reach
    pending (running, not yet at the earliest), undetermined (between) and late (past the
    latest) in that branch."""
    pack = egovrules.load_pack("shantou")
    reference = InterpretingBackend(pack.ruleset)
    i = [r.id for r in rules_for(pack.ruleset, "project")].index(calendar_cases.RULE)
    seen: set[int] = set()
    for as_of in calendar_cases.AS_OF:
        for subject in calendar_cases.subjects():
            fast = pack._backend.outcomes("project", subject, as_of)
            assert fast == reference.outcomes("project", subject, as_of), (subject.id, as_of)
            seen.add(fast[i])
    assert seen == {1, 2, 3, 4}


_SQL_FEATURES = FIXTURES / "packs" / "sql_features.yaml"
_WORKING_DAYS_IN_ANY = "sql_features.project.working_days_in_any"


@pytest.mark.parametrize(
    ("completed", "outcome"),
    [
        # requires any of: is_major; completion_date <= add_working_days(start, $review):
        # with no completion date the comparison is false whatever the start's working days
        # are, even in 2027, which the calendar lacks: violated (review: the interpreter
        # computed the working days first, and said undetermined where the compiled code
        # said violated; the monitor's fact followed the interpreter).
        (None, Outcome.VIOLATED),
        # With a completion date the working days decide, and 2027's are not known.
        ("2027-03-02", Outcome.UNDETERMINED),
    ],
)
def test_a_null_operand_decides_before_working_days_no_calendar_knows(
    completed: str | None, outcome: Outcome
) -> None:
    pack = egovrules.load_pack(_SQL_FEATURES)
    data: dict[str, Any] = {"kind": "project", "id": "p", "construction_start_date": "2027-03-01"}
    if completed is not None:
        data["completion_date"] = completed
    subject, as_of = parse_subject(data), dt.date(2026, 3, 1)
    i = [r.id for r in rules_for(pack.ruleset, "project")].index(_WORKING_DAYS_IN_ANY)
    compiled = pack._backend.outcomes("project", subject, as_of)
    assert compiled == InterpretingBackend(pack.ruleset).outcomes("project", subject, as_of)
    assert compiled[i] == outcome
