"""The ``Project`` subject: an e-government construction project through its life cycle."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from egovrules.subjects.base import Amount, Filing, Record, StrSet, SubjectBase, Year, shared

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
    """Whether a project proposal (项目建议书) has been drawn up."""
    feasibility_study: bool = False
    """Whether a feasibility study report (可行性研究报告) has been drawn up."""
    preliminary_design: bool = False
    """Whether a preliminary design (初步设计) has been drawn up."""
    conforms_to_construction_norms: bool = False
    """Whether these documents follow the city's e-government construction norms (建设规范)."""


class ApplicationConditions(Record):
    """Conditions an application for a project must meet (Hohhot Art. 8 (a), (b), (d), (e))."""

    clear_goal: bool = False
    """Whether the construction goal, purpose and functions are clear (建设目标明确)."""
    user_needs: bool = False
    """Whether the project meets specific user needs and solves practical problems (用户需求)."""
    security_and_sharing: bool = False
    """Whether the project ensures information security and resource sharing (信息安全、共享)."""
    competent_dept_consent: bool = False
    """Whether the competent department of the project's line of work consented (主管部门同意)."""


class InfoRequest(Record):
    """A request for information about the project from an authority, and its answer."""

    requested_by: str | None = None
    """Authority id that asked about the project, e.g. `municipal_information_department`."""
    date: dt.date | None = None
    """Date the request was made."""
    answered: bool = False
    """Whether the owner unit answered the request."""
    truthful: bool = False
    """Whether the answer was truthful (如实提供); False: found untruthful or not known truthful."""


class DeclarationMaterials(Record):
    """Materials attached to an annual or special declaration."""

    necessity_feasibility: bool = False
    """Whether the construction programme states the necessity and feasibility (必要性和可行性)."""
    content: bool = False
    """Whether it sets out the construction content (建设内容)."""
    technical_specs: bool = False
    """Whether it sets out the technical specifications (技术规范)."""
    investment_estimate: bool = False
    """Whether it includes an investment estimate (投资估算)."""
    implementation_plan: bool = False
    """Whether it includes an implementation plan (实施计划)."""


class Declaration(Record):
    """The project's declaration (申报) to the competent authority."""

    type: Literal["annual", "special"] = "annual"
    """Kind of declaration: `annual` (年度申报) or `special` (专项申报, after the annual period)."""
    plan_year: Year | None = None
    """Plan year declared for, e.g. 2025; the annual deadline falls in the year before it."""
    submitted_date: dt.date | None = None
    """Date the declaration was submitted; None means not yet submitted."""
    submitted_to: str | None = None
    """Authority id the declaration was submitted to, e.g. `municipal_egov_authority`."""
    special_ground: Literal["major_task", "urgent_need", "higher_level_temporary", "none"] = "none"
    """Ground of a special declaration: major task, urgent need or temporary higher-level
    requirement; `none` if none."""
    materials: DeclarationMaterials = Field(default_factory=shared(DeclarationMaterials))
    """Materials of the construction programme attached, as on file after any correction."""
    complete: bool = False
    """Whether the declaration materials were complete (材料齐全) when first submitted."""
    correction_notice_date: dt.date | None = None
    """Date the unit was told to complete or correct the materials (告知补正); None: no notice."""
    corrected_date: dt.date | None = None
    """Date the unit completed or corrected the materials (补正); None: not corrected."""
    forwarded_date: dt.date | None = None
    """Date the receiving authority forwarded the declaration on (转报); None: not forwarded."""
    status: Literal["pending", "accepted", "inadmissible"] | None = None
    """Its handling: `pending`, `accepted` (受理) or `inadmissible` (不予受理); None: unknown."""


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
    """Kind of review: authority evaluation (评估论证), expert group meeting, expert review
    (专家评审), third-party review, preliminary review (预审/初审) or expert supervision."""
    by: str | None = None
    """Who performed the review: an authority id such as `municipal_egov_authority`, or a name."""
    organised_by: str | None = None
    """Authority id that organised the review, e.g. `municipal_information_industry_department`."""
    chaired_by: str | None = None
    """Who chaired or convened the review meeting, e.g. `city_leader_in_charge` (分管市领导)."""
    date: dt.date | None = None
    """Date the review was held or concluded; None: not dated."""
    result: Literal["passed", "failed", "needs_more_work", "not_in_line"] | None = None
    """Conclusion: `passed`, `failed`, `needs_more_work` or `not_in_line` (预审); None: unknown."""
    selection: Literal["open_competition", "direct"] | None = None
    """How the reviewer was chosen: `open_competition` (公开竞争) or `direct`; None: unknown."""


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
    """What was approved: leader approval, project establishment (立项), planning-department
    approval, re-approval (重新审核), a separate application system, or a network."""
    approver: str | None = None
    """Authority id that gave the approval, e.g. `municipal_planning_department`."""
    application_received_date: dt.date | None = None
    """Date the approving authority received the application (受理)."""
    application_complete: bool = False
    """Whether the application materials were complete when received."""
    date: dt.date | None = None
    """Date of the approval (批复); None means not (yet) approved."""
    copied_to_finance: bool = False
    """Whether the approval was copied (抄送) to the finance department."""


