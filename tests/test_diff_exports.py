"""Exports a lawyer can file: ``egovrules diff A B --format csv`` (read back with the csv module:
UTF-8 with a byte-order mark, RFC 4180, one row per concept × aspect, each value beside its
articles) and ``--format pdf --output FILE`` (the HTML diff printed by headless Chromium, read
back with pypdf); without Chromium, exit 2 with a clear message and no traceback."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

import egovrules
from egovrules.cli import main
from egovrules.diffing.render.csv import render_diff_csv
from tests.conftest import ROOT

TWO = ["--concept", "website.police_filing", "--concept", "project.approval_processing_time_limit"]


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")  # CRLF, RFC 4180
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_has_one_row_per_concept_and_aspect(tmp_path: Path) -> None:
    out = tmp_path / "wuhan-hohhot.csv"
    code = main(["diff", "wuhan", "hohhot", "--no-witnesses", "--format", "csv", "--out", str(out)])
    assert code == 1  # the packs differ, as with every other format
    header, *rows = _rows(out.read_bytes())
    assert header[:6] == ["concept", "title", "title_zh", "presence", "verdict", "aspect"]
    assert header[6:10] == ["A: wuhan", "A articles (Wuhan)", "B: hohhot", "B articles (Hohhot)"]
    d = egovrules.diff("wuhan", "hohhot", witnesses=False)
    assert len(rows) == sum(max(1, len(c.aspects)) for c in d.concepts)
    assert all(len(r) == len(header) for r in rows)
    # Wuhan 第十五条 ¶2: "网络接入之日起15日内到市公安部门备案" — only Wuhan has it.
    police = [r for r in rows if r[0] == "website.police_filing"]
    assert len(police) == 1
    assert police[0][3] == "only in wuhan" and police[0][7] == "第十五条 ¶2" and police[0][9] == ""
    assert police[0][2] == "网站公安备案"
    # An aspect row reads back to the diff's own words, commas and quotes included.
    shared = next(c for c in d.concepts if c.aspects)
    first = shared.aspects[0]
    row = next(r for r in rows if r[0] == shared.concept and r[5] == first.name)
    assert (row[6], row[8], row[11]) == (first.a, first.b, first.reason)
    assert any("," in cell or '"' in cell for r in rows for cell in r)  # quoting was needed


def test_csv_aspect_cells_carry_their_articles() -> None:
    d = egovrules.diff(
        "wuhan", "hohhot", witnesses=False, concepts=["website.designated_maintainer"]
    )
    _, *rows = _rows(render_diff_csv(d).encode("utf-8"))
    # Wuhan 第十四条 ¶1 asks for a designated agency ("专门机构"); Hohhot 第十五条 ¶1 lets a
    # designated person maintain the site too: each side's value sits beside its article.
    assert [(r[5], r[7], r[9]) for r in rows] == [
        ("scope", "第十四条 ¶1", "第十五条 ¶1"),
        ("requires", "第十四条 ¶1", "第十五条 ¶1"),
    ]
    requires = rows[1]
    assert requires[6] == "maintainer.designated = true AND maintainer.kind = agency"
    assert requires[8] == "maintainer.designated = true AND maintainer.kind in {agency, person}"
    assert requires[10] == "stricter in wuhan"


def test_matrix_csv(tmp_path: Path) -> None:
    out = tmp_path / "matrix.csv"
    assert main(["matrix", "--format", "csv", "--out", str(out)]) == 0
    header, *rows = _rows(out.read_bytes())
    assert header[:3] == ["concept", "title", "title_zh"] and len(header) == 3 + 3 * 4
    police = next(r for r in rows if r[0] == "website.police_filing")
    assert police[3::3] == ["absent", "absent", "absent", "present"]  # hohhot … wuhan
    assert police[-1] == "第十五条 ¶2"


def test_csv_cells_a_spreadsheet_would_run_are_written_as_text(tmp_path: Path) -> None:
    # An authority's name is a pack's free text and stands first in a matrix cell: "=HYPERLINK"
    # there was a live formula in Excel (CSV injection). It is kept, after an apostrophe.
    evil = '=HYPERLINK("http://evil.example","click")'
    text = (ROOT / "rules" / "tianjin.yaml").read_text(encoding="utf-8")
    plain = "en: municipal information department, es"
    assert plain in text
    pack = tmp_path / "tianjin.yaml"
    pack.write_text(text.replace(plain, f"en: '{evil}', es", 1), encoding="utf-8")
    out = tmp_path / "matrix.csv"
    assert main(["matrix", str(pack), "--format", "csv", "--out", str(out)]) == 0
    _, *rows = _rows(out.read_bytes())
    network = next(r for r in rows if r[0] == "network.independent_network")
    assert network[4] == "'" + evil
    assert not [c for r in rows for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def _chromium_or_fail() -> None:
    from egovrules.diffing.render.pdf import find_chromium

    if find_chromium() is None:
        if os.environ.get("CI"):  # .ci/run installs it: a CI run without it is broken
            pytest.fail("chromium is missing on a CI run (.ci/run installs it)")
        pytest.skip("chromium is not installed (Debian: apt-get install chromium): no PDF test")


def test_pdf_is_the_printed_diff_one_concept_a_page(tmp_path: Path) -> None:
    _chromium_or_fail()
    from pypdf import PdfReader

    out = tmp_path / "wuhan-shantou.pdf"
    code = main(
        [
            "diff",
            "wuhan",
            "shantou",
            *TWO,
            "--no-witnesses",
            "--format",
            "pdf",
            "--output",
            str(out),
        ]
    )
    assert code == 1
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    text = "\n".join(pages)
    assert "Wuhan" in text and "Shantou" in text
    # Each concept begins a page, below the table's repeated head (a narrow column wraps the
    # concept id: compare without white space).
    flat = ["".join(p.split()) for p in pages]
    head = "conceptA:wuhanB:shantou"
    for concept in ("project.approval_processing_time_limit", "website.police_filing"):
        assert any(f.startswith(head + concept) for f in flat), concept
    # The pictures are printed, the filters are not.
    assert "within 7 working days of" in text and "concepts shown" not in text
    assert "filter by concept" not in text


def test_pdf_without_chromium_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no browser to be found
    out = tmp_path / "x.pdf"
    code = main(
        ["diff", "wuhan", "shantou", *TWO, "--no-witnesses", "--format", "pdf", "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert "headless Chromium" in err and "apt-get install chromium" in err
    assert "Traceback" not in err and not out.exists()


def test_pdf_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "wuhan", "shantou", "--format", "pdf"]) == 2
    err = capsys.readouterr().err
    assert "--format pdf writes a file" in err and "Traceback" not in err
    assert main(["matrix", "--format", "pdf"]) == 2
    assert "--format pdf writes a file" in capsys.readouterr().err


def test_pdf_whose_page_cannot_be_written_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The page to print cannot be written (a full disk; review: it ended as exit 3, an
    internal error): exit 2 with the reason, before any browser runs."""
    from egovrules.diffing.render import pdf

    def full(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf, "find_chromium", lambda: "/nonexistent/chromium")
    monkeypatch.setattr(Path, "write_text", full)
    out = tmp_path / "x.pdf"
    code = main(
        ["diff", "wuhan", "shantou", *TWO, "--no-witnesses", "--format", "pdf", "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert "cannot write the page to print: No space left on device" in err
    assert "Traceback" not in err
