"""A waivers file: the waivers of a repository kept in one place, beside the subject files.

::

    - subject: wuhan-site-hyq          # a subject id, or a glob pattern of ids
      rule: website.police_filing      # a rule id or a concept
      reason: the district bureau suspended filings while it moved offices
      expires: 2026-12-31              # the last day it holds

Each entry is added to the waivers of every subject whose id it matches, and then is exactly a
waiver written in the subject file: a reason is required, and after ``expires`` the violation
is back and the waiver is reported expired. ``E920`` at the position of what is not valid.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from pydantic import Field, PrivateAttr, TypeAdapter, ValidationError

from egovrules.source.document import DocumentError, read_document, validation_diagnostics
from egovrules.source.errors import InputError
from egovrules.source.span import Span
from egovrules.subjects.base import SubjectBase, Waiver

__all__ = ["SharedWaiver", "read_waivers", "with_waivers"]


class SharedWaiver(Waiver):
    """A waiver of the waivers file: the subjects it is for, then the waiver itself."""

    subject: str = Field(min_length=1)
    """A subject id, or a glob pattern of ids (``wuhan-site-*``)."""
    _span: Span | None = PrivateAttr(default=None)

    @property
    def span(self) -> Span | None:
        """Where the entry is written in the waivers file (``None`` for one made in code):
        an expired waiver is reported there, where it is renewed or removed."""
        return self._span

    def at(self, span: Span) -> SharedWaiver:
        """This entry, written at ``span``."""
        placed = self.model_copy()
        placed._span = span
        return placed


@cache
def _entries() -> TypeAdapter[tuple[SharedWaiver, ...]]:
    """The file's validator, built when a waivers file is first read (not at every start)."""
    return TypeAdapter(tuple[SharedWaiver, ...])


def read_waivers(path: Path) -> tuple[SharedWaiver, ...]:
    """The waivers file at ``path``; ``InputError`` with the position of every problem."""
    try:
        doc = read_document(path, display_name=str(path))
    except DocumentError as exc:
        raise InputError(exc.diagnostics, exc.text) from None
    try:
        entries = _entries().validate_python(doc.data if doc.data is not None else [])
    except ValidationError as exc:
        raise InputError(validation_diagnostics(exc, doc, "E920"), doc.text) from None
    return tuple(w.at(doc.span((i,))) for i, w in enumerate(entries))


def with_waivers(
    subject: SubjectBase, shared: Sequence[SharedWaiver]
) -> tuple[SubjectBase, tuple[SharedWaiver, ...]]:
    """``subject`` with the shared waivers whose ``subject`` pattern matches its id added
    after its own, and those entries, in the same order."""
    entries = tuple(w for w in shared if fnmatch.fnmatchcase(subject.id, w.subject))
    if not entries:
        return subject, ()
    extra = tuple(Waiver(rule=w.rule, reason=w.reason, expires=w.expires) for w in entries)
    return subject.model_copy(update={"waivers": (*subject.waivers, *extra)}), entries
