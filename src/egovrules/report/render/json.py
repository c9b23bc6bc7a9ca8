"""JSON output: stable keys, stable order, documented in docs/output-json.md.

``schema_version`` changes only when a key is removed or changes meaning; new keys may be
added. The document is the same for the same inputs, byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from egovrules._version import __version__
from egovrules.report.model import Citation, Report, Undetermined, Upcoming, Violation

__all__ = ["SCHEMA_VERSION", "render_json", "report_to_dict"]

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
    }


def _finding(v: Violation | Upcoming | Undetermined, language: str) -> dict[str, Any]:
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
    out["citation"] = citation_to_dict(v.citation)
    out["citations"] = [citation_to_dict(c) for c in v.citations]
    return out


def report_to_dict(r: Report, source: str | None = None, language: str = "en") -> dict[str, Any]:
    """One report as JSON; ``source`` is the file the subject came from, ``language`` the
    language of each finding's ``message`` (``messages`` holds every language)."""
    return {
        "subject": {"id": r.subject_id, "kind": r.subject_kind, "source": source},
        "pack": {"id": r.pack_id, "version": r.pack_version, "sha256": r.pack_hash, "city": r.city},
        "as_of": r.as_of.isoformat(),
        "compliant": r.compliant,
        "violations": [_finding(v, language) for v in r.violations],
        "upcoming": [_finding(u, language) for u in r.upcoming],
        "undetermined": [_finding(u, language) for u in r.undetermined],
        "notes": list(r.notes),
        "outcomes": {rid: o.label for rid, o in r.outcomes.items()},
    }


def render_json(reports: Sequence[tuple[Report, str | None]], language: str = "en") -> str:
    """The whole run as one JSON document."""
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "egovrules", "version": __version__},
        "summary": {
            "subjects": len(reports),
            "compliant": sum(1 for r, _ in reports if r.compliant),
            "violations": sum(len(r.violations) for r, _ in reports),
            "upcoming": sum(len(r.upcoming) for r, _ in reports),
            "undetermined": sum(len(r.undetermined) for r, _ in reports),
        },
        "reports": [report_to_dict(r, src, language) for r, src in reports],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
