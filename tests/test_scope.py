"""Whom the law binds: a rule whose article names the bodies it binds is not applied to a subject
outside them, and every report says so, with the article that names them; a subject that does
not record its standing is presumed inside, and the report says that too."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

import egovrules
from egovrules.cli import main
from egovrules.law.verdict import Outcome
from tests.conftest import ROOT

LATE = ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml"
AS_OF = dt.date(2026, 3, 22)


def _site(tmp_path: Path, owner_type: str | None) -> Path:
    """The README's late Wuhan site (a district government's), owned by another body."""
    lines = LATE.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("owner_type:")]
    if owner_type is not None:
        kept.append(f"owner_type: {owner_type}")
    path = tmp_path / "site.yaml"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def test_a_hospital_site_owes_only_the_police_filing(tmp_path: Path) -> None:
    """Wuhan 第九条 names 政府各部门 (district governments, municipal departments, the two
    development-zone committees); a public hospital is none of them, so of the website rules only
    第十五条 ¶2 (any site with interactive columns files with the police) applies."""
    pack = egovrules.load_pack("wuhan")
    site = egovrules.Website.model_validate(
        {**_data(_site(tmp_path, "health")), "own_site_special_column": False}
    )
    report = pack.check(site, as_of=AS_OF)
    assert [v.rule_id for v in report.violations] == ["wuhan.website.police_filing_15_days"]
    excluded = {n.rule_id for n in report.not_applicable}
    assert "wuhan.website.portal_column_and_link" in excluded
    assert "wuhan.website.police_filing_15_days" not in excluded
    assert all(report.outcomes[rid] is Outcome.NOT_APPLICABLE for rid in excluded)
    first = report.not_applicable[0]
    assert (first.citation.article, first.citation.paragraph) == (9, 1)
    assert "政府各部门" in first.citation.quote
    assert first.reason.startswith("owner_type is health")
    assert not report.notes


def test_the_same_site_of_a_district_government_is_bound(tmp_path: Path) -> None:
    """各区人民政府 is named in 第九条: the district government's site owes the special column."""
    pack = egovrules.load_pack("wuhan")
    site = egovrules.Website.model_validate(
        {**_data(_site(tmp_path, "district_government")), "own_site_special_column": False}
    )
    report = pack.check(site, as_of=AS_OF)
    assert "wuhan.website.portal_column_and_link" in {v.rule_id for v in report.violations}
    assert report.not_applicable == ()


def test_standing_not_recorded_is_presumed_inside_and_said(tmp_path: Path) -> None:
    """With no owner_type the site is judged as a government department's (as before the field
    was typed) and a note says the verdict rests on that presumption."""
    pack = egovrules.load_pack("wuhan")
    site = egovrules.Website.model_validate(
        {**_data(_site(tmp_path, None)), "own_site_special_column": False}
    )
    report = pack.check(site, as_of=AS_OF)
    assert "wuhan.website.portal_column_and_link" in {v.rule_id for v in report.violations}
    assert report.not_applicable == ()
    (note,) = report.notes
    assert note.startswith("owner_type not given: 23 rule(s) of Wuhan 第九条")
    assert "presumption" in note


def test_a_shantou_project_with_no_funding_source_is_presumed_under_article_2() -> None:
    """Shantou 第二条 names the projects the Measures govern by their funding (scope
    funded_projects on funding_source): a project that records none is judged as one of them,
    and the note says so; a non-government project is outside every project rule, each listed
    with 第二条."""
    pack = egovrules.load_pack("shantou")
    fixture = pack.tests.fixtures["project_ok"]
    silent = egovrules.Project.model_validate(
        {**fixture, "funding_source": None, "conforms_to_overall_plan": False}
    )
    report = pack.check(silent, as_of=AS_OF)
    assert [v.rule_id for v in report.violations] == ["shantou.project.plan_conformance"]
    assert report.not_applicable == ()
    (note,) = report.notes
    assert note.startswith("funding_source not given: 30 rule(s) of Shantou 第二条")
    assert "presumption" in note
    outside = egovrules.Project.model_validate(
        {**fixture, "funding_source": "non_government", "conforms_to_overall_plan": False}
    )
    report = pack.check(outside, as_of=AS_OF)
    assert report.violations == ()
    assert len(report.not_applicable) == 30
    assert {n.citation.article for n in report.not_applicable} == {2}
    assert report.not_applicable[0].reason.startswith("funding_source is non_government")
    assert not report.notes


