"""What the service answers, as pydantic models: the OpenAPI document is generated from them.

The check document is not built from these models: it is the text ``egovrules check --format
json`` prints, written by the same renderer (``egovrules.report.render``). ``CheckDocument``
only describes that text for the OpenAPI document (docs/output-json.md has every key), and the
tests hold the two together: schemathesis validates every answer against it. Objects allow
keys they do not name, as the JSON output's ``schema_version`` promises: keys may be added.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ArticleInfo",
    "CheckDocument",
    "ErrorBody",
    "ErrorInfo",
    "Explanations",
    "Health",
    "PackDetail",
    "PackList",
    "PackSummary",
    "ParameterInfo",
    "Problem",
    "Readiness",
    "RuleInfo",
]


class _Open(BaseModel):
    """An object that may carry keys added after this version."""

    model_config = ConfigDict(extra="allow")


# ---- errors ----------------------------------------------------------------------------------


class Problem(BaseModel):
    """One diagnostic: the same code and message as the command line's, positioned by a JSON
    path into the request body (``$[2].network_access_date``) where a file has its line."""

    code: str = Field(description="the stable error code, as the command line prints it")
    message: str
    location: str | None = Field(
        None, description="JSON path of the value in the request body ($ is the body)"
    )
    line: int | None = Field(None, description="line of the body (1-based), when known")
    column: int | None = Field(None, description="column of the body (1-based), when known")
    hint: str | None = None


class ErrorInfo(BaseModel):
    """What went wrong, in one code and one sentence."""

    code: str = Field(description="E0xx-E3xx as the command line; E7xx the service's own")
    message: str


class ErrorBody(BaseModel):
    """Every 4xx and 5xx answer: no traceback, ever. ``request_id`` is in the server's log
    too (for a 500, with the traceback)."""

    error: ErrorInfo
    diagnostics: list[Problem] = Field(default_factory=list)
    request_id: str


# ---- health ----------------------------------------------------------------------------------


class Health(BaseModel):
    """The process answers."""

    status: str = Field(examples=["ok"])


class Readiness(BaseModel):
    """Ready once every pack asked for is compiled; ``loading`` (503) before."""

    status: str = Field(examples=["ready", "loading"])
    packs: list[str] = Field(default_factory=list, description="the packs compiled so far")


# ---- packs -----------------------------------------------------------------------------------


class PackSummary(BaseModel):
    """One loaded pack."""

    id: str = Field(examples=["wuhan"])
    city: str
    version: str
    sha256: str = Field(description="hash of the pack's content, as reports carry it")
    effective: str | None = Field(None, description="date the measures take effect (ISO)")
    language: str = Field(description="the language the pack's law is written in")
    languages: list[str] = Field(description="the languages of its texts and messages")
    rules: int = Field(description="number of rules")
    calendar: str | None = Field(
        description="the holiday calendar that counts the pack's working days, as its check "
        "documents name it (``pack.calendar``); null for a pack with no working-day deadline",
        examples=["chinese-calendar 1.11.0 (2004-2026)"],
    )


class PackList(BaseModel):
    """The packs this server loaded (``--packs``)."""

    packs: list[PackSummary]


class CitationInfo(_Open):
    """Where a rule stands in the law, with the quoted words (as in the check document)."""

    city: str
    article: int
    label: str
    paragraph: int | None
    item: int | None
    language: str
    quote: str
    quote_en: str | None
    quotes: dict[str, str]


class RuleInfo(BaseModel):
    """One rule of a pack."""

    id: str
    concept: str
    subject: str = Field(description="the subject kind it applies to")
    severity: str
    title: str | None
    in_force_from: str | None
    citations: list[CitationInfo]


class ParameterInfo(BaseModel):
    """A parameter of the pack (a number of days, an amount); ``versions`` are the values an
    amendment set, each from its date."""

    name: str
    value: Any
    unit: str
    versions: list[tuple[str, Any]]


class ArticleInfo(BaseModel):
    """An article as the pack states it, its text in each language."""

    number: int
    label: str
    texts: dict[str, str]
    declaratory: str | None = Field(description="why no rule checks it, when none does")


class PackDetail(BaseModel):
    """One pack in full: its rules, parameters and articles."""

    pack: PackSummary
    rules: list[RuleInfo]
    parameters: list[ParameterInfo]
    articles: list[ArticleInfo]


# ---- the check document (docs/output-json.md) -----------------------------------------------


class Location(_Open):
    """Where a finding's field stands in the body."""

    file: str
    line: int
    column: int


class Finding(_Open):
    """A violation, an upcoming deadline, an undetermined or a waived rule."""

    rule_id: str
    concept: str
    severity: str
    message: str | None = None
    messages: dict[str, str] | None = None
    reason: str | None = None
    due: str | None = None
    days_left: int | None = None
    earliest_due: str | None = None
    latest_due: str | None = None
    actor: str | None = None
    authority: dict[str, str] | None = None
    location: Location | None
    citation: CitationInfo
    citations: list[CitationInfo]
    explanation: dict[str, Any] | None = None
    waiver: dict[str, Any] | None = None


class WaiverInfo(_Open):
    """A waiver as the subject records it."""

    rule: str
    reason: str
    expires: str


class ReportPack(_Open):
    """The pack that judged, and the holiday calendar that counted its working days."""

    id: str = Field(examples=["shantou"])
    version: str
    sha256: str = Field(description="hash of the pack's content")
    city: str
    calendar: str | None = Field(
        description="the holiday calendar that counted the pack's working days: the "
        "chinese-calendar release, the years it decided and the State Council notices "
        "supplied; null for a pack none of whose rules counts working days",
        examples=["chinese-calendar 1.11.0 (2004-2026)"],
    )


class ReportDocument(_Open):
    """One subject's report."""

    subject: dict[str, Any]
    pack: ReportPack
    as_of: str
    compliant: bool
    violations: list[Finding]
    upcoming: list[Finding]
    undetermined: list[Finding]
    waived: list[Finding]
    expired_waivers: list[WaiverInfo]
    notes: list[str]
    outcomes: dict[str, str]


class CheckDocument(_Open):
    """The document ``egovrules check --format json`` prints, byte for byte the same
    renderer: docs/output-json.md describes every key."""

    schema_version: int
    tool: dict[str, Any]
    summary: dict[str, int]
    reports: list[ReportDocument]


class Explanations(BaseModel):
    """The evaluation trace of each rule asked for (``egovrules explain --format json``)."""

    explanations: list[dict[str, Any]]
