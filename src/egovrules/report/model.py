"""What an evaluation returns: a ``Report`` of violations and upcoming obligations, each with
its ``Citation``. Plain frozen dataclasses: cheap to build on the hot path, immutable, and
rendered by ``egovrules.report.render``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from egovrules.law.calendar import Day
from egovrules.law.citation import Citation
from egovrules.law.verdict import Outcome, Severity
from egovrules.source.span import Span
from egovrules.subjects.base import Waiver

__all__ = [
    "Checked",
    "NotApplicable",
    "Report",
    "Undetermined",
    "Upcoming",
    "Violation",
]


@dataclass(frozen=True, slots=True)
class Violation:
    """A rule the subject breaks."""

    rule_id: str
    concept: str
    severity: Severity
    message: str
    messages: tuple[tuple[str, str], ...]
    citation: Citation
    citations: tuple[Citation, ...]
    actor: str | None = None
    authority: tuple[tuple[str, str], ...] = ()
    severity_reason: str | None = None
    """Why the rule is a warning or an advisory, not an error (a key of
    ``law.verdict.SEVERITY_REASONS``); None for an error."""

    def message_in(self, language: str) -> str:
        """The message in ``language``, or in English when the pack has none in it."""
        return dict(self.messages).get(language, self.message)

    def authority_in(self, language: str) -> str | None:
        """The authority the duty answers to, named in ``language``."""
        return dict(self.authority).get(language)


@dataclass(frozen=True, slots=True)
class Upcoming:
    """A deadline that runs and has not passed on the as-of date."""

    rule_id: str
    concept: str
    severity: Severity
    due: Day  # a FarDate past 9999-12-31
    days_left: int
    message: str
    messages: tuple[tuple[str, str], ...]
    citation: Citation
    citations: tuple[Citation, ...]
    actor: str | None = None
    authority: tuple[tuple[str, str], ...] = ()
    severity_reason: str | None = None

    def message_in(self, language: str) -> str:
        """The message in ``language``, or in English when the pack has none in it."""
        return dict(self.messages).get(language, self.message)

    def authority_in(self, language: str) -> str | None:
        """The authority the duty answers to, named in ``language``."""
        return dict(self.authority).get(language)


@dataclass(frozen=True, slots=True)
class Undetermined:
    """A rule that cannot be decided for the subject, and why."""

    rule_id: str
    concept: str
    severity: Severity
    reason: str
    citation: Citation
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class NotApplicable:
    """A rule not applied because its article does not bind the subject: the subject's value,
    the bodies the article names (``scope``) and the citation that names them."""

    rule_id: str
    concept: str
    severity: Severity
    scope: str
    reasons: tuple[tuple[str, str], ...]
    citation: Citation

    @property
    def reason(self) -> str:
        """Why the rule was not applied, in English."""
        return self.reason_in("en")

    def reason_in(self, language: str) -> str:
        """Why the rule was not applied, in ``language`` (English when the pack has none)."""
        reasons = dict(self.reasons)
        return reasons.get(language) or reasons["en"]


@dataclass(frozen=True, slots=True)
class Report:
    """Everything one pack says of one subject, as of one date."""

    subject_id: str
    subject_kind: str
    pack_id: str
    pack_version: str
    pack_hash: str
    city: str
    as_of: dt.date
    violations: tuple[Violation, ...]
    upcoming: tuple[Upcoming, ...]
    undetermined: tuple[Undetermined, ...]
    notes: tuple[str, ...]
    rule_ids: tuple[str, ...]
    codes: tuple[int, ...]
    waived: tuple[tuple[Violation, Waiver], ...] = ()
    expired_waivers: tuple[Waiver, ...] = ()
    not_applicable: tuple[NotApplicable, ...] = ()

    @property
    def compliant(self) -> bool:
        """True when no rule is violated and no waiver has expired."""
        return not self.violations and not self.expired_waivers

    @property
    def outcomes(self) -> dict[str, Outcome]:
        """The outcome of every rule of the subject's kind, by rule id."""
        return {rid: Outcome(code) for rid, code in zip(self.rule_ids, self.codes, strict=True)}


@dataclass(frozen=True, slots=True)
class Checked:
    """A report with where its subject came from, for renderers that point into files."""

    report: Report
    source: str | None = None
    file: str | None = None
    locations: tuple[tuple[str, Span], ...] = ()
    traces: tuple[tuple[str, Any], ...] = ()

    def location(self, rule_id: str) -> Span | None:
        """The position of the field a finding of ``rule_id`` is about."""
        return dict(self.locations).get(rule_id)