def test_json_lists_not_applicable_rules_with_their_scope(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The JSON report names each rule a scope excludes, its outcome, the scope, the reason and
    the citation of the words that name whom the article binds."""
    path = _site(tmp_path, "health")
    args = ["check", "--city", "wuhan", "--as-of", "2026-03-22", "--format", "json", str(path)]
    assert main(args) == 1
    (report,) = json.loads(capsys.readouterr().out)["reports"]
    entries = {n["rule_id"]: n for n in report["not_applicable"]}
    entry = entries["wuhan.website.complaint_column"]
    assert entry["outcome"] == "not_applicable"
    assert entry["scope"] == "government_departments"
    assert entry["citation"]["article"] == 9
    assert "health" in entry["reason"]
    # In Chinese the field and its value are named in words, not by their ids.
    assert entry["reasons"]["zh"].startswith("网站主办单位的类别为卫生单位:")
    assert report["outcomes"]["wuhan.website.complaint_column"] == "not_applicable"


@pytest.mark.parametrize(
    ("lang", "heading", "quote"),
    [("en", "NOT APPLICABLE", "(hereinafter"), ("zh", "不适用", "(以下称政府各部门)")],
)
def test_text_says_why_a_rule_was_not_applied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, heading: str, quote: str
) -> None:
    """The text report has one block per scope: the reason, the rules, the article's words."""
    path = _site(tmp_path, "health")
    main(["check", "--city", "wuhan", "--as-of", "2026-03-22", "--lang", lang, str(path)])
    out = capsys.readouterr().out
    block = out[out.index(heading) :]
    assert "wuhan.website.complaint_column" in block
    assert "第九条" in block and quote in block


def test_only_keeps_the_not_applicable_rules_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--only`` narrows the not-applicable list like every other list of the report."""
    path = _site(tmp_path, "health")
    args = ["check", "--city", "wuhan", "--as-of", "2026-03-22", "--format", "json"]
    main([*args, "--only", "wuhan.website.complaint_*", str(path)])
    (report,) = json.loads(capsys.readouterr().out)["reports"]
    assert {n["rule_id"] for n in report["not_applicable"]} == {
        "wuhan.website.complaint_column",
        "wuhan.website.complaint_handler",
        "wuhan.website.complaint_norms_time_limits",
    }


def test_markdown_lists_the_rules_out_of_scope(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pull-request comment says which rules were not applied and why, in one line."""
    path = _site(tmp_path, "health")
    main(["check", "--city", "wuhan", "--as-of", "2026-03-22", "--format", "markdown", str(path)])
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "not applicable" in x]
    assert line.startswith("- not applicable (23): owner_type is health: Wuhan 第九条")
    assert "`wuhan.website.complaint_column`" in line


def test_zh_markdown_says_not_applicable_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --lang zh the line of rules not applied is headed in Chinese, not English."""
    path = _site(tmp_path, "health")
    args = ["check", "--city", "wuhan", "--as-of", "2026-03-22", "--format", "markdown"]
    main([*args, "--lang", "zh", str(path)])
    out = capsys.readouterr().out
    assert "not applicable" not in out
    (line,) = [x for x in out.splitlines() if x.startswith("- 不适用")]
    assert line.startswith("- 不适用(23 条):")


def test_network_and_department_scopes(tmp_path: Path) -> None:
    """第二十条 binds 政府各部门 on the platform; 第二十一条 ¶1 binds 政府各部门 too: a unit and a
    body of type other owe neither, a district government owes both."""
    pack = egovrules.load_pack("wuhan")
    net = {"kind": "network", "id": "n", "request_type": "separate_internet_egress"}
    outside = pack.check({**net, "unit_type": "other"}, as_of=AS_OF)
    inside = pack.check({**net, "unit_type": "district_government"}, as_of=AS_OF)
    assert "wuhan.network.separate_egress_filing" in {n.rule_id for n in outside.not_applicable}
    # not yet opened and not yet filed: open, awaiting the unit (第二十条 "如确需另外开通…备案")
    assert "wuhan.network.separate_egress_filing" in {u.rule_id for u in inside.upcoming}
    dept = {"kind": "department", "id": "d"}
    assert "wuhan.department.staff_training" in {
        n.rule_id for n in pack.check({**dept, "type": "other"}, as_of=AS_OF).not_applicable
    }


def test_tianjin_scopes_cite_the_definition_of_administrative_organs() -> None:
    """Tianjin Art. 13-14 (websites) and 11 ¶2, 12 ¶3 (bodies) bind administrative organs, which
    Art. 3 ¶2 defines: governments and their departments, and organisations authorised or
    entrusted by law to manage public affairs. A site or body recorded as other is presumed
    outside (the model has no value for an authorised organisation): the report cites the
    definition, not a duty article, and its label says the presumption."""
    pack = egovrules.load_pack("tianjin")
    site = pack.check({"kind": "website", "id": "s", "owner_type": "other"}, as_of=AS_OF)
    body = pack.check({"kind": "department", "id": "d", "type": "other"}, as_of=AS_OF)
    for report in (site, body):
        assert report.violations == ()
        assert report.not_applicable
        for n in report.not_applicable:
            assert (n.citation.article, n.citation.paragraph) == (3, 2), n.rule_id
            assert n.citation.quote.startswith('The term "administrative organs"')
            assert "authorised by law or entrusted" in n.reason
            assert "presumed" in n.reason
    unrecorded = pack.check({"kind": "website", "id": "s"}, as_of=AS_OF)
    (note,) = unrecorded.notes
    assert "第三条" in note


def test_a_free_text_owner_type_is_an_input_error(tmp_path: Path) -> None:
    """owner_type is typed now: a value the texts do not know is a positioned input error
    (exit 2), never a site silently judged as a department's or silently let off."""
    path = _site(tmp_path, "hospital")
    assert main(["check", "--city", "wuhan", "--as-of", "2026-03-22", str(path)]) == 2


def _data(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_diff_compares_obligations_on_a_body_both_texts_bind() -> None:
    """Wuhan 第十三条 and Hohhot Art. 14 ask the same complaint column of their departments; the
    texts name different bodies (Hohhot's counties, Wuhan's 政府各部门): the verdict compares
    the duty itself, and a scope aspect and each rule's ``binds`` say whom each text binds."""
    d = egovrules.diff("wuhan", "hohhot", witnesses=False)
    c = d.concept("website.complaint_column")
    assert c.verdict is not None and c.verdict.value == "same"
    (scope,) = [a for a in c.aspects if a.name == "scope"]
    assert "第九条" in scope.a and "第十二条" in scope.b
    assert c.rules_a[0].binds is not None and c.rules_a[0].binds.startswith(
        "government departments"
    )
