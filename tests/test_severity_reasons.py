"""Why a rule is not an error: every warning and advisory rule of every bundled pack names its
reason (the duty binds the authority, the text states a principle, the criteria are vague, the
translation is uncertain, or the text supports the check only loosely), and reports show it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import get_args

import pytest

import egovrules
from egovrules.cli import main
from egovrules.law.verdict import SEVERITY_REASONS, Severity
from egovrules.packdata.model import SeverityReason

SITE = "kind: website\nid: s\nowner_type: municipal_department\nsecurity_systems: [x]\n"


def test_the_pack_format_and_the_report_words_name_the_same_reasons() -> None:
    """Each reason a pack may name has its words in the reports, and no other."""
    assert set(get_args(SeverityReason)) == set(SEVERITY_REASONS)


@pytest.mark.parametrize("city", ["hohhot", "tianjin", "shantou", "wuhan"])
def test_every_warning_and_advisory_says_why(city: str) -> None:
    """A rule below error carries its reason; an authority's duty says it binds the authority."""
    for rule in egovrules.load_pack(city).rules:
        if rule.severity is Severity.ERROR:
            continue
        assert rule.severity_reason in SEVERITY_REASONS, rule.id
    reasons = {r.id: r.severity_reason for r in egovrules.load_pack(city).rules}
    authority_duties = {
        "hohhot": "hohhot.project.authority_expert_supervision",
        "tianjin": "tianjin.department.exchange_plan_approved",
        "shantou": "shantou.department.security_inspections",
        "wuhan": "wuhan.department.periodic_assessment",
    }
    assert reasons[authority_duties[city]] == "binds_authority"


def test_reports_show_the_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Hohhot Art. 13 ('timely and accurately disclose'): the advisory finding says why it is
    not an error in the text (both languages) and the JSON (kind and words)."""
    path = tmp_path / "site.yaml"
    path.write_text(SITE, encoding="utf-8")
    args = ["check", "--city", "hohhot", "--as-of", "2026-03-22", str(path)]
    main(args)
    text = capsys.readouterr().out
    block = text[text.index("ADVISORY hohhot.website.timely_accurate_disclosure") :]
    assert block.splitlines()[1].strip().startswith("(not an error because")
    main([*args, "--lang", "zh"])
    assert "故不作错误处理" in capsys.readouterr().out
    main([*args, "--format", "json"])
    (report,) = json.loads(capsys.readouterr().out)["reports"]
    found = {v["rule_id"]: v for v in report["violations"]}
    assert found["hohhot.website.timely_accurate_disclosure"]["severity_reason"]["kind"] == (
        "low_confidence"
    )
    assert found["hohhot.website.portal_column_or_link"]["severity_reason"] is None


def test_library_report_carries_the_reason() -> None:
    """``Violation.severity_reason`` is the rule's reason (None for an error)."""
    report = egovrules.load_pack("hohhot").check(
        {"kind": "website", "id": "s", "owner_type": "municipal_department"},
        as_of=dt.date(2026, 3, 22),
    )
    by_id = {v.rule_id: v for v in report.violations}
    assert by_id["hohhot.website.basic_functions"].severity_reason == "vague_criteria"
    assert by_id["hohhot.website.security_management_system"].severity_reason is None


def test_tianjin_disclosures_owed_on_unrecorded_facts_are_not_errors() -> None:
    """Tianjin Art. 14 ¶1 item 9 ('other government information decided by the Municipal
    People's government') is owed only if the government decided some, and item 7 (major
    epidemics, disasters and emergencies) only if such events occurred: the subject model records
    neither, so a site that lists the other seven kinds and not these two is told so, but item 9
    as an advisory and item 7 as a warning, each saying why it is not an error; item 1 stays an
    error."""
    site = {
        "kind": "website",
        "id": "s",
        "owner_type": "municipal_department",
        "disclosure_items": [
            "functions_contacts",
            "normative_documents",
            "service_matters",
            "plans",
            "budget_procurement",
            "social_programs",
            "civil_service_recruitment",
        ],
        "disclosure_catalogue_published_on_portal": True,
        "online_services": [{"item": "x", "online_acceptance": True}],
    }
    report = egovrules.load_pack("tianjin").check(site, as_of=dt.date(2026, 3, 1))
    by_id = {v.rule_id: v for v in report.violations}
    assert set(by_id) == {
        "tianjin.website.disclose_emergencies",
        "tianjin.website.disclose_other_designated",
    }
    designated = by_id["tianjin.website.disclose_other_designated"]
    assert designated.severity is Severity.ADVISORY
    assert designated.severity_reason == "low_confidence"
    assert "which the pack cannot know" in designated.message
    emergencies = by_id["tianjin.website.disclose_emergencies"]
    assert emergencies.severity is Severity.WARNING
    assert emergencies.severity_reason == "low_confidence"
    rules = {r.id: r for r in egovrules.load_pack("tianjin").rules}
    assert rules["tianjin.website.disclose_functions_contacts"].severity is Severity.ERROR
