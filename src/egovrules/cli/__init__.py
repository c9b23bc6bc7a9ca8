"""The ``egovrules`` command: one module a command or group of commands, each with a
``register(subparsers)`` that ``app`` calls from an explicit tuple."""

from egovrules.cli.app import main

__all__ = ["main"]
