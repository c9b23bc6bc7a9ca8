"""The line of a file that holds the row a refusal names.

The audit's SQL names a refused row by its subject id (``layout.ROW_NOTE``): the engines read
CSV and JSON Lines without line numbers. Only when the audit stops is the file read again, here,
to find that row's line; an empty record (``{}``) is said to be one.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from egovrules.backends.sql.layout import ROW_NOTE
from egovrules.source.errors import Diagnostic, InputError
from egovrules.source.span import Span

__all__ = ["empty_records", "located"]

_NAMED = re.compile(re.escape(ROW_NOTE) + r"(?:'(?P<id>.*)'|none)\)")


def located(error: InputError, path: Path, fmt: str) -> InputError:
    """``error``, its diagnostics that name a row of the CSV or JSON Lines file ``path``
    placed at that row's line."""
    if fmt not in ("csv", "jsonl"):
        return error
    diagnostics = []
    for diagnostic in error.diagnostics:
        found = _NAMED.search(diagnostic.message)
        line = None if found is None else _line_of(path, fmt, found.group("id"))
        if line is None:
            diagnostics.append(diagnostic)
            continue
        number, record = line
        code, message = diagnostic.code, diagnostic.message
        if record == {}:
            code, message = "E602", "an empty record ({}): the required field 'id' is missing"
        diagnostics.append(Diagnostic(code, message, Span(str(path), number, 1), diagnostic.hint))
    return InputError(diagnostics)


def empty_records(path: Path) -> InputError:
    """The refusal of a JSON Lines file none of whose records has a field."""
    line = _line_of(path, "jsonl", None)
    span = Span(str(path), line[0], 1) if line else None
    message = "an empty record ({}): the required field 'id' is missing"
    return InputError([Diagnostic("E602", message, span)])


def _line_of(path: Path, fmt: str, subject: str | None) -> tuple[int, Any] | None:
    """The first line (and its record) whose subject id is ``subject`` (``None``: none)."""
    for number, record in _records(path, fmt):
        value = record.get("id") if isinstance(record, dict) else None
        if (None if value in (None, "") else str(value)) == subject:
            return number, record
    return None


def _records(path: Path, fmt: str) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        if fmt == "csv":
            reader = csv.DictReader(f)
            start = 2
            for row in reader:
                yield start, row
                start = reader.line_num + 1
            return
        for number, text in enumerate(f, start=1):
            if text.strip():
                try:
                    yield number, json.loads(text)
                except ValueError:
                    continue
