"""The event monitor: violations as they arise, deadlines on event time, isolation of monitors,
and durable-rules contained.

Expected dates come from the law: Wuhan art. 15 para. 2 gives 15 days from network access,
the access day not counted, so a site online on 1 March must file by 16 March and is late on
17 March. The clock pack (tests/fixtures/packs/clock.yaml) comes into force on 2024-03-20,
shortens its filing period from 15 to 10 days on 2024-04-01, counts approvals in Chinese
working days and has a rule that reads the evaluation date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import egovrules
from egovrules.backends.durable import compile_durable
from egovrules.backends.durable_session import DurableSession
from egovrules.monitoring.events import EventError
from egovrules.monitoring.monitor import Monitor
from egovrules.source.errors import EgovrulesError, UsageError
from tests import calendar_cases
from tests.conftest import FIXTURES

D = dt.date


def ev(kind: str, sid: str, etype: str, at: str, /, **payload: Any) -> dict[str, Any]:
    return {"subject_id": sid, "subject_kind": kind, "type": etype, "at": at, "payload": payload}


def site_online(sid: str = "site-1", day: str = "2026-03-01") -> list[dict[str, Any]]:
    """A Wuhan site with interactive columns that goes online on ``day``."""
    return [
        ev("website", sid, "interactive_column_opened", day),
        ev("website", sid, "online", day),
    ]


@pytest.fixture(scope="module")
def clock_pack() -> egovrules.Pack:
    return egovrules.load_pack(FIXTURES / "packs" / "clock.yaml")


@pytest.fixture(scope="module")
def hohhot() -> egovrules.Pack:
    return egovrules.load_pack("hohhot")


FILING = "wuhan.website.police_filing_15_days"


def test_police_filing_deadline_fires_on_day_16(wuhan: egovrules.Pack) -> None:
    """Online on 1 March without a filing: nothing on 16 March, a violation dated 17 March,
    raised by the deadline, citing article 15 paragraph 2."""
    with Monitor(wuhan) as monitor:
        monitor.feed_all(site_online())
        assert FILING not in {a.rule_id for a in monitor.advance_to(D(2026, 3, 16))}
        alerts = [a for a in monitor.advance_to(D(2026, 3, 30)) if a.rule_id == FILING]
    assert [(a.at, a.cause, a.subject_id) for a in alerts] == [
        (D(2026, 3, 17), "deadline", "site-1")
    ]
    citation = alerts[0].violation.citation
    assert (citation.article, citation.paragraph) == (15, 2)


def test_filing_on_the_last_day_is_in_time(wuhan: egovrules.Pack) -> None:
    """A filing on 16 March stops the deadline: no violation later."""
    with Monitor(wuhan) as monitor:
        monitor.feed_all(site_online())
        monitor.feed(
            ev(
                "website",
                "site-1",
                "police_filed",
                "2026-03-16",
                authority="municipal_public_security_department",
            )
        )
        alerts = monitor.advance_to(D(2026, 12, 31))
        assert FILING not in {a.rule_id for a in alerts}
        assert FILING not in {v.rule_id for v in monitor.violations("site-1")}


def test_a_late_filing_event_fires_the_deadline_first(wuhan: egovrules.Pack) -> None:
    """A filing dated 20 March first moves the clock past the deadline (a violation on 17
    March); the late filing keeps it violated and raises nothing new."""
    with Monitor(wuhan) as monitor:
        monitor.feed_all(site_online())
        alerts = monitor.feed(ev("website", "site-1", "police_filed", "2026-03-20"))
        assert [(a.rule_id, a.at, a.cause) for a in alerts if a.rule_id == FILING] == [
            (FILING, D(2026, 3, 17), "deadline")
        ]
        assert FILING in {v.rule_id for v in monitor.violations("site-1")}


def test_violations_match_the_snapshot_check(wuhan: egovrules.Pack) -> None:
    """The monitor's violations are the snapshot check's, message and citations included."""
    with Monitor(wuhan) as monitor:
        monitor.feed_all(site_online())
        monitor.advance_to(D(2026, 3, 22))
        subject = monitor.subject("site-1")
        assert subject is not None
        assert monitor.violations("site-1") == wuhan.check(subject, D(2026, 3, 22)).violations


def test_unreported_case_is_late_the_day_after_its_24_hours_end(wuhan: egovrules.Pack) -> None:
    """Wuhan 第十五条 (违法案件24小时报告) on event time: a case found at 09:00 on 1 May and not
    reported is no violation on 2 May, the day its 24 hours end (the hour is not known), and is
    one as the clock reaches 3 May; as in a snapshot check of the same subject."""
    rule = "wuhan.website.illegal_case_reported_24h"
    with Monitor(wuhan) as monitor:
        monitor.feed_all(site_online())
        monitor.feed(ev("website", "site-1", "incident_detected", "2026-05-01T09:00:00"))
        assert rule not in {a.rule_id for a in monitor.advance_to(D(2026, 5, 2))}
        alerts = monitor.advance_to(D(2026, 5, 3))
        assert [(a.rule_id, a.at) for a in alerts if a.rule_id == rule] == [(rule, D(2026, 5, 3))]
        subject = monitor.subject("site-1")
        assert subject is not None
        assert rule in {v.rule_id for v in wuhan.check(subject, D(2026, 5, 3)).violations}
        assert rule not in {v.rule_id for v in wuhan.check(subject, D(2026, 5, 2)).violations}


def test_the_clock_wakes_only_the_subjects_whose_verdict_it_can_change(
    wuhan: egovrules.Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wuhan 第十五条's 24 hours are read against the date for each case found: as the clock
    moves, a site with no case is not evaluated again, a site with one is, on the day after
    the day its 24 hours end (the day its verdict turns), not on the day the clock stops.
    第八条's acceptance
    is owed from completion (``completion_date`` on or before the date): a project recorded
    as completing on 10 March is evaluated again once the clock reaches that day, not before.
    Every verdict stays what a snapshot check of the same day says."""
    rule = "wuhan.project.acceptance_by_planning_dept"
    with Monitor(wuhan) as monitor:
        evaluated: dict[str, dt.date | None] = {}  # subject id -> the day it was last evaluated
        evaluate = monitor._evaluate

        def spy(subject: Any, cause: Any) -> Any:
            evaluated[subject.id] = monitor.clock
            return evaluate(subject, cause)

        monkeypatch.setattr(monitor, "_evaluate", spy)
        monitor.feed_all([*site_online("quiet"), *site_online("found")])
        monitor.feed(ev("website", "found", "incident_detected", "2026-03-01T09:00:00"))
        monitor.feed(ev("project", "p", "registered", "2026-03-01"))
        monitor.feed(
            ev("project", "p", "updated", "2026-03-01", set={"completion_date": "2026-03-10"})
        )
        monitor.advance_to(D(2026, 3, 5))
        assert evaluated["quiet"] == D(2026, 3, 1)
        assert evaluated["found"] == D(2026, 3, 3)  # found 1 March 09:00, late from 3 March
        assert evaluated["p"] == D(2026, 3, 1)
        assert rule not in {v.rule_id for v in monitor.violations("p")}
        monitor.advance_to(D(2026, 3, 12))
        # evaluated on the day its verdict can change, the completion's, as the clock passes it
        assert evaluated["p"] == D(2026, 3, 10)
        for sid in ("quiet", "found", "p"):
            subject = monitor.subject(sid)
            assert subject is not None
            expected = wuhan.check(subject, D(2026, 3, 12))
            assert {v.rule_id for v in monitor.violations(sid)} == {
                v.rule_id for v in expected.violations
            }
        # The date was a threshold: the acceptance is owed (open) on 12 March, not on 5 March.
        assert subject is not None
        assert rule in {u.rule_id for u in wuhan.check(subject, D(2026, 3, 12)).upcoming}
        assert rule not in {u.rule_id for u in wuhan.check(subject, D(2026, 3, 5)).upcoming}


