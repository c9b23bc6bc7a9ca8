"""Finding and reading subject files: paths, directories, globs and standard input; YAML,
JSON and JSON Lines (one subject per line); one subject per mapping, or a list of them.

Reading never stops at a bad file: every problem becomes a positioned ``SubjectError`` in the
result and the other files are still read. Nothing read is ever written to.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import glob
import itertools
import os
import sys
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from egovrules.report.render.controls import visible
from egovrules.source.document import (
    MAX_BYTES,
    MAX_LINES_BYTES,
    Document,
    DocumentError,
    parse_document,
    read_bounded,
)
from egovrules.source.errors import SubjectError, UsageError
from egovrules.source.span import Span
from egovrules.subjects import SubjectBase, subject_at

__all__ = [
    "SUFFIXES",
    "LoadedSubject",
    "excluded",
    "expand_inputs",
    "find_inputs",
    "iter_subjects",
    "read_subjects",
    "subjects_in",
]

SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")
STDIN = "-"
_KIND_OPTION = "--kind"
"""How the command line names the kind of a file without one: a subject with none is told."""


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

    def span_of(self, field: tuple[Hashable, ...]) -> Span:
        """Where a field of the subject stands (or its nearest present ancestor)."""
        return self.document.span((*self.path, *field), key=True)


def find_inputs(arguments: Sequence[str], exclude: Sequence[str] = ()) -> list[tuple[str, bool]]:
    """Files named by the arguments, each with whether it was found by a walk: files as given
    (``False``), directories searched recursively for subject files and glob patterns expanded
    (``True``), ``-`` for standard input. Sorted per argument; a file named twice, however it
    is spelt (``a.yaml``, ``./a.yaml``, its absolute path, a link to it), is kept once, as
    first named; files that an ``exclude`` pattern matches (``excluded``) are left out."""
    out: dict[str, bool] = {}
    seen: set[str] = set()

    def add(name: str, walked: bool) -> None:
        real = name if name == STDIN else os.path.realpath(name)
        if real not in seen:
            seen.add(real)
            out[name] = walked

    for arg in arguments:
        if arg == STDIN:
            add(STDIN, False)
        elif Path(arg).is_dir():
            found = sorted(
                str(p)
                for p in Path(arg).rglob("*")
                if p.suffix in SUFFIXES and p.is_file() and not _through_link(p, Path(arg))
            )
            for name in found:
                add(name, True)
        elif any(ch in arg for ch in "*?[") and not Path(arg).exists():
            # A file whose name has [, * or ? (report[2024].yaml) is that file, not a pattern.
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                raise UsageError(f"{arg}: no file matches this pattern")
            root = _literal_root(arg)
            for name in matches:
                if not _through_link(Path(name), root):
                    add(name, True)
        else:
            add(arg, False)
    return [(name, walked) for name, walked in out.items() if not excluded(name, exclude)]


def _through_link(path: Path, root: Path) -> bool:
    """True when ``path``, found below ``root`` by a walk or a pattern, is a symbolic link or
    lies in a linked directory. A walk reads only what is in the tree it was given: a link
    in a checked-out tree (to ``../.git/config``, ``/proc/self/environ``) would otherwise put
    another file's lines in the report. A link named as a file is read: the caller chose it."""
    while path not in (root, path.parent):
        if path.is_symlink():
            return True
        path = path.parent
    return False


def _literal_root(pattern: str) -> Path:
    """The directory a glob pattern searches below: its leading parts without ``*?[``."""
    parts = PurePath(pattern).parts
    lead = list(itertools.takewhile(lambda p: not any(c in p for c in "*?["), parts))
    return Path(*lead) if lead else Path()


def expand_inputs(arguments: Sequence[str], exclude: Sequence[str] = ()) -> list[str]:
    """The file names of ``find_inputs``."""
    return [name for name, _ in find_inputs(arguments, exclude)]


def excluded(name: str, patterns: Sequence[str]) -> bool:
    """True when a glob pattern matches the path ``name`` (``/``-separated, without a leading
    ``./``) or one of its trailing parts: ``drafts/*`` leaves out ``compliance/drafts/a.yaml``,
    ``*.json`` every JSON file; ``*`` also matches across ``/``. Standard input never is."""
    if name == STDIN or not patterns:
        return False
    parts = PurePath(name).as_posix().removeprefix("./").split("/")
    tails = ["/".join(parts[i:]) for i in range(len(parts))]
    return any(fnmatch.fnmatchcase(tail, p.removeprefix("./")) for p in patterns for tail in tails)


