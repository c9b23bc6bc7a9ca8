"""The condition language, rule by rule, on small packs written for each case.

Expected outcomes come from the language's documented semantics (docs/pack-format.md), not
from running the code: each case states what a reader of the spec would conclude.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

import egovrules
from egovrules.backends.base import InterpretingBackend
from egovrules.ir.compile import compile_document
from egovrules.law.verdict import Outcome
from egovrules.source.document import read_document
from tests.conftest import FIXTURES
from tests.strategies import subject_data

MINI = yaml.safe_load((FIXTURES / "packs" / "mini.yaml").read_text(encoding="utf-8"))
D = dt.date
AS_OF = D(2024, 6, 1)


def make_pack(
    tmp_path: Path,
    requires: Any,
    *,
    when: Any = None,
    subject: str = "website",
    message: str = "violated",
    base: dict[str, Any] | None = None,
) -> egovrules.Pack:
    """The mini pack (or ``base``) with one rule, written to a file and loaded like any pack."""
    data = dict(base or MINI)
    rule: dict[str, Any] = {
        "id": f"mini.{subject}.probe",
        "concept": "probe.rule",
        "subject": subject,
        "severity": "error",
        "requires": requires,
        "message": {"en": message, "zh": message},
        "cite": {
            "article": 2,
            "paragraph": 1,
            "quote": {"zh": "网站必须建立安全管理制度", "en": "must establish"},
        },
    }
    if when is not None:
        rule["when"] = when
    data["rules"] = [rule]
    data["tests"] = {}
    path = tmp_path / "probe.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return egovrules.load_pack(path)


def outcome(pack: egovrules.Pack, subject: dict[str, Any], as_of: dt.date = AS_OF) -> Outcome:
    """The probe rule's outcome, checked against the reference interpreter too."""
    report = pack.check(subject, as_of=as_of)
    (got,) = report.outcomes.values()
    kind = subject["kind"]
    ref = InterpretingBackend(pack.ruleset).outcomes(kind, egovrules.parse_subject(subject), as_of)
    assert (int(got),) == ref
    return got


W = {"kind": "website", "id": "w"}
P = {"kind": "project", "id": "p"}

V, S, N, PEND = Outcome.VIOLATED, Outcome.SATISFIED, Outcome.NOT_APPLICABLE, Outcome.PENDING


@pytest.mark.parametrize(
    ("requires", "subject", "expected"),
    [
        # a comparison with a null operand is false, whatever the operator
        ({"field": "publication_lag_days", "le": 5}, {}, V),
        ({"field": "publication_lag_days", "gt": 5}, {}, V),
        ({"not": {"field": "publication_lag_days", "gt": 5}}, {}, S),
        ({"field": "publication_lag_days", "le": 5}, {"publication_lag_days": 5}, S),
        ({"field": "publication_lag_days", "eq": None}, {}, S),
        ({"field": "publication_lag_days", "ne": None}, {}, V),
        # a missing record makes the whole path null
        ({"field": "police_filing.date", "ge": D(2024, 1, 1)}, {}, V),
        ({"present": "police_filing.date"}, {"police_filing": {"authority": "x"}}, V),
        ({"present": "police_filing.date"}, {"police_filing": {"date": "2024-01-02"}}, S),
        # present: empty sets and strings are absent
        ({"present": "security_systems"}, {"security_systems": []}, V),
        ({"absent": "url"}, {"url": ""}, S),
        # membership
        (
            {"field": "maintainer.kind", "in": ["agency", "person"]},
            {"maintainer": {"kind": "person"}},
            S,
        ),
        ({"field": "maintainer.kind", "not_in": ["agency"]}, {}, V),
        (
            {"field": "security_systems", "contains_all": ["a", "b"]},
            {"security_systems": ["a", "b", "c"]},
            S,
        ),
        ({"field": "security_systems", "contains_all": ["a", "b"]}, {"security_systems": ["a"]}, V),
        # all / any
        (
            {
                "any": [
                    {"field": "portal_column", "eq": True},
                    {"field": "links_to_portal", "eq": True},
                ]
            },
            {"links_to_portal": True},
            S,
        ),
        (
            {
                "all": [
                    {"field": "portal_column", "eq": True},
                    {"field": "links_to_portal", "eq": True},
                ]
            },
            {"links_to_portal": True},
            V,
        ),
        # quantifiers over records; an empty list satisfies every
        ({"every": "incidents", "require": {"present": "reported_at"}}, {}, S),
        ({"some": "incidents"}, {}, V),
        (
            {
                "every": "incidents",
                "where": {"field": "kind", "eq": "illegal_case"},
                "require": {"value": {"hours_between": ["detected_at", "reported_at"]}, "le": 24},
            },
            {"incidents": [{"detected_at": "2024-03-01T10:00", "reported_at": "2024-03-02T10:00"}]},
            S,
        ),
        (
            {
                "every": "incidents",
                "where": {"field": "kind", "eq": "illegal_case"},
                "require": {"value": {"hours_between": ["detected_at", "reported_at"]}, "le": 24},
            },
            {"incidents": [{"detected_at": "2024-03-01T10:00", "reported_at": "2024-03-02T10:01"}]},
            V,
        ),
        (
            {
                "every": "incidents",
                "where": {"field": "kind", "eq": "illegal_case"},
                "require": {"value": {"hours_between": ["detected_at", "reported_at"]}, "le": 24},
            },
            {"incidents": [{"kind": "security_incident", "detected_at": "2024-03-01T10:00"}]},
            S,
        ),
        # date arithmetic: calendar days from the network access date
        (
            {"value": {"days_between": ["network_access_date", "police_filing.date"]}, "le": 15},
            {"network_access_date": "2024-03-04", "police_filing": {"date": "2024-03-19"}},
            S,
        ),
        (
            {"value": {"days_between": ["network_access_date", "police_filing.date"]}, "le": 15},
            {"network_access_date": "2024-03-04", "police_filing": {"date": "2024-03-20"}},
            V,
        ),
        (
            {"field": "police_filing.date", "le": {"add_days": ["network_access_date", 15]}},
            {"network_access_date": "2024-02-20", "police_filing": {"date": "2024-03-06"}},
            S,
        ),
        ({"value": {"len": "online_services"}, "ge": 2}, {"online_services": [{"item": "a"}]}, V),
        # the evaluation date as an operand
        (
            {"field": "network_access_date", "le": "@as_of"},
            {"network_access_date": "2024-06-01"},
            S,
        ),
        (
            {"field": "network_access_date", "le": "@as_of"},
            {"network_access_date": "2024-06-02"},
            V,
        ),
    ],
)
def test_condition_semantics(
    tmp_path: Path, requires: Any, subject: dict[str, Any], expected: Outcome
) -> None:
    """Each form of the language gives the outcome the spec describes."""
    assert outcome(make_pack(tmp_path, requires), {**W, **subject}) == expected


