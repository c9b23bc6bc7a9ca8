"""The ``NetworkRequest`` subject: a unit's request for network access or a network of its own."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from egovrules.subjects.base import Filing, Record, SubjectBase

__all__ = ["NetworkApplication", "NetworkApproval", "NetworkRequest"]


class NetworkApplication(Record):
    """The written application for the request."""

    written: bool = False
    submitted_to: str | None = None
    date: dt.date | None = None


class NetworkApproval(Record):
    """An approval (批准) of the request by an authority."""

    authority: str | None = None
    date: dt.date | None = None


class NetworkRequest(SubjectBase):
    """A request for internet egress, an independent network, or e-government platform access."""

    kind: Literal["network"] = "network"
    unit: str | None = None
    request_type: Literal[
        "separate_internet_egress",
        "independent_physical_network",
        "separate_business_network",
        "platform_access",
        "retained_private_network",
    ]
    application: NetworkApplication | None = None
    approval: NetworkApproval | None = None
    filing: Filing | None = None
    tech_security_programme_approved: bool = False
    go_live_date: dt.date | None = None
    egress_point: Literal["municipal_central_room", "municipal_extranet", "own"] | None = None
    ip_addresses: tuple[str, ...] = ()
    ip_allocated_by: str | None = None
    level: Literal["municipal", "district", "county"] | None = None
    reported_to: str | None = None
    platform_access: bool = False
    interconnected_with_unified_platform: bool = False
    carries_confidential: bool = False
    network_used: Literal["intranet", "extranet", "other"] | None = None
    security_responsibility_system: bool = False
    technical_measures: bool = False
    accepts_security_supervision: bool = False
    conforms_to_technical_standards: bool = False
    endangers_network_security: bool = False
    used_for_violations: bool = False
