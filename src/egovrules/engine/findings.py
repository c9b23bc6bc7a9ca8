"""What a check reports about one rule and one subject: the violation, the deadline still
running or the reason a rule is undetermined, built from the rule and the subject's values,
and the split of violations by waivers.

``Pack.check`` and the event monitor (``egovrules.monitoring.monitor``) both build their
findings here, so a violation found by either carries the same message, citations, actor and
authority.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from egovrules.ir.interpret import (
    date_that_matters,
    deadline_facts,
    eval_cond,
    eval_expr,
    undetermined_reason,
)
from egovrules.ir.nodes import (
    Deadline,
    Field,
    Placeholder,
    RuleIR,
    ScopeIR,
    Shift,
    Some,
    asked_values,
    deadline_bounds,
    walk,
)
from egovrules.law.calendar import CHINA, covered_years
from egovrules.law.verdict import Outcome
from egovrules.report.model import NotApplicable, Undetermined, Upcoming, Violation

if TYPE_CHECKING:
    from egovrules.subjects import SubjectBase, Waiver

__all__ = [
    "actor_of",
    "apply_waivers",
    "calendar_note",
    "counts_working_days",
    "failing",
    "format_value",
    "missing",
    "render_messages",
    "scope_findings",
    "scopes_hold",
    "undetermined",
    "upcoming",
    "violation",
]


def violation(rule: RuleIR, subject: SubjectBase, as_of: dt.date) -> Violation:
    """The violation of ``rule`` by ``subject`` on ``as_of``: messages filled with the
    subject's values in every language of the rule, citations, actor and authority."""
    return Violation(**_finding(rule, subject, as_of))


def upcoming(rule: RuleIR, subject: SubjectBase, as_of: dt.date) -> Upcoming:
    """The obligation of ``rule`` open for ``subject`` on ``as_of``: a deadline still running,
    or a duty without a last day whose ``pending`` condition holds."""
    found = _finding(rule, subject, as_of)
    if not isinstance(rule.requires, Deadline):
        on = date_that_matters(rule, subject, as_of)
        awaiting = next(
            (who for cond, who in rule.pending if eval_cond(cond, (subject,), as_of, on)), None
        )
        return Upcoming(due=None, days_left=None, awaiting=awaiting, **found)
    facts = deadline_facts(
        rule.requires, (subject,), as_of, date_that_matters(rule, subject, as_of)
    )
    assert facts.due is not None  # a running deadline has a last day (a FarDate past 9999)
    return Upcoming(
        due=facts.due, days_left=(facts.due - as_of).days, awaiting=rule.awaiting, **found
    )


def _finding(rule: RuleIR, subject: SubjectBase, as_of: dt.date) -> dict[str, Any]:
    """What a violation and a running deadline both say of their rule and subject."""
    messages = render_messages(rule, subject, as_of)
    return {
        "rule_id": rule.id,
        "concept": rule.concept,
        "severity": rule.severity,
        "message": dict(messages)["en"],
        "messages": messages,
        "citation": rule.citations[0],
        "citations": rule.citations,
        "actor": actor_of(rule, subject, as_of),
        "authority": rule.authority,
        "severity_reason": rule.severity_reason,
    }


def undetermined(rule: RuleIR, subject: SubjectBase, as_of: dt.date) -> Undetermined:
    """Why ``rule`` could not be decided for ``subject`` on ``as_of``."""
    return Undetermined(
        rule_id=rule.id,
        concept=rule.concept,
        severity=rule.severity,
        reason=undetermined_reason(rule, subject, as_of) or "undetermined",
        citation=rule.citations[0],
        citations=rule.citations,
    )


def counts_working_days(rule: RuleIR) -> bool:
    """True for a deadline counted in working days on the official calendar (not the weekday
    fallback): one a supplied notice, or the days known alone, may decide."""
    return isinstance(rule.requires, Deadline) and deadline_bounds(rule.requires) is not None


