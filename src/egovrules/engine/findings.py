"""What a check reports about one rule and one subject: the violation, the deadline still
running or the reason a rule is undetermined, built from the rule and the subject's values,
and the split of violations by waivers.

``Pack.check`` and the event monitor (``egovrules.monitoring.monitor``) both build their
findings here, so a violation found by either carries the same message, citations, actor and
authority. ``violation``, ``upcoming``, ``render_messages``, ``actor_of`` and
``calendar_note`` read the subject through the reference interpreter (the monitor's way);
their ``compiled_*`` twins, which ``Pack.check``'s reports use, read it through the rule's
compiled functions (``egovrules.backends.messages``) and build the same finding from what
those return (tests/test_compiled_messages.py holds the two to the same text).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from egovrules.ir.interpret import (
    DeadlineFacts,
    date_that_matters,
    deadline_facts,
    eval_cond,
    eval_expr,
    undetermined_gap,
    unknown_last_day,
)
from egovrules.ir.message_values import failing, format_value, missing
from egovrules.ir.nodes import (
    Awaiting,
    Deadline,
    RuleIR,
    ScopeIR,
    Shift,
    open_until,
    working_days_due,
)
from egovrules.law.calendar import CHINA, WorkCalendar
from egovrules.law.verdict import Outcome
from egovrules.report.model import NotApplicable, Note, Undetermined, Upcoming, Violation

if TYPE_CHECKING:
    from egovrules.backends.messages import RuleFunctions
    from egovrules.subjects import SubjectBase, Waiver

__all__ = [
    "actor_of",
    "apply_waivers",
    "calendar_note",
    "compiled_calendar_note",
    "compiled_upcoming",
    "compiled_violation",
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
    subject's values in every language of the rule, citations, actor and authority. Read
    through the reference interpreter; ``compiled_violation`` says the same, faster."""
    return _violation(rule, render_messages(rule, subject, as_of), actor_of(rule, subject, as_of))


def compiled_violation(
    rule: RuleIR, finder: RuleFunctions, subject: SubjectBase, as_of: dt.date
) -> Violation:
    """``violation``, its messages and actor from the rule's compiled functions (``finder``,
    from ``egovrules.backends.messages.MessageBackend.functions``)."""
    messages, actor, _ = finder.find(subject, as_of)
    return _violation(rule, messages, actor)


def _violation(rule: RuleIR, messages: tuple[tuple[str, str], ...], actor: str | None) -> Violation:
    return Violation(
        rule.id,
        rule.concept,
        rule.severity,
        dict(messages)["en"],
        messages,
        rule.citations[0],
        rule.citations,
        actor,
        rule.authority,
        rule.severity_reason,
    )


def upcoming(rule: RuleIR, subject: SubjectBase, as_of: dt.date) -> Upcoming:
    """The obligation of ``rule`` open for ``subject`` on ``as_of``: a deadline still running,
    or a duty without a last day whose ``pending`` condition holds. Read through the reference
    interpreter; ``compiled_upcoming`` says the same, faster."""
    messages = render_messages(rule, subject, as_of)
    actor = actor_of(rule, subject, as_of)
    on = date_that_matters(rule, subject, as_of)
    if not isinstance(rule.requires, Deadline):
        case = next(
            ((cond, who) for cond, who in rule.pending if eval_cond(cond, (subject,), as_of, on)),
            None,
        )
        if case is None:
            return _upcoming(rule, messages, actor, None, as_of, awaiting=None)
        until = open_until(case[0])
        last = None if until is None else eval_expr(until, (subject,), as_of, on)
        return _upcoming(rule, messages, actor, None, as_of, awaiting=case[1], last_day=last)
    facts = deadline_facts(rule.requires, (subject,), as_of, on)
    return _upcoming(rule, messages, actor, facts, as_of, awaiting=None)


def compiled_upcoming(
    rule: RuleIR, finder: RuleFunctions, subject: SubjectBase, as_of: dt.date
) -> Upcoming:
    """``upcoming``, from the rule's compiled functions (``finder``)."""
    messages, actor, facts = finder.find(subject, as_of)
    case = finder.awaiting(subject, as_of) if finder.awaiting is not None else None
    if case is None:
        return _upcoming(rule, messages, actor, facts, as_of, awaiting=None)
    awaiting, last = case
    return _upcoming(rule, messages, actor, facts, as_of, awaiting=awaiting, last_day=last)


