"""The deadline timeline of a concept or a family (egovrules.diffing.timeline) and its SVG
(egovrules.diffing.render.svg): each step read from the packs' compiled conditions and traced
to its rule and article; the picture accessible, self-contained and in both languages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import egovrules
from egovrules.diffing.render.svg import step_words, timeline_svg
from egovrules.diffing.timeline import Step, Timeline, timeline, timeline_names
from egovrules.source.errors import UsageError

SVG = "{http://www.w3.org/2000/svg}"
CITIES = ("hohhot", "tianjin", "shantou", "wuhan")


@pytest.fixture(scope="module")
def packs() -> list[egovrules.Pack]:
    return [egovrules.load_pack(c) for c in CITIES]


def _step(t: Timeline, rule_id: str, after: str) -> Step:
    found = [s for s in t.steps if s.rule_id == rule_id and s.after.key == after]
    assert len(found) == 1, [(s.rule_id, s.after.key) for s in t.steps]
    return found[0]


def test_police_filing_is_15_calendar_days_from_network_access(
    packs: list[egovrules.Pack],
) -> None:
    t = timeline(packs, "website.police_filing")
    assert t is not None
    s = _step(t, "wuhan.website.police_filing_15_days", "police_filing.date")
    # Wuhan 第十五条 ¶2: "网络接入之日起15日内到市公安部门备案" — counted from network access.
    assert (s.kind, s.amount, s.unit, s.parameter) == (
        "within",
        15,
        "calendar_days",
        "police_filing_days",
    )
    assert s.before is not None and s.before.key == "network_access_date"
    assert s.citation is not None and s.citation.where == "第十五条 ¶2"
    assert s.pack.id == "wuhan"
    # Only Wuhan has the rule: the other cities have no step on the concept.
    assert {x.pack.id for x in t.steps} == {"wuhan"}


def test_shantou_approval_is_7_working_days_from_receipt(packs: list[egovrules.Pack]) -> None:
    t = timeline(packs, "project")
    assert t is not None
    s = _step(
        t, "shantou.project.approval_within_7_working_days", "approval_application.decision_date"
    )
    # Shantou 第十六条 ¶2: "自受理之日起七个工作日内予以批复" — working days, from receipt.
    assert (s.kind, s.amount, s.unit) == ("within", 7, "working_days")
    assert s.before is not None and s.before.key == "approval_application.received_date"
    assert s.citation is not None and s.citation.where == "第十六条 ¶2"


def test_annual_declaration_dates_of_two_cities(packs: list[egovrules.Pack]) -> None:
    t = timeline(packs, "project.annual_declaration_deadline")
    assert t is not None
    hohhot = _step(t, "hohhot.project.annual_declaration_deadline", "declaration.submitted_date")
    shantou = _step(t, "shantou.project.annual_declaration_deadline", "declaration.submitted_date")
    # Hohhot 第七条: "各部门每年9月30日前将符合项目条件的项目报送": the year before the plan year.
    assert (hohhot.kind, hohhot.month_day, hohhot.year_offset) == ("annual", (9, 30), -1)
    assert hohhot.year_of == "declaration.plan_year"
    assert shantou.month_day == (8, 31) and shantou.year_offset == -1
    assert step_words(hohhot, "en").startswith("by 09-30 of the year before the plan year")
    assert step_words(hohhot, "zh").startswith("计划年度前一年9月30日前")


def test_order_of_acts_acceptance_before_use(packs: list[egovrules.Pack]) -> None:
    t = timeline(packs, "project.acceptance_before_operation")
    assert t is not None
    s = _step(t, "wuhan.project.no_use_without_acceptance", "operation_start_date")
    # Wuhan 第八条: "未经验收或者验收不合格的,不得投入使用" — acceptance on or before use.
    assert s.kind == "order" and not s.strict
    assert s.before is not None and s.before.key == "acceptance.date"
    assert step_words(s, "en") == "not before: acceptance passed · 第八条 ¶1"
    assert {x.pack.id for x in t.steps} == {"shantou", "wuhan"}


def test_items_of_a_list_are_named_by_what_the_rule_asks_of_them(
    packs: list[egovrules.Pack],
) -> None:
    t = timeline(packs, "project.approval_before_construction")
    assert t is not None
    keys = {s.before.key for s in t.steps if s.before is not None}
    assert "approvals[approver=municipal_planning_department].date" in keys  # Wuhan 第四条
    assert "approvals[kind=project_establishment].date" in keys  # Shantou 第十五条


def test_family_acts_follow_every_step_and_the_project_life(packs: list[egovrules.Pack]) -> None:
    t = timeline(packs, "project")
    assert t is not None
    assert t.title_en == "E-government projects" and t.title_zh == "电子政务项目"
    place = {a: i for i, a in enumerate(t.acts)}
    for s in t.steps:
        if s.before is not None:
            assert place[s.before] < place[s.after], s.rule_id
    keys = [a.key for a in t.acts]
    # No rule orders construction and acceptance; the life of a project does.
    assert keys.index("construction_start_date") < keys.index("acceptance.date")
    assert keys.index("declaration.submitted_date") < keys.index("construction_start_date")
    # Tianjin 第九条 ¶2 (未经…批准，不得建设) times both; a network is built before it goes live.
    net = [a.key for a in (timeline(packs, "network") or t).acts]
    assert (
        net.index("approval.date")
        < net.index("construction_start_date")
        < net.index("go_live_date")
    )


def test_every_act_of_the_bundled_packs_is_named_in_both_languages(
    packs: list[egovrules.Pack],
) -> None:
    for name in timeline_names(packs):
        t = timeline(packs, name)
        assert t is not None, name
        for a in t.acts:
            assert re.search(r"[\u4e00-\u9fff]", a.zh), (a.key, a.zh)
            assert not re.search(r"[A-Za-z]", a.zh), (a.key, a.zh)  # nothing left in English
            assert a.stage < 99, a.key


def test_names_come_from_the_vocabulary_and_the_deadlines(packs: list[egovrules.Pack]) -> None:
    names = timeline_names(packs)
    assert {"project", "website", "website.police_filing", "network"} <= set(names)
    # A concept whose rules count no days and order no acts has no timeline (Hohhot 第四条:
    # special funds are an amount, not a date).
    assert "org.special_funds" not in names
    assert timeline(packs, "org.special_funds") is None
    assert timeline(packs, "org") is None


def test_an_unknown_name_is_a_usage_error_with_a_suggestion(packs: list[egovrules.Pack]) -> None:
    with pytest.raises(UsageError, match=r"website\.police_filing"):
        timeline(packs, "website.police_filling")


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_svg_is_accessible_and_self_contained(packs: list[egovrules.Pack], lang: str) -> None:
    t = timeline(packs, "project")
    assert t is not None
    svg = timeline_svg(t, "zh" if lang == "zh" else "en")
    root = _parse(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == (t.title_zh if lang == "zh" else t.title_en)
    # The description states every step: each city and the days in words.
    assert desc.text is not None
    for p in t.packs:
        city = (p.city_zh or p.city) if lang == "zh" else p.city
        assert city in desc.text
    assert ("7个工作日" if lang == "zh" else "7 working days") in desc.text
    # No script, no external font or image, no link anywhere.
    assert root.find(f".//{SVG}script") is None
    assert "<script" not in svg and "@font-face" not in svg and "@import" not in svg
    assert not re.search(r"href|https?://(?!www\.w3\.org/2000/svg)", svg)
    # Every label is real text.
    texts = "".join(root.itertext())
    assert ("开工建设" if lang == "zh" else "construction begins") in texts
    assert ("第十六条 ¶2") in texts


def test_svg_draws_the_periods_on_one_day_axis(packs: list[egovrules.Pack]) -> None:
    t = timeline(packs, "website")
    assert t is not None
    root = _parse(timeline_svg(t, "en"))
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    widths = sorted(float(b.get("width", "0")) for b in bars)
    # Wuhan 第十五条: 24 hours to report a case, 15 days to file with the police: one axis,
    # so the 15-day bar is 15 times the 1-day bar.
    assert len(widths) == 2
    assert widths[1] == pytest.approx(15 * widths[0], rel=0.01)
    texts = "".join(root.itertext())
    assert "within 15 calendar days of: network access · 第十五条 ¶2" in texts
    zh = "".join(_parse(timeline_svg(t, "zh")).itertext())
    assert "联网后15日内 · 第十五条 ¶2" in zh


def test_a_negated_comparison_orders_nothing() -> None:
    """``{not: {field: a, le: b}}`` says a is *not* on or before b: no step is drawn from it,
    while the comparison itself is an order of acts."""
    from egovrules.diffing.timeline import _cond_steps
    from egovrules.ir.nodes import Compare, Field, FieldType, Not

    def date(name: str) -> Field:
        return Field((name,), 0, FieldType("date", True, None, None, None), (True,))

    order = Compare("le", date("acceptance_date"), date("operation_start_date"))
    assert [(s[0], s[1].key if s[1] else None, s[2].key) for s in _cond_steps(order, ())] == [
        ("order", "acceptance_date", "operation_start_date")
    ]
    assert list(_cond_steps(Not(order), ())) == []
    later = Compare("gt", date("operation_start_date"), date("acceptance_date"))
    (step,) = _cond_steps(later, ())
    assert step[1] is not None and step[1].key == "acceptance_date" and step[-1] is True


def test_two_revisions_of_one_city_are_two_columns(packs: list[egovrules.Pack]) -> None:
    wuhan = packs[-1]
    t = timeline([wuhan, wuhan], "website.police_filing", labels=["wuhan@HEAD~1", "wuhan"])
    assert t is not None
    assert [len(t.steps_of(p)) for p in t.packs] == [1, 1]
    texts = "".join(_parse(timeline_svg(t, "en")).itertext())
    assert "Wuhan (wuhan@HEAD~1)" in texts and "Wuhan (wuhan)" in texts
    same = timeline([wuhan, wuhan], "website.police_filing")
    assert same is not None and [p.label for p in same.packs] == ["wuhan (1)", "wuhan (2)"]
