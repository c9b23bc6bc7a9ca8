"""JSON output of a diff and of a matrix: stable keys, sorted, the same bytes for the same
input. The shape is documented in docs/diff.md ("JSON"); change it only with a new ``format``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from egovrules.diffing.model import (
    Aspect,
    CitationView,
    ConceptDiff,
    Matrix,
    MatrixCell,
    PackDiff,
    PackRef,
    ParameterView,
    Presence,
    RuleView,
    SideOutcome,
    Verdict,
    Witness,
)
from egovrules.diffing.witness_words import witness_words
from egovrules.ir.words import WORDS_LANGS

__all__ = ["DIFF_FORMAT", "MATRIX_FORMAT", "diff_data", "matrix_data", "render_json"]

DIFF_FORMAT = "egovrules-diff/1"
MATRIX_FORMAT = "egovrules-matrix/1"


def render_json(result: PackDiff | Matrix) -> str:
    """The diff or matrix as indented JSON, keys sorted, ending with a newline."""
    data = diff_data(result) if isinstance(result, PackDiff) else matrix_data(result)
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def diff_data(d: PackDiff) -> dict[str, Any]:
    """The diff as JSON-ready data."""
    summary = {
        "concepts": len(d.concepts),
        "both": d.count(Presence.BOTH),
        "only_a": d.count(Presence.ONLY_A),
        "only_b": d.count(Presence.ONLY_B),
        **{v.value: d.count(verdict=v) for v in Verdict},
        "witnesses": sum(len(c.witnesses) for c in d.concepts),
    }
    return {
        "format": DIFF_FORMAT,
        "a": _pack(d.a),
        "b": _pack(d.b),
        "options": {"seed": d.seed, "max_candidates": d.max_candidates},
        "summary": summary,
        "concepts": [_concept(c, d) for c in sorted(d.concepts, key=lambda c: c.concept)],
    }


def matrix_data(m: Matrix) -> dict[str, Any]:
    """The matrix as JSON-ready data."""
    return {
        "format": MATRIX_FORMAT,
        "packs": [_pack(p) for p in m.packs],
        "rows": [
            {
                "concept": r.concept,
                "title": r.title,
                "title_zh": r.title_zh,
                "kinds": list(r.kinds),
                "cells": [_cell(c) for c in r.cells],
            }
            for r in sorted(m.rows, key=lambda r: r.concept)
        ],
    }


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _pack(p: PackRef) -> dict[str, Any]:
    return {
        "label": p.label,
        "id": p.id,
        "city": p.city,
        "city_zh": p.city_zh,
        "version": p.version,
        "content_hash": p.content_hash,
        "effective": _date(p.effective),
        "language": p.language,
    }


def _concept(c: ConceptDiff, d: PackDiff) -> dict[str, Any]:
    return {
        "concept": c.concept,
        "title": c.title,
        "title_zh": c.title_zh,
        "kinds": list(c.kinds),
        "presence": c.presence.value,
        "verdict": c.verdict.value if c.verdict is not None else None,
        "reason": c.reason,
        "differs": c.differs,
        "rules_a": [_rule(r) for r in c.rules_a],
        "rules_b": [_rule(r) for r in c.rules_b],
        "aspects": [_aspect(a) for a in c.aspects],
        "witnesses": [_witness(w, d) for w in c.witnesses],
        "search": {
            "searched": c.search.searched,
            "candidates": c.search.candidates,
            "limit": c.search.limit,
            "found_a": c.search.found_a,
            "found_b": c.search.found_b,
            "note": c.search.note,
        },
    }


def _citation(c: CitationView) -> dict[str, Any]:
    return {
        "article": c.article,
        "label": c.label,
        "paragraph": c.paragraph,
        "item": c.item,
        "where": c.where,
        "quotes": dict(c.quotes),
        "article_texts": dict(c.article_texts),
        "original_language": c.original_language,
        "translations": [lang for lang, _ in c.quotes if not c.is_source(lang)],
    }


def _parameter(p: ParameterView) -> dict[str, Any]:
    return {
        "name": p.name,
        "unit": p.unit,
        "value": p.value,
        "raw": p.raw,
        "label": p.label,
        "citation": _citation(p.citation) if p.citation is not None else None,
    }


def _rule(r: RuleView) -> dict[str, Any]:
    return {
        "id": r.id,
        "subject": r.subject,
        "severity": r.severity,
        "confidence": r.confidence,
        "title": r.title,
        "binds": r.binds,
        "applies_when": r.applies_when,
        "requires": r.requires,
        "statement": dict(r.statement),
        "deadline": r.deadline,
        "parameters": [_parameter(p) for p in r.parameters],
        "approvers": [{"id": i, "name": n} for i, n in r.approvers],
        "citations": [_citation(c) for c in r.citations],
        "in_force_from": _date(r.in_force_from),
    }


def _aspect(a: Aspect) -> dict[str, Any]:
    return {
        "name": a.name,
        "a": a.a,
        "b": a.b,
        "verdict": a.verdict.value if a.verdict is not None else None,
        "reason": a.reason,
        "rule_a": a.rules[0] or None,
        "rule_b": a.rules[1] or None,
    }


def _side(s: SideOutcome) -> dict[str, Any]:
    return {
        "outcome": s.outcome,
        "rules": dict(s.rules),
        "messages": list(s.messages),
        "articles": list(s.articles),
    }


def _witness(w: Witness, d: PackDiff) -> dict[str, Any]:
    return {
        "words": {lang: witness_words(w, d.a, d.b, lang) for lang in WORDS_LANGS},
        "rejected_by": w.rejected_by,
        "kind": w.kind,
        "as_of": w.as_of.isoformat(),
        "base": w.base,
        "changes": [{"path": p, "value": v} for p, v in w.changes],
        "description": w.description,
        "subject": dict(w.subject),
        "facts": [{"path": p, "value": v} for p, v in w.facts],
        "a": _side(w.a),
        "b": _side(w.b),
    }


def _cell(c: MatrixCell) -> dict[str, Any]:
    return {
        "pack": c.pack,
        "status": c.status.value,
        "summary": c.summary,
        "articles": list(c.articles),
        "stricter_than": list(c.stricter_than),
        "looser_than": list(c.looser_than),
        "rules": [_rule(r) for r in c.rules],
    }
