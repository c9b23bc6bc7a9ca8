"""The ``Department`` subject: duties that attach to an organisation rather than to one system."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from egovrules.subjects.base import Amount, Record, StrSet, SubjectBase, Year, shared

__all__ = [
    "Department",
    "InfoOfficer",
    "Plan",
    "ResourceCatalogue",
    "SharedInfoUse",
    "SpecialFunds",
    "Training",
]


class ResourceCatalogue(Record):
    """The department's public information resource catalogue (信息资源目录)."""

    submitted_to: str | None = None
    """Authority id the catalogue was sent to (报送), e.g. `municipal_information_department`."""
    date: dt.date | None = None
    """Date the catalogue was submitted; None: not submitted."""
    last_updated: dt.date | None = None
    """Date the catalogued information was last updated (更新); None: never updated."""


class Plan(Record):
    """An e-government plan of the department or of a sub-level."""

    level: Literal["municipal", "district", "department"] | None = None
    """Level of the plan: `municipal`, `district` (county too) or `department`; None: unknown."""
    formulated_date: dt.date | None = None
    """Date the plan was drawn up (编制)."""
    implemented_date: dt.date | None = None
    """Date the plan was put into effect (实施); None: not yet implemented."""
    filed_with: str | None = None
    """Authority id the plan was filed with (备案), e.g. `municipal_information_department`."""
    filed_date: dt.date | None = None
    """Date the plan was filed; None: not filed."""
    based_on_municipal_plan: bool = False
    """Whether the plan follows the municipal e-government development plan."""
    approved_by: str | None = None
    """Authority id that approved (批准) the plan, e.g. `municipal_people_government`."""
    approved_date: dt.date | None = None
    """Date the plan was approved; None: not approved."""


class SpecialFunds(Record):
    """Special e-government funds arranged for one fiscal year."""

    year: Year
    """Fiscal year the funds are arranged for, e.g. 2025."""
    amount: Amount | None = None
    """Amount arranged, in decimal yuan; None: not recorded."""
    in_fiscal_budget: bool = False
    """Whether the funds are included in that year's fiscal budget (纳入财政预算)."""


class Training(Record):
    """Training and assessment of the department's staff."""

    staff_trained: bool = False
    """Whether management and business staff are trained in e-government (培训)."""
    staff_assessed: bool = False
    """Whether those staff are assessed (考核)."""


class InfoOfficer(Record):
    """An information officer (信息员) of the unit."""

    name: str
    """The officer's name."""
    post_start_date: dt.date | None = None
    """Date the officer took up the post (上岗); None: not yet in post."""
    training_passed_date: dt.date | None = None
    """Date the officer passed the training (培训合格); None: not passed."""
    trained_by: str | None = None
    """Authority id that gave the training, e.g. `municipal_information_industry_department`."""


class SharedInfoUse(Record):
    """A use the unit made of information obtained through e-government sharing."""

    purpose: Literal["duty", "other"] | None = None
    """What the information was used for: `duty` (the unit's duties) or `other`; None: unknown."""
    disclosed_publicly: bool = False
    """Whether the unit made the shared information public (公开)."""
    provider_consent: bool = False
    """Whether the providing unit consented to its publication (提供单位同意)."""
    already_public: bool = False
    """Whether the information was already public before the unit published it."""


class Department(SubjectBase):
    """A government department, district government or unit, as the bearer of duties."""

    kind: Literal["department"] = "department"
    """Subject kind; always `department`."""
    type: (
        Literal[
            "municipal_government",
            "municipal_department",
            "district_government",
            "county",
            "development_zone_committee",
            "competent_authority",
            "other",
        ]
        | None
    ) = None
    """Kind of body: municipal or district government, municipal department, county,
    development-zone committee, the e-government competent authority, or other."""
    egov_management_institution: bool = False
    """Whether an e-government management institution (管理机构) has been set up."""
    egov_management_dept: bool = False
    """Whether a department in charge of e-government (电子政务管理部门) has been designated."""
    special_funds_budgeted: bool = False
    """Whether special e-government funds (专项资金) are included in its budget."""
    special_funds: tuple[SpecialFunds, ...] = ()
    """Special e-government funds arranged, one item per fiscal year."""
    in_development_plan: bool = False
    """Whether e-government construction is in the development plan at its level (发展规划)."""
    leadership_responsibility_system: bool = False
    """Whether a leadership responsibility system (领导责任制) for e-government is established."""
    resource_catalogue: ResourceCatalogue | None = None
    """Its public information resource catalogue (信息资源目录); None: not compiled."""
    resource_database: bool = False
    """Whether it has built its own government information resource database (信息资源数据库)."""
    plans: tuple[Plan, ...] = ()
    """E-government plans of the department or of a sub-level (规划)."""
    exchange_plan: Plan | None = None
    """The government information exchange plan (信息交换方案) it holds; None: none."""
    exchanges_info_via_unified_platform: bool = False
    """Whether it provides and exchanges government information via the unified platform."""
    training: Training = Field(default_factory=shared(Training))
    """Training and assessment of its staff."""
    info_officers: tuple[InfoOfficer, ...] = ()
    """Its information officers (信息员)."""
    holds_info_classified_for_sharing: bool = False
    """Whether it holds information classed (认定) as information to be shared."""
    shares_classified_info: bool = False
    """Whether it provides that information to other departments (共享)."""
    provides_public_welfare_info: bool = False
    """Whether it provides information resources to public-welfare institutions (公益性信息机构)."""
    security_responsibility_system: bool = False
    """Whether an information security responsibility system (安全责任制) is established."""
    publishes_periodic_reports: bool = False
    """Whether it periodically publishes how departments handle disclosure, sharing and projects
    (定期发布); an authority duty."""
    performs_periodic_assessment: bool = False
    """Whether it periodically assesses departments' websites and application systems (定期考核)."""
    egov_technical_body: bool = False
    """Whether an e-government technical management body (技术管理机构) has been designated."""
    project_call_plan_year: Year | None = None
    """Plan year of the competent authority's call for projects (项目征集); None: no call."""
    project_call_date: dt.date | None = None
    """Date the competent authority issued its call for next-year projects; None: not issued."""
    project_list_total_budget: Amount | None = None
    """Total budget of the authority's proposed project list (项目清单), in decimal yuan."""
    earmarked_funds: Amount | None = None
    """The year's e-government earmarked funds (专项资金额度) for the list, in decimal yuan."""
    data_interface_provided: bool = False
    """Whether the unit provides a data exchange interface (数据交换接口) to the technical body."""
    data_interface_realtime_updates: bool = False
    """Whether the data behind that interface is updated in real time (实时更新)."""
    shared_info_uses: tuple[SharedInfoUse, ...] = ()
    """Uses the unit made of information obtained through e-government sharing."""
    uses_vertical_software: bool = False
    """Whether the unit uses state or provincial vertical business software (垂直业务软件)."""
    vertical_software_interfaced: bool = False
    """Whether that software is interfaced (对接) with the information sharing platform."""
    vertical_data_return_mechanism: bool = False
    """Whether a data return mechanism (数据回流机制) brings its data back to the city."""
    security_systems: StrSet = frozenset()
    """Keys of the security regimes established, e.g. `confidentiality_review`, `data_backup`."""
    performs_security_inspections: bool = False
    """Whether it regularly inspects units' network and information security (监督检查)."""
