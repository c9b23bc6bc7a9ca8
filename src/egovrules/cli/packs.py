"""``egovrules packs``: the bundled rule packs, one a line (id, version, rules, city)."""

from __future__ import annotations

import argparse

from egovrules.engine.exitcodes import ExitCode
from egovrules.engine.pack import load_pack
from egovrules.packdata.bundled import available_packs

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``packs`` to the command line."""
    packs = subparsers.add_parser(
        "packs", help="list the bundled rule packs", description="List the bundled rule packs."
    )
    packs.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> ExitCode:
    for name in available_packs():
        pack = load_pack(name)
        print(f"{name}\t{pack.ruleset.version}\t{len(pack.rules)} rules\t{pack.ruleset.city}")
    return ExitCode.OK
