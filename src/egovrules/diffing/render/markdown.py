"""Markdown output of a diff and a matrix, for a pull request or a memo: a summary, one section
per shared concept with the two sides in a table, then the concepts only one pack has."""

from __future__ import annotations

import html

from egovrules.diffing.model import (
    CitationView,
    ConceptDiff,
    Matrix,
    PackDiff,
    Presence,
    RuleView,
    Verdict,
    Witness,
)
from egovrules.diffing.render.words import CELL_MARKS, CELL_WORDS, presence_words, verdict_words
from egovrules.diffing.witness_words import witness_words
from egovrules.ir.words import WORDS_LANGS
from egovrules.law.citation import show_quote

__all__ = ["render_diff_markdown", "render_matrix_markdown"]


def _cell(text: str) -> str:
    """Text of a pack or a subject, inert in Markdown: no raw HTML (``<script>``, a closing
    ``</details>``) passes through, and no ``|`` ends a table cell."""
    text = html.escape(text, quote=False)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _quote(c: CitationView) -> str:
    original = c.quote_in(c.original_language) or ""
    text = f"{c.where} 「{original}」"
    english = c.quote_in("en")
    if english and c.original_language != "en":
        text += f" — {show_quote(english, source=c.is_source('en'))}"
    return text


def _side(rules: tuple[RuleView, ...], what: str) -> str:
    if not rules:
        return "—"
    parts = []
    for r in rules:
        match what:
            case "rule":
                parts.append(f"`{r.id}` ({r.severity})")
            case "words":
                parts.extend(r.statement_in(lang) for lang in WORDS_LANGS)
            case "when":
                parts.append(r.applies_when)
            case "requires":
                parts.append(r.requires)
            case "parameters":
                parts.extend(f"`${p.name}` = {p.value}" for p in r.parameters)
            case "cites":
                parts.extend(_quote(c) for c in r.citations)
    return "<br>".join(_cell(p) for p in parts) if parts else "—"


def _witness(w: Witness, d: PackDiff) -> str:
    rejecter = d.a.label if w.rejected_by == "a" else d.b.label
    facts = "; ".join(f"`{p}` = {v}" for p, v in w.facts)
    out = [
        f"- **Witness** ({w.kind}, as of {w.as_of.isoformat()}), rejected by **{rejecter}**: "
        + " / ".join(_cell(witness_words(w, d.a, d.b, lang)) for lang in WORDS_LANGS)
        + (f" — where {_cell(facts)}" if facts else "")
        + "\n"
    ]
    for side, label in ((w.a, d.a.label), (w.b, d.b.label)):
        outcome = "no rule" if side.outcome == "no_rule" else side.outcome.replace("_", " ")
        arts = f" ({', '.join(side.articles)})" if side.articles else ""
        out.append(f"  - {label}: **{outcome}**{arts}\n")
        out.extend(f"    - {_cell(m)}\n" for m in side.messages)
    return "".join(out)


def _concept(c: ConceptDiff, d: PackDiff) -> str:
    out = [f"### `{c.concept}` — {_cell(c.title)}\n\n"]
    status = presence_words(c, d)
    if c.verdict is not None:
        status += f" · **{verdict_words(c.verdict, d)}**"
    out.append(f"{status} · on {', '.join(c.kinds)}")
    if c.presence is Presence.BOTH:
        out.append(f" — {_cell(c.reason)}")
    out.append("\n\n")
    out.append(f"| | {_cell(d.a.label)} | {_cell(d.b.label)} |\n|---|---|---|\n")
    for label, what in (
        ("rule", "rule"),
        ("in words", "words"),
        ("applies when", "when"),
        ("requires", "requires"),
        ("parameters", "parameters"),
        ("cites", "cites"),
    ):
        out.append(f"| {label} | {_side(c.rules_a, what)} | {_side(c.rules_b, what)} |\n")
    out.append("\n")
    if c.aspects:
        out.append("Differences:\n\n")
        for a in c.aspects:
            verdict = f" — **{verdict_words(a.verdict, d)}**" if a.verdict is not None else ""
            out.append(f"- *{a.name}*{verdict}: {_cell(a.reason)}\n")
            out.append(f"  - {_cell(d.a.label)}: {_cell(a.a)}\n")
            out.append(f"  - {_cell(d.b.label)}: {_cell(a.b)}\n")
        out.append("\n")
    for w in c.witnesses:
        out.append(_witness(w, d))
    if c.search.searched or c.verdict is Verdict.SAME:
        out.append(f"\n*Search:* {_cell(c.search.note)}\n")
    out.append("\n")
    return "".join(out)


