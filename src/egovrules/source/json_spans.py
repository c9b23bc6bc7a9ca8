"""Where the values and keys of a JSON text stand, found when asked: ``JsonDocument``.

A JSON text is parsed by the C parser, which keeps no positions; a value's line and column are
found when a caller asks (``Document.span``), from the root along its path, by stepping over
the text. Both readers of JSON use it: ``json_document.read_json``, the fast path of a body that
YAML reads alike, and ``document.parse_document`` for a JSON text YAML refuses (a tab between
tokens, as Go's ``json.MarshalIndent(v, "", "\t")`` writes), whose values and keys it then
locates as YAML's marks would have (``tests/test_json_document.py``). JSON's whitespace between
tokens: space, tab, line feed and carriage return.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from egovrules.source.lines import line_starts, position
from egovrules.source.located import Document, PathKey
from egovrules.source.span import Span

__all__ = ["STRING_BODY", "SURROGATE", "JsonDocument", "Step", "skip_space"]

_NAME = re.compile(r"[A-Za-z0-9_]+")
_SPACE = re.compile(r"[ \t\r\n]*")
_WHITESPACE = (" ", "\t", "\r", "\n")
STRING_BODY = r'[^"\\]*(?:\\.[^"\\]*)*'  # between the quotes of a JSON string
SURROGATE = re.compile("[\ud800-\udfff]")  # a UTF-16 half, paired or not
_THEN = r"[ \t\r\n]*(?:,[ \t\r\n]*)?"  # past a value: to the next one, or the end
_SCALAR_THEN = rf'(?:"{STRING_BODY}"|[^\s,\]}}{{\[]+){_THEN}'
# A mapping's entry: its key, to its value, and past the value when it is a scalar.
_ENTRY = re.compile(rf'"({STRING_BODY})"[ \t\r\n]*:[ \t\r\n]*({_SCALAR_THEN})?')
_ITEM = re.compile(_SCALAR_THEN)  # past a scalar item of a list
_PAST = re.compile(_THEN)
_SCAN = json.JSONDecoder().raw_decode  # steps over one value, from its first character


@dataclass(frozen=True)
class JsonDocument(Document):
    """A ``Document`` of plain JSON: ``value_marks`` and ``key_marks`` stay empty; ``span``
    finds a position when asked, as ``Document.span`` would have found it recorded."""

    _index: _Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _Index(self.text, self.data))

    def keep_items(self, items: dict[Hashable, Step]) -> None:
        """Where each item of the root list stands, already known from reading it item by item:
        not found again when a position in one is asked for."""
        self._index.entries[self._index.root] = items

    def span(self, path: PathKey, *, key: bool = False) -> Span:
        """The span of the value (or key) at ``path``, or of its nearest present ancestor."""
        return Span(self.file, *position(self._index.lines, self.offset(path, key=key)))

    def offset(self, path: PathKey, *, key: bool = False) -> int:
        """The offset in the text of the value (or key) at ``path``, or of its nearest present
        ancestor: for a caller that counts lines its own way (``watch``, one event a line)."""
        key_at, value_at = self._index.walk(path)
        return key_at if key and key_at is not None else value_at


Step = tuple[int | None, int, int]  # key offset (None in a list), value offset, value end


class _Index:
    """Where the values and keys of a JSON text stand, found when asked.

    The parsed data says which step of a path exists. A key that is a name of ASCII letters,
    digits and underscores is found by searching it, quoted, in the text of its mapping: when
    that text has no ``\\u00`` escape (the only escape that writes such a character, so the key
    is written as it reads) and the quoted name occurs there once, that occurrence is the key:
    any other string equal to it, or ending in it after an escaped quote, would be a second.
    Otherwise, and for the items of a list, the container's entries are stepped through once
    (``_entries``) and kept."""

    def __init__(self, text: str, data: Any) -> None:
        self.text = text
        self.data = data
        self.root = skip_space(text, 0)
        self.lines = line_starts(text)
        self.entries: dict[int, dict[Hashable, Step]] = {}

    def walk(self, path: PathKey) -> tuple[int | None, int]:
        """The key and value offsets of the deepest step of ``path`` that exists."""
        text = self.text
        key_at: int | None = None
        node, at, end = self.data, self.root, len(text)
        for part in path:
            if type(node) is dict:
                if part not in node:
                    break
                key_at, at, value_end = self._key(at, end, part)
            elif type(node) is list:
                if not isinstance(part, int) or not 0 <= part < len(node):
                    break
                key_at, at, value_end = self._entries_of(at)[part]
            else:
                break
            node = node[part]
            end = value_end
            if end < 0 and (type(node) is dict or type(node) is list):
                end = _SCAN(text, at)[1]
        return key_at, at

    def _key(self, start: int, end: int, key: Hashable) -> Step:
        text = self.text
        if isinstance(key, str) and _NAME.fullmatch(key) and text.find("\\u00", start, end) < 0:
            quoted = f'"{key}"'
            at = text.find(quoted, start, end)
            if text.find(quoted, at + 1, end) < 0:
                return at, skip_space(text, skip_space(text, at + len(quoted)) + 1), -1
        return self._entries_of(start)[key]

    def _entries_of(self, start: int) -> dict[Hashable, Step]:
        entries = self.entries.get(start)
        if entries is None:
            entries = self.entries[start] = self._entries(start)
        return entries

    def _entries(self, start: int) -> dict[Hashable, Step]:
        """The key and value offsets of each entry of the container at ``start``, and the
        end of each value that is a container (-1 for a scalar)."""
        text = self.text
        out: dict[Hashable, Step] = {}
        mapping = text[start] == "{"
        closing = "}" if mapping else "]"
        at = skip_space(text, start + 1)
        index = 0
        while text[at] != closing:
            key: Hashable = index
            key_at: int | None = None
            if mapping:
                entry = _ENTRY.match(text, at)
                assert entry is not None  # the text is JSON that json.loads read
                key, key_at = entry.group(1), at
                if "\\" in key:
                    key = json.loads(f'"{key}"')
                if entry.group(2) is not None:  # a scalar, stepped over
                    out[key] = (key_at, entry.start(2), -1)
                    at = entry.end()
                    continue
                at = entry.end()
            else:
                index += 1
                if text[at] not in "{[":
                    item = _ITEM.match(text, at)
                    assert item is not None
                    out[key] = (None, at, -1)
                    at = item.end()
                    continue
            _, end = _SCAN(text, at)
            out[key] = (key_at, at, end)
            past = _PAST.match(text, end)
            assert past is not None
            at = past.end()
        return out


def skip_space(text: str, at: int) -> int:
    """The offset of the first character at or after ``at`` that is not JSON whitespace."""
    if text[at : at + 1] not in _WHITESPACE:  # most often: no whitespace to step over
        return at
    found = _SPACE.match(text, at)
    return at if found is None else found.end()