def test_operation_before_acceptance(wuhan: egovrules.Pack) -> None:
    """Putting a project into use before acceptance is a violation the moment it happens
    (Wuhan art. 8); a later acceptance does not cure it."""
    rule = "wuhan.project.no_use_without_acceptance"
    with Monitor(wuhan) as monitor:
        alerts = monitor.feed(ev("project", "p1", "put_into_operation", "2026-05-01"))
        assert [(a.rule_id, a.at, a.cause) for a in alerts if a.rule_id == rule] == [
            (rule, D(2026, 5, 1), "event")
        ]
        monitor.feed(ev("project", "p1", "accepted", "2026-05-10", result="passed"))
        assert rule in {v.rule_id for v in monitor.violations("p1")}


def test_budget_rise_without_reapproval_until_reapproved(mini: egovrules.Pack) -> None:
    """A budget adjustment above 10 % raises a violation; a re-approval clears it, and another
    rise does not alert again while a re-approval is on record."""
    rule = "mini.project.budget_reapproval"
    with Monitor(mini) as monitor:
        monitor.feed(ev("project", "p1", "approved", "2024-01-10", total_investment="1000000"))
        assert (
            monitor.feed(
                ev("project", "p1", "budget_adjusted", "2024-02-01", total_investment="1100000")
            )
            == ()
        )  # exactly 10 %: allowed
        alerts = monitor.feed(
            ev("project", "p1", "budget_adjusted", "2024-02-02", total_investment="1100000.01")
        )
        assert [a.rule_id for a in alerts] == [rule]
        monitor.feed(ev("project", "p1", "reapproved", "2024-02-20"))
        assert monitor.violations("p1") == ()


