"""Where the duplicate keys and lone surrogates of a JSON text stand, in the order the YAML
reader meets them: ``json_faults``.

The C parser that reads a JSON text YAML refuses (one indented with tabs, as Go's
``json.MarshalIndent(v, "", "\t")`` writes it) keeps no positions and stops at the first
duplicate key. So that such a text is refused as the same text indented with spaces is (each
duplicate key at its place, "first defined at line N"; a lone surrogate at its string), the
text is stepped through once more, only on that error path, as the YAML reader composes it:
in document order; each key read before it is compared with the keys before it; a duplicate
key's value not visited; the first lone surrogate, in a key or a value, ending the walk
(``tests/test_json_document.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from egovrules.source.json_spans import STRING_BODY, SURROGATE, skip_space

__all__ = ["DuplicateKey", "LoneSurrogate", "json_faults"]

_STRING = re.compile(f'"{STRING_BODY}"')
_LITERAL = re.compile(r'[^ \t\r\n,:\]}{\["]+')  # a number, true, false or null


@dataclass(frozen=True)
class DuplicateKey:
    """A key a mapping already has: its offset and its first occurrence's, and its path (the
    keys and indexes from the root to it)."""

    key: str
    at: int
    first_at: int
    path: tuple[Hashable, ...]


@dataclass(frozen=True)
class LoneSurrogate:
    """A string holding a UTF-16 surrogate that is not half of a pair: its offset (the
    opening quote), the surrogate, the path of the value (or of the key, ``key``)."""

    char: str
    at: int
    path: tuple[Hashable, ...]
    key: bool


def json_faults(text: str) -> list[DuplicateKey | LoneSurrogate]:
    """The duplicate keys of ``text``, a JSON text the C parser reads, and its first lone
    surrogate, in document order; keys and strings inside a duplicate key's value are not
    visited (YAML keeps a key's first value and reports each later one)."""
    faults: list[DuplicateKey | LoneSurrogate] = []
    # Per open container: the keys of a mapping with their offsets, None for a list; and the
    # path to the value being read: per open container, its key (None before the first) or
    # index.
    stack: list[dict[str, int] | None] = []
    where: list[Any] = []
    skip_from: int | None = None  # the depth at which a duplicate key's value ends
    expect_key = False
    at = skip_space(text, 0)
    end = len(text)
    while at < end:
        char = text[at]
        if char in "{[":
            stack.append({} if char == "{" else None)
            where.append(None if char == "{" else 0)
            expect_key = char == "{"
            at += 1
        elif char in "}]":
            stack.pop()
            where.pop()
            expect_key = False
            at += 1
            if skip_from is not None and len(stack) == skip_from:
                skip_from = None
        elif char == ",":
            expect_key = bool(stack) and stack[-1] is not None
            if stack and stack[-1] is None:
                where[-1] += 1  # the index of the next item
            at += 1
        elif char == ":":
            at += 1
        elif char == '"':
            found = _STRING.match(text, at)
            assert found is not None  # the text is JSON that json.loads read
            value: str = json.loads(found.group())
            key, expect_key = expect_key, False
            if key:
                where[-1] = value
            if skip_from is None:
                lone = SURROGATE.search(value) if "\\" in found.group() else None
                if lone is not None:
                    faults.append(LoneSurrogate(lone.group(), at, tuple(where), key))
                    return faults
                seen = stack[-1] if key else None
                if seen is not None:
                    if value in seen:
                        faults.append(DuplicateKey(value, at, seen[value], tuple(where)))
                        skip_from = len(stack)
                    else:
                        seen[value] = at
            elif not key and len(stack) == skip_from:
                skip_from = None  # the duplicate key's value was this string
            at = found.end()
        else:
            found = _LITERAL.match(text, at)
            assert found is not None
            at = found.end()
            if skip_from is not None and len(stack) == skip_from:
                skip_from = None
        at = skip_space(text, at)
    return faults
