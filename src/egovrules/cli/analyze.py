"""``egovrules analyze [PACK...]``: dead, contradictory, redundant and unused parts of packs,
each proved (docs/analyze.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from egovrules.analysis import LEVELS, analyze_packs
from egovrules.analysis.render import RENDERERS
from egovrules.cli.common import positive_int
from egovrules.engine.exitcodes import ExitCode
from egovrules.engine.pack import load_pack
from egovrules.engine.waivers import read_waivers
from egovrules.packdata.bundled import available_packs

__all__ = ["register"]

_RANK = {"note": 0, "warning": 1, "error": 2}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``analyze`` to the command line."""
    p = subparsers.add_parser(
        "analyze",
        help="prove packs free of dead, contradictory, redundant and unused rules",
        description="Look in each pack for rules that can never apply or never be met, pairs "
        "of rules that contradict or make one another redundant, duplicated rules, and "
        "parameters, articles and concepts never used. Every impossibility is proved by z3 "
        "(the 'analyze' extra); every possibility comes with a witness subject run through "
        "the Python backend; what the solver cannot decide is reported as not proved.",
    )
    p.add_argument("packs", nargs="*", help="pack ids or files (default: every bundled pack)")
    p.add_argument("--format", choices=tuple(RENDERERS), default="text", help="output format")
    p.add_argument(
        "--fail-on",
        choices=("error", "warning", "note", "never"),
        default="warning",
        help="lowest finding level that makes the exit code 1 (default: warning)",
    )
    p.add_argument(
        "--timeout-ms",
        type=positive_int,
        default=None,
        metavar="MS",
        help="the solver's limit per query (default: 5000); a query past it is not proved",
    )
    p.add_argument(
        "--waivers",
        type=Path,
        metavar="FILE",
        help="a waivers file: also report the rules one of its entries waives for every subject",
    )
    p.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> ExitCode:
    names = list(args.packs) or list(available_packs())
    packs = [load_pack(n) for n in names]
    waivers = read_waivers(args.waivers) if args.waivers is not None else ()
    analyses = analyze_packs(
        packs, all_bundled=not args.packs, timeout_ms=args.timeout_ms, waivers=waivers
    )
    print(RENDERERS[args.format](analyses), end="")
    if args.fail_on == "never":
        return ExitCode.OK
    floor = _RANK[args.fail_on]
    hit = any(_RANK[LEVELS[f.kind]] >= floor for a in analyses for f in a.findings)
    return ExitCode.VIOLATIONS if hit else ExitCode.OK
