"""The event vocabulary and the fold: each event sets the subject fields docs/monitor.md says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from egovrules.monitoring.events import (
    EVENT_TYPES,
    Event,
    EventError,
    apply_event,
    fold,
    parse_event,
)
from egovrules.subjects import Department, NetworkRequest, Project, Website

DOCS = __import__("pathlib").Path(__file__).resolve().parents[1] / "docs" / "monitor.md"


def ev(kind: str, sid: str, etype: str, at: str, /, **payload: Any) -> Event:
    return parse_event(
        {"subject_id": sid, "subject_kind": kind, "type": etype, "at": at, "payload": payload}
    )


def test_website_life_cycle_folds_to_the_site() -> None:
    """Going online, opening an interactive column and filing with the police set the network
    access date, the interactive flag and the police filing with its authority and date."""
    site = fold(
        [
            ev("website", "s1", "online", "2026-03-01"),
            ev("website", "s1", "interactive_column_opened", "2026-03-02"),
            ev("website", "s1", "police_filed", "2026-03-10", authority="police"),
        ]
    )["s1"]
    assert isinstance(site, Website)
    assert site.network_access_date == dt.date(2026, 3, 1)
    assert site.has_interactive_columns
    assert site.police_filing is not None
    assert (site.police_filing.authority, site.police_filing.date) == (
        "police",
        dt.date(2026, 3, 10),
    )


def test_incident_times_are_china_time() -> None:
    """An incident's detection and report times are the events' timestamps in China time; a
    report goes to the earliest unreported incident."""
    site = fold(
        [
            ev("website", "s1", "incident_detected", "2026-03-03T02:00:00+00:00"),
            ev("website", "s1", "incident_detected", "2026-03-04"),
            ev("website", "s1", "incident_reported", "2026-03-04T09:00"),
        ]
    )["s1"]
    assert isinstance(site, Website)
    first, second = site.incidents
    assert first.detected_at == dt.datetime(2026, 3, 3, 10, 0)
    assert first.reported_at == dt.datetime(2026, 3, 4, 9, 0)
    assert second.detected_at == dt.datetime(2026, 3, 4) and second.reported_at is None


def test_project_budget_and_approvals() -> None:
    """An establishment approval fixes the approved investment, a budget adjustment the current
    one, a re-approval adds a re_approval item (and may fix a new approved amount)."""
    project = fold(
        [
            ev("project", "p1", "approved", "2026-01-05", total_investment="1000000"),
            ev("project", "p1", "budget_adjusted", "2026-04-01", total_investment="1200000"),
            ev(
                "project",
                "p1",
                "reapproved",
                "2026-04-20",
                approver="dr",
                total_investment="1200000",
            ),
        ]
    )["p1"]
    assert isinstance(project, Project)
    assert project.current_total_investment == Decimal("1200000")
    assert project.approved_total_investment == Decimal("1200000")
    assert [(a.kind, a.date) for a in project.approvals] == [
        ("project_establishment", dt.date(2026, 1, 5)),
        ("re_approval", dt.date(2026, 4, 20)),
    ]


def test_acts_judged_on_their_own_day_carry_it() -> None:
    """Carrying out an investment increase (Shantou 第二十条 经批准后实施) and starting to build
    a network (Tianjin Art. 9 ¶2 'shall not be established') set the dates those rules judge."""
    folded = fold(
        [
            ev("project", "p1", "increase_implemented", "2026-06-01"),
            ev(
                "network",
                "n1",
                "requested",
                "2026-01-05",
                request_type="independent_physical_network",
            ),
            ev("network", "n1", "construction_started", "2026-02-01"),
            ev("network", "n1", "opened", "2026-05-01"),
        ]
    )
    project, network = folded["p1"], folded["n1"]
    assert isinstance(project, Project)
    assert project.investment_increase_date == dt.date(2026, 6, 1)
    assert isinstance(network, NetworkRequest)
    assert (network.construction_start_date, network.go_live_date) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 5, 1),
    )


def test_acceptance_operation_and_payment_dates() -> None:
    """Acceptance, putting into operation and payments carry the events' dates."""
    project = fold(
        [
            ev("project", "p1", "put_into_operation", "2026-05-01"),
            ev("project", "p1", "accepted", "2026-05-10", result="passed", organised_by=["x"]),
            ev("project", "p1", "paid", "2026-05-11", kind="om", amount="100"),
        ]
    )["p1"]
    assert isinstance(project, Project)
    assert project.operation_start_date == dt.date(2026, 5, 1)
    assert project.acceptance is not None
    assert (project.acceptance.date, project.acceptance.result) == (dt.date(2026, 5, 10), "passed")
    assert [(p.kind, p.date) for p in project.payments] == [("om", dt.date(2026, 5, 11))]


