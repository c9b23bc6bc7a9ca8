"""A calendar that never guesses and never gives up too early (issue 18 point 9).

Shantou 第十六条第二款: 自受理之日起七个工作日内予以批复 — the reply is due on the seventh
working day after the receipt, the day of receipt not counted. chinese-calendar 1.11 covers
2004-2026, so the seventh working day after a receipt in late December 2026 falls in a year
whose holidays are not known. What is known decides the case when it can; a State Council
notice supplied for 2027 decides the rest; every Python, SQL and monitor verdict is the same.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

import egovrules
from egovrules.auditing import audit_outcomes
from egovrules.engine.findings import calendar_note
from egovrules.law.calendar import CHINA, covered_years
from egovrules.law.notice import load_calendar, load_notice
from egovrules.monitoring.monitor import Monitor
from tests.calendar_cases import RULE
from tests.calendar_cases import project as _project
from tests.conftest import FIXTURES

APPROVAL = RULE
COPY = "shantou.project.approval_copied_to_finance"
NOTICES = FIXTURES / "calendar"
NOTICE_2027 = NOTICES / "notice-2027.yaml"
AS_OF = dt.date(2027, 3, 1)
D = dt.date


def _verdict(report: egovrules.Report, rule: str = APPROVAL) -> str:
    if rule in {v.rule_id for v in report.violations}:
        return "late"
    if rule in {u.rule_id for u in report.undetermined}:
        return "undetermined"
    if rule in {u.rule_id for u in report.upcoming}:
        return "running"
    return "in time"


def test_the_installed_package_covers_2004_to_2026() -> None:
    """The cases below are written for chinese-calendar 1.11, whose last year is 2026."""
    assert covered_years() == (2004, 2026)


@pytest.mark.parametrize(
    ("decided", "expected"),
    [
        # 2026-12-31 is the last working day the package knows and the fifth after 12-24
        # (12-25, 28, 29, 30, 31): 七个工作日内 holds whatever 2027 brings.
        ("2026-12-31", "in time"),
        # 2027-01-05: five known working days and four days of 2027 (01-01 to 01-04) that may
        # be worked or off: the answer depends on the unpublished notice.
        ("2027-01-05", "undetermined"),
        # 2027-01-02: even if 01-01 and 01-02 were both worked it would be the seventh: in time.
        ("2027-01-02", "in time"),
        # 2027-01-03: were 01-01 to 01-03 all worked, 01-03 would be the eighth: not decided.
        ("2027-01-03", "undetermined"),
    ],
)
def test_a_reply_decided_from_the_working_days_known(decided: str, expected: str) -> None:
    """The receipt on 2026-12-24 puts the seventh working day in 2027; a reply that is in time
    whatever 2027's holidays are is in time, one that depends on them is undetermined."""
    report = egovrules.load_pack("shantou").check(_project("2026-12-24", decided), AS_OF)
    assert _verdict(report) == expected
    if expected == "in time":
        assert any("decided in time from the working days known" in n for n in report.notes)


def test_explain_shows_the_bounds_that_decided() -> None:
    """explain says the last day is not known and shows the earliest possible one (2027-01-02,
    were 01-01 and 01-02 worked) that the reply of 2026-12-31 is on or before."""
    from egovrules.ir.explain import explain_rule

    pack = egovrules.load_pack("shantou")
    rule = next(r for r in pack.rules if r.id == APPROVAL)
    subject = egovrules.parse_subject(_project("2026-12-24", "2026-12-31"))
    values = explain_rule(rule, subject, AS_OF)["requires"]["values"]
    assert values["earliest possible last day"] == "2027-01-02"
    assert values["latest possible last day"] is None
    assert values["last day in time"].startswith("not known")


def test_a_reply_certainly_late_is_late_whatever_the_unknown_year() -> None:
    """Received 2026-12-18, the seventh working day is 2026-12-29 (12-21 to 25, 28, 29): a
    reply on 2027-01-04 is late (七个工作日内 not met), 2027 unknown or not."""
    report = egovrules.load_pack("shantou").check(_project("2026-12-18", "2027-01-04"), AS_OF)
    assert _verdict(report) == "late"


