"""The pydantic model of a rule pack: what ``rules/<city>.yaml`` may contain.

This validates shape and types only (unknown keys, wrong types, missing keys). Cross references
(cited articles, parameters, field paths, message placeholders) are checked by
``egovrules.ir.compile``, which knows the subject models. ``docs/pack-format.md`` documents
every key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Article",
    "CitationModel",
    "Localized",
    "Meta",
    "PackModel",
    "ParameterModel",
    "PendingModel",
    "RuleModel",
    "ScopeModel",
    "TestCaseModel",
    "TestsModel",
    "Unit",
]

Unit = Literal[
    "ratio",
    "calendar_days",
    "working_days",
    "hours",
    "months",
    "years",
    "month_day",
    "date",
    "approver",
    "count",
    "text",
]
Severity = Literal["error", "warning", "advisory"]
SeverityReason = Literal[
    "binds_authority", "in_principle", "vague_criteria", "translation_uncertain", "low_confidence"
]
SubjectKind = Literal["project", "website", "network", "department"]

_ID = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Localized(_Strict):
    """A text in the languages a pack may carry."""

    zh: str | None = None
    en: str | None = None
    es: str | None = None

    def get(self, language: str) -> str | None:
        """The text in ``language``, or ``None``."""
        value = getattr(self, language, None)
        return value if isinstance(value, str) else None


class Source(_Strict):
    """The regulation file a pack encodes."""

    file: str
    language: Literal["zh", "en", "es"]
    note: str | None = None


class Meta(_Strict):
    """Who, what and when."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    city: Localized
    title: Localized
    sources: list[Source] = Field(min_length=1)
    effective: dt.date | None = None
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    languages: list[Literal["zh", "en", "es"]] = Field(min_length=1)
    authorities: dict[str, Localized] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


class Article(_Strict):
    """One article of the text."""

    number: int = Field(ge=1)
    label: str
    label_as_printed: str | None = None
    chapter: str | None = None
    text: Localized
    declaratory: str | None = None
    notes: list[str] = Field(default_factory=list)


class ParameterCite(_Strict):
    """Where a parameter's value stands in the text."""

    article: int
    paragraph: int | None = Field(default=None, ge=1)
    item: int | None = Field(default=None, ge=1)


class ParameterVersion(_Strict):
    """One dated value of a parameter that changed over time (OpenFisca style)."""

    from_: dt.date = Field(alias="from")
    value: Any
    note: str | None = None


class ParameterModel(_Strict):
    """A named, typed, unit-bearing value fixed by the text: one ``value``, or dated
    ``values`` when an amendment changed it."""

    value: Any = None
    values: list[ParameterVersion] | None = None
    unit: Unit
    label: Localized | None = None
    cite: ParameterCite
    note: str | None = None


class CitationModel(_Strict):
    """A citation: article, paragraph, item and the quoted words."""

    article: int
    paragraph: int | None = Field(default=None, ge=1)
    item: int | None = Field(default=None, ge=1)
    quote: Localized
    note: str | None = None


class PendingModel(_Strict):
    """A case in which an unmet obligation is open, not broken, and who must act in it."""

    while_: Any = Field(alias="while")
    awaiting: Literal["actor", "authority"]


class ScopeModel(_Strict):
    """Whom an article binds, as the text names them: the rules that name this scope apply
    only to a subject whose ``field`` holds one of the listed values. A subject that leaves the
    field empty is presumed inside the scope (and its report says so)."""

    field: str
    in_: list[str] = Field(alias="in", min_length=1)
    label: Localized
    cite: CitationModel
    note: str | None = None


class RuleModel(_Strict):
    """One obligation."""

    id: str = Field(pattern=_ID)
    concept: str = Field(pattern=_ID)
    subject: SubjectKind
    severity: Severity
    severity_reason: SeverityReason | None = None
    confidence: Literal["high", "med", "low"] = "high"
    title: Localized | None = None
    dated_by: str | None = None
    actor: str | None = None
    authority: str | None = None
    awaiting: Literal["actor", "authority"] | None = None
    scope: str | None = None
    when: Any = None
    requires: Any
    pending: list[PendingModel] | None = Field(default=None, min_length=1)
    message: Localized
    cite: CitationModel | list[CitationModel]
    notes: list[str] = Field(default_factory=list)

    @property
    def citations(self) -> list[CitationModel]:
        """The citations as a list, the primary one first."""
        return self.cite if isinstance(self.cite, list) else [self.cite]


class TestCaseModel(_Strict):
    """An example subject with the exact outcome it must have."""

    __test__ = False  # not a pytest class

    name: str
    subject: str
    set: dict[str, Any] = Field(default_factory=dict)
    as_of: dt.date
    calendar_until: int | None = Field(default=None, ge=2004)
    """The last year whose holidays the case lets ``chinese-calendar`` decide: a case that
    turns on a year being unpublished names the year before it, and keeps its outcome when a
    later release of the package publishes it."""
    violations: list[str]
    pending: list[str] | None = None
    undetermined: list[str] | None = None
    not_applicable: list[str] | None = None


class TestsModel(_Strict):
    """The pack's own test suite."""

    __test__ = False

    fixtures: dict[str, dict[str, Any]] = Field(default_factory=dict)
    cases: list[TestCaseModel] = Field(default_factory=list)


class PackModel(_Strict):
    """A whole rule pack."""

    format: Literal[1]
    meta: Meta
    articles: list[Article] = Field(min_length=1)
    parameters: dict[str, ParameterModel] = Field(default_factory=dict)
    scopes: dict[str, ScopeModel] = Field(default_factory=dict)
    rules: list[RuleModel]
    tests: TestsModel = Field(default_factory=TestsModel)