class Procurement(Record):
    """How the project's goods and services were bought."""

    method: Literal["public_tender", "government_procurement", "direct", "none"] = "none"
    """How goods and services were bought: public tender (招标), government procurement (政府采购),
    direct purchase, or `none` (not procured)."""
    date: dt.date | None = None
    """Date of the procurement (tender award or purchase); None: not recorded."""


class Acceptance(Record):
    """Completion acceptance (验收)."""

    applied_date: dt.date | None = None
    """Date the owner unit applied for completion acceptance (申请验收); None: not applied for."""
    applied_to: str | None = None
    """Authority id acceptance was applied to, e.g. `municipal_information_department`."""
    organised_by: StrSet = frozenset()
    """Bodies that organised the acceptance: authority ids, or the owner unit's name if it did."""
    date: dt.date | None = None
    """Date the acceptance (验收) was held; None: no acceptance held yet."""
    result: Literal["passed", "failed"] | None = None
    """Acceptance result: `passed` (合格) or `failed` (不合格); None: not recorded."""


class Payment(Record):
    """A disbursement: the balance, follow-up funds, or operation and maintenance fees."""

    kind: Literal["balance", "followup", "om"]
    """What was paid: the `balance` (尾款), `followup` project funds (后续资金) or `om` operation
    and maintenance fees (运行维护费用)."""
    date: dt.date
    """Date the payment was disbursed (拨付)."""
    amount: Amount | None = None
    """Amount paid, in decimal yuan; None: not recorded."""


class ProgressReport(Record):
    """A progress or statistical report sent to an authority."""

    to: str
    """Authority id the report was sent to, e.g. `municipal_finance_department`."""
    date: dt.date | None = None
    """Date the report was sent; None: not dated."""


class EvaluationOpinion(Record):
    """The evaluation opinion (评审意见) an authority issues on a declared project."""

    issued_by: str | None = None
    """Authority id that issued the opinion (评审意见), e.g. `municipal_egov_authority`."""
    date: dt.date | None = None
    """Date the opinion was issued, from which its one-year validity runs; None: not issued."""


class ApprovalApplication(Record):
    """An application for project approval (立项申请) and how the authority handled it."""

    submitted_to: str | None = None
    """Authority id the approval application (立项申请) went to, e.g. `municipal_egov_authority`."""
    submitted_date: dt.date | None = None
    """Date the unit submitted the application; None: not submitted."""
    received_date: dt.date | None = None
    """Date the authority received (受理) the application; the approval period runs from it."""
    complete: bool = False
    """Whether the application materials met the requirements; if not, no period starts."""
    evaluation_opinion_attached: bool = False
    """Whether the evaluation opinion (评审意见) was attached to the application."""
    budget_inclusion_doc_attached: bool = False
    """Whether the finance department's budget-inclusion document (纳入预算文件) was attached."""
    decision_date: dt.date | None = None
    """Date the authority issued its approval reply (批复); None: no reply yet."""
    copied_to_finance_date: dt.date | None = None
    """Date the approval reply was copied (抄送) to the finance department; None: not copied."""


