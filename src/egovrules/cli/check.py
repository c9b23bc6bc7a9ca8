"""``egovrules check FILES``: check subject files against rule packs and print the reports in
one of the formats of ``egovrules.report.render.RENDERERS``."""

from __future__ import annotations

import argparse
import sys

from egovrules.cli.common import add_holidays_option, calendar_of, default_language, iso_date
from egovrules.engine.exitcodes import ExitCode
from egovrules.engine.run import RunOptions, progress_bar, run_check
from egovrules.report.render import RENDERERS, render
from egovrules.subjects import SUBJECT_KINDS

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``check`` to the command line."""
    check = subparsers.add_parser(
        "check",
        help="check subject files against a city's rule pack",
        description="Check subject files (YAML or JSON) against a rule pack.",
    )
    check.add_argument(
        "files",
        nargs="+",
        help="subject files (YAML, JSON, JSON Lines), directories, glob patterns, or - for stdin",
    )
    check.add_argument(
        "--city", help="bundled pack id (or a pack file); default: the subject's city field"
    )
    check.add_argument(
        "--kind", choices=SUBJECT_KINDS, help="subject kind for files that have no 'kind' field"
    )
    check.add_argument(
        "--as-of",
        type=iso_date,
        help="evaluation date YYYY-MM-DD (default: today in Asia/Shanghai)",
    )
    check.add_argument("--format", choices=tuple(RENDERERS), default="text")
    check.add_argument(
        "--fail-on",
        choices=("error", "warning", "advisory", "never"),
        default="warning",
        help="lowest severity that makes the exit code 1 (default: warning)",
    )
    check.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="RULE",
        help="check only rules whose id or concept matches (glob; repeatable)",
    )
    check.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="RULE",
        help="leave out rules whose id or concept matches (glob; repeatable)",
    )
    check.add_argument(
        "--explain",
        action="store_true",
        help="add each finding's evaluation trace to the JSON output",
    )
    check.add_argument(
        "--weekday-fallback",
        action="store_true",
        help="count working days Monday to Friday in years the Chinese holiday calendar does "
        "not cover (default: such deadlines are reported undetermined)",
    )
    add_holidays_option(check)
    check.add_argument(
        "--lang",
        choices=("en", "zh"),
        default=default_language(),
        help="language of messages and quotes (default: zh when the locale is Chinese)",
    )
    check.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> ExitCode:
    options = RunOptions(
        city=args.city,
        kind=args.kind,
        as_of=args.as_of,
        weekday_fallback=args.weekday_fallback,
        calendar=calendar_of(args),
        only=tuple(args.only),
        skip=tuple(args.skip),
        fail_on=args.fail_on,
        explain=args.explain,
    )
    result = run_check(args.files, options, progress_bar())
    for error in result.errors:
        print(str(error), file=sys.stderr)
    rules = {r.id: r for pack in result.packs.values() for r in pack.rules}
    sys.stdout.write(render(args.format, result.checked, rules, args.lang))
    return result.exit_code(args.fail_on)