def test_rule_coming_into_force_is_a_clock_event(clock_pack: egovrules.Pack) -> None:
    """A site without a security system registered before the pack takes effect (2024-03-20)
    is not in violation until that day; advancing past it raises the violation on that day."""
    with Monitor(clock_pack) as monitor:
        assert monitor.feed(ev("website", "s", "registered", "2024-03-10")) == ()
        alerts = monitor.advance_to(D(2024, 3, 25))
    assert [(a.rule_id, a.at, a.cause) for a in alerts] == [
        ("clock.website.security_system", D(2024, 3, 20), "clock")
    ]


def test_versioned_period_is_taken_on_the_access_date(clock_pack: egovrules.Pack) -> None:
    """Online on 2 April 2024 (after the period became 10 days): late on 13 April, not 18."""
    with Monitor(clock_pack) as monitor:
        monitor.feed(ev("website", "s", "interactive_column_opened", "2024-04-02"))
        monitor.feed(ev("website", "s", "online", "2024-04-02"))
        alerts = [
            a
            for a in monitor.advance_to(D(2024, 5, 1))
            if a.rule_id == "clock.website.police_filing"
        ]
    assert [(a.at, a.cause) for a in alerts] == [(D(2024, 4, 13), "deadline")]


def test_working_days_skip_the_holidays(clock_pack: egovrules.Pack) -> None:
    """Applied on 30 September 2024: the National Day holiday (1-7 October) is not counted, so
    the fifth working day is 12 October (an adjusted working Saturday) and 13 October is late."""
    rule = "clock.network.approval_in_working_days"
    with Monitor(clock_pack) as monitor:
        monitor.feed(ev("network", "n", "requested", "2024-09-30", request_type="platform_access"))
        assert rule not in {a.rule_id for a in monitor.advance_to(D(2024, 10, 12))}
        alerts = [a for a in monitor.advance_to(D(2024, 10, 20)) if a.rule_id == rule]
    assert [(a.at, a.cause) for a in alerts] == [(D(2024, 10, 13), "deadline")]


def test_working_days_beyond_the_calendar_are_never_violations(clock_pack: egovrules.Pack) -> None:
    """A period that runs into a year the holiday calendar does not cover is undetermined in a
    snapshot check; the monitor reports no violation for it either."""
    rule = "clock.network.approval_in_working_days"
    with Monitor(clock_pack) as monitor:
        monitor.feed(ev("network", "n", "requested", "2026-12-28", request_type="platform_access"))
        assert rule not in {a.rule_id for a in monitor.advance_to(D(2027, 6, 1))}
        subject = monitor.subject("n")
        assert subject is not None
        report = clock_pack.check(subject, D(2027, 6, 1))
        assert [u.rule_id for u in report.undetermined] == [rule]


