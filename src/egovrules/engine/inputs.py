"""Finding and reading subject files: paths, directories, globs and standard input; YAML,
JSON and JSON Lines (one subject per line); one subject per mapping, or a list of them.

Reading never stops at a bad file: every problem becomes a positioned ``SubjectError`` in the
result and the other files are still read. Nothing read is ever written to.
"""

from __future__ import annotations

import dataclasses
import glob
import sys
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from egovrules.source.document import (
    MAX_BYTES,
    MAX_LINES_BYTES,
    Document,
    DocumentError,
    parse_document,
    read_bounded,
    validation_diagnostics,
)
from egovrules.source.errors import Diagnostic, SubjectError, UsageError
from egovrules.source.span import Span
from egovrules.subjects import SUBJECT_KINDS, SubjectBase, parse_subject

__all__ = [
    "SUFFIXES",
    "LoadedSubject",
    "expand_inputs",
    "iter_subjects",
    "read_subjects",
    "subjects_in",
]

SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")
STDIN = "-"


@dataclass(frozen=True)
class LoadedSubject:
    """A validated subject, the document it came from, and where in it it stands."""

    subject: SubjectBase
    document: Document
    path: tuple[Hashable, ...]
    whole_file: bool = True

    @property
    def source(self) -> str:
        """The file name, with the line for a subject that is not the whole file."""
        if self.whole_file and not self.path:
            return self.document.file
        return f"{self.document.file}:{self.document.span(self.path).line}"

    def span_of(self, field: tuple[str, ...]) -> Span:
        """Where a field of the subject stands (or its nearest present ancestor)."""
        return self.document.span((*self.path, *field), key=True)


def expand_inputs(arguments: Sequence[str]) -> list[str]:
    """Files named by the arguments: files as given, directories searched recursively for
    subject files, glob patterns expanded, ``-`` for standard input. Sorted per argument."""
    out: list[str] = []
    for arg in arguments:
        if arg == STDIN:
            out.append(STDIN)
        elif Path(arg).is_dir():
            found = sorted(
                str(p) for p in Path(arg).rglob("*") if p.suffix in SUFFIXES and p.is_file()
            )
            out.extend(found)
        elif any(ch in arg for ch in "*?[") and not Path(arg).exists():
            # A file whose name has [, * or ? (report[2024].yaml) is that file, not a pattern.
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                raise UsageError(f"{arg}: no file matches this pattern")
            out.extend(matches)
        else:
            out.append(arg)
    return list(dict.fromkeys(out))


def read_subjects(
    name: str, kind: str | None = None
) -> tuple[list[LoadedSubject], list[SubjectError]]:
    """Every subject in one input, and an error for each part that could not be read."""
    display = "<stdin>" if name == STDIN else name
    limit = MAX_LINES_BYTES if name.endswith(".jsonl") or name == STDIN else MAX_BYTES
    try:
        raw = read_bounded(sys.stdin.buffer if name == STDIN else Path(name), display, limit)
    except DocumentError as exc:
        return [], [SubjectError(exc.diagnostics, exc.text)]
    if name.endswith(".jsonl") or (name == STDIN and _looks_like_json_lines(raw)):
        return _read_lines(raw, display, kind)
    return subjects_in(raw, display, kind)


def subjects_in(
    raw: bytes, display: str, kind: str | None = None
) -> tuple[list[LoadedSubject], list[SubjectError]]:
    """Every subject in one YAML or JSON document already read (a file's bytes, a request's
    body): a mapping, or a list of them; an error for each part that is not a subject."""
    try:
        doc = parse_document(raw, display)
    except DocumentError as exc:
        return [], [SubjectError(exc.diagnostics, exc.text)]
    if isinstance(doc.data, list):
        return _collect(doc, [((i,), item) for i, item in enumerate(doc.data)], kind)
    return _collect(doc, [((), doc.data)], kind)


def _looks_like_json_lines(raw: bytes) -> bool:
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    return len(lines) > 1 and all(line.startswith(b"{") for line in lines)


def _read_lines(
    raw: bytes, display: str, kind: str | None
) -> tuple[list[LoadedSubject], list[SubjectError]]:
    subjects: list[LoadedSubject] = []
    errors: list[SubjectError] = []
    text = raw.decode("utf-8", errors="replace")
    for number, line in enumerate(raw.splitlines()):
        if not line.strip():
            continue
        try:
            doc = parse_document(line, display, line_offset=number)
        except DocumentError as exc:
            errors.append(SubjectError(exc.diagnostics, text))
            continue
        doc = dataclasses.replace(doc, text=text)
        found, failed = _collect(doc, [((), doc.data)], kind)
        subjects.extend(dataclasses.replace(s, whole_file=False) for s in found)
        errors.extend(failed)
    return subjects, errors


def _collect(
    doc: Document, items: list[tuple[tuple[Hashable, ...], object]], kind: str | None
) -> tuple[list[LoadedSubject], list[SubjectError]]:
    subjects: list[LoadedSubject] = []
    errors: list[SubjectError] = []
    for path, data in items:
        try:
            subjects.append(LoadedSubject(_validate(doc, path, data, kind), doc, path))
        except SubjectError as exc:
            errors.append(exc)
    return subjects, errors


def _validate(
    doc: Document, path: tuple[Hashable, ...], data: object, kind: str | None
) -> SubjectBase:
    if not isinstance(data, dict):
        raise SubjectError(
            [
                Diagnostic(
                    "E301",
                    "a subject must be a mapping (or a list of mappings)",
                    doc.span(path),
                    path=path,
                )
            ],
            doc.text,
        )
    if "kind" not in data and kind is None:
        raise SubjectError(
            [
                Diagnostic(
                    "E302",
                    "no subject kind: add a 'kind' field or pass --kind",
                    doc.span(path),
                    f"kinds: {', '.join(SUBJECT_KINDS)}",
                    path=path,
                )
            ],
            doc.text,
        )
    try:
        return parse_subject(data, kind)
    except ValidationError as exc:
        raise SubjectError(validation_diagnostics(exc, doc, "E300", path), doc.text) from None
    except ValueError as exc:  # an unknown kind (ValidationError is a ValueError too)
        where = (*path, "kind") if "kind" in data else path
        raise SubjectError(
            [Diagnostic("E303", str(exc), doc.span(where), path=where)], doc.text
        ) from None


def iter_subjects(
    arguments: Sequence[str], kind: str | None = None
) -> Iterator[tuple[list[LoadedSubject], list[SubjectError]]]:
    """``read_subjects`` over every input the arguments name."""
    for name in expand_inputs(arguments):
        yield read_subjects(name, kind)
