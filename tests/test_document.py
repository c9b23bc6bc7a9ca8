"""The safe YAML reader: positions, duplicate keys, tags, alias bombs, encodings."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from egovrules.source import document
from egovrules.source.document import DocumentError, parse_document
from tests.conftest import ROOT


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


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        # A tab between tokens: YAML refuses the text, and it is read as JSON (a .json file,
        # the HTTP service's body); the YAML reader's bounds hold for it all the same.
        (b'{\t"a": ' + b"[" * 100 + b"]" * 100 + b"}", "E005"),
        (b'{\t"a": [' + b",".join([b"0"] * (document.MAX_NODES + 1)) + b"]}", "E004"),
    ],
    ids=["deeper-than-64", "more-than-a-million-values"],
)
def test_json_read_past_yaml_keeps_the_bounds(raw: bytes, code: str) -> None:
    with pytest.raises(DocumentError) as info:
        parse_document(raw, "x.json")
    assert [(d.code, d.span.line, d.span.col) for d in info.value.diagnostics if d.span] == [
        (code, 1, 1)
    ]
    # Within the bounds, the same text is read.
    assert parse_document(b'{\t"a": [[0]]}', "x.json").data == {"a": [[0]]}


@pytest.mark.parametrize(
    "spaced",
    [
        b'{ "kind": "website", "id": "a", "id": "b"}',  # a duplicate key: E010, not the last
        b'{ "kind": "department", "id": "d", "x": NaN, "y": -Infinity}',  # strings to YAML
        b'{ "kind": "department", "id": "d", "y": 1e5, "z": 1.5, "w": 1.5e+3, "v": 2E-1}',
        b'[ {"a": [1, 2.0, "3"]}, {"b": {"c": null, "d": true}} ]',
    ],
    ids=["duplicate-key", "constants", "numbers", "nested"],
)
def test_json_with_a_tab_reads_as_json_with_a_space(spaced: bytes) -> None:
    """A tab where a space was (JSON allows both, YAML only the space) changes nothing: the
    values (a number YAML reads as a string stays one), or the refusal's code (review: a tab
    let a duplicate key through, the last one winning)."""

    def read(raw: bytes) -> Any:
        try:
            return parse_document(raw, "request", json_text=True).data
        except DocumentError as exc:
            return [d.code for d in exc.diagnostics]

    tabbed = spaced.replace(b"{ ", b"{\t", 1).replace(b"[ ", b"[\t", 1)
    assert b"\t" in tabbed
    assert read(tabbed) == read(spaced)


def test_a_yaml_body_keeps_yaml_s_error() -> None:
    """A text that does not open as JSON is not read as JSON when YAML refuses it: the error is
    YAML's, at its place (review: it was "JSON syntax error: Expecting value" at 1:1)."""
    with pytest.raises(DocumentError) as info:
        parse_document(
            b"kind: website\nid: s\nname: [unclosed\nother: 1\n", "request", json_text=True
        )
    (found,) = info.value.diagnostics
    assert found.code == "E003" and found.message.startswith("YAML syntax error")
    assert found.span is not None and found.span.line == 4


def test_merge_keys_are_refused() -> None:
    """'<<' merges are not supported: the keys must be written out."""
    assert [c for c, _, _ in _codes(b"a: &a {x: 1}\nb:\n  <<: *a\n")] == ["E008"]


def test_deep_nesting_is_refused() -> None:
    """Nesting is bounded."""
    raw = ("[" * 100 + "]" * 100).encode()
    assert [c for c, _, _ in _codes(raw)] == ["E005"]


