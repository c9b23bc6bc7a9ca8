"""The words for the subjects' fields (``rules/vocabulary/fields.yaml``): for every field a pack
may read, a noun phrase or (for a yes-or-no field) the affirmative and negative statement, and
for a field of fixed values the words of each value, in English and Chinese. ``ir.words``
builds conditions in words from them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from egovrules.packdata.bundled import bundled_dir
from egovrules.packdata.vocabulary import read_validated

__all__ = ["FieldWords", "Phrase", "Phrases", "WordsLang", "load_phrases", "phrases_path"]

WordsLang = Literal["en", "zh"]
"""The languages conditions are put into words in."""


class Phrase(BaseModel):
    """One phrase in both languages; neither may be empty."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: WordsLang) -> str:
        """The phrase in ``lang``."""
        return self.en if lang == "en" else self.zh


class FieldWords(BaseModel):
    """The words of one field. A yes-or-no field has ``affirmative`` and ``negative`` (whole
    statements, about the subject or, for a field of a list's items, about "its"/"其" item);
    any other field a ``noun`` without article (English adds "the" or "its"); a list also the
    ``item`` it holds; a field of fixed values (or a set of keys) the words of each ``values``."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    noun: Phrase | None = None
    affirmative: Phrase | None = None
    negative: Phrase | None = None
    item: Phrase | None = None
    values: dict[str, Phrase] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _statement_or_noun(self) -> FieldWords:
        if (self.affirmative is None) != (self.negative is None):
            raise ValueError("a yes-or-no field needs both `affirmative` and `negative`")
        if self.affirmative is None and self.noun is None:
            raise ValueError("a field needs a `noun`, or `affirmative` and `negative`")
        return self


class Phrases(BaseModel):
    """Every subject kind's name, the shared values (authorities, named keys) and the fields,
    keyed ``kind.path`` (``website.maintainer.kind``; an item of a list ``project.reviews[]``,
    its fields ``project.reviews[].date``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    format: int
    subjects: dict[str, Phrase]
    values: dict[str, Phrase]
    fields: dict[str, FieldWords]


def phrases_path() -> Path:
    """The bundled field words."""
    return bundled_dir() / "vocabulary" / "fields.yaml"


@lru_cache(maxsize=4)
def load_phrases(path: Path | None = None) -> Phrases:
    """Read and validate the field words; ``PackError`` with positions if they are malformed."""
    return read_validated(Phrases, path or phrases_path(), "E130")
