"""An act dated after the as-of date has not happened on it: a deadline is late only once its
last day has passed, and a period counted from an act still to come has not begun. Every
backend reads a deadline so: ``pack.check``, the reference interpreter, the compiled messages,
the SQL audit, durable-rules (the monitor) and the solver of ``analyze`` and ``diff``.

Wuhan 第十五条 ¶2: "必须在网络接入之日起15日内到市公安部门备案". The site of the pack's fixture
``website_ok`` was connected on 2024-03-04: its last day is 2024-03-19.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import egovrules
from egovrules.analysis.smt import Encoder
from egovrules.auditing import audit_outcomes
from egovrules.backends.base import InterpretingBackend, rules_for
from egovrules.law.verdict import Outcome
from egovrules.monitoring.monitor import Monitor
from egovrules.subjects import SUBJECT_MODELS, parse_subject

FILING = "wuhan.website.police_filing_15_days"
D = dt.date.fromisoformat
SATISFIED, VIOLATED, PENDING = Outcome.SATISFIED, Outcome.VIOLATED, Outcome.PENDING

CASES = [
    # A filing recorded for day 16 is not late on day 15: "15日内" has not run out ...
    ("2024-03-04", "2024-03-20", "2024-03-19", PENDING),
    # ... and is late from day 16 (before, it was late on any day).
    ("2024-03-04", "2024-03-20", "2024-03-20", VIOLATED),
    # A filing recorded for day 11 has not been made on day 10 ...
    ("2024-03-04", "2024-03-15", "2024-03-14", PENDING),
    # ... and is made, in time, on day 11.
    ("2024-03-04", "2024-03-15", "2024-03-15", SATISFIED),
    # "网络接入之日起": a site recorded as connected the day after the as-of date owes nothing yet
    # (before: pending) ...
    ("2024-03-25", None, "2024-03-24", SATISFIED),
    # ... and from the day it is connected the 15 days run.
    ("2024-03-25", None, "2024-03-25", PENDING),
    # Not filed at all: late once the 15th day has passed, whatever else the record says.
    ("2024-03-04", None, "2024-03-20", VIOLATED),
]


def _site(access: str, filed: str | None) -> dict[str, Any]:
    pack = egovrules.load_pack("wuhan")
    site = dict(pack.tests.fixtures["website_ok"])
    site["network_access_date"] = access
    site["police_filing"] = None if filed is None else {**site["police_filing"], "date": filed}
    return site


def _registered(raw: dict[str, Any], at: str) -> dict[str, Any]:
    """The event that registers the site ``raw`` with the monitor on ``at``."""
    attributes = {k: v for k, v in raw.items() if k not in ("id", "kind")}
    return {
        "subject_id": "site",
        "subject_kind": "website",
        "type": "registered",
        "at": at,
        "payload": {"attributes": attributes},
    }


@pytest.mark.parametrize(("access", "filed", "as_of", "code"), CASES)
def test_every_backend_reads_a_later_act_as_not_yet_done(
    access: str, filed: str | None, as_of: str, code: int
) -> None:
    pack = egovrules.load_pack("wuhan")
    raw = {**_site(access, filed), "id": "site"}
    subject = parse_subject(raw)
    when = D(as_of)
    index = pack.check(subject, as_of=when).rule_ids.index(FILING)

    assert pack._backend.outcomes("website", subject, when)[index] == code
    reference = InterpretingBackend(pack.ruleset)
    assert reference.outcomes("website", subject, when)[index] == code
    assert audit_outcomes(pack, [raw], as_of=when).to_pylist()[0][FILING] == code

    report = pack.check(subject, as_of=when)
    assert (FILING in {v.rule_id for v in report.violations}) == (code == VIOLATED)
    assert (FILING in {u.rule_id for u in report.upcoming}) == (code == PENDING)

    # durable-rules: the site registered on the as-of date, as the monitor holds it.
    with Monitor(pack) as monitor:
        monitor.feed(_registered(raw, as_of))
        held = {v.rule_id for v in monitor.violations("site")}
    assert (FILING in held) == (code == VIOLATED)


@pytest.mark.parametrize(("access", "filed", "as_of", "code"), CASES)
def test_the_solver_reads_a_later_act_as_not_yet_done(
    access: str, filed: str | None, as_of: str, code: int
) -> None:
    """The solver's encoding (``analyze``, ``diff``) gives each pinned site the one outcome
    the interpreter gives it: the others are unsatisfiable."""
    import z3

    from tests.test_analyze_soundness import _outcome_formula, _pin

    pack = egovrules.load_pack("wuhan")
    (rule,) = (r for r in rules_for(pack.ruleset, "website") if r.id == FILING)
    subject = parse_subject({**_site(access, filed), "id": "site"})
    for outcome in (Outcome.SATISFIED, Outcome.VIOLATED, Outcome.PENDING):
        enc = Encoder(SUBJECT_MODELS["website"])
        formula = _outcome_formula(enc, rule, outcome)
        solver = z3.Solver()
        solver.add(formula, *enc.finish(), *_pin(enc, subject, D(as_of)))
        assert (solver.check() == z3.sat) == (outcome == code), outcome


def test_the_monitor_raises_a_deadline_whose_start_was_still_to_come() -> None:
    """A site registered on 14 February that will be connected on the 24th: the 15 days begin
    then and end on 10 March, so the violation arises on 11 March. The monitor set no timer
    while the start was to come and woke nothing on its day: it never raised it (a review of
    the change found it)."""
    pack = egovrules.load_pack("wuhan")
    raw = {**_site("2024-02-24", None), "incidents": []}
    with Monitor(pack) as monitor:
        assert FILING not in {a.rule_id for a in monitor.feed(_registered(raw, "2024-02-14"))}
        alerts = monitor.advance_to(D("2024-05-01"))
    raised = [(a.at, a.cause) for a in alerts if a.rule_id == FILING]
    assert raised == [(D("2024-03-11"), "deadline")]


def test_a_working_day_period_beginning_past_the_calendar_has_not_begun() -> None:
    """Shantou 第十六条 "自受理之日起七个工作日内": an application received in 2300, past every
    year the calendar bounds, has not been received on 2025-01-01: met in every backend
    (pack.check raised the calendar's gap, the interpreter and SQL said met)."""
    pack = egovrules.load_pack("shantou")
    rule = "shantou.project.approval_within_7_working_days"
    raw = dict(pack.tests.fixtures["project_ok"])
    raw["approval_application"] = {
        **raw["approval_application"],
        "received_date": "2300-01-05",
        "decision_date": None,
        "copied_to_finance_date": None,
    }
    raw["id"] = "p"
    subject = parse_subject(raw)
    when = D("2025-01-01")
    index = pack.check(subject, as_of=when).rule_ids.index(rule)
    assert pack._backend.outcomes("project", subject, when)[index] == SATISFIED
    assert InterpretingBackend(pack.ruleset).outcomes("project", subject, when)[index] == SATISFIED
    assert audit_outcomes(pack, [raw], as_of=when).to_pylist()[0][rule] == SATISFIED
