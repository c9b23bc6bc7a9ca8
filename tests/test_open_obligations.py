"""Open obligations: a duty begun and not yet met, with no last day, is pending (listed as
upcoming with who must act), not violated; every output that shows pending items names who
must act."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import yaml

import egovrules
from egovrules.ir.explain import explain_rule, render_explanation
from egovrules.law.verdict import Outcome
from egovrules.report.model import Checked
from egovrules.report.render import RENDERERS
from tests.conftest import ROOT

D = dt.date
SHANTOU = egovrules.load_pack("shantou")
RULE = "shantou.network.platform_access_approval"
AUTHORITY_EN = "municipal e-government authority (Municipal E-government Management Office)"


def _request(**changes: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "kind": "network",
        "id": "req-1",
        "unit": "汕头市龙湖区某局",
        "level": "district",
        "request_type": "platform_access",
        "application": {
            "written": True,
            "submitted_to": "municipal_egov_authority",
            "date": "2025-04-01",
        },
        "reported_to": "municipal_egov_technical_body",
        "conforms_to_technical_standards": True,
    }
    return {**request, **changes}


def test_a_request_waiting_for_the_decision_awaits_the_authority() -> None:
    """Applied in writing and not connected: 「凭其批准文件…办理接入」 bars connection before
    approval, so the wait is open (no last day), and the authority must act."""
    report = SHANTOU.check(_request(), as_of=D(2025, 4, 5))
    assert report.outcomes[RULE] == Outcome.PENDING
    assert RULE not in {v.rule_id for v in report.violations}
    (up,) = [u for u in report.upcoming if u.rule_id == RULE]
    assert (up.due, up.days_left, up.awaiting) == (None, None, "authority")
    assert up.awaiting_in("en") == AUTHORITY_EN
    assert up.awaiting_in("zh") == "市电子政务主管部门(市电子政务管理办公室)"


def test_a_request_not_yet_made_awaits_the_unit() -> None:
    """Nothing applied for and nothing connected: the unit must apply first
    (「应当向市电子政务主管部门书面提出」)."""
    report = SHANTOU.check(_request(application=None), as_of=D(2025, 4, 5))
    (up,) = [u for u in report.upcoming if u.rule_id == RULE]
    assert (up.awaiting, up.awaiting_in("en")) == ("actor", "汕头市龙湖区某局")


def test_connected_without_the_approval_is_violated_not_open() -> None:
    """The same request once connected without approval breaks the rule
    (「未经批准，擅自…接入电子政务网络」)."""
    report = SHANTOU.check(_request(go_live_date="2025-04-18"), as_of=D(2025, 4, 20))
    assert report.outcomes[RULE] == Outcome.VIOLATED
    assert RULE not in {u.rule_id for u in report.upcoming}


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "junit", "github"])
def test_every_output_of_pending_items_names_who_must_act(fmt: str) -> None:
    """Each format that shows upcoming items says the obligation is open and who must act."""
    report = SHANTOU.check(_request(), as_of=D(2025, 4, 5))
    rules = {r.id: r for r in SHANTOU.ruleset.rules}
    out = RENDERERS[fmt]([Checked(report, "req.yaml")], rules, "en")
    if fmt == "json":
        (up,) = [u for u in json.loads(out)["reports"][0]["upcoming"] if u["rule_id"] == RULE]
        assert (up["due"], up["days_left"], up["awaiting"]) == (None, None, "authority")
        assert up["authority"]["en"] == AUTHORITY_EN
    else:
        assert "open, no time limit" in out
        assert f"awaiting {AUTHORITY_EN}" in out or f"awaiting: {AUTHORITY_EN}" in out


def test_a_completed_project_not_yet_accepted_awaits_the_planning_department() -> None:
    """Wuhan 第八条: 「项目完工后,由市计划部门会同信息产业、财政部门组织项目验收」 gives no
    time limit; the day after completion the acceptance is open, awaiting the department
    that organises it, and the day before completion nothing is owed."""
    wuhan = egovrules.load_pack("wuhan")
    rule = "wuhan.project.acceptance_by_planning_dept"
    project = {
        "kind": "project",
        "id": "p",
        "owner_unit": "武汉市民政局",
        "completion_date": "2024-03-31",
    }
    report = wuhan.check(project, as_of=D(2024, 4, 1))
    (up,) = [u for u in report.upcoming if u.rule_id == rule]
    assert (up.due, up.awaiting, up.awaiting_in("zh")) == (None, "authority", "市计划部门")
    assert wuhan.check(project, as_of=D(2024, 3, 30)).outcomes[rule] == Outcome.NOT_APPLICABLE


# An application dated after the as-of date has not been made on it: until its day the unit
# must still apply, and the authority has nothing to decide. (pack, rule, request, approver)
APPLICATIONS = [
    # Shantou 第二十四条 ¶1 「应当向市电子政务主管部门书面提出」
    ("shantou", RULE, "platform_access", "municipal_egov_authority"),
    # Shantou 第二十四条 ¶2 「报电子政务主管部门批准后方可实施」
    (
        "shantou",
        "shantou.network.separate_business_network_approval",
        "separate_business_network",
        "municipal_egov_authority",
    ),
    # Hohhot Art. 20 ¶1 「should apply to the municipal information department」
    (
        "hohhot",
        "hohhot.network.separate_internet_access_approval",
        "separate_internet_egress",
        "municipal_information_department",
    ),
    # Tianjin Art. 9 ¶2 「Without the approval of the municipal information department」
    (
        "tianjin",
        "tianjin.network.independent_physical_network_approval",
        "independent_physical_network",
        "municipal_information_department",
    ),
]


@pytest.mark.parametrize("case", APPLICATIONS, ids=[c[1] for c in APPLICATIONS])
@pytest.mark.parametrize(
    ("as_of", "awaiting"), [(D(2025, 3, 31), "actor"), (D(2025, 4, 1), "authority")]
)
def test_an_application_dated_after_the_as_of_date_is_not_made_yet(
    case: tuple[str, str, str, str], as_of: dt.date, awaiting: str
) -> None:
    """An application recorded for 2025-04-01: on 2025-03-31 the unit must still apply (it was
    awaiting the authority), and from 2025-04-01 the authority must decide."""
    city, rule, request_type, approver = case
    request = _request(
        city=city,
        request_type=request_type,
        application={"written": True, "submitted_to": approver, "date": "2025-04-01"},
    )
    report = egovrules.load_pack(city).check(request, as_of=as_of)
    (up,) = [u for u in report.upcoming if u.rule_id == rule]
    assert up.awaiting == awaiting


@pytest.mark.parametrize(
    ("as_of", "outcome"), [(D(2025, 3, 31), Outcome.PENDING), (D(2025, 4, 1), Outcome.VIOLATED)]
)
def test_an_application_elsewhere_dated_after_the_as_of_date_leaves_the_duty_open(
    as_of: dt.date, outcome: Outcome
) -> None:
    """Shantou 第二十四条 ¶1 「应当向市电子政务主管部门书面提出」: an application to another body
    recorded for 2025-04-01 has not been made on 2025-03-31, when nothing is applied for and
    nothing connected (open, awaiting the unit; it was violated), and from 2025-04-01 it is the
    wrong application (violated, as the pack reads an application elsewhere)."""
    request = _request(
        application={
            "written": True,
            "submitted_to": "municipal_people_government",
            "date": "2025-04-01",
        }
    )
    assert SHANTOU.check(request, as_of=as_of).outcomes[RULE] == outcome


def test_explain_shows_the_pending_cases() -> None:
    """The trace of an open request shows the failed requirement and the pending case that
    holds, so a reader sees why it is open and not broken."""
    rule = next(r for r in SHANTOU.ruleset.rules if r.id == RULE)
    subject = egovrules.NetworkRequest.model_validate(_request())
    trace = explain_rule(rule, subject, D(2025, 4, 5))
    assert (trace["outcome"], trace["requires"]["holds"], trace["pending"]["holds"]) == (
        "pending",
        False,
        True,
    )
    assert "  pending:\n" in render_explanation(trace)


def _website_filed_elsewhere() -> dict[str, Any]:
    return {
        "kind": "website",
        "id": "w1",
        "name": "测试网站",
        "url": "https://example.gov.cn",
        "owner_department": "市测试局",
        "owner_type": "municipal_department",
        "publishes_important_party_gov_info": True,
        "network_access_date": "2025-06-02",
        "police_filing": {
            "date": "2025-06-13",
            "authority": "municipal_information_industry_department",
        },
    }


@pytest.mark.parametrize(
    ("as_of", "days_left"),
    [
        # 「必须在网络接入之日起15日内到市公安部门备案」: access 2025-06-02, the access day not
        # counted, day 15 is 2025-06-17; filed with another body on 06-13, the site can still
        # file with the public security department until then: the report gives that day.
        (D(2025, 6, 15), 2),
        (D(2025, 6, 17), 0),
    ],
)
def test_an_open_duty_whose_case_ends_on_a_day_gives_that_day(
    as_of: dt.date, days_left: int
) -> None:
    """A pending case ``{value: "@as_of", le: DAY}`` is open up to DAY: the upcoming item
    gives DAY as its last day (it said "open, no time limit"), in the compiled finding and in
    the reference alike."""
    from egovrules.engine.findings import upcoming
    from egovrules.subjects import parse_subject

    wuhan = egovrules.load_pack("wuhan")
    rule_id = "wuhan.website.police_filing_authority"
    report = wuhan.check(_website_filed_elsewhere(), as_of=as_of)
    (up,) = [u for u in report.upcoming if u.rule_id == rule_id]
    assert (up.due, up.days_left, up.awaiting) == (D(2025, 6, 17), days_left, "actor")
    assert up.status().startswith(f"due 2025-06-17 ({days_left} day(s) left), awaiting 市测试局")
    rule = next(r for r in wuhan.rules if r.id == rule_id)
    subject = parse_subject(_website_filed_elsewhere())
    reference = upcoming(rule, subject, as_of)
    assert (reference.due, reference.days_left, reference.awaiting) == (
        up.due,
        up.days_left,
        "actor",
    )


def test_an_open_duty_until_an_act_has_no_last_day() -> None:
    """A case that holds until an act happens (the decision awaited) names no day: the item
    stays without one (``test_a_request_waiting_for_the_decision_awaits_the_authority``), and
    the text says so."""
    report = SHANTOU.check(_request(), as_of=D(2025, 4, 5))
    (up,) = [u for u in report.upcoming if u.rule_id == RULE]
    assert up.status().startswith("open, no time limit")


def test_the_annual_last_day_of_an_open_declaration_is_given() -> None:
    """Hohhot Art. 7 「before September 30 every year」: a declaration for plan year 2025 sent
    to the municipal finance can still reach the municipal information department until
    2024-09-30, which the report gives as the open duty's last day."""
    hohhot = egovrules.load_pack("hohhot")
    rule_id = "hohhot.project.annual_declaration_recipient"
    project = yaml.safe_load((ROOT / "examples" / "hohhot" / "project-compliant.yaml").read_text())
    assert project["declaration"]["plan_year"] == 2025
    project["declaration"]["submitted_to"] = "municipal_finance"
    report = hohhot.check(project, as_of=D(2024, 9, 30))
    (up,) = [u for u in report.upcoming if u.rule_id == rule_id]
    assert (up.due, up.days_left, up.awaiting) == (D(2024, 9, 30), 0, "actor")