@pytest.mark.parametrize(
    ("text", "col"),
    [
        ("a: " + "[" * 200_000 + "]" * 200_000 + "\n", 68),  # flow: the 65th bracket
        ("- " * 50_000 + "x\n", 131),  # block: the 65th sequence
    ],
    ids=["flow", "block"],
)
def test_nesting_far_past_the_limit_is_refused_without_recursing(
    text: str, col: int, tmp_path: Path
) -> None:
    """Tens of thousands of levels: refused from the parser's events before either composer
    recurses (libyaml's overflowed the C stack, a segmentation fault; PyYAML's raised
    RecursionError, a traceback). Run in a process of its own, so a crash fails the test
    rather than the suite; the long line is shown as a window around the column."""
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "egovrules", "check", "--city", "wuhan", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 2, out[-2000:]
    assert f"deep.yaml:1:{col}: error[E005]: nesting deeper than 64 levels" in out
    assert "Traceback" not in out
    assert len(out) < 2_000  # not the 400 KB line


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ("a: " + "[" * 5_000 + "]" * 5_000 + "\n", 1, 68),
        ("# c\r\nb:\r\n  键: {x: " + "[" * 5_000 + "]" * 5_000 + "}\n", 3, 72),
        ("- " * 5_000 + "x\n", 1, 131),
    ],
    ids=["flow", "flow-inside-blocks", "block"],
)
def test_deep_nesting_is_refused_from_the_event_scan_alone(
    text: str, line: int, col: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever libyaml the installed PyYAML bundles (0.2.6 stops at 1,000 levels itself, and
    in flow style before yielding any deep event), the refusal comes from the linear event
    scan: PyYAML's pure-Python composer, quadratic in open flow levels, is never reached.
    Failed on PyYAML 6.0.4 before the scan was run again below libyaml's limit (1:1, 4 s)."""
    if not hasattr(yaml, "CSafeLoader"):
        pytest.fail("PyYAML was installed without libyaml: the fast path is what is tested")

    def never(self: Any) -> Any:
        raise AssertionError("the pure-Python composer was reached")

    monkeypatch.setattr(yaml.SafeLoader, "get_single_node", never)
    with pytest.raises(DocumentError) as info:
        parse_document(text.encode(), "deep.yaml")
    found = [(d.code, d.span.line, d.span.col) for d in info.value.diagnostics if d.span]
    assert found == [("E005", line, col)]


def test_the_pure_python_path_refuses_deep_nesting_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml the same scan, on PyYAML's own parser, refuses the document."""
    monkeypatch.delattr(yaml, "CSafeLoader")
    text = "- " * 5_000 + "x\n"
    with pytest.raises(DocumentError) as info:
        document._Builder("t.yaml", text).build(fast=False)
    assert [(d.code, d.span.col) for d in info.value.diagnostics if d.span] == [("E005", 131)]


# -- libyaml and the pure-Python composer agree ------------------------------------------------

_YAML_FILES = sorted(
    p
    for folder in (ROOT / "rules", ROOT / "examples", ROOT / "tests" / "fixtures")
    for p in folder.rglob("*")
    if p.suffix in (".yaml", ".yml")
)


def _outcomes(text: str) -> tuple[Any, Any, Any]:
    """What ``text`` gives on the libyaml path alone (no fallback), on the path documents
    take (libyaml, then the pure-Python path on any error) and on the pure-Python path: a
    document's data and marks, or the diagnostics of its error."""

    def outcome(read: Any) -> Any:
        try:
            doc = read(document._Builder("t.yaml", text))
        except DocumentError as exc:
            return ("error", [(d.code, d.message, d.span) for d in exc.diagnostics])
        return ("ok", doc.data, doc.value_marks, doc.key_marks)

    return (
        outcome(lambda b: b._build(fast=True)),
        outcome(lambda b: b.build(fast=True)),
        outcome(lambda b: b.build(fast=False)),
    )


def test_libyaml_is_in_use() -> None:
    """The fast path exists on this install (PyYAML wheels bundle libyaml), so the agreement
    tests below compare two composers, not one with itself."""
    assert hasattr(yaml, "CSafeLoader")
    assert document._compose_fast("a: 1") is not document._FAILED


@pytest.mark.parametrize("path", _YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_libyaml_and_python_agree_on_every_bundled_file(path: Path) -> None:
    """Every pack, example and fixture (bad ones included): same data, same positions of
    every value and key, or the same errors."""
    alone, taken, pure = _outcomes(path.read_text(encoding="utf-8"))
    assert taken == pure
    if pure[0] == "ok":  # read by libyaml itself, not by the fallback
        assert alone == pure


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.dates()
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text("abcdef_:-#&* ", min_size=1, max_size=6), inner, max_size=4)
    ),
    max_leaves=25,
)
_NOISE = st.sampled_from([*":-?#&*!|>'\"{}[],%@`\t\n ", "  ", "\n  ", "- ", ": "])


