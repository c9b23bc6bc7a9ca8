"""The JSON fast path (``source.json_document.read_json``) against the positioned reader
(``source.document.parse_document``): whatever it answers, the positioned reader reads alike,
values and types, every value's and every key's span; what it leaves to that reader, the
reader reads otherwise or refuses."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterator
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from egovrules.source import json_document
from egovrules.source.document import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    Document,
    DocumentError,
    beyond_bounds,
    parse_document,
)
from egovrules.source.json_document import JsonDocument, read_json
from egovrules.source.span import Span

# Floats as YAML 1.1 reads them too: with a point (Python writes an exponent with its sign).
_FLOATS = st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: "." in repr(f))
_STRINGS = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cs", "Cc"),
        exclude_characters="\u2028\u2029\ufffe\uffff",
    ),
    max_size=12,
)
# Names a subject's keys are made of, also as values and inside strings (after an escaped
# quote, before a backslash): the key search must tell the key from each of them.
_NAMES = st.sampled_from(["a", "id", "kind", "city_2", 'x"a', "a\\", "é"])
_SCALARS = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | _FLOATS | _NAMES | _STRINGS
_DATA = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(_NAMES | _STRINGS, inner, max_size=4)
    ),
    max_leaves=30,
)


def _paths(data: Any, path: tuple[Hashable, ...] = ()) -> Iterator[tuple[Hashable, ...]]:
    yield path
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*path, i))


def _typed(data: Any) -> Any:
    """``data`` with each scalar's type beside it: ``1``, ``1.0`` and ``True`` differ."""
    if isinstance(data, dict):
        return {k: _typed(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_typed(v) for v in data]
    return (type(data).__name__, data)


def _same(fast: Document, positioned: Document) -> None:
    assert _typed(fast.data) == _typed(positioned.data)
    for path in _paths(positioned.data):
        for probe in (path, (*path, "absent"), (*path, 99)):
            for key in (False, True):
                assert fast.span(probe, key=key) == positioned.span(probe, key=key), (probe, key)


@settings(max_examples=300, deadline=None)
@given(
    data=_DATA,
    layout=st.tuples(
        st.sampled_from([None, 0, 1, 2]),  # indent
        st.booleans(),  # ASCII escapes
        st.booleans(),  # spaces after separators
        st.booleans(),  # CRLF
        st.sampled_from(["", " ", "\n", "\r\n  ", "\ufeff"]),  # before the value
    ),
)
def test_the_fast_path_reads_plain_json_as_the_positioned_reader(
    data: Any, layout: tuple[int | None, bool, bool, bool, str]
) -> None:
    """Generated JSON in every layout a writer uses (one line or indented, ASCII escapes or
    UTF-8, with or without spaces, LF or CRLF, a leading BOM or blank line): the fast path
    answers, and answers what the positioned reader reads, spans included."""
    indent, ascii_only, spaced, crlf, lead = layout
    separators = (", ", ": ") if spaced else (",", ":")
    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only, separators=separators)
    if crlf:
        text = text.replace("\n", "\r\n")
    raw = (lead + text).encode()
    fast = read_json(raw, "request")
    assert fast is not None
    _same(fast, parse_document(raw, "request"))


@settings(max_examples=300, deadline=None)
@given(data=_DATA, ascii_only=st.booleans(), crlf=st.booleans())
def test_json_indented_with_tabs_is_located_as_with_spaces(
    data: Any, ascii_only: bool, crlf: bool
) -> None:
    """JSON indented with tabs (Go's ``json.MarshalIndent(v, "", "\t")``), which YAML refuses
    and the JSON reader reads, locates every value and key where the same text indented with
    one space per level has it by YAML's marks (a tab and a space are one column each; review:
    every value of such a text was at 1:1)."""
    tabbed = json.dumps(data, indent="\t", ensure_ascii=ascii_only)
    spaced = json.dumps(data, indent=" ", ensure_ascii=ascii_only)
    if crlf:
        tabbed, spaced = tabbed.replace("\n", "\r\n"), spaced.replace("\n", "\r\n")
    try:
        positioned = parse_document(spaced.encode(), "request")
    except DocumentError:
        assume(False)  # text YAML reads otherwise than JSON: the fast path's tests cover it
    _same(parse_document(tabbed.encode(), "request", json_text=True), positioned)


