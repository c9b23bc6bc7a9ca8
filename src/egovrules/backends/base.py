"""The one protocol every evaluation backend implements.

A backend is built from a ``RuleSet`` and, for a subject of one kind, returns the outcome code
(``egovrules.law.verdict.Outcome``) of each rule of that kind, in ``rules_for(kind)`` order.
The reference is ``egovrules.ir.interpret``; ``backends.python`` is the fast default.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from egovrules.ir.interpret import evaluate_rule
from egovrules.ir.nodes import RuleIR, RuleSet

__all__ = ["Backend", "InterpretingBackend", "rules_for"]


def rules_for(ruleset: RuleSet, kind: str) -> tuple[RuleIR, ...]:
    """The rules of ``ruleset`` that apply to subjects of ``kind``, in report order."""
    return tuple(r for r in ruleset.rules if r.subject == kind)


class Backend(Protocol):
    """Evaluates the rules of one kind on one subject."""

    def outcomes(self, kind: str, subject: Any, as_of: dt.date) -> tuple[int, ...]:
        """Outcome codes of ``rules_for(ruleset, kind)`` on ``subject``."""
        ...


class InterpretingBackend:
    """The reference backend: interprets the IR directly. For tests, never for speed."""

    def __init__(self, ruleset: RuleSet) -> None:
        self._evaluate = evaluate_rule
        self._rules = {k: rules_for(ruleset, k) for k in {r.subject for r in ruleset.rules}}

    def outcomes(self, kind: str, subject: Any, as_of: dt.date) -> tuple[int, ...]:
        """Outcome codes of the rules of ``kind``, interpreted one by one."""
        return tuple(int(self._evaluate(r, subject, as_of)) for r in self._rules.get(kind, ()))
