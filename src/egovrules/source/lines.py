"""Lines of a source text, counted as YAML's marks count them.

YAML breaks a line at ``\\r\\n``, ``\\r``, ``\\n``, U+0085, U+2028 and U+2029 (a JSON string may
hold the last three raw). Every position egovrules reports in a text, whoever found it (the
YAML reader, the JSON span finder, a check of characters before parsing), and the line a
diagnostic shows under its caret, counts lines this one way.
"""

from __future__ import annotations

import bisect
import re

__all__ = ["LINE_BREAK", "line_starts", "position", "split_lines"]

LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_NEWLINE = re.compile("\n")
_RARE_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def _breaks(text: str) -> re.Pattern[str]:
    # Most texts break lines with "\n" alone: the simpler pattern finds them faster.
    return LINE_BREAK if any(c in text for c in _RARE_BREAKS) else _NEWLINE


def line_starts(text: str) -> list[int]:
    """The offset at which each line of ``text`` begins, the first line's (0) first."""
    return [0, *(m.end() for m in _breaks(text).finditer(text))]


def position(starts: list[int], offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``offset``, given the text's ``line_starts``."""
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def split_lines(text: str) -> list[str]:
    """The lines of ``text``, without their breaks (none after a final break)."""
    lines = _breaks(text).split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines
