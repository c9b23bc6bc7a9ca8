"""The exception tree of egovrules. Every error a user can cause is one of these.

::

    EgovrulesError                 base: anything egovrules reports to a user (exit code 2)
    ├── InputError                 one or more positioned diagnostics about a file
    │   ├── PackError              a rule pack that does not load, validate or compile
    │   ├── SubjectError           a subject file that does not load or validate
    │   ├── ConfigError            a project config (.egovrules.yaml, [tool.egovrules]) that
    │                              does not read or validate
    │   └── CalendarError          a holiday notice file refused (bad shape, dates outside
    │                              its year, contradicting the package's calendar)
    └── UsageError                 a bad command line or API argument (unknown pack id, ...)
    │   └── MissingExtraError      an optional part whose extra is not installed (also an
    │                              ImportError)
    └── InternalError              an unexpected exception: a bug in egovrules (exit code 3)

Errors carry structured ``Diagnostic`` records (code, message, span, hint), sorted by
position; ``str()`` renders them in the one format: ``file:line:col: error[CODE]: message``,
the source line with a caret, then the hint. No error message ever needs a traceback.
"""

from __future__ import annotations

import importlib
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Literal

from egovrules.source.span import Span, render_caret

__all__ = [
    "CalendarError",
    "ConfigError",
    "Diagnostic",
    "EgovrulesError",
    "InputError",
    "InternalError",
    "MissingExtraError",
    "PackError",
    "SubjectError",
    "UsageError",
    "require",
]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a file: a stable code, a message, where, and a hint.

    ``span`` is the file, line and column (``None`` for data that was not read from a file).
    ``path`` is where in the data, when known: the keys and indexes from the document's root
    to the value (the service reports it as a JSON path, where a file has its line). ``loc``
    is the field's path within the subject, keys and list indexes (``("filing", "date")``,
    ``()`` for the whole subject or when the problem is not about a field). ``key``: the
    problem is the key at ``path``, not its value (an unknown key, a key that may not be set),
    so a span found later from ``path`` is the key's. ``level``: ``warning`` for a finding
    that may be intended (a lint warning), else ``error``."""

    code: str
    message: str
    span: Span | None = None
    hint: str | None = None
    path: tuple[Hashable, ...] | None = None
    loc: tuple[str | int, ...] = ()
    key: bool = False
    level: Literal["error", "warning"] = "error"

    def render(self, text: str | None = None) -> str:
        """Render as ``file:line:col: error[CODE]: message`` (``warning[CODE]`` for a
        warning) plus caret and hint."""
        where = f"{self.span}: " if self.span else ""
        out = [f"{where}{self.level}[{self.code}]: {self.message}"]
        if self.span is not None:
            caret = render_caret(self.span, text)
            if caret:
                out.append(caret)
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)


class EgovrulesError(Exception):
    """Base of every error egovrules reports to a user."""


class UsageError(EgovrulesError):
    """A bad argument: an unknown pack id, subject kind or option."""


class MissingExtraError(UsageError, ImportError):
    """An optional part used without its extra installed: says which extra to install."""


def require(module: str, extra: str, what: str) -> Any:
    """``module`` imported, or ``MissingExtraError`` naming the extra that provides it
    (``what`` says which feature needed it)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{what} needs the '{extra}' extra: pip install 'egovrules[{extra}]'"
        ) from None


class InternalError(EgovrulesError):
    """An unexpected exception while judging ``where``: a bug in egovrules, never a verdict.
    Its one line names the exception and asks for a bug report."""

    def __init__(self, where: str, exc: BaseException) -> None:
        self.where = where
        self.exception = exc
        detail = " ".join(str(exc).split())[:200]
        super().__init__(
            f"{where}: internal error: {type(exc).__name__}"
            + (f": {detail}" if detail else "")
            + " (a bug in egovrules: please report it with this input)"
        )


class InputError(EgovrulesError):
    """A file that could not be used, with every diagnostic found in it."""

    def __init__(self, diagnostics: list[Diagnostic], text: str | None = None) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(sorted(diagnostics, key=_position_key))
        self.text = text
        self._rendered: str | None = None
        # Rendered when first read: a reader that keeps only the codes and paths (the HTTP
        # service) never pays for the carets, drawn from the whole text once per diagnostic.
        super().__init__()

    def __str__(self) -> str:
        if self._rendered is None:
            self._rendered = self.render()
        return self._rendered

    def render(self) -> str:
        """All diagnostics, in file order, each with its caret."""
        return "\n".join(d.render(self.text) for d in self.diagnostics)


class PackError(InputError):
    """A rule pack that does not load, validate or compile."""


class SubjectError(InputError):
    """A subject file that does not load or validate."""


class CalendarError(InputError):
    """A State Council holiday notice file that is refused (``egovrules.law.notice``)."""


class ConfigError(InputError):
    """A project config that does not read or validate."""


def _position_key(d: Diagnostic) -> tuple[str, int, int, str]:
    if d.span is None:
        return ("", 0, 0, d.code)
    return (d.span.file, d.span.line, d.span.col, d.code)
