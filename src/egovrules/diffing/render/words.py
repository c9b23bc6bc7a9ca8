"""Phrases every diff renderer uses, so the text, Markdown and HTML outputs say the same thing."""

from __future__ import annotations

import unicodedata

from egovrules.diffing.model import CellStatus, ConceptDiff, PackDiff, Presence, Verdict

__all__ = [
    "CELL_MARKS",
    "CELL_WORDS",
    "presence_words",
    "verdict_words",
    "width",
]

CELL_MARKS = {
    CellStatus.ABSENT: "·",
    CellStatus.PRESENT: "●",
    CellStatus.STRICTER: "▲",
    CellStatus.LOOSER: "▼",
    CellStatus.MIXED: "◆",
}
CELL_WORDS = {
    CellStatus.ABSENT: "no rule on the concept",
    CellStatus.PRESENT: "has a rule; not proved stricter or looser than another pack",
    CellStatus.STRICTER: "proved stricter than another pack, looser than none",
    CellStatus.LOOSER: "proved looser than another pack, stricter than none",
    CellStatus.MIXED: "proved stricter than one pack and looser than another",
}


def verdict_words(verdict: Verdict | None, d: PackDiff) -> str:
    """``stricter in wuhan``, ``same``, ``incomparable``."""
    match verdict:
        case Verdict.STRICTER_A:
            return f"stricter in {d.a.label}"
        case Verdict.STRICTER_B:
            return f"stricter in {d.b.label}"
        case Verdict.SAME:
            return "same obligation"
        case Verdict.INCOMPARABLE:
            return "incomparable"
    return ""


def presence_words(c: ConceptDiff, d: PackDiff) -> str:
    """``in both``, ``only in wuhan``."""
    match c.presence:
        case Presence.ONLY_A:
            return f"only in {d.a.label}"
        case Presence.ONLY_B:
            return f"only in {d.b.label}"
    return "in both"


def width(text: str) -> int:
    """Columns a terminal gives ``text``: two for wide (CJK) characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