_NOISE = st.sampled_from(
    [*' \t\n\r"\\:,{}[]0.eE+-u\u2028\x85\x7f\ufeff', "\\u00e9", "\\ud800", "1e5", "NaN", " " * 70]
)


@settings(max_examples=300, deadline=None)
@given(_DATA, st.lists(st.tuples(st.integers(0, 10_000), _NOISE), min_size=1, max_size=3))
def test_what_the_fast_path_answers_the_positioned_reader_reads_alike(
    data: Any, edits: list[tuple[int, str]]
) -> None:
    """JSON with a few characters spliced in (most no longer JSON, some JSON the positioned
    reader reads otherwise): whenever the fast path answers, the positioned reader reads the
    text, into the same values and spans."""
    text = json.dumps(data, indent=1, ensure_ascii=False)
    for at, piece in edits:
        i = at % (len(text) + 1)
        text = text[:i] + piece + text[i:]
    raw = text.encode("utf-8", "surrogatepass")
    fast = read_json(raw, "request")
    if fast is not None:
        _same(fast, parse_document(raw, "request"))


@pytest.mark.parametrize(
    "raw",
    [
        b'{\t"kind": "website"}',  # a tab between tokens: YAML refuses it
        b'{"kind":\n\t"website"}',
        b'{"amount": 1e6}',  # YAML 1.1 reads 1e6 as a string, json as a float
        b'{"amount": 1.5E3}',  # an exponent without its sign: a string too
        b'{"amount": NaN}',  # json's constants: strings to YAML
        b'{"amount": -Infinity}',
        b'{"a": 1, "a": 2}',  # a duplicate key: E010
        b'[{"a": {"b": 1, "b": 1}}]',
        b'{"a"\n: 1}',  # a line break between a key and its colon: a YAML syntax error
        b'{"' + b"k" * 1100 + b'": 1}',  # YAML seeks a key's colon 1,024 characters at most
        b'{"' + b"\\u6b66" * 200 + b'": 1}',
        b'{"a"' + b" " * 1100 + b": 1}",
        b'{"a": "\\ud800"}',  # a lone surrogate: E013
        '{"a": "x\x85y"}'.encode(),  # NEL: a line break to YAML, folded into a space
        # LINE SEPARATOR: a line break to YAML, which drops the spaces that follow it
        '{"a": "x\u2028 y", "b": 1}'.encode(),
        b'{"a": "x\x7fy"}',  # DEL: a character YAML does not allow
        '{"a": "x\x9by"}'.encode(),  # a C1 control
        '{"a": "x\x80y"}'.encode(),  # the first and last C1 controls (UTF-8 C2 80, C2 9F)
        '{"a": "x\x9fy"}'.encode(),
        '{"a": "x\u2029 y", "b": 1}'.encode(),  # PARAGRAPH SEPARATOR, likewise
        '{"a": "x\ufffey"}'.encode(),  # noncharacters YAML does not allow
        '{"a": "x\uffffy"}'.encode(),
        '["武汉", {"a": "x\x85y"}]'.encode(),  # a C1 control after other non-ASCII text
        b"[" * (MAX_DEPTH + 1) + b"1" + b"]" * (MAX_DEPTH + 1),  # nesting past MAX_DEPTH: E005
        b"1" + b" " * MAX_BYTES,  # past the reader's size limit: E001
        b'{"a": 1',  # not JSON
        b"\xff{}",  # not UTF-8
        b"a: 1\n",  # YAML: read by the positioned reader
    ],
)
def test_what_the_positioned_reader_reads_otherwise_is_left_to_it(raw: bytes) -> None:
    """Each text the fast path declines is one the positioned reader refuses, or reads into
    other values or other positions than ``json.loads`` and the fast path's lookup would:
    declining it is what keeps the two paths alike."""
    assert read_json(raw, "request") is None
    try:
        positioned = parse_document(raw, "request")
        text = raw.decode().removeprefix("\ufeff")
        naive = JsonDocument("request", text, json.loads(text))
    except (DocumentError, ValueError):
        return
    with pytest.raises(AssertionError):
        _same(naive, positioned)


