"""JSON read at the speed of ``json.loads`` into a ``Document`` whose spans are found on demand.

``read_json`` is the fast path of a body that is plain JSON (the HTTP service's check body): the
values come from the C parser, and a value's line and column are looked up only when a caller
asks (``Document.span``), from the root along its path (``json_spans.JsonDocument``; a batch,
a list, is read item by item and each item's place kept, ``_decode``). A 1.47 MB batch of
1,000 subjects is read in about 14 ms of CPU (``json.loads`` alone: 5 ms), where composing it
through the YAML reader with every position recorded (``document.parse_document``) takes
320 ms.

It answers only for the texts the positioned reader reads alike, values and spans, and returns
None for any other, so that the caller reads it with ``parse_document`` and reports what that
reader reports (``tests/test_json_document.py`` compares the two on generated documents). None
for: a text that is not UTF-8 or not JSON; larger than ``MAX_BYTES``; a tab (the YAML reader
refuses it between tokens), a character YAML does not allow or reads as a line break (C0/C1
controls, DEL, U+0085, U+2028, U+2029, U+FFFE, U+FFFF); a number YAML
reads as a string (``1e5``, ``1.5E3``: YAML 1.1 floats need a point and a signed exponent) or
a constant (``NaN``, ``Infinity``); a duplicate key; a newline between a key and its colon, a
key longer than 160 characters or 60 spaces before a colon (YAML looks no further than 1,024
characters for a key's colon); a lone surrogate escape; nesting deeper than ``MAX_DEPTH`` or
more than ``MAX_NODES`` values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable
from typing import Any

from egovrules.source.document import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    YAML_FLOAT,
    beyond_bounds,
    bounds_error,
    lone_surrogate,
)
from egovrules.source.json_spans import JsonDocument, Step, skip_space
from egovrules.source.span import Span

__all__ = ["JsonDocument", "TooManyItems", "read_json"]


class _NotPlain(Exception):
    """The text is JSON the positioned reader would read otherwise (or refuse)."""


# What YAML allows in a text and does not read as a line break, less the tab; JSON itself
# refuses raw C0 controls in strings, so \n and \r only ever stand between tokens.
_NOT_PLAIN_CHAR = re.compile(
    "[^\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# Such characters outside U+0080-U+009F, each looked for on its own (a search for one
# character is many times faster than the class's); a text holding a character of that range
# (its UTF-8 begins with the byte C2) is searched with the class. (A decoded text holds no
# surrogate; any other C0 control the JSON reader refuses itself.)
_NOT_PLAIN_ALONE = ("\t", "\x7f", "\u2028", "\u2029", "\ufffe", "\uffff")
# In JSON a raw line break stands between tokens, and only a key comes before a colon.
_KEY_BEFORE_BREAK = re.compile(r"[\r\n][ \r\n]*:")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
# YAML reads a key in a flow mapping only when its colon is at most 1,024 characters past the
# key's first: keys up to 160 characters (written with \u escapes, 6 characters each, at most
# 962), and up to 60 spaces before the colon, stay within it.
_LONGEST_KEY = 160
_SPACES_BEFORE_COLON = re.compile(" {60,}:")


def _float(literal: str) -> float:
    if YAML_FLOAT.fullmatch(literal) is None:
        raise _NotPlain
    return float(literal)


def _constant(literal: str) -> Any:
    raise _NotPlain


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs) or (out and len(max(out, key=len)) > _LONGEST_KEY):
        raise _NotPlain
    return out


_DECODER = json.JSONDecoder(
    object_pairs_hook=_mapping, parse_float=_float, parse_constant=_constant
)
_MOST_ITEMS = 10_000  # a list read item by item (ten batches of the service's default limit)


class TooManyItems(Exception):
    """A list of more items than the caller takes (``read_json``'s ``most_items``)."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count


def read_json(raw: bytes, name: str, *, most_items: int | None = None) -> JsonDocument | None:
    """The document of ``raw`` when it is plain JSON the positioned reader reads alike (see
    the module's docstring), else None: read it with ``document.parse_document``. A text of
    more than ``MAX_NODES`` values is refused here (``DocumentError`` E004, as that reader
    would refuse it), and a list of more than ``most_items`` items (``TooManyItems``), once
    parsed and before anything else is done with it."""
    if len(raw) > MAX_BYTES:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    text = text.removeprefix("\ufeff")
    body = raw.removeprefix(b"\xef\xbb\xbf")
    if any(c in text for c in _NOT_PLAIN_ALONE) or (
        b"\xc2" in body and _NOT_PLAIN_CHAR.search(text) is not None
    ):
        return None
    if ("\n" in text or "\r" in text) and _KEY_BEFORE_BREAK.search(text) is not None:
        return None
    if " " * 60 in text and _SPACES_BEFORE_COLON.search(text) is not None:
        return None
    try:
        data, items = _decode(text, skip_space(text, 0))
    except (ValueError, _NotPlain, RecursionError):
        return None
    if _SURROGATE_ESCAPE.search(text) is not None and lone_surrogate(data) is not None:
        return None
    if most_items is not None and type(data) is list and len(data) > most_items:
        raise TooManyItems(len(data))
    if not _shallow(text, items) and (beyond := beyond_bounds(data)) is not None:
        if beyond == "E004":
            # Too many values: the positioned reader would build every one of them before
            # refusing the text (tens of seconds for a few megabytes), with this very code.
            raise bounds_error(beyond, Span(name, 1, 1), text)
        return None
    document = JsonDocument(name, text, data)
    if items is not None:
        document.keep_items(items)
    return document


def _decode(text: str, start: int) -> tuple[Any, dict[Hashable, Step] | None]:
    """The value of ``text``, whose first token is at ``start`` (``JSONDecoder.decode``), and
    when it is a list of mappings and lists, where each of its items stands: read item by
    item (a batch of subjects), so that looking up a position in an item need not step over
    the items before it again (``json_spans``). A list holding a scalar, or more than
    ``_MOST_ITEMS`` items, is read whole: a ``raw_decode`` call for each of millions of small
    items would cost seconds (``[[],[],...]``). ``ValueError`` where ``decode`` raises it."""
    if not text.startswith("[", start):
        return _DECODER.decode(text), None
    items: list[Any] = []
    steps: dict[Hashable, Step] = {}
    at = skip_space(text, start + 1)
    if not text.startswith("]", at):  # an empty list has no item
        while True:
            value, end = _DECODER.raw_decode(text, at)
            if len(items) == _MOST_ITEMS or (type(value) is not dict and type(value) is not list):
                return _DECODER.decode(text), None
            steps[len(items)] = (None, at, end)
            items.append(value)
            at = skip_space(text, end)
            if not text.startswith(",", at):
                break
            at = skip_space(text, at + 1)  # an item must follow: raw_decode refuses a "]"
    if not text.startswith("]", at) or skip_space(text, at + 1) != len(text):
        raise ValueError("not one JSON list")
    return items, steps


def _shallow(text: str, items: dict[Hashable, Step] | None) -> bool:
    """Within ``beyond_bounds``' bounds, as seen without visiting the values: a list whose text is
    shorter than ``2 * (MAX_NODES - 1)`` characters holds at most ``MAX_NODES`` values and
    keys (each but the first stands after a separator of its own: ``[``, ``{``, ``,`` or
    ``:``), and an item whose text opens fewer than ``MAX_DEPTH`` brackets (in strings too)
    holds no container as deep as ``MAX_DEPTH``. False: ``beyond_bounds`` decides."""
    if items is None or len(text) >= 2 * (MAX_NODES - 1):
        return False
    return all(
        text.count("{", at, end) + text.count("[", at, end) < MAX_DEPTH
        for _, at, end in items.values()
    )
