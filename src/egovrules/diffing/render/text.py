"""Text output of a diff and a matrix for a terminal: no line wider than 80 columns (Chinese
characters count two), the shared concepts first, then those only one pack has."""

from __future__ import annotations

import re
from collections.abc import Iterable

from egovrules.diffing.model import (
    CitationView,
    ConceptDiff,
    Matrix,
    PackDiff,
    Presence,
    RuleView,
    SideOutcome,
    Verdict,
    Witness,
)
from egovrules.diffing.render.words import (
    CELL_MARKS,
    CELL_WORDS,
    presence_words,
    verdict_words,
    width,
)
from egovrules.diffing.witness_words import witness_words
from egovrules.ir.words import WORDS_LANGS
from egovrules.law.citation import show_quote

__all__ = ["WIDTH", "render_diff_text", "render_matrix_text", "wrap"]

WIDTH = 80
_TOKEN = re.compile(
    r"\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+"
)


def wrap(text: str, indent: str = "", rest: str | None = None, limit: int = WIDTH) -> list[str]:
    """``text`` in lines of at most ``limit`` columns: words stay whole, Chinese breaks between
    any two characters, a word wider than a line is cut."""
    rest = indent if rest is None else rest
    lines: list[str] = []
    line, used = indent, width(indent)
    pending_space = False
    for word in _TOKEN.findall(" ".join(text.split())):
        token = word
        if token.isspace():
            pending_space = line.strip() != ""
            continue
        need = width(token) + (1 if pending_space else 0)
        if used + need > limit and line.strip():
            lines.append(line.rstrip())
            line, used, pending_space = rest, width(rest), False
            need = width(token)
        if pending_space:
            line, used = line + " ", used + 1
        while used + width(token) > limit:  # a word wider than a whole line
            room = limit - used
            cut, taken = "", 0
            for ch in token:
                if taken + width(ch) > room:
                    break
                cut, taken = cut + ch, taken + width(ch)
            if not cut:
                break
            lines.append(line + cut)
            token = token[len(cut) :]
            line, used = rest, width(rest)
        line, used = line + token, used + width(token)
        pending_space = False
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _quote_lines(c: CitationView, indent: str) -> list[str]:
    out = []
    original = c.quote_in(c.original_language)
    if original:
        out.extend(wrap(f"「{original}」", indent, indent + " "))
    english = c.quote_in("en")
    if english and c.original_language != "en":
        shown = show_quote(english, source=c.is_source("en"))
        out.extend(wrap(shown, indent, indent + " "))
    return out


def _rule_lines(label: str, rules: Iterable[RuleView], pad: int) -> list[str]:
    out: list[str] = []
    head = f"  {label:<{pad}}  "
    blank = " " * len(head)
    rules = list(rules)
    if not rules:
        return [f"{head}— no rule"]
    for i, r in enumerate(rules):
        first = head if i == 0 else blank
        out.extend(wrap(f"{r.id} ({r.severity})", first, blank))
        if r.title:
            out.extend(wrap(r.title, blank + "  ", blank + "  "))
        if r.binds:
            out.extend(wrap(f"binds: {r.binds}", blank + "  ", blank + "    "))
        for lang in WORDS_LANGS:
            if said := r.statement_in(lang):
                out.extend(wrap(f"in words ({lang}): {said}", blank + "  ", blank + "    "))
        if r.applies_when != "always":
            out.extend(wrap(f"when: {r.applies_when}", blank + "  ", blank + "    "))
        out.extend(wrap(f"requires: {r.requires}", blank + "  ", blank + "    "))
        for p in r.parameters:
            where = f" ({p.citation.where})" if p.citation is not None else ""
            out.extend(wrap(f"${p.name} = {p.value}{where}", blank + "  ", blank + "    "))
        for c in r.citations:
            out.extend(wrap(f"cites {c.where}", blank + "  ", blank + "    "))
            out.extend(_quote_lines(c, blank + "    "))
    return out


def _side_words(s: SideOutcome, label: str) -> str:
    if s.outcome == "no_rule":
        return f"{label}: no rule"
    text = f"{label}: {s.outcome.replace('_', ' ')}"
    if s.articles:
        text += f" ({', '.join(s.articles)})"
    return text


def _witness_lines(w: Witness, d: PackDiff) -> list[str]:
    rejecter = d.a.label if w.rejected_by == "a" else d.b.label
    out = wrap(f"witness ({w.kind}, as of {w.as_of.isoformat()}), rejected by {rejecter}:", "  ")
    for lang in WORDS_LANGS:
        out.extend(wrap(witness_words(w, d.a, d.b, lang), "      ", "      "))
    facts = "; ".join(f"{p} = {v}" for p, v in w.facts)
    if facts:
        out.extend(wrap(f"where {facts}", "      ", "        "))
    for side, label in ((w.a, d.a.label), (w.b, d.b.label)):
        out.extend(wrap(_side_words(side, label), "    → ", "        "))
        for m in side.messages:
            out.extend(wrap(m, "        ", "          "))
    return out


def _loud(verdict: Verdict, d: PackDiff) -> str:
    """The verdict in capitals, the pack's label as the user wrote it."""
    match verdict:
        case Verdict.STRICTER_A:
            return f"STRICTER IN {d.a.label}"
        case Verdict.STRICTER_B:
            return f"STRICTER IN {d.b.label}"
    return verdict_words(verdict, d).upper()


