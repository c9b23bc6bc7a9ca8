"""The check answer written by orjson is the bytes ``json.dumps`` wrote before
(``service.answer``): over the values a JSON document can hold, and over the real documents of
every pack test case and every example, explained or not, in each language."""

from __future__ import annotations

import datetime as dt
import enum
import json
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import egovrules
from egovrules.authoring.testing import run_pack_tests
from egovrules.engine.inputs import read_subjects
from egovrules.engine.run import RunOptions, check_loaded
from egovrules.report.model import Checked
from egovrules.report.render.json import json_document, render_json
from egovrules.service.answer import check_answer, compact_json
from tests.conftest import ROOT

PACKS = egovrules.available_packs()
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*/*.yaml") if p.parent.name in PACKS)


def _before(value: Any) -> bytes | type[Exception]:
    """What the server wrote before orjson: ``json.dumps`` on one line, then UTF-8; or the
    exception that raised."""
    try:
        return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
        return type(exc)


def _now(value: Any, *, plain: bool = False) -> bytes | type[Exception]:
    try:
        return compact_json(value, plain=plain)
    except (TypeError, ValueError) as exc:
        return type(exc)


# Characters JSON escapes (C0 controls, the quote, the backslash), those YAML or JavaScript
# read as line breaks (U+0085, U+2028, U+2029), DEL, non-ASCII of each UTF-8 length, and lone
# surrogates (which UTF-8 cannot hold).
_CHARS = st.one_of(
    st.characters(),
    st.sampled_from(['"', "\\", "/", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\U0001f600"]),
    st.characters(max_codepoint=0x1F),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
)
_TEXT = st.text(_CHARS, max_size=12)
_PLAIN_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    st.sampled_from(["\x00", "\x1f\n\r\t\b\f", "\u2028\u2029\x85\x7f", "汉字 \U0001f600"]),
)
_LEAVES = st.one_of(
    _PLAIN_LEAVES,
    _TEXT,
    st.integers(),  # beyond 64 bits too
    st.floats(),  # NaN, infinities, 1e-05, 1e+16, -0.0
    st.sampled_from([1e-05, 1e16, 1e22, 5e-324, 1.5, -0.0, float("nan"), float("inf")]),
)
_KEYS = st.one_of(_TEXT, st.integers(), st.floats(), st.booleans(), st.none())


def _nested(leaves: st.SearchStrategy[Any], keys: st.SearchStrategy[Any]) -> Any:
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.lists(inner, max_size=4).map(tuple),
            st.dictionaries(keys, inner, max_size=4),
        ),
        max_leaves=20,
    )


@settings(max_examples=600, deadline=None, database=None)
@given(value=_nested(_LEAVES, _KEYS))
def test_compact_json_writes_what_json_dumps_wrote(value: Any) -> None:
    """Any value, floats (1e-05, NaN), ints beyond 64 bits, lone surrogates and keys that
    are not strings included: the same bytes, or the same exception, as before."""
    assert _now(value) == _before(value)


@settings(max_examples=600, deadline=None, database=None)
@given(value=_nested(_PLAIN_LEAVES, st.text(st.characters(exclude_categories=["Cs"]))))
def test_orjson_writes_plain_values_as_json_dumps(value: Any) -> None:
    """On plain values (str without lone surrogates, ints within 64 bits, bools, None,
    nested) orjson itself writes ``json.dumps``' bytes: what ``plain=True`` relies on."""
    assert orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE) == _before(value)
    assert _now(value, plain=True) == _before(value)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        # orjson would write these otherwise than json.dumps: left to json.dumps
        ({"x": 1e-05}, b'{"x":1e-05}\n'),  # orjson: 0.00001
        ([float("nan"), float("inf")], b"[NaN,Infinity]\n"),  # orjson: [null,null]
        ({1: True, None: False}, b'{"1":true,"null":false}\n'),  # orjson refuses the keys
        (2**64, b"18446744073709551616\n"),  # orjson refuses it
        # and these alike
        ({"a": "\u2028\x7f\x00\x1f", "b": "汉"}, '{"a":"\u2028\x7f\\u0000\\u001f","b":"汉"}\n'),
    ],
)
def test_where_orjson_differs_json_dumps_writes(value: Any, written: bytes | str) -> None:
    expected = written.encode() if isinstance(written, str) else written
    assert compact_json(value) == expected


class _Name(str):
    """A subclass of str: ``json.dumps`` writes it as its str."""


class _Colour(enum.Enum):
    RED = "red"


@pytest.mark.parametrize(
    ("value", "vouched_alike"),
    [
        ({"name": _Name("汉阳")}, True),  # json.dumps writes a str subclass as its str
        ([_Name("a"), {"b": _Name("c")}], True),
        ({"when": dt.date(2026, 3, 22)}, True),  # json.dumps refuses a date: TypeError
        ({"colour": _Colour.RED}, False),  # json.dumps refuses an Enum; orjson writes "red"
    ],
)
def test_what_orjson_writes_only_by_default_is_left_to_json_dumps(
    value: Any, vouched_alike: bool
) -> None:
    """Searched (not vouched for as plain), each is written, or refused, as ``json.dumps``
    did. Vouched for, a subclass or a date still reaches ``json.dumps`` (orjson hands it to
    ``default``), an Enum does not: a document that may hold one must not be vouched for (a
    check document holds none, ``test_every_real_document_is_plain_and_answered_as_before``)."""
    assert _now(value) == _before(value)
    assert (_now(value, plain=True) == _before(value)) is vouched_alike


def _assert_plain(value: Any, where: str = "$") -> None:
    """Only dicts with str keys, lists or tuples, str, int within 64 bits, bool and None: the
    domain where orjson writes json.dumps' bytes (no float, no subclass, no enum)."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            assert type(key) is str, f"{where}: key {key!r}"
            _assert_plain(item, f"{where}.{key}")
    elif kind is list or kind is tuple:
        for i, item in enumerate(value):
            _assert_plain(item, f"{where}[{i}]")
    else:
        assert kind in (str, int, bool, type(None)), f"{where}: {kind.__name__} {value!r}"
        assert kind is not int or -(2**63) <= value < 2**64, f"{where}: {value}"


def _case_reports() -> list[Checked]:
    return [Checked(r.report) for name in PACKS for r in run_pack_tests(egovrules.load_pack(name))]


def _example_reports(*, explain: bool) -> list[Checked]:
    assert {p.parent.name for p in EXAMPLES} == set(PACKS)
    out = []
    for path in EXAMPLES:
        subjects, errors = read_subjects(str(path))
        assert not errors
        options = RunOptions(city=path.parent.name, as_of=dt.date(2026, 3, 22), explain=explain)
        out += [check_loaded(s, options, {}) for s in subjects]
    return out


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize(
    "source", ["pack test cases", "examples", "examples explained"], ids=lambda s: s
)
def test_every_real_document_is_plain_and_answered_as_before(source: str, language: str) -> None:
    """The document of every pack's test cases and of every example (with the traces of
    ``explain`` too), each report alone and all at once: plain, and answered in the bytes
    ``render_json(indent=None)`` (the command line's code) writes."""
    checked = {
        "pack test cases": _case_reports,
        "examples": lambda: _example_reports(explain=False),
        "examples explained": lambda: _example_reports(explain=True),
    }[source]()
    assert len(checked) > 20
    assert any(c.report.violations for c in checked)
    assert any(c.traces for c in checked) == (source == "examples explained")
    _assert_plain(json_document(checked, language))
    assert check_answer(checked, language) == render_json(checked, language, indent=None).encode()
    for one in checked:
        assert check_answer([one], language) == render_json([one], language, indent=None).encode()