def test_a_last_day_not_known_sets_the_timer_on_its_earliest_possible_day(
    clock_pack: egovrules.Pack,
) -> None:
    """Requested 2026-12-28, "approved within five working days": three working days are
    known (12-29, 30, 31), so the fifth is 2027-01-02 at the earliest. Pending until then
    (no violation, a timer on 2027-01-03 to look again); on 2027-01-03 it may be late or not
    depending on 2027's holidays: undetermined, never a violation."""
    rule = "clock.network.approval_in_working_days"
    with Monitor(clock_pack) as monitor:
        monitor.feed(ev("network", "n", "requested", "2026-12-28", request_type="platform_access"))
        assert ["2027-01-03", "n"] in monitor.snapshot()["timers"]
        subject = monitor.subject("n")
        assert subject is not None
        (up,) = clock_pack.check(subject, D(2027, 1, 2)).upcoming
        assert (up.rule_id, up.due, up.earliest_due, up.latest_due) == (
            rule,
            None,
            D(2027, 1, 2),
            None,
        )
        assert rule not in {a.rule_id for a in monitor.advance_to(D(2027, 1, 3))}
        assert ["2027-01-03", "n"] not in monitor.snapshot()["timers"]  # it has fired
        assert [u.rule_id for u in clock_pack.check(subject, D(2027, 1, 3)).undetermined] == [rule]


def test_a_last_day_not_known_is_late_the_day_after_its_latest_possible_day() -> None:
    """Shantou 第十六条第二款 "自受理之日起七个工作日内予以批复", received 2003-12-24 (a year
    chinese-calendar does not cover): the seventh working day is 2003-12-31 at the earliest
    and 2004-01-12 at the latest. Without a reply the monitor looks again after the earliest
    (undetermined from 2004-01-01), then after the latest: late on 2004-01-13, not before."""
    shantou = egovrules.load_pack("shantou")
    subject = calendar_cases.project("2003-12-24", None, "p")
    with Monitor(shantou) as monitor:
        monitor.feed(ev("project", "p", "registered", "2003-12-26", attributes=subject))
        assert ["2004-01-01", "p"] in monitor.snapshot()["timers"]
        assert calendar_cases.RULE not in {a.rule_id for a in monitor.advance_to(D(2004, 1, 12))}
        assert ["2004-01-13", "p"] in monitor.snapshot()["timers"]
        alerts = [a for a in monitor.advance_to(D(2004, 2, 1)) if a.rule_id == calendar_cases.RULE]
    assert [(a.at, a.cause) for a in alerts] == [(D(2004, 1, 13), "deadline")]


def test_rule_reading_the_date_is_checked_when_the_clock_moves(clock_pack: egovrules.Pack) -> None:
    """A declaration not handled within 30 days: violated once the clock passes day 30."""
    rule = "clock.project.declaration_handled"
    with Monitor(clock_pack) as monitor:
        monitor.feed(ev("project", "p", "declared", "2024-03-25"))
        assert monitor.advance_to(D(2024, 4, 24)) == ()
        alerts = monitor.advance_to(D(2024, 4, 25))
    assert [(a.rule_id, a.at, a.cause) for a in alerts] == [(rule, D(2024, 4, 25), "clock")]


def test_a_clock_passing_the_day_a_verdict_turns_dates_the_alert_on_that_day(
    wuhan: egovrules.Pack, clock_pack: egovrules.Pack
) -> None:
    """An alert of a rule reading the date is dated on the day its verdict turns, as a
    snapshot check of each day finds it, not on the day a later event or ``advance_to`` moves
    the clock to: Wuhan 第十五条 (违法案件24小时报告), a case found on 1 March at 09:00 and not
    reported, is late from 3 March (the next event is on 20 March); the clock pack's 30 days
    (申报应当在三十日内处理) from 7 March end on 6 April, so the violation is on 7 April."""
    case = "wuhan.website.illegal_case_reported_24h"
    with Monitor(wuhan) as monitor:
        monitor.feed_all(site_online())
        monitor.feed(ev("website", "site-1", "incident_detected", "2026-03-01T09:00:00"))
        alerts = monitor.feed(ev("website", "site-1", "updated", "2026-03-20", set={"name": "x"}))
    assert [(a.at, a.cause) for a in alerts if a.rule_id == case] == [(D(2026, 3, 3), "clock")]
    handled = "clock.project.declaration_handled"
    with Monitor(clock_pack) as monitor:
        monitor.feed(ev("project", "p", "declared", "2024-03-07"))
        alerts = monitor.advance_to(D(2024, 4, 26))
    assert [(a.rule_id, a.at) for a in alerts] == [(handled, D(2024, 4, 7))]


