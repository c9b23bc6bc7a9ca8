"""The Wuhan pack against the law: its own examples, coverage of every article, quotes tied
back to the source file, and scenarios written from the text of the Measures."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import egovrules
from egovrules.authoring.testing import run_pack_tests, uncovered_rules
from egovrules.packdata.normalize import normalize_zh
from tests.conftest import ROOT

SOURCE = ROOT / "rules" / "sources" / "wuhan.zh.txt"  # a copy of shared/regulations's
D = dt.date


def _source_articles() -> dict[int, str]:
    """Article number → normalized source text (its lines, label removed)."""
    numerals = "一二三四五六七八九十"
    articles: dict[int, list[str]] = {}
    current = None
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        m = re.match(r"第([一二三四五六七八九十]+)條 ?(.*)", line)
        if m:
            n = 0
            for ch in m[1]:
                n = n * 10 if ch == "十" and n else n
                n += 10 if ch == "十" and n == 0 else (numerals.index(ch) + 1 if ch != "十" else 0)
            current = n
            articles[current] = [m[2]]
        elif re.match(r"第[一二三四五六七八九十]+章", line):
            current = None
        elif current is not None:
            articles[current].append(line)
    return {n: normalize_zh("\n".join(lines)) for n, lines in articles.items()}


def test_source_has_24_articles() -> None:
    """The parser of the source sees the 24 articles of the Measures."""
    assert sorted(_source_articles()) == list(range(1, 25))


def test_pack_examples_pass_and_cover_every_rule(wuhan: egovrules.Pack) -> None:
    """Every case of the pack passes; every rule is violated in one case and satisfied in one."""
    results = run_pack_tests(wuhan)
    failed = [r.case.name for r in results if not r.passed]
    assert failed == []
    assert uncovered_rules(wuhan, results) == {"never_violated": [], "never_satisfied": []}
    assert len(results) > len(wuhan.rules)


def test_every_article_is_cited_or_declaratory(wuhan: egovrules.Pack) -> None:
    """All 24 articles are accounted for, and none is both cited and declaratory."""
    cited = {c.article for r in wuhan.rules for c in r.citations}
    for art in wuhan.ruleset.articles:
        assert (art.number in cited) != bool(art.declaratory), art.number
    assert [a.number for a in wuhan.ruleset.articles] == list(range(1, 25))


def test_article_texts_are_the_normalized_source(wuhan: egovrules.Pack) -> None:
    """Each article's Chinese text is its source text through the one normalization."""
    source = _source_articles()
    for art in wuhan.ruleset.articles:
        assert dict(art.texts)["zh"] == source[art.number], art.label


def test_every_quote_occurs_in_the_source(wuhan: egovrules.Pack) -> None:
    """Every quote is in the normalized source text of the very article it cites."""
    source = _source_articles()
    for rule in wuhan.rules:
        for c in rule.citations:
            assert c.quote and c.quote in source[c.article], (rule.id, c.article)
            assert c.quote_en, rule.id


def test_labels_match_the_source(wuhan: egovrules.Pack) -> None:
    """Each label is the printed label in simplified form."""
    printed = re.findall(
        r"^(第[一二三四五六七八九十]+條)", SOURCE.read_text(encoding="utf-8"), flags=re.M
    )
    assert [a.label for a in wuhan.ruleset.articles] == [normalize_zh(p) for p in printed]


def test_rule_ids_and_concepts(wuhan: egovrules.Pack) -> None:
    """Rule ids are wuhan.<subject>.<name>; every rule has a concept and an English title."""
    for rule in wuhan.rules:
        assert rule.id.startswith(f"wuhan.{rule.subject}.")
        assert re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+", rule.concept)
        assert rule.title


# ---- scenarios written from the text, not from the pack's own cases ------------------------


def test_late_police_filing(wuhan: egovrules.Pack) -> None:
    """第十五条 ¶2: a site with interactive columns online on 2026-03-01 without a police
    filing three weeks later violates the 15-day filing duty."""
    site = egovrules.Website(
        id="s", has_interactive_columns=True, network_access_date=D(2026, 3, 1)
    )
    report = wuhan.check(site, as_of=D(2026, 3, 22))
    v = next(v for v in report.violations if v.concept == "website.police_filing")
    assert (v.citation.article, v.citation.label, v.citation.paragraph) == (15, "第十五条", 2)
    assert "15日内到市公安部门备案" in v.citation.quote
    assert "2026-03-01" in v.message and "21" in v.message and "15" in v.message


