"""Explaining a rule on a subject: which rules a name picks, and the trace of each.

What ``egovrules explain`` and the service's explain endpoint share: a rule id or a concept
names the rules; each must apply to the subject's kind; each trace is
``egovrules.ir.explain.explain_rule``'s.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from egovrules.engine.pack import Pack
from egovrules.ir.explain import explain_rule
from egovrules.ir.nodes import RuleIR
from egovrules.source.errors import UsageError
from egovrules.source.suggest import did_you_mean
from egovrules.subjects import SubjectBase

__all__ = ["explain_rules", "rules_named"]


def rules_named(pack: Pack, name: str) -> list[RuleIR]:
    """The rule whose id is ``name``, or every rule of the concept ``name``; ``UsageError``
    (with the nearest rule id) when there is none."""
    matches = [r for r in pack.rules if name in (r.id, r.concept)]
    if not matches:
        hint = did_you_mean(name, [r.id for r in pack.rules])
        raise UsageError(
            f"no rule or concept {name!r} in pack {pack.id}{f'; {hint}' if hint else ''}"
        )
    return matches


def explain_rules(
    rules: list[RuleIR], subject: SubjectBase, as_of: dt.date
) -> list[dict[str, Any]]:
    """The trace of each rule on ``subject``; ``UsageError`` for a rule on another kind."""
    for rule in rules:
        if rule.subject != subject.kind:
            raise UsageError(
                f"{rule.id} applies to {rule.subject} subjects, not to a {subject.kind}"
            )
    return [explain_rule(rule, subject, as_of) for rule in rules]
