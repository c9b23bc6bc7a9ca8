"""The ``Website`` subject: a government department's website."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from egovrules.subjects.base import ChinaDateTime, Filing, Record, SubjectBase

__all__ = [
    "BasicFunctions",
    "Complaint",
    "Consultation",
    "Incident",
    "Maintainer",
    "OnlineService",
    "RestrictedDisclosure",
    "Website",
]


class RestrictedDisclosure(Record):
    """Kinds of information that must never be published."""

    state_secret: bool = False
    commercial_secret: bool = False
    privacy: bool = False


class Consultation(Record):
    """The consultation (咨询) window of the site."""

    column: bool = False
    prominent: bool = False
    handler_designated: bool = False
    norms: bool = False
    response_time_limit_defined: bool = False
    realtime_service: bool = False
    staff_on_duty: bool = False
    delay_notices_given: bool = False
    out_of_scope_referral: bool = False


class Complaint(Record):
    """The supervision and complaint (监督、投诉) column of the site."""

    column: bool = False
    prominent: bool = False
    handler_designated: bool = False
    norms: bool = False
    response_time_defined: bool = False
    reply_time_limit_defined: bool = False


class Maintainer(Record):
    """Who operates and maintains the site."""

    designated: bool = False
    kind: Literal["agency", "person"] | None = None
    outsourced: bool = False
    outsourcing_supervised: bool = False


class BasicFunctions(Record):
    """Basic functions that must work normally."""

    service_link: bool = False
    online_acceptance: bool = False
    realtime_query: bool = False


class OnlineService(Record):
    """An administrative matter handled online through the site."""

    item: str
    online_acceptance: bool = False
    realtime_query: bool = False
    result_feedback: bool = False
    basis: bool = False
    process: bool = False
    time_limit: bool = False
    result_notified_with_reasons: bool = False


class Incident(Record):
    """A security incident or illegal case found on the site."""

    kind: Literal["illegal_case", "security_incident"] = "illegal_case"
    detected_at: ChinaDateTime
    reported_at: ChinaDateTime | None = None


class Website(SubjectBase):
    """A government department's website."""

    kind: Literal["website"] = "website"
    owner_department: str | None = None
    owner_type: str | None = None
    url: str | None = None
    portal_column: bool = False
    own_site_special_column: bool = False
    links_to_portal: bool = False
    portal_link_target: str | None = None
    disclosure_items: frozenset[str] = frozenset()
    disclosure_fee_charged: bool = False
    discloses_restricted: RestrictedDisclosure = Field(default_factory=RestrictedDisclosure)
    disclosure_catalogue_published_on_portal: bool = False
    publication_lag_days: int | None = None
    consultation: Consultation = Field(default_factory=Consultation)
    complaint: Complaint = Field(default_factory=Complaint)
    maintainer: Maintainer = Field(default_factory=Maintainer)
    basic_functions: BasicFunctions = Field(default_factory=BasicFunctions)
    backend_publishing_system: bool = False
    security_systems: frozenset[str] = frozenset()
    publishes_important_party_gov_info: bool = False
    has_interactive_columns: bool = False
    network_access_date: dt.date | None = None
    police_filing: Filing | None = None
    has_online_service_conditions: bool = False
    online_services: tuple[OnlineService, ...] = ()
    incidents: tuple[Incident, ...] = ()
