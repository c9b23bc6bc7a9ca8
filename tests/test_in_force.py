"""Law in force: a pack's effective date, the date that matters for each obligation, dated
parameter versions, who must act, and the opt-in weekday fallback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

import egovrules
from egovrules.backends.base import InterpretingBackend
from egovrules.law.verdict import Outcome
from tests.conftest import FIXTURES

D = dt.date
MINI = yaml.safe_load((FIXTURES / "packs" / "mini.yaml").read_text(encoding="utf-8"))
FILING_RULE = MINI["rules"][0]  # mini.website.police_filing, 15 days; effective 2004-08-01


def _pack(
    tmp_path: Path,
    *,
    rule: dict[str, Any] | None = None,
    parameters: dict[str, Any] | None = None,
    **kw: Any,
) -> egovrules.Pack:
    data = dict(MINI)
    data["rules"] = [{**FILING_RULE, **(rule or {})}]
    data["parameters"] = {**MINI["parameters"], **(parameters or {})}
    data["tests"] = {}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return egovrules.load_pack(path, **kw)


def _site(access: str, filed: str | None = None) -> dict[str, Any]:
    site: dict[str, Any] = {
        "kind": "website",
        "id": "s",
        "has_interactive_columns": True,
        "network_access_date": access,
        "owner_department": "市民政局",
    }
    if filed:
        site["police_filing"] = {"date": filed}
    return site


def _outcome(pack: egovrules.Pack, subject: dict[str, Any], as_of: dt.date) -> Outcome:
    report = pack.check(subject, as_of=as_of)
    (outcome,) = report.outcomes.values()
    ref = InterpretingBackend(pack.ruleset).outcomes(
        "website", egovrules.parse_subject(subject), as_of
    )
    assert ref == (int(outcome),)
    return outcome


def test_before_the_effective_date_nothing_applies(tmp_path: Path) -> None:
    """Judged as of a day before the Measures took effect, a late filing is no violation."""
    pack = _pack(tmp_path)
    assert _outcome(pack, _site("2004-06-01"), D(2004, 7, 31)) == Outcome.NOT_IN_FORCE
    assert _outcome(pack, _site("2004-06-01"), D(2004, 8, 1)) == Outcome.VIOLATED


def test_the_date_that_matters(tmp_path: Path) -> None:
    """With dated_by, a site that went online before the Measures took effect is judged by
    that date, whatever the as-of date; one online after it is judged normally."""
    pack = _pack(tmp_path, rule={"dated_by": "network_access_date"})
    assert _outcome(pack, _site("2004-07-31"), D(2010, 1, 1)) == Outcome.NOT_IN_FORCE
    assert _outcome(pack, _site("2004-08-01"), D(2010, 1, 1)) == Outcome.VIOLATED
    # no access date recorded: the as-of date decides
    site = _site("2004-08-01")
    del site["network_access_date"]
    assert _outcome(pack, site, D(2004, 7, 1)) == Outcome.NOT_IN_FORCE


def test_each_item_of_a_list_is_judged_on_its_own_date(tmp_path: Path) -> None:
    """'@effective' is the pack's effective date: a list rule keeps only the acts done under
    the law (2004-08-01), so an incident of 2004-07-31 is not judged and one of 08-01 is."""
    rule = {
        "when": {
            "some": "incidents",
            "where": {"value": {"date": "detected_at"}, "ge": "@effective"},
        },
        "requires": {
            "every": "incidents",
            "where": {"value": {"date": "detected_at"}, "ge": "@effective"},
            "require": {"present": "reported_at"},
        },
        "message": {"en": "an incident not reported", "zh": "违法案件未报告"},
    }
    pack = _pack(tmp_path, rule=rule)

    def site(day: str) -> dict[str, Any]:
        return {**_site("2024-03-04"), "incidents": [{"detected_at": f"{day}T23:59:00"}]}

    assert _outcome(pack, site("2004-07-31"), D(2024, 1, 1)) == Outcome.NOT_APPLICABLE
    assert _outcome(pack, site("2004-08-01"), D(2024, 1, 1)) == Outcome.VIOLATED


def test_effective_needs_an_effective_date(tmp_path: Path) -> None:
    """'@effective' in a pack without meta.effective is a positioned load error."""
    import pytest

    data = dict(MINI)
    data["meta"] = {**MINI["meta"], "effective": None}
    data["rules"] = [{**FILING_RULE, "when": {"field": "network_access_date", "ge": "@effective"}}]
    data["tests"] = {}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(egovrules.PackError) as info:
        egovrules.load_pack(path)
    assert "E205" in str(info.value) and "'@effective' is meta.effective" in str(info.value)


def test_dated_parameter_versions(tmp_path: Path) -> None:
    """An amendment shortening the period to 10 days applies to sites online after it."""
    versions = {
        "values": [{"from": "2004-08-01", "value": 15}, {"from": "2020-01-01", "value": 10}],
        "unit": "calendar_days",
        "cite": {"article": 2, "paragraph": 2},
    }
    pack = _pack(
        tmp_path,
        rule={"dated_by": "network_access_date"},
        parameters={"police_filing_days": versions},
    )
    # filed on day 12: in time under the 15-day version, late under the 10-day one
    assert _outcome(pack, _site("2019-06-01", "2019-06-13"), D(2024, 1, 1)) == Outcome.SATISFIED
    assert _outcome(pack, _site("2021-06-01", "2021-06-13"), D(2024, 1, 1)) == Outcome.VIOLATED
    (v,) = pack.check(_site("2021-06-01"), as_of=D(2024, 1, 1)).violations
    assert v.message.endswith("limit 10")


def test_upcoming_names_who_must_act(tmp_path: Path) -> None:
    """A running deadline reports the due date, the days left, the unit that must act and
    the authority it answers to."""
    pack = _pack(tmp_path, rule={"actor": "owner_department", "authority": "$police"})
    (up,) = pack.check(_site("2024-03-04"), as_of=D(2024, 3, 10)).upcoming
    assert (up.due, up.days_left, up.actor) == (D(2024, 3, 19), 9, "市民政局")
    assert up.authority_in("zh") == "市公安部门"
    assert up.authority_in("en") == "municipal public security department"
    assert up.awaiting is None  # the rule does not say who must act while it runs


def test_a_running_deadline_says_who_must_act_when_the_rule_does(tmp_path: Path) -> None:
    """A deadline rule's ``awaiting`` names who must act while the deadline runs: here the
    unit, which must file with the police."""
    rule = {"actor": "owner_department", "authority": "$police", "awaiting": "actor"}
    (up,) = _pack(tmp_path, rule=rule).check(_site("2024-03-04"), as_of=D(2024, 3, 10)).upcoming
    assert (up.awaiting, up.awaiting_in("en")) == ("actor", "市民政局")
    assert up.status() == "due 2024-03-19 (9 day(s) left), awaiting 市民政局"


def test_weekday_fallback_is_opt_in(tmp_path: Path) -> None:
    """Outside the holiday calendar's years a working-day deadline is undetermined, unless
    the weekday fallback is chosen: then Monday to Friday count."""
    rule = {
        "requires": {
            "deadline": {
                "start": "network_access_date",
                "within": "$seven",
                "done": "police_filing.date",
            }
        }
    }
    seven = {"seven": {"value": 7, "unit": "working_days", "cite": {"article": 2}}}
    strict = _pack(tmp_path, rule=rule, parameters=seven)
    site = _site("2031-03-03", "2031-03-12")  # Monday; 7 weekdays later is Wednesday 03-12
    assert _outcome(strict, site, D(2031, 6, 1)) == Outcome.UNDETERMINED
    loose = _pack(tmp_path, rule=rule, parameters=seven, weekday_fallback=True)
    assert _outcome(loose, site, D(2031, 6, 1)) == Outcome.SATISFIED
    assert _outcome(loose, _site("2031-03-03", "2031-03-13"), D(2031, 6, 1)) == Outcome.VIOLATED


def test_waivers_need_a_reason_and_expire(tmp_path: Path) -> None:
    """A waiver with a reason holds until its expiry date; then the violation is back and the
    expired waiver is reported too. A waiver without a reason is invalid input."""
    pack = _pack(tmp_path)
    waiver = {
        "rule": "website.police_filing",
        "reason": "filing office closed",
        "expires": "2024-12-31",
    }
    site = {**_site("2024-03-04"), "waivers": [waiver]}
    held = pack.check(site, as_of=D(2024, 6, 1))
    assert held.violations == () and held.compliant
    ((v, w),) = held.waived
    assert (v.rule_id, w.reason) == ("mini.website.police_filing", "filing office closed")
    lapsed = pack.check(site, as_of=D(2025, 1, 1))
    assert [v.rule_id for v in lapsed.violations] == ["mini.website.police_filing"]
    assert lapsed.expired_waivers == (egovrules.parse_subject(site).waivers[0],)
    import pytest

    with pytest.raises(egovrules.SubjectError) as caught:
        egovrules.parse_subject({**site, "waivers": [{**waiver, "reason": ""}]})
    ((code, loc),) = [(d.code, d.loc) for d in caught.value.diagnostics]
    assert (code, loc) == ("E300", ("waivers", 0, "reason"))


def test_city_page_says_which_date_a_rule_is_judged_on() -> None:
    """The generated city page tells a lawyer which act's date decides whether the Measures
    bind (Wuhan 第二十四条): the use rule on the start of use, the police filing on access."""
    from egovrules.authoring.pages import city_page

    page = city_page(egovrules.load_pack("wuhan"))
    use = page.split("### `wuhan.project.no_use_without_acceptance`")[1].split("### ")[0]
    assert "- Judged by the law in force on: operation_start_date (before 2004-08-01" in use
    assert "Judged by the law in force on" not in city_page(egovrules.load_pack("tianjin"))
