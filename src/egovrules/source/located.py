"""A document's values, each with where it stands in the text they were read from."""

from __future__ import annotations

import hashlib
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

    @property
    def content_hash(self) -> str:
        """SHA-256, in hex, of the text in UTF-8 with its line ends written LF (``\\r\\n``
        and a lone ``\\r`` are line ends to YAML as ``\\n`` is; a byte-order mark is not in
        ``text``): the same for a Windows checkout (``core.autocrlf``) as for the file the
        repository holds, whose ``sha256sum`` it is."""
        lf = self.text.replace("\r\n", "\n").replace("\r", "\n")
        return hashlib.sha256(lf.encode("utf-8")).hexdigest()

    def span(self, path: PathKey, *, key: bool = False) -> Span:
        """The span of the value (or key) at ``path``, or of its nearest recorded ancestor."""
        for n in range(len(path), -1, -1):
            found = (self.key_marks.get(path[:n]) if key else None) or self.value_marks.get(
                path[:n]
            )
            if found is not None:
                return found
        return Span(self.file, 1, 1)
