"""The command line: parse arguments, call the API, pick a renderer, return an ``ExitCode``.

Thin on purpose: everything it does is available from the Python API. Each command lives in a
module of its own (a few related ones share one) with a ``register(subparsers)`` that adds its
parser and sets ``run``; ``_parser`` calls them from one explicit tuple, in the order ``--help``
lists the commands.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO, cast

from egovrules._version import __version__
from egovrules.cli.stdout import CutStdout
from egovrules.engine.exitcodes import ExitCode
from egovrules.source.errors import EgovrulesError, InternalError, UsageError

__all__ = ["ExitCode", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    # A command's own module is all a run of it imports (``egovrules check`` imports no diff,
    # audit or watch code); --help, an unknown command, `docs` and `completion` (which
    # describe the whole command line) build every command.
    file = _file_named_like_an_option(arguments)
    if file is not None:
        print(
            UsageError(
                f"{file!r} names a file here and reads as an option: a file's name is never "
                f"taken for an option (name the file as {'./' + file!r}, or after --)"
            ),
            file=sys.stderr,
        )
        return ExitCode.ERROR
    named = arguments[0] if arguments else None
    parser = _parser(named if named in _COMMANDS and named not in _WHOLE else None)
    args = parser.parse_args(arguments)
    # A reader may close standard output early (`egovrules check ... | head`): what is written
    # after is dropped and the command runs to its end, so that its exit code is its verdict.
    stdout = sys.stdout
    sys.stdout = cast(TextIO, CutStdout(stdout))
    try:
        _check_environment()
        code: ExitCode = args.run(args)
    except EgovrulesError as exc:
        print(str(exc), file=sys.stderr)
        return ExitCode.ERROR
    except Exception as exc:  # a bug: one line, and a code that is never "violations found"
        print(InternalError(f"egovrules {args.command}", exc), file=sys.stderr)
        return ExitCode.INTERNAL
    finally:
        sys.stdout.flush()
        sys.stdout = stdout
    return int(code)


def _file_named_like_an_option(arguments: Sequence[str]) -> str | None:
    """The first argument before ``--`` that reads as an option (``--config=x.yaml``) and
    names a file or folder that exists. pre-commit names the changed files after the hook's
    own arguments, with no ``--`` before them, and a shell expands a pattern into such names:
    a file that a change under review adds could otherwise choose the config, the pack or the
    waivers file it is judged by. An option is never also a file: such an argument is refused."""
    for argument in arguments:
        if argument == "--":
            return None
        if argument.startswith("-") and argument != "-" and os.path.lexists(argument):
            return argument
    return None


def _check_environment() -> None:
    """A bad setting of the environment is a usage error before any work is done, not a
    failure in the middle of a check."""
    if os.environ.get("EGOVRULES_CALENDAR_UNTIL", "").strip():
        from egovrules.law.calendar import covered_years  # noqa: PLC0415

        covered_years()


Register = Callable[[Any], None]


# Each command's module, imported only when the command is run or listed.
def _check() -> Register:
    from egovrules.cli import check  # noqa: PLC0415

    return check.register


def _test() -> Register:
    from egovrules.cli import test  # noqa: PLC0415

    return test.register


def _explain() -> Register:
    from egovrules.cli import explain  # noqa: PLC0415

    return explain.register


def _lint() -> Register:  # lint and coverage
    from egovrules.cli import lint  # noqa: PLC0415

    return lint.register


def _docs() -> Register:
    from egovrules.cli import docs  # noqa: PLC0415

    return docs.register


def _schema() -> Register:
    from egovrules.cli import schema  # noqa: PLC0415

    return schema.register


def _packs() -> Register:
    from egovrules.cli import packs  # noqa: PLC0415

    return packs.register


def _diff() -> Register:
    from egovrules.cli import diff  # noqa: PLC0415

    return diff.register


def _matrix() -> Register:
    from egovrules.cli import matrix  # noqa: PLC0415

    return matrix.register


def _explore() -> Register:
    from egovrules.cli import explore  # noqa: PLC0415

    return explore.register


def _audit() -> Register:
    from egovrules.cli import audit  # noqa: PLC0415

    return audit.register


def _watch() -> Register:
    from egovrules.cli import watch  # noqa: PLC0415

    return watch.register


def _analyze() -> Register:
    from egovrules.cli import analyze  # noqa: PLC0415

    return analyze.register


def _serve() -> Register:
    from egovrules.cli import serve  # noqa: PLC0415

    return serve.register


def _completion() -> Register:
    from egovrules.cli import completion  # noqa: PLC0415

    return completion.register


# Every command, in the order --help lists them, by the module that registers it.
_COMMANDS: dict[str, Callable[[], Register]] = {
    "check": _check,
    "test": _test,
    "explain": _explain,
    "lint": _lint,
    "coverage": _lint,
    "docs": _docs,
    "schema": _schema,
    "packs": _packs,
    "diff": _diff,
    "matrix": _matrix,
    "explore": _explore,
    "audit": _audit,
    "watch": _watch,
    "analyze": _analyze,
    "serve": _serve,
    "completion": _completion,
}
_WHOLE = frozenset({"docs", "completion"})  # the commands that need every command's parser


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: of every command, or of ``command`` alone."""
    p = argparse.ArgumentParser(
        prog="egovrules",
        description="Check e-government projects, websites, network requests and departments "
        "against Chinese municipal regulations, with citations.",
        epilog="exit codes: 0 compliant, 1 violations found (or a pack test failed), "
        "2 usage or input error, 3 internal error (a bug: please report it)",
    )
    p.add_argument("--version", action="version", version=f"egovrules {__version__}")
    sub = p.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help="the command to run"
    )
    loaders = [_COMMANDS[command]] if command is not None else list(_COMMANDS.values())
    for loader in dict.fromkeys(loaders):
        loader()(sub)
    p.set_defaults(parser=p)  # what `egovrules docs` writes the reference of (docs/cli.md)
    return p


if __name__ == "__main__":
    raise SystemExit(main())
