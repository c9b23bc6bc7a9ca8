"""``egovrules check FILES``: check subject files against rule packs and print the reports in
one of the formats of ``egovrules.report.render.RENDERERS`` (and write more of them to files,
``--output``), with the project config (``cli/config.py``) filling in what the command line
leaves out."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from egovrules.cli.common import (
    add_as_of,
    add_holidays_option,
    add_weekday_fallback,
    calendar_of,
    default_language,
)
from egovrules.cli.config import CONFIG_FILE, ProjectConfig, Settings, load_config
from egovrules.cli.terminal import colour_wanted, progress_bar, write_text
from egovrules.engine.baseline import apply_baseline, read_baseline
from egovrules.engine.exitcodes import ExitCode
from egovrules.engine.run import RunOptions, run_check
from egovrules.report.render import RENDERERS, render
from egovrules.source.errors import UsageError
from egovrules.source.suggest import did_you_mean
from egovrules.subjects import SUBJECT_KINDS

if TYPE_CHECKING:
    from egovrules.engine.waivers import SharedWaiver

__all__ = ["register"]

_FAIL_ON = ("error", "warning", "advisory", "never")


def output_spec(text: str) -> tuple[str, str]:
    """An argparse ``type``: ``FORMAT=FILE``."""
    fmt, sep, file = text.partition("=")
    if not sep or not file:
        raise argparse.ArgumentTypeError(f"not FORMAT=FILE: {text!r}")
    if fmt not in RENDERERS:
        known = did_you_mean(fmt, RENDERERS) or f"formats: {', '.join(RENDERERS)}"
        raise argparse.ArgumentTypeError(f"unknown format {fmt!r} in {text!r}; {known}")
    return fmt, file


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``check`` to the command line."""
    check = subparsers.add_parser(
        "check",
        help="check subject files against a city's rule pack",
        description="Check subject files (YAML or JSON) against a rule pack. Options left out "
        f"are read from the project config ({CONFIG_FILE} or [tool.egovrules] in "
        "pyproject.toml, in this folder or the nearest parent), then from the defaults.",
    )
    check.add_argument(
        "files",
        nargs="*",
        help="subject files (YAML, JSON, JSON Lines), directories, glob patterns, or - for "
        "stdin (default: the config's include)",
    )
    check.add_argument(
        "--city", help="bundled pack id (or a pack file); default: the subject's city field"
    )
    check.add_argument(
        "--kind", choices=SUBJECT_KINDS, help="subject kind for files that have no 'kind' field"
    )
    add_as_of(check)
    check.add_argument(
        "--format",
        choices=tuple(RENDERERS),
        help="format of the report on stdout (default: text)",
    )
    check.add_argument(
        "--output",
        action="append",
        default=[],
        type=output_spec,
        metavar="FORMAT=FILE",
        help="also write the report in FORMAT to FILE, e.g. sarif=egovrules.sarif (repeatable)",
    )
    check.add_argument(
        "--fail-on",
        choices=_FAIL_ON,
        help="lowest severity that makes the exit code 1 (default: warning)",
    )
    check.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="RULE",
        help="check only rules whose id or concept matches (glob; repeatable); a pattern "
        "that matches no rule of the packs used is an error",
    )
    check.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="RULE",
        help="leave out rules whose id or concept matches (glob; repeatable)",
    )
    check.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out files whose path, or a trailing part of it, matches (repeatable; "
        "added to the config's exclude)",
    )
    check.add_argument(
        "--skip-without-kind",
        action="store_true",
        help="skip YAML/JSON files that have no subject 'kind' even when named one by one (as "
        "a pre-commit hook names them); files found in a directory or by a glob always are",
    )
    check.add_argument(
        "--waivers",
        type=Path,
        metavar="FILE",
        help="a waivers file: waivers for the subjects whose id (or id pattern) each names, "
        "as if written in their files",
    )
    check.add_argument(
        "--no-inline-waivers",
        action="store_true",
        help="ignore the waivers written in the subject files (only the waivers file's hold: "
        "a checked file cannot waive its own violations)",
    )
    check.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only violations that this earlier JSON report does not have (matched by "
        "subject id, rule id and the facts that decide them, not by line)",
    )
    check.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="write this run's JSON report to FILE, every violation in it, to serve as "
        "--baseline later",
    )
    check.add_argument(
        "--quiet",
        action="store_true",
        help="text on stdout lists only the subjects with violations, and only their "
        "violations, then the summary line of the whole run",
    )
    check.add_argument(
        "--explain",
        action="store_true",
        help="add each finding's evaluation trace to the JSON output",
    )
    add_weekday_fallback(check)
    add_holidays_option(check)
    check.add_argument(
        "--lang",
        choices=("en", "zh"),
        help="language of messages and quotes (default: zh when the locale is Chinese)",
    )
    check.add_argument(
        "--no-color",
        action="store_true",
        help="no colour in the text report (default: colour when stdout is a terminal and "
        "NO_COLOR is not set)",
    )
    config = check.add_mutually_exclusive_group()
    config.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help=f"the project config to read (default: the nearest {CONFIG_FILE} or pyproject.toml "
        "with [tool.egovrules])",
    )
    config.add_argument("--no-config", action="store_true", help="read no project config")
    check.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> ExitCode:
    project = None if args.no_config else load_config(args.config)
    # No config: every key at its default, without building the model's schema to say so.
    s = project.settings if project is not None else Settings.model_construct()
    files = args.files or _included(project)
    fail_on = args.fail_on or s.fail_on or "warning"
    language = args.lang or s.lang or default_language()
    outputs = {fmt: project.path(file) for fmt, file in s.output.items()} if project else {}
    outputs.update(args.output)
    stdout = args.format or s.format or "text"
    baseline = args.baseline or (project.path(s.baseline) if project and s.baseline else None)
    known = read_baseline(Path(baseline)) if baseline else None
    waivers = args.waivers or (project.path(s.waivers) if project and s.waivers else None)
    options = RunOptions(
        city=args.city or s.city,
        kind=args.kind or s.kind,
        as_of=args.as_of or s.as_of,
        weekday_fallback=args.weekday_fallback or bool(s.weekday_fallback),
        calendar=calendar_of(args),
        only=tuple(args.only) or s.only,
        skip=tuple(args.skip) or s.skip,
        fail_on=fail_on,
        explain=args.explain,
        exclude=(*s.exclude, *args.exclude),
        skip_without_kind=args.skip_without_kind,
        fingerprints=bool(baseline or args.write_baseline),
        waivers=_waivers(Path(waivers)) if waivers else (),
        inline_waivers=not (args.no_inline_waivers or s.inline_waivers is False),
    )
    bar = progress_bar()
    result = run_check(files, options, bar.files if bar else None, bar.rows if bar else None)
    for error in result.errors:
        print(str(error), file=sys.stderr)
    rules = {r.id: r for pack in result.packs.values() for r in pack.rules}
    failures = result.failures
    if args.write_baseline:
        _write(args.write_baseline, render("json", result.checked, rules, language, failures))
    if known is not None:
        result.checked = apply_baseline(result.checked, known)
    for fmt, file in outputs.items():
        _write(Path(file), render(fmt, result.checked, rules, language, failures))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary and "github" in (stdout, *outputs):
        # The job's summary page: the Markdown report, appended as GitHub asks.
        try:
            with open(summary, "a", encoding="utf-8") as page:
                page.write(render("markdown", result.checked, rules, language, failures))
        except OSError as exc:
            raise UsageError(f"GITHUB_STEP_SUMMARY={summary}: cannot write: {exc}") from None
    if stdout == "text":
        from egovrules.report.render.text import render_text  # noqa: PLC0415 - text only

        text = render_text(
            result.checked, language, failures, quiet=args.quiet, skipped=len(result.skipped)
        )
        write_text(text, colour_wanted(args.no_color))
    else:
        sys.stdout.write(render(stdout, result.checked, rules, language, failures))
    return result.exit_code(fail_on)


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the report: {exc.strerror or exc}") from None


def _included(project: ProjectConfig | None) -> list[str]:
    if project is None or not project.settings.include:
        raise UsageError(
            "no input: name files, directories or glob patterns, or list them under "
            f"'include' in the project config ({CONFIG_FILE} or [tool.egovrules])"
        )
    return [project.path(p) for p in project.settings.include]


def _waivers(path: Path) -> tuple[SharedWaiver, ...]:
    """The waivers file's entries; its reader (and model) imported only when one is named."""
    from egovrules.engine.waivers import read_waivers  # noqa: PLC0415

    return read_waivers(path)
