"""Time as a clerk counts it: Chinese working days, annual dates, month and year periods.

Expected dates come from the State Council holiday notices as tabulated in
shared/OBLIGATIONS.md §3, not from the code under test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

import egovrules
from egovrules.law.calendar import (
    CalendarGap,
    FarDate,
    add_months,
    add_working_days,
    add_years,
    annual,
    covered_years,
    is_workday,
    package_version,
)
from egovrules.law.verdict import Outcome
from tests.test_conditions import MINI, make_pack

D = dt.date


@pytest.mark.parametrize(
    ("received", "last_day", "why"),
    [
        (D(2025, 3, 5), D(2025, 3, 14), "plain week"),
        (D(2024, 9, 30), D(2024, 10, 15), "National Day 10-01..07 off; Sat 10-12 worked"),
        (D(2025, 9, 26), D(2025, 10, 13), "Sun 09-28 and Sat 10-11 worked; 10-01..08 off"),
        (D(2025, 1, 24), D(2025, 2, 10), "Spring Festival; Sun 01-26 and Sat 02-08 worked"),
        (D(2024, 2, 5), D(2024, 2, 20), "Spring Festival 02-10..17 off; Sun 02-18 worked"),
    ],
)
def test_seven_working_days(received: dt.date, last_day: dt.date, why: str) -> None:
    """Shantou Art. 16: seven working days after receipt, the receipt day not counted."""
    assert add_working_days(received, 7) == last_day, why


def test_unknown_year_is_never_guessed() -> None:
    """Outside the calendar's years the count raises, naming the year."""
    with pytest.raises(CalendarGap, match="2031"):
        add_working_days(D(2031, 3, 3), 7)


def test_is_workday_agrees_with_the_package_on_every_day() -> None:
    """``is_workday`` reads the package's tables instead of calling it per day: on every day
    of every covered year it answers as ``chinese_calendar.is_workday``, and the years just
    outside are refused by both."""
    first, last = covered_years()
    day, differ, days = D(first, 1, 1), [], 0
    while day.year <= last:
        if is_workday(day) != chinese_calendar.is_workday(day):
            differ.append(day)
        day += dt.timedelta(days=1)
        days += 1
    assert not differ, differ[:10]
    assert days > 365 * 20  # 2004-2026 in chinese-calendar 1.11
    for outside in (D(first - 1, 6, 1), D(last + 1, 6, 1)):
        with pytest.raises(CalendarGap):
            is_workday(outside)
    # The package's own years may run past ours (the suite sets EGOVRULES_CALENDAR_UNTIL):
    # just outside *them*, it refuses too.
    package_first, package_last = _package_years()
    for outside in (D(package_first - 1, 6, 1), D(package_last + 1, 6, 1)):
        with pytest.raises(NotImplementedError):
            chinese_calendar.is_workday(outside)


def _package_years() -> tuple[int, int]:
    """The years the installed chinese-calendar decides, read off its table, not from the
    code under test: a release that adds a year must not change a verdict of the suite."""
    years = {day.year for day in chinese_calendar.holidays}
    return min(years), max(years)


