"""The evaluation trace (``egovrules explain``, ``check --explain``) over lists of records, sets,
decimal ratios and working days the holiday calendar does not know.

Expected values come from the mini pack's text (第三条: an increase of more than ten per cent
needs re-approval) and from Shantou 第十六条 ¶2 (a reply within seven working days)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

import egovrules
from egovrules.cli import main
from egovrules.ir.explain import explain_rule, render_explanation
from egovrules.ir.nodes import RuleIR
from tests.conftest import FIXTURES

MINI = FIXTURES / "packs" / "mini.yaml"
AS_OF = dt.date(2024, 6, 1)


def _rule(pack: egovrules.Pack, rule_id: str) -> RuleIR:
    return next(r for r in pack.rules if r.id == rule_id)


def _project(**fields: Any) -> egovrules.Project:
    data = {"kind": "project", "id": "p1", "approved_total_investment": 1_000_000, **fields}
    subject = egovrules.parse_subject(data)
    assert isinstance(subject, egovrules.Project)
    return subject


def test_some_lists_each_item_with_its_truth(mini: egovrules.Pack) -> None:
    """10.01 % over the approved investment needs a re-approval; of two approvals, the second
    is one, so the rule holds, and the trace shows item by item which matched."""
    rule = _rule(mini, "mini.project.budget_reapproval")
    project = _project(
        current_total_investment=1_100_100,
        approvals=[
            {"kind": "project_establishment", "date": "2023-01-01"},
            {"kind": "re_approval", "date": "2024-01-01"},
        ],
    )
    trace = explain_rule(rule, project, AS_OF)
    assert trace["outcome"] == "satisfied"
    assert trace["when"]["holds"] is True
    ratio = trace["when"]["parts"][1]
    assert ratio["holds"] is True
    assert "0.1001" in ratio["values"].values()
    items = trace["requires"]["items"]
    assert [(i["item"], i["holds"]) for i in items] == [(0, False), (1, True)]
    text = render_explanation(trace)
    assert "  outcome: satisfied\n" in text
    assert "item 0:" in text and "item 1:" in text
    assert "✗ kind = re_approval" in text and "✓ kind = re_approval" in text


def test_exactly_ten_per_cent_does_not_apply(mini: egovrules.Pack) -> None:
    """At exactly 10 % the rule does not apply ("more than ten per cent")."""
    rule = _rule(mini, "mini.project.budget_reapproval")
    trace = explain_rule(rule, _project(current_total_investment=1_100_000), AS_OF)
    assert trace["outcome"] == "not_applicable"
    assert trace["when"]["parts"][1]["holds"] is False


def test_every_shows_which_items_were_selected(tmp_path: Path) -> None:
    """`every … where … require`: each item shows whether it was selected and whether it
    met the requirement; one selected item without a date breaks the rule."""
    text = MINI.read_text(encoding="utf-8")
    old = "    requires:\n      some: approvals\n      where: {field: kind, eq: re_approval}\n"
    new = (
        "    requires:\n      every: approvals\n      where: {field: kind, eq: re_approval}\n"
        "      require: {present: date}\n"
    )
    assert text.count(old) == 1
    path = tmp_path / "mini.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    pack = egovrules.load_pack(path)
    project = _project(
        current_total_investment=1_100_100,
        approvals=[{"kind": "project_establishment"}, {"kind": "re_approval"}],
    )
    trace = explain_rule(_rule(pack, "mini.project.budget_reapproval"), project, AS_OF)
    assert trace["outcome"] == "violated"
    items = trace["requires"]["items"]
    assert [(i["selected"]["holds"], i["holds"]) for i in items] == [(False, False), (True, False)]
    assert "item 1:" in render_explanation(trace)


def test_the_first_approval_is_shown_with_the_items_it_was_taken_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hohhot Art. 6 ¶1 (事先经…评估论证，报市领导批准): the leaders approved on 1 November,
    four days before the evaluation of 5 November. The trace names the earliest approval, its
    date, and each approval it was taken from, selected or not (a planning approval of
    1 October is not the leaders')."""
    hohhot = egovrules.load_pack("hohhot")
    data = {
        **hohhot.tests.fixtures["project_ok"],
        "approvals": [
            {"kind": "leader", "approver": "municipal_leaders", "date": "2024-11-01"},
            {"kind": "planning", "approver": "other", "date": "2024-10-01"},
        ],
    }
    rule = _rule(hohhot, "hohhot.project.prior_authority_evaluation")
    trace = explain_rule(rule, egovrules.parse_subject(data), dt.date(2026, 3, 1))
    assert trace["outcome"] == "violated"
    evaluation = trace["requires"]["items"][0]
    order = evaluation["parts"][-1]["parts"][-1]  # date ≤ the earliest leaders' approval
    earliest = (
        "the earliest date of approvals with [kind = leader AND approver = $leader_approver "
        "(municipal_leaders)]"
    )
    assert order["holds"] is False
    assert order["values"] == {"date": "2024-11-05", earliest: "2024-11-01"}
    (among,) = order["among"]
    assert among["expression"] == earliest
    assert [(i["values"]["date"], i["selected"]["holds"]) for i in among["items"]] == [
        ("2024-11-01", True),
        ("2024-10-01", False),
    ]
    text = render_explanation(trace)
    assert f"✗ date ≤ {earliest}\n" in text
    assert "item 1: date = 2024-10-01 (not selected)" in text
    # the same through the command line
    path = tmp_path / "project.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code = main(["explain", "--city", "hohhot", "--as-of", "2026-03-01", str(path), rule.id])
    out = capsys.readouterr().out
    assert code == 0, out  # explain reports; it does not judge
    assert f"{earliest} = 2024-11-01" in out
    assert "item 0: date = 2024-11-01\n" in out


