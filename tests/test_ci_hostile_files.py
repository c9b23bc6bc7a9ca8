"""Nothing a file under review holds can make the check read another file, forge a line of the
CI log or name a file wrongly (found by an outside test of the command line, each case failing
before its fix)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from egovrules.report.render.controls import visible
from tests.conftest import ROOT

COMPLIANT = ROOT / "examples" / "wuhan" / "website-compliant.yaml"
LATE = ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml"
SECRET = "https://x-access-token:ghp_SECRET123@github.com"


def _run(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egovrules", "check", "--as-of", "2026-03-22", *args],
        cwd=cwd,
        input=None if stdin is None else stdin.decode(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A tree under review holding a subject, a link to a file outside it and a link to a
    directory outside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "creds").write_text(SECRET + "\n", encoding="utf-8")
    (outside / "other.yaml").write_text(LATE.read_text(encoding="utf-8"), encoding="utf-8")
    review = tmp_path / "tree"
    (review / "sub").mkdir(parents=True)
    (review / "ok.yaml").write_text(COMPLIANT.read_text(encoding="utf-8"), encoding="utf-8")
    (review / "x.yaml").symlink_to("../outside/creds")
    (review / "sub" / "linked").symlink_to("../../outside")
    return tmp_path


@pytest.mark.parametrize("argument", ["tree", "tree/**/*.yaml", "tree/*.yaml"])
def test_a_walk_follows_no_link_out_of_the_tree(tree: Path, argument: str) -> None:
    """The link's target (a credential) was read as a subject file and its line printed under
    the error's caret; a linked directory's subjects were checked."""
    done = _run(tree, argument)
    assert SECRET not in done.stdout + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 subject(s) checked, 1 compliant" in done.stdout


def test_a_link_named_as_an_argument_is_read(tree: Path) -> None:
    """The pipeline chose it: it is read (and, not a subject file, refused)."""
    done = _run(tree, "tree/x.yaml")
    assert done.returncode == 2


def test_sarif_names_a_file_by_a_uri_reference(tmp_path: Path) -> None:
    """A space, '#' and '%' in a file's name were written raw, which no URI holds."""
    folder = tmp_path / "a dir"
    folder.mkdir()
    (folder / "site #1 100%.yaml").write_text(LATE.read_text(encoding="utf-8"), encoding="utf-8")
    done = _run(tmp_path, "--format", "sarif", "a dir")
    assert done.returncode == 1
    (result,) = json.loads(done.stdout)["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "a%20dir/site%20%231%20100%25.yaml"


def test_sarif_gives_standard_input_no_location() -> None:
    """'<stdin>' was written as a file's URI."""
    done = _run(ROOT, "--format", "sarif", "-", stdin=LATE.read_bytes())
    assert done.returncode == 1
    (result,) = json.loads(done.stdout)["runs"][0]["results"]
    assert result["locations"] == []


FORGED = "x\n::error file=README.md,line=1::forged annotation\n\x1b[2J\u202e"


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_subjects_text_is_shown_not_obeyed(tmp_path: Path, fmt: str) -> None:
    """An id holding a line break began a line of its own on stdout, which GitHub reads as a
    workflow command; an escape sequence reached the terminal."""
    text = LATE.read_text(encoding="utf-8").replace("id: ", f"id: {json.dumps(FORGED)}\n#: ", 1)
    subject = tmp_path / "inject.yaml"
    subject.write_text(text, encoding="utf-8")
    done = _run(tmp_path, "--format", fmt, str(subject))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert not any(line.startswith("::error file=README.md") for line in lines)
    assert "\x1b" not in done.stdout and "\u202e" not in done.stdout
    assert "\\x1b[2J\\u202e" in done.stdout


def test_visible_escapes_what_a_terminal_obeys_and_keeps_the_rest() -> None:
    assert visible("a\tb 汉字") == "a\tb 汉字"
    assert visible("a\r\nb\x00\x7f\x85\u2028\u2066") == "a\\r\\nb\\x00\\x7f\\x85\\u2028\\u2066"
    assert os.linesep not in visible("one" + os.linesep + "two")


@pytest.mark.parametrize(
    ("name", "planted"),
    [
        ("--config=lenient.yaml", ("lenient.yaml", "fail-on: never\n")),
        ("--conf=lenient.yaml", ("lenient.yaml", "fail-on: never\n")),  # an abbreviation
        (
            "--waivers=w.yaml",
            (
                "w.yaml",
                "- {subject: '*', rule: website.police_filing, reason: r, expires: 2099-12-31}\n",
            ),
        ),
    ],
    ids=["config", "abbreviated", "waivers"],
)
def test_a_file_named_like_an_option_is_never_read_as_one(
    tmp_path: Path, name: str, planted: tuple[str, str]
) -> None:
    """pre-commit names every changed file after the hook's own arguments, with no ``--``
    before them (and the action's unquoted arguments are expanded by the shell): a file the
    change adds named ``--config=lenient.yaml`` was read by argparse as that option, and the
    lenient config or waivers file it named passed a late filing (exit 0)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".egovrules.yaml").write_text("city: wuhan\ninline-waivers: false\n", "utf-8")
    shutil.copy(LATE, tmp_path / "late.yaml")
    file, content = planted
    (tmp_path / file).write_text(content, encoding="utf-8")
    (tmp_path / name).write_text("note: no subject here\n", encoding="utf-8")
    # as the hook runs: its entry, then the changed files, sorted
    done = _run(tmp_path, "--skip-without-kind", *sorted([name, "late.yaml", file]))
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{name!r} names a file here" in done.stderr
    # named as a path, it is the file it is (no kind: skipped, as the hook asks)
    done = _run(tmp_path, "--skip-without-kind", f"./{name}", "late.yaml")
    assert done.returncode == 1, done.stdout + done.stderr


def test_a_carriage_return_ends_no_line_of_the_markdown_report(tmp_path: Path) -> None:
    """Markdown (CommonMark, GitHub's job summary and pull-request comments) ends a line at a
    carriage return too: only line feeds were kept out of a cell, so an id holding ``\\r``
    broke the table and wrote a heading of its own, a forged "✅ ... 0 not compliant"."""
    forged = "x\r\r## ✅ egovrules: 1 subject(s), 0 not compliant, 0 violation(s)\r\r"
    text = LATE.read_text(encoding="utf-8").replace("id: ", f"id: {json.dumps(forged)}\n#: ", 1)
    subject = tmp_path / "inject.yaml"
    subject.write_text(text, encoding="utf-8")
    done = _run(tmp_path, "--output", "markdown=report.md", str(subject))
    assert done.returncode == 1
    markdown = (tmp_path / "report.md").read_bytes().decode("utf-8")  # every \r as written
    assert "\r" not in markdown
    assert [line for line in markdown.split("\n") if line.startswith("## ")] == [
        "## ❌ egovrules: 1 subject(s), 1 not compliant, 1 violation(s)"
    ]
    assert "`x\\r\\r## ✅ egovrules" in markdown  # shown, as the text report shows it


@pytest.mark.parametrize(
    "ident",
    [
        "x` ![pixel](https://evil.example/p.png) `",  # a backtick ended the code span
        "``` [a link](https://evil.example) ``",  # a longer run than the fence
        "`x`",  # a backtick at each end
    ],
)
def test_a_backtick_in_an_id_leaves_no_code_span_of_the_markdown_report(
    tmp_path: Path, ident: str
) -> None:
    """The Markdown report (GitHub's job summary) put each id in a code span of one backtick:
    an id holding one ended the span, and the rest was Markdown, an image fetched from another
    host or a link. Parsed as CommonMark, every id is one code span holding the id, and the
    report has no image and no link."""
    from markdown_it import MarkdownIt

    text = LATE.read_text(encoding="utf-8").replace("id: ", f"id: {json.dumps(ident)}\n#: ", 1)
    subject = tmp_path / "inject.yaml"
    subject.write_text(text, encoding="utf-8")
    done = _run(tmp_path, "--output", "markdown=report.md", str(subject))
    assert done.returncode == 1
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    inline = [child for t in tokens if t.children for child in t.children]
    assert not [c for c in inline if c.type in ("image", "link_open", "html_inline")]
    spans = [c.content for c in inline if c.type == "code_inline"]
    assert spans.count(ident) == 2  # the table's row and the subject's heading


def test_a_file_named_like_an_option_is_named_escaped_in_the_refusal(tmp_path: Path) -> None:
    """The refusal of a file named like an option showed the name raw in its advice (``./NAME``):
    a name holding a line break put a line of its own choosing on stderr, where a CI runner
    reads workflow commands (``::error ...``)."""
    name = "--x\n::error file=a.yaml::forged"
    (tmp_path / name).write_text("note: no subject here\n", encoding="utf-8")
    done = _run(tmp_path, name)
    assert done.returncode == 2, done.stdout + done.stderr
    assert not [line for line in done.stderr.splitlines() if line.startswith("::")]
    assert repr(f"./{name}") in done.stderr


def test_one_file_named_two_ways_is_read_once(tmp_path: Path) -> None:
    """A file given as ``late.yaml`` and as ``./late.yaml`` (or its absolute path, or a link
    to it) is one file: it was read twice, and its second reading was refused as another
    subject with the same id (E307)."""
    shutil.copy(LATE, tmp_path / "late.yaml")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "late.yaml")
    args = ["--city", "wuhan", "--as-of", "2026-03-22", "--format", "json"]
    spellings = ["late.yaml", "./late.yaml", str(tmp_path / "late.yaml"), "link.yaml"]
    done = _run(tmp_path, *args, *spellings)
    assert done.returncode == 1, done.stdout + done.stderr
    doc = json.loads(done.stdout)
    assert [r["subject"]["source"] for r in doc["reports"]] == ["late.yaml"]
    assert doc["errors"] == []
