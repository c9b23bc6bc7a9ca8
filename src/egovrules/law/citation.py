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

    def quote_in(self, language: str) -> str | None:
        """The quote in ``language`` (the source's words or the pack's translation)."""
        return dict(self.quotes).get(language)

    def __str__(self) -> str:
        parts = [f"{self.city} {self.label} (art. {self.article})"]
        if self.paragraph is not None:
            parts.append(f"para. {self.paragraph}")
        if self.item is not None:
            parts.append(f"item {self.item}")
        return ", ".join(parts)
