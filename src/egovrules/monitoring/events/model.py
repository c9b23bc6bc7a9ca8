"""The event vocabulary: what can happen to a subject, one pydantic payload model per event type.

An ``Event`` says that something happened to one subject (``subject_id``, ``subject_kind``) at
one time (``at``: a date, or a date-time in China time) and carries a typed ``payload``. The
payload model is chosen by the pair (``subject_kind``, ``type``) from ``EVENT_TYPES``; an
unknown pair or a payload that does not validate is an ``EventError``. What each event does
to the subject is ``egovrules.monitoring.events.fold``; docs/monitor.md has the table.

This module only describes events. It never folds them and never evaluates a rule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from egovrules.source.document import data_diagnostics
from egovrules.source.errors import InputError
from egovrules.subjects.base import ChinaDateTime
from egovrules.subjects.department import Plan
from egovrules.subjects.project import DeclarationMaterials
from egovrules.subjects.website import OnlineService

__all__ = [
    "EVENT_TYPES",
    "Event",
    "EventError",
    "Payload",
    "event_date",
    "parse_event",
]

SubjectKind = Literal["project", "website", "network", "department"]


class EventError(InputError):
    """An event that cannot be used: unknown type, invalid payload, or a subject it cannot
    apply to. Carries positioned diagnostics like every ``InputError``."""


class Payload(BaseModel):
    """Base of every payload: strict keys, immutable once validated."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, defer_build=True
    )


# ---- any kind ----------------------------------------------------------------------------


class Registered(Payload):
    """The subject is recorded with its attributes (any subject field, as in a subject file)."""

    attributes: dict[str, Any] = {}
    """Fields of the subject, e.g. ``{"name": "...", "owner_department": "..."}``."""


class Updated(Payload):
    """Attributes of the subject changed: dotted field paths and their new values."""

    set: dict[str, Any]
    """Dotted paths to new values, e.g. ``{"consultation.column": true}``; null resets a field."""


class WaiverGranted(Payload):
    """An exception to one rule (or concept) was granted to the subject until a date."""

    rule: str = Field(min_length=1)
    """Rule id or concept waived, e.g. ``website.police_filing``."""
    reason: str = Field(min_length=1)
    """Why the rule is waived."""
    expires: dt.date
    """Last day the waiver holds."""


# ---- project -----------------------------------------------------------------------------


class Declared(Payload):
    """The owner unit submitted its declaration (申报)."""

    type: Literal["annual", "special"] = "annual"
    plan_year: int | None = None
    submitted_to: str | None = None
    special_ground: Literal["major_task", "urgent_need", "higher_level_temporary", "none"] = "none"
    materials: DeclarationMaterials = DeclarationMaterials()
    complete: bool = False


class CorrectionRequested(Payload):
    """The receiving authority told the unit to complete or correct its materials (告知补正)."""


class DeclarationCorrected(Payload):
    """The unit completed or corrected its declaration materials (补正)."""

    materials: DeclarationMaterials | None = None


class DeclarationForwarded(Payload):
    """The receiving authority forwarded the declaration (转报)."""


class DeclarationHandled(Payload):
    """The authority accepted (受理) the declaration or found it inadmissible."""

    status: Literal["pending", "accepted", "inadmissible"]


class Reviewed(Payload):
    """A review, evaluation or expert demonstration of the project concluded (评审、论证)."""

    kind: Literal[
        "authority_evaluation",
        "expert_group_meeting",
        "expert_review",
        "third_party_review",
        "preliminary_review",
        "expert_supervision",
    ]
    by: str | None = None
    organised_by: str | None = None
    chaired_by: str | None = None
    result: Literal["passed", "failed", "needs_more_work", "not_in_line"] | None = None
    selection: Literal["open_competition", "direct"] | None = None


class OpinionIssued(Payload):
    """An authority issued its evaluation opinion (评审意见) on the declared project."""

    issued_by: str | None = None


class ApprovalApplied(Payload):
    """The unit applied for project approval (立项申请)."""

    submitted_to: str | None = None
    complete: bool = False
    evaluation_opinion_attached: bool = False
    budget_inclusion_doc_attached: bool = False


class ApplicationReceived(Payload):
    """The authority received (受理) the approval application; the approval period runs."""


class Approved(Payload):
    """An approval or verification (审批/审核) was given; for a project establishment it may
    fix the approved total investment."""

    kind: Literal[
        "leader", "project_establishment", "planning", "re_approval", "app_system", "network"
    ] = "project_establishment"
    approver: str | None = None
    application_received_date: dt.date | None = None
    application_complete: bool = False
    copied_to_finance: bool = False
    total_investment: Decimal | None = None
    """Approved total investment (批准总投资) in yuan, if the approval fixes one."""


class BudgetAdjusted(Payload):
    """The project's total investment estimate (投资概算) changed."""

    total_investment: Decimal
    """The new current total investment, in yuan."""


