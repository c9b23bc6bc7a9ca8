"""The terminal: colour only on a terminal and never against --no-color or NO_COLOR; every
label in Chinese with --lang zh; shell completion from the parser; help for every option."""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from egovrules.cli import main
from tests.conftest import ROOT

LATE = "examples/wuhan/website-late-police-filing.yaml"
ARGS = ["check", "--as-of", "2026-03-22", "--lang", "en", LATE]
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _stdout_of(monkeypatch: pytest.MonkeyPatch, stream: io.StringIO, *args: str) -> str:
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "stdout", stream)
    assert main(list(args)) == 1
    return stream.getvalue()


def test_colour_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the severity is red and the words are those of the plain report; piped,
    not one escape code."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    plain = _stdout_of(monkeypatch, io.StringIO(), *ARGS)
    assert "\x1b[" not in plain
    coloured = _stdout_of(monkeypatch, _Tty(), *ARGS)
    assert "\x1b[1;31mERROR\x1b[0m" in coloured
    assert _ANSI.sub("", coloured) == plain


@pytest.mark.parametrize(
    ("no_color", "flag", "coloured"),
    [
        ("1", [], False),  # NO_COLOR set to anything: off
        ("", [], True),  # set but empty: as if unset (no-color.org)
        (None, ["--no-color"], False),
    ],
)
def test_no_color_and_the_flag_turn_colour_off(
    monkeypatch: pytest.MonkeyPatch, no_color: str | None, flag: list[str], coloured: bool
) -> None:
    """``NO_COLOR`` (when not empty) and ``--no-color`` keep even a terminal plain."""
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    out = _stdout_of(monkeypatch, _Tty(), *ARGS, *flag)
    assert ("\x1b[" in out) is coloured


def test_chinese_labels(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --lang zh the severity, the citation (city, article, paragraph) and the summary are
    Chinese: no "ERROR", "para." or "Wuhan" is left."""
    monkeypatch.chdir(ROOT)
    assert main(["check", "--as-of", "2026-03-22", "--lang", "zh", LATE]) == 1
    out = capsys.readouterr().out
    assert "  错误     wuhan.website.police_filing_15_days" in out
    assert "依据: 武汉 第十五条第二款" in out
    for english in ("ERROR", "para.", "Wuhan", "art.", "subject(s)"):
        assert english not in out
    assert main(["check", "--as-of", "2026-03-22", "--lang", "zh", "--format", "markdown", LATE])
    out = capsys.readouterr().out
    assert out.startswith("## ❌ egovrules: 共 1 个对象,1 个不合规,1 项违规")
    assert "- **错误** `wuhan.website.police_filing_15_days`" in out
    assert "<summary>武汉 第十五条第二款</summary>" in out and "para." not in out


@pytest.mark.parametrize(
    ("n", "zh"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "100"),
    ],
)
def test_paragraph_and_item_numbers_in_chinese(n: int, zh: str) -> None:
    """Paragraphs and items are numbered as statutes number them (第十一款); past 99, digits."""
    from egovrules.law.citation import Citation

    c = Citation("Wuhan", 15, "第十五条", n, n, "q", None, "zh", cities=(("zh", "武汉"),))
    assert c.cite_in("zh") == f"武汉 第十五条第{zh}款第{zh}项"
    assert c.cite_in("en") == f"Wuhan 第十五条 (art. 15), para. {n}, item {n}"


def test_bash_completion_completes_commands_options_and_choices(tmp_path: Path) -> None:
    """The bash script `egovrules completion bash` prints completes a command, an option of
    check and the formats (gitlab included: it is generated from the parser)."""
    script = tmp_path / "egovrules.bash"
    script.write_text(
        subprocess.run(
            [sys.executable, "-m", "egovrules", "completion", "bash"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout,
        encoding="utf-8",
    )
    probe = (
        f"source {script}\n"
        "COMP_WORDS=(egovrules che); COMP_CWORD=1; _shtab_egovrules; echo ${COMPREPLY[@]}\n"
        "COMP_WORDS=(egovrules check --fail); COMP_CWORD=2; _shtab_egovrules; "
        "echo ${COMPREPLY[@]}\n"
        "COMP_WORDS=(egovrules check --format g); COMP_CWORD=3; _shtab_egovrules; "
        "echo ${COMPREPLY[@]}\n"
    )
    out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["check", "--fail-on", "github gitlab"]


def test_every_option_has_help() -> None:
    """Each option and positional of every command says what it is for in --help."""
    from egovrules.cli.app import _parser

    parser = _parser()
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [
        (name, action.option_strings or action.dest)
        for name, command in [("", parser), *sub.choices.items()]
        for action in command._actions
        if not isinstance(action, argparse._HelpAction | argparse._VersionAction)
        and not action.help
    ]
    assert missing == []


def test_the_audit_bar_shows_the_share_done_and_goes() -> None:
    """audit's bar (DuckDB's query progress): the percentage and the time left on a terminal,
    cleared when the query is over; nothing when piped."""
    from egovrules.cli.terminal import percent_bar

    assert percent_bar(io.StringIO()) is None
    tty = _Tty()
    bar = percent_bar(tty)
    assert bar is not None
    bar.update(50)
    bar.update(120)  # DuckDB's estimate may overshoot: held at 100
    bar.close()
    drawn = _ANSI.sub("", tty.getvalue())
    assert "auditing" in drawn and " 50%" in drawn and "100%" in drawn
