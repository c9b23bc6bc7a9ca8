"""Findings that need no solver: names defined and never used, and rules written twice."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from egovrules.analysis.findings import Finding, Kind, Status
from egovrules.authoring.lint import coverage
from egovrules.diffing.implication import canon
from egovrules.engine.pack import Pack
from egovrules.engine.waivers import SharedWaiver
from egovrules.packdata.vocabulary import load_vocabulary

__all__ = [
    "duplicates",
    "shadowed_by_waivers",
    "unused_articles",
    "unused_concepts",
    "unused_parameters",
]


def unused_parameters(pack: Pack) -> list[Finding]:
    """Parameters no rule refers to (as ``$name`` in a condition, a message, the actor or the
    authority)."""
    model = pack.model
    if model is None:
        return []
    text = json.dumps([r.model_dump(mode="json") for r in model.rules], ensure_ascii=False)
    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", text))
    doc = pack.document
    out = []
    for name in model.parameters:
        if name not in used:
            span = doc.span(("parameters", name), key=True) if doc is not None else None
            out.append(
                Finding(
                    Kind.UNUSED_PARAMETER,
                    (name,),
                    f"parameter ${name} is defined and no rule uses it",
                    Status.PROVED,
                    span,
                )
            )
    return out


def unused_articles(pack: Pack) -> list[Finding]:
    """Articles that no rule cites and that do not say why (``declaratory``): the rows
    ``egovrules coverage`` shows as not covered."""
    model = pack.model
    doc = pack.document
    numbers = [a.number for a in model.articles] if model is not None else []
    out = []
    for row in coverage(pack):
        if row.rules or row.declaratory:
            continue
        span = (
            doc.span(("articles", numbers.index(row.number)))
            if doc is not None and row.number in numbers
            else None
        )
        out.append(
            Finding(
                Kind.UNUSED_ARTICLE,
                (str(row.number),),
                f"article {row.number} ({row.label}) is neither cited by a rule nor marked "
                "declaratory",
                Status.PROVED,
                span,
            )
        )
    return out


def unused_concepts(packs: Sequence[Pack]) -> list[Finding]:
    """Concepts of the shared vocabulary that none of ``packs`` uses (only meaningful when the
    packs are all the packs the vocabulary serves)."""
    used = {r.concept for p in packs for r in p.rules}
    vocabulary = load_vocabulary()
    return [
        Finding(
            Kind.UNUSED_CONCEPT,
            (concept,),
            f"concept {concept} is defined in the vocabulary and no pack uses it",
            Status.PROVED,
            None,
        )
        for concept in sorted(vocabulary.concepts)
        if concept not in used
    ]


def duplicates(pack: Pack) -> list[Finding]:
    """Pairs of rules with the same subjects, conditions, requirement, dates and severity."""
    seen: dict[object, str] = {}
    out = []
    for rule in pack.rules:
        key = (
            canon(
                (
                    rule.subject,
                    rule.severity.value,
                    rule.when,
                    rule.requires,
                    rule.pending,
                    rule.dated_by,
                )
            ),
            rule.in_force_from,
        )
        if key in seen:
            out.append(
                Finding(
                    Kind.DUPLICATE,
                    (rule.id, seen[key]),
                    f"{rule.id} duplicates {seen[key]}: the same conditions and requirement on "
                    "the same subjects",
                    Status.PROVED,
                    rule.span,
                )
            )
        else:
            seen[key] = rule.id
    return out


def shadowed_by_waivers(pack: Pack, waivers: Sequence[SharedWaiver]) -> list[Finding]:
    """Rules a waivers-file entry waives for every subject (its ``subject`` pattern is only
    ``*``, which matches every id): no violation of them is reported until it expires."""
    out = []
    for w in waivers:
        if set(w.subject) != {"*"}:
            continue  # a pattern that some id escapes leaves the rule alive for that id
        for rule in pack.rules:
            if w.rule in (rule.id, rule.concept):
                out.append(
                    Finding(
                        Kind.SHADOWED_BY_WAIVER,
                        (rule.id,),
                        f"{rule.id} is waived for every subject (waiver of {w.rule!r} for "
                        f"subject {w.subject!r}, until {w.expires.isoformat()}): no violation "
                        f"of it is reported before then ({w.reason})",
                        Status.PROVED,
                        rule.span,
                    )
                )
    return out