@pytest.mark.parametrize(
    "raw",
    [
        '{"name": "© 武汉 \u00a0 ￥ \ufeff"}'.encode(),  # bytes that only look like a fault's
        b'{"a": "\\ud842\\udfb7", "b": "\\u2028\\t"}',  # escapes: a pair, a separator, a tab
        b'{"a\\u0062": [1, 2.5, true, null], "c": {}}',  # an escaped key
        b'{"a": [2.25E-2, -0.0, 1.0e+300, 12345678901234567890]}',  # numbers both read alike
        b"[" * MAX_DEPTH + b"1" + b"]" * MAX_DEPTH,  # as deep as the reader goes
        b'{"' + b"\\u6b66" * 160 + b'": 1, "a"' + b" " * 59 + b': ["' + b"k" * 2000 + b'"]}',
    ],
)
def test_what_both_read_alike_the_fast_path_answers(raw: bytes) -> None:
    fast = read_json(raw, "request")
    assert fast is not None
    _same(fast, parse_document(raw, "request"))


def test_positions_are_lines_and_columns_of_the_text() -> None:
    """A key's span is its opening quote, a value's its first character, counted in
    characters (not bytes) on lines ended by LF, CRLF or CR, as the YAML reader counts."""
    raw = '[\r\n {"名称": "汉阳", "id": "a"},\r {"id": "b",\n  "d": {"x": [1, {"y": 2}]}}]'
    doc = read_json(raw.encode(), "request")
    assert doc is not None
    assert (doc.span((0, "id"), key=True).line, doc.span((0, "id"), key=True).col) == (2, 15)
    assert (doc.span((1,)).line, doc.span((1,)).col) == (3, 2)
    assert (doc.span((1, "d", "x", 1, "y")).line, doc.span((1, "d", "x", 1, "y")).col) == (4, 24)
    # a path that is not there: its nearest present ancestor, its key when asked for
    assert doc.span((1, "d", "z"), key=True) == doc.span((1, "d"), key=True)
    assert doc.span((1, "d", "z")) == doc.span((1, "d"))


@pytest.mark.parametrize(
    "raw",
    [
        b'[{"a": 1},]',  # a comma after the last item
        b'[{"a": 1},\r\n]',
        b'[,{"a": 1}]',  # before the first
        b'[{"a": 1},,{"b": 2}]',  # two
        b'[{"a": 1} {"b": 2}]',  # none between two items
        b'[{"a": 1}, {"b": 2}',  # no closing bracket
        b'[{"a": 1}] [2]',  # a second value after the list
        b"[1]x",
        b'[{"a": 1, "a": 2}]',  # a duplicate key inside an item
    ],
)
def test_a_list_read_item_by_item_is_refused_where_json_refuses_it(raw: bytes) -> None:
    """A top-level list (a batch) is read one item at a time, each item's offsets kept for
    its positions; what ``json.loads`` refuses as a whole, that reading declines too."""
    assert read_json(raw, "request") is None


def test_a_list_read_item_by_item_has_each_items_position() -> None:
    raw = b'[ {"a": 1} ,\n  [2, 3],"x" , 4,{"b": {"c": []}}\r\n]\n'
    doc = read_json(raw, "request")
    assert doc is not None
    assert doc.data == [{"a": 1}, [2, 3], "x", 4, {"b": {"c": []}}]
    _same(doc, parse_document(raw, "request"))
    assert [(doc.span((i,)).line, doc.span((i,)).col) for i in range(5)] == [
        (1, 3),
        (2, 3),
        (2, 10),
        (2, 16),
        (2, 18),
    ]


