"""The fold: a history of events becomes the subject it describes.

``apply_event(subject, event)`` returns the subject after one event (``None`` before the
subject's first event); ``fold(events)`` applies a whole history, subject by subject. Each
event type maps to the subject fields written out once below (and tabled in docs/monitor.md);
``day`` is the event's date and ``at`` its timestamp. Every result is validated by the subject
model, so a fold never builds a subject that a subject file could not hold.

The fold is pure: it never changes the subject it is given and never evaluates a rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from egovrules.monitoring.events import model as m
from egovrules.monitoring.events.model import Event, EventError
from egovrules.source.errors import Diagnostic
from egovrules.subjects import SUBJECT_MODELS, Subject

__all__ = ["apply_event", "fold"]

Data = dict[str, Any]


def fold(events: Iterable[Event]) -> dict[str, Subject]:
    """The subjects a history describes, by subject id, each after its last event."""
    subjects: dict[str, Subject] = {}
    for event in events:
        subjects[event.subject_id] = apply_event(subjects.get(event.subject_id), event)
    return subjects


def apply_event(subject: Subject | None, event: Event) -> Subject:
    """The subject after ``event`` (``subject`` is ``None`` before its first event).

    Raises ``EventError`` when the event is about another subject or kind, when it needs a
    record the subject does not have (an answer to no request), or when the result is not a
    valid subject (a network request whose first event gives no request type).
    """
    if subject is None:
        data = {**_DEFAULTS[event.subject_kind], "id": event.subject_id, "kind": event.subject_kind}
    elif subject.id != event.subject_id or subject.kind != event.subject_kind:
        wrong = "subject_id" if subject.id != event.subject_id else "subject_kind"
        raise _error(event, f"the event is not about {subject.kind} {subject.id!r}", (wrong,))
    else:
        data = subject.model_dump()
    match event.subject_kind:
        case "project":
            _project(data, event)
        case "website":
            _website(data, event)
        case "network":
            _network(data, event)
        case "department":
            _department(data, event)
    try:
        return SUBJECT_MODELS[event.subject_kind].model_validate(data)  # type: ignore[return-value]
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(map(str, first["loc"]))
        path, key = _written(event, first["loc"], data)
        # a field the model does not have: the key that names it is what is wrong
        key = key or (first["type"] == "extra_forbidden" and bool(path))
        raise _error(
            event,
            f"the {event.subject_kind} is not valid after it: {where}: {first['msg']}",
            path,
            key=key,
        ) from None


def _defaults(kind: str) -> Data:
    """A new subject's fields: every field's default, nested records dumped."""
    out: Data = {}
    for name, f in SUBJECT_MODELS[kind].model_fields.items():
        if not f.is_required():
            value = f.get_default(call_default_factory=True)
            out[name] = value.model_dump() if isinstance(value, BaseModel) else value
    return out


# Read-only: the fold copies every record it changes, never changing one in place.
_DEFAULTS = {kind: _defaults(kind) for kind in SUBJECT_MODELS}


def _common(data: Data, event: Event) -> bool:
    """Events every kind shares; True when ``event`` was one."""
    match event.payload:
        case m.Registered(attributes=attributes):
            _keep_identity(data, attributes, event, "attributes")
            data.update(attributes)
        case m.Updated(set=changes):
            _keep_identity(data, changes, event, "set")
            for dotted, value in changes.items():
                _assign(data, dotted.split("."), value, event)
        case m.WaiverGranted() as p:
            data["waivers"] = [*data["waivers"], p.model_dump()]
        case _:
            return False
    return True


def _keep_identity(data: Data, fields: dict[str, Any], event: Event, name: str) -> None:
    """Refuse a change of the subject's id or kind: the events of a subject name it by both,
    so a subject whose id or kind changed could take no further event, and the monitor would
    file it under one id and judge it under another."""
    for key in ("id", "kind"):
        if key in fields and fields[key] != data[key]:
            path = ("payload", name, key)
            raise _error(event, f"{event.type} {key} {fields[key]!r} differs", path, key=True)


def _project(d: Data, event: Event) -> None:
    day = event.day
    match event.payload:
        case m.Declared() as p:
            d["declaration"] = {**p.model_dump(), "submitted_date": day}
        case m.CorrectionRequested():
            _record(d, "declaration", event)["correction_notice_date"] = day
        case m.DeclarationCorrected(materials=materials):
            declaration = _record(d, "declaration", event)
            declaration["corrected_date"] = day
            if materials is not None:
                declaration["materials"] = materials.model_dump()
        case m.DeclarationForwarded():
            _record(d, "declaration", event)["forwarded_date"] = day
        case m.DeclarationHandled(status=status):
            _record(d, "declaration", event)["status"] = status
        case m.Reviewed() as p:
            d["reviews"] = [*d["reviews"], {**p.model_dump(), "date": day}]
        case m.OpinionIssued(issued_by=by):
            d["evaluation_opinion"] = {"issued_by": by, "date": day}
        case m.ApprovalApplied() as p:
            d["approval_application"] = {**p.model_dump(), "submitted_date": day}
        case m.ApplicationReceived():
            _record(d, "approval_application", event)["received_date"] = day
        case m.Approved(total_investment=total) as p:
            approval = p.model_dump(exclude={"total_investment"})
            d["approvals"] = [*d["approvals"], {**approval, "date": day}]
            if total is not None:
                d["approved_total_investment"] = total
            application = d.get("approval_application")
            if p.kind == "project_establishment" and application is not None:
                application.setdefault("decision_date", None)
                if application["decision_date"] is None:
                    application["decision_date"] = day
        case m.BudgetAdjusted(total_investment=total):
            d["current_total_investment"] = total
        case m.Reapproved(approver=approver, total_investment=total):
            approval = {"kind": "re_approval", "approver": approver, "date": day}
            d["approvals"] = [*d["approvals"], approval]
            if total is not None:
                d["approved_total_investment"] = total
        case m.ProgrammeChanged():
            d["major_programme_change_date"] = day
        case m.IncreaseImplemented():
            d["investment_increase_date"] = day
        case m.Procured(method=method):
            d["procurement"] = {"method": method, "date": day}
        case m.ContractSigned():
            d["contract_signed_date"] = day
        case m.ConstructionStarted():
            d["construction_start_date"] = day
        case m.Completed():
            d["completion_date"] = day
        case m.AcceptanceApplied(applied_to=to):
            d["acceptance"] = {**(d.get("acceptance") or {}), "applied_date": day, "applied_to": to}
        case m.Accepted(result=result, organised_by=organisers):
            d["acceptance"] = {
                **(d.get("acceptance") or {}),
                "date": day,
                "result": result,
                "organised_by": organisers,
            }
        case m.TrialOperationEnded():
            d["trial_operation_end_date"] = day
        case m.PutIntoOperation():
            d["operation_start_date"] = day
        case m.Paid(kind=kind, amount=amount):
            d["payments"] = [*d["payments"], {"kind": kind, "date": day, "amount": amount}]
        case m.ProgressReported(to=to):
            d["progress_reports"] = [*d["progress_reports"], {"to": to, "date": day}]
        case m.FinalAccountsReported(to=to):
            d["final_accounts_reported_to"] = to
        case m.InfoRequested(requested_by=by):
            d["info_requests"] = [*d["info_requests"], {"requested_by": by, "date": day}]
        case m.InfoAnswered(truthful=truthful):
            requests = [dict(r) for r in d["info_requests"]]
            open_ = [r for r in requests if not r["answered"]]
            if not open_:
                raise _error(event, "no information request is open")
            open_[-1].update(answered=True, truthful=truthful)
            d["info_requests"] = requests
        case m.Filed(authority=authority, tech_security_plan=plan):
            d["filing"] = {"authority": authority, "date": day, "tech_security_plan": plan}
        case _:
            _common_or_fail(d, event)


def _website(d: Data, event: Event) -> None:
    day = event.day
    match event.payload:
        case m.Online():
            d["network_access_date"] = day
        case m.InteractiveColumnOpened():
            d["has_interactive_columns"] = True
        case m.ImportantInfoPublished():
            d["publishes_important_party_gov_info"] = True
        case m.PoliceFiled(authority=authority):
            d["police_filing"] = {"authority": authority, "date": day}
        case m.IncidentDetected(kind=kind):
            d["incidents"] = [*d["incidents"], {"kind": kind, "detected_at": _moment(event.at)}]
        case m.IncidentReported(kind=kind):
            incidents = [dict(i) for i in d["incidents"]]
            open_ = [
                i
                for i in incidents
                if i["reported_at"] is None and (kind is None or i["kind"] == kind)
            ]
            if not open_:
                if kind is None:
                    raise _error(event, "no unreported incident to report")
                raise _error(event, f"no unreported {kind} to report", ("payload", "kind"))
            open_[0]["reported_at"] = _moment(event.at)
            d["incidents"] = incidents
        case m.OnlineServiceOpened(service=service):
            d["online_services"] = [*d["online_services"], service.model_dump()]
        case _:
            _common_or_fail(d, event)


def _network(d: Data, event: Event) -> None:
    day = event.day
    match event.payload:
        case m.Requested(request_type=kind, written=written, submitted_to=to, egress_point=point):
            d["request_type"] = kind
            d["application"] = {"written": written, "submitted_to": to, "date": day}
            if point is not None:
                d["egress_point"] = point
        case m.NetworkApproved(authority=authority):
            d["approval"] = {"authority": authority, "date": day}
        case m.Filed(authority=authority, tech_security_plan=plan):
            d["filing"] = {"authority": authority, "date": day, "tech_security_plan": plan}
        case m.ProgrammeApproved():
            d["tech_security_programme_approved"] = True
        case m.ConstructionStarted():
            d["construction_start_date"] = day
        case m.Opened():
            d["go_live_date"] = day
        case _:
            _common_or_fail(d, event)


def _department(d: Data, event: Event) -> None:
    day = event.day
    match event.payload:
        case m.CatalogueSubmitted(submitted_to=to):
            d["resource_catalogue"] = {
                **(d.get("resource_catalogue") or {}),
                "submitted_to": to,
                "date": day,
            }
        case m.CatalogueUpdated():
            d["resource_catalogue"] = {**(d.get("resource_catalogue") or {}), "last_updated": day}
        case m.PlanRecorded(plan=plan):
            d["plans"] = [*d["plans"], plan.model_dump()]
        case m.FundsArranged() as p:
            d["special_funds"] = [*d["special_funds"], p.model_dump()]
        case m.OfficerPosted(name=name):
            _officer(d, name)["post_start_date"] = day
        case m.OfficerTrained(name=name, trained_by=by):
            _officer(d, name).update(training_passed_date=day, trained_by=by)
        case m.ProjectCallIssued(plan_year=year):
            d["project_call_plan_year"] = year
            d["project_call_date"] = day
        case _:
            _common_or_fail(d, event)


def _common_or_fail(data: Data, event: Event) -> None:
    if not _common(data, event):  # pragma: no cover - EVENT_TYPES and the fold list the same
        raise _error(event, f"no fold for {event.subject_kind} event {event.type!r}")


def _record(d: Data, name: str, event: Event) -> Data:
    """The nested record ``name``, copied so the caller may change it; an error if absent."""
    record = d.get(name)
    if record is None:
        raise _error(event, f"the {event.subject_kind} has no {name} yet")
    d[name] = dict(record)
    return d[name]  # type: ignore[no-any-return]


def _officer(d: Data, name: str) -> Data:
    """The information officer called ``name``, added when new."""
    officers = [dict(o) for o in d["info_officers"]]
    d["info_officers"] = officers
    for officer in officers:
        if officer["name"] == name:
            return officer
    officers.append({"name": name})
    return officers[-1]


def _moment(at: dt.date) -> dt.datetime:
    """A timestamp as a date-time: a bare date is its midnight."""
    return at if isinstance(at, dt.datetime) else dt.datetime.combine(at, dt.time())


def _assign(data: Data, parts: list[str], value: Any, event: Event) -> None:
    """Set a dotted path in the dumped subject; null resets the field to its default."""
    target: Any = data
    for i, part in enumerate(parts[:-1]):
        child = target.get(part) if isinstance(target, dict) else None
        if child is None:
            child = {}
        elif not isinstance(child, dict):
            dotted = ".".join(parts)
            raise _error(
                event,
                f"cannot set {dotted}: {'.'.join(parts[: i + 1])} is not a record",
                ("payload", "set", dotted),
                key=True,
            )
        target[part] = child = dict(child)
        target = child
    if value is None:
        target.pop(parts[-1], None)
    else:
        target[parts[-1]] = value


def _written(event: Event, loc: tuple[Any, ...], data: Data) -> tuple[tuple[Any, ...], bool]:
    """Where in the event the subject field at ``loc`` was written, for an error about it:
    the value an update's ``set`` key or a registration's attribute gave it (or within it),
    or the key that made a record of a field that is not one (``name.x``, when ``name`` is
    text); the payload field of any other event that gave it (``_payload_field``); ``()``, the
    whole event, when the event's own fields wrote it."""
    match event.payload:
        case m.Updated(set=changes):
            for dotted in changes:
                parts = tuple(dotted.split("."))
                if loc[: len(parts)] == parts:
                    return ("payload", "set", dotted, *loc[len(parts) :]), False
                if loc and parts[: len(loc)] == loc:
                    return ("payload", "set", dotted), True
        case m.Registered(attributes=attributes):
            if loc and loc[0] in attributes:
                return ("payload", "attributes", *loc), False
        case payload:
            return _payload_field(payload, loc, data), False
    return (), False


