"""Raw data to a subject model.

``parse_subject`` is the contract for callers: every problem is a ``SubjectError`` whose
diagnostics carry a stable code (``E301`` not a mapping, ``E302`` no kind, ``E303`` an unknown
kind, ``E300`` an invalid field) and the field's path (``loc``), positioned at a file's line
and column when the data was read from one (``subject_at``). ``validate_subject`` is the same
validation raising pydantic's own error, for the loops that try many candidates and drop the
invalid ones (the diff's witness search), where building diagnostics would only cost time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import ValidationError

from egovrules.source.document import Document, data_diagnostics
from egovrules.source.errors import Diagnostic, SubjectError

if TYPE_CHECKING:
    from egovrules.subjects.base import SubjectBase
    from egovrules.subjects.department import Department
    from egovrules.subjects.network import NetworkRequest
    from egovrules.subjects.project import Project
    from egovrules.subjects.website import Website

    Subject: TypeAlias = Project | Website | NetworkRequest | Department

__all__ = [
    "MODEL_NAMES",
    "SUBJECT_KINDS",
    "SUBJECT_MODELS",
    "Subject",
    "parse_subject",
    "subject_at",
    "validate_subject",
]

# Each kind's model, by its class's name in ``egovrules.subjects.<kind>``. A model is defined
# (pydantic collects its fields, the costliest part of starting) when its kind is first looked
# up: a check of a website imports no other kind's model.
MODEL_NAMES: dict[str, str] = {
    "project": "Project",
    "website": "Website",
    "network": "NetworkRequest",
    "department": "Department",
}
SUBJECT_KINDS: tuple[str, ...] = tuple(MODEL_NAMES)


# Each kind's model imported, by an import statement (which ``python -X importtime`` lists,
# and import-linter sees, as it does not ``importlib.import_module``).
def _project() -> type[SubjectBase]:
    from egovrules.subjects.project import Project  # noqa: PLC0415

    return Project


def _website() -> type[SubjectBase]:
    from egovrules.subjects.website import Website  # noqa: PLC0415

    return Website


def _network() -> type[SubjectBase]:
    from egovrules.subjects.network import NetworkRequest  # noqa: PLC0415

    return NetworkRequest


def _department() -> type[SubjectBase]:
    from egovrules.subjects.department import Department  # noqa: PLC0415

    return Department


_IMPORT: dict[str, Callable[[], type[SubjectBase]]] = {
    "project": _project,
    "website": _website,
    "network": _network,
    "department": _department,
}


class _Models(Mapping[str, "type[SubjectBase]"]):  # a string: SubjectBase loads with a model
    """Kind to model, each model's module imported when its kind is first looked up."""

    def __init__(self) -> None:
        self._loaded: dict[str, type[SubjectBase]] = {}

    def __getitem__(self, kind: str) -> type[SubjectBase]:
        model = self._loaded.get(kind)
        if model is None:
            # KeyError for an unknown kind, as a dict's
            model = self._loaded[kind] = _IMPORT[kind]()
        return model

    def __iter__(self) -> Iterator[str]:
        return iter(MODEL_NAMES)

    def __len__(self) -> int:
        return len(MODEL_NAMES)

    def __contains__(self, kind: object) -> bool:
        return kind in MODEL_NAMES


SUBJECT_MODELS: Mapping[str, type[SubjectBase]] = _Models()


def __getattr__(name: str) -> Any:
    """``Subject``, the union of the four models, imports them all when first named."""
    if name != "Subject":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    union = globals()["Subject"] = _project() | _website() | _network() | _department()
    return union


_NAMES: dict[type, str] = {
    list: "a list",
    tuple: "a list",
    str: "a string",
    bool: "a boolean",  # before int: a bool is an int
    int: "a number",
    float: "a number",
    type(None): "null",
}


def validate_subject(data: Any, kind: str | None = None) -> Subject:
    """Validate raw data as the subject model its ``kind`` field (or ``kind``) names.

    Raises ``pydantic.ValidationError`` for invalid data, and ``ValueError`` for data that is
    not a mapping or has a missing or unknown kind."""
    if not isinstance(data, dict):
        raise ValueError("a subject must be a mapping")
    name = data.get("kind", kind)
    model = SUBJECT_MODELS.get(name) if isinstance(name, str) else None
    if model is None:
        raise ValueError(f"unknown subject kind {name!r}; kinds: {', '.join(SUBJECT_KINDS)}")
    if "kind" not in data:
        data = {**data, "kind": name}
    return model.model_validate(data)  # type: ignore[return-value]


def parse_subject(data: Any, kind: str | None = None) -> Subject:
    """Validate raw data (a dict, as JSON or YAML gives it) as the subject model its ``kind``
    field (or ``kind``, for data without one) names.

    Raises ``SubjectError``: each of its ``diagnostics`` has a stable ``code`` (E300-E303), a
    message and the field's ``loc`` (a tuple of keys and list indexes)."""
    return subject_at(data, kind)


def subject_at(
    data: Any,
    kind: str | None = None,
    document: Document | None = None,
    path: tuple[Hashable, ...] = (),
    *,
    kind_option: str | None = None,
) -> Subject:
    """``parse_subject`` of the value at ``path`` of ``document``: the diagnostics are also
    positioned at its file, line and column. ``kind_option``: the caller's own way to name the
    kind of data without one (``--kind``), which a subject without a kind is told of (E302);
    without it (a library call, a request's body) it is told to add a ``kind`` field only."""

    def fail(code: str, message: str, where: tuple[str, ...] = (), hint: str | None = None) -> Any:
        span = document.span((*path, *where)) if document is not None else None
        text = document.text if document is not None else None
        at = (*path, *where) if document is not None else None
        raise SubjectError([Diagnostic(code, message, span, hint, path=at, loc=where)], text)

    if not isinstance(data, dict):
        what = next((n for t, n in _NAMES.items() if isinstance(data, t)), None)
        what = what or f"a {type(data).__name__}"
        fail("E301", f"a subject must be a mapping of fields (or a list of mappings), not {what}")
    name = data.get("kind", kind)
    if name is None:
        fail(
            "E302",
            "no subject kind: add a 'kind' field"
            + (f" or pass {kind_option}" if kind_option else ""),
            hint=f"kinds: {', '.join(SUBJECT_KINDS)}",
        )
    if not isinstance(name, str) or name not in SUBJECT_MODELS:
        fail(
            "E303",
            f"unknown subject kind {name!r}; kinds: {', '.join(SUBJECT_KINDS)}",
            ("kind",) if "kind" in data else (),
        )
    try:
        return validate_subject(data, kind)
    except ValidationError as exc:
        span = None if document is None else document.span
        diagnostics = data_diagnostics(exc, document.data if document else data, "E300", path, span)
        raise SubjectError(diagnostics, document.text if document else None) from None