@pytest.mark.parametrize(
    ("approved", "current", "expected"),
    [
        ("1000000", "1100000", N),  # exactly +10 %: not "more than"
        ("1000000", "1100000.01", V),  # one cent over
        ("1000000", "900000", N),  # a decrease
        ("0", "5", N),  # division by zero yields null: no comparison holds
        (None, "5", N),
    ],
)
def test_ratio_arithmetic_is_exact(
    tmp_path: Path, approved: str | None, current: str, expected: Outcome
) -> None:
    """Budget variance is computed in Decimal: 10 % is never 10.000000000000002 %."""
    when = {
        "value": {
            "div": [
                {"sub": ["current_total_investment", "approved_total_investment"]},
                "approved_total_investment",
            ]
        },
        "gt": "$budget_variance",
    }
    pack = make_pack(
        tmp_path,
        {"some": "approvals", "where": {"field": "kind", "eq": "re_approval"}},
        when=when,
        subject="project",
    )
    subject = {**P, "current_total_investment": current}
    if approved is not None:
        subject["approved_total_investment"] = approved
    assert outcome(pack, subject) == expected


def test_absolute_paths_inside_quantifiers(tmp_path: Path) -> None:
    """Inside 'some', a leading '/' reaches the subject, not the item."""
    requires = {
        "some": "approvals",
        "where": {
            "all": [
                {"field": "kind", "eq": "planning"},
                {"field": "date", "le": {"field": "/construction_start_date"}},
            ]
        },
    }
    pack = make_pack(tmp_path, requires, subject="project")
    base = {**P, "construction_start_date": "2024-05-01"}
    assert outcome(pack, {**base, "approvals": [{"kind": "planning", "date": "2024-05-01"}]}) == S
    assert outcome(pack, {**base, "approvals": [{"kind": "planning", "date": "2024-05-02"}]}) == V