DECLARATION_RULE = "shantou.project.incomplete_declaration_handling"


def _declared_project(**declaration: Any) -> dict[str, Any]:
    """An incomplete annual declaration of 2024-08-20, noticed 2024-08-27, nothing after it."""
    return {
        "kind": "project",
        "id": "p",
        "owner_unit": "汕头市自然资源局",
        "funding_source": "government_full",
        "declaration": {
            "plan_year": 2025,
            "submitted_date": "2024-08-20",
            "submitted_to": "municipal_egov_authority",
            "complete": False,
            "correction_notice_date": "2024-08-27",
            **declaration,
        },
    }


@pytest.mark.parametrize(
    ("declaration", "as_of", "awaiting", "who"),
    [
        # 「申报单位未补正…的，市电子政务主管部门不予受理」: an acceptance with no date, the
        # correction recorded for the next day: the unit's correction is awaited
        (
            {"corrected_date": "2024-09-03", "status": "accepted"},
            D(2024, 9, 2),
            "actor",
            "汕头市自然资源局",
        ),
        # 「应当一次性告知…补正」 comes before any refusal: a refusal with no date, the notice
        # recorded for the next day: the authority's notice is owed
        ({"status": "inadmissible"}, D(2024, 8, 26), "authority", AUTHORITY_EN),
    ],
    ids=["accepted-correction-later", "refused-notice-later"],
)
def test_an_undated_decision_before_a_later_act_awaits_that_act(
    declaration: dict[str, Any], as_of: dt.date, awaiting: str, who: str
) -> None:
    """Shantou 第十条第三款: the status of a declaration has no date, so on a day before the
    notice or correction the record dates later it is not shown to have come first (it was
    violated): open, awaiting whoever acts next in the lawful order."""
    report = SHANTOU.check(_declared_project(**declaration), as_of=as_of)
    assert report.outcomes[DECLARATION_RULE] == Outcome.PENDING
    (up,) = [u for u in report.upcoming if u.rule_id == DECLARATION_RULE]
    assert (up.awaiting, up.awaiting_in("en")) == (awaiting, who)
    assert f"not placed before a notice or correction dated after {as_of}" in up.message_in("en")
