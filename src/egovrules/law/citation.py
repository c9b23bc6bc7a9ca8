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
    cities: tuple[tuple[str, str], ...] = ()
    """The city's name in each language the pack gives it (``meta.city``)."""

    def quote_in(self, language: str) -> str | None:
        """The quote in ``language`` (the source's words or the pack's translation)."""
        return dict(self.quotes).get(language)

    def cite_in(self, language: str) -> str:
        """The citation as a reader of ``language`` writes it: ``str(self)`` in English, and
        ``武汉市 第十五条第二款`` in Chinese (the city's Chinese name when the pack has one)."""
        if language != "zh":
            return str(self)
        city = dict(self.cities).get("zh", self.city)
        where = self.label
        if self.paragraph is not None:
            where += f"第{_zh_number(self.paragraph)}款"
        if self.item is not None:
            where += f"第{_zh_number(self.item)}项"
        return f"{city} {where}"

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


_DIGITS = "零一二三四五六七八九"


def _zh_number(n: int) -> str:
    """``n`` in Chinese numerals as statutes number paragraphs and items (1-99; larger numbers
    in Arabic digits)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
