"""Checks that a pack is faithful to the law it encodes, beyond what compiling checks.

* every quote in a source language lies inside the cited paragraph and item (as
  ``egovrules.packdata.places`` counts them) of the article's text in that language, under
  the one normalization of ``egovrules.packdata.normalize``; the article's text itself must
  occur in that regulation file (``rules/sources/``);
* a concept id a rule's note names (``website.police_filing``) is one the vocabulary has;
* every article text in a source language occurs in the regulation file;
* every article is cited by a rule or declaratory with a reason, never both, never neither;
* a warning: a parameter whose first dated version comes after the day a rule reading it is in
  force from (the pack's ``meta.effective``, or any day when it has none) has no value in
  between, where such a rule silently compares with null.

Findings are positioned diagnostics on the pack file. Lint never writes anything.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from egovrules.engine.pack import Pack
from egovrules.ir.nodes import Param, walk
from egovrules.packdata.bundled import sources_dir
from egovrules.packdata.normalize import normalize
from egovrules.packdata.places import cited_place, places_of
from egovrules.packdata.vocabulary import load_vocabulary
from egovrules.source.document import DocumentError, read_bounded
from egovrules.source.errors import Diagnostic
from egovrules.source.suggest import did_you_mean

__all__ = ["CoverageRow", "coverage", "lint_pack"]


@dataclass(frozen=True)
class CoverageRow:
    """One article: who cites it, or why nothing does."""

    number: int
    label: str
    rules: tuple[str, ...]
    declaratory: str | None


def coverage(pack: Pack) -> list[CoverageRow]:
    """For each article of the pack: the rules citing it, or its declaratory reason."""
    cited: dict[int, list[str]] = {}
    for rule in pack.rules:
        for c in rule.citations:
            if rule.id not in cited.setdefault(c.article, []):
                cited[c.article].append(rule.id)
    return [
        CoverageRow(a.number, a.label, tuple(cited.get(a.number, ())), a.declaratory)
        for a in pack.ruleset.articles
    ]


def lint_pack(pack: Pack, sources: Path | None = None) -> list[Diagnostic]:
    """Every finding about ``pack``; an empty list means the pack is faithful."""
    doc = pack.document
    model = pack.model
    if doc is None or model is None:
        return [Diagnostic("L000", f"pack {pack.id} was not loaded from a file: nothing to lint")]
    folder = sources or sources_dir()
    out: list[Diagnostic] = []

    def at(path: tuple[Hashable, ...], code: str, message: str, hint: str | None = None) -> None:
        out.append(Diagnostic(code, message, doc.span(path), hint))

    texts: dict[str, str] = {}
    for i, src in enumerate(model.meta.sources):
        where = ("meta", "sources", i, "file")
        name = PurePosixPath(src.file.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or not name.parts:
            # A pack names a file in the sources folder the caller chose, nothing elsewhere.
            at(
                where,
                "L007",
                f"regulation file {src.file!r} is not a name inside the sources folder",
                "name the file relative to the folder (rules/sources/ or --sources), no '..'",
            )
            continue
        path = folder / name
        if not path.is_file():
            at(where, "L001", f"regulation file {src.file} not found in {folder}")
            continue
        try:
            raw = read_bounded(path, str(path))
        except DocumentError as exc:
            at(where, "L008", f"regulation file {src.file}: {exc.diagnostics[0].message}")
            continue
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            at(
                where,
                "L008",
                f"regulation file {src.file} is not UTF-8 (byte 0x{raw[exc.start]:02x} at "
                f"offset {exc.start})",
                "convert it, e.g. iconv -f GB18030 -t UTF-8, and check the quotes again",
            )
            continue
        texts[src.language] = normalize(decoded, src.language)

    for i, art in enumerate(model.articles):
        for lang, source in texts.items():
            text = art.text.get(lang)
            if text and normalize(text, lang) not in source:
                at(
                    ("articles", i, "text", lang),
                    "L002",
                    f"the {lang} text of article {art.number} ({art.label}) is not in "
                    "the regulation file",
                    "copy the article's words exactly",
                )
    articles = {art.number: art for art in model.articles}
    for i, rule in enumerate(model.rules):
        multi = isinstance(rule.cite, list)
        for j, cite in enumerate(rule.citations):
            cpath: tuple[Hashable, ...] = ("rules", i, "cite", j) if multi else ("rules", i, "cite")
            for lang, source in texts.items():
                quote = cite.quote.get(lang)
                if not quote:
                    continue
                words = normalize(quote, lang)
                cited_article = articles.get(cite.article)
                text = cited_article.text.get(lang) if cited_article else None
                if words not in source:
                    at(
                        (*cpath, "quote", lang),
                        "L003",
                        f"{rule.id}: the {lang} quote does not occur in the regulation file",
                        "a quote must be the law's own words",
                    )
                    continue
                if not text:
                    continue  # this source lacks the article: the file is all there is to check
                place = cited_place(text, cite.paragraph, cite.item)
                if place is not None and words in normalize(place, lang):
                    continue
                cited = _place_name(cite.article, cite.paragraph, cite.item)
                found = places_of(text, quote, lang)
                at(
                    (*cpath, "quote", lang),
                    "L003",
                    f"{rule.id}: the {lang} quote is not in {cited}, the place it cites",
                    (
                        "it is in "
                        + " and ".join(_place_name(cite.article, p, k) for p, k in found)
                        + ": cite that place"
                    )
                    if found
                    else "quote the cited paragraph and item, or cite where the words are",
                )
    concepts = load_vocabulary().concepts
    for i, rule in enumerate(model.rules):
        for k, note in enumerate(rule.notes):
            for concept in _concepts_named(note, concepts):
                at(
                    ("rules", i, "notes", k),
                    "L009",
                    f"{rule.id}: the note names concept {concept!r}, which is not in the "
                    "vocabulary (rules/vocabulary/concepts.yaml)",
                    did_you_mean(concept, concepts) or "name the concept the vocabulary has now",
                )
    for i, rule in enumerate(model.rules):
        if rule.concept not in concepts:
            at(
                ("rules", i, "concept"),
                "L006",
                f"{rule.id}: concept {rule.concept!r} is not in the vocabulary "
                "(rules/vocabulary/concepts.yaml)",
                did_you_mean(rule.concept, concepts) or "define it in the vocabulary",
            )
    rows = {row.number: row for row in coverage(pack)}
    for i, art in enumerate(model.articles):
        row = rows[art.number]
        if row.rules and row.declaratory:
            at(
                ("articles", i, "declaratory"),
                "L004",
                f"article {art.number} is cited by {', '.join(row.rules)} but marked declaratory",
            )
        if not row.rules and not row.declaratory:
            at(
                ("articles", i),
                "L005",
                f"article {art.number} ({art.label}) is neither cited by a rule nor declaratory",
                "encode its obligations, or give a one-line reason under 'declaratory'",
            )
    effective = model.meta.effective
    for param, (first, rules) in _unvalued_parameters(pack).items():
        since = (
            f"the pack is in force from {effective}"
            if effective is not None
            else "the pack gives no effective date (meta.effective), so its rules apply on any day"
        )
        start = effective.isoformat() if effective is not None else "the law's first day"
        out.append(
            Diagnostic(
                "L010",
                f"parameter ${param} has no value before its first version, from {first}, and "
                f"{since}: before {first} rule(s) {', '.join(rules)} read it as null (every "
                "comparison with it false), so their verdicts there do not come from the law",
                doc.span(("parameters", param), key=True),
                f"if the law had a value before the amendment, give it as a version from "
                f"{start}; if the rules only begin on {first}, this is the warning that they "
                "are silent before it",
                level="warning",
            )
        )
    return out


def _unvalued_parameters(pack: Pack) -> dict[str, tuple[dt.date, list[str]]]:
    """Each dated parameter that a rule reads while it has no value, with its first version's
    day and those rules: a rule in force from before that day (or with no day: the pack has
    no effective date)."""
    found: dict[str, tuple[dt.date, list[str]]] = {}
    for rule in pack.rules:
        roots = (rule.when, rule.requires, rule.open_while, rule.dated_by)
        for node in (n for root in roots if root is not None for n in walk(root)):
            if not isinstance(node, Param) or not node.versions:
                continue
            first = node.versions[0][0]
            if rule.in_force_from is not None and rule.in_force_from >= first:
                continue
            rules = found.setdefault(node.name, (first, []))[1]
            if rule.id not in rules:
                rules.append(rule.id)
    order = list(pack.model.parameters) if pack.model is not None else []
    return dict(sorted(found.items(), key=lambda kv: order.index(kv[0])))


def _place_name(article: int, paragraph: int | None, item: int | None) -> str:
    parts = [f"article {article}"]
    if paragraph is not None:
        parts.append(f"paragraph {paragraph}")
    if item is not None:
        parts.append(f"item {item}")
    return " ".join(parts)


_DOTTED = re.compile(r"(?<![\w./-])[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+(?![\w/-])")


def _concepts_named(note: str, concepts: Mapping[str, object]) -> Iterator[str]:
    """The dotted names in a note that read as concept ids and are not in the vocabulary.

    A concept id is two segments whose first is one of the vocabulary's families
    (``website.``, ``project.``...); a rule id has three or more (its city first) and a
    field path starts with a field, never with a family, so neither is mistaken for one.
    """
    families = {name.split(".", 1)[0] for name in concepts}
    for name in _DOTTED.findall(note):
        head, _, rest = name.partition(".")
        if head in families and "." not in rest and name not in concepts:
            yield name
