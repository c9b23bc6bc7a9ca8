"""Hostile input, determinism and concurrency: whatever is read ends as a result or as an
egovrules error with a position; the same question always gets the same bytes; a compiled pack
is safely shared by threads and processes."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import functools
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import egovrules
from egovrules.authoring.lint import lint_pack
from egovrules.authoring.testing import run_pack_tests
from egovrules.engine.inputs import read_subjects
from egovrules.source.document import DocumentError, parse_document
from egovrules.source.errors import InputError
from egovrules.subjects import SUBJECT_MODELS, parse_subject
from tests.conftest import FIXTURES, ROOT
from tests.strategies import DATES, pack_strings, subject_data

MINI_LINES = (FIXTURES / "packs" / "mini.yaml").read_text(encoding="utf-8").splitlines()
TOKENS = [
    "",
    ":",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "&a",
    "*a",
    "!!python/object:os.system",
    "'",
    '"',
    "\t",
    "\x00",
    "$nope",
    "@as_of",
    "2024-02-30",
    "-1",
    "1e999",
    "null",
    "~",
    "field: x",
    "eq:",
    "所有",
    "\ufeff",
    "<<: *a",
    "? complex",
    "|",
    ">",
]


@st.composite
def mutated_pack(draw: st.DrawFn) -> str:
    """The mini pack with a few line-level mutations: deleted, duplicated, swapped, truncated
    or re-indented lines, or a token spliced in."""
    lines = list(MINI_LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "truncate", "indent", "token"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, max(len(lines[i]) - 1, 0)))]
        elif op == "indent":
            lines[i] = " " * draw(st.integers(0, 5)) + lines[i].lstrip()
        else:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(TOKENS)) + lines[i][at:]
        if not lines:
            lines = ["format: 1"]
    return "\n".join(lines) + "\n"


def _positioned(exc: InputError | DocumentError) -> None:
    assert exc.diagnostics
    for d in exc.diagnostics:
        assert d.span is not None and d.span.line >= 1 and d.span.col >= 1, d


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated_pack())
def test_mutated_packs_load_or_fail_with_positions(tmp_path_factory: Any, text: str) -> None:
    """A subtly broken pack is a compiled pack or a PackError with positions, never a crash;
    a pack that loads also tests, lints and checks without crashing."""
    path = tmp_path_factory.mktemp("p") / "mutant.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        pack = egovrules.load_pack(path)
    except egovrules.PackError as exc:
        _positioned(exc)
        return
    try:
        run_pack_tests(pack)
    except egovrules.PackError as exc:
        _positioned(exc)
    lint_pack(pack, ROOT / "rules" / "sources")
    egovrules.diff(pack, _wuhan())
    for kind in SUBJECT_MODELS:
        pack.check(
            {"kind": kind, "id": "x"}
            if kind != "network"
            else {"kind": kind, "id": "x", "request_type": "platform_access"},
            as_of=dt.date(2024, 6, 1),
        )


@functools.lru_cache(maxsize=1)
def _wuhan() -> egovrules.Pack:
    return egovrules.load_pack("wuhan")


JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.dates().map(str),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated_subject(draw: st.DrawFn) -> dict[str, Any]:
    """A generated subject with a few keys replaced by junk or unknown keys added."""
    kind = draw(st.sampled_from(sorted(SUBJECT_MODELS)))
    pack = _wuhan()
    data = dict(draw(subject_data(SUBJECT_MODELS[kind], pack_strings(pack.ruleset))))
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.sampled_from([*data, "unknown_key", "waivers"]))
        data[key] = draw(JUNK)
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_subject(), as_of=DATES)
def test_mutated_subjects_check_or_fail_cleanly(data: dict[str, Any], as_of: dt.date) -> None:
    """pack.check on raw data returns a report or raises SubjectError — nothing else."""
    pack = _wuhan()
    try:
        report = pack.check(data, as_of=as_of)
    except egovrules.SubjectError as exc:
        assert exc.diagnostics
        return
    assert report.subject_id == data["id"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=400) | mutated_pack().map(lambda t: t.encode()))
def test_subject_files_of_any_bytes(tmp_path_factory: Any, raw: bytes) -> None:
    """Any bytes as a subject file: subjects, or errors with positions."""
    path = tmp_path_factory.mktemp("s") / "subject.yaml"
    path.write_bytes(raw)
    subjects, errors = read_subjects(str(path), "website")
    for error in errors:
        _positioned(error)
    for loaded in subjects:
        assert loaded.subject.kind == "website"


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file over the size limit is refused before it is parsed."""
    from egovrules.source import document

    monkeypatch.setattr(document, "MAX_BYTES", 10)
    with pytest.raises(DocumentError) as info:
        parse_document(b"a: 1\nb: 2\nc: 3\n", "big.yaml")
    assert info.value.diagnostics[0].code == "E001"