@pytest.mark.parametrize(("filed", "late"), [(D(2024, 3, 19), False), (D(2024, 3, 20), True)])
def test_police_filing_day_15_vs_16(wuhan: egovrules.Pack, filed: dt.date, late: bool) -> None:
    """Access on 2024-03-04: filing on day 15 is in time, on day 16 it is late."""
    site = egovrules.Website(
        id="s",
        publishes_important_party_gov_info=True,
        network_access_date=D(2024, 3, 4),
        police_filing={"authority": "municipal_public_security_department", "date": filed},
    )
    ids = {v.rule_id for v in wuhan.check(site, as_of=D(2024, 6, 1)).violations}
    assert ("wuhan.website.police_filing_15_days" in ids) is late
    assert "wuhan.website.police_filing_authority" not in ids


def test_site_without_trigger_needs_no_police_filing(wuhan: egovrules.Pack) -> None:
    """Neither important information nor interactive columns: no filing duty."""
    site = egovrules.Website(id="s", network_access_date=D(2024, 3, 4))
    report = wuhan.check(site, as_of=D(2025, 1, 1))
    assert (
        report.outcomes["wuhan.website.police_filing_15_days"] == egovrules.Outcome.NOT_APPLICABLE
    )


def test_use_before_acceptance(wuhan: egovrules.Pack) -> None:
    """第八条: a project put into use before passing acceptance violates the article."""
    project = egovrules.Project(
        id="p",
        operation_start_date=D(2025, 9, 1),
        acceptance={"date": D(2025, 10, 15), "result": "passed"},
    )
    ids = {
        (v.rule_id, v.citation.article)
        for v in wuhan.check(project, as_of=D(2026, 1, 1)).violations
    }
    assert ("wuhan.project.no_use_without_acceptance", 8) in ids


def test_om_funds_before_acceptance(wuhan: egovrules.Pack) -> None:
    """第八条: follow-up O&M funds paid before acceptance are a violation; after, they are not."""

    def check(paid: dt.date) -> set[str]:
        project = egovrules.Project(
            id="p",
            acceptance={"date": D(2025, 10, 15), "result": "passed"},
            payments=[{"kind": "om", "date": paid}],
        )
        return {v.rule_id for v in wuhan.check(project, as_of=D(2026, 1, 1)).violations}

    assert "wuhan.project.no_om_funds_without_acceptance" in check(D(2025, 10, 14))
    assert "wuhan.project.no_om_funds_without_acceptance" not in check(D(2025, 10, 15))


def test_separate_egress_needs_filing_not_approval(wuhan: egovrules.Pack) -> None:
    """第二十条: a separate Internet egress needs its technical and security plan filed with
    the information industry department; no approval is asked for."""
    filed = egovrules.NetworkRequest(
        id="n",
        request_type="separate_internet_egress",
        egress_point="own",
        filing={
            "authority": "municipal_information_industry_department",
            "date": D(2025, 1, 5),
            "tech_security_plan": True,
        },
    )
    opened = filed.model_copy(update={"filing": None, "go_live_date": D(2025, 1, 10)})
    rule = "wuhan.network.separate_egress_filing"
    assert wuhan.check(filed, as_of=D(2025, 2, 1)).outcomes[rule] == egovrules.Outcome.SATISFIED
    (v,) = [v for v in wuhan.check(opened, as_of=D(2025, 2, 1)).violations if v.rule_id == rule]
    assert v.citation.article == 20
    # Not yet opened and not yet filed: open, awaiting the unit (如确需另外开通…应…备案).
    waiting = filed.model_copy(update={"filing": None})
    assert wuhan.check(waiting, as_of=D(2025, 2, 1)).outcomes[rule] == egovrules.Outcome.PENDING


