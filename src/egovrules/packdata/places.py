"""The places a citation can point at inside an article: its paragraphs (款) and their items (项).

An article's text in a pack holds one line per paragraph or item, as the regulation prints
them. A line that opens with an item mark — ``（一）``, ``(一)``, ``(i)``, ``(a)``, ``(two)``,
``(1)`` — is an item of the paragraph before it (of paragraph 1 when the article opens with its
items, as an article whose introducing sentence the source lost does); every other line opens a
new paragraph. A stray line between two items (the ``p>`` the Spanish Tianjin source prints in
article 14) continues the item before it rather than opening a paragraph.

Items are counted by their position in the paragraph, not read from their marks: a machine
translation prints ``(a)`` for the first and ``(two)`` for the second.

The loader (``ir.compile``: does the cited paragraph exist) and lint (``authoring.lint``: is
every quote inside the cited paragraph and item) both count with this module, so the two
never disagree on what "paragraph 2" of an article is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from egovrules.packdata.normalize import normalize

__all__ = ["Paragraph", "cited_place", "paragraphs", "places_of"]

_ITEM = re.compile(
    r"^\s*[（(]\s*(?:[一二三四五六七八九十]+|[ivxlc]+|[a-z]|\d+|"
    r"one|two|three|four|five|six|seven|eight|nine|ten)\s*[)）]"
)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: its own words (empty when the article opens with items) and its items."""

    lead: str
    items: tuple[str, ...]

    @property
    def text(self) -> str:
        """The whole paragraph, its items included, one line each."""
        return "\n".join(line for line in (self.lead, *self.items) if line)


def paragraphs(text: str) -> list[Paragraph]:
    """The paragraphs of an article's text, in order (paragraph 1 first)."""
    out: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    for k, line in enumerate(lines):
        if _ITEM.match(line):
            if not out:
                out.append(("", []))
            out[-1][1].append(line)
        elif out and out[-1][1] and k + 1 < len(lines) and _ITEM.match(lines[k + 1]):
            out[-1][1][-1] += "\n" + line
        else:
            out.append((line, []))
    return [Paragraph(lead, tuple(items)) for lead, items in out]


def cited_place(text: str, paragraph: int | None, item: int | None) -> str | None:
    """The words of the cited place: the whole article, a paragraph, or one item of it
    (``None`` when the article has no such paragraph or item). An item without a paragraph
    is an item of paragraph 1."""
    if paragraph is None and item is None:
        return text
    paras = paragraphs(text)
    p = paragraph or 1
    if p > len(paras):
        return None
    if item is None:
        return paras[p - 1].text
    items = paras[p - 1].items
    return items[item - 1] if item <= len(items) else None


def places_of(text: str, quote: str, language: str) -> list[tuple[int, int | None]]:
    """Every (paragraph, item) of ``text`` that holds ``quote`` (both normalized), the
    paragraph's own words as item ``None``: where a misplaced quote really is."""
    words = normalize(quote, language)
    out: list[tuple[int, int | None]] = []
    for p, para in enumerate(paragraphs(text), 1):
        if para.lead and words in normalize(para.lead, language):
            out.append((p, None))
        out.extend(
            (p, i) for i, line in enumerate(para.items, 1) if words in normalize(line, language)
        )
    return out