def shown_name(name: str) -> str:
    """A file's name as reports and errors show it: a byte that is not UTF-8 (a name Python
    decoded with surrogate escapes) as ``\\xff``, a control character as its escape
    (``report.render.controls.visible``). A name is chosen by whoever wrote the files a
    directory holds: with a line break it would start a line of the run's output of its own (a
    forged ``::error`` workflow command in a CI log), with a byte that is not UTF-8 it made the
    JSON report invalid UTF-8."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no byte was decoded to (a name given in Python)
        raw = name.encode("utf-8", "backslashreplace")
    return visible(raw.decode("utf-8", "backslashreplace"))


def read_subjects(
    name: str, kind: str | None = None, *, skipped: list[str] | None = None
) -> tuple[list[LoadedSubject], list[SubjectError]]:
    """Every subject in one input, and an error for each part that could not be read.

    With a ``skipped`` list (and no ``kind``), a YAML or JSON file in which nothing has a
    ``kind`` field (a CI workflow, a tool's config) is no subject file: it is appended to
    ``skipped`` instead of being an error (``E302``)."""
    display = "<stdin>" if name == STDIN else shown_name(name)
    limit = MAX_LINES_BYTES if name.endswith(".jsonl") or name == STDIN else MAX_BYTES
    try:
        raw = read_bounded(sys.stdin.buffer if name == STDIN else Path(name), display, limit)
    except DocumentError as exc:
        return [], [SubjectError(exc.diagnostics, exc.text)]
    if name.endswith(".jsonl") or (name == STDIN and _looks_like_json_lines(raw)):
        return _read_lines(raw, display, kind)
    # Standard input has no name to tell JSON by: a text opening a mapping or a list is read
    # as JSON where YAML refuses it (a tab between tokens, as `jq --tab` writes).
    json_text = name == STDIN and raw.lstrip(b" \t\r\n\xef\xbb\xbf")[:1] in (b"{", b"[")
    return subjects_in(
        raw, display, kind, skipped=skipped, json_text=json_text, kind_option=_KIND_OPTION
    )


def subjects_in(
    raw: bytes,
    display: str,
    kind: str | None = None,
    *,
    skipped: list[str] | None = None,
    json_text: bool = False,
    kind_option: str | None = None,
) -> tuple[list[LoadedSubject], list[SubjectError]]:
    """Every subject in one YAML or JSON document already read (a file's bytes, a request's
    body): a mapping, or a list of them; an error for each part that is not a subject.
    ``skipped``: as for ``read_subjects``; ``json_text``: as for ``parse_document``;
    ``kind_option``: as for ``subject_at`` (a request's body has none: its subjects name their
    kind)."""
    try:
        doc = parse_document(raw, display, json_text=json_text)
    except DocumentError as exc:
        return [], [SubjectError(exc.diagnostics, exc.text)]
    if skipped is not None and kind is None and not _has_kind(doc.data):
        skipped.append(display)
        return [], []
    if isinstance(doc.data, list):
        return _collect(doc, [((i,), item) for i, item in enumerate(doc.data)], kind, kind_option)
    return _collect(doc, [((), doc.data)], kind, kind_option)


def _has_kind(data: object) -> bool:
    """A mapping with ``kind``, or a list holding one."""
    if isinstance(data, list):
        return any(isinstance(item, dict) and "kind" in item for item in data)
    return isinstance(data, dict) and "kind" in data


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
            doc = parse_document(line, display, line_offset=number, json_text=True)
        except DocumentError as exc:
            errors.append(SubjectError(exc.diagnostics, text))
            continue
        doc = dataclasses.replace(doc, text=text)
        found, failed = _collect(doc, [((), doc.data)], kind, _KIND_OPTION)
        subjects.extend(dataclasses.replace(s, whole_file=False) for s in found)
        errors.extend(failed)
    return subjects, errors


def _collect(
    doc: Document,
    items: list[tuple[tuple[Hashable, ...], object]],
    kind: str | None,
    kind_option: str | None,
) -> tuple[list[LoadedSubject], list[SubjectError]]:
    subjects: list[LoadedSubject] = []
    errors: list[SubjectError] = []
    for path, data in items:
        try:
            subject = subject_at(data, kind, doc, path, kind_option=kind_option)
            subjects.append(LoadedSubject(subject, doc, path))
        except SubjectError as exc:
            errors.append(exc)
    return subjects, errors


def iter_subjects(
    arguments: Sequence[str], kind: str | None = None
) -> Iterator[tuple[list[LoadedSubject], list[SubjectError]]]:
    """``read_subjects`` over every input the arguments name."""
    for name in expand_inputs(arguments):
        yield read_subjects(name, kind)