@pytest.mark.parametrize(
    ("raw", "answer"),
    [
        # Nodes: more values than the reader holds (E004), though each item is shallow:
        # the text's length sends it to the walk, which refuses it as the positioned reader
        # would (without handing it over: that reader builds every value first, for minutes).
        # MAX_NODES + 1 values, or 10,000 items of 101 values each (1,010,001 values in
        # 2,020,001 characters).
        (b"[" + b"0," * (MAX_NODES - 1) + b"0]", "E004"),
        (b"[" + b",".join([b"[" + b",".join([b"0"] * 100) + b"]"] * 10_000) + b"]", "E004"),
        # Depth: brackets inside a string open no container; the items are walked.
        (b'[{"a": "' + b"[{" * MAX_DEPTH + b'"}]', "read"),
        (b"[[" + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"]]", "declined"),
    ],
)
def test_a_batchs_bounds_hold_without_visiting_its_values(raw: bytes, answer: str) -> None:
    """A list whose size and brackets prove it within the reader's bounds is not walked;
    one they do not is walked: declined where it nests too deep (the positioned reader
    places that error), refused where it holds too many values."""
    if answer == "E004":
        with pytest.raises(DocumentError) as info:
            read_json(raw, "request")
        assert [(d.code, d.span) for d in info.value.diagnostics] == [
            ("E004", Span("request", 1, 1))
        ]
        return
    assert (read_json(raw, "request") is not None) is (answer == "read")


def _nested(value: Any, depth: int) -> Any:
    for _ in range(depth):
        value = [value]
    return value


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.builds(_nested, _VALUES, st.integers(0, MAX_DEPTH + 4)), min_size=1, max_size=4))
def test_a_batch_proved_shallow_is_within_the_bounds(batch: list[Any]) -> None:
    """``_shallow`` lets a batch skip the bounds walk only when the walk would pass (review: no
    test held it to that); items nest to either side of ``MAX_DEPTH``."""
    text = json.dumps(batch)
    items = json_document._decode(text, json_document.skip_space(text, 0))[1]
    if json_document._shallow(text, items):
        assert beyond_bounds(batch) is None


# Documents that may name a key twice and hold lone surrogates: a mapping is a list of pairs.
# Strings are written raw (U+2028, U+0085 and a lone CR break lines in YAML's marks) or, when
# they hold a surrogate, escaped; a pair beside a lone half names the half.
_KEYS = st.sampled_from(["a", "id", "é", "\ud83d\ude00", "\ud800", "k\udc00", "\ud83d\ude00\ude00"])
_TEXT = st.sampled_from(
    [
        "x",
        "é",
        "a\u2028b",
        "\x85",
        "\u2029",
        "\ud83d\ude00",
        "\udfff",
        "a\ud800b",
        "\ud83d\ude00\ude00",
    ]
)
_FAULTY = st.recursive(
    st.none() | st.booleans() | st.integers(-9, 9) | _TEXT,
    lambda inner: (
        st.builds(list, st.lists(inner, max_size=4))
        | st.builds(tuple, st.lists(st.tuples(_KEYS, inner), max_size=4))
    ),
    max_leaves=20,
)


def _string(value: str) -> str:
    surrogate = any("\ud800" <= c <= "\udfff" for c in value)
    return json.dumps(value, ensure_ascii=surrogate)


def _dump(node: Any, indent: str, level: int = 1) -> str:
    """``node`` as JSON indented with ``indent`` a level: a tuple of pairs is a mapping, which
    may name a key twice; a string raw, or in ASCII escapes when it holds a surrogate."""
    if isinstance(node, str):
        return _string(node)
    if not isinstance(node, (list, tuple)):
        return json.dumps(node)
    if not node:
        return "{}" if isinstance(node, tuple) else "[]"
    pad = "\n" + indent * level
    if isinstance(node, tuple):
        parts = [f"{_string(k)}: {_dump(v, indent, level + 1)}" for k, v in node]
        return "{" + pad + ("," + pad).join(parts) + "\n" + indent * (level - 1) + "}"
    parts = [_dump(v, indent, level + 1) for v in node]
    return "[" + pad + ("," + pad).join(parts) + "\n" + indent * (level - 1) + "]"


