"""The command line's layout: each command in a module of ``egovrules.cli``, registered in the
order ``--help`` lists them; the output formats read from the renderer tables of
``egovrules.report.render`` and ``egovrules.diffing.render``, which the library calls too."""

from __future__ import annotations

import argparse

import pytest

from egovrules.cli import main
from egovrules.cli.app import _parser
from egovrules.diffing.compare import diff, matrix
from egovrules.diffing.render import RENDERERS as DIFF_RENDERERS
from egovrules.diffing.render import render as render_diff
from egovrules.report.render import RENDERERS, render
from egovrules.source.errors import UsageError
from tests.conftest import ROOT

# command -> the module of egovrules.cli that holds it
COMMANDS = {
    "check": "check",
    "test": "test",
    "explain": "explain",
    "lint": "lint",
    "coverage": "lint",
    "docs": "docs",
    "schema": "schema",
    "packs": "packs",
    "diff": "diff",
    "matrix": "matrix",
    "audit": "audit",
    "watch": "watch",
    "analyze": "analyze",
    "serve": "serve",
    "completion": "completion",
}


def _commands() -> dict[str, argparse.ArgumentParser]:
    (sub,) = (a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _choices(parser: argparse.ArgumentParser, dest: str) -> tuple[str, ...]:
    (action,) = (a for a in parser._actions if a.dest == dest)
    assert action.choices is not None
    return tuple(action.choices)


def test_commands_in_help_order_each_in_its_module() -> None:
    """Every command is registered, in the order --help lists them, by its own module."""
    commands = _commands()
    assert list(commands) == list(COMMANDS)
    for name, module in COMMANDS.items():
        assert commands[name].get_default("run").__module__ == f"egovrules.cli.{module}", name


def test_format_choices_are_the_renderer_tables() -> None:
    """--format offers exactly the formats of the tables, in their order; diff and matrix add
    pdf, the HTML printed to a file (not a renderer of text)."""
    assert tuple(RENDERERS) == ("text", "json", "sarif", "junit", "github", "markdown", "gitlab")
    assert tuple(DIFF_RENDERERS) == ("text", "json", "markdown", "html", "csv")
    commands = _commands()
    assert _choices(commands["check"], "format") == tuple(RENDERERS)
    assert _choices(commands["diff"], "format") == (*DIFF_RENDERERS, "pdf")
    assert _choices(commands["matrix"], "format") == (*DIFF_RENDERERS, "pdf")


def test_unknown_format_is_a_usage_error_with_a_hint() -> None:
    """The library's render refuses a format no table has, naming the closest one."""
    with pytest.raises(UsageError, match=r"unknown output format 'jsn'; did you mean 'json'\?"):
        render("jsn", [], {})
    with pytest.raises(
        UsageError,
        match=r"^unknown output format 'pdf'; the formats: text, json, markdown, html, csv$",
    ):
        render_diff("pdf", matrix(["wuhan"]))


@pytest.mark.parametrize("fmt", list(DIFF_RENDERERS))
def test_diff_and_matrix_render_as_the_cli_prints(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``egovrules.diffing.render.render`` gives what diff and matrix print, for both (the
    HTML page of a diff with its pictures, as the command line draws them for a page)."""
    assert main(["diff", "shantou", "wuhan", "--no-witnesses", "--format", fmt]) == 1
    pair = diff("shantou", "wuhan", witnesses=False, pictures=fmt == "html")
    assert capsys.readouterr().out == render_diff(fmt, pair)
    assert main(["matrix", "wuhan", "shantou", "--format", fmt]) == 0
    assert capsys.readouterr().out == render_diff(fmt, matrix(["wuhan", "shantou"]))


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "wuhan.website.police_filng",
            "no rule or concept 'wuhan.website.police_filng' in pack wuhan; "
            "did you mean 'wuhan.website.police_filing_15_days'?",
        ),
        ("x", "no rule or concept 'x' in pack wuhan"),
    ],
)
def test_explain_names_the_closest_rule(
    rule: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """explain with an unknown rule exits 2, suggesting the closest rule id when one is close."""
    site = ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml"
    assert main(["explain", str(site), rule]) == 2
    assert capsys.readouterr().err == message + "\n"
