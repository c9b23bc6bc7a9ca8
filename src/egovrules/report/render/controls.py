"""Text a subject wrote, made safe to print on a line of a terminal or a CI log.

A subject's strings (its id, a name, a waiver's reason) reach the text report and the CI
annotations. A line break in one would start a line of its own (``::error file=...::`` is a
GitHub workflow command, read from any line of a job's output), an escape sequence would move
the cursor or clear the screen, a bidirectional control would reorder what a reader sees.
``visible`` writes each such character as its Python escape (``\\n``, ``\\x1b``, ``\\u202e``),
so that it is seen, not obeyed.
"""

from __future__ import annotations

import re

__all__ = ["visible"]

# C0 controls but the tab, DEL and the C1 controls, the line and paragraph separators, the
# bidirectional embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def visible(text: str) -> str:
    """``text`` on one line, every control character written as its escape."""
    return _UNSAFE.sub(_escape, text)
