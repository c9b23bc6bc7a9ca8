"""The subjects egovrules checks: pydantic models, one per kind.

``SUBJECT_MODELS`` maps each kind to its model; ``parse_subject`` validates raw data whose
``kind`` field (or a given default) picks the model.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from egovrules.subjects.base import Filing, Record, SubjectBase, Waiver
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
    "Waiver",
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


def parse_subject(data: Any, kind: str | None = None) -> Subject:
    """Validate raw data as the subject model its ``kind`` field (or ``kind``) names.

    Raises ``pydantic.ValidationError`` for invalid data, and ``ValueError`` for a missing or
    unknown kind; callers that read files turn both into positioned ``SubjectError``s.
    """
    if not isinstance(data, dict):
        raise ValueError("a subject must be a mapping")
    name = data.get("kind", kind)
    model = SUBJECT_MODELS.get(name) if isinstance(name, str) else None
    if model is None:
        raise ValueError(f"unknown subject kind {name!r}; kinds: {', '.join(SUBJECT_KINDS)}")
    if "kind" not in data:
        data = {**data, "kind": name}
    return model.model_validate(data)  # type: ignore[return-value]
