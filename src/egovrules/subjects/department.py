"""The ``Department`` subject: duties that attach to an organisation rather than to one system."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field

from egovrules.subjects.base import Record, SubjectBase

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
    date: dt.date | None = None
    last_updated: dt.date | None = None


class Plan(Record):
    """An e-government plan of the department or of a sub-level."""

    level: Literal["municipal", "district", "department"] | None = None
    formulated_date: dt.date | None = None
    implemented_date: dt.date | None = None
    filed_with: str | None = None
    filed_date: dt.date | None = None
    based_on_municipal_plan: bool = False
    approved_by: str | None = None
    approved_date: dt.date | None = None


class SpecialFunds(Record):
    """Special e-government funds arranged for one fiscal year."""

    year: int
    amount: Decimal | None = None
    in_fiscal_budget: bool = False


class Training(Record):
    """Training and assessment of the department's staff."""

    staff_trained: bool = False
    staff_assessed: bool = False


class InfoOfficer(Record):
    """An information officer (信息员) of the unit."""

    name: str
    post_start_date: dt.date | None = None
    training_passed_date: dt.date | None = None
    trained_by: str | None = None


class SharedInfoUse(Record):
    """A use the unit made of information obtained through e-government sharing."""

    purpose: Literal["duty", "other"] | None = None
    disclosed_publicly: bool = False
    provider_consent: bool = False
    already_public: bool = False


class Department(SubjectBase):
    """A government department, district government or unit, as the bearer of duties."""

    kind: Literal["department"] = "department"
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
    egov_management_institution: bool = False
    egov_management_dept: bool = False
    special_funds_budgeted: bool = False
    special_funds: tuple[SpecialFunds, ...] = ()
    in_development_plan: bool = False
    leadership_responsibility_system: bool = False
    resource_catalogue: ResourceCatalogue | None = None
    resource_database: bool = False
    plans: tuple[Plan, ...] = ()
    exchange_plan: Plan | None = None
    exchanges_info_via_unified_platform: bool = False
    training: Training = Field(default_factory=Training)
    info_officers: tuple[InfoOfficer, ...] = ()
    holds_info_classified_for_sharing: bool = False
    shares_classified_info: bool = False
    provides_public_welfare_info: bool = False
    security_responsibility_system: bool = False
    publishes_periodic_reports: bool = False
    performs_periodic_assessment: bool = False
    egov_technical_body: bool = False
    project_call_plan_year: int | None = None
    project_call_date: dt.date | None = None
    project_list_total_budget: Decimal | None = None
    earmarked_funds: Decimal | None = None
    data_interface_provided: bool = False
    data_interface_realtime_updates: bool = False
    shared_info_uses: tuple[SharedInfoUse, ...] = ()
    uses_vertical_software: bool = False
    vertical_software_interfaced: bool = False
    vertical_data_return_mechanism: bool = False
    security_systems: frozenset[str] = frozenset()
    performs_security_inspections: bool = False