def test_a_violation_cured_and_arising_again_by_the_year_is_alerted_again(
    hohhot: egovrules.Pack,
) -> None:
    """Hohhot 第四条 (每年…安排…专项资金，并纳入当年财政预算), judged for the last year that
    has ended: a county with funds for 2025 only is in breach in 2025 (none for 2024), not in
    2026, and in breach again from 1 January 2027; a clock moving from December 2025 to March
    2027 raises it again, dated 1 January 2027."""
    rule = "hohhot.department.county_devzone_annual_special_funds"
    funds = {"year": 2025, "amount": "100", "in_fiscal_budget": True}
    with Monitor(hohhot) as monitor:
        monitor.feed(
            ev("department", "d", "registered", "2025-06-01", attributes={"type": "county"})
        )
        first = monitor.feed(ev("department", "d", "funds_arranged", "2025-06-01", **funds))
        assert rule in {v.rule_id for v in monitor.violations("d")}
        assert rule not in {a.rule_id for a in first}  # standing since the registration
        alerts = monitor.advance_to(D(2027, 3, 1))
    assert [(a.rule_id, a.at, a.cause) for a in alerts] == [(rule, D(2027, 1, 1), "clock")]


def test_a_rule_reading_the_date_another_way_is_judged_on_each_day(tmp_path: Path) -> None:
    """A rule that reads the date in a way whose turning day the monitor does not work out
    (days between the declaration and the date, here) is judged on every day the clock
    passes: the 31st day after a declaration of 7 March is 7 April, not the day the clock
    stops on."""
    text = (FIXTURES / "packs" / "clock.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "{add_days: [{field: declaration.submitted_date}, $handling_days]}", "$handling_days"
    ).replace(
        'value: "@as_of"', 'value: {days_between: [{field: declaration.submitted_date}, "@as_of"]}'
    )
    (tmp_path / "between.yaml").write_text(text, encoding="utf-8")
    pack = egovrules.load_pack(tmp_path / "between.yaml")
    with Monitor(pack) as monitor:
        monitor.feed(ev("project", "p", "declared", "2024-03-07"))
        alerts = monitor.advance_to(D(2024, 4, 26))
    assert [(a.rule_id, a.at) for a in alerts] == [
        ("clock.project.declaration_handled", D(2024, 4, 7))
    ]


def test_a_waiver_holds_until_it_expires(wuhan: egovrules.Pack) -> None:
    """A waived violation is not reported until the day after the waiver expires."""
    with Monitor(wuhan) as monitor:
        monitor.feed(
            ev(
                "website",
                "s",
                "waiver_granted",
                "2026-03-01",
                rule=FILING,
                reason="migration",
                expires="2026-03-31",
            )
        )
        monitor.feed_all(site_online("s"))
        assert FILING not in {a.rule_id for a in monitor.advance_to(D(2026, 3, 31))}
        alerts = [a for a in monitor.advance_to(D(2026, 4, 30)) if a.rule_id == FILING]
    assert [(a.at, a.cause) for a in alerts] == [(D(2026, 4, 1), "deadline")]


def test_replaying_last_years_events_gives_last_years_violations(wuhan: egovrules.Pack) -> None:
    """No wall clock: a history from 2004 raises its violations on 2004 dates, and an event
    arriving late (dated before the clock) is judged on the clock's date."""
    with Monitor(wuhan) as monitor:
        monitor.feed_all(site_online(day="2004-09-01"))
        alerts = monitor.advance_to(D(2004, 12, 31))
        assert [a.at for a in alerts if a.rule_id == FILING] == [D(2004, 9, 17)]
        late = monitor.feed(ev("project", "p", "put_into_operation", "2004-10-01"))
        assert {a.at for a in late} == {D(2004, 12, 31)}
        assert monitor.clock == D(2004, 12, 31)


