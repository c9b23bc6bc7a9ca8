"""A report names the holiday calendar that counted its working days (``pack.calendar``).

A verdict on a working-day deadline (Shantou 第十六条第二款: 自受理之日起七个工作日内予以批复) is
decided by the installed ``chinese-calendar`` release and the State Council notices supplied
with ``--holidays``: the report carries that description beside the pack's id, version and
sha256, so that a verdict made today can be told apart from one made after a release that adds
a year. A pack none of whose rules counts working days (Wuhan, Hohhot) names none (``null``):
its reports do not change when chinese-calendar is released.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import chinese_calendar
import pytest
import yaml

import egovrules
from egovrules.engine.run import RunOptions, run_check
from egovrules.report.render import render
from tests.calendar_cases import project
from tests.conftest import FIXTURES, ROOT

NOTICE_2027 = FIXTURES / "calendar" / "notice-2027.yaml"
AS_OF = dt.date(2027, 3, 1)


def _package_calendar() -> str:
    """The calendar the suite runs on, written from the installed distribution's metadata
    (``chinesecalendar`` on PyPI): its years up to 2026 (conftest sets
    EGOVRULES_CALENDAR_UNTIL=2026), the later ones of a newer release set aside by it."""
    last = max(day.year for day in chinese_calendar.holidays)
    aside = ", its later years set aside by EGOVRULES_CALENDAR_UNTIL" if last > 2026 else ""
    return f"chinese-calendar {version('chinesecalendar')} (2004-2026){aside}"


def test_a_shantou_report_names_the_installed_calendar() -> None:
    """The seventh working day after a receipt is counted on chinese-calendar: the report
    names its release and the years it was let decide."""
    report = egovrules.load_pack("shantou").check(project("2026-12-10", "2026-12-18"), AS_OF)
    assert report.calendar == _package_calendar()
    pack = report.to_dict()["pack"]
    assert list(pack) == ["id", "version", "sha256", "city", "calendar"]
    assert pack["calendar"] == _package_calendar()


def test_every_report_of_a_pack_that_counts_working_days_names_it() -> None:
    """Every Shantou report, whatever its kind of subject (a website's too), names the
    calendar: the pack block describes what judged, for the pack as a whole."""
    examples = str(ROOT / "examples" / "shantou")
    result = run_check([examples], RunOptions(as_of=dt.date(2026, 3, 22)))
    assert {c.report.subject_kind for c in result.checked} == {
        "project",
        "website",
        "network",
        "department",
    }
    assert {c.report.calendar for c in result.checked} == {_package_calendar()}


@pytest.mark.parametrize("city", ["wuhan", "hohhot", "tianjin"])
def test_a_pack_without_working_days_names_no_calendar(city: str) -> None:
    """None of the rules of Wuhan, Hohhot or Tianjin counts working days (Tianjin's deadlines
    are in calendar days and months): ``calendar`` is null, and their reports stay the same
    bytes when chinese-calendar is released."""
    result = run_check([str(ROOT / "examples" / city)], RunOptions(as_of=dt.date(2026, 3, 22)))
    assert result.checked
    for checked in result.checked:
        assert checked.report.calendar is None
        assert checked.to_dict()["pack"]["calendar"] is None


def test_a_supplied_notice_is_named_in_the_calendar(tmp_path: Path) -> None:
    """``check --holidays FILE``: the report's calendar names the supplied notice (its year,
    title, date of publication and address), beside the package's years."""
    notice = yaml.safe_load(NOTICE_2027.read_text(encoding="utf-8"))["notice"]
    subject = tmp_path / "reply.json"
    subject.write_text(
        json.dumps({**project("2026-12-24", "2027-01-06"), "city": "shantou"}, default=str)
    )
    args = ["check", "--as-of", "2027-03-01", "--format", "json", "--holidays", str(NOTICE_2027)]
    run = subprocess.run(
        [sys.executable, "-m", "egovrules", *args, str(subject)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    (report,) = json.loads(run.stdout)["reports"]
    published = notice["published"].isoformat()
    assert report["pack"]["calendar"] == (
        f"{_package_calendar()}; 2027: {notice['title']} ({published}, {notice['url']})"
    )


def test_the_calendar_is_a_field_of_the_report() -> None:
    """Built by hand, a report names none unless given one; a copy, a changed copy and a
    pickled report keep it, and two reports that differ only in it are not equal."""
    report = egovrules.load_pack("shantou").check(project("2026-12-10", "2026-12-18"), AS_OF)
    values = report.values()
    assert values["calendar"] == _package_calendar()
    assert egovrules.Report(**{k: v for k, v in values.items() if k != "calendar"}).calendar is None
    assert report.replace(notes=()).calendar == _package_calendar()
    assert pickle.loads(pickle.dumps(report)) == report
    assert report.replace(calendar="another") != report


def test_sarif_names_each_pack_calendar_in_the_run() -> None:
    """SARIF's run carries, in its property bag, the calendar of each pack used (null for a
    pack without working days)."""
    inputs = [str(ROOT / "examples" / "shantou"), str(ROOT / "examples" / "wuhan")]
    result = run_check(inputs, RunOptions(as_of=dt.date(2026, 3, 22)))
    rules = {r.id: r for pack in result.packs.values() for r in pack.rules}
    (run,) = json.loads(render("sarif", result.checked, rules, "en"))["runs"]
    assert run["properties"] == {"calendars": {"shantou": _package_calendar(), "wuhan": None}}


def test_junit_and_markdown_name_what_judged() -> None:
    """JUnit (each subject's ``<properties>``) and the Markdown summary name the pack, its
    version and content hash and, for a pack that counts working days, the holiday calendar,
    as the JSON report does: a CI run's record says what its verdicts were made on."""
    from xml.etree import ElementTree as ET

    inputs = [str(ROOT / "examples" / "shantou"), str(ROOT / "examples" / "wuhan")]
    result = run_check(inputs, RunOptions(as_of=dt.date(2026, 3, 22)))
    rules = {r.id: r for pack in result.packs.values() for r in pack.rules}
    shantou, wuhan = (result.packs[p].ruleset for p in ("shantou", "wuhan"))
    suites = ET.fromstring(render("junit", result.checked, rules, "en")).findall("testsuite")
    assert len(suites) == len(result.checked)
    for suite, item in zip(suites, result.checked, strict=True):
        props = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
        assert suite[0].tag == "properties"  # the JUnit schema puts it first
        pack = shantou if item.report.pack_id == "shantou" else wuhan
        expected = {
            "egovrules.pack": pack.pack_id,
            "egovrules.pack.version": pack.version,
            "egovrules.pack.sha256": pack.content_hash,
            "egovrules.as_of": "2026-03-22",
        }
        if pack is shantou:
            expected["egovrules.pack.calendar"] = _package_calendar()
        assert props == expected
    markdown = render("markdown", result.checked, rules, "en")
    assert (
        f"Judged on: `shantou` {shantou.version} (sha256 `{shantou.content_hash[:12]}`, "
        f"holiday calendar: {_package_calendar()}); "
        f"`wuhan` {wuhan.version} (sha256 `{wuhan.content_hash[:12]}`)\n"
    ) in markdown


@pytest.mark.parametrize("city", ["shantou", "wuhan"])
def test_an_audit_row_names_the_pack_hash_and_calendar(city: str) -> None:
    """A violation row of the SQL audit names the pack's content hash and the holiday
    calendar, as the report of the same subject does: a violations file can be traced to the
    law and the calendar that made it, once it has left the run."""
    pack = egovrules.load_pack(city)
    subjects = [
        egovrules.parse_subject(yaml.safe_load(p.read_text(encoding="utf-8")))
        for p in sorted((ROOT / "examples" / city).glob("*.yaml"))
    ]
    projects = [s for s in subjects if s.kind == "project"]
    rows = egovrules.audit(pack, projects, as_of=AS_OF).to_pylist()
    assert rows
    expected = pack.check(projects[0], AS_OF).calendar
    assert expected == (_package_calendar() if city == "shantou" else None)
    assert {(r["pack_sha256"], r["calendar"]) for r in rows} == {
        (pack.ruleset.content_hash, expected)
    }
