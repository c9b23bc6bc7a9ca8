"""A check's answer as bytes: the document ``egovrules check --format json`` prints
(``report.render.json.json_document``), on one line, written by orjson.

orjson writes a 4.4 MB answer of 1,000 reports in about 1 ms where ``json.dumps`` takes 26-33
ms, and writes the very bytes ``json.dumps(doc, ensure_ascii=False, separators=(",", ":"))``
writes (then encoded in UTF-8) for plain data: dicts with str keys, lists, tuples, str, int,
bool and None, with the same escapes (``\\n``, ``\\u001f``, ``\\"``; DEL, U+2028 and any
other character as itself) and the same ints. For anything else ``json.dumps`` writes the
value, as before (``tests/test_serve_answer.py`` holds the two to the same bytes):

* a float (orjson writes ``1e-05`` as ``0.00001``, NaN as ``null``) or an ``Enum`` (orjson
  writes its value, ``json.dumps`` refuses it): a value not vouched for as plain is searched
  for any leaf that is not exactly a str, int, bool or None. A check document is plain by
  construction (``json_document``'s values are typed) but for the traces of ``explain``
  (``Any``): a document with traces is searched;
* an int beyond 64 bits, a key that is not a str, a lone surrogate, a subclass of str, int,
  dict or list, a date or a dataclass: orjson refuses them (``TypeError``; the subclasses,
  dates and dataclasses through ``default``, which it is told to hand them to), and
  ``json.dumps`` writes what it writes of them, or raises as it raised.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import orjson

from egovrules.report.model import Checked
from egovrules.report.render.json import json_document

__all__ = ["check_answer", "compact_json"]

_OPTIONS = (
    orjson.OPT_APPEND_NEWLINE
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def check_answer(checked: Sequence[Checked], language: str) -> bytes:
    """The answer of ``POST /v1/packs/{pack}/check``: the reports' document in bytes."""
    explained = any(c.traces for c in checked)
    return compact_json(json_document(checked, language), plain=not explained)


def compact_json(value: Any, *, plain: bool = False) -> bytes:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``, a newline after it,
    in UTF-8. ``plain=True``: the caller vouches that ``value`` holds only dicts, lists,
    str, int, bool and None (it is not searched)."""
    if plain or _is_plain(value):
        try:
            return orjson.dumps(value, default=_refuse, option=_OPTIONS)
        except TypeError:  # orjson.JSONEncodeError is one
            pass
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _refuse(value: Any) -> Any:
    raise TypeError(type(value).__name__)


_LEAVES = (str, int, bool, type(None))


def _is_plain(value: Any) -> bool:
    """Only dicts, lists and tuples of exactly str, int, bool and None (a subclass, a key
    that is not a str or an int beyond 64 bits is left to orjson to refuse)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        elif kind not in _LEAVES:
            return False
    return True
