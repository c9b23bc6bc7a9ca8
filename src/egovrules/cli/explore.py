"""``egovrules explore --out DIR``: the law explorer as a static site, the same pages
``egovrules serve`` answers at ``/`` (docs/explorer.md), readable from ``file://``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from egovrules.engine.exitcodes import ExitCode
from egovrules.engine.pack import load_bundled_pack
from egovrules.explorer import build, export
from egovrules.packdata.bundled import available_packs
from egovrules.source.errors import UsageError

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``explore`` to the command line."""
    p = subparsers.add_parser(
        "explore",
        help="write the law explorer as a static site (no server needed)",
        description="Write the law explorer for legal staff into DIR: the matrix of concepts "
        "× cities, a page per concept, city, article and rule, in Chinese and English, every "
        "citation linked to its article's paragraph. Open DIR/index.html in a browser; the "
        "pages are the ones `egovrules serve` answers at / (docs/explorer.md).",
    )
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder to write")
    p.add_argument("--force", action="store_true", help="write into DIR even if it is not empty")
    p.add_argument(
        "--packs",
        action="append",
        metavar="PACK",
        help="a bundled pack to show (repeatable; default: every bundled pack)",
    )
    p.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> ExitCode:
    ids = args.packs or available_packs()
    unknown = [p for p in ids if p not in available_packs()]
    if unknown:
        raise UsageError(
            f"--packs: no bundled pack {', '.join(map(repr, unknown))}; "
            f"available: {', '.join(available_packs())}"
        )
    site = build([load_bundled_pack(p) for p in dict.fromkeys(ids)])
    written = export(site, args.out, force=args.force)
    print(f"wrote {written} files to {args.out}; open {args.out / 'index.html'}", file=sys.stderr)
    return ExitCode.OK
