"""JSON output: stable keys, stable order, documented in docs/output-json.md.

``schema_version`` changes only when a key is removed or changes meaning; new keys may be
added. The document is the same for the same inputs, byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from egovrules._version import __version__
from egovrules.report.failures import InputFailure
from egovrules.report.model import Checked, citation_to_dict

__all__ = ["SCHEMA_VERSION", "citation_to_dict", "json_document", "render_json", "report_to_dict"]

SCHEMA_VERSION = 1


def report_to_dict(checked: Checked, language: str = "en") -> dict[str, Any]:
    """One report as JSON (``Checked.to_dict``); each finding's ``message`` is in
    ``language`` (``messages`` holds every language)."""
    return checked.to_dict(language)


def json_document(
    checked: Sequence[Checked], language: str = "en", failures: Sequence[InputFailure] = ()
) -> dict[str, Any]:
    """The whole run as the data of one JSON document; ``failures`` are the inputs it could
    not judge (the ``errors`` array). Its values are dicts, lists, strings, ints, booleans and
    None only, with string keys: no float (``egovrules serve`` writes it with orjson, which
    writes floats otherwise than ``json.dumps``; ``service.answer``)."""
    reports = [c.report for c in checked]
    return {
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
            "errors": len(failures),
        },
        "reports": [report_to_dict(c, language) for c in checked],
        "errors": [f.to_dict() for f in failures],
    }


def render_json(
    checked: Sequence[Checked],
    language: str = "en",
    failures: Sequence[InputFailure] = (),
    *,
    indent: int | None = 2,
) -> str:
    """``json_document`` as text. ``indent=None``: the same document on one line, without a
    space after a separator (the bytes ``egovrules serve`` answers, there written by orjson:
    ``service.answer``)."""
    doc = json_document(checked, language, failures)
    if indent is None:
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(doc, ensure_ascii=False, indent=indent) + "\n"
