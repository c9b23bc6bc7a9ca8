"""Every command and API call shown in README.md and docs/ runs, so the docs cannot drift from
the code.

The conventions, for whoever writes a page:

- A fenced block tagged ``python`` is run as a script (a fresh interpreter, so a fresh
  namespace) and must exit 0; a block tagged ``pycon`` is run as a doctest, outputs compared.
- A block tagged ``sh`` (or ``bash``, ``shell``, ``console``) is one command per line (``\\``
  continues a line; ``#`` lines are comments). Every command must start with ``egovrules `` or
  ``python``; it runs in bash with ``pipefail`` and must exit 0, or N when the block holds a
  line ``# exit: N`` (write it where the prose says violations are expected: 1). In a ``&&``
  chain, the steps that set up an environment (``python3 -m venv``, ``. .venv/bin/activate``,
  ``pip install``) are left out: the environment the tests run in is that environment, with
  egovrules installed; the rest of the chain runs.
- A block that cannot run here (an install from the package index, a CI workflow, this very
  test suite) is preceded by ``<!-- not-run: the reason -->``. Such blocks are counted per page
  below (``NOT_RUN``): adding one is a deliberate, reviewed change.
- Other blocks (untagged synopses and outputs, YAML and JSON data) are not run.

Commands run in a temporary directory holding copies of ``examples/``, ``rules/`` and
``schemas/``, with the test interpreter's ``bin`` first on ``PATH``: nothing is ever written
into the repository.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

SHELL_LANGS = {"sh", "bash", "shell", "console"}
RUN_LANGS = {"python", "pycon", *SHELL_LANGS}

# Blocks marked <!-- not-run: ... -->, per page. Raise a count only with a reason in the page.
NOT_RUN = {
    "README.md": 2,
    "docs/audit.md": 1,
    "docs/benchmarks.md": 1,
    "docs/ci.md": 4,
    "docs/start/ci.md": 2,
    "docs/serve.md": 4,
    "docs/start/library.md": 1,
}

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)(?P<lang>[\w+-]*)[^\n]*$")
_NOT_RUN = re.compile(r"<!--\s*not-run:\s*(?P<reason>.*?)\s*-->", re.S)
_EXIT = re.compile(r"^#\s*exit:\s*(\d+)\s*$")
_SETUP = re.compile(r"^(python3? -m venv\b|\. \S+/bin/activate$|(python3? -m )?pip install\b)")


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: str
    line: int
    lang: str
    code: str
    not_run: str | None

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


def pages() -> list[Path]:
    """README.md and every page under docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown page, with the not-run reason preceding each."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = len(m["indent"]), m["fence"]
        end = i + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        code = "\n".join(line[indent:] for line in lines[i + 1 : end]) + "\n"
        before = "\n".join(lines[max(0, i - 6) : i])
        marks = list(_NOT_RUN.finditer(before))
        # The marker must be the last thing before the fence (blank lines aside).
        reason = marks[-1]["reason"] if marks and not before[marks[-1].end() :].strip() else None
        found.append(Block(str(path.relative_to(ROOT)), i + 1, m["lang"].lower(), code, reason))
        i = end + 1
    return found


def all_blocks() -> list[Block]:
    """Every block of every page."""
    return [b for p in pages() for b in blocks(p)]


def runnable() -> list[Block]:
    """The blocks this module runs."""
    return [b for b in all_blocks() if b.lang in RUN_LANGS and b.not_run is None]


def commands(block: Block) -> list[str]:
    """The commands of a shell block, setup steps of ``&&`` chains left out."""
    joined = re.sub(r"\s*\\\n\s*", " ", block.code)
    out = []
    for raw in joined.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        steps = [s.strip() for s in line.split("&&")]
        kept = [s for s in steps if not _SETUP.match(s)]
        if kept:
            out.append(" && ".join(kept))
    return out


def expected_exit(block: Block) -> int:
    """0, or the N of a ``# exit: N`` line."""
    codes = [int(m[1]) for line in block.code.splitlines() if (m := _EXIT.match(line.strip()))]
    return codes[-1] if codes else 0


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A directory holding copies of examples/, rules/ and schemas/, where the examples run."""
    for name in ("examples", "rules", "schemas"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["LANG"] = env["LC_ALL"] = "C.UTF-8"  # messages in English, as the pages show them
    env.pop("LC_MESSAGES", None)
    return env


@pytest.mark.parametrize("block", runnable(), ids=str)
def test_example_runs(block: Block, workdir: Path) -> None:
    """The block runs as the page says: exit status 0, or the one its ``# exit:`` line gives."""
    if block.lang == "python":
        proc = subprocess.run(
            [sys.executable, "-c", block.code],
            cwd=workdir,
            env=_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, f"{block}: {proc.stderr}"
        return
    if block.lang == "pycon":
        _run_doctest(block, workdir)
        return
    cmds = commands(block)
    assert cmds, f"{block}: a shell block with no command; mark it not-run or tag it text"
    want = expected_exit(block)
    for cmd in cmds:
        assert cmd.startswith(("egovrules ", "python")), (
            f"{block}: {cmd!r} is neither an egovrules nor a python command; "
            "make it one or mark the block <!-- not-run: reason -->"
        )
        proc = subprocess.run(
            ["bash", "-o", "pipefail", "-c", cmd],
            cwd=workdir,
            env=_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == want, (
            f"{block}: {cmd!r} exited {proc.returncode}, the page says {want}\n{proc.stderr}"
        )


def _run_doctest(block: Block, workdir: Path) -> None:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block.code, {}, str(block), block.page, block.line)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out: list[str] = []
    cwd = Path.cwd()
    os.chdir(workdir)
    try:
        runner.run(test, out=out.append)
    finally:
        os.chdir(cwd)
    assert runner.failures == 0, "".join(out)


def test_every_not_run_block_is_counted() -> None:
    """Each page has exactly the not-run blocks ``NOT_RUN`` counts, each with a reason."""
    found: dict[str, int] = {}
    for b in all_blocks():
        if b.not_run is not None:
            assert b.not_run, f"{b}: a not-run marker needs a reason"
            found[b.page] = found.get(b.page, 0) + 1
    assert found == NOT_RUN


def test_the_readme_examples_are_run() -> None:
    """The README's run command, its library example, its test command and its server are all
    seen: the first two run, the third (this suite) and the fourth (a server that runs until
    stopped: tests/test_serve.py runs its curl) are marked not-run."""
    readme = blocks(ROOT / "README.md")
    langs = [(b.lang, b.not_run is None) for b in readme if b.lang in RUN_LANGS]
    assert langs == [("sh", True), ("sh", False), ("python", True), ("sh", False)]
    first = next(b for b in readme if b.lang == "sh")
    assert commands(first) == [
        "egovrules check --city wuhan --as-of 2026-03-22 "
        "examples/wuhan/website-late-police-filing.yaml"
    ]
    assert expected_exit(first) == 1


def test_block_parsing() -> None:
    """Markers, exit lines, continuations and setup steps are read as documented."""
    page = ROOT / "tests" / "fixtures" / "docs" / "page.md"
    found = blocks(page)
    assert [(b.lang, b.not_run) for b in found] == [
        ("sh", None),
        ("sh", "needs the network"),
        ("python", None),
        ("yaml", None),
    ]
    assert commands(found[0]) == [
        "egovrules check --city wuhan a.yaml",
        "python -c 'print(1)'",
    ]
    assert expected_exit(found[0]) == 1
    assert expected_exit(found[2]) == 0
