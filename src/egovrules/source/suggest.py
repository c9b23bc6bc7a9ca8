""" "Did you mean …?": the one place an unknown name is matched against the known ones."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest", "did_you_mean"]


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``word`` (difflib's ratio, at least 0.6), or None."""
    found = difflib.get_close_matches(word, list(choices), n=1)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """``"did you mean 'x'?"`` for the closest choice, or None when none is close."""
    guess = closest(word, choices)
    return None if guess is None else f"did you mean {guess!r}?"
