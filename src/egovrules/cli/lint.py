"""``egovrules lint [PACKS]`` and ``egovrules coverage PACK``: does a pack quote the law
faithfully, and does it cover every article (each cited by a rule or declaratory)."""

from __future__ import annotations

import argparse
from pathlib import Path

from egovrules.authoring.lint import coverage, lint_pack
from egovrules.cli.common import display_width
from egovrules.engine.exitcodes import ExitCode
from egovrules.engine.pack import load_pack
from egovrules.packdata.bundled import available_packs
from egovrules.source.errors import UsageError

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``lint`` and ``coverage`` to the command line."""
    lint = subparsers.add_parser(
        "lint",
        help="check that packs quote the law faithfully and cover every article",
        description="Check that every quote occurs in the regulation text (under the one "
        "documented normalization) inside the paragraph and item it cites, that a concept "
        "named in a rule's notes is in the vocabulary, and that every article is cited or "
        "declaratory; warn (L010) of a parameter whose first dated version comes after the "
        "pack's effective date, where the rules reading it have no value. Any finding, a "
        "warning too, makes the exit code 1.",
    )
    lint.add_argument("packs", nargs="*", help="pack ids or files (default: every bundled pack)")
    lint.add_argument(
        "--sources",
        type=Path,
        help="folder of regulation texts (default: for a pack file, the sources folder beside "
        "it when there is one, as rules/sources is beside the bundled packs; else the bundled "
        "rules/sources)",
    )
    lint.set_defaults(run=_run_lint)

    cov = subparsers.add_parser(
        "coverage",
        help="show which rules cite each article of a pack",
        description="Print, for every article of a pack, the rules citing it or the reason "
        "it is declaratory.",
    )
    cov.add_argument("pack", help="pack id or file")
    cov.set_defaults(run=_run_coverage)


def _run_lint(args: argparse.Namespace) -> ExitCode:
    if args.sources is not None and not args.sources.is_dir():
        # A folder that is not there is a mistake in the command, not a finding of the pack.
        raise UsageError(f"--sources {args.sources}: no such folder")
    findings = 0
    for name in args.packs or available_packs():
        pack = load_pack(name)
        diagnostics = lint_pack(pack, args.sources or _sources_beside(name))
        doc = pack.document
        for d in diagnostics:
            print(d.render(doc.text if doc else None))
        findings += len(diagnostics)
        quotes = sum(len(r.citations) for r in pack.rules)
        print(
            f"{pack.id}: {len(pack.ruleset.articles)} articles, {len(pack.rules)} rules, "
            f"{quotes} citations, {len(diagnostics)} finding(s)"
        )
    return ExitCode.VIOLATIONS if findings else ExitCode.OK


def _sources_beside(name: str) -> Path | None:
    """The ``sources`` folder beside a pack file (a bundled id has none: ``lint_pack`` reads
    the bundled texts)."""
    if name in available_packs():
        return None
    beside = Path(name).parent / "sources"
    return beside if beside.is_dir() else None


def _run_coverage(args: argparse.Namespace) -> ExitCode:
    pack = load_pack(args.pack)
    rows = coverage(pack)
    width = max(display_width(r.label) for r in rows) + 2
    print(f"{'art.':>4}  {'label':<{width}}rules, or why the article is declaratory")
    for row in rows:
        lines = list(row.rules) or [
            f"declaratory: {row.declaratory}" if row.declaratory else "NOT COVERED"
        ]
        pad = width - display_width(row.label) + len(row.label)
        print(f"{row.number:>4}  {row.label:<{pad}}{lines[0]}")
        for extra in lines[1:]:
            print(f"{'':>4}  {'':<{width}}{extra}")
    uncovered = sum(1 for r in rows if not r.rules and not r.declaratory)
    cited = sum(1 for r in rows if r.rules)
    print(
        f"{pack.id}: {len(rows)} articles, {cited} cited, {len(rows) - cited - uncovered} "
        f"declaratory, {uncovered} not covered"
    )
    return ExitCode.VIOLATIONS if uncovered else ExitCode.OK