def test_before_1_august_2004_the_measures_do_not_apply(wuhan: egovrules.Pack) -> None:
    """第二十四条: the Measures take effect on 2004-08-01; judged the day before, a site
    without police filing has no violation, and the report says why."""
    site = egovrules.Website(
        id="s", has_interactive_columns=True, network_access_date=D(2004, 6, 1)
    )
    before = wuhan.check(site, as_of=D(2004, 7, 31))
    assert before.violations == () and "2004-08-01" in before.notes[0]
    assert set(before.outcomes.values()) == {egovrules.Outcome.NOT_IN_FORCE}
    # the filing duty is dated by the network access: a site online before August 2004 is
    # not judged by 第十五条 even later; one online after it is
    later = wuhan.check(site, as_of=D(2004, 9, 1)).outcomes
    assert later["wuhan.website.police_filing_15_days"] == egovrules.Outcome.NOT_IN_FORCE
    new_site = site.model_copy(update={"network_access_date": D(2004, 8, 2)})
    after = wuhan.check(new_site, as_of=D(2004, 9, 1))
    assert "wuhan.website.police_filing_15_days" in {v.rule_id for v in after.violations}


def test_security_systems_message_names_each_missing_system(wuhan: egovrules.Pack) -> None:
    """第十五条 ¶1 requires six named systems: the violation names each one the site lacks
    (what to cure), then what is in place; a system in place is not called missing."""
    site = egovrules.Website(
        id="s",
        owner_type="district_government",
        security_systems=frozenset({"info_security_mgmt", "security_tech_mgmt"}),
    )
    rule = "wuhan.website.security_systems"
    (v,) = [v for v in wuhan.check(site, as_of=D(2024, 6, 1)).violations if v.rule_id == rule]
    lacking = (
        "emergency_response_sensitive_periods, illegal_case_24h_reporting, "
        "security_education_training, vuln_and_virus_detection"
    )
    assert v.message.startswith(f"missing security systems: {lacking} (in place: ")
    # In Chinese each system is named in the words of rules/vocabulary/fields.yaml, in the
    # same order (the ids' order), and so is what is in place.
    assert v.message_in("zh").startswith(
        "缺少的安全制度:敏感时期应急响应制度、违法案件24小时内报告制度、安全教育培训制度、"
        "漏洞和病毒检测制度(已建立:信息安全管理制度、安全技术管理制度)"
    )


def test_om_funds_message_names_each_payment_made_before_acceptance(
    wuhan: egovrules.Pack,
) -> None:
    """第八条 「未经验收或者验收不合格的,…不予拨付后续运行维护费用」: the violation names the
    O&M payment made without a passed acceptance, by its place and date, not the balance
    paid before it, which the rule does not select."""
    project = egovrules.Project(
        id="p",
        acceptance={"date": D(2024, 4, 20), "result": "failed"},
        payments=[
            {"kind": "balance", "date": D(2024, 5, 1)},
            {"kind": "om", "date": D(2024, 6, 30)},
        ],
    )
    rule = "wuhan.project.no_om_funds_without_acceptance"
    (v,) = [v for v in wuhan.check(project, as_of=D(2024, 12, 31)).violations if v.rule_id == rule]
    assert v.message.endswith(": #2 (kind om, date 2024-06-30)")
    assert v.message_in("zh").endswith(":第2项 (类别为运行维护费用, 拨付日期为2024-06-30)")


def test_progress_reporting_message_names_each_department_without_a_dated_report(
    wuhan: egovrules.Pack,
) -> None:
    """第八条 「应当按规定向市计划、信息产业、财政部门报送项目的进展情况和统计报表」: the
    violation names the departments that have no dated report, not the one that has (the
    project is completed: under construction the unmet duty is open, not yet violated)."""
    project = egovrules.Project(
        id="p",
        construction_start_date=D(2024, 1, 1),
        completion_date=D(2024, 5, 1),
        progress_reports=[
            {"to": "municipal_planning_department", "date": D(2024, 2, 1)},
            {"to": "municipal_finance_department"},
        ],
    )
    rule = "wuhan.project.progress_reporting"
    (v,) = [v for v in wuhan.check(project, as_of=D(2024, 6, 1)).violations if v.rule_id == rule]
    assert (
        "no dated progress report with to municipal_information_industry_department, "
        "to municipal_finance_department;" in v.message
    )
    assert "municipal_planning_department" not in v.message
