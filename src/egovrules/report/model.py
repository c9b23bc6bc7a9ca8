"""What an evaluation returns: a ``Report`` of violations and upcoming obligations, each with
its ``Citation``. Plain frozen dataclasses: cheap to build on the hot path, immutable, and
rendered by ``egovrules.report.render``. ``Report.to_dict``/``to_json`` (and
``Checked.to_dict``, with the positions) give a report as the JSON document of
docs/output-json.md has it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from egovrules.law.calendar import Day
from egovrules.law.citation import Citation
from egovrules.law.verdict import Outcome, Severity
from egovrules.source.span import Span
from egovrules.subjects.base import Waiver

__all__ = [
    "Checked",
    "Report",
    "Undetermined",
    "Upcoming",
    "Violation",
    "citation_to_dict",
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

    @property
    def compliant(self) -> bool:
        """True when no rule is violated and no waiver has expired."""
        return not self.violations and not self.expired_waivers

    @property
    def outcomes(self) -> dict[str, Outcome]:
        """The outcome of every rule of the subject's kind, by rule id."""
        return {rid: Outcome(code) for rid, code in zip(self.rule_ids, self.codes, strict=True)}

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """The report as JSON-ready data: one entry of the ``reports`` array that
        ``egovrules check --format json`` prints (docs/output-json.md), each finding's
        ``message`` in ``language``. ``subject.source`` and each ``location`` are ``null``: a
        report alone does not know its file (``Checked.to_dict`` does)."""
        return _report_to_dict(Checked(self), language)

    def to_json(self, language: str = "en") -> str:
        """``to_dict`` as JSON text: two-space indentation, UTF-8 characters unescaped, a
        final newline, keys in the documented order."""
        return json.dumps(self.to_dict(language), ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True, slots=True)
class Checked:
    """A report with where its subject came from, for renderers that point into files."""

    report: Report
    source: str | None = None
    file: str | None = None
    locations: tuple[tuple[str, Span], ...] = ()
    traces: tuple[tuple[str, Any], ...] = ()
    fingerprints: tuple[tuple[str, str], ...] = ()
    """Rule id → the identity of its violation (``engine.baseline.fingerprint``)."""

    def location(self, rule_id: str) -> Span | None:
        """The position of the field a finding of ``rule_id`` is about."""
        return dict(self.locations).get(rule_id)

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """The report as the JSON document's ``reports[]`` entry, with its source and the
        location of each finding."""
        return _report_to_dict(self, language)


def citation_to_dict(c: Citation) -> dict[str, Any]:
    """A citation as JSON."""
    return {
        "city": c.city,
        "article": c.article,
        "label": c.label,
        "paragraph": c.paragraph,
        "item": c.item,
        "language": c.language,
        "quote": c.quote,
        "quote_en": c.quote_en,
        "quotes": dict(c.quotes),
    }


def _span(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"file": span.file, "line": span.line, "column": span.col}


def _waiver(w: Waiver) -> dict[str, Any]:
    return {"rule": w.rule, "reason": w.reason, "expires": w.expires.isoformat()}


def _finding(
    v: Violation | Upcoming | Undetermined, language: str, checked: Checked
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule_id": v.rule_id,
        "concept": v.concept,
        "severity": v.severity.value,
    }
    if isinstance(v, Undetermined):
        out["reason"] = v.reason
    else:
        out["message"] = v.message_in(language)
        out["messages"] = dict(v.messages)
    if isinstance(v, Upcoming):
        out["due"] = v.due.isoformat()
        out["days_left"] = v.days_left
    if not isinstance(v, Undetermined):
        out["actor"] = v.actor
        out["authority"] = dict(v.authority) or None
    out["location"] = _span(checked.location(v.rule_id))
    fingerprint = dict(checked.fingerprints).get(v.rule_id)
    if fingerprint is not None and not isinstance(v, Undetermined):
        out["fingerprint"] = fingerprint
    out["citation"] = citation_to_dict(v.citation)
    out["citations"] = [citation_to_dict(c) for c in v.citations]
    trace = dict(checked.traces).get(v.rule_id)
    if trace is not None:
        out["explanation"] = trace
    return out


def _report_to_dict(checked: Checked, language: str) -> dict[str, Any]:
    r = checked.report
    return {
        "subject": {"id": r.subject_id, "kind": r.subject_kind, "source": checked.source},
        "pack": {"id": r.pack_id, "version": r.pack_version, "sha256": r.pack_hash, "city": r.city},
        "as_of": r.as_of.isoformat(),
        "compliant": r.compliant,
        "violations": [_finding(v, language, checked) for v in r.violations],
        "upcoming": [_finding(u, language, checked) for u in r.upcoming],
        "undetermined": [_finding(u, language, checked) for u in r.undetermined],
        "waived": [{**_finding(v, language, checked), "waiver": _waiver(w)} for v, w in r.waived],
        "expired_waivers": [_waiver(w) for w in r.expired_waivers],
        "notes": list(r.notes),
        "outcomes": {rid: o.label for rid, o in r.outcomes.items()},
    }
