"""The subjects egovrules checks: pydantic models, one per kind.

``SUBJECT_MODELS`` maps each kind to its model; ``parse_subject`` validates raw data whose
``kind`` field (or a given default) picks the model.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

from pydantic import Field, TypeAdapter

from egovrules.subjects.base import Filing, Record, SubjectBase
from egovrules.subjects.department import Department
from egovrules.subjects.network import NetworkRequest
from egovrules.subjects.project import Project
from egovrules.subjects.website import Website

__all__ = [
    "SUBJECT_KINDS",
    "SUBJECT_MODELS",
    "Department",
    "Filing",
    "NetworkRequest",
    "Project",
    "Record",
    "Subject",
    "SubjectBase",
    "Website",
    "parse_subject",
]

Subject: TypeAlias = Project | Website | NetworkRequest | Department

SUBJECT_MODELS: dict[str, type[SubjectBase]] = {
    "project": Project,
    "website": Website,
    "network": NetworkRequest,
    "department": Department,
}
SUBJECT_KINDS: tuple[str, ...] = tuple(SUBJECT_MODELS)

_ADAPTER: TypeAdapter[Subject] = TypeAdapter(
    Annotated[Project | Website | NetworkRequest | Department, Field(discriminator="kind")]
)


def parse_subject(data: Any, kind: str | None = None) -> Subject:
    """Validate raw data as a subject; ``kind`` fills in a missing ``kind`` field.

    Raises ``pydantic.ValidationError``; callers that read files turn it into a positioned
    ``SubjectError``.
    """
    if kind is not None and isinstance(data, dict) and "kind" not in data:
        data = {**data, "kind": kind}
    return _ADAPTER.validate_python(data)
