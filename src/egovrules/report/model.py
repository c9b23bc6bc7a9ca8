"""What an evaluation returns: a ``Report`` of violations and upcoming obligations, each with
its ``Citation``. Immutable, and rendered by ``egovrules.report.render``. A report costs little
more than its outcome codes: its findings, and the messages in them, are built when first read.
``Report.to_dict``/``to_json`` (and ``Checked.to_dict``, with the positions) give a report as
the JSON document of docs/output-json.md has it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from egovrules.law.calendar import Day
from egovrules.law.citation import Citation
from egovrules.law.verdict import Outcome, Severity, severity_reason_in
from egovrules.source.span import Span

if TYPE_CHECKING:
    from egovrules.subjects.base import Waiver

__all__ = [
    "NO_FINDINGS",
    "Checked",
    "Findings",
    "NotApplicable",
    "Note",
    "Report",
    "ReportHead",
    "Undetermined",
    "Upcoming",
    "Violation",
    "citation_to_dict",
]


@dataclass(frozen=True, slots=True)
class Violation:
    """A rule the subject breaks."""

    rule_id: str
    concept: str
    severity: Severity
    message: str
    messages: tuple[tuple[str, str], ...]
    citation: Citation
    citations: tuple[Citation, ...]
    actor: str | None = None
    authority: tuple[tuple[str, str], ...] = ()
    severity_reason: str | None = None
    """Why the rule is a warning or an advisory, not an error (a key of
    ``law.verdict.SEVERITY_REASONS``); None for an error."""

    def message_in(self, language: str) -> str:
        """The message in ``language``, or in English when the pack has none in it."""
        return dict(self.messages).get(language, self.message)

    def authority_in(self, language: str) -> str | None:
        """The authority the duty answers to, named in ``language``."""
        return dict(self.authority).get(language)


@dataclass(frozen=True, slots=True)
class Upcoming:
    """An open obligation on the as-of date: a deadline that runs and has not passed, or a
    duty begun and not yet met that has no last day (``due`` and ``days_left`` are then
    ``None``), such as a request waiting for the authority's approval. A working-day deadline
    whose last day falls in a year without a published holiday notice, certainly not reached
    yet, has no ``due`` either: ``earliest_due`` and ``latest_due`` are its earliest and
    latest possible last days, where known."""

    rule_id: str
    concept: str
    severity: Severity
    due: Day | None  # a FarDate past 9999-12-31
    days_left: int | None
    message: str
    messages: tuple[tuple[str, str], ...]
    citation: Citation
    citations: tuple[Citation, ...]
    actor: str | None = None
    authority: tuple[tuple[str, str], ...] = ()
    awaiting: Literal["actor", "authority"] | None = None
    severity_reason: str | None = None
    earliest_due: Day | None = None
    latest_due: Day | None = None

    def message_in(self, language: str) -> str:
        """The message in ``language``, or in English when the pack has none in it."""
        return dict(self.messages).get(language, self.message)

    def authority_in(self, language: str) -> str | None:
        """The authority the duty answers to, named in ``language``."""
        return dict(self.authority).get(language)

    def awaiting_in(self, language: str) -> str | None:
        """Who must act while the obligation is open, named in ``language``: the actor (the
        subject's unit) or the authority, as the rule's ``awaiting`` says; ``None`` when the
        rule does not say or the subject does not name its unit."""
        if self.awaiting == "authority":
            return self.authority_in(language)
        return self.actor if self.awaiting == "actor" else None

    def status(self, language: str = "en") -> str:
        """The state of the obligation in English, for the one-line outputs: its last day and
        the days left, or that it is open without one; then who must act, if known."""
        if self.due is not None:
            when = f"due {self.due.isoformat()} ({self.days_left} day(s) left)"
        elif self.earliest_due is not None:
            when = f"running, last day not known ({self.bounds()})"
        else:
            when = "open, no time limit"
        who = self.awaiting_in(language)
        return f"{when}, awaiting {who}" if who else when

    def bounds(self, language: str = "en") -> str:
        """The possible last days of a deadline whose last day is not known."""
        unknown = "未知" if language == "zh" else "not known"
        first, last = (
            unknown if d is None else d.isoformat() for d in (self.earliest_due, self.latest_due)
        )
        if language == "zh":
            return f"最早 {first},最晚 {last}"
        return f"at the earliest {first}, at the latest {last}"


@dataclass(frozen=True, slots=True)
class Undetermined:
    """A rule that cannot be decided for the subject, and why."""

    rule_id: str
    concept: str
    severity: Severity
    reason: str
    citation: Citation
    citations: tuple[Citation, ...]
    reasons: tuple[tuple[str, str], ...] = ()
    """``reason`` in each language it is written in (English and Chinese)."""

    def reason_in(self, language: str) -> str:
        """Why the rule is undetermined, in ``language`` (``reason`` when not written in it)."""
        return dict(self.reasons).get(language) or self.reason


@dataclass(frozen=True, slots=True)
class NotApplicable:
    """A rule not applied because its article does not bind the subject: the subject's value,
    the bodies the article names (``scope``) and the citation that names them."""

    rule_id: str
    concept: str
    severity: Severity
    scope: str
    reasons: tuple[tuple[str, str], ...]
    citation: Citation

    @property
    def reason(self) -> str:
        """Why the rule was not applied, in English."""
        return self.reason_in("en")

    def reason_in(self, language: str) -> str:
        """Why the rule was not applied, in ``language`` (English when the pack has none)."""
        reasons = dict(self.reasons)
        return reasons.get(language) or reasons["en"]


@dataclass(frozen=True, slots=True)
class Note:
    """A remark on a report (a rule not applied, a presumption, the calendar that decided a
    deadline) in each language it is written in: ``texts`` pairs a language with the text,
    English always among them."""

    texts: tuple[tuple[str, str], ...]

    def text_in(self, language: str) -> str:
        """The note in ``language`` (English when it is not written in that language)."""
        texts = dict(self.texts)
        return texts.get(language) or texts["en"]


def _as_note(note: str | Note) -> Note:
    return Note((("en", note),)) if isinstance(note, str) else note


class Findings(NamedTuple):
    """What a report says beyond its outcome codes: built when first read (``Report``)."""

    violations: tuple[Violation, ...] = ()
    upcoming: tuple[Upcoming, ...] = ()
    undetermined: tuple[Undetermined, ...] = ()
    notes: tuple[Note, ...] = ()
    waived: tuple[tuple[Violation, Waiver], ...] = ()
    expired_waivers: tuple[Waiver, ...] = ()
    not_applicable: tuple[NotApplicable, ...] = ()


NO_FINDINGS = Findings()


@dataclass(frozen=True, slots=True)
class ReportHead:
    """What every report of one pack on one kind of subject shares, and how to build the
    findings of one of them: ``findings(subject, kind, as_of, codes)``."""

    subject_kind: str
    pack_id: str
    pack_version: str
    pack_hash: str
    city: str
    rule_ids: tuple[str, ...]
    findings: Callable[[Any, str, dt.date, tuple[int, ...]], Findings] | None = field(
        default=None, compare=False, repr=False
    )
    city_names: tuple[tuple[str, str], ...] = ()
    """The city's name in each language the pack gives it; ``city`` is the English one."""
    kind_zh: str = ""
    """The kind of subject's Chinese name (``网站``); ``subject_kind`` is the English one."""
    calendar: str | None = None
    """The holiday calendar that counted the pack's working days, as a report names it
    (``WorkCalendar.describe``); ``None`` for a pack none of whose rules counts them."""


class Report:
    """Everything one pack says of one subject, as of one date.

    Immutable: every field is read-only. A report made by ``Pack.check`` holds the outcome
    codes at once and builds its findings (violations with their messages in every language,
    upcoming deadlines, the undetermined rules, notes, waivers) when one of them is first
    read, from the subject it keeps; what it reads is the same either way.
    """

    __slots__ = ("_as_of", "_codes", "_findings", "_head", "_subject", "_subject_id")

    _head: ReportHead
    _subject_id: str
    _as_of: dt.date
    _codes: tuple[int, ...]
    _subject: Any
    _findings: Findings | None

    def __init__(  # noqa: PLR0917 - the positional order of the dataclass it was
        self,
        subject_id: str,
        subject_kind: str,
        pack_id: str,
        pack_version: str,
        pack_hash: str,
        city: str,
        as_of: dt.date,
        violations: tuple[Violation, ...],
        upcoming: tuple[Upcoming, ...],
        undetermined: tuple[Undetermined, ...],
        notes: tuple[str | Note, ...],
        rule_ids: tuple[str, ...],
        codes: tuple[int, ...],
        waived: tuple[tuple[Violation, Waiver], ...] = (),
        expired_waivers: tuple[Waiver, ...] = (),
        not_applicable: tuple[NotApplicable, ...] = (),
        calendar: str | None = None,
    ) -> None:
        self._head = ReportHead(
            subject_kind, pack_id, pack_version, pack_hash, city, rule_ids, calendar=calendar
        )
        self._subject_id = subject_id
        self._as_of = as_of
        self._codes = codes
        self._subject = None
        self._findings = Findings(
            violations,
            upcoming,
            undetermined,
            tuple(map(_as_note, notes)),
            waived,
            expired_waivers,
            not_applicable,
        )

    @classmethod
    def deferred(
        cls,
        head: ReportHead,
        subject: Any,
        as_of: dt.date,
        codes: tuple[int, ...],
        findings: Findings | None,
    ) -> Report:
        """The report of ``subject``: ``findings`` when known (``NO_FINDINGS``), else
        (``None``) built by ``head.findings`` when first read."""
        self = _new(cls)
        self._head = head  # no _subject_id: the kept subject's id is read when asked for
        self._as_of = as_of
        self._codes = codes
        self._subject = subject
        self._findings = findings
        return self

    def _all(self) -> Findings:
        found = self._findings
        if found is None:
            build = self._head.findings
            assert build is not None
            found = build(self._subject, self._head.subject_kind, self._as_of, self._codes)
            self._findings = found
        return found

    @property
    def subject_id(self) -> str:
        subject = self._subject
        return self._subject_id if subject is None else str(subject.id)

    @property
    def as_of(self) -> dt.date:
        return self._as_of

    @property
    def codes(self) -> tuple[int, ...]:
        """The outcome code of every rule of the subject's kind, in ``rule_ids`` order."""
        return self._codes

    @property
    def subject_kind(self) -> str:
        return self._head.subject_kind

    def subject_kind_in(self, language: str) -> str:
        """The kind of subject in ``language`` (``网站`` for a website in ``zh``, from
        rules/vocabulary/fields.yaml); ``subject_kind`` in English."""
        head = self._head
        return head.kind_zh if language == "zh" and head.kind_zh else head.subject_kind

    @property
    def pack_id(self) -> str:
        return self._head.pack_id

    @property
    def pack_version(self) -> str:
        return self._head.pack_version

    @property
    def pack_hash(self) -> str:
        return self._head.pack_hash

    @property
    def city(self) -> str:
        return self._head.city

    def city_in(self, language: str) -> str:
        """The city's name in ``language`` (``武汉`` for ``zh``); ``city`` when the pack does
        not name it in that language."""
        for lang, name in self._head.city_names:
            if lang == language:
                return name
        return self._head.city

    @property
    def calendar(self) -> str | None:
        """The holiday calendar that counted the pack's working days (the ``chinese-calendar``
        release, the years it decided, the State Council notices supplied): what a verdict on
        a working-day deadline depends on beyond the pack; ``None`` for a pack none of whose
        rules counts working days."""
        return self._head.calendar

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return self._head.rule_ids

    @property
    def violations(self) -> tuple[Violation, ...]:
        return self._all().violations

    @property
    def upcoming(self) -> tuple[Upcoming, ...]:
        return self._all().upcoming

    @property
    def undetermined(self) -> tuple[Undetermined, ...]:
        return self._all().undetermined

    @property
    def notes(self) -> tuple[str, ...]:
        """The remarks on the report, in English (``notes_in`` gives them in another
        language)."""
        return self.notes_in("en")

    def notes_in(self, language: str) -> tuple[str, ...]:
        """The remarks on the report in ``language`` (``zh``), each in English when it is not
        written in that language."""
        return tuple(n.text_in(language) for n in self._all().notes)

    @property
    def waived(self) -> tuple[tuple[Violation, Waiver], ...]:
        return self._all().waived

    @property
    def expired_waivers(self) -> tuple[Waiver, ...]:
        return self._all().expired_waivers

    @property
    def not_applicable(self) -> tuple[NotApplicable, ...]:
        """The rules not applied because their scope excludes the subject."""
        return self._all().not_applicable

    @property
    def compliant(self) -> bool:
        """True when no rule is violated and no waiver has expired."""
        if self._findings is None and not self._subject.waivers:
            return Outcome.VIOLATED not in self._codes  # no waiver can cover a violation
        return not self.violations and not self.expired_waivers

    @property
    def outcomes(self) -> dict[str, Outcome]:
        """The outcome of every rule of the subject's kind, by rule id."""
        return {rid: Outcome(code) for rid, code in zip(self.rule_ids, self.codes, strict=True)}

    def values(self) -> dict[str, Any]:
        """Every field by name, as the constructor takes them."""
        head, found = self._head, self._all()
        return {
            "subject_id": self.subject_id,
            "subject_kind": head.subject_kind,
            "pack_id": head.pack_id,
            "pack_version": head.pack_version,
            "pack_hash": head.pack_hash,
            "city": head.city,
            "as_of": self._as_of,
            "violations": found.violations,
            "upcoming": found.upcoming,
            "undetermined": found.undetermined,
            "notes": found.notes,
            "rule_ids": head.rule_ids,
            "codes": self._codes,
            "waived": found.waived,
            "expired_waivers": found.expired_waivers,
            "not_applicable": found.not_applicable,
            "calendar": head.calendar,
        }

    def replace(self, **changes: Any) -> Report:
        """A copy with the fields named changed (what ``dataclasses.replace`` did)."""
        return Report(**(self.values() | changes))

    __replace__ = replace  # copy.replace, Python 3.13

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Report):
            return NotImplemented
        return self.values() == other.values()

    def __hash__(self) -> int:
        return hash(tuple(self.values().values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.values().items())
        return f"Report({fields})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.values(),))

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """The report as JSON-ready data: one entry of the ``reports`` array that
        ``egovrules check --format json`` prints (docs/output-json.md), each finding's
        ``message`` in ``language``. ``subject.source`` and each ``location`` are ``null``: a
        report alone does not know its file (``Checked.to_dict`` does)."""
        return _report_to_dict(Checked(self), language)

    def to_json(self, language: str = "en") -> str:
        """``to_dict`` as JSON text: two-space indentation, UTF-8 characters unescaped, a
        final newline, keys in the documented order."""
        return json.dumps(self.to_dict(language), ensure_ascii=False, indent=2) + "\n"


_new = object.__new__


def _rebuild(values: dict[str, Any]) -> Report:
    return Report(**values)


@dataclass(frozen=True, slots=True)
class Checked:
    """A report with where its subject came from, for renderers that point into files."""

    report: Report
    source: str | None = None
    file: str | None = None
    locations: tuple[tuple[str, Span], ...] = ()
    traces: tuple[tuple[str, Any], ...] = ()
    fingerprints: tuple[tuple[str, str], ...] = ()
    """Rule id → the identity of its violation (``engine.baseline.fingerprint``)."""
    external_waivers: tuple[Waiver, ...] = ()
    """The waivers a waivers file gave the subject, not written in its data (SARIF's
    ``external`` suppressions; those of the subject's own data are ``inSource``)."""
    waiver_spans: tuple[tuple[Waiver, Span | None], ...] = ()
    """Each waiver the subject was checked with, in order, and where it is written: its
    entry in the subject's file, or in the waivers file that gave it."""

    def location(self, rule_id: str) -> Span | None:
        """The position of the field a finding of ``rule_id`` is about."""
        return dict(self.locations).get(rule_id)

    def expired_waiver_locations(self) -> list[tuple[Waiver, Span | None]]:
        """Each expired waiver of the report, with where it is written (where it is renewed
        or removed): two equal waivers, one in each file, are each placed at their own."""
        unused = list(self.waiver_spans)
        out: list[tuple[Waiver, Span | None]] = []
        for w in self.report.expired_waivers:
            i = next((k for k, (x, _) in enumerate(unused) if x == w), None)
            out.append((w, None if i is None else unused.pop(i)[1]))
        return out

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """The report as the JSON document's ``reports[]`` entry, with its source and the
        location of each finding."""
        return _report_to_dict(self, language)


def citation_to_dict(c: Citation) -> dict[str, Any]:
    """A citation as JSON."""
    return {
        "city": c.city,
        "article": c.article,
        "label": c.label,
        "paragraph": c.paragraph,
        "item": c.item,
        "language": c.language,
        "quote": c.quote,
        "quote_en": c.quote_en,
        "quotes": dict(c.quotes),
        "source_languages": list(c.sources or (c.language,)),
        "translations": [lang for lang, _ in c.quotes if not c.is_source(lang)],
    }


def _span(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"file": span.file, "line": span.line, "column": span.col}


def _waiver(w: Waiver) -> dict[str, Any]:
    return {"rule": w.rule, "reason": w.reason, "expires": w.expires.isoformat()}


class _Where(NamedTuple):
    """What a report's findings look up by rule id: read once a report, not once a finding."""

    locations: dict[str, Span]
    fingerprints: dict[str, str]
    traces: dict[str, Any]


def _finding(
    v: Violation | Upcoming | Undetermined, language: str, where: _Where
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule_id": v.rule_id,
        "concept": v.concept,
        "severity": v.severity.value,
    }
    if isinstance(v, Undetermined):
        out["reason"] = v.reason_in(language)
        out["reasons"] = dict(v.reasons) or {"en": v.reason}
    else:
        out["message"] = v.message_in(language)
        out["messages"] = dict(v.messages)
    if isinstance(v, Upcoming):
        out["due"] = None if v.due is None else v.due.isoformat()
        out["days_left"] = v.days_left
        out["earliest_due"] = None if v.earliest_due is None else v.earliest_due.isoformat()
        out["latest_due"] = None if v.latest_due is None else v.latest_due.isoformat()
    if not isinstance(v, Undetermined):
        out["actor"] = v.actor
        out["authority"] = dict(v.authority) or None
        out["severity_reason"] = (
            None
            if v.severity_reason is None
            else {
                "kind": v.severity_reason,
                "text": severity_reason_in(v.severity_reason, language),
            }
        )
    if isinstance(v, Upcoming):
        out["awaiting"] = v.awaiting
    out["location"] = _span(where.locations.get(v.rule_id))
    fingerprint = where.fingerprints.get(v.rule_id)
    if fingerprint is not None and not isinstance(v, Undetermined):
        out["fingerprint"] = fingerprint
    out["citation"] = citation_to_dict(v.citation)
    out["citations"] = [citation_to_dict(c) for c in v.citations]
    trace = where.traces.get(v.rule_id)
    if trace is not None:
        out["explanation"] = trace
    return out


def _not_applicable(n: NotApplicable, language: str) -> dict[str, Any]:
    return {
        "rule_id": n.rule_id,
        "concept": n.concept,
        "severity": n.severity.value,
        "outcome": "not_applicable",
        "scope": n.scope,
        "reason": n.reason_in(language),
        "reasons": dict(n.reasons),
        "citation": citation_to_dict(n.citation),
    }


_LABELS = {o.value: o.label for o in Outcome}  # an outcome code's name in outputs


def _report_to_dict(checked: Checked, language: str) -> dict[str, Any]:
    r = checked.report
    head = r._head
    where = _Where(dict(checked.locations), dict(checked.fingerprints), dict(checked.traces))
    return {
        "subject": {"id": r.subject_id, "kind": head.subject_kind, "source": checked.source},
        "pack": {
            "id": head.pack_id,
            "version": head.pack_version,
            "sha256": head.pack_hash,
            "city": head.city,
            "calendar": head.calendar,
        },
        "as_of": r.as_of.isoformat(),
        "compliant": r.compliant,
        "violations": [_finding(v, language, where) for v in r.violations],
        "upcoming": [_finding(u, language, where) for u in r.upcoming],
        "undetermined": [_finding(u, language, where) for u in r.undetermined],
        "waived": [{**_finding(v, language, where), "waiver": _waiver(w)} for v, w in r.waived],
        "expired_waivers": [_waiver(w) for w in r.expired_waivers],
        "not_applicable": [_not_applicable(n, language) for n in r.not_applicable],
        "notes": list(r.notes_in(language)),
        "note_texts": [dict(n.texts) for n in r._all().notes],
        "outcomes": {rid: _LABELS[code] for rid, code in zip(r.rule_ids, r.codes, strict=True)},
    }
