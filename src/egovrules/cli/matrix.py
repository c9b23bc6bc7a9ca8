"""``egovrules matrix``: every concept × every pack (default: the bundled packs), each cell the
pack's parameters and articles, coloured absent / present / stricter / looser in HTML."""

from __future__ import annotations

import argparse

from egovrules.cli.diff import add_output_options, check_output, rendered, write_output
from egovrules.diffing.compare import matrix
from egovrules.engine.exitcodes import ExitCode

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``matrix`` to the command line."""
    p = subparsers.add_parser(
        "matrix",
        help="compare all packs at once: concepts × cities",
        description="Show how each pack handles each concept: a grid of concepts × packs, each "
        "cell the pack's parameters and the articles it cites, marked absent, present, "
        "stricter or looser (proved from the compiled conditions).",
    )
    p.add_argument(
        "packs",
        nargs="*",
        help="pack ids, files or ID@REVISION (default: every bundled pack)",
    )
    add_output_options(p)
    p.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> ExitCode:
    check_output(args)
    result = matrix(args.packs or None, kind=args.kind, concepts=args.concept)
    write_output(rendered(args.format, result), args.out)
    return ExitCode.OK