def test_monitors_and_packs_are_isolated(wuhan: egovrules.Pack, mini: egovrules.Pack) -> None:
    """Two monitors of one pack and monitors of two packs live side by side: what one is fed
    the others never see."""
    with Monitor(wuhan) as a, Monitor(wuhan) as b, Monitor(mini) as c:
        a.feed_all(site_online())
        c.feed_all(site_online())
        b.feed(ev("website", "x", "online", "2026-03-01"))
        assert b.subject("site-1") is None and a.subject("x") is None
        a.advance_to(D(2026, 4, 1))
        c.advance_to(D(2026, 4, 1))
        assert FILING in {v.rule_id for v in a.violations("site-1")}
        assert {v.rule_id for v in c.violations("site-1")} >= {"mini.website.police_filing"}
        assert b.violations("site-1") == ()
        assert not {v.rule_id for v in a.violations("site-1")} & {"mini.website.police_filing"}


def test_no_durable_rules_error_reaches_the_user(mini: egovrules.Pack) -> None:
    """An event no rule matches (mini has no network rule) is simply quiet; a bad event is an
    ``EventError``; a closed monitor says so; all are egovrules errors."""
    monitor = Monitor(mini)
    assert (
        monitor.feed(ev("network", "n", "requested", "2024-01-01", request_type="platform_access"))
        == ()
    )
    assert monitor.feed(ev("department", "d", "registered", "2024-01-01")) == ()
    with pytest.raises(EventError):
        monitor.feed(ev("project", "p", "info_answered", "2024-01-02"))
    assert monitor.subject("p") is None and monitor.clock == D(2024, 1, 1)  # unchanged
    monitor.close()
    with pytest.raises(UsageError):
        monitor.feed(ev("website", "s", "online", "2024-01-03"))
    assert issubclass(EventError, EgovrulesError)


@pytest.mark.parametrize("pack_id", egovrules.available_packs())
def test_every_pack_compiles_within_durable_rules_limits(pack_id: str) -> None:
    """Every bundled pack's rules load into durable-rules, however many rules a kind has."""
    pack = egovrules.load_pack(pack_id)
    program = compile_durable(pack.ruleset)
    for kind, kp in program.kinds.items():
        assert {r.index for r in kp.durable_rules} == set(range(len(kp.rules))), kind
        DurableSession(kp, pack.id).close()


def test_many_rules_in_one_kind_are_split_into_groups(wuhan: egovrules.Pack) -> None:
    """A kind with more rules than one durable ruleset can take is split into several, and the
    fact of a subject that breaks every rule still reports every violation."""
    program = compile_durable(wuhan.ruleset).kinds["website"]
    assert len(program.groups) > 1
    with Monitor(wuhan) as monitor:
        monitor.feed_all(site_online())
        monitor.advance_to(D(2026, 6, 1))
        subject = monitor.subject("site-1")
        assert subject is not None
        expected = wuhan.check(subject, D(2026, 6, 1)).violations
        assert len(expected) > 10 and monitor.violations("site-1") == expected


def test_pack_monitor_is_a_deprecated_shim_for_one_release(wuhan: egovrules.Pack) -> None:
    """``Pack.monitor()`` (the name before 0.2.0) still builds an ``egovrules.Monitor`` and
    warns that it goes in 0.3.0; the engine builds it without importing the monitor's layer."""
    with pytest.warns(DeprecationWarning, match=r"egovrules\.Monitor\(pack, state\)"):
        monitor = wuhan.monitor()
    with monitor:
        assert isinstance(monitor, egovrules.Monitor)
        assert monitor.feed_all([]) == ()


def test_a_null_decides_before_working_days_no_calendar_knows() -> None:
    """Review: "completion_date <= add_working_days(construction_start_date, …)" fails for a
    project with no completion date whatever the start's working days are, even in 2027,
    which the calendar lacks: the monitor reports the violation ``pack.check`` reports (it
    took the reference interpreter's "undetermined" for the slot, and missed it)."""
    pack = egovrules.load_pack(FIXTURES / "packs" / "sql_features.yaml")
    rule = "sql_features.project.working_days_in_any"
    start = {"construction_start_date": "2027-03-01"}
    with Monitor(pack) as monitor:
        monitor.feed(ev("project", "p", "registered", "2026-03-01", attributes=start))
        subject = monitor.subject("p")
        assert subject is not None
        found = {v.rule_id for v in monitor.violations("p")}
    assert found == {v.rule_id for v in pack.check(subject, as_of=dt.date(2026, 3, 1)).violations}
    assert rule in found