@pytest.mark.parametrize(
    ("received", "as_of", "expected"),
    [
        # 第十六条第二款 自受理之日起七个工作日内予以批复: received 2026-12-24, five working days
        # are known (12-25, 28, 29, 30, 31); the seventh is 2027-01-02 at the earliest (were
        # 01-01 and 01-02 worked), and no latest is known while 2027 is unpublished.
        ("2026-12-24", "2027-01-01", "running"),  # the day before the earliest: not late
        ("2026-12-24", "2027-01-02", "running"),  # on it: the seventh day cannot have passed
        ("2026-12-24", "2027-01-03", "undetermined"),  # after: late only if 01-01..02 worked
        # Received 2003-12-24, a year chinese-calendar does not cover: the seventh working
        # day is 2003-12-31 at the earliest (every day of 2003 worked) and 2004-01-12 at the
        # latest (none worked: 2004-01-02, 05 to 09, 12 on the known calendar).
        ("2003-12-24", "2003-12-30", "running"),  # the day before the earliest
        ("2003-12-24", "2003-12-31", "running"),  # on the earliest
        ("2003-12-24", "2004-01-01", "undetermined"),  # the day after it
        ("2003-12-24", "2004-01-11", "undetermined"),  # the day before the latest
        ("2003-12-24", "2004-01-12", "undetermined"),  # on the latest: may be the 7th day
        ("2003-12-24", "2004-01-13", "late"),  # the day after: past 七个工作日 in any case
    ],
)
def test_a_deadline_not_met_is_decided_from_its_possible_last_days(
    received: str, as_of: str, expected: str
) -> None:
    """No reply yet: on or before the earliest possible last day the deadline still runs
    (pending, listed upcoming without a last day), after the latest it is late, in between it
    depends on the unknown holidays and stays undetermined, with both bounds in the reason."""
    report = egovrules.load_pack("shantou").check(
        _project(received, None), dt.date.fromisoformat(as_of)
    )
    assert _verdict(report) == expected
    if expected == "running":
        (up,) = (u for u in report.upcoming if u.rule_id == APPROVAL)
        assert (up.due, up.days_left) == (None, None)
        bounds = {
            "2026-12-24": (D(2027, 1, 2), None),
            "2003-12-24": (D(2003, 12, 31), D(2004, 1, 12)),
        }
        assert (up.earliest_due, up.latest_due) == bounds[received]
        assert "running, last day not known (at the earliest" in up.status()
        assert "not known yet" in up.message  # {@due}: never a guessed day
        assert any("decided still running, not late" in n for n in report.notes)
    if expected == "undetermined":
        reason = next(u.reason for u in report.undetermined if u.rule_id == APPROVAL)
        unknown_year = "2003" if received < "2004" else "2027"
        assert reason.startswith(f"working days of {unknown_year} are not known")
        latest = "at the latest 2004-01-12" if received < "2004" else "no latest known"
        first = "2003-12-31" if received < "2004" else "2027-01-02"
        assert reason.endswith(
            f"no act by {as_of}: late or still running depending on them; the last day is at "
            f"the earliest {first}, {latest}"
        )


def test_the_running_deadline_is_listed_in_every_output(tmp_path: Path) -> None:
    """``check`` in text and JSON: the reply received 2026-12-24 is upcoming on 2027-01-01
    (自受理之日起七个工作日内, at most six days gone), with no last day and its earliest
    possible one, and the run exits 0 (no violation)."""
    subject = tmp_path / "reply.json"
    subject.write_text(json.dumps({**_project("2026-12-24", None), "city": "shantou"}, default=str))
    common = ["check", "--as-of", "2027-01-01", str(subject)]
    text = _run(*common)
    assert text.returncode == 0, text.stderr
    assert (
        f"UPCOMING {APPROVAL}: running, last day not known (at the earliest 2027-01-02, at the "
        "latest not known)"
    ) in text.stdout
    zh = _run(*common, "--lang", "zh")
    assert "截止日未知(节假日安排尚未公布;最早 2027-01-02,最晚 未知)" in zh.stdout
    doc = json.loads(_run(*common, "--format", "json").stdout)
    (up,) = (u for u in doc["reports"][0]["upcoming"] if u["rule_id"] == APPROVAL)
    assert (up["due"], up["days_left"], up["earliest_due"], up["latest_due"]) == (
        None,
        None,
        "2027-01-02",
        None,
    )


@pytest.mark.parametrize(
    ("decided", "expected"),
    [
        # With the notice (fixture: 01-01 to 01-03 off): 12-25, 28, 29, 30, 31, 01-04, 01-05:
        # 2027-01-05 is the seventh working day, in time; 01-06 is late.
        ("2027-01-05", "in time"),
        ("2027-01-06", "late"),
    ],
)
def test_a_supplied_notice_decides_the_case(decided: str, expected: str) -> None:
    """The notice for 2027 passed to the check (a value, not a setting) decides what the
    package alone cannot, and the report cites it."""
    calendar = load_calendar([NOTICE_2027])
    pack = egovrules.load_pack("shantou")
    subject = _project("2026-12-24", decided)
    assert _verdict(pack.check(subject, AS_OF)) == "undetermined"  # the pack's own calendar
    report = pack.check(subject, AS_OF, calendar=calendar)
    assert _verdict(report) == expected
    cited = [n for n in report.notes if n.startswith(APPROVAL)]
    assert cited == [
        f"{APPROVAL}: last day 2027-01-05 counted on the State Council's notice 2027: "
        "国务院办公厅关于2027年部分节假日安排的通知 (test fixture) (2026-11-12, "
        f"https://www.gov.cn/zhengce/content/example-2027.htm), supplied in {NOTICE_2027}"
    ]
    assert pack.calendar == CHINA  # checking with a calendar changed nothing in the pack


