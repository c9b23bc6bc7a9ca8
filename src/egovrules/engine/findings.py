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
    undetermined_gap,
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
from egovrules.law.calendar import CHINA, WorkCalendar
from egovrules.law.verdict import Outcome
from egovrules.report.model import NotApplicable, Note, Undetermined, Upcoming, Violation

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
    "not_in_force_note",
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
    if facts.due is None:  # its last day falls in a year without a published notice
        return Upcoming(
            due=None,
            days_left=None,
            awaiting=rule.awaiting,
            earliest_due=facts.earliest,
            latest_due=facts.latest,
            **found,
        )
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
    """Why ``rule`` could not be decided for ``subject`` on ``as_of``, in English and
    Chinese."""
    gap = undetermined_gap(rule, subject, as_of)
    return Undetermined(
        rule_id=rule.id,
        concept=rule.concept,
        severity=rule.severity,
        reason=str(gap) if gap is not None else "undetermined",
        reasons=(("en", str(gap)), ("zh", gap.zh)) if gap is not None else (),
        citation=rule.citations[0],
        citations=rule.citations,
    )


def counts_working_days(rule: RuleIR) -> bool:
    """True for a deadline counted in working days on the official calendar (not the weekday
    fallback): one a supplied notice, or the days known alone, may decide."""
    return isinstance(rule.requires, Deadline) and deadline_bounds(rule.requires) is not None


def calendar_note(rule: RuleIR, subject: SubjectBase, as_of: dt.date) -> Note | None:
    """Which calendar decided ``rule``'s working-day deadline, when the count went past the
    years ``chinese-calendar`` covers: the supplied State Council notice, or the working days
    known alone (``None`` when the package's years decided it)."""
    d = rule.requires
    assert isinstance(d, Deadline) and isinstance(d.due, Shift)
    on = date_that_matters(rule, subject, as_of)
    last_covered = d.due.calendar.package_years[1]
    # The common case first, cheaply: a last day in the package's years (or none).
    start = eval_expr(d.due.date, (subject,), as_of, on)
    n = eval_expr(d.due.amount, (subject,), as_of, on)
    if start is None or n is None:
        return None
    package = CHINA if d.due.calendar.until is None else WorkCalendar(until=d.due.calendar.until)
    if isinstance(start, dt.date) and package.within_known(start, n):
        return None
    facts = deadline_facts(d, (subject,), as_of, on)
    calendar = d.due.calendar
    if facts.bounded:
        verdict = {
            Outcome.VIOLATED: ("late", "逾期"),
            Outcome.PENDING: ("still running, not late", "期限仍在进行、未逾期"),
        }.get(facts.outcome, ("in time", "未逾期"))
        return Note(
            (
                (
                    "en",
                    f"{rule.id}: decided {verdict[0]} from the working days known "
                    f"({calendar.describe()}); the last day falls in a year without a "
                    "published holiday notice, and no arrangement of that year's days could "
                    "change the verdict",
                ),
                (
                    "zh",
                    f"{rule.id}:依已知的工作日({calendar.describe()})认定{verdict[1]};"
                    "期限的最后一日所在年度的节假日安排尚未公布,"
                    "但该年度的任何安排均不能改变这一认定",
                ),
            )
        )
    if facts.due is None or facts.due.year <= last_covered:
        return None
    notices = [
        n
        for y in range(last_covered + 1, facts.due.year + 1)
        if (n := calendar.notice_for(y)) is not None
    ]
    due = facts.due.isoformat()
    en = "; ".join(f"{n.year}: {n.cite()}, supplied in {n.file}" for n in notices)
    zh = ";".join(f"{n.year}年:{n.cite()},见所提供的{n.file}" for n in notices)
    return Note(
        (
            ("en", f"{rule.id}: last day {due} counted on the State Council's notice {en}"),
            ("zh", f"{rule.id}:最后一日{due},依国务院办公厅的通知计算:{zh}"),
        )
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
) -> tuple[tuple[NotApplicable, ...], tuple[Note, ...]]:
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
                            f"{scope.noun or field}为"
                            f"{format_value(value, None, 'zh', dict(scope.words))}:"
                            f"{scope.citation.label}所约束的是"
                            f"{scope.label_in('zh')}",
                        ),
                    ),
                    citation=scope.citation,
                )
            )
    notes = tuple(
        Note(
            (
                (
                    "en",
                    f"{path} not given: {n} rule(s) of {scope.citation}, "
                    f"which binds {scope.label_in('en')}, applied on the presumption that the "
                    "subject is one of them",
                ),
                (
                    "zh",
                    f"未载明{scope.noun or path}:"
                    f"{scope.citation.cite_in('zh')}所约束的是{scope.label_in('zh')},"
                    f"其{n}条规则按该对象属于其中之一的推定适用",
                ),
            )
        )
        for scope, n in presumed.values()
        for path in (".".join(scope.field.path),)
    )
    return tuple(excluded), notes


