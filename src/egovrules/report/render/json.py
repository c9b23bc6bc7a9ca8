"""JSON output: stable keys, stable order, documented in docs/output-json.md.

``schema_version`` changes only when a key is removed or changes meaning; new keys may be
added. The document is the same for the same inputs, byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from egovrules._version import __version__
from egovrules.law.citation import Citation
from egovrules.law.verdict import severity_reason_in
from egovrules.report.model import Checked, NotApplicable, Undetermined, Upcoming, Violation
from egovrules.source.span import Span
from egovrules.subjects.base import Waiver

__all__ = ["SCHEMA_VERSION", "citation_to_dict", "render_json", "report_to_dict"]

SCHEMA_VERSION = 1


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
        "source_languages": list(c.sources or (c.language,)),
        "translations": [lang for lang, _ in c.quotes if not c.is_source(lang)],
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
        out["due"] = None if v.due is None else v.due.isoformat()
        out["days_left"] = v.days_left
    if not isinstance(v, Undetermined):
        out["actor"] = v.actor
        out["authority"] = dict(v.authority) or None
        out["severity_reason"] = (
            None
            if v.severity_reason is None
            else {
                "kind": v.severity_reason,
                "text": severity_reason_in(v.severity_reason, language),
            }
        )
    if isinstance(v, Upcoming):
        out["awaiting"] = v.awaiting
    out["location"] = _span(checked.location(v.rule_id))
    out["citation"] = citation_to_dict(v.citation)
    out["citations"] = [citation_to_dict(c) for c in v.citations]
    trace = dict(checked.traces).get(v.rule_id)
    if trace is not None:
        out["explanation"] = trace
    return out


def _not_applicable(n: NotApplicable, language: str) -> dict[str, Any]:
    return {
        "rule_id": n.rule_id,
        "concept": n.concept,
        "severity": n.severity.value,
        "outcome": "not_applicable",
        "scope": n.scope,
        "reason": n.reason_in(language),
        "reasons": dict(n.reasons),
        "citation": citation_to_dict(n.citation),
    }


def report_to_dict(checked: Checked, language: str = "en") -> dict[str, Any]:
    """One report as JSON; each finding's ``message`` is in ``language`` (``messages`` holds
    every language)."""
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
        "not_applicable": [_not_applicable(n, language) for n in r.not_applicable],
        "notes": list(r.notes),
        "outcomes": {rid: o.label for rid, o in r.outcomes.items()},
    }


def render_json(checked: Sequence[Checked], language: str = "en") -> str:
    """The whole run as one JSON document."""
    reports = [c.report for c in checked]
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "egovrules", "version": __version__},
        "summary": {
            "subjects": len(reports),
            "compliant": sum(1 for r in reports if r.compliant),
            "violations": sum(len(r.violations) for r in reports),
            "upcoming": sum(len(r.upcoming) for r in reports),
            "undetermined": sum(len(r.undetermined) for r in reports),
            "waived": sum(len(r.waived) for r in reports),
            "expired_waivers": sum(len(r.expired_waivers) for r in reports),
        },
        "reports": [report_to_dict(c, language) for c in checked],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