def test_control_characters_are_positioned_errors() -> None:
    """A NUL byte (found by the fuzzer) is an error at its line and column."""
    with pytest.raises(DocumentError) as info:
        parse_document(b"a: 1\nb: x\x00y\n", "nul.yaml")
    (d,) = info.value.diagnostics
    assert (d.code, d.span and (d.span.line, d.span.col)) == ("E012", (2, 5))


@pytest.mark.parametrize(
    ("text", "where", "shown"),
    [
        # Old Mac line ends: YAML breaks a line at a lone CR, so the NUL is on line 3. The
        # position used to count "\n" alone and said 1:13.
        (b"a: 1\rb: 2\rc: x\x00y\r", (3, 5), "    3 | c: xy"),
        (b"a: 1\r\nb: x\x00y\r\n", (2, 5), "    2 | b: xy"),
        # U+0085 (NEL) breaks a YAML line too: the NUL after it begins line 3.
        ('a: 1\nb: "x\x85\x00y"\n'.encode(), (3, 1), '    3 | y"'),
    ],
)
def test_control_characters_are_placed_on_yamls_lines(
    text: bytes, where: tuple[int, int], shown: str
) -> None:
    """A character the reader refuses is placed, and shown under its caret, on the line YAML
    counts, whatever breaks the file's lines."""
    from egovrules.source.span import render_caret

    with pytest.raises(DocumentError) as info:
        parse_document(text, "cr.yaml")
    (d,) = info.value.diagnostics
    assert d.code == "E012"
    assert d.span is not None
    assert (d.span.line, d.span.col) == where
    assert render_caret(d.span, text.decode()).splitlines()[0].replace("\x00", "") == shown


# ---- determinism -------------------------------------------------------------------------

INPUTS = [
    "tests/fixtures/ci",
    "examples/wuhan",
    "examples/shantou",
    "examples/hohhot",
    "examples/tianjin",
]
RENDER_ALL = """
import datetime as dt, json, sys
import egovrules
from egovrules.report.render import render
from egovrules.engine.run import RunOptions, run_check
result = run_check(sys.argv[1:], RunOptions(as_of=dt.date(2026, 3, 22)))
rules = {r.id: r for p in result.packs.values() for r in p.rules}
out = {f: render(f, result.checked, rules, "en")
       for f in ("json", "sarif", "junit", "markdown", "github", "text")}
from egovrules.diffing.render import html, json as diff_json
d = egovrules.diff(egovrules.load_pack("shantou"), egovrules.load_pack("wuhan"))
out["diff-json"] = diff_json.render_json(d)
out["diff-html"] = html.render_diff_html(d)
sys.stdout.write(json.dumps(out, ensure_ascii=False))
"""


