"""A diff or a matrix as CSV for a spreadsheet a lawyer files: RFC 4180 (comma, double quotes
doubled, CRLF line ends), UTF-8 with a byte-order mark so that Excel opens the Chinese as
Chinese. A cell that a spreadsheet would read as a formula (it begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return: a pack's text, such as an authority's name, can) is written
with a leading apostrophe, so that it is shown as text and never run.

The diff has one row per concept × aspect (a concept whose two sides differ in no aspect, or
that one pack lacks, has one row with what each side requires); every value sits beside the
articles it comes from. The matrix has one row per concept and, per pack, its status, its
summary and its articles. The columns are documented in docs/diff.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from egovrules.diffing.model import Aspect, ConceptDiff, Matrix, PackDiff, RuleView
from egovrules.diffing.render.words import presence_words, verdict_words

__all__ = ["BOM", "render_diff_csv", "render_matrix_csv"]

BOM = "\ufeff"


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: str) -> str:
    """The cell as text a spreadsheet shows and does not run (OWASP "CSV injection")."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _table(rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([_inert(cell) for cell in row] for row in rows)
    return BOM + out.getvalue()


def _articles(rules: Iterable[RuleView]) -> str:
    """``第十五条 ¶2; 第十六条`` for the rules' citations, each once."""
    return "; ".join(dict.fromkeys(c.where for r in rules for c in r.citations))


def _of(rules: tuple[RuleView, ...], rule_id: str) -> tuple[RuleView, ...]:
    return tuple(r for r in rules if r.id == rule_id)


def _rows(c: ConceptDiff, d: PackDiff) -> Iterable[list[str]]:
    head = [
        c.concept,
        c.title,
        c.title_zh or "",
        presence_words(c, d),
        verdict_words(c.verdict, d),
    ]
    aspects: Sequence[Aspect] = c.aspects
    if not aspects:
        yield [
            *head,
            "",
            "; ".join(r.requires for r in c.rules_a),
            _articles(c.rules_a),
            "; ".join(r.requires for r in c.rules_b),
            _articles(c.rules_b),
            "",
            c.reason,
        ]
        return
    for a in aspects:
        id_a, id_b = a.rules
        yield [
            *head,
            a.name,
            a.a,
            _articles(_of(c.rules_a, id_a)),
            a.b,
            _articles(_of(c.rules_b, id_b)),
            verdict_words(a.verdict, d),
            a.reason,
        ]


def render_diff_csv(d: PackDiff) -> str:
    """The diff, one row per concept × aspect."""
    header = [
        "concept",
        "title",
        "title_zh",
        "presence",
        "verdict",
        "aspect",
        f"A: {d.a.label}",
        f"A articles ({d.a.city})",
        f"B: {d.b.label}",
        f"B articles ({d.b.city})",
        "comparison",
        "reason",
    ]
    return _table([header, *(row for c in d.concepts for row in _rows(c, d))])


def render_matrix_csv(m: Matrix) -> str:
    """The matrix, one row per concept; per pack its status, summary and articles."""
    header = ["concept", "title", "title_zh"]
    for p in m.packs:
        header += [f"{p.label}: status", f"{p.label}: summary", f"{p.label}: articles"]
    rows = [header]
    for r in m.rows:
        row = [r.concept, r.title, r.title_zh or ""]
        for cell in r.cells:
            row += [cell.status.value, cell.summary, "; ".join(cell.articles)]
        rows.append(row)
    return _table(rows)