def calendar_note(rule: RuleIR, subject: SubjectBase, as_of: dt.date) -> str | None:
    """Which calendar decided ``rule``'s working-day deadline, when the count went past the
    years ``chinese-calendar`` covers: the supplied State Council notice, or the working days
    known alone (``None`` when the package's years decided it)."""
    d = rule.requires
    assert isinstance(d, Deadline) and isinstance(d.due, Shift)
    on = date_that_matters(rule, subject, as_of)
    last_covered = covered_years()[1]
    # The common case first, cheaply: a last day in the package's years (or none).
    start = eval_expr(d.due.date, (subject,), as_of, on)
    n = eval_expr(d.due.amount, (subject,), as_of, on)
    if start is None or n is None:
        return None
    if isinstance(start, dt.date) and CHINA.within_known(start, n):
        return None
    facts = deadline_facts(d, (subject,), as_of, on)
    calendar = d.due.calendar
    if facts.bounded:
        verdict = "late" if facts.outcome == Outcome.VIOLATED else "in time"
        return (
            f"{rule.id}: decided {verdict} from the working days known "
            f"({calendar.describe()}); the last day falls in a year without a published "
            "holiday notice, and no arrangement of that year's days could change the verdict"
        )
    if facts.due is None or facts.due.year <= last_covered:
        return None
    cited = [
        f"{n.year}: {n.cite()}, supplied in {n.file}"
        for y in range(last_covered + 1, facts.due.year + 1)
        if (n := calendar.notice_for(y)) is not None
    ]
    return (
        f"{rule.id}: last day {facts.due.isoformat()} counted on the State Council's notice "
        + "; ".join(cited)
    )


def scopes_hold(scopes: tuple[ScopeIR, ...], subject: SubjectBase, as_of: dt.date) -> bool:
    """Whether ``subject`` states a standing inside every one of ``scopes``: then no rule is
    excluded and nothing is presumed, and the scopes add nothing to its report."""
    for scope in scopes:
        value = eval_expr(scope.field, (subject,), as_of)
        if value is None or value not in scope.values:
            return False
    return True


def scope_findings(
    rules: tuple[RuleIR, ...], subject: SubjectBase, as_of: dt.date
) -> tuple[tuple[NotApplicable, ...], tuple[str, ...]]:
    """What the scopes of ``rules`` (the scoped rules in force) say of ``subject``: each rule
    whose article does not bind the subject, with the words that name whom it binds; and, for
    each scope whose field the subject leaves empty, a note that its rules were applied on the
    presumption that the subject is inside it (so that no verdict rests on an unstated fact)."""
    excluded: list[NotApplicable] = []
    presumed: dict[str, tuple[ScopeIR, int]] = {}
    values: dict[str, Any] = {}  # one reading of a scope's field for all its rules
    for rule in rules:
        scope = rule.scope
        if scope is None:
            continue
        if scope.name not in values:
            values[scope.name] = eval_expr(scope.field, (subject,), as_of)
        value = values[scope.name]
        if value is None:
            presumed[scope.name] = (scope, presumed.get(scope.name, (scope, 0))[1] + 1)
        elif value not in scope.values:
            field = ".".join(scope.field.path)
            excluded.append(
                NotApplicable(
                    rule_id=rule.id,
                    concept=rule.concept,
                    severity=rule.severity,
                    scope=scope.name,
                    reasons=(
                        (
                            "en",
                            f"{field} is {value}: {scope.citation} binds {scope.label_in('en')}",
                        ),
                        (
                            "zh",
                            f"{field}为{value}:{scope.citation.label}所约束的是"
                            f"{scope.label_in('zh')}",
                        ),
                    ),
                    citation=scope.citation,
                )
            )
    notes = tuple(
        f"{'.'.join(scope.field.path)} not given: {n} rule(s) of {scope.citation}, which binds "
        f"{scope.label_in('en')}, applied on the presumption that the subject is one of them"
        for scope, n in presumed.values()
    )
    return tuple(excluded), notes


def apply_waivers(
    violations: list[Violation], waivers: tuple[Waiver, ...], as_of: dt.date
) -> tuple[tuple[Violation, ...], tuple[tuple[Violation, Waiver], ...], tuple[Waiver, ...]]:
    """Split violations into those that stand and those an unexpired waiver covers; list the
    waivers that have expired (an expired waiver is itself a finding)."""
    if not waivers:
        return tuple(violations), (), ()
    active = [w for w in waivers if w.expires >= as_of]
    expired = tuple(w for w in waivers if w.expires < as_of)
    stand: list[Violation] = []
    waived: list[tuple[Violation, Waiver]] = []
    for v in violations:
        match = next((w for w in active if w.rule in (v.rule_id, v.concept)), None)
        if match is None:
            stand.append(v)
        else:
            waived.append((v, match))
    return tuple(stand), tuple(waived), expired


def actor_of(rule: RuleIR, subject: Any, as_of: dt.date) -> str | None:
    """Who must act: the rule's ``actor`` field of the subject, if it names one."""
    if rule.actor is None:
        return None
    value = eval_expr(rule.actor, (subject,), as_of)
    return None if value is None else str(value)


