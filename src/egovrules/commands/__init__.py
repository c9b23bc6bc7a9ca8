"""Subcommands that live in their own modules. Each module named in ``COMMANDS`` defines
``register(subparsers) -> None``, which adds its parser and sets ``run`` to a function taking
the parsed arguments and returning an ``ExitCode``. ``egovrules.cli`` registers them all."""

from __future__ import annotations

__all__ = ["COMMANDS"]

COMMANDS: tuple[str, ...] = ("diff", "matrix", "audit", "watch")
