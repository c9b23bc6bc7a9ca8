"""Where the law says it: the ``Citation`` every rule and every finding carries."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Citation"]


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
