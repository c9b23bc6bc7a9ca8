"""Where the law says it: the ``Citation`` every rule and every finding carries."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TRANSLATION_WORDS", "Citation", "show_quote"]

TRANSLATION_WORDS = {"en": "translation", "zh": "译文", "es": "traducción"}
"""The word that marks a quote as the pack's translation, in the reader's language."""


def show_quote(text: str, *, source: bool, reader: str = "en") -> str:
    """A quote as every output shows it: the source text's own words in 「」, as the law is
    quoted; a translation (the pack's own, or a gloss) marked as one and never in 「」, so that
    no one reads it as the law: ``「…」`` or ``译文:“…”`` / ``translation: “…”``."""
    if source:
        return f"「{text}」"
    word = TRANSLATION_WORDS.get(reader, TRANSLATION_WORDS["en"])
    return f"{word}:“{text}”" if reader == "zh" else f"{word}: “{text}”"


@dataclass(frozen=True, slots=True)
class Citation:
    """Where the law says it: city, article, paragraph, item, and the quoted words."""

    city: str
    article: int
    label: str
    paragraph: int | None
    item: int | None
    quote: str
    quote_en: str | None
    language: str
    quotes: tuple[tuple[str, str], ...] = ()
    sources: tuple[str, ...] = ()
    """The languages whose quotes are a source text's own words (the pack's ``meta.sources``);
    a quote in any other language is the pack's translation. Empty: only ``language``."""

    def quote_in(self, language: str) -> str | None:
        """The quote in ``language`` (the source's words or the pack's translation)."""
        return dict(self.quotes).get(language)

    def is_source(self, language: str) -> bool:
        """Whether the quote in ``language`` is a source text's own words, not a translation."""
        return language in (self.sources or (self.language,))

    def shown(self, language: str, reader: str = "en") -> str | None:
        """The quote in ``language`` as outputs show it (``show_quote``), for a reader of
        ``reader``; ``None`` when the pack gives no quote in that language."""
        text = self.quote_in(language) or (self.quote if language == self.language else None)
        if not text:
            return None
        return show_quote(text, source=self.is_source(language), reader=reader)

    def __str__(self) -> str:
        parts = [f"{self.city} {self.label} (art. {self.article})"]
        if self.paragraph is not None:
            parts.append(f"para. {self.paragraph}")
        if self.item is not None:
            parts.append(f"item {self.item}")
        return ", ".join(parts)
