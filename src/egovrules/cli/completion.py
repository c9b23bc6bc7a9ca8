"""``egovrules completion SHELL``: a completion script for bash, zsh or tcsh, generated from
the command line itself by ``shtab`` (so it never lags behind an option)."""

from __future__ import annotations

import argparse
import sys

from egovrules.engine.exitcodes import ExitCode

__all__ = ["SHELLS", "register"]

SHELLS = ("bash", "zsh", "tcsh")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``completion`` to the command line."""
    p = subparsers.add_parser(
        "completion",
        help="print a shell completion script",
        description="Print a completion script for the shell: commands, options and their "
        "choices complete with Tab. bash: egovrules completion bash > "
        "~/.local/share/bash-completion/completions/egovrules; zsh: egovrules completion zsh "
        '> "${fpath[1]}/_egovrules"; tcsh: eval `egovrules completion tcsh`.',
    )
    p.add_argument("shell", choices=SHELLS, help="the shell the script is for")
    p.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> ExitCode:
    import shtab  # noqa: PLC0415 - imported by this command alone

    sys.stdout.write(shtab.complete(args.parser, shell=args.shell))
    return ExitCode.OK