def _upcoming(
    rule: RuleIR,
    messages: tuple[tuple[str, str], ...],
    actor: str | None,
    facts: DeadlineFacts | None,
    as_of: dt.date,
    *,
    awaiting: Awaiting | None,
    last_day: Any = None,
) -> Upcoming:
    """An open duty (no ``facts``: who must act is ``awaiting``; its last day ``last_day``
    when its ``pending`` case names one, ``ir.nodes.open_until``), or a running deadline: its
    last day, or where that is not known yet its possible last days."""
    found: dict[str, Any] = {
        "rule_id": rule.id,
        "concept": rule.concept,
        "severity": rule.severity,
        "message": dict(messages)["en"],
        "messages": messages,
        "citation": rule.citations[0],
        "citations": rule.citations,
        "actor": actor,
        "authority": rule.authority,
        "severity_reason": rule.severity_reason,
    }
    if facts is None:
        if type(last_day) is not dt.date:  # none named (a date-time is no day to give)
            return Upcoming(due=None, days_left=None, awaiting=awaiting, **found)
        return Upcoming(due=last_day, days_left=(last_day - as_of).days, awaiting=awaiting, **found)
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
    """True for a deadline counted in working days: one a supplied notice, the days known
    alone, or the weekday fallback may decide."""
    return isinstance(rule.requires, Deadline) and working_days_due(rule.requires) is not None


def calendar_note(rule: RuleIR, subject: SubjectBase, as_of: dt.date) -> Note | None:
    """Which calendar decided ``rule``'s working-day deadline, when the count went past the
    years ``chinese-calendar`` covers: the supplied State Council notice, or the working days
    known alone (``None`` when the package's years decided it)."""
    d = rule.requires
    assert isinstance(d, Deadline) and isinstance(d.due, Shift)
    on = date_that_matters(rule, subject, as_of)
    start = eval_expr(d.due.date, (subject,), as_of, on)
    n = eval_expr(d.due.amount, (subject,), as_of, on)
    return _calendar_note(rule, subject, as_of, (start, n, on))


def compiled_calendar_note(
    rule: RuleIR, finder: RuleFunctions, subject: SubjectBase, as_of: dt.date
) -> Note | None:
    """``calendar_note``, what the deadline counts read by the rule's compiled function."""
    assert finder.counted is not None
    return _calendar_note(rule, subject, as_of, finder.counted(subject, as_of))


def _calendar_note(
    rule: RuleIR, subject: SubjectBase, as_of: dt.date, counted: tuple[Any, Any, dt.date]
) -> Note | None:
    """The note of ``calendar_note``, from what the deadline counts: its first day, its
    number of working days and the date that matters."""
    d = rule.requires
    assert isinstance(d, Deadline) and isinstance(d.due, Shift)
    start, n, on = counted
    last_covered = d.due.calendar.package_years[1]
    # The common case first, cheaply: a last day in the package's years (or none).
    if start is None or n is None:
        return None
    package = CHINA if d.due.calendar.until is None else WorkCalendar(until=d.due.calendar.until)
    if isinstance(start, dt.date) and package.within_known(start, n):
        return None
    facts = deadline_facts(d, (subject,), as_of, on)
    calendar = d.due.calendar
    if d.due.weekday_fallback and not (
        isinstance(start, dt.date) and calendar.within_known(start, n)
    ):
        return _weekday_fallback_note(rule, calendar, start, facts.due)
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


