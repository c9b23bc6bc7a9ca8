"""A report read in Chinese is Chinese (issue 22 point 7, issue 18 point 10): its notes are
written in both languages, and a Chinese message or reason names a field's ids (a kind of
request, an acceptance's result, a kind of body, an authority) in the words of
rules/vocabulary/fields.yaml, never by the id."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import egovrules
from egovrules.authoring.testing import run_pack_tests
from egovrules.cli import main
from egovrules.engine.inputs import read_subjects
from egovrules.law.notice import load_calendar
from egovrules.packdata.phrases import load_phrases
from tests.conftest import FIXTURES, ROOT

PACKS = egovrules.available_packs()
AS_OF = dt.date(2026, 3, 22)
# A Wuhan request for a separate Internet egress that records no unit_type: 第十九条 and
# 第二十条 bind 政府各部门, and the report presumes the unit is one of them.
EGRESS = ROOT / "examples" / "wuhan" / "network-egress-no-filing.yaml"
ACCEPTANCE = ROOT / "examples" / "wuhan" / "project-operated-before-acceptance.yaml"
LATIN = re.compile(r"[A-Za-z]")


def _subject(path: Path) -> egovrules.SubjectBase:
    (loaded,), errors = read_subjects(str(path))
    assert errors == []
    return loaded.subject


def _ids() -> frozenset[str]:
    """Every id the vocabulary has words for: each field's values and the shared ones."""
    phrases = load_phrases()
    own = {v for words in phrases.fields.values() for v in words.values}
    return frozenset(own | set(phrases.values))


def _raw_ids(text: str) -> list[str]:
    """The vocabulary's ids that ``text`` shows as they are (a whole ASCII word)."""
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_]*", text) if w in _ids()]


def _zh_texts(report: egovrules.Report) -> list[str]:
    """What a Chinese reader of ``report`` reads: each message and reason, and the notes."""
    found = [*report.violations, *report.upcoming, *(v for v, _ in report.waived)]
    return (
        [f.message_in("zh") for f in found]
        + [n.reason_in("zh") for n in report.not_applicable]
        + list(report.notes_in("zh"))
    )


def _without_rule_ids(text: str, pack: egovrules.Pack) -> str:
    for rule in pack.rules:
        text = text.replace(rule.id, "")
    return text


@pytest.mark.parametrize("name", PACKS)
def test_zh_messages_name_no_raw_id(name: str) -> None:
    """Every Chinese message, reason and note of the pack's own test cases and of the city's
    examples shows the vocabulary's words where the subject holds an id (before: 验收结果passed,
    另外开通因特网出口(separate_internet_egress,出口own), owner_type为health)."""
    pack = egovrules.load_pack(name)
    reports = [r.report for r in run_pack_tests(pack)]
    examples = sorted((ROOT / "examples" / name).glob("*.yaml"))
    reports += [pack.check(_subject(path), AS_OF) for path in examples]
    texts = [t for r in reports for t in _zh_texts(r)]
    assert len(texts) > 20  # every rule is violated by some case: many messages were read
    shown = {t: _raw_ids(_without_rule_ids(t, pack)) for t in texts}
    assert {t: ids for t, ids in shown.items() if ids} == {}


def test_an_id_is_shown_in_its_words_in_zh_and_as_it_is_in_en() -> None:
    """The field's own words first (network.request_type, network.egress_point,
    project.acceptance.result); an English message keeps the id."""
    pack = egovrules.load_pack("wuhan")
    (egress,) = pack.check(_subject(EGRESS), AS_OF).violations
    assert egress.message_in("zh").startswith("另外开通因特网出口(另行开通互联网出口,出口自建出口)")
    assert egress.message_in("en").startswith("separate Internet egress (separate_internet_egress")
    (late,) = pack.check(_subject(ACCEPTANCE), AS_OF).violations
    assert "验收结果合格," in late.message_in("zh")
    assert "passed" in late.message_in("en")