@settings(max_examples=400, deadline=None)
@given(
    _DATA,
    st.sampled_from([None, True, False]),
    st.lists(st.tuples(st.integers(0, 10_000), _NOISE), max_size=3),
)
# CI's example on PyYAML 6.0 (lowest-direct), whose libyaml refuses it after a wrong event:
@example([[], []], True, [(2, "?")])
def test_libyaml_and_python_agree_on_generated_documents(
    data: Any, flow: bool | None, edits: list[tuple[int, str]]
) -> None:
    """Documents dumped in block and flow styles, some with a few YAML-significant characters
    spliced in. Whatever PyYAML reads, libyaml reads alike (same data, same positions); what
    PyYAML refuses gives PyYAML's errors, unless libyaml reads it: libyaml is the more lenient
    of the two on a few flow-style oddities (``[n?ull]``), and reads them as YAML 1.2 does."""
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, width=40)
    for at, piece in edits:
        i = at % (len(text) + 1)
        text = text[:i] + piece + text[i:]
    alone, taken, pure = _outcomes(text)
    if taken[0] == "ok" and pure[0] == "error":
        # libyaml's leniency (see above) is about syntax only: a check of ours (a tag, a
        # duplicate key, a bad value, a lone surrogate) the fast path skipped would fail here.
        assert {code for code, _, _ in pure[1]} == {"E003"}, pure[1]
        return
    if pure[0] == "ok":
        # An empty value or key (an implicit null) has no text of its own: in flow collections
        # the two composers place its mark one column apart. Its position is compared no
        # further. What PyYAML reads, libyaml reads itself, without the fallback.
        assert alone[0] == taken[0] == "ok"
        alone, taken, pure = (_without_null_marks(*o[1:]) for o in (alone, taken, pure))
        assert alone == pure
    assert taken == pure


def _without_null_marks(data: Any, values: dict[Any, Any], keys: dict[Any, Any]) -> Any:
    def value_at(path: tuple[Any, ...]) -> Any:
        node = data
        for part in path:
            if part == "\0key":
                return "key"
            node = node[part]
        return node

    # An empty key is a null too: its mark is as uncertain as an empty value's.
    return (
        data,
        {p: s for p, s in values.items() if value_at(p) is not None},
        {p: s for p, s in keys.items() if p[-1] is not None},
    )


@pytest.mark.parametrize(
    "text",
    [
        "[a, {b: }, &x 1, *x]\n",  # an alias: libyaml's one pass stops at the anchor
        "- {a: , b: }\n- &x 1\n- *x\n",
    ],
)
def test_a_document_composed_again_keeps_none_of_the_first_passs_marks(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When libyaml's one pass stops (an alias, a duplicate key) and libyaml's composer fails
    too, the pure-Python path composes the document, and its marks are the document's. Before,
    the marks the first pass had recorded were kept over its own: an empty value in a flow
    mapping one column further on, and, with the libyaml PyYAML 6.0 builds against, a mark for
    an item that does not exist (the lowest-direct CI run: ``[[?], []]``, which that libyaml
    refuses after a wrong event). Its composer failing is simulated here."""
    pure = _outcomes(text)[2]
    monkeypatch.setattr(document, "_compose_fast", lambda _: document._FAILED)
    assert _outcomes(text)[1] == pure
