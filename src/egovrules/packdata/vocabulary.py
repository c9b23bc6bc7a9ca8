"""The concept vocabulary (``rules/vocabulary/concepts.yaml``): the shared ids that line the
cities' rules up, each with a title and a definition in English and Chinese."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from egovrules.packdata.bundled import bundled_dir
from egovrules.packdata.model import Localized
from egovrules.source.document import DocumentError, read_document, validation_diagnostics
from egovrules.source.errors import PackError

__all__ = ["Concept", "Vocabulary", "load_vocabulary", "read_validated"]

_M = TypeVar("_M", bound=BaseModel)


class Concept(BaseModel):
    """One concept: what obligation it stands for, city-neutral."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    title: Localized
    definition: Localized


class Vocabulary(BaseModel):
    """Every concept id a pack may use."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    format: int
    concepts: dict[str, Concept]


def vocabulary_path() -> Path:
    """The bundled vocabulary file."""
    return bundled_dir() / "vocabulary" / "concepts.yaml"


@lru_cache(maxsize=4)
def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Read and validate the vocabulary; ``PackError`` with positions if it is malformed."""
    return read_validated(Vocabulary, path or vocabulary_path(), "E150")


def read_validated(model: type[_M], target: Path, code: str) -> _M:
    """A bundled data file read and validated as ``model``; ``PackError`` with positions (its
    validation errors under ``code``) if it is malformed."""
    try:
        doc = read_document(target)
    except DocumentError as exc:
        raise PackError(exc.diagnostics, exc.text) from None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise PackError(validation_diagnostics(exc, doc, code), doc.text) from None
