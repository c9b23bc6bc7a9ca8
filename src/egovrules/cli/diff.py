"""``egovrules diff A B``: two rule packs compared concept by concept, with witnesses.

A and B are bundled pack ids, pack files, or either at a git revision (``wuhan@HEAD~1``).
Exit status: 0 when no concept differs, 1 when some do (as diff(1)), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from egovrules.diffing.compare import diff
from egovrules.diffing.model import Matrix, PackDiff
from egovrules.diffing.render import RENDERERS, render
from egovrules.diffing.render.pdf import print_pdf
from egovrules.diffing.witness import DEFAULT_MAX_CANDIDATES
from egovrules.engine.exitcodes import ExitCode
from egovrules.source.errors import UsageError
from egovrules.subjects import SUBJECT_KINDS

__all__ = ["add_output_options", "check_output", "register", "rendered", "write_output"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``diff`` to the command line."""
    p = subparsers.add_parser(
        "diff",
        help="compare two rule packs concept by concept, with witnesses",
        description="Compare two rule packs by legal concept: which concepts each has, how the "
        "shared ones differ (parameters, deadlines, approvers, severity, conditions, each with "
        "its article), which is stricter where that is provable, and a witness subject one "
        "pack rejects and the other accepts. Exit 0 when nothing differs, 1 when something "
        "does, 2 for a usage error.",
    )
    p.add_argument("a", help="pack A: a bundled id (wuhan), a pack file, or either @REVISION")
    p.add_argument("b", help="pack B, named the same way (e.g. wuhan@HEAD~1)")
    add_output_options(p)
    p.add_argument(
        "--no-witnesses", action="store_true", help="skip the search for witness subjects"
    )
    p.add_argument(
        "--max-candidates",
        type=int,
        default=DEFAULT_MAX_CANDIDATES,
        metavar="N",
        help=f"candidate subjects tried per concept (default {DEFAULT_MAX_CANDIDATES})",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the search order (default 0)")
    p.set_defaults(run=_run)


def add_output_options(p: argparse.ArgumentParser) -> None:
    """``--format``, ``--out``, ``--kind`` and ``--concept``, shared with ``matrix``."""
    p.add_argument(
        "--format",
        choices=(*RENDERERS, "pdf"),
        default="text",
        help="text for a terminal, json for a program, markdown or html for people, csv for a "
        "spreadsheet, pdf to file (the HTML printed by headless Chromium; needs --out) "
        "(default: text)",
    )
    p.add_argument(
        "--out",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to FILE, not standard output (`--output FILE` is the same option)",
    )
    p.add_argument("--kind", choices=SUBJECT_KINDS, help="only rules on this subject kind")
    p.add_argument(
        "--concept",
        action="append",
        metavar="C",
        help="only concepts matching C: an id, a prefix (website) or a pattern (website.*); "
        "repeatable",
    )


def write_output(text: str | bytes, out: Path | None) -> None:
    """Print ``text``, or write it to ``out`` (text as UTF-8) and say so on standard error."""
    if out is None:
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        return
    try:
        if isinstance(text, bytes):
            out.write_bytes(text)
        else:
            out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {out}", file=sys.stderr)


def check_output(args: argparse.Namespace) -> None:
    """A PDF goes to a file: ``--format pdf`` without ``--out`` is a usage error, said before
    any work is done."""
    if args.format == "pdf" and args.out is None:
        raise UsageError("--format pdf writes a file: give --out FILE (or --output FILE)")


def rendered(fmt: str, result: PackDiff | Matrix) -> str | bytes:
    """``result`` in ``fmt``: a format of ``RENDERERS``, or ``pdf`` (the HTML printed)."""
    if fmt == "pdf":
        return print_pdf(render("html", result))
    return render(fmt, result)


def _run(args: argparse.Namespace) -> ExitCode:
    if args.max_candidates < 0:
        raise UsageError("--max-candidates must be 0 or more")
    check_output(args)
    result = diff(
        args.a,
        args.b,
        witnesses=not args.no_witnesses,
        max_candidates=args.max_candidates,
        seed=args.seed,
        kind=args.kind,
        concepts=args.concept,
        pictures=args.format in ("html", "pdf"),
    )
    write_output(rendered(args.format, result), args.out)
    return ExitCode.VIOLATIONS if any(c.differs for c in result.concepts) else ExitCode.OK
