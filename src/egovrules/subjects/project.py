"""The ``Project`` subject: an e-government construction project through its life cycle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field

from egovrules.subjects.base import Filing, Record, SubjectBase

__all__ = [
    "Acceptance",
    "ApplicationConditions",
    "Approval",
    "ApprovalApplication",
    "Declaration",
    "DeclarationMaterials",
    "Documents",
    "EvaluationOpinion",
    "InfoRequest",
    "Payment",
    "Procurement",
    "ProgressReport",
    "Project",
    "Review",
]

FundingSource = Literal[
    "government_full",
    "government_partial",
    "government_financed",
    "franchise",
    "ppp",
    "non_government",
]


class Documents(Record):
    """Preparatory documents the owner unit has drawn up."""

    proposal: bool = False
    feasibility_study: bool = False
    preliminary_design: bool = False
    conforms_to_construction_norms: bool = False


class ApplicationConditions(Record):
    """Conditions an application for a project must meet (Hohhot Art. 8 (a), (b), (d), (e))."""

    clear_goal: bool = False
    user_needs: bool = False
    security_and_sharing: bool = False
    competent_dept_consent: bool = False


class InfoRequest(Record):
    """A request for information about the project from an authority, and its answer."""

    requested_by: str | None = None
    date: dt.date | None = None
    answered: bool = False
    truthful: bool = False


class DeclarationMaterials(Record):
    """Materials attached to an annual or special declaration."""

    necessity_feasibility: bool = False
    content: bool = False
    technical_specs: bool = False
    investment_estimate: bool = False
    implementation_plan: bool = False


class Declaration(Record):
    """The project's declaration (申报) to the competent authority."""

    type: Literal["annual", "special"] = "annual"
    plan_year: int | None = None
    submitted_date: dt.date | None = None
    submitted_to: str | None = None
    special_ground: Literal["major_task", "urgent_need", "higher_level_temporary", "none"] = "none"
    materials: DeclarationMaterials = Field(default_factory=DeclarationMaterials)
    complete: bool = False
    correction_notice_date: dt.date | None = None
    corrected_date: dt.date | None = None
    forwarded_date: dt.date | None = None
    status: Literal["pending", "accepted", "inadmissible"] | None = None


class Review(Record):
    """A review, evaluation or demonstration of the project."""

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
    date: dt.date | None = None
    result: Literal["passed", "failed", "needs_more_work", "not_in_line"] | None = None
    selection: Literal["open_competition", "direct"] | None = None


class Approval(Record):
    """An approval or verification (审批/审核) given by an authority."""

    kind: Literal[
        "leader",
        "project_establishment",
        "planning",
        "re_approval",
        "app_system",
        "network",
    ]
    approver: str | None = None
    application_received_date: dt.date | None = None
    application_complete: bool = False
    date: dt.date | None = None
    copied_to_finance: bool = False


class Procurement(Record):
    """How the project's goods and services were bought."""

    method: Literal["public_tender", "government_procurement", "direct", "none"] = "none"
    date: dt.date | None = None


class Acceptance(Record):
    """Completion acceptance (验收)."""

    applied_date: dt.date | None = None
    applied_to: str | None = None
    organised_by: frozenset[str] = frozenset()
    date: dt.date | None = None
    result: Literal["passed", "failed"] | None = None


class Payment(Record):
    """A disbursement: the balance, follow-up funds, or operation and maintenance fees."""

    kind: Literal["balance", "followup", "om"]
    date: dt.date
    amount: Decimal | None = None


class ProgressReport(Record):
    """A progress or statistical report sent to an authority."""

    to: str
    date: dt.date | None = None


class EvaluationOpinion(Record):
    """The evaluation opinion (è¯å®¡æè§) an authority issues on a declared project."""

    issued_by: str | None = None
    date: dt.date | None = None


class ApprovalApplication(Record):
    """An application for project approval (ç«é¡¹ç³è¯·) and how the authority handled it."""

    submitted_to: str | None = None
    submitted_date: dt.date | None = None
    received_date: dt.date | None = None
    complete: bool = False
    evaluation_opinion_attached: bool = False
    budget_inclusion_doc_attached: bool = False
    decision_date: dt.date | None = None
    copied_to_finance_date: dt.date | None = None


class Project(SubjectBase):
    """An e-government construction project."""

    kind: Literal["project"] = "project"
    owner_unit: str | None = None
    level: Literal["municipal", "district", "county"] | None = None
    category: Literal["engineering", "equipment", "software", "service"] | None = None
    nature: Literal["new", "alteration", "expansion"] | None = None
    funding_source: FundingSource | None = None
    national_provincial_arranged: bool = False
    is_classified: bool = False
    is_major: bool = False
    is_key_application_system: bool = False
    includes_buildings_or_municipal_engineering: bool = False
    conforms_to_overall_plan: bool = False
    conforms_to_technical_standards: bool = False
    duplicates_existing: bool = False
    reuses_existing: bool = False
    complies_with_info_engineering_rules: bool = False
    shares_information: bool = False
    supports_disclosure_and_sharing: bool = False
    documents: Documents = Field(default_factory=Documents)
    application_conditions: ApplicationConditions = Field(default_factory=ApplicationConditions)
    declaration: Declaration | None = None
    reviews: tuple[Review, ...] = ()
    approvals: tuple[Approval, ...] = ()
    evaluation_opinion: EvaluationOpinion | None = None
    approval_application: ApprovalApplication | None = None
    included_in_annual_plan: bool = False
    finance_budget_allocated: bool = False
    procurement: Procurement = Field(default_factory=Procurement)
    contract_signed_date: dt.date | None = None
    construction_supervisor: bool = False
    construction_start_date: dt.date | None = None
    completion_date: dt.date | None = None
    acceptance: Acceptance | None = None
    operation_start_date: dt.date | None = None
    trial_operation_end_date: dt.date | None = None
    follows_approved_programme: bool = False
    major_programme_change_date: dt.date | None = None
    follow_up_project: bool = False
    performance_assessment_referenced: bool = False
    software_licensed: bool = False
    security_products_certified: bool = False
    security_standards_applied: bool = False
    covers_office_approval_monitoring: bool = False
    uses_shared_government_online: bool = False
    separate_app_system: bool = False
    payments: tuple[Payment, ...] = ()
    final_accounts_reported_to: str | None = None
    approved_total_investment: Decimal | None = None
    current_total_investment: Decimal | None = None
    progress_reports: tuple[ProgressReport, ...] = ()
    info_requests: tuple[InfoRequest, ...] = ()
    filing: Filing | None = None
    remote_service_designated: bool = False
    platform_connection_mode: Literal["front_end_server", "direct", "none"] | None = None
    joint_meeting_system: bool = False
