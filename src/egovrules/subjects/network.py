"""The ``NetworkRequest`` subject: a unit's request for network access or a network of its own."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from egovrules.subjects.base import BodyType, Filing, Record, SubjectBase

__all__ = ["NetworkApplication", "NetworkApproval", "NetworkRequest"]


class NetworkApplication(Record):
    """The written application for the request."""

    written: bool = False
    """Whether the application was made in writing (书面申请)."""
    submitted_to: str | None = None
    """Authority id the application went to, e.g. `municipal_information_department`."""
    date: dt.date | None = None
    """Date the application was submitted; None: not dated."""


class NetworkApproval(Record):
    """An approval (批准) of the request by an authority."""

    authority: str | None = None
    """Authority id that approved (批准) the request, e.g. `municipal_egov_authority`."""
    date: dt.date | None = None
    """Date of the approval; None means not approved."""


class NetworkRequest(SubjectBase):
    """A request for internet egress, an independent network, or e-government platform access."""

    kind: Literal["network"] = "network"
    """Subject kind; always `network`."""
    unit: str | None = None
    """Name of the unit making the request."""
    unit_type: BodyType | None = None
    """Standing of the unit making the request, which decides which duties bind it: e.g.
    `municipal_department`, `district_government`, or `other`. None: not recorded; the rules
    scoped to government bodies then apply, and the report says it presumed so."""
    request_type: Literal[
        "separate_internet_egress",
        "independent_physical_network",
        "separate_business_network",
        "platform_access",
        "retained_private_network",
    ]
    """What is requested: a separate Internet egress, an independent physical network, a separate
    business network (业务专网), platform access, or keeping a private network."""
    application: NetworkApplication | None = None
    """The unit's application for the request; None: no application made."""
    approval: NetworkApproval | None = None
    """The approval (批准) of the request; None: not approved."""
    filing: Filing | None = None
    """Filing (备案) of the request, e.g. of its technical and security plan; None: not filed."""
    tech_security_programme_approved: bool = False
    """Whether the technical and security programme (技术和安全方案) has been approved."""
    construction_start_date: dt.date | None = None
    """Date building (建设) of the network, egress or connection began; None: not begun or not
    recorded."""
    go_live_date: dt.date | None = None
    """Date the network, egress or connection went live (接入); None: not yet live."""
    egress_point: Literal["municipal_central_room", "municipal_extranet", "own"] | None = None
    """Where the unit reaches the Internet: municipal central computer room, municipal extranet, or
    its own egress; None: not recorded."""
    ip_addresses: tuple[str, ...] = ()
    """IP addresses or ranges the network uses."""
    ip_allocated_by: str | None = None
    """Authority id that allocated the IP addresses, e.g. `municipal_egov_technical_body`."""
    level: Literal["municipal", "district", "county"] | None = None
    """Government level: `municipal`, `district` or `county`; None is read as municipal."""
    reported_to: str | None = None
    """Authority id the district (county) body reported network management to; None: no report."""
    platform_access: bool = False
    """Whether the unit is connected to (uses) the e-government network platform."""
    interconnected_with_unified_platform: bool = False
    """Whether the network is interconnected with the unified e-government platform (互联互通)."""
    carries_confidential: bool = False
    """Whether the work on the network involves classified (涉密) information."""
    network_used: Literal["intranet", "extranet", "other"] | None = None
    """Network the work runs on: `intranet` (内网), `extranet` (外网) or `other`; None: unknown."""
    security_responsibility_system: bool = False
    """Whether a security and secrecy responsibility system (安全保密责任制) is established."""
    technical_measures: bool = False
    """Whether the necessary technical security measures (技术措施) are taken."""
    accepts_security_supervision: bool = False
    """Whether the unit accepts supervision by the public security, state security, confidential
    communications and secrecy bodies."""
    conforms_to_technical_standards: bool = False
    """Whether the connection follows the municipal e-government standards and technical norms."""
    endangers_network_security: bool = False
    """Whether the unit endangers e-government network or information security; True is a fault."""
    used_for_violations: bool = False
    """Whether the network is used for illegal activities (违法活动); True is a fault."""
