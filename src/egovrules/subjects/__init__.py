"""The subjects egovrules checks: pydantic models, one per kind.

``SUBJECT_MODELS`` maps each kind to its model; ``parse_subject`` validates raw data whose
``kind`` field (or a given default) picks the model (``egovrules.subjects.parse``). A kind's
model is imported when first named (PEP 562) or looked up: a check of one kind defines no
other kind's model, and ``import egovrules`` defines none (the shared building blocks of
``egovrules.subjects.base`` too are imported when first named).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from egovrules.subjects.parse import (
    MODEL_NAMES,
    SUBJECT_KINDS,
    SUBJECT_MODELS,
    parse_subject,
    subject_at,
    validate_subject,
)

if TYPE_CHECKING:
    from egovrules.subjects.base import Filing, Record, SubjectBase, Waiver
    from egovrules.subjects.department import Department
    from egovrules.subjects.network import NetworkRequest
    from egovrules.subjects.parse import Subject
    from egovrules.subjects.project import Project
    from egovrules.subjects.website import Website

# Each model's name, and the kind it is the model of.
_KIND_OF = {name: kind for kind, name in MODEL_NAMES.items()}
_BASE = ("Filing", "Record", "SubjectBase", "Waiver")


def __getattr__(name: str) -> Any:
    value: Any
    if name == "Subject":
        from egovrules.subjects import parse  # noqa: PLC0415

        value = parse.Subject
    elif name in _KIND_OF:
        value = SUBJECT_MODELS[_KIND_OF[name]]
    elif name in _BASE:
        from egovrules.subjects import base  # noqa: PLC0415

        value = getattr(base, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_KIND_OF, *_BASE, "Subject"])


__all__ = [
    "MODEL_NAMES",
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
