"""``egovrules docs``: write the generated pages (one per bundled pack, the concept table, the
subjects reference and the command-line reference), or with ``--check`` fail when one is not
current.

The command-line reference is generated from the whole parser, which ``app`` builds and hands
to every command as the default ``parser`` (this module cannot import ``app``, which imports
it)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from egovrules.authoring.pages import city_page, concepts_page, subjects_reference
from egovrules.cli.reference import cli_reference
from egovrules.engine.exitcodes import ExitCode
from egovrules.engine.pack import load_pack
from egovrules.packdata.bundled import available_packs
from egovrules.packdata.vocabulary import load_vocabulary

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``docs`` to the command line."""
    docs = subparsers.add_parser(
        "docs",
        help="generate the per-city pages, the concept table and the references",
        description="Write DIR/cities/<city>.md for every bundled pack, DIR/concepts.md, "
        "DIR/subjects-reference.md and DIR/cli.md (this reference); "
        "with --check, write nothing and fail if a page is not current.",
    )
    docs.add_argument("--out", type=Path, default=Path("docs"), help="folder (default: docs)")
    docs.add_argument("--check", action="store_true", help="only check the pages are current")
    docs.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> ExitCode:
    packs = [load_pack(name) for name in available_packs()]
    pages = {Path("cities") / f"{p.id}.md": city_page(p) for p in packs}
    pages[Path("concepts.md")] = concepts_page(packs, load_vocabulary())
    pages[Path("subjects-reference.md")] = subjects_reference()
    pages[Path("cli.md")] = cli_reference(args.parser)
    stale = 0
    for rel, text in sorted(pages.items()):
        path = args.out / rel
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale += 1
        if args.check:
            print(f"{path}: not current; run `egovrules docs`", file=sys.stderr)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    return ExitCode.VIOLATIONS if (stale and args.check) else ExitCode.OK