def test_failing_items_are_named_in_words_in_zh() -> None:
    """``{@failing}`` names each item's fields and ids in words in Chinese (a Hohhot balance
    paid before acceptance), and by path and id in English."""
    pack = egovrules.load_pack("hohhot")
    path = ROOT / "examples" / "hohhot" / "project-balance-before-acceptance.yaml"
    (v,) = pack.check(_subject(path), AS_OF).violations
    assert "第2项 (类别为尾款, 拨付日期为2025-12-10)" in v.message_in("zh")
    assert "#2 (kind balance, date 2025-12-10)" in v.message_in("en")


def test_the_presumption_note_is_written_in_both_languages() -> None:
    """``notes`` stays English (the public contract); ``notes_in("zh")`` is all Chinese."""
    pack = egovrules.load_pack("wuhan")
    report = pack.check(_subject(EGRESS), AS_OF)
    (en,) = report.notes
    assert en.startswith("unit_type not given: 3 rule(s) of Wuhan 第十九条 (art. 19), para. 1")
    assert report.notes_in("en") == report.notes
    (zh,) = report.notes_in("zh")
    assert zh.startswith("未载明申请单位的类别:武汉")
    assert "其3条规则按该对象属于其中之一的推定适用" in zh
    assert not LATIN.search(zh)


def test_the_not_in_force_note_is_written_in_both_languages() -> None:
    """Judged on a day before the Measures take effect, the note says how many rules were
    skipped, in each language."""
    pack = egovrules.load_pack("wuhan")
    report = pack.check(_subject(EGRESS), dt.date(2000, 1, 1))
    skipped = report.codes.count(egovrules.Outcome.NOT_IN_FORCE)
    assert skipped
    assert report.notes[0].startswith(f"{skipped} rule(s) not applied: the Wuhan measures")
    zh = report.notes_in("zh")[0]
    assert zh.startswith(f"{skipped}条规则未适用:武汉")
    assert not LATIN.search(zh)


def _shantou_project(received: str, decided: str) -> dict[str, object]:
    project = dict(egovrules.load_pack("shantou").tests.fixtures["project_ok"])
    application = {**project["approval_application"], "received_date": received}  # type: ignore[dict-item]
    application["decision_date"] = decided
    application["copied_to_finance_date"] = decided
    return {**project, "approval_application": application}


