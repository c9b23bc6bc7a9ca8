"""The comparison operators of the pack language and their algebra, stated once.

Every stage that reads, compiles, runs, describes or reasons about a comparison takes its
operators from here: the pack schema lists them, the IR types them, the backends spell them,
``ir.describe`` writes their symbols and the implication prover flips them.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

__all__ = [
    "CODE",
    "COMPARE_OPS",
    "FLIP",
    "NEGATE",
    "ORDER_OPS",
    "SYMBOLS",
    "CompareOp",
    "OrderOp",
]

OrderOp = Literal["eq", "ne", "lt", "le", "gt", "ge"]
"""Comparisons of two values by equality or order."""
CompareOp = Literal[OrderOp, "in", "not_in", "contains", "contains_all"]
"""Every comparison a condition may make: those of order, and those of membership."""

ORDER_OPS: Final[tuple[OrderOp, ...]] = get_args(OrderOp)
COMPARE_OPS: Final[tuple[CompareOp, ...]] = (*ORDER_OPS, "in", "not_in", "contains", "contains_all")

FLIP: Final[dict[str, OrderOp]] = {
    "eq": "eq",
    "ne": "ne",
    "lt": "gt",
    "le": "ge",
    "gt": "lt",
    "ge": "le",
}
"""``a op b`` holds exactly when ``b FLIP[op] a`` does (the operands swapped)."""

NEGATE: Final[dict[str, OrderOp]] = {
    "eq": "ne",
    "ne": "eq",
    "lt": "ge",
    "le": "gt",
    "gt": "le",
    "ge": "lt",
}
"""Of two present, comparable values, ``a op b`` fails exactly when ``a NEGATE[op] b`` holds.
(A comparison with an absent value is false both ways: callers handle absence first.)"""

SYMBOLS: Final[dict[str, str]] = {
    "eq": "=",
    "ne": "≠",
    "lt": "<",
    "le": "≤",
    "gt": ">",
    "ge": "≥",
    "in": "in",
    "not_in": "not in",
    "contains": "contains",
    "contains_all": "contains all of",
}
"""How a reader sees each operator (descriptions, explanations, diffs)."""

CODE: Final[dict[str, str]] = {
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
}
"""Each order operator in Python's spelling (SQL differs only in ``=`` and ``<>``)."""