@pytest.mark.parametrize(
    ("decided", "expected"), [("2027-01-04", "in time"), ("2027-01-05", "late")]
)
def test_a_verdict_counted_with_the_weekday_fallback_says_so(decided: str, expected: str) -> None:
    """七个工作日内 with ``--weekday-fallback`` (docs/cli.md): 2027's days counted Monday to
    Friday, the seventh working day after 2026-12-24 is 2027-01-04 (12-25, 28, 29, 30, 31,
    01-01, 01-04). The report said nothing of it: a verdict the unpublished notice may overturn
    (were 1-3 January off, the last day would be 01-05) read as the official calendar's, and
    could not be reproduced without knowing the option was given."""
    pack = egovrules.load_pack("shantou", weekday_fallback=True)
    subject = egovrules.parse_subject(_project("2026-12-24", decided))
    report = pack.check(subject, AS_OF)
    assert _verdict(report) == expected
    calendar = CHINA.describe()
    en = (
        f"{APPROVAL}: last day 2027-01-04 counted with the days of 2027 taken as working days "
        f"Monday to Friday (--weekday-fallback): the holiday calendar ({calendar}) does not "
        "cover that year and no State Council notice for it was supplied, so its holidays and "
        "make-up workdays may change the verdict"
    )
    zh = (
        f"{APPROVAL}:最后一日2027-01-04,2027年的工作日按星期一至星期五推算(--weekday-fallback):"
        f"节假日日历({calendar})不含该年度,也未提供该年度的国务院通知,"
        "该年度的节假日和调休安排可能改变这一认定"
    )
    assert [n for n in report.notes_in("en") if n.startswith(APPROVAL)] == [en]
    assert [n for n in report.notes_in("zh") if n.startswith(APPROVAL)] == [zh]
    rule = next(r for r in pack.rules if r.id == APPROVAL)  # the interpreter's note (monitor)
    interpreted = calendar_note(rule, subject, AS_OF)
    assert interpreted is not None and dict(interpreted.texts) == {"en": en, "zh": zh}
    # Counted on known days alone, the fallback decides nothing: no note.
    known = pack.check(egovrules.parse_subject(_project("2025-12-24", "2026-01-05")), AS_OF)
    assert not [n for n in known.notes if n.startswith(APPROVAL)]


def test_sql_and_the_monitor_agree_with_python_across_the_unknown_year() -> None:
    """The audit (DuckDB) and the event monitor reach the Python verdicts on either side of
    each boundary, with the package alone and with the supplied notice."""
    subjects = [
        _project(received, decided, f"{received}/{decided}")
        for received, decided in [
            ("2026-12-24", "2026-12-31"),
            ("2026-12-24", "2027-01-02"),
            ("2026-12-24", "2027-01-03"),
            ("2026-12-24", "2027-01-05"),
            ("2026-12-24", "2027-01-06"),
            ("2026-12-18", "2027-01-04"),
            ("2026-12-24", None),
        ]
    ]
    for calendar in (CHINA, load_calendar([NOTICE_2027])):
        pack = egovrules.load_pack("shantou", calendar=calendar)
        for as_of in (D(2027, 1, 1), D(2027, 1, 6), AS_OF):
            rows = audit_outcomes(pack, subjects, as_of=as_of).to_pylist()
            rules = [r.id for r in pack.rules if r.subject == "project"]
            for row in rows:
                subject = next(s for s in subjects if s["id"] == row["subject_id"])
                report = pack.check(subject, as_of)
                python = dict(zip(report.rule_ids, report.codes, strict=True))
                assert {r: row[r] for r in rules} == python, (row["subject_id"], as_of)
            with Monitor(pack) as monitor:
                alerts = [
                    *monitor.feed_all(
                        {
                            "subject_id": s["id"],
                            "subject_kind": "project",
                            "type": "registered",
                            "at": "2027-01-01",
                            "payload": {"attributes": s},
                        }
                        for s in subjects
                    ),
                    *monitor.advance_to(as_of),
                ]
            late = {
                s["id"]
                for s in subjects
                if APPROVAL in {v.rule_id for v in pack.check(s, as_of).violations}
            }
            assert {a.subject_id for a in alerts if a.rule_id == APPROVAL} == late, as_of


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egovrules", *args], capture_output=True, text=True, check=False
    )