class Reapproved(Payload):
    """The adjusted project was approved again (重新审核)."""

    approver: str | None = None
    total_investment: Decimal | None = None
    """The newly approved total investment, if the re-approval fixes one."""


class ProgrammeChanged(Payload):
    """A major change to the construction programme (重大调整) took effect."""


class IncreaseImplemented(Payload):
    """The investment above the approved total began to be carried out (实施)."""


class Procured(Payload):
    """Goods and services were bought (招标投标、政府采购)."""

    method: Literal["public_tender", "government_procurement", "direct", "none"]


class ContractSigned(Payload):
    """The project contract was signed (合同签订)."""


class ConstructionStarted(Payload):
    """Construction started (开工)."""


class Completed(Payload):
    """Construction was completed (建成)."""


class AcceptanceApplied(Payload):
    """The owner unit applied for completion acceptance (申请验收)."""

    applied_to: str | None = None


class Accepted(Payload):
    """Completion acceptance (验收) was held."""

    result: Literal["passed", "failed"] = "passed"
    organised_by: frozenset[str] = frozenset()


class TrialOperationEnded(Payload):
    """The trial operation (试运行) ended."""


class PutIntoOperation(Payload):
    """The system formally went into use (投入运行)."""


class Paid(Payload):
    """A disbursement (拨付): the balance, follow-up funds or O&M fees."""

    kind: Literal["balance", "followup", "om"]
    amount: Decimal | None = None


class ProgressReported(Payload):
    """A progress or statistical report was sent to an authority."""

    to: str


class FinalAccountsReported(Payload):
    """The completion final accounts (竣工决算) were reported to an authority."""

    to: str


class InfoRequested(Payload):
    """An authority asked for information about the project."""

    requested_by: str | None = None


class InfoAnswered(Payload):
    """The owner unit answered the latest open information request."""

    truthful: bool = True


class Filed(Payload):
    """A filing (备案) with an authority was made."""

    authority: str | None = None
    tech_security_plan: bool = False


# ---- website -----------------------------------------------------------------------------


class Online(Payload):
    """The site was connected to the network and went online (网络接入)."""


class InteractiveColumnOpened(Payload):
    """The site opened an interactive column (交互栏目): a message board, a mailbox."""


class ImportantInfoPublished(Payload):
    """The site began publishing important Party and government information (重要党政信息)."""


class PoliceFiled(Payload):
    """The site filed (备案) with the public security department."""

    authority: str | None = None


class IncidentDetected(Payload):
    """An illegal case or a security incident was found on the site."""

    kind: Literal["illegal_case", "security_incident"] = "illegal_case"


class IncidentReported(Payload):
    """The earliest unreported incident (of ``kind``, if given) was reported."""

    kind: Literal["illegal_case", "security_incident"] | None = None


class OnlineServiceOpened(Payload):
    """An administrative matter became available online through the site."""

    service: OnlineService


# ---- network -----------------------------------------------------------------------------


class Requested(Payload):
    """The unit applied for network access, a separate Internet egress or a network of its own
    (an egress request is ``request_type: separate_internet_egress``)."""

    request_type: Literal[
        "separate_internet_egress",
        "independent_physical_network",
        "separate_business_network",
        "platform_access",
        "retained_private_network",
    ]
    written: bool = True
    submitted_to: str | None = None
    egress_point: Literal["municipal_central_room", "municipal_extranet", "own"] | None = None


class NetworkApproved(Payload):
    """An authority approved (批准) the request."""

    authority: str | None = None


class ProgrammeApproved(Payload):
    """The technical and security programme (技术和安全方案) was approved."""


class Opened(Payload):
    """The network, egress or connection went live (接入)."""


# ---- department --------------------------------------------------------------------------


class CatalogueSubmitted(Payload):
    """The public information resource catalogue (信息资源目录) was submitted (报送)."""

    submitted_to: str | None = None


class CatalogueUpdated(Payload):
    """The catalogued information was updated (更新)."""


class PlanRecorded(Payload):
    """An e-government plan was drawn up, filed or approved (its dates are in the plan)."""

    plan: Plan


class FundsArranged(Payload):
    """Special e-government funds were arranged for a fiscal year."""

    year: int
    amount: Decimal | None = None
    in_fiscal_budget: bool = False


class OfficerPosted(Payload):
    """An information officer (信息员) took up the post (上岗)."""

    name: str


class OfficerTrained(Payload):
    """An information officer passed the training (培训合格)."""

    name: str
    trained_by: str | None = None


class ProjectCallIssued(Payload):
    """The competent authority issued its call for next-year projects (项目征集)."""

    plan_year: int


_COMMON: dict[str, type[Payload]] = {
    "registered": Registered,
    "updated": Updated,
    "waiver_granted": WaiverGranted,
}

