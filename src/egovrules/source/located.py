"""A document's values, each with where it stands in the text they were read from."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from egovrules.source.span import Span

__all__ = ["Document", "PathKey"]

PathKey = tuple[Hashable, ...]
"""A value's path in a document: keys and list indexes from the root."""


@dataclass(frozen=True)
class Document:
    """The values of one file, with the span of every value and key."""

    file: str
    text: str
    data: Any
    value_marks: dict[PathKey, Span] = field(default_factory=dict)
    key_marks: dict[PathKey, Span] = field(default_factory=dict)

    def span(self, path: PathKey, *, key: bool = False) -> Span:
        """The span of the value (or key) at ``path``, or of its nearest recorded ancestor."""
        for n in range(len(path), -1, -1):
            found = (self.key_marks.get(path[:n]) if key else None) or self.value_marks.get(
                path[:n]
            )
            if found is not None:
                return found
        return Span(self.file, 1, 1)
