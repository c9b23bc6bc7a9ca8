"""A witness in words, in English and Chinese: the subject by the facts the concept's rules
read, then what each pack says of it with the articles that reject it — "A website where the
designated maintainer is a person, checked on 31 December 2024: Hohhot accepts it; Wuhan
rejects it (第十四条 ¶1)." The renderers print it instead of where the subject came from
(``Witness.description``, which JSON keeps)."""

from __future__ import annotations

import json
import re
from typing import Any

from egovrules.diffing.model import PackRef, SideOutcome, Witness
from egovrules.ir.words import WordsLang, fact_words, subject_words, value_words

__all__ = ["witness_words"]


def witness_words(w: Witness, a: PackRef, b: PackRef, lang: WordsLang) -> str:
    """The witness ``w`` of a diff of ``a`` and ``b`` as one sentence in ``lang``."""
    facts = [fact_words(w.kind, path.split("."), _value(text), lang) for path, text in w.facts]
    same_city = a.city == b.city
    sides = [_side(side, _name(ref, lang, same_city), lang) for side, ref in ((w.a, a), (w.b, b))]
    day = value_words(w.as_of, lang)
    subject = subject_words(w.kind, lang)
    if lang == "en":
        where = f" where {'; '.join(facts)}" if facts else ""
        return f"A {subject}{where}, checked on {day}: {'; '.join(sides)}."
    where = f"，{'；'.join(facts)}" if facts else ""
    return f"{subject}{where}，于{day}检查：{'；'.join(sides)}。"


def _value(text: str) -> Any:
    """A fact's value from its text (``Witness.facts``): JSON for truth values, null, numbers
    and lists; anything else (an id, a date, a name) as written."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _name(ref: PackRef, lang: WordsLang, same_city: bool) -> str:
    """The city, or the pack's label when both sides are the same city's packs."""
    if same_city:
        return ref.label
    return (ref.city_zh or ref.city) if lang == "zh" else ref.city


def _side(s: SideOutcome, name: str, lang: WordsLang) -> str:
    articles = ", ".join(s.articles) if lang == "en" else "、".join(map(_article_zh, s.articles))
    match s.outcome, lang:
        case "violated", "en":
            return f"{name} rejects it" + (f" ({articles})" if articles else "")
        case "violated", _:
            return f"{name}不接受" + (f"（{articles}）" if articles else "")
        case "satisfied", "en":
            return f"{name} accepts it"
        case "satisfied", _:
            return f"{name}接受"
        case "not_applicable", "en":
            return f"{name}'s rules do not apply to it"
        case "not_applicable", _:
            return f"{name}的规定不适用"
        case _, "en":
            return f"{name} has no rule on it"
    return f"{name}无此规定"


def _article_zh(where: str) -> str:
    """``第十五条 ¶2 item 1`` as Chinese writes it: ``第十五条第2款第1项``."""
    text = re.sub(r" ¶(\d+)", r"第\1款", where)
    return re.sub(r" item (\d+)", r"第\1项", text)
