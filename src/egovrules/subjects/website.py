"""The ``Website`` subject: a government department's website."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from egovrules.subjects.base import (
    BodyType,
    ChinaDateTime,
    Days,
    Filing,
    Record,
    StrSet,
    SubjectBase,
    shared,
)

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
    """Whether the site publishes state secrets (国家秘密); True is a fault."""
    commercial_secret: bool = False
    """Whether the site publishes commercial secrets (商业秘密); True is a fault."""
    privacy: bool = False
    """Whether the site publishes personal privacy (个人隐私); True is a fault."""


class Consultation(Record):
    """The consultation (咨询) window of the site."""

    column: bool = False
    """Whether the site has an online consultation column or window (咨询栏目)."""
    prominent: bool = False
    """Whether the column is in a prominent position on the site (显著位置)."""
    handler_designated: bool = False
    """Whether designated staff (专人) answer consultations."""
    norms: bool = False
    """Whether consultation work norms and processes (工作规范) are set."""
    response_time_limit_defined: bool = False
    """Whether a service response time limit (服务响应时限) is set for consultations."""
    realtime_service: bool = False
    """Whether real-time answers (实时服务) are offered on working days."""
    staff_on_duty: bool = False
    """Whether staff are on duty to answer in real time (专人值班)."""
    delay_notices_given: bool = False
    """Whether a reason is given when a consultation cannot be answered for now (告知原因)."""
    out_of_scope_referral: bool = False
    """Whether consultations outside its remit are referred to the competent department."""


class Complaint(Record):
    """The supervision and complaint (监督、投诉) column of the site."""

    column: bool = False
    """Whether the site has a supervision and complaint column (监督、投诉栏目)."""
    prominent: bool = False
    """Whether the column is in a prominent position on the site (显著位置)."""
    handler_designated: bool = False
    """Whether a designated person (专人) handles online complaints."""
    norms: bool = False
    """Whether complaint-handling norms and processes (处理规范和流程) are set."""
    response_time_defined: bool = False
    """Whether a response time (响应时间) is set for complaints."""
    reply_time_limit_defined: bool = False
    """Whether a reply or handling time limit (答复时限) is set for complaints."""


class Maintainer(Record):
    """Who operates and maintains the site."""

    designated: bool = False
    """Whether a body or person is designated to operate and maintain the site (运行维护)."""
    kind: Literal["agency", "person"] | None = None
    """Who is designated: a specialised body (`agency`, 专门机构) or a `person`; None: unknown."""
    outsourced: bool = False
    """Whether operation and maintenance are entrusted to an outside contractor (委托)."""
    outsourcing_supervised: bool = False
    """Whether the department supervises that contractor (对受委托方监督)."""


class BasicFunctions(Record):
    """Basic functions that must work normally."""

    service_link: bool = False
    """Whether the service links (服务链接) work normally."""
    online_acceptance: bool = False
    """Whether online acceptance of applications (网上受理) works normally."""
    realtime_query: bool = False
    """Whether real-time query (实时查询) works normally."""


class OnlineService(Record):
    """An administrative matter handled online through the site."""

    item: str
    """Name of the administrative matter handled online, e.g. 社会团体成立登记."""
    online_acceptance: bool = False
    """Whether applications for the matter are accepted online (网上受理)."""
    realtime_query: bool = False
    """Whether applicants can query its progress in real time (实时查询)."""
    result_feedback: bool = False
    """Whether the result is fed back online (结果反馈)."""
    basis: bool = False
    """Whether its legal basis for handling (办理依据) is published."""
    process: bool = False
    """Whether its handling procedure (办理流程) is published."""
    time_limit: bool = False
    """Whether its handling time limit (办理时限) is published."""
    result_notified_with_reasons: bool = False
    """Whether the result is notified to the applicant with reasons (说明理由)."""


class Incident(Record):
    """A security incident or illegal case found on the site."""

    kind: Literal["illegal_case", "security_incident"] = "illegal_case"
    """What was found: an illegal case (违法案件) or a security incident (安全事件)."""
    detected_at: ChinaDateTime
    """When it was found: ISO date-time in China time (an offset is converted to Asia/Shanghai)."""
    reported_at: ChinaDateTime | None = None
    """When it was reported: ISO date-time in China time; None means not reported."""


class Website(SubjectBase):
    """A government department's website."""

    kind: Literal["website"] = "website"
    """Subject kind; always `website`."""
    owner_department: str | None = None
    """Name of the department or institution that runs the site (主办单位)."""
    owner_type: BodyType | None = None
    """Standing of the body that runs the site (主办单位), which decides which duties bind it:
    e.g. `municipal_department`, `district_government`, `development_zone_committee`, a public
    service institution by its field (`health`, `water`), or `other`. None: not recorded; the
    rules scoped to government bodies then apply, and the report says it presumed so."""
    url: str | None = None
    """Address of the site, e.g. `https://mzj.wuhan.gov.cn`."""
    portal_column: bool = False
    """Whether the department has a column on the municipal government portal (门户网站栏目)."""
    own_site_special_column: bool = False
    """Whether the department has a special column (专门栏目) on its own site."""
    links_to_portal: bool = False
    """Whether the site links to the municipal government portal (与门户网站链接)."""
    portal_link_target: str | None = None
    """Host name the portal link points at, e.g. `www.wuhan.gov.cn`; None: no link recorded."""
    disclosure_items: StrSet = frozenset()
    """Keys of the kinds of information the site discloses (主动公开), e.g. `service_matters`."""
    disclosure_fee_charged: bool = False
    """Whether a fee is charged for disclosed information; True is a fault (免费公开)."""
    discloses_restricted: RestrictedDisclosure = Field(default_factory=shared(RestrictedDisclosure))
    """Restricted information the site publishes: state or commercial secrets, personal privacy."""
    disclosure_catalogue_published_on_portal: bool = False
    """Whether the information disclosure catalogue (公开目录) is published on the portal."""
    publication_lag_days: Days | None = None
    """Days from information arising to its publication on the site; None: not recorded."""
    consultation: Consultation = Field(default_factory=shared(Consultation))
    """The site's online consultation (咨询) window."""
    complaint: Complaint = Field(default_factory=shared(Complaint))
    """The site's supervision and complaint (监督、投诉) column."""
    maintainer: Maintainer = Field(default_factory=shared(Maintainer))
    """Who operates and maintains the site (运行维护)."""
    basic_functions: BasicFunctions = Field(default_factory=shared(BasicFunctions))
    """Basic functions of the site that must work normally."""
    backend_publishing_system: bool = False
    """Whether a back-end publishing system (后台发布系统) is established for the site."""
    security_systems: StrSet = frozenset()
    """Keys of the security management systems (安全管理制度) set up, e.g. `info_security_mgmt`."""
    publishes_important_party_gov_info: bool = False
    """Whether the site publishes important Party and government information (重要党政信息)."""
    has_interactive_columns: bool = False
    """Whether the site has interactive columns (交互栏目) such as a message board or mailbox."""
    network_access_date: dt.date | None = None
    """Date the site was connected to the network and went online (网络接入之日)."""
    police_filing: Filing | None = None
    """Filing (备案) of the site with the public security department; None: not filed."""
    has_online_service_conditions: bool = False
    """Whether the department has the conditions to handle matters online (具备网上办理条件)."""
    online_services: tuple[OnlineService, ...] = ()
    """Administrative matters handled online through the site (网上办理事项)."""
    incidents: tuple[Incident, ...] = ()
    """Illegal cases and security incidents found on the site."""
