"""A check or explain body read into subjects: at the speed of ``json.loads`` and pydantic when
it is plain JSON of valid subjects, else as ``egovrules check`` reads a file, with its errors.

The fast path (``source.json_document.read_json``, then ``subjects.validate_subject`` on each
subject: pydantic's ``model_validate`` on the parsed values) gives the very subjects, paths and
positions the positioned reader gives, its positions looked up only for the findings a report
locates. When it cannot answer (a body that is not plain JSON, a subject that does not
validate, a subject of another pack), the body is read again by the positioned reader
(``engine.inputs.subjects_in``, as a ``.json`` file is: a text YAML refuses, such as one
indented with tabs, is read as JSON), whose errors are the answer: the same codes, messages, JSON
paths, lines and columns whichever path was tried first. A JSON list of more subjects than
``--max-batch`` is refused (413) as soon as it is parsed, and a text of more values than the
reader's bound (E004) without being read again; a body the fast path cannot read is read
whole, and one of more valid subjects than ``--max-batch`` is refused (413) then.
"""

from __future__ import annotations

from pydantic import ValidationError

from egovrules.engine.inputs import LoadedSubject, subjects_in
from egovrules.engine.pack import Pack
from egovrules.engine.run import pack_for
from egovrules.service.errors import BATCH_TOO_LARGE, ServiceError, from_input_error
from egovrules.source.document import DocumentError
from egovrules.source.errors import SubjectError
from egovrules.source.json_document import TooManyItems, read_json
from egovrules.subjects import validate_subject

__all__ = ["BODY_NAME", "batch_too_large", "subjects_of_body"]

BODY_NAME = "request"
"""The file name a body is read under: a finding's ``location.file``, a report's source."""


def subjects_of_body(
    pack: Pack, body: bytes, *, fast: bool = True, most: int | None = None
) -> list[LoadedSubject]:
    """The subjects of a body, each for ``pack``; ``ServiceError`` 400, 413 or 422 for a bad
    body. ``most``: the most subjects the body may hold; a JSON list of more is refused (413)
    as soon as it is parsed, before a subject is validated. ``fast=False``: by the positioned
    reader only (the reference the tests hold the fast path to)."""
    try:
        plain = _plain_subjects(pack, body, most) if fast else None
    except TooManyItems as exc:
        raise batch_too_large(exc.count, most or 0) from None
    except DocumentError as exc:
        raise from_input_error([SubjectError(exc.diagnostics, exc.text)]) from None
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


def batch_too_large(count: int, most: int) -> ServiceError:
    """413 for a batch of ``count`` subjects where a request holds at most ``most``."""
    message = f"{count} subjects; a request holds at most {most} (--max-batch)"
    return ServiceError(413, BATCH_TOO_LARGE, message)


def _plain_subjects(pack: Pack, body: bytes, most: int | None) -> list[LoadedSubject] | None:
    """The subjects of a plain JSON body of valid subjects of ``pack``, or None."""
    document = read_json(body, BODY_NAME, most_items=most)
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