def _render_all(seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "LANG": "C.UTF-8"}
    proc = subprocess.run(
        [sys.executable, "-c", RENDER_ALL, *INPUTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    outputs: dict[str, str] = json.loads(proc.stdout)
    return outputs


def test_outputs_are_byte_identical_across_processes_and_hash_seeds() -> None:
    """Every format gives the same bytes in separate processes with different hash seeds."""
    runs = [_render_all(seed) for seed in ("0", "1", "4242")]
    assert all(run == runs[0] for run in runs[1:])
    assert all(text for text in runs[0].values()) and len(runs[0]) == 8


# ---- concurrency -------------------------------------------------------------------------


def _subjects(n: int) -> list[Any]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from check_throughput import generate
    finally:
        sys.path.pop(0)
    return [parse_subject(d) for d in generate(n, seed=9)]


def _digest(pack: egovrules.Pack, subject: Any) -> tuple[Any, ...]:
    r = pack.check(subject, as_of=dt.date(2026, 3, 22))
    return (r.subject_id, r.codes, tuple(v.message for v in r.violations))


def test_shared_pack_across_threads() -> None:
    """Thousands of subjects checked by 16 threads on one shared pack give exactly the
    sequential results."""
    pack = egovrules.load_pack("wuhan")
    subjects = _subjects(4000)
    sequential = [_digest(pack, s) for s in subjects]
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        threaded = list(pool.map(lambda s: _digest(pack, s), subjects))
    assert threaded == sequential


def _check_in_process(data: list[dict[str, Any]]) -> list[str]:
    pack = egovrules.load_pack("wuhan")
    return [
        json.dumps([str(c) for c in pack.check(d, as_of=dt.date(2026, 3, 22)).codes]) for d in data
    ]


def test_process_pool_agrees_with_sequential() -> None:
    """Subjects checked in a process pool give the sequential results."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from check_throughput import generate
    finally:
        sys.path.pop(0)
    raw = generate(600, seed=3)
    chunks = [raw[i : i + 150] for i in range(0, len(raw), 150)]
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        pooled = [line for part in pool.map(_check_in_process, chunks) for line in part]
    assert pooled == _check_in_process(raw)


def test_a_json_syntax_error_is_placed_on_yamls_lines() -> None:
    """JSON's parser counts lines by "\\n" alone: in a file whose lines end in a lone CR it put
    the error on line 1 (1:14 here). It is placed on the line YAML counts, as every other
    position is."""
    with pytest.raises(DocumentError) as info:
        parse_document(b'{"a": 1,\r"b": ]}\r', "cr.json")
    (d,) = info.value.diagnostics
    assert d.code == "E003"
    assert d.span is not None
    assert (d.span.line, d.span.col) == (2, 6)


@pytest.mark.parametrize(
    ("raw", "name", "offset", "where"),
    [
        # Counted "\n" alone, in bytes: 1:19 here, for the third line's seventh character.
        ('a: 1\rb: 2\rid: "汉'.encode() + b'\xff"\r', "cr.yaml", 0, (3, 7)),
        # One line of a JSON Lines file: its own line number (the offset was left out).
        (b'{"id": "\xff"}', "lines.jsonl", 2, (3, 9)),
    ],
)
def test_bytes_that_are_not_utf8_are_placed_in_characters_on_yamls_lines(
    raw: bytes, name: str, offset: int, where: tuple[int, int]
) -> None:
    with pytest.raises(DocumentError) as info:
        parse_document(raw, name, line_offset=offset)
    (d,) = info.value.diagnostics
    assert d.code == "E002"
    assert d.span is not None
    assert (d.span.line, d.span.col) == where


TAB_JSON = '{\n\t"kind":\t"website",\n\t"id":\t"a",\n\t"city":\t"wuhan"\n}\n'


def test_json_lines_may_hold_tabs_between_tokens(tmp_path: Any) -> None:
    """JSON allows a tab where YAML does not: a JSON Lines file of them was refused (E003)."""
    lines = tmp_path / "tabs.jsonl"
    lines.write_text('{"kind":\t"website", "id": "a"}\n{"kind":\t"website", "id": "b"}\n')
    subjects, errors = read_subjects(str(lines))
    assert errors == []
    assert [s.subject.id for s in subjects] == ["a", "b"]


def test_json_on_standard_input_may_hold_tabs(monkeypatch: pytest.MonkeyPatch) -> None:
    """`jq --tab ... | egovrules check -`: refused at 2:1 before (stdin has no .json name)."""
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TAB_JSON.encode())))
    subjects, errors = read_subjects("-")
    assert errors == []
    assert [s.subject.id for s in subjects] == ["a"]
