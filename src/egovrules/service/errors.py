"""Errors as data: every refusal is an ``ErrorBody`` with a status, a code and positioned
diagnostics, never a traceback.

The codes of what the command line also reads are the command line's own (E0xx for a body that
is not a readable document, E300-E306 for a subject); the service adds E7xx for what only a
server meets (docs/serve.md lists them). A diagnostic's position is a JSON path into the body
(``$[2].network_access_date``), with the line and column of the body beside it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Sequence

from egovrules.service.models import ErrorBody, ErrorInfo, Problem
from egovrules.source.document import escape_surrogates
from egovrules.source.errors import Diagnostic, InputError

__all__ = [
    "BAD_PARAMETER",
    "BATCH_TOO_LARGE",
    "INTERNAL",
    "NOT_APPLICABLE",
    "NOT_READY",
    "NO_ROUTE",
    "TIMEOUT",
    "UNAUTHORIZED",
    "UNKNOWN_PACK",
    "UNKNOWN_PAGE",
    "UNKNOWN_RULE",
    "ServiceError",
    "error_body",
    "from_input_error",
    "json_path",
    "refused_at",
]

UNKNOWN_PACK = "E700"
BATCH_TOO_LARGE = "E701"
BAD_PARAMETER = "E702"
UNKNOWN_RULE = "E703"
UNAUTHORIZED = "E704"
NOT_READY = "E705"
TIMEOUT = "E706"
NO_ROUTE = "E707"
NOT_APPLICABLE = "E708"
UNKNOWN_PAGE = "E720"  # the law explorer (docs/explorer.md): no such page or source text
INTERNAL = "E799"

_BODY_TOO_LARGE = "E001"  # the reader's code for a file past its limit


class ServiceError(Exception):
    """A request refused: the HTTP status, the code and message, and the diagnostics."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        diagnostics: Sequence[Problem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.diagnostics = list(diagnostics)
        self.headers = headers or {}
        super().__init__(message)


def refused_at(status: int, code: str, message: str, location: str) -> ServiceError:
    """A request refused for one place in it: a parameter (``query.rule``, ``path.pack``) or
    the body (``$``), as the one diagnostic's ``location``."""
    return ServiceError(
        status, code, message, [Problem(code=code, message=message, location=location)]
    )


def error_body(error: ServiceError, request_id: str) -> ErrorBody:
    """The answer's body for ``error``."""
    return ErrorBody(
        error=ErrorInfo(code=error.code, message=error.message),
        diagnostics=error.diagnostics,
        request_id=request_id,
    )


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def json_path(path: Sequence[Hashable]) -> str:
    """``("items", 2, "date")`` as ``$.items[2].date``; odd keys quoted (``$["a b"]``)."""
    out = ["$"]
    for key in path:
        if isinstance(key, int) and not isinstance(key, bool):
            out.append(f"[{key}]")
        elif isinstance(key, str) and _NAME.fullmatch(key):
            out.append(f".{key}")
        else:
            quoted = json.dumps(str(key), ensure_ascii=False)
            out.append(f"[{escape_surrogates(quoted)}]")  # no text can hold a lone half
    return "".join(out)


def problem(d: Diagnostic) -> Problem:
    """A diagnostic of the reader or the validator as data."""
    return Problem(
        code=d.code,
        message=d.message,
        location=None if d.path is None else json_path(d.path),
        line=None if d.span is None else d.span.line,
        column=None if d.span is None else d.span.col,
        hint=d.hint,
    )


def from_input_error(errors: Sequence[InputError]) -> ServiceError:
    """The refusal of a body the reader or the validator rejected: 413 past the size limit,
    400 when it is not a readable document, 422 when it holds no valid subject."""
    diagnostics = [d for e in errors for d in e.diagnostics]
    first = diagnostics[0]
    if first.code == _BODY_TOO_LARGE:
        status = 413
    elif first.code < "E300":
        status = 400
    else:
        status = 422
    more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
    return ServiceError(status, first.code, first.message + more, [problem(d) for d in diagnostics])
