"""The command line: parse arguments, call the API, pick a renderer, return an ``ExitCode``.

Thin on purpose: everything it does is available from the Python API. Each command lives in a
module of its own (a few related ones share one) with a ``register(subparsers)`` that adds its
parser and sets ``run``; ``_parser`` calls them from one explicit tuple, in the order ``--help``
lists the commands.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from egovrules._version import __version__
from egovrules.cli import (
    analyze,
    audit,
    check,
    diff,
    docs,
    explain,
    lint,
    matrix,
    packs,
    schema,
    test,
    watch,
)
from egovrules.engine.exitcodes import ExitCode
from egovrules.source.errors import EgovrulesError, InternalError

__all__ = ["ExitCode", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: ExitCode = args.run(args)
    except EgovrulesError as exc:
        print(str(exc), file=sys.stderr)
        return ExitCode.ERROR
    except BrokenPipeError:  # e.g. `egovrules check ... | head`
        return ExitCode.OK
    except Exception as exc:  # a bug: one line, and a code that is never "violations found"
        print(InternalError(f"egovrules {args.command}", exc), file=sys.stderr)
        return ExitCode.INTERNAL
    return int(code)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="egovrules",
        description="Check e-government projects, websites, network requests and departments "
        "against Chinese municipal regulations, with citations.",
        epilog="exit codes: 0 compliant, 1 violations found (or a pack test failed), "
        "2 usage or input error, 3 internal error (a bug: please report it)",
    )
    p.add_argument("--version", action="version", version=f"egovrules {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in (
        check.register,
        test.register,
        explain.register,
        lint.register,  # lint and coverage
        docs.register,
        schema.register,
        packs.register,
        diff.register,
        matrix.register,
        audit.register,
        watch.register,
        analyze.register,
    ):
        register(sub)
    p.set_defaults(parser=p)  # what `egovrules docs` writes the reference of (docs/cli.md)
    return p


if __name__ == "__main__":
    raise SystemExit(main())
