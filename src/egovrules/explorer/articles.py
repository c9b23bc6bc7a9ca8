"""An article's text as HTML: one block per paragraph (款) with its anchor (``para-2``), one per
item (项, ``para-1-item-3``), counted by ``packdata.places`` as the loader and lint count them,
and the words the rules quote wrapped in ``<mark>``.

A quote is looked for in the paragraph or item its citation names, then anywhere in the
article; it is matched exactly, then with any run of white space standing for any other. A
quote the text does not hold (a translation the pack made itself, not the words of this
translation) marks nothing. Overlapping quotes make one mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from egovrules.explorer.paths import anchor
from egovrules.packdata.places import paragraphs

__all__ = ["Quote", "article_html", "find_quote"]


@dataclass(frozen=True, slots=True)
class Quote:
    """Words a rule quotes, and the place its citation names."""

    words: str
    paragraph: int | None
    item: int | None


def find_quote(text: str, words: str) -> tuple[int, int] | None:
    """Where ``words`` are in ``text`` (start, end), exactly or up to white space."""
    words = words.strip()
    if not words:
        return None
    at = text.find(words)
    if at >= 0:
        return at, at + len(words)
    pattern = r"\s*".join(re.escape(ch) for ch in re.sub(r"\s+", "", words))
    found = re.search(pattern, text)
    return (found.start(), found.end()) if found else None


def _marked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        out.append(escape(text[at:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


def article_html(text: str, quotes: Iterable[Quote], *, prefix: str = "") -> str:
    """The article's paragraphs and items as HTML, quotes marked; anchors ``prefix`` +
    ``para-N`` (``prefix`` keeps a translation's anchors apart from the original's)."""
    paras = paragraphs(text)
    places: dict[tuple[int, int | None], list[tuple[int, int]]] = {}
    lines = {
        (p, i): line
        for p, para in enumerate(paras, 1)
        for i, line in ((None, para.lead), *enumerate(para.items, 1))
        if line
    }
    for quote in quotes:
        wanted = [
            key
            for key in lines
            if (quote.paragraph is None or key[0] == quote.paragraph)
            and (quote.item is None or key[1] == quote.item)
        ]
        for key in [*wanted, *(k for k in lines if k not in wanted)]:
            span = find_quote(lines[key], quote.words)
            if span is not None:
                places.setdefault(key, []).append(span)
                break
    out = []
    for p, para in enumerate(paras, 1):
        out.append(f'<div class="para" id="{prefix}{anchor(p)}">')
        out.append(f'<span class="pnum" aria-hidden="true">{p}</span>')
        if para.lead:
            out.append(f"<p>{_marked(para.lead, places.get((p, None), ()))}</p>")
        if para.items:
            out.append('<ol class="items">')
            for i, line in enumerate(para.items, 1):
                body = _marked(line, places.get((p, i), ()))
                out.append(f'<li id="{prefix}{anchor(p, i)}">{body}</li>')
            out.append("</ol>")
        out.append("</div>")
    return "".join(out)