def render_messages(rule: RuleIR, subject: Any, as_of: dt.date) -> tuple[tuple[str, str], ...]:
    """The rule's message in each of its languages, filled with the subject's values."""
    on = date_that_matters(rule, subject, as_of)
    facts = (
        deadline_facts(rule.requires, (subject,), as_of, on)
        if isinstance(rule.requires, Deadline)
        else None
    )
    out = []
    for lang, parts in rule.messages:
        text = []
        for part in parts:
            if isinstance(part, str):
                text.append(part)
            elif part.fact == "missing":
                text.append(format_value(missing(part, subject, as_of, on), part.fallback, lang))
            elif part.fact == "failing":
                text.append(
                    format_value(failing(part, subject, as_of, on, lang), part.fallback, lang)
                )
            elif (
                part.fact is not None
                and facts is not None
                and facts.bounded
                and (part.fact in ("due", "late"))
            ):
                # decided without its last day, which falls in a year not yet published
                text.append("未知(节假日安排尚未公布)" if lang == "zh" else "not known yet")
            elif part.fact is not None:
                text.append(format_value(getattr(facts, part.fact, None), part.fallback, lang))
            else:
                assert part.expr is not None
                value = eval_expr(part.expr, (subject,), as_of, on)
                text.append(format_value(value, part.fallback, lang))
        out.append((lang, "".join(text)))
    return tuple(out)


def missing(part: Placeholder, subject: Any, as_of: dt.date, on: dt.date) -> list[str] | None:
    """What ``{@missing}`` names: the values each ``contains`` or ``contains_all`` of the
    rule requires and the subject's list or set lacks (a required set in sorted order), and
    for each ``some`` no item meets, the values it asks of an item (``to
    municipal_finance_department``), each once; ``None`` when nothing is missing (the
    fallback, or "none", is shown)."""
    out: list[str] = []
    for c in part.lacks:
        if isinstance(c, Some):
            if not eval_cond(c, (subject,), as_of, on):
                asked = (
                    f"{'.'.join(a.left.path)} {eval_expr(a.right, (subject,), as_of, on)}"
                    for a in asked_values(c)
                    if isinstance(a.left, Field)
                )
                out.extend(x for x in asked if x not in out)
            continue
        have = eval_expr(c.left, (subject,), as_of, on) or ()
        wanted = eval_expr(c.right, (subject,), as_of, on)
        values = (wanted or ()) if c.op == "contains_all" else (wanted,)
        if isinstance(values, (frozenset, set)):  # a set has no order of its own: sort it
            values = sorted(values, key=str)
        for value in values:
            if value is not None and value not in have and str(value) not in out:
                out.append(str(value))
    return out or None


def failing(
    part: Placeholder, subject: Any, as_of: dt.date, on: dt.date, language: str
) -> list[str] | None:
    """What ``{@failing}`` names: each item that an ``every`` of the rule selects and that
    breaks its requirement, by its position in the list (from 1) and the item's values the
    rule reads (``#2 (kind balance, date 2026-01-15)``); ``None`` when no item fails."""
    out: list[str] = []
    for e in part.items:
        read = tuple(
            dict.fromkeys(n for n in walk(e) if isinstance(n, Field) and n.scope == e.item_scope)
        )
        for i, item in enumerate(eval_expr(e.field, (subject,), as_of, on) or (), 1):
            scopes = (subject, item)
            if e.where is not None and not eval_cond(e.where, scopes, as_of, on):
                continue
            if eval_cond(e.require, scopes, as_of, on):
                continue
            shown = (format_value(eval_expr(f, scopes, as_of, on), None, language) for f in read)
            values = ", ".join(f"{'.'.join(f.path)} {v}" for f, v in zip(read, shown, strict=True))
            label = f"第{i}项" if language == "zh" else f"#{i}"
            out.append(f"{label} ({values})" if values else label)
    return out or None


def format_value(value: Any, fallback: str | None = None, language: str = "en") -> str:
    """A value as a message shows it: ISO dates, plain decimals, sorted sets."""
    zh = language == "zh"
    if value is None:
        return fallback if fallback is not None else ("无" if zh else "none")
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (frozenset, set)):
        return ("、" if zh else ", ").join(sorted(map(str, value))) or ("无" if zh else "none")
    if isinstance(value, list):  # names in a meaningful order ({@missing})
        return ("、" if zh else ", ").join(map(str, value))
    if isinstance(value, tuple):
        return f"{len(value)}项" if zh else f"{len(value)} item(s)"
    return str(value)