@settings(max_examples=2000, deadline=None)
@given(
    st.one_of(
        st.dates(),
        st.datetimes(),
        st.dates(dt.date(2000, 1, 28), dt.date(2030, 3, 31)),  # month ends and leap days
    ),
    st.integers(-130_000, 130_000) | st.integers(-40, 40),
)
def test_month_arithmetic_equals_relativedelta(day: dt.date, n: int) -> None:
    """Months and years are computed directly; on any date (and date-time) and any count they
    give what ``dateutil.relativedelta`` gives, and exactly where it overflows a ``FarDate``:
    the same year, month and clamped day, past the calendar's ends."""

    def reference(delta: relativedelta) -> dt.date | None:
        try:
            return day + delta
        except (ValueError, OverflowError):
            return None

    def same(result: Any, expected: dt.date | None, months: int) -> None:
        if expected is not None:
            assert result == expected
            return
        year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
        assert isinstance(result, FarDate)
        assert (result.year, result.month) == (year, month + 1)
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        length = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month]
        assert result.day == min(day.day, length)
        assert not dt.date.min <= result <= dt.date.max

    same(add_months(day, n), reference(relativedelta(months=n)), n)
    same(add_years(day, n // 12), reference(relativedelta(years=n // 12)), 12 * (n // 12))
    month, mday = day.month, day.day
    year = day.year + n // 12_000
    expected = reference(relativedelta(years=n // 12_000, month=month, day=mday))
    result = annual((month, mday), year)
    if expected is None:
        assert isinstance(result, FarDate) and (result.year, result.month) == (year, month)
    else:
        assert result == dt.date(expected.year, expected.month, expected.day)


def test_relativedelta_semantics() -> None:
    """Leap days and month ends follow dateutil's relativedelta."""
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert add_years(D(2024, 6, 12), 1) == D(2025, 6, 12)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert annual((9, 30), 2024) == D(2024, 9, 30)
    assert annual((2, 29), 2025) == D(2025, 2, 28)


PARAMS = {
    "forward_days": {"value": 7, "unit": "working_days", "cite": {"article": 3}},
    "deadline_day": {"value": "09-30", "unit": "month_day", "cite": {"article": 3}},
    "validity": {"value": 1, "unit": "years", "cite": {"article": 3}},
}


def _pack(tmp_path: Path, requires: object, subject: str = "project") -> egovrules.Pack:
    mini = dict(MINI)
    mini["parameters"] = {**MINI["parameters"], **PARAMS}
    return make_pack(tmp_path, requires, subject=subject, base=mini)


@pytest.mark.parametrize(
    ("received", "forwarded", "as_of", "expected"),
    [
        ("2024-09-30", "2024-10-15", D(2024, 12, 1), Outcome.SATISFIED),
        ("2024-09-30", "2024-10-16", D(2024, 12, 1), Outcome.VIOLATED),
        ("2024-09-30", None, D(2024, 10, 15), Outcome.PENDING),
        ("2024-09-30", None, D(2024, 10, 16), Outcome.VIOLATED),
        ("2031-03-03", None, D(2031, 4, 1), Outcome.UNDETERMINED),
    ],
)
def test_working_day_deadline(
    tmp_path: Path, received: str, forwarded: str | None, as_of: dt.date, expected: Outcome
) -> None:
    """A deadline in working days: in time on the last day, late the day after, pending
    before, and undetermined in a year the holiday calendar does not cover."""
    requires = {
        "deadline": {
            "start": "declaration.submitted_date",
            "within": "$forward_days",
            "done": "declaration.forwarded_date",
        }
    }
    pack = _pack(tmp_path, requires)
    declaration: dict[str, object] = {"submitted_date": received}
    if forwarded:
        declaration["forwarded_date"] = forwarded
    report = pack.check({"kind": "project", "id": "p", "declaration": declaration}, as_of=as_of)
    assert report.outcomes["mini.project.probe"] == expected
    if expected == Outcome.UNDETERMINED:
        (u,) = report.undetermined
        assert "2031" in u.reason and report.compliant


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [("2024-09-30", Outcome.SATISFIED), ("2024-10-01", Outcome.VIOLATED)],
)
def test_annual_deadline_in_the_year_before_the_plan_year(
    tmp_path: Path, submitted: str, expected: Outcome
) -> None:
    """Hohhot Art. 7: submitted by 30 September of the year before the plan year."""
    requires = {
        "deadline": {
            "due": {"annual": ["$deadline_day", {"sub": ["declaration.plan_year", 1]}]},
            "done": "declaration.submitted_date",
        }
    }
    pack = _pack(tmp_path, requires)
    subject = {
        "kind": "project",
        "id": "p",
        "declaration": {"plan_year": 2025, "submitted_date": submitted},
    }
    assert pack.check(subject, as_of=D(2025, 1, 1)).outcomes["mini.project.probe"] == expected


@pytest.mark.parametrize(
    ("evaluated", "applied", "expected"),
    [
        ("2024-06-12", "2025-06-12", Outcome.SATISFIED),
        ("2024-06-12", "2025-06-13", Outcome.VIOLATED),
        ("2024-02-29", "2025-02-28", Outcome.SATISFIED),
        ("2024-02-29", "2025-03-01", Outcome.VIOLATED),
    ],
)
def test_one_year_validity(tmp_path: Path, evaluated: str, applied: str, expected: Outcome) -> None:
    """Shantou Art. 17: the evaluation is valid for one year; the anniversary is in time."""
    requires = {
        "field": "declaration.submitted_date",
        "le": {"add_years": ["declaration.correction_notice_date", "$validity"]},
    }
    pack = _pack(tmp_path, requires)
    subject = {
        "kind": "project",
        "id": "p",
        "declaration": {"correction_notice_date": evaluated, "submitted_date": applied},
    }
    assert pack.check(subject, as_of=D(2026, 1, 1)).outcomes["mini.project.probe"] == expected


def _probe(code: str, until: str) -> str:
    """What ``code`` prints, run in a process with EGOVRULES_CALENDAR_UNTIL=``until`` (read
    once per process)."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "EGOVRULES_CALENDAR_UNTIL": until}
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


_UNTIL_PROBE = """
import datetime as dt
import egovrules
from egovrules.law.calendar import CHINA, covered_years
from tests.calendar_cases import RULE, project
report = egovrules.load_pack("shantou").check(
    project("2025-12-24", "2026-01-05"), as_of=dt.date(2026, 3, 1)
)
outcome = (
    "undetermined" if RULE in {u.rule_id for u in report.undetermined}
    else "violated" if RULE in {v.rule_id for v in report.violations} else "in time"
)
print(covered_years()[1], outcome, CHINA.describe(), sep="|")
"""


@pytest.mark.parametrize(
    ("until", "last", "outcome"),
    [
        # 自受理之日起七个工作日内予以批复 (Shantou 第十六条第二款): received 2025-12-24, the
        # seventh working day is 2026-01-05 by the 2026 notice (1-3 January off, Sunday the
        # 4th worked): a reply that day is in time.
        ("2026", 2026, "in time"),
        # With 2026 set aside, the seventh day is 2026-01-02 at the earliest and has no known
        # latest: a reply on the 5th is neither certainly in time nor certainly late.
        ("2025", 2025, "undetermined"),
    ],
)
def test_later_years_of_the_package_can_be_set_aside(until: str, last: int, outcome: str) -> None:
    """EGOVRULES_CALENDAR_UNTIL keeps a verdict on working days what it was whatever later
    chinese-calendar release a fresh install resolves; the report's calendar says so exactly
    when the package knows a year after it (2026 is set aside by 2025 whatever the release;
    2027, once a release knows it, by 2026)."""
    year, decided, described = _probe(_UNTIL_PROBE, until).strip().split("|")
    assert (int(year), decided) == (last, outcome)
    set_aside = _package_years()[1] > int(until)
    assert ("set aside by EGOVRULES_CALENDAR_UNTIL" in described) is set_aside


@pytest.mark.parametrize("value", ["x", "2003", "２０２６", "-1"])
def test_a_bad_calendar_setting_is_a_usage_error(value: str) -> None:
    """A value that names no year from the package's first (2004) on: exit 2 before any work,
    one line on stderr, no traceback."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    site = ROOT / "examples" / "wuhan" / "website-compliant.yaml"
    env = {**os.environ, "EGOVRULES_CALENDAR_UNTIL": value}
    run = subprocess.run(
        [sys.executable, "-m", "egovrules", "check", "--city", "wuhan", str(site)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "EGOVRULES_CALENDAR_UNTIL=" in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == ""


def test_a_calendar_until_a_year_sets_the_later_years_aside() -> None:
    """WorkCalendar(until=2025) lets the package decide 2004-2025 only: 2026-01-05, a working
    day by the 2026 notice, is a day it does not know."""
    from egovrules.law.calendar import CHINA, CalendarGap, WorkCalendar

    held = WorkCalendar(until=2025)
    assert held.years == (2004, 2025) and CHINA.years == (2004, 2026)
    assert CHINA.is_workday(dt.date(2026, 1, 5))
    with pytest.raises(CalendarGap):
        held.is_workday(dt.date(2026, 1, 5))
    assert held.is_workday(dt.date(2025, 12, 31))
    assert held.describe().endswith("(2004-2025), its later years set aside")


_GAP_PROBE = """
import datetime as dt
import egovrules
from tests.calendar_cases import RULE, project
report = egovrules.load_pack("shantou").check(
    project("2025-12-24", "2026-01-05"), as_of=dt.date(2026, 3, 1)
)
(gap,) = [u for u in report.undetermined if u.rule_id == RULE]
print(gap.reason)
"""


def test_a_year_set_aside_is_never_said_not_covered_by_the_package() -> None:
    """A deadline undetermined because EGOVRULES_CALENDAR_UNTIL=2025 set 2026 aside says so,
    with the years the package was let decide: its reason said "the holiday calendar
    (chinese-calendar 1.11.0) does not cover it" of 2026, which that release does cover, so
    whoever reran the report on chinese-calendar 1.11.0 could not tell why it was undetermined."""
    reason = _probe(_GAP_PROBE, "2025")
    version = package_version()
    assert reason.startswith(
        "working days of 2026 are not known: the holiday calendar (chinese-calendar "
        f"{version} (2004-2025), its later years set aside by EGOVRULES_CALENDAR_UNTIL) "
        "does not cover it"
    ), reason


def test_a_gap_names_the_calendar_that_lacked_the_year() -> None:
    """A calendar held to 2025 (a pack case's calendar_until) that is asked about 2026 names
    itself, in both languages."""
    from egovrules.law.calendar import WorkCalendar

    held = WorkCalendar(until=2025)
    with pytest.raises(CalendarGap) as raised:
        held.is_workday(dt.date(2026, 1, 5))
    named = f"chinese-calendar {package_version()} (2004-2025), its later years set aside"
    assert f"the holiday calendar ({named}) does not cover it" in str(raised.value)
    assert f"节假日日历({named})不含该年度" in raised.value.zh
    explained = raised.value.explained("the act is in time or late", "认定不能")
    assert f"({named})" in str(explained) and f"({named})" in explained.zh


def test_a_pack_case_keeps_the_calendar_it_was_written_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pack's test case that turns on a year being unpublished names the last year the
    package may decide (calendar_until), and keeps its outcome when the year is published.
    自受理之日起七个工作日内予以批复 (Shantou 第十六条第二款): received 2025-12-24 and replied to
    on 2026-01-05, the seventh working day by the 2026 notice: in time; with 2026 set aside,
    the reply falls after the earliest possible seventh day, no latest known: undetermined."""
    from egovrules.authoring.testing import run_pack_tests
    from egovrules.packdata.model import TestCaseModel, TestsModel
    from tests.calendar_cases import RULE

    pack = egovrules.load_pack("shantou")
    reply = {
        "approval_application.received_date": "2025-12-24",
        "approval_application.decision_date": "2026-01-05",
        "approval_application.copied_to_finance_date": "2026-01-05",
    }

    def case(until: int | None, undetermined: list[str]) -> TestCaseModel:
        return TestCaseModel(
            name=f"until {until}",
            subject="project_ok",
            set=reply,
            as_of=dt.date(2026, 3, 1),
            calendar_until=until,
            violations=[],
            undetermined=undetermined,
        )

    cases = [case(None, []), case(2026, []), case(2025, [RULE]), case(2025, [])]
    tests = TestsModel(fixtures=pack.tests.fixtures, cases=cases)
    monkeypatch.setattr(type(pack), "tests", property(lambda self: tests))
    passed = [r.passed for r in run_pack_tests(pack)]
    assert passed == [True, True, True, False]