def _refusal(raw: bytes, *, json_text: bool) -> list[tuple[Any, ...]] | None:
    try:
        parse_document(raw, "request", json_text=json_text)
    except DocumentError as exc:
        return [(d.code, d.message, d.span, d.hint, d.path, d.key) for d in exc.diagnostics]
    return None


@settings(max_examples=300, deadline=None)
@given(node=_FAULTY, newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_json_indented_with_tabs_is_refused_as_with_spaces(node: Any, newline: str) -> None:
    """A tab-indented JSON text naming a key twice or holding a lone surrogate (``\\ud800``) is
    refused with the diagnostics of the same text indented with one space a level, which YAML
    reads: each duplicate key at its place, "(first defined at line N)", a duplicate's value
    not read; the first lone surrogate at its string, named (not half of a pair beside it);
    lines counted at CR, LF, CRLF and the breaks a string may hold raw (U+0085, U+2028,
    U+2029), as YAML counts them (review: the JSON reader put the first duplicate, or the
    surrogate, at 1:1, without the first key's line); each at the same path in the data, the
    service's JSON path (review: neither reader gave E010 or E013 a path)."""
    tabbed, spaced = _dump(node, "\t"), _dump(node, " ")
    tabbed, spaced = tabbed.replace("\n", newline), spaced.replace("\n", newline)
    assert _refusal(tabbed.encode(), json_text=True) == _refusal(spaced.encode(), json_text=False)


@settings(max_examples=200, deadline=None)
@given(node=_FAULTY, tail=st.sampled_from(["}", "]", ",", ' "x', "{", "[1,", '\n"a\n"']))
def test_a_duplicate_key_before_a_syntax_error_is_a_syntax_error(node: Any, tail: str) -> None:
    """The parser stops at the first duplicate key, before the rest of the text: a text that is
    not JSON after it is refused as not JSON (E003), as YAML refuses the same text indented
    with spaces, never an internal error (review: the walk over the text raised IndexError,
    AssertionError or JSONDecodeError on 19 % of random tails after a duplicate)."""
    tabbed = _dump((("a", node), ("a", node)), "\t") + tail
    refusal = _refusal(tabbed.encode(), json_text=True)
    assert refusal is not None and [code for code, *_ in refusal] == ["E003"], refusal
    spaced = _refusal(tabbed.replace("\t", " ").encode(), json_text=False)
    assert spaced is not None and [code for code, *_ in spaced] == ["E003"], spaced


def test_a_tab_indented_duplicate_key_is_refused_at_its_place() -> None:
    """The two readers' example: the second ``"id"`` of a tab-indented text, line 4 column 2,
    the key ``id`` of the root."""
    raw = b'{\n\t"kind": "website",\n\t"id": "a",\n\t"id": "b"\n}\n'
    message = "duplicate key 'id' (first defined at line 3)"
    assert _refusal(raw, json_text=True) == [
        ("E010", message, Span("request", 4, 2), None, ("id",), True)
    ]


@pytest.mark.parametrize("indent", ["\t", " "])
def test_the_lone_half_beside_a_pair_is_the_one_named(indent: str) -> None:
    """``"\\ud83d\\ude00\\ude00"`` is 😀 and a lone low half: E013 names U+DE00, the half that
    stands alone, in the YAML reader (spaces) and the JSON reader (tabs) alike (review: the
    YAML reader named U+D83D, half of the pair)."""
    raw = ("{\n" + indent + '"a": "\\ud83d\\ude00\\ude00"\n}\n').encode()
    [(code, message, span, _, path, key)] = _refusal(raw, json_text=True) or []
    assert (code, message, span, path, key) == (
        "E013",
        "a lone surrogate (U+DE00) is not a character",
        Span("request", 2, 7),
        ("a",),
        False,
    )
