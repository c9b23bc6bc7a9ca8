"""docs/cli.md, the command-line reference generated from the parsers: complete (every
subcommand, every option), stable (the same bytes whatever the terminal), and current."""

from __future__ import annotations

import argparse
import re

import pytest

from egovrules.cli.app import _parser
from egovrules.cli.reference import cli_reference
from tests.conftest import ROOT


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_checked_in_page_is_what_the_cli_generates() -> None:
    """docs/cli.md is the reference of the CLI as it is (regenerate with `egovrules docs`)."""
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == cli_reference(_parser())


def test_every_subcommand_and_option_is_documented() -> None:
    """Each subcommand, those of egovrules.cli included, has a section listing each of its
    options and positionals."""
    parser = _parser()
    page = cli_reference(parser)
    subs = _subparsers(parser)
    every = {"check", "test", "explain", "lint", "coverage", "docs", "schema", "packs"}
    assert every | {"diff", "matrix", "audit", "watch"} <= set(subs)
    for name, sub in subs.items():
        heading = f"## `egovrules {name}`\n"
        assert heading in page, name
        section = page.split(heading, 1)[1].split("\n## ", 1)[0]
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            for flag in action.option_strings:
                assert f"`{flag}" in section, (name, flag)
            if not action.option_strings:
                assert (action.metavar or action.dest).upper() in section.upper(), (name, action)


def test_page_does_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same bytes at any terminal width (argparse's own help would wrap differently)."""
    monkeypatch.setenv("COLUMNS", "40")
    narrow = cli_reference(_parser())
    monkeypatch.setenv("COLUMNS", "250")
    assert cli_reference(_parser()) == narrow


def test_usage_lines_fit_the_width() -> None:
    """Usage synopses are wrapped at 88 columns, continuation lines under the first argument."""
    page = cli_reference(_parser())
    usages = re.findall(r"```text\n(.*?)```", page, re.S)
    assert usages
    for usage in usages:
        for line in usage.splitlines():
            assert len(line) <= 88 or " " not in line.strip(), line


def test_spelling_of_arguments() -> None:
    """Options, choices, repeatable and required options, defaults and nested subcommands are
    written as a reader types them."""
    p = argparse.ArgumentParser(prog="tool", description="A tool")
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND")
    run = sub.add_parser("run", help="run it")
    run.add_argument("target", help="what to run")
    run.add_argument("level", choices=("low", "high"))
    run.add_argument("--mode", choices=("fast", "slow"), default="fast")
    run.add_argument("--tag", action="append", default=[], metavar="T", help="a tag")
    run.add_argument("--out", required=True, help="where (default %(default)s)")
    run.add_argument("--hidden", help=argparse.SUPPRESS)
    nested = run.add_subparsers(dest="step", metavar="STEP")
    nested.add_parser("first", help="the first step", description="Do the first step")
    page = cli_reference(p)

    assert "# Command line\n\n`tool`" in page
    assert "| [`run`](#tool-run) | run it |" in page
    assert "tool run [--mode {fast,slow}] [--tag T]... --out OUT TARGET LEVEL STEP ...\n" in page
    assert "| `TARGET` | what to run |" in page
    assert "| `LEVEL` | one of: low, high |" in page
    assert "| `--mode {fast,slow}` | default: fast |" in page
    assert "| `--tag T` | a tag (repeatable) |" in page
    assert "| `--out OUT` | where (default None) (required) |" in page
    assert "--hidden" not in page
    # argparse names a nested command after the positionals before it.
    assert "| [`first`](#tool-run-target-lowhigh-first) | the first step |" in page
    assert "## `tool run target {low,high} first`\n\nDo the first step.\n" in page
