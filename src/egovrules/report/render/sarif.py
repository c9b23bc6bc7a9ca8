"""SARIF 2.1.0 for code-scanning tools: one reporting rule per pack rule (help text with the
citation and quote), one result per violation located at the line of the offending field in
the subject file, waived findings as suppressed results, each expired waiver at its entry
(in the subject file, or the waivers file that gave it). The run's invocation says whether it
judged every input (``executionSuccessful``); each input it could not judge is a
``toolExecutionNotifications`` entry located at its file, line and column. The run's property
bag names, by pack id, the holiday calendar each pack counted working days on (``calendars``,
as the JSON report's ``pack.calendar``)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from egovrules._version import __version__
from egovrules.ir.nodes import RuleIR
from egovrules.law.citation import Citation
from egovrules.law.verdict import Severity, severity_reason_in
from egovrules.report.failures import InputFailure
from egovrules.report.model import Checked, Violation
from egovrules.report.render.paths import inside_workdir
from egovrules.source.span import Span

__all__ = ["EXPIRED_WAIVER_RULE", "artifact_uri", "render_sarif"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
EXPIRED_WAIVER_RULE = "egovrules.waiver.expired"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.ADVISORY: "note"}


def _cite_text(c: Citation) -> str:
    lines = [f"{c}: 「{c.quote}」"]
    english = c.shown("en") if c.language != "en" else None
    if english:
        lines.append(english)
    return "\n".join(lines)


def _cite_markdown(c: Citation) -> str:
    english = c.shown("en") if c.language != "en" else None
    return f"**{c}**\n\n> 「{c.quote}」" + (f"\n\n> {english}" if english else "")


def _rule(rule: RuleIR) -> dict[str, Any]:
    cites = "\n\n".join(_cite_text(c) for c in rule.citations)
    primary = rule.citations[0]
    return {
        "id": rule.id,
        "name": rule.concept,
        "shortDescription": {"text": rule.title or rule.concept},
        "fullDescription": {"text": f"{rule.title or rule.concept} ({primary})"},
        "help": {
            "text": cites,
            "markdown": "\n\n".join(_cite_markdown(c) for c in rule.citations),
        },
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "concept": rule.concept,
            "subject": rule.subject,
            "confidence": rule.confidence,
            "severityReason": severity_reason_in(rule.severity_reason, "en"),
            "city": primary.city,
            "article": primary.article,
            "tags": sorted({"compliance", rule.subject, rule.concept.split(".")[0]}),
        },
    }


_EXPIRED_RULE = {
    "id": EXPIRED_WAIVER_RULE,
    "name": "waiver.expired",
    "shortDescription": {"text": "A waiver has expired"},
    "fullDescription": {
        "text": "A waiver past its expiry date no longer covers its rule. It is located where "
        "it is written: in the subject file, or in the waivers file."
    },
    "help": {"text": "Renew the waiver with a new reason and date, or comply with the rule."},
    "defaultConfiguration": {"level": "error"},
}


_STDIN = "<stdin>"  # the name standard input's subjects are read under (engine.inputs)


def artifact_uri(path: str) -> str:
    """A file as SARIF names it (§3.10.2: a URI reference): relative to the working directory
    when its path lies inside, percent-encoded (a space, ``#`` or ``%`` in a name, non-ASCII
    names as UTF-8), else a ``file:`` URI. The path is the one named: a symbolic link is not
    followed, so a report never names where a link points."""
    inside = inside_workdir(path)
    return quote(inside) if inside is not None else Path(os.path.abspath(path)).as_uri()


def _location(span: Span | None, file: str | None) -> list[dict[str, Any]]:
    if file is None or file == _STDIN:  # standard input is no artifact a viewer can open
        return []
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(file)}}
    if span is not None:
        physical["region"] = {"startLine": span.line, "startColumn": span.col}
    return [{"physicalLocation": physical}]


def _result(v: Violation, item: Checked, index: Mapping[str, int], language: str) -> dict[str, Any]:
    c = v.citation
    return {
        "ruleId": v.rule_id,
        "ruleIndex": index[v.rule_id],
        "level": _LEVEL[v.severity],
        "message": {"text": f"{v.message_in(language)} ({c})"},
        "locations": _location(item.location(v.rule_id), item.file),
        "partialFingerprints": {"subjectRule": f"{item.report.subject_id}/{v.rule_id}"},
        "properties": {
            "subject": item.report.subject_id,
            "subjectKind": item.report.subject_kind,
            "asOf": item.report.as_of.isoformat(),
            "article": c.article,
            "label": c.label,
            "paragraph": c.paragraph,
            "item": c.item,
            "quote": c.quote,
        },
    }


def _notification(f: InputFailure) -> dict[str, Any]:
    out: dict[str, Any] = {
        "level": "error",
        "message": {"text": f.message + (f" (hint: {f.hint})" if f.hint else "")},
        "descriptor": {"id": f.code},
    }
    if f.file is not None and f.file != _STDIN:
        physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(f.file)}}
        if f.line is not None:
            physical["region"] = {"startLine": f.line, "startColumn": f.column or 1}
        out["locations"] = [{"physicalLocation": physical}]
    return out


def _invocation(failures: Sequence[InputFailure]) -> dict[str, Any]:
    return {
        "executionSuccessful": not failures,
        "toolExecutionNotifications": [_notification(f) for f in failures],
    }


def render_sarif(
    checked: Sequence[Checked],
    rules: Mapping[str, RuleIR],
    language: str = "en",
    failures: Sequence[InputFailure] = (),
) -> str:
    """The run as a SARIF 2.1.0 log (one run, the rules of every pack used)."""
    used = sorted({rid for item in checked for rid in item.report.rule_ids})
    calendars = {item.report.pack_id: item.report.calendar for item in checked}
    driver_rules = [_rule(rules[rid]) for rid in used]
    if any(item.report.expired_waivers for item in checked):
        driver_rules.append(_EXPIRED_RULE)
    index = {r["id"]: i for i, r in enumerate(driver_rules)}
    results: list[dict[str, Any]] = []
    for item in checked:
        r = item.report
        results.extend(_result(v, item, index, language) for v in r.violations)
        for v, waiver in r.waived:
            result = _result(v, item, index, language)
            # A waiver of the subject's own file is "inSource", one of a waivers file "external".
            kind = "external" if waiver in item.external_waivers else "inSource"
            result["suppressions"] = [{"kind": kind, "justification": waiver.reason}]
            results.append(result)
        for waiver, at in item.expired_waiver_locations():
            results.append(
                {
                    "ruleId": EXPIRED_WAIVER_RULE,
                    "ruleIndex": index[EXPIRED_WAIVER_RULE],
                    "level": "error",
                    "message": {
                        "text": f"waiver of {waiver.rule} expired on "
                        f"{waiver.expires.isoformat()} ({waiver.reason})"
                    },
                    "locations": _location(at, at.file if at else item.file),
                }
            )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "egovrules",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/egovrules/",
                        "rules": driver_rules,
                    }
                },
                "invocations": [_invocation(failures)],
                "results": results,
                "columnKind": "unicodeCodePoints",
                # The holiday calendar each pack counted working days on (null: none).
                "properties": {"calendars": dict(sorted(calendars.items()))},
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