@pytest.mark.parametrize(
    ("filed", "as_of", "expected"),
    [
        ("2024-03-19", D(2024, 6, 1), S),  # day 15 after access: last day in time
        ("2024-03-20", D(2024, 6, 1), V),  # day 16: late
        (None, D(2024, 3, 19), PEND),  # not filed, still in time on the last day
        (None, D(2024, 3, 20), V),  # not filed, the day after the last day
        (None, D(2024, 3, 4), PEND),
    ],
)
def test_deadline_boundaries(
    mini: egovrules.Pack, filed: str | None, as_of: dt.date, expected: Outcome
) -> None:
    """Wuhan-style 15 calendar days from network access, the access day not counted."""
    site = {
        **W,
        "has_interactive_columns": True,
        "network_access_date": "2024-03-04",
        "security_systems": ["info_security_mgmt"],
    }
    if filed:
        site["police_filing"] = {"date": filed}
    report = mini.check(site, as_of=as_of)
    assert report.outcomes["mini.website.police_filing"] == expected
    if expected == PEND:
        (up,) = report.upcoming
        assert up.due == D(2024, 3, 19)
        assert up.days_left == (D(2024, 3, 19) - as_of).days


def test_deadline_not_started_is_satisfied(mini: egovrules.Pack) -> None:
    """No network access date: the filing period has not begun."""
    report = mini.check({**W, "has_interactive_columns": True}, as_of=D(2024, 6, 1))
    assert report.outcomes["mini.website.police_filing"] == S


def test_message_names_actual_values(mini: egovrules.Pack) -> None:
    """The message says when the site went online, that no filing exists, and the limit."""
    site = {
        **W,
        "has_interactive_columns": True,
        "network_access_date": "2026-03-01",
        "security_systems": ["info_security_mgmt"],
    }
    (v,) = mini.check(site, as_of=D(2026, 3, 22)).violations
    assert v.message == "online 2026-03-01, police filing missing after 21 days; limit 15"
    assert v.message_in("zh") == "网络接入2026-03-01,公安备案无"


def test_pack_constants_are_never_spliced_into_code(tmp_path: Path) -> None:
    """A string in a pack that looks like Python is compared as data, never executed."""
    evil = "x') or __import__('os').system('touch PWNED') or ('"
    pack = make_pack(tmp_path, {"field": "url", "eq": evil})
    assert outcome(pack, {**W, "url": evil}) == S
    assert outcome(pack, {**W, "url": "x"}) == V
    assert evil not in "".join(pack._backend.sources.values())
    assert not Path("PWNED").exists()


def test_a_scope_shared_by_rules_is_tested_once_per_check(wuhan: egovrules.Pack) -> None:
    """Wuhan's website rules bound to 政府各部门 ("各区人民政府、市人民政府各部门、…管委会") share
    one scope test: the generated function evaluates it once, and each rule's outcome is still
    the interpreter's on both sides of it (a health bureau's site is outside, a district
    government's inside, a site that does not say is presumed inside)."""
    source = wuhan._backend.sources["website"]
    assert source.count("_s_owner_type in ") == 1
    scoped = [i for i, r in enumerate(wuhan._rules["website"]) if r.scope is not None]
    assert len(scoped) > 1
    reference = InterpretingBackend(wuhan.ruleset)
    for owner in ("health", "district_government", None):
        site = egovrules.parse_subject({**W, "owner_type": owner})
        codes = wuhan.check(site, as_of=D(2026, 3, 22)).codes
        assert codes == reference.outcomes("website", site, D(2026, 3, 22))
        outside = {codes[i] for i in scoped} == {Outcome.NOT_APPLICABLE}
        assert outside == (owner == "health")


@pytest.mark.parametrize(
    ("days", "access", "expected"),
    [
        (15, "9999-12-16", S),  # 15 days later is the calendar's last day: added inline
        (15, "9999-12-17", S),  # 15 days later is past the calendar: a far date, still later
        (-15, "0001-01-16", V),  # 15 days earlier is the calendar's first day
        (-15, "0001-01-15", V),  # 15 days earlier is before the calendar: a far date
    ],
)
def test_a_constant_number_of_days_moves_a_date_to_the_calendars_ends(
    tmp_path: Path, days: int, access: str, expected: Outcome
) -> None:
    """A subject's date plus a constant number of days is added inline up to the calendar's
    last (or first) day, and past it is the far date ``add_days`` gives: each side of the
    edge as the interpreter says, never an overflow."""
    moved = {"add_days": [{"field": "network_access_date"}, days]}
    pack = make_pack(tmp_path, {"value": moved, "ge": "@as_of"})
    assert outcome(pack, {**W, "network_access_date": access}) == expected


def test_compiling_twice_gives_equal_ir() -> None:
    """The IR is a pure function of the pack file."""
    for ref in [FIXTURES / "packs" / "mini.yaml", *egovrules.available_packs()]:
        a = egovrules.load_pack(ref).ruleset
        path = a.rules[0].span.file
        b = compile_document(read_document(path))
        assert a == b


