"""``egovrules explain FILE RULE``: the evaluation trace of a rule (or of every rule of a
concept) on one subject, each sub-condition with its values and article."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from egovrules.cli.common import add_holidays_option, calendar_of, iso_date
from egovrules.engine.exitcodes import ExitCode
from egovrules.engine.explaining import explain_rules, rules_named
from egovrules.engine.inputs import read_subjects
from egovrules.engine.pack import today_in_china
from egovrules.engine.run import pack_for
from egovrules.ir.explain import render_explanation
from egovrules.source.errors import UsageError
from egovrules.subjects import SUBJECT_KINDS

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``explain`` to the command line."""
    explain = subparsers.add_parser(
        "explain",
        help="show how a rule was evaluated on a subject",
        description="Print the evaluation trace of a rule (or every rule of a concept) on one "
        "subject: each sub-condition with the actual values, true or false, and the article.",
    )
    explain.add_argument("file", type=Path, help="subject file")
    explain.add_argument("rule", help="rule id or concept")
    explain.add_argument("--city", help="pack id or file (default: the subject's city)")
    explain.add_argument("--kind", choices=SUBJECT_KINDS)
    explain.add_argument("--as-of", type=iso_date)
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.add_argument("--weekday-fallback", action="store_true")
    add_holidays_option(explain)
    explain.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> ExitCode:
    subjects, errors = read_subjects(str(args.file), args.kind)
    if errors:
        raise errors[0]
    if len(subjects) != 1:
        raise UsageError(f"{args.file}: explain takes a file holding one subject")
    (loaded,) = subjects
    # As check does: the subject's city names a bundled pack, never a file (engine.run.pack_for).
    pack = pack_for(
        loaded,
        args.city,
        {},
        weekday_fallback=args.weekday_fallback,
        calendar=calendar_of(args),
    )
    as_of = args.as_of or today_in_china()
    for trace in explain_rules(rules_named(pack, args.rule), loaded.subject, as_of):
        if args.format == "json":
            sys.stdout.write(json.dumps(trace, ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stdout.write(render_explanation(trace))
    return ExitCode.OK