def test_the_cli_takes_the_notice_and_cites_it(tmp_path: Path) -> None:
    """``check --holidays FILE``: the same reply is undetermined without the notice, late with
    it (2027-01-06, the eighth working day), and the JSON report says which notice decided."""
    subject = tmp_path / "reply.json"
    subject.write_text(
        json.dumps({**_project("2026-12-24", "2027-01-06"), "city": "shantou"}, default=str)
    )
    common = ["check", "--as-of", "2027-03-01", "--format", "json", str(subject)]
    without = _run(*common)
    assert without.returncode == 0, without.stderr
    late = _run(*common[:-1], "--holidays", str(NOTICE_2027), str(subject))
    assert late.returncode == 1, late.stderr
    report = json.loads(late.stdout)
    text = json.dumps(report, ensure_ascii=False)
    assert APPROVAL in text and "国务院办公厅关于2027年部分节假日安排的通知" in text


def test_the_audit_takes_the_notice(tmp_path: Path) -> None:
    """``audit --holidays FILE``: replies on 2027-01-05 and 01-06 to a receipt of 2026-12-24
    are both undetermined in SQL without the notice; with it, 01-05 (the seventh working day)
    is in time and 01-06 late, as in Python."""
    table = tmp_path / "replies.jsonl"
    table.write_text(
        "".join(
            json.dumps(_project("2026-12-24", d, d), default=str) + "\n"
            for d in ("2027-01-05", "2027-01-06")
        )
    )
    common = ["audit", "--city", "shantou", "--as-of", "2027-03-01", "--quiet"]
    without = _run(*common, str(table))
    assert without.returncode == 0, without.stderr
    # two undetermined, one per reply: the copy to finance is part of the reply (第十六条 ¶2,
    # "抄送"), not a second working-day deadline of its own
    assert "0 violation(s) in 0 subject(s); 0 waived, 0 pending, 2 undetermined" in without.stdout
    out = tmp_path / "violations.jsonl"
    late = _run(*common, "--holidays", str(NOTICE_2027), "--out", str(out), str(table))
    assert late.returncode == 1, late.stderr
    assert "1 violation(s) in 1 subject(s); 0 waived, 0 pending, 0 undetermined" in late.stdout


def test_a_malformed_notice_is_refused_with_positions_and_exit_2() -> None:
    """A range that runs backwards, a day outside the notice's year, a weekday given as a
    make-up workday, a day both off and worked: each at its line and column, exit 2, no
    traceback; and a notice of the wrong shape the same way."""
    bad = NOTICES / "notice-2027-malformed.yaml"
    result = _run("check", "--city", "shantou", "--holidays", str(bad), "examples/shantou")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    for where, code in [("7:38", "E802"), ("8:38", "E801"), ("9:12", "E804"), ("9:24", "E803")]:
        assert f"{bad}:{where}: error[{code}]" in result.stderr, (where, code)
    shape = NOTICES / "notice-2027-shape.yaml"
    with pytest.raises(egovrules.CalendarError) as info:
        load_notice(shape)
    assert [(d.span.line, d.code) for d in info.value.diagnostics if d.span] == [
        (3, "E800"),
        (7, "E800"),
        (7, "E800"),
    ]


def test_a_notice_for_a_covered_year_that_disagrees_is_refused() -> None:
    """A 2025 notice that gives 10-09 off contradicts chinese-calendar, which covers 2025 and
    has that Thursday as a working day: refused at the entry (E805). The same notice with
    National Day ending on 10-08, as the State Council published it, agrees and is taken."""
    bad = NOTICES / "notice-2025-disagrees.yaml"
    with pytest.raises(egovrules.CalendarError) as info:
        load_notice(bad)
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.code == "E805" and diagnostic.span is not None
    assert (diagnostic.span.line, diagnostic.span.col) == (15, 5)
    assert "2025-10-09 a day off" in diagnostic.message


def test_a_notice_that_leaves_a_year_unknown_is_refused(tmp_path: Path) -> None:
    """A notice for 2028 with none for 2027 would leave 2027 a hole in the calendar: E806."""
    path = tmp_path / "notice-2028.yaml"
    path.write_text(
        "notice: {title: 国务院办公厅关于2028年部分节假日安排的通知, url: https://www.gov.cn/x,"
        " published: 2027-11-10}\nyear: 2028\nholidays: [{name: 元旦, from: 2028-01-01}]\n",
        encoding="utf-8",
    )
    with pytest.raises(egovrules.CalendarError, match="leaves 2027 unknown"):
        load_calendar([path])
    assert load_calendar([NOTICE_2027, path]).years == (2004, 2028)