def test_mixed_time_zone_offsets_compare_as_china_time(wuhan: egovrules.Pack) -> None:
    """An incident detected at 22:40+08:00 and reported at 08:00 (no offset, China time) was
    reported 9h20 later; 14:40Z is the same instant as 22:40+08:00."""
    site = {
        **W,
        "incidents": [
            {"detected_at": "2025-11-03T22:40:00+08:00", "reported_at": "2025-11-04T08:00:00"},
            {"detected_at": "2025-11-03T14:40:00Z", "reported_at": "2025-11-04T22:41:00"},
        ],
    }
    subject = egovrules.parse_subject(site)
    assert subject.incidents[1].detected_at == dt.datetime(2025, 11, 3, 22, 40)
    report = wuhan.check(subject, as_of=D(2025, 12, 1))
    assert report.outcomes["wuhan.website.illegal_case_reported_24h"] == V
    ok = subject.model_copy(update={"incidents": subject.incidents[:1]})
    assert (
        wuhan.check(ok, as_of=D(2025, 12, 1)).outcomes["wuhan.website.illegal_case_reported_24h"]
        == S
    )


# The earliest evaluation against the earliest approval: "every approval comes after an
# evaluation" (an approval given before any evaluation was given without one).
EVALUATED_FIRST = {
    "value": {
        "earliest": {
            "of": "date",
            "among": "reviews",
            "where": {"field": "kind", "eq": "authority_evaluation"},
        }
    },
    "le": {
        "earliest": {"of": "date", "among": "approvals", "where": {"field": "kind", "eq": "leader"}}
    },
}


def _acts(
    reviews: list[tuple[str, str | None]], approvals: list[tuple[str, str]]
) -> dict[str, Any]:
    return {
        **P,
        "reviews": [{"kind": k, "date": d} for k, d in reviews],
        "approvals": [{"kind": k, "date": d} for k, d in approvals],
    }


@pytest.mark.parametrize(
    ("reviews", "approvals", "expected"),
    [
        ([("authority_evaluation", "2024-05-01")], [("leader", "2024-05-01")], S),  # same day
        ([("authority_evaluation", "2024-04-30")], [("leader", "2024-05-01")], S),  # day before
        ([("authority_evaluation", "2024-05-02")], [("leader", "2024-05-01")], V),  # day after
        # the first approval decides: a second approval after the evaluation cures nothing
        (
            [("authority_evaluation", "2024-05-02")],
            [("leader", "2024-05-03"), ("leader", "2024-05-01")],
            V,
        ),
        # the first evaluation decides: a later second evaluation does not undo it
        (
            [("authority_evaluation", "2024-05-03"), ("authority_evaluation", "2024-04-01")],
            [("leader", "2024-05-01")],
            S,
        ),
        # only the selected items count: an expert meeting is not an evaluation
        (
            [("expert_group_meeting", "2024-04-01"), ("authority_evaluation", "2024-05-02")],
            [("leader", "2024-05-01"), ("planning", "2024-06-01")],
            V,
        ),
        # an undated evaluation is passed over; with none dated the earliest is null
        ([("authority_evaluation", None)], [("leader", "2024-05-01")], V),
        ([], [("leader", "2024-05-01")], V),  # no evaluation: null compares false
        ([("authority_evaluation", "2024-05-01")], [], V),  # no approval: null compares false
    ],
)
def test_earliest_dates_of_two_lists(
    tmp_path: Path,
    reviews: list[tuple[str, str | None]],
    approvals: list[tuple[str, str]],
    expected: Outcome,
) -> None:
    """``earliest`` takes the first date of the selected items (null when none is dated), so
    that an item of one list is ordered against an item of another."""
    pack = make_pack(tmp_path, EVALUATED_FIRST, subject="project")
    assert outcome(pack, _acts(reviews, approvals)) == expected


def test_latest_and_earliest_say_some_pair_is_in_order(tmp_path: Path) -> None:
    """ "Some review R and some approval A with R.date ≤ A.date" is "earliest review ≤ latest
    approval": checked against that reading, pair by pair, on generated projects."""
    requires = {
        "value": {"earliest": {"of": "date", "among": "reviews"}},
        "le": {"latest": {"of": "date", "among": "approvals"}},
    }
    pack = make_pack(tmp_path, requires, subject="project")
    seen: set[bool] = set()

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=subject_data(egovrules.Project, ["other"]))
    def agree(data: dict[str, Any]) -> None:
        project = egovrules.parse_subject({**data, "kind": "project", "id": "p"})
        some_pair = any(
            r.date is not None and a.date is not None and r.date <= a.date
            for r in project.reviews  # type: ignore[attr-defined]
            for a in project.approvals  # type: ignore[attr-defined]
        )
        seen.add(some_pair)
        (got,) = pack.check(project, as_of=AS_OF).outcomes.values()
        assert got == (S if some_pair else V)

    agree()
    assert seen == {True, False}
