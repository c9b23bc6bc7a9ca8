"""Positions in source files, and the one renderer every positioned error uses.

A ``Span`` points at a line and column (both 1-based) of a file. ``render_caret`` draws the
source line with a caret under the column, the format every egovrules error shares.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from egovrules.source.lines import split_lines

__all__ = ["Span", "render_caret"]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A 1-based line and column in a named file."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


_MAX_SHOWN = 120  # characters of a source line shown under a diagnostic


def render_caret(span: Span, text: str | None) -> str:
    """Return the source line of ``span`` with a caret under its column (empty if unknown)."""
    if text is None:
        return ""
    lines = _lines_of(text)
    if not 1 <= span.line <= len(lines):
        return ""
    line = lines[span.line - 1]
    gutter = f"{span.line:>5} | "
    pad = " " * (len(gutter) - 2) + "| "
    col = max(span.col - 1, 0)
    if len(line) > _MAX_SHOWN:
        # A very long line (a minified or hostile file) is shown as a window around the column.
        start = max(0, min(col - _MAX_SHOWN // 2, len(line) - _MAX_SHOWN))
        end = start + _MAX_SHOWN
        lead = "…" if start > 0 else ""
        line = lead + line[start:end] + ("…" if end < len(line) else "")
        col = col - start + len(lead)
    # East Asian wide characters take two cells on a terminal: keep the caret under its target.
    prefix = line[:col]
    width = sum(2 if _is_wide(ch) else 1 for ch in prefix)
    return f"{gutter}{line}\n{pad}{' ' * width}^"


@functools.lru_cache(maxsize=2)
def _lines_of(text: str) -> list[str]:
    # The lines of the text the last diagnostics were drawn from: a file with many errors is
    # split once, not once per caret. (Never mutated by the callers.)
    return split_lines(text)


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")