def render_diff_markdown(d: PackDiff) -> str:
    """The diff as a Markdown document."""
    out = [f"# {_cell(d.a.label)} vs {_cell(d.b.label)}\n\n"]
    out.append("| | A | B |\n|---|---|---|\n")
    out.append(f"| pack | {_cell(d.a.label)} | {_cell(d.b.label)} |\n")
    out.append(f"| city | {_cell(d.a.city)} | {_cell(d.b.city)} |\n")
    out.append(f"| version | {d.a.version} | {d.b.version} |\n")
    out.append(f"| content hash | `{d.a.content_hash[:12]}` | `{d.b.content_hash[:12]}` |\n")
    eff_a = d.a.effective.isoformat() if d.a.effective else "not stated"
    eff_b = d.b.effective.isoformat() if d.b.effective else "not stated"
    out.append(f"| in force from | {eff_a} | {eff_b} |\n\n")
    out.append(
        f"{len(d.concepts)} concept(s): {d.count(Presence.BOTH)} in both "
        f"({d.count(verdict=Verdict.SAME)} same, "
        f"{d.count(verdict=Verdict.STRICTER_A)} stricter in {_cell(d.a.label)}, "
        f"{d.count(verdict=Verdict.STRICTER_B)} stricter in {_cell(d.b.label)}, "
        f"{d.count(verdict=Verdict.INCOMPARABLE)} incomparable), "
        f"{d.count(Presence.ONLY_A)} only in {_cell(d.a.label)}, "
        f"{d.count(Presence.ONLY_B)} only in {_cell(d.b.label)}.\n\n"
        "Verdicts compare the obligations while both texts are in force. *Stricter* is stated "
        "only where it is proved from the compiled conditions; every witness was checked by "
        "running both packs on it (see docs/diff.md).\n\n"
    )
    for title, presence in (
        ("In both", Presence.BOTH),
        (f"Only in {d.a.label}", Presence.ONLY_A),
        (f"Only in {d.b.label}", Presence.ONLY_B),
    ):
        chosen = [c for c in d.concepts if c.presence is presence]
        if chosen:
            out.append(f"## {_cell(title)} ({len(chosen)})\n\n")
            out.extend(_concept(c, d) for c in chosen)
    return "".join(out)


def render_matrix_markdown(m: Matrix) -> str:
    """The matrix as a Markdown table, each cell its mark, parameters and articles."""
    labels = " | ".join(_cell(p.label) for p in m.packs)
    out = [
        "# Concepts × packs\n\n",
        "Legend: "
        + "; ".join(f"{mark} {s.value} ({CELL_WORDS[s]})" for s, mark in CELL_MARKS.items())
        + ".\n\n",
        f"| concept | {labels} |\n|---|{'---|' * len(m.packs)}\n",
    ]
    for row in m.rows:
        cells = []
        for c in row.cells:
            if not c.rules:
                cells.append(CELL_MARKS[c.status])
                continue
            arts = f" ({', '.join(c.articles)})" if c.articles else ""
            cells.append(_cell(f"{CELL_MARKS[c.status]} {c.summary}{arts}"))
        out.append(f"| `{row.concept}` {_cell(row.title)} | {' | '.join(cells)} |\n")
    return "".join(out)