def test_a_set_is_shown_sorted(mini: egovrules.Pack) -> None:
    """Set values are listed in sorted order, so traces are stable."""
    rule = _rule(mini, "mini.website.security_system")
    site = egovrules.Website(id="s", security_systems=frozenset({"b_other", "a_other"}))
    trace = explain_rule(rule, site, AS_OF)
    assert trace["outcome"] == "violated"
    assert trace["requires"]["values"] == {"security_systems": ["a_other", "b_other"]}
    assert "security_systems = {a_other, b_other}\n" in render_explanation(trace)


def test_working_days_outside_the_calendar_are_undetermined() -> None:
    """Seven working days from a receipt in 2031 cannot be counted with the holiday calendar
    (it stops before 2031): the trace says undetermined, with the reason, never a guess."""
    pack = egovrules.load_pack("shantou")
    fixture = dict(pack.tests.fixtures["project_ok"])
    application = dict(fixture["approval_application"])
    application.update(received_date=dt.date(2031, 3, 5), decision_date=None)
    fixture["approval_application"] = application
    subject = egovrules.parse_subject(fixture)
    rule = _rule(pack, "shantou.project.approval_within_7_working_days")
    trace = explain_rule(rule, subject, dt.date(2031, 4, 30))
    assert trace["outcome"] == "undetermined"
    assert trace["requires"]["holds"] == "undetermined"
    assert "2031" in trace["requires"]["reason"]
    assert "[undetermined]" in render_explanation(trace)


def test_a_trace_shows_an_operand_no_calendar_can_count_as_undetermined() -> None:
    """Review (found while fixing the interpreter's order): the trace of
    "completion_date <= add_working_days(construction_start_date, …)" for a project that
    starts in 2027, which the calendar lacks, raised CalendarGap (``explain``, and the SARIF
    fingerprints of a violated rule, failed as an internal error). The comparison fails on
    the null completion date whatever those days are; the trace shows that operand as
    undetermined."""
    from egovrules.subjects import parse_subject
    from tests.conftest import FIXTURES

    pack = egovrules.load_pack(FIXTURES / "packs" / "sql_features.yaml")
    rule = next(r for r in pack.rules if r.id == "sql_features.project.working_days_in_any")
    subject = parse_subject({"kind": "project", "id": "p", "construction_start_date": "2027-03-01"})
    trace = explain_rule(rule, subject, dt.date(2026, 3, 1))
    comparison = trace["requires"]["parts"][1]
    assert comparison["holds"] is False
    assert sorted(map(str, comparison["values"].values())) == ["None", "undetermined"]