class Project(SubjectBase):
    """An e-government construction project."""

    kind: Literal["project"] = "project"
    """Subject kind; always `project`."""
    owner_unit: str | None = None
    """Name of the owner (construction) unit (项目建设单位) that carries out the project."""
    level: Literal["municipal", "district", "county"] | None = None
    """Government level: `municipal`, `district` or `county`; None is read as municipal."""
    category: Literal["engineering", "equipment", "software", "service"] | None = None
    """What is built or bought: engineering works (工程), equipment, software or service."""
    nature: Literal["new", "alteration", "expansion"] | None = None
    """New construction (新建), alteration (改建) or expansion (扩建); None: not recorded."""
    funding_source: FundingSource | None = None
    """How the project is funded: fiscal funds in full or part, government financing, franchise, PPP
    or non-government; None: not recorded."""
    national_provincial_arranged: bool = False
    """Whether the state or the province arranges and funds the project (国家、省安排), which takes
    it out of some packs' scope."""
    is_classified: bool = False
    """Whether the project is classified (涉密), i.e. involves state secrets."""
    is_major: bool = False
    """Whether the project is major (重大项目); an input flag, as no text sets a threshold."""
    is_key_application_system: bool = False
    """Whether the project is a key e-government application system (重点应用系统)."""
    includes_buildings_or_municipal_engineering: bool = False
    """Whether the project includes buildings or municipal engineering works (房屋建筑、市政工程),
    which decides who approves it."""
    conforms_to_overall_plan: bool = False
    """Whether the project conforms to the city's overall e-government plan (总体规划)."""
    conforms_to_technical_standards: bool = False
    """Whether the project conforms to the e-government technical standards and norms (技术规范)."""
    duplicates_existing: bool = False
    """Whether the project duplicates an existing system or resource (重复建设); True is a fault."""
    reuses_existing: bool = False
    """Whether the project makes use of existing infrastructure, systems and resources."""
    complies_with_info_engineering_rules: bool = False
    """Whether the project follows the state and municipal information-engineering provisions."""
    shares_information: bool = False
    """Whether the project shares government information with other systems (政务信息共享)."""
    supports_disclosure_and_sharing: bool = False
    """Whether the system design supports open government and resource sharing (政务公开、共享)."""
    documents: Documents = Field(default_factory=shared(Documents))
    """Preparatory documents drawn up: proposal, feasibility study, preliminary design."""
    application_conditions: ApplicationConditions = Field(
        default_factory=shared(ApplicationConditions)
    )
    """Conditions the project's application meets (申报条件, Hohhot Art. 8)."""
    declaration: Declaration | None = None
    """The project's declaration (申报) to the competent authority; None means not declared."""
    reviews: tuple[Review, ...] = ()
    """Reviews, evaluations, pre-reviews and expert demonstrations (评审、论证) of the project."""
    approvals: tuple[Approval, ...] = ()
    """Approvals and verifications (审批、审核) given to the project, one item per decision."""
    evaluation_opinion: EvaluationOpinion | None = None
    """The evaluation opinion (评审意见) issued on the declared project; None means none issued."""
    approval_application: ApprovalApplication | None = None
    """The unit's application for project approval (立项申请); None means none made."""
    included_in_annual_plan: bool = False
    """Whether the project is in the approved annual project plan (年度项目计划)."""
    finance_budget_allocated: bool = False
    """Whether the finance department has arranged a budget for the project (安排预算)."""
    procurement: Procurement = Field(default_factory=shared(Procurement))
    """How the project's goods and services were bought (招标投标、政府采购)."""
    contract_signed_date: dt.date | None = None
    """Date the project contract was signed (合同签订); None: no contract yet."""
    construction_supervisor: bool = False
    """Whether a construction supervisor (工程监理) is engaged for the project."""
    construction_start_date: dt.date | None = None
    """Date construction started (开工); None: not started."""
    completion_date: dt.date | None = None
    """Date construction was completed (建成); None: not completed."""
    acceptance: Acceptance | None = None
    """Completion acceptance (验收) of the project; None means none applied for or held."""
    operation_start_date: dt.date | None = None
    """Date the system formally went into use (投入运行), not trial operation; None: not in use."""
    trial_operation_end_date: dt.date | None = None
    """Date the trial operation (试运行) ended; None: no trial operation recorded."""
    follows_approved_programme: bool = False
    """Whether the project is carried out per the approved construction programme (建设方案)."""
    major_programme_change_date: dt.date | None = None
    """Date a major change to the construction programme (重大调整) took effect; None: none."""
    investment_increase_date: dt.date | None = None
    """Date the investment above the approved total began to be carried out (实施), e.g. the
    first contract or payment beyond it; None: the increase is not (yet) implemented."""
    follow_up_project: bool = False
    """Whether the project continues or extends an earlier project of the unit (后续项目)."""
    performance_assessment_referenced: bool = False
    """Whether the approval took the unit's performance assessment (绩效考核) into account."""
    software_licensed: bool = False
    """Whether the project uses genuine, licensed software (正版软件)."""
    security_products_certified: bool = False
    """Whether the information security products used are certified (经认证)."""
    security_standards_applied: bool = False
    """Whether construction and acceptance follow the information security technical standards."""
    covers_office_approval_monitoring: bool = False
    """Whether the project provides online office, administrative approval or e-monitoring functions
    (网上办公、行政审批、电子监察)."""
    uses_shared_government_online: bool = False
    """Whether those functions use the shared "Government Online" (政府在线) system."""
    separate_app_system: bool = False
    """Whether the project develops or keeps its own application system instead (另行开发或保留)."""
    payments: tuple[Payment, ...] = ()
    """Disbursements for the project: the balance, follow-up funds and O&M fees."""
    final_accounts_reported_to: str | None = None
    """Authority id the completion final accounts (竣工决算) were reported to, e.g.
    `municipal_finance_department`; None: not reported."""
    approved_total_investment: Amount | None = None
    """Approved total investment (批准总投资), in decimal yuan; None: not recorded."""
    current_total_investment: Amount | None = None
    """Current total investment estimate (投资概算), in decimal yuan; None: not recorded."""
    progress_reports: tuple[ProgressReport, ...] = ()
    """Progress reports and statistical returns (进展情况、统计报表) sent to authorities."""
    info_requests: tuple[InfoRequest, ...] = ()
    """Requests from authorities for information about the project, and how they were answered."""
    filing: Filing | None = None
    """Filing (备案) of the project, e.g. of a non-government major project; None: not filed."""
    remote_service_designated: bool = False
    """Whether the system is designated to be built in remote-service mode (远程服务方式)."""
    platform_connection_mode: Literal["front_end_server", "direct", "none"] | None = None
    """How the system links to the municipal e-government platform: via a front-end server
    (前置服务器), directly, or not at all; None: not recorded."""
    joint_meeting_system: bool = False
    """Whether a coordination joint-meeting system (协调联席会制度) is set up for the project."""
