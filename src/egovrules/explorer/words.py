"""Rules and witnesses in words, for the explorer's pages: the one place the explorer asks how
a rule or a witness reads, so that a better wording (conditions in words, issue 23 point 2)
replaces it here and nowhere else: ``egovrules.ir.words`` and ``diffing.witness_words``."""

from __future__ import annotations

from typing import Literal

from egovrules.diffing.model import PackRef, Witness
from egovrules.diffing.views import param_value
from egovrules.diffing.witness_words import witness_words
from egovrules.engine.pack import Pack
from egovrules.ir.nodes import Param, RuleIR
from egovrules.ir.words import expr_words, rule_statement

__all__ = ["Lang", "parameter_value", "proof_zh", "rule_title", "statement", "witness_text"]

Lang = Literal["en", "zh"]


def rule_title(pack: Pack, rule: RuleIR, lang: Lang) -> str:
    """The rule's title in ``lang`` (the English one, then the id, when the pack has none)."""
    model = pack.model
    source = next((r for r in model.rules if r.id == rule.id), None) if model else None
    title = source.title.get(lang) if source is not None and source.title else None
    return title or rule.title or rule.id


def statement(rule: RuleIR, lang: Lang) -> str:
    """What the rule requires, of whom, when it applies and from when, in ``lang``."""
    return rule_statement(rule, lang)


def witness_text(witness: Witness, sides: tuple[PackRef, PackRef], lang: Lang) -> str:
    """The witness subject of the diff of ``sides`` (a, b) in words, with what each city says
    of it and the articles that reject it."""
    return witness_words(witness, sides[0], sides[1], lang)


def parameter_value(pack: Pack, rule: RuleIR, p: Param, lang: Lang) -> str:
    """A parameter's value as the rule page states it: in English as the diff does ("15
    calendar days", "07-31 each year"), in Chinese in the words of the IR (15日, 7月31日)."""
    return param_value(pack, p) if lang == "en" else expr_words(p, rule.subject, "zh")


def proof_zh(verdict: str, reason: str, here: str, other: str) -> str | None:
    """Why a comparison reached its verdict (``diffing.compare.compare_rules``' reason), in
    Chinese, seen from the city ``here`` against ``other``; ``None`` for a reason it does not
    know (the English is shown)."""
    if reason.startswith("every subject"):
        strict, loose = (here, other) if verdict == "stricter" else (other, here)
        return f"凡{loose}认定违反的对象，{strict}亦认定违反（由编译后的条件证明）；反之未获证明"
    if reason.startswith("the compiled conditions are identical"):
        return "编译后的条件完全相同（仅编号、措辞和引用不同）"
    if reason.startswith("each side's rules imply the other's"):
        return "双方的规则互相蕴含：义务等同"
    if reason.startswith("the obligation falls on different subjects"):
        return "义务所约束的对象不同"
    if reason.startswith("neither side's rules were proved"):
        return "未能证明任何一方的规则蕴含另一方的规则"
    return None
