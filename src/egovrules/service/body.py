"""A check or explain body read into subjects: at the speed of ``json.loads`` and pydantic when
it is plain JSON of valid subjects, else as ``egovrules check`` reads a file, with its errors.

The fast path (``source.json_document.read_json``, then ``subjects.validate_subject`` on each
subject: pydantic's ``model_validate`` on the parsed values) gives the very subjects, paths and
positions the positioned reader gives, its positions looked up only for the findings a report
locates. When it cannot answer (a body that is not plain JSON, a subject that does not
validate, a subject of another pack), the body is read again by the positioned reader
(``engine.inputs.subjects_in``, as a ``.json`` file is: a text YAML refuses, such as one
indented with tabs, is read as JSON), whose errors are the answer: the same codes, messages, JSON
paths, lines and columns whichever path was tried first. The caller refuses a batch of more
valid subjects than ``--max-batch`` (413) once it is read; one holding an invalid subject is
refused 422 whatever its length, as before.
"""

from __future__ import annotations

from pydantic import ValidationError

from egovrules.engine.inputs import LoadedSubject, subjects_in
from egovrules.engine.pack import Pack
from egovrules.engine.run import pack_for
from egovrules.service.errors import from_input_error
from egovrules.source.errors import SubjectError
from egovrules.source.json_document import read_json
from egovrules.subjects import validate_subject

__all__ = ["BODY_NAME", "subjects_of_body"]

BODY_NAME = "request"
"""The file name a body is read under: a finding's ``location.file``, a report's source."""


def subjects_of_body(pack: Pack, body: bytes, *, fast: bool = True) -> list[LoadedSubject]:
    """The subjects of a body, each for ``pack``; ``ServiceError`` 400, 413 or 422 for a bad
    body. ``fast=False``: by the positioned reader only (the reference the tests hold the fast
    path to)."""
    plain = _plain_subjects(pack, body) if fast else None
    if plain is not None:
        return plain
    subjects, errors = subjects_in(body, BODY_NAME, json_text=True)
    for loaded in subjects:
        try:
            pack_for(loaded, pack.id, {pack.id: pack})
        except SubjectError as exc:
            errors.append(exc)
    if errors:
        raise from_input_error(errors)
    return subjects


def _plain_subjects(pack: Pack, body: bytes) -> list[LoadedSubject] | None:
    """The subjects of a plain JSON body of valid subjects of ``pack``, or None."""
    document = read_json(body, BODY_NAME)
    if document is None:
        return None
    data = document.data
    items = list(enumerate(data)) if isinstance(data, list) else [(None, data)]
    out: list[LoadedSubject] = []
    for index, item in items:
        try:
            subject = validate_subject(item)
        except (ValidationError, ValueError):
            return None
        if subject.city and subject.city != pack.id:
            return None
        out.append(LoadedSubject(subject, document, () if index is None else (index,)))
    return out