def test_the_calendar_notes_are_written_in_both_languages() -> None:
    """A deadline decided from the working days known, and one counted on a supplied notice:
    the Chinese note says so in Chinese (the calendar and the notice are cited as they are)."""
    pack = egovrules.load_pack("shantou")
    rule = "shantou.project.approval_within_7_working_days"
    known = pack.check(_shantou_project("2026-12-24", "2026-12-31"), dt.date(2027, 3, 1))
    (zh,) = [n for n in known.notes_in("zh") if n.startswith(rule)]
    assert zh.startswith(f"{rule}:依已知的工作日(chinese-calendar ")
    assert "认定未逾期;" in zh and "decided" not in zh
    calendar = load_calendar([FIXTURES / "calendar" / "notice-2027.yaml"])
    counted = pack.check(
        _shantou_project("2026-12-24", "2027-01-05"), dt.date(2027, 3, 1), calendar=calendar
    )
    (zh,) = [n for n in counted.notes_in("zh") if n.startswith(rule)]
    assert zh.startswith(f"{rule}:最后一日2027-01-05,依国务院办公厅的通知计算:2027年:")
    assert "counted" not in zh and "supplied" not in zh


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_show_the_notes_in_the_chosen_language(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--lang zh`` prints the note in Chinese; ``--lang en`` in English."""
    args = ["check", "--city", "wuhan", "--as-of", "2026-03-22", "--format", fmt, str(EGRESS)]
    assert main([*args, "--lang", "zh"]) == 1
    out = capsys.readouterr().out
    assert "未载明申请单位的类别" in out and "not given" not in out
    assert main([*args, "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "unit_type not given" in out and "未载明" not in out


def test_json_notes_follow_the_language_and_note_texts_give_both(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``notes`` is in the chosen language, as ``message`` is; ``note_texts`` gives each note
    in every language, as ``messages`` does; ``Report.to_dict`` says the same."""
    args = ["check", "--city", "wuhan", "--as-of", "2026-03-22", "--format", "json", str(EGRESS)]
    assert main([*args, "--lang", "zh"]) == 1
    (zh,) = json.loads(capsys.readouterr().out)["reports"]
    assert main([*args, "--lang", "en"]) == 1
    (en,) = json.loads(capsys.readouterr().out)["reports"]
    assert zh["notes"][0].startswith("未载明申请单位的类别")
    assert en["notes"][0].startswith("unit_type not given")
    both = [{"en": en["notes"][0], "zh": zh["notes"][0]}]
    assert zh["note_texts"] == en["note_texts"] == both
    report = egovrules.load_pack("wuhan").check(_subject(EGRESS), AS_OF)
    assert report.to_dict("zh")["notes"] == zh["notes"]
    assert report.to_dict()["note_texts"] == both


@pytest.mark.parametrize(
    ("fmt", "zh", "en"),
    [
        ("text", "网络申请 wuhan-net-2026-002 (", "network wuhan-net-2026-002 ("),
        ("markdown", " | 网络申请 | 武汉 | ", " | network | Wuhan | "),
    ],
)
def test_the_kind_of_subject_is_named_in_the_chosen_language(
    fmt: str, zh: str, en: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The heading of a subject (text) and the summary table (Markdown) name its kind in
    Chinese with ``--lang zh`` (the words of rules/vocabulary/fields.yaml ``subjects``)."""
    args = ["check", "--city", "wuhan", "--as-of", "2026-03-22", "--format", fmt, str(EGRESS)]
    assert main([*args, "--lang", "zh"]) == 1
    assert zh in capsys.readouterr().out
    assert main([*args, "--lang", "en"]) == 1
    assert en in capsys.readouterr().out


def test_a_chinese_report_reads_no_vocabulary_when_the_pack_is_cached() -> None:
    """The words are fixed when the pack compiles and kept in the pack cache: a Chinese check
    whose messages, reasons and notes name ids does not import the field words' models
    (which cost a tenth of a second to load)."""
    run = (
        "import sys\nfrom egovrules.cli import main\n"
        "main(['check', '--city', 'wuhan', '--as-of', '2026-03-22', '--lang', 'zh',"
        f" '--format', 'json', {str(EGRESS)!r}, {str(ACCEPTANCE)!r}])\n"
        "print('\\n'.join(sys.modules))"
    )
    subprocess.run([sys.executable, "-c", run], capture_output=True, check=False, cwd=ROOT)
    out = subprocess.run(
        [sys.executable, "-c", run], capture_output=True, text=True, check=False, cwd=ROOT
    ).stdout
    assert "另行开通互联网出口" in out and "未载明申请单位的类别" in out  # the words were shown
    assert "egovrules.packdata.phrases" not in out.split()


def test_an_undetermined_reason_is_written_in_both_languages() -> None:
    """A reply whose timeliness depends on 2027's unpublished holidays (Shantou 第十六条第二款:
    自受理之日起七个工作日内予以批复) is undetermined: the reason in Chinese says so in Chinese;
    ``reason`` stays English; JSON's ``reason`` follows the language and ``reasons`` has both."""
    pack = egovrules.load_pack("shantou")
    rule = "shantou.project.approval_within_7_working_days"
    report = pack.check(_shantou_project("2026-12-24", "2027-01-05"), dt.date(2027, 3, 1))
    (u,) = [u for u in report.undetermined if u.rule_id == rule]
    assert u.reason.startswith("working days of 2027 are not known")
    zh = u.reason_in("zh")
    assert zh.startswith("2027年的工作日未知:节假日日历(chinese-calendar ")
    assert u.reason.endswith("the last day is at the earliest 2027-01-02, no latest known")
    assert zh.endswith(
        "2027-01-05的行为是否逾期取决于该年度的安排;期限的最后一日最早为2027-01-02,最迟日未知"
    )
    # the only Latin letters left name the calendar package and the option that supplies one
    assert not LATIN.search(zh.replace("chinese-calendar", "").replace("--holidays FILE", ""))
    (entry,) = [e for e in report.to_dict("zh")["undetermined"] if e["rule_id"] == rule]
    assert entry["reason"] == zh and entry["reasons"] == {"en": u.reason, "zh": zh}
    (entry,) = [e for e in report.to_dict()["undetermined"] if e["rule_id"] == rule]
    assert entry["reason"] == u.reason