def _payload_field(payload: m.Payload, loc: tuple[Any, ...], data: Data) -> tuple[Any, ...]:
    """The payload field given in the event that wrote the subject field at ``loc`` (in the
    folded ``data``): the last step of ``loc`` that is named for it, or ends in its name
    (``declaration.plan_year``, ``payments.0.amount``; ``approved_total_investment`` from
    ``total_investment``), the longest name when two fit, and that holds the value the field
    gave. ``()`` when none is: a name alone does not say the event wrote the field
    (``current_total_investment`` is not an approval's ``total_investment``)."""
    given = payload.model_dump()
    for i in range(len(loc) - 1, -1, -1):
        step = loc[i]
        named = [
            name
            for name in payload.model_fields_set
            if isinstance(step, str) and (step == name or step.endswith(f"_{name}"))
        ]
        for name in sorted(named, key=len, reverse=True):
            if _at(data, loc[: i + 1]) == given[name]:
                return ("payload", name, *loc[i + 1 :])
    return ()


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    """The value at ``path`` (keys and indexes) in ``data``; ``_ABSENT`` when there is none."""
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return _ABSENT
    return data


_ABSENT = object()


def _error(
    event: Event, message: str, path: tuple[Any, ...] = (), *, key: bool = False
) -> EventError:
    """An error about ``event``; ``path`` says where in its data (``()``: the whole event),
    ``key`` that it is the key at ``path`` that is wrong, not its value."""
    return EventError(
        [
            Diagnostic(
                "E501",
                f"{event.subject_kind} {event.subject_id!r}, {event.type} "
                f"at {event.at.isoformat()}: {message}",
                path=path,
                key=key,
            )
        ]
    )
