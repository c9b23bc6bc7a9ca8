"""``egovrules analyze`` outputs: text for a reader, JSON for a program, SARIF for code
scanning (each finding located at the line of the rule, parameter or article in the pack)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from egovrules._version import __version__
from egovrules.analysis.findings import LEVELS, Finding, Kind, PackAnalysis
from egovrules.report.render.sarif import artifact_uri

__all__ = ["RENDERERS"]

_DOCS = "https://github.com/egovrules/egovrules/blob/main/docs/analyze.md"


def _witness_text(f: Finding) -> list[str]:
    w = f.witness
    if w is None:
        return []
    outcomes = ", ".join(f"{rule}: {outcome}" for rule, outcome in w.outcomes)
    subject = json.dumps(w.subject, ensure_ascii=False, sort_keys=True)
    return [
        f"    witness (as of {w.as_of.isoformat()}; Python backend: {outcomes}):",
        f"      {subject}",
    ]


def render_text(analyses: Sequence[PackAnalysis]) -> str:
    """One block per pack: its findings, what was not proved, and the counts."""
    lines: list[str] = []
    for a in analyses:
        for f in a.findings:
            where = f"{f.span}: " if f.span is not None else ""
            lines.append(f"{where}{f.level}[{f.kind.value}]: {f.message} ({f.status.value})")
            lines.extend(_witness_text(f))
        for rule, why in a.undecided:
            lines.append(f"{a.pack_id}: not proved: {rule}: {why}")
        lines.append(
            f"{a.pack_id}: {a.rules} rules, {len(a.findings)} finding(s), "
            f"{len(a.undecided)} rule(s) not proved, {a.queries} solver queries, "
            f"{a.seconds:.1f} s"
        )
    return "\n".join(lines) + "\n"


def _finding_json(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": f.kind.value,
        "level": f.level,
        "about": list(f.subjects),
        "message": f.message,
        "status": f.status.value,
        "location": None
        if f.span is None
        else {"file": f.span.file, "line": f.span.line, "column": f.span.col},
        "witness": None,
    }
    if f.witness is not None:
        out["witness"] = {
            "as_of": f.witness.as_of.isoformat(),
            "subject": f.witness.subject,
            "outcomes": dict(f.witness.outcomes),
        }
    return out


def render_json(analyses: Sequence[PackAnalysis]) -> str:
    """``{"egovrules": version, "packs": [...]}``: docs/analyze.md documents each field."""
    doc = {
        "egovrules": __version__,
        "packs": [
            {
                "pack": a.pack_id,
                "pack_hash": a.pack_hash,
                "file": a.file,
                "rules": a.rules,
                "findings": [_finding_json(f) for f in a.findings],
                "not_proved": [{"rule": r, "reason": why} for r, why in a.undecided],
                "queries": a.queries,
                "seconds": round(a.seconds, 3),
            }
            for a in analyses
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "note": "note"}
_DESCRIPTIONS = {
    Kind.NEVER_APPLIES: "A rule whose conditions no subject on any date satisfies",
    Kind.NOT_IN_FORCE_EVER: "A rule whose conditions hold only before the law is in force",
    Kind.NEVER_MET: "A rule that every subject it applies to violates",
    Kind.NEVER_VIOLATED: "A rule that every subject it applies to meets",
    Kind.CONTRADICTION: "Two rules no subject they both apply to can meet at once",
    Kind.REDUNDANT: "A rule never violated without another rule of the same severity",
    Kind.DUPLICATE: "Two rules that say exactly the same thing",
    Kind.SHADOWED_BY_WAIVER: "A rule a waivers-file entry waives for every subject",
    Kind.UNUSED_PARAMETER: "A parameter no rule uses",
    Kind.UNUSED_ARTICLE: "An article neither cited nor marked declaratory",
    Kind.UNUSED_CONCEPT: "A vocabulary concept no pack uses",
}


def render_sarif(analyses: Sequence[PackAnalysis]) -> str:
    """One SARIF 2.1.0 run; one reporting rule per kind of finding."""
    kinds = list(Kind)
    rules = [
        {
            "id": f"egovrules.analyze.{k.value}",
            "name": k.value,
            "shortDescription": {"text": _DESCRIPTIONS[k]},
            "helpUri": _DOCS,
            "defaultConfiguration": {"level": _SARIF_LEVEL[LEVELS[k]]},
        }
        for k in kinds
    ]
    results = []
    for a in analyses:
        for f in a.findings:
            result: dict[str, Any] = {
                "ruleId": f"egovrules.analyze.{f.kind.value}",
                "ruleIndex": kinds.index(f.kind),
                "level": _SARIF_LEVEL[f.level],
                "message": {"text": f.message},
                "properties": {"pack": a.pack_id, "about": list(f.subjects)},
            }
            if f.span is not None:
                result["locations"] = [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": artifact_uri(f.span.file)},
                            "region": {"startLine": f.span.line, "startColumn": f.span.col},
                        }
                    }
                ]
            if f.witness is not None:
                result["properties"]["witness"] = _finding_json(f)["witness"]
            results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "egovrules-analyze",
                        "version": __version__,
                        "informationUri": _DOCS,
                        "rules": rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Sequence[PackAnalysis]], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
}
