"""The safe YAML reader: positions, duplicate keys, tags, alias bombs, encodings."""

from __future__ import annotations

import datetime as dt

import pytest

from egovrules.document import DocumentError, parse_document


def _codes(raw: bytes) -> list[tuple[str, int, int]]:
    with pytest.raises(DocumentError) as info:
        parse_document(raw, "x.yaml")
    return [(d.code, d.span.line, d.span.col) for d in info.value.diagnostics if d.span]


def test_values_keep_their_positions() -> None:
    """Every value and key is recorded with its line and column."""
    doc = parse_document(b"a: 1\nb:\n  c: [x, 2004-08-01]\n", "x.yaml")
    assert doc.data == {"a": 1, "b": {"c": ["x", dt.date(2004, 8, 1)]}}
    assert (doc.value_marks[("b", "c", 1)].line, doc.value_marks[("b", "c", 1)].col) == (3, 10)
    assert doc.key_marks[("b", "c")].line == 3


def test_duplicate_keys_are_errors() -> None:
    """A repeated key is reported at the repetition, naming the first line."""
    assert _codes(b"a: 1\nb: 2\na: 3\n") == [("E010", 3, 1)]


def test_python_tags_are_refused_not_executed() -> None:
    """A !!python tag is an error, never an object."""
    assert _codes(b"a: !!python/object/apply:os.system [echo pwned]\n") == [("E006", 1, 4)]


def test_billion_laughs_is_refused() -> None:
    """Exponential alias expansion is refused before anything is built."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    codes = _codes("\n".join(lines).encode())
    assert [c for c, _, _ in codes] == ["E004"]


def test_recursive_alias_is_refused() -> None:
    """An alias inside the value it names is an error, not an infinite structure."""
    assert [c for c, _, _ in _codes(b"a: &x [1, *x]\n")] == ["E011"]


def test_non_utf8_is_reported_with_position() -> None:
    """Bytes that are not UTF-8 are reported where they stand."""
    assert _codes("a: 1\nb: 汉".encode("gb18030")) == [("E002", 2, 4)]


def test_syntax_error_position() -> None:
    """A YAML syntax error points at the problem."""
    ((code, line, _),) = _codes(b"a: [1, 2\nb: 3\n")
    assert (code, line) == ("E003", 2)


def test_merge_keys_are_refused() -> None:
    """'<<' merges are not supported: the keys must be written out."""
    assert [c for c, _, _ in _codes(b"a: &a {x: 1}\nb:\n  <<: *a\n")] == ["E008"]


def test_deep_nesting_is_refused() -> None:
    """Nesting is bounded."""
    raw = ("[" * 100 + "]" * 100).encode()
    assert [c for c, _, _ in _codes(raw)] == ["E005"]