EVENT_TYPES: dict[str, dict[str, type[Payload]]] = {
    "project": {
        **_COMMON,
        "declared": Declared,
        "correction_requested": CorrectionRequested,
        "declaration_corrected": DeclarationCorrected,
        "declaration_forwarded": DeclarationForwarded,
        "declaration_handled": DeclarationHandled,
        "reviewed": Reviewed,
        "opinion_issued": OpinionIssued,
        "approval_applied": ApprovalApplied,
        "application_received": ApplicationReceived,
        "approved": Approved,
        "budget_adjusted": BudgetAdjusted,
        "reapproved": Reapproved,
        "programme_changed": ProgrammeChanged,
        "increase_implemented": IncreaseImplemented,
        "procured": Procured,
        "contract_signed": ContractSigned,
        "construction_started": ConstructionStarted,
        "completed": Completed,
        "acceptance_applied": AcceptanceApplied,
        "accepted": Accepted,
        "trial_operation_ended": TrialOperationEnded,
        "put_into_operation": PutIntoOperation,
        "paid": Paid,
        "progress_reported": ProgressReported,
        "final_accounts_reported": FinalAccountsReported,
        "info_requested": InfoRequested,
        "info_answered": InfoAnswered,
        "filed": Filed,
    },
    "website": {
        **_COMMON,
        "online": Online,
        "interactive_column_opened": InteractiveColumnOpened,
        "important_info_published": ImportantInfoPublished,
        "police_filed": PoliceFiled,
        "incident_detected": IncidentDetected,
        "incident_reported": IncidentReported,
        "online_service_opened": OnlineServiceOpened,
    },
    "network": {
        **_COMMON,
        "requested": Requested,
        "approved": NetworkApproved,
        "filed": Filed,
        "programme_approved": ProgrammeApproved,
        "construction_started": ConstructionStarted,
        "opened": Opened,
    },
    "department": {
        **_COMMON,
        "catalogue_submitted": CatalogueSubmitted,
        "catalogue_updated": CatalogueUpdated,
        "plan_recorded": PlanRecorded,
        "funds_arranged": FundsArranged,
        "officer_posted": OfficerPosted,
        "officer_trained": OfficerTrained,
        "project_call_issued": ProjectCallIssued,
    },
}
"""Payload model of each event type, by subject kind."""


class Event(BaseModel):
    """Something that happened to one subject at one time."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, defer_build=True
    )

    subject_id: str
    """Id of the subject the event is about (the subject's ``id``)."""
    subject_kind: SubjectKind
    """Kind of the subject: ``project``, ``website``, ``network`` or ``department``."""
    type: str
    """Event type, one of ``EVENT_TYPES[subject_kind]``, e.g. ``police_filed``."""
    at: dt.date | ChinaDateTime
    """When it happened: a date, or an ISO date-time (an offset is converted to China time)."""
    payload: Payload = Payload()
    """What happened, validated by the payload model of the event type."""

    @model_validator(mode="before")
    @classmethod
    def _known_type(cls, data: Any) -> Any:
        if isinstance(data, dict):
            types = EVENT_TYPES.get(data.get("subject_kind"))  # type: ignore[arg-type]
            if types is not None and data.get("type") not in types:
                raise ValueError(
                    f"unknown {data.get('subject_kind')} event type {data.get('type')!r}; "
                    f"types: {', '.join(types)}"
                )
            if data.get("payload") is None:  # so that its type's model validates it
                data = {**data, "payload": {}}
        return data

    @field_validator("payload", mode="before")
    @classmethod
    def _typed_payload(cls, payload: Any, info: ValidationInfo) -> Any:
        """The payload validated by its event type's model (``subject_kind`` and ``type``
        are validated first). Its ``ValidationError`` is left to pydantic, which files each of
        its errors under ``payload`` at the field's own place (``payload.authority``), so that
        the error is placed at the bad value, not at the payload."""
        types = EVENT_TYPES.get(info.data.get("subject_kind"))  # type: ignore[arg-type]
        model = types.get(info.data.get("type", "")) if types is not None else None
        if model is None or isinstance(payload, model):
            return payload
        return model.model_validate(payload if payload is not None else {})

    @property
    def day(self) -> dt.date:
        """The date the event happened on (China time)."""
        return event_date(self.at)


def event_date(at: dt.date) -> dt.date:
    """The date of a timestamp (a ``datetime`` is a ``date`` too)."""
    return at.date() if isinstance(at, dt.datetime) else at


def parse_event(data: Any, where: str | None = None) -> Event:
    """Validate raw data (a mapping, e.g. one JSON line) as an ``Event``.

    Raises ``EventError`` naming every problem; ``where`` (e.g. ``events.jsonl:12``) prefixes
    the messages.
    """
    if isinstance(data, Event):
        return data
    try:
        return Event.model_validate(data)
    except ValidationError as exc:
        # Each problem named by its place in the event's data (``path``: where a reader of the
        # line finds it), not by pydantic's validator tags.
        lead = f"{where}: " if where else ""
        raise EventError(
            [
                dataclasses.replace(d, message=lead + d.message)
                for d in data_diagnostics(exc, data, "E500")
            ]
        ) from None
