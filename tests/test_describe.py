"""The symbols-and-words line of a condition (``egovrules.ir.describe``) that the diff, the matrix
and the city pages show a lawyer: an amount of one unit is singular."""

from __future__ import annotations

import egovrules
from egovrules.ir.describe import describe, describe_expr
from egovrules.ir.nodes import Const, Param, Shift
from tests.test_diff_implication import _field


def test_one_year_of_validity_is_one_year() -> None:
    """Shantou 第十七条: 评审意见有效期为一年 read "$evaluation_validity_years (1 years)"."""
    pack = egovrules.load_pack("shantou")
    rule = next(r for r in pack.rules if r.id == "shantou.project.evaluation_validity_1_year")
    text = describe(rule.requires)
    assert "$evaluation_validity_years (1 year)" in text
    assert "1 years" not in text


def test_amounts_of_one_are_singular_others_plural() -> None:
    day = _field("detected_at", "date")
    assert describe_expr(Shift(day, Const(1), "days")).endswith("+ 1 day")
    assert describe_expr(Shift(day, Const(2), "days")).endswith("+ 2 days")
    assert describe_expr(Param("p", 1, "working_days")) == "$p (1 working day)"
    assert describe_expr(Param("p", 7, "working_days")) == "$p (7 working days)"
    assert describe_expr(Param("p", 24, "hours")) == "$p (24 hours)"