def test_registered_and_updated_set_attributes() -> None:
    """``registered`` records attributes; ``updated`` sets dotted paths, null resets a field."""
    site = fold(
        [
            ev("website", "s1", "registered", "2026-01-01", attributes={"name": "x"}),
            ev("website", "s1", "updated", "2026-01-02", set={"consultation.column": True}),
            ev("website", "s1", "updated", "2026-01-03", set={"name": None}),
        ]
    )["s1"]
    assert isinstance(site, Website)
    assert site.consultation.column and site.name is None


def test_fold_does_not_change_its_input() -> None:
    """Applying an event returns a new subject; the old one is unchanged."""
    before = fold([ev("project", "p1", "paid", "2026-05-11", kind="om")])["p1"]
    after = apply_event(before, ev("project", "p1", "paid", "2026-05-12", kind="balance"))
    assert len(before.payments) == 1 and len(after.payments) == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"subject_kind": "website", "type": "online", "at": "2026-01-01"}, "subject_id"),
        (
            {"subject_id": "s", "subject_kind": "website", "type": "opened", "at": "2026-01-01"},
            "unknown website event type 'opened'",
        ),
        (
            {"subject_id": "s", "subject_kind": "ship", "type": "online", "at": "2026-01-01"},
            "subject_kind",
        ),
        (
            {
                "subject_id": "s",
                "subject_kind": "project",
                "type": "paid",
                "at": "2026-01-01",
                "payload": {"kind": "tip"},
            },
            "payload.kind: Input should be",
        ),
        ({"subject_id": "s", "subject_kind": "website", "type": "online", "at": "yesterday"}, "at"),
    ],
)
def test_bad_events_are_event_errors(raw: dict[str, Any], fragment: str) -> None:
    """An invalid event is an ``EventError`` naming what is wrong."""
    with pytest.raises(EventError) as exc:
        parse_event(raw)
    assert fragment in str(exc.value)


@pytest.mark.parametrize(
    ("events", "fragment"),
    [
        ([ev("network", "n1", "opened", "2026-01-01")], "request_type"),
        ([ev("project", "p1", "info_answered", "2026-01-01")], "no information request is open"),
        ([ev("website", "s1", "incident_reported", "2026-01-01")], "no unreported incident"),
        ([ev("project", "p1", "correction_requested", "2026-01-01")], "no declaration yet"),
        (
            [
                ev("website", "x", "online", "2026-01-01"),
                ev("project", "x", "paid", "2026-01-02", kind="om"),
            ],
            "not about website",
        ),
        # an update may not rename the subject or change its kind: its later events, which
        # name it by the old id, would all be refused, and the monitor judged it as another
        ([ev("website", "x", "updated", "2026-01-01", set={"id": "y"})], "updated id 'y' differs"),
        ([ev("website", "x", "updated", "2026-01-01", set={"id": None})], "updated id None"),
        (
            [ev("website", "x", "updated", "2026-01-01", set={"kind": "project"})],
            "updated kind 'project' differs",
        ),
        (
            [ev("website", "x", "registered", "2026-01-01", attributes={"id": "y"})],
            "registered id 'y' differs",
        ),
    ],
)
def test_events_that_cannot_apply(events: list[Event], fragment: str) -> None:
    """An event the subject cannot take is an ``EventError``: a network request needs a request
    type from its first event, an answer needs an open request."""
    with pytest.raises(EventError) as exc:
        fold(events)
    assert fragment in str(exc.value)


def test_every_event_type_is_documented() -> None:
    """docs/monitor.md tables every event type of every kind."""
    text = DOCS.read_text(encoding="utf-8")
    for kind, types in EVENT_TYPES.items():
        for etype in types:
            assert f"`{etype}`" in text, (kind, etype)


_KIND = "project_establishment"


def test_an_invalid_field_the_event_did_not_write_is_not_placed_at_its_payload() -> None:
    """An E501 is placed at the payload field that gave the invalid subject field, found by
    name (``approved_total_investment`` from an approval's ``total_investment``): a field
    whose name only ends in the payload field's, invalid before the event (a subject the
    caller built unvalidated), was placed at the event's valid value. Now at the whole event
    (review: ``current_total_investment`` at an approval's ``total_investment: 100``,
    ``project_call_plan_year`` at a grant's ``year: 2026``)."""
    project = Project(id="p").model_copy(update={"current_total_investment": Decimal("1e30")})
    department = Department(id="d").model_copy(update={"project_call_plan_year": 0})
    cases = [
        (project, ev("project", "p", "approved", "2026-03-02", kind=_KIND, total_investment="100")),
        (department, ev("department", "d", "funds_arranged", "2026-03-02", year=2026)),
    ]
    for subject, event in cases:
        with pytest.raises(EventError, match="is not valid after it") as exc:
            apply_event(subject, event)
        assert exc.value.diagnostics[0].path == ()
    # The field the event did write stays placed at its value.
    paid = ev("project", "p", "paid", "2026-03-02", kind="om", amount="0.0000001")
    with pytest.raises(EventError) as exc:
        apply_event(Project(id="p"), paid)
    assert exc.value.diagnostics[0].path == ("payload", "amount")
