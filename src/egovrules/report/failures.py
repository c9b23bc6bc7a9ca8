"""Inputs a run could not judge, as records every output format can show.

A bad subject file (unreadable, invalid, no city, an unknown pack) is not a report, but CI must
still see it where it looks: SARIF notifications, a JUnit ``<error>``, a GitHub ``::error``
annotation, the JSON ``errors`` array, a Markdown section. ``failures_of`` flattens one
``EgovrulesError`` into an ``InputFailure`` per diagnostic, each with its stable code and, when
the error is about a place in a file, the file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from egovrules.source.errors import EgovrulesError, InputError, InternalError

__all__ = ["INTERNAL", "USAGE", "InputFailure", "failures_of"]

INTERNAL = "internal"
"""The code of an unexpected exception: a bug in egovrules (exit code 3)."""
USAGE = "usage"
"""The code of an error that names no file position (an unknown pack id, ...)."""


@dataclass(frozen=True, slots=True)
class InputFailure:
    """One reason an input could not be judged: a stable code (``E300``, ``usage``,
    ``internal``), the message, where (file, 1-based line and column, when known), a hint."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    @property
    def internal(self) -> bool:
        """True for a bug in egovrules rather than a problem with the input."""
        return self.code == INTERNAL

    def to_dict(self) -> dict[str, Any]:
        """The failure as the JSON document's ``errors[]`` entry."""
        return {
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "hint": self.hint,
        }


def failures_of(errors: Iterable[EgovrulesError]) -> list[InputFailure]:
    """Every diagnostic of ``errors``, in order, one ``InputFailure`` each."""
    out: list[InputFailure] = []
    for error in errors:
        if isinstance(error, InputError):
            for d in error.diagnostics:
                span = d.span
                out.append(
                    InputFailure(
                        d.code,
                        d.message,
                        span.file if span else None,
                        span.line if span else None,
                        span.col if span else None,
                        d.hint,
                    )
                )
        elif isinstance(error, InternalError):
            # ``where`` is a file, or ``file:line`` for a subject inside one
            file, _, line = error.where.rpartition(":")
            if file and line.isdigit():
                out.append(InputFailure(INTERNAL, str(error), file, int(line)))
            else:
                out.append(InputFailure(INTERNAL, str(error), error.where))
        else:
            out.append(InputFailure(USAGE, str(error)))
    return out