def _concept_lines(c: ConceptDiff, d: PackDiff) -> list[str]:
    out = wrap(f"■ {c.concept} — {c.title}", "", "  ")
    if c.title_zh:
        out.extend(wrap(c.title_zh, "  ", "  "))
    status = presence_words(c, d)
    if c.verdict is not None:
        status += f" · {_loud(c.verdict, d)}"
    out.extend(wrap(f"[{status}] on {', '.join(c.kinds)}", "  ", "  "))
    if c.presence is Presence.BOTH:
        out.extend(wrap(c.reason, "  ", "  "))
    # long labels (paths) would eat the column: the sides are then called A and B
    short = max(width(d.a.label), width(d.b.label)) <= 16
    tag_a, tag_b = (d.a.label, d.b.label) if short else ("A", "B")
    pad = max(len(tag_a), len(tag_b))
    out.extend(_rule_lines(tag_a, c.rules_a, pad))
    out.extend(_rule_lines(tag_b, c.rules_b, pad))
    if c.aspects:
        out.append("  differences:")
        for a in c.aspects:
            verdict = f" — {verdict_words(a.verdict, d)}" if a.verdict is not None else ""
            out.extend(wrap(f"{a.name}{verdict}: {a.reason}", "    ", "      "))
            out.extend(wrap(f"{d.a.label}: {a.a}", "      ", "        "))
            out.extend(wrap(f"{d.b.label}: {a.b}", "      ", "        "))
    for w in c.witnesses:
        out.extend(_witness_lines(w, d))
    if c.search.searched or c.verdict is Verdict.SAME:
        out.extend(wrap(f"search: {c.search.note}", "  ", "    "))
    return out


def render_diff_text(d: PackDiff) -> str:
    """The diff for a terminal."""
    out: list[str] = []
    for side, ref in (("A", d.a), ("B", d.b)):
        effective = (
            f"in force from {ref.effective.isoformat()}"
            if ref.effective
            else "no effective date stated"
        )
        text = f"{side} = {ref.label}: {ref.city} pack {ref.version} ({ref.content_hash[:12]})"
        out.extend(wrap(f"{text}, {effective}", "", "    "))
    both = d.count(Presence.BOTH)
    out.extend(
        wrap(
            f"{len(d.concepts)} concept(s): {both} in both "
            f"({d.count(verdict=Verdict.SAME)} same, "
            f"{d.count(verdict=Verdict.STRICTER_A)} stricter in {d.a.label}, "
            f"{d.count(verdict=Verdict.STRICTER_B)} stricter in {d.b.label}, "
            f"{d.count(verdict=Verdict.INCOMPARABLE)} incomparable), "
            f"{d.count(Presence.ONLY_A)} only in {d.a.label}, "
            f"{d.count(Presence.ONLY_B)} only in {d.b.label}.",
        )
    )
    out.extend(
        wrap(
            'Verdicts compare the obligations while both texts are in force; "stricter" is '
            "stated only where proved from the compiled conditions, witnesses are checked by "
            "running both packs (docs/diff.md).",
        )
    )
    sections = (
        ("IN BOTH", Presence.BOTH),
        (f"ONLY IN {d.a.label}", Presence.ONLY_A),
        (f"ONLY IN {d.b.label}", Presence.ONLY_B),
    )
    for title, presence in sections:
        chosen = [c for c in d.concepts if c.presence is presence]
        if not chosen:
            continue
        out.append("")
        out.append(f"{'═' * 3} {title} ({len(chosen)}) {'═' * max(3, 70 - width(title))}"[:WIDTH])
        for c in chosen:
            out.append("")
            out.extend(_concept_lines(c, d))
    return "\n".join(out) + "\n"


def render_matrix_text(m: Matrix) -> str:
    """The concepts × packs grid, a legend, then each cell's parameters and articles."""
    col = max(4, min(9, (WIDTH - 30) // max(len(m.packs), 1)))
    first = WIDTH - col * len(m.packs)
    out = []
    header = f"{'concept':<{first}}" + "".join(f"{p.label[: col - 1]:<{col}}" for p in m.packs)
    out.append(header.rstrip())
    out.append("─" * min(WIDTH, len(header)))
    for row in m.rows:
        name = row.concept if len(row.concept) < first else row.concept[: first - 2] + "…"
        cells = "".join(f"{CELL_MARKS[c.status]:<{col}}" for c in row.cells)
        out.append(f"{name:<{first}}{cells}".rstrip())
    out.append("")
    for status, mark in CELL_MARKS.items():
        out.extend(wrap(f"{mark} {status.value}: {CELL_WORDS[status]}", "", "    "))
    out.append("")
    out.append("details (each cell: parameters or requirement, then the articles cited):")
    for row in m.rows:
        out.append("")
        out.extend(wrap(f"{row.concept} — {row.title}", "", "  "))
        for c in row.cells:
            if not c.rules:
                continue
            mark = CELL_MARKS[c.status]
            text = f"{mark} {c.pack}: {c.summary}"
            if c.articles:
                text += f" — {', '.join(c.articles)}"
            out.extend(wrap(text, "  ", "      "))
    return "\n".join(out) + "\n"
