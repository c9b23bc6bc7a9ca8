"""The subjects egovrules checks: pydantic models, one per kind.

``SUBJECT_MODELS`` maps each kind to its model; ``parse_subject`` validates raw data whose
``kind`` field (or a given default) picks the model (``egovrules.subjects.parse``).
"""

from __future__ import annotations

from egovrules.subjects.base import Filing, Record, SubjectBase, Waiver
from egovrules.subjects.department import Department
from egovrules.subjects.network import NetworkRequest
from egovrules.subjects.parse import (
    SUBJECT_KINDS,
    SUBJECT_MODELS,
    Subject,
    parse_subject,
    subject_at,
    validate_subject,
)
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
    "subject_at",
    "validate_subject",
]