def not_in_force_note(skipped: int, city: tuple[str, str], effective: dt.date | None) -> Note:
    """Why ``skipped`` rules were not applied: the measures of ``city`` (its English and
    Chinese names) take effect on ``effective``, after the date that matters."""
    day = effective.isoformat() if effective else "?"
    return Note(
        (
            (
                "en",
                f"{skipped} rule(s) not applied: the {city[0]} measures take effect on {day}, "
                "after the date that matters",
            ),
            ("zh", f"{skipped}条规则未适用:{city[1]}的办法自{day}起施行,晚于认定所依据的日期"),
        )
    )


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
                found = missing(part, subject, as_of, on, lang)
                text.append(format_value(found, part.fallback, lang))
            elif part.fact == "failing":
                text.append(
                    format_value(failing(part, subject, as_of, on, lang), part.fallback, lang)
                )
            elif (
                part.fact is not None
                and facts is not None
                and facts.bounded
                and (part.fact == "due" or (part.fact == "late" and facts.late is None))
            ):
                # decided without its last day, which falls in a year not yet published
                text.append("未知(节假日安排尚未公布)" if lang == "zh" else "not known yet")
            elif part.fact is not None:
                text.append(format_value(getattr(facts, part.fact, None), part.fallback, lang))
            else:
                assert part.expr is not None
                value = eval_expr(part.expr, (subject,), as_of, on)
                text.append(format_value(value, part.fallback, lang, dict(part.words)))
        out.append((lang, "".join(text)))
    return tuple(out)


def missing(
    part: Placeholder, subject: Any, as_of: dt.date, on: dt.date, language: str = "en"
) -> list[str] | None:
    """What ``{@missing}`` names: the values each ``contains`` or ``contains_all`` of the
    rule requires and the subject's list or set lacks (a required set in sorted order), and
    for each ``some`` no item meets, the values it asks of an item (``to
    municipal_finance_department``), each once; ``None`` when nothing is missing (the
    fallback, or "none", is shown). In a Chinese message, ids and fields are named in the
    placeholder's words (``报送对象为市财政部门``)."""
    words = dict(part.words)
    nouns = dict(part.nouns)
    out: list[str] = []
    for c in part.lacks:
        if isinstance(c, Some):
            if not eval_cond(c, (subject,), as_of, on):
                asked = (
                    _named(
                        a.left, eval_expr(a.right, (subject,), as_of, on), language, words, nouns
                    )
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
            shown = format_value(value, None, language, words)
            if value is not None and value not in have and shown not in out:
                out.append(shown)
    return out or None


def _named(
    field: Field, value: Any, language: str, words: dict[str, str], nouns: dict[str, str]
) -> str:
    """A field and its value as ``{@missing}`` and ``{@failing}`` name them: ``to
    municipal_finance_department``; in a Chinese message, by the words of the field and of
    its ids (``报送对象为市财政部门``)."""
    path = ".".join(field.path)
    if path in nouns:
        return f"{nouns[path]}为{format_value(value, None, language, words)}"
    return f"{path} {format_value(value, None, language, words)}"


def failing(
    part: Placeholder, subject: Any, as_of: dt.date, on: dt.date, language: str
) -> list[str] | None:
    """What ``{@failing}`` names: each item that an ``every`` of the rule selects and that
    breaks its requirement, by its position in the list (from 1) and the item's values the
    rule reads (``#2 (kind balance, date 2026-01-15)``; in a Chinese message by the words of
    the fields and their ids, ``第2项 (类别为尾款, 拨付日期为2026-01-15)``); ``None`` when no item
    fails."""
    words = dict(part.words)
    nouns = dict(part.nouns)
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
            values = ", ".join(
                _named(f, eval_expr(f, scopes, as_of, on), language, words, nouns) for f in read
            )
            label = f"第{i}项" if language == "zh" else f"#{i}"
            out.append(f"{label} ({values})" if values else label)
    return out or None


def _worded(value: Any, words: dict[str, str]) -> Any:
    """``value`` with each id that ``words`` has in its words; any other value as it is."""

    def one(x: Any) -> Any:
        return words.get(x, x) if isinstance(x, str) else x

    if isinstance(value, (frozenset, set)):
        return frozenset(map(one, value))
    if isinstance(value, list):
        return [one(x) for x in value]
    return one(value)


def format_value(
    value: Any,
    fallback: str | None = None,
    language: str = "en",
    words: dict[str, str] | None = None,
) -> str:
    """A value as a message shows it: ISO dates, plain decimals, sorted sets; each id that
    ``words`` has (a Chinese placeholder's, ``Placeholder.words``) in its words."""
    zh = language == "zh"
    if words and value is not None:
        value = _worded(value, words)
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
