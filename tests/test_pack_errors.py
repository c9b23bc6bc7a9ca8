"""Malformed packs: one fixture per failure, each error at the line its fixture marks.

A fixture marks each line that must be reported with a trailing ``# <- CODE`` comment; the
test requires exactly those (line, code) pairs, so missing and surplus errors both fail.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import egovrules
from tests.conftest import FIXTURES

BAD = sorted((FIXTURES / "packs" / "bad").glob("*.yaml"))


def _expected(path: Path) -> set[tuple[int, str]]:
    out = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for code in re.findall(r"# <- (E\d{3})", line):
            out.add((n, code))
    return out


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_pack_reports_each_marked_error(path: Path) -> None:
    """load_pack raises PackError with exactly the marked errors, in file order."""
    with pytest.raises(egovrules.PackError) as info:
        egovrules.load_pack(path)
    got = [(d.span.line, d.code) for d in info.value.diagnostics if d.span]
    assert set(got) == _expected(path)
    assert got == sorted(got)
    assert all(d.span and d.span.file == str(path) for d in info.value.diagnostics)


def test_all_errors_of_a_file_at_once() -> None:
    """A shape error does not hide the cross-reference errors of the rest of the file."""
    with pytest.raises(egovrules.PackError) as info:
        egovrules.load_pack(FIXTURES / "packs" / "bad" / "many_errors.yaml")
    assert {d.code for d in info.value.diagnostics} == {"E100", "E203", "E204"}


def test_error_text_has_position_source_line_caret_and_hint() -> None:
    """The rendered error is file:line:col, the source line, a caret, and a did-you-mean."""
    path = FIXTURES / "packs" / "bad" / "unknown_field.yaml"
    with pytest.raises(egovrules.PackError) as info:
        egovrules.load_pack(path)
    text = str(info.value).splitlines()
    assert text[0].startswith(f"{path}:68:23: error[E203]: unknown field 'security_system'")
    assert "requires: {field: security_system" in text[1]
    assert text[2].rstrip().endswith("^") and text[2].index("^") == text[1].index("security_system")
    assert text[3] == "  hint: did you mean 'security_systems'?"


@pytest.mark.parametrize("name", ["unknown_key", "python_tag", "syntax_error"])
def test_cli_exit_code_2_and_no_traceback(name: str) -> None:
    """The CLI reports a bad pack on stderr with exit code 2 and no traceback."""
    path = FIXTURES / "packs" / "bad" / f"{name}.yaml"
    subject = FIXTURES / "subjects" / "website-minimal.yaml"
    proc = subprocess.run(
        [sys.executable, "-m", "egovrules", "check", "--city", str(path), str(subject)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert f"{path}:" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_reading_a_pack_does_not_modify_it() -> None:
    """Loading (even a failing) pack leaves the file byte-identical."""
    path = FIXTURES / "packs" / "bad" / "many_errors.yaml"
    before = path.read_bytes()
    with pytest.raises(egovrules.PackError):
        egovrules.load_pack(path)
    assert path.read_bytes() == before