def _weekday_fallback_note(
    rule: RuleIR, calendar: WorkCalendar, start: Any, due: Any
) -> Note | None:
    """The note of a working-day deadline counted, in the years ``calendar`` does not know,
    Monday to Friday (``--weekday-fallback``): a verdict that year's notice may overturn."""
    if due is None:  # the period has not begun
        return None
    first, last = calendar.years
    unknown = [y for y in range(start.year, due.year + 1) if not first <= y <= last]
    if not unknown:
        return None
    years = ", ".join(str(y) for y in unknown)
    one = len(unknown) == 1
    described = calendar.describe()
    return Note(
        (
            (
                "en",
                f"{rule.id}: last day {due.isoformat()} counted with the days of {years} taken "
                "as working days Monday to Friday (--weekday-fallback): the holiday calendar "
                f"({described}) does not cover {'that year' if one else 'those years'} and no "
                f"State Council notice for {'it' if one else 'them'} was supplied, so "
                f"{'its' if one else 'their'} holidays and make-up workdays may change the "
                "verdict",
            ),
            (
                "zh",
                f"{rule.id}:最后一日{due.isoformat()},{'、'.join(str(y) for y in unknown)}年的"
                "工作日按星期一至星期五推算(--weekday-fallback):"
                f"节假日日历({described})不含该年度,也未提供该年度的国务院通知,"
                "该年度的节假日和调休安排可能改变这一认定",
            ),
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
    rules: tuple[RuleIR, ...],
    subject: SubjectBase,
    as_of: dt.date,
    presumptions: dict[tuple[str, int], Note] | None = None,
) -> tuple[tuple[NotApplicable, ...], tuple[Note, ...]]:
    """What the scopes of ``rules`` (the scoped rules in force, of one kind of subject) say of
    ``subject``: each rule whose article does not bind the subject, with the words that name
    whom it binds; and, for each scope whose field the subject leaves empty, a note that its
    rules were applied on the presumption that the subject is inside it (so that no verdict
    rests on an unstated fact). ``presumptions`` keeps those notes, which are immutable, by
    scope name and number of rules, for the next subject of the same kind."""
    excluded: list[NotApplicable] = []
    presumed: dict[str, tuple[ScopeIR, int]] = {}
    values: dict[str, Any] = {}  # one reading of a scope's field for all its rules
    reasons: dict[str, tuple[tuple[str, str], ...]] = {}  # and one text of why it excludes
    for rule in rules:
        scope = rule.scope
        if scope is None:
            continue
        name = scope.name
        if name not in values:
            values[name] = eval_expr(scope.field, (subject,), as_of)
        value = values[name]
        if value is None:
            presumed[name] = (scope, presumed.get(name, (scope, 0))[1] + 1)
        elif value not in scope.values:
            why = reasons.get(name)
            if why is None:
                why = reasons[name] = _excluded(scope, value)
            excluded.append(
                NotApplicable(
                    rule_id=rule.id,
                    concept=rule.concept,
                    severity=rule.severity,
                    scope=name,
                    reasons=why,
                    citation=scope.citation,
                )
            )
    if presumptions is None:
        presumptions = {}
    notes = []
    for scope, n in presumed.values():
        note = presumptions.get((scope.name, n))
        if note is None:
            note = presumptions[(scope.name, n)] = _presumed(scope, n)
        notes.append(note)
    return tuple(excluded), tuple(notes)


def _excluded(scope: ScopeIR, value: Any) -> tuple[tuple[str, str], ...]:
    """Why a subject whose field holds ``value`` is outside ``scope``, in English and
    Chinese."""
    field = ".".join(scope.field.path)
    return (
        ("en", f"{field} is {value}: {scope.citation} binds {scope.label_in('en')}"),
        (
            "zh",
            f"{scope.noun or field}为"
            f"{format_value(value, None, 'zh', dict(scope.words))}:"
            f"{scope.citation.label}所约束的是"
            f"{scope.label_in('zh')}",
        ),
    )


def _presumed(scope: ScopeIR, n: int) -> Note:
    """The note that ``n`` rules of ``scope`` were applied on the presumption that the
    subject, silent on its field, is inside it."""
    path = ".".join(scope.field.path)
    return Note(
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
                # decided without its last day (a year not yet published, or past 9999)
                text.append(unknown_last_day(facts, lang))
            elif part.fact is not None:
                text.append(format_value(getattr(facts, part.fact, None), part.fallback, lang))
            else:
                assert part.expr is not None
                value = eval_expr(part.expr, (subject,), as_of, on)
                text.append(format_value(value, part.fallback, lang, dict(part.words)))
        out.append((lang, "".join(text)))
    return tuple(out)
