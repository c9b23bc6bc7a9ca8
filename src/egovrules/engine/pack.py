"""The compiled pack: the object a user checks subjects with.

``load_pack`` reads, validates and compiles a pack once; ``Pack.check`` then evaluates a
subject with the compiled backend and builds the ``Report``. A ``Pack`` is immutable after
construction and holds no global state, so one instance may be shared across threads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from egovrules.backends.base import rules_for
from egovrules.backends.messages import MessageBackend
from egovrules.backends.python import PythonBackend
from egovrules.engine import findings
from egovrules.engine.cache import cache_dir, entry_key, read_entry, write_entry
from egovrules.engine.findings import (
    apply_waivers,
    compiled_upcoming,
    compiled_violation,
    counts_working_days,
    scope_findings,
    scopes_hold,
)
from egovrules.ir.nodes import RuleIR, RuleSet
from egovrules.law.calendar import CHINA, WorkCalendar
from egovrules.law.verdict import Outcome
from egovrules.packdata.bundled import available_packs, bundled_dir
from egovrules.report.model import (
    NO_FINDINGS,
    Findings,
    NotApplicable,
    Note,
    Report,
    ReportHead,
    Undetermined,
    Upcoming,
    Violation,
)
from egovrules.source.document import Document, DocumentError, parse_document, read_bounded
from egovrules.source.errors import PackError, UsageError
from egovrules.source.suggest import did_you_mean
from egovrules.subjects import SUBJECT_KINDS, SUBJECT_MODELS, parse_subject

if TYPE_CHECKING:
    from egovrules.packdata.model import PackModel, TestsModel
    from egovrules.subjects.base import SubjectBase

# The deprecated ``Pack.monitor`` builds what ``egovrules.monitoring`` registers here when it is
# imported (``import egovrules`` does): the engine never imports the layer above it.
_monitor_factory: list[Callable[[Pack, Mapping[str, Any] | None], Any]] = []


def register_monitor(factory: Callable[[Pack, Mapping[str, Any] | None], Any]) -> None:
    """Called once by ``egovrules.monitoring``: what the deprecated ``Pack.monitor`` builds."""
    _monitor_factory[:] = [factory]


__all__ = ["Pack", "load_bundled_pack", "load_pack", "register_monitor", "today_in_china"]

_SHANGHAI = ZoneInfo("Asia/Shanghai")


def today_in_china() -> dt.date:
    """Today's date in Asia/Shanghai, the default as-of date."""
    return dt.datetime.now(_SHANGHAI).date()


def as_of_date(value: object) -> dt.date:
    """The evaluation date a caller gave: a ``date``; a ``datetime`` (a ``date`` too, which a
    rule cannot compare with its dates) is its day in China Standard Time (a naive one is
    read as China time); ``None`` is today there. Anything else is a ``TypeError`` naming it."""
    if value is None:
        return today_in_china()
    if isinstance(value, dt.datetime):
        return (value.astimezone(_SHANGHAI) if value.tzinfo else value).date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"as_of must be a datetime.date, not {type(value).__name__}: {value!r}")


def load_pack(
    name_or_path: str | Path,
    *,
    weekday_fallback: bool = False,
    calendar: WorkCalendar = CHINA,
) -> Pack:
    """Load a bundled pack by id (``"wuhan"``) or a pack file by path, compiled and ready.

    ``weekday_fallback=True`` opts into counting working days Monday to Friday in years the
    Chinese holiday calendar does not cover; by default such rules are ``undetermined``
    unless the answer does not depend on the unknown days. ``calendar`` is the working-day
    calendar to count on: ``egovrules.load_calendar([notice files])`` adds the State
    Council's notices for years the package does not cover yet (``Pack.check`` takes one too).

    Raises ``PackError`` (with every positioned diagnostic) for a bad pack and ``UsageError``
    for an unknown id.
    """
    text = str(name_or_path)
    if isinstance(name_or_path, str) and text in available_packs():
        return load_bundled_pack(text, weekday_fallback=weekday_fallback, calendar=calendar)
    path = Path(text)
    if not (path.suffix in (".yaml", ".yml") or path.exists()):
        raise UsageError(
            f"no bundled pack {text!r}; available: {', '.join(available_packs()) or 'none'}"
        )
    return _load_file(path, weekday_fallback, calendar)


def load_bundled_pack(
    pack_id: str, *, weekday_fallback: bool = False, calendar: WorkCalendar = CHINA
) -> Pack:
    """Load a bundled pack by id only: never a file, whatever ``pack_id`` holds. What a
    subject names (its ``city``) is loaded this way, so that no input chooses its own law.

    Raises ``UsageError`` for an id that is not a bundled pack."""
    if pack_id not in available_packs():
        raise UsageError(
            f"no bundled pack {pack_id!r}; available: {', '.join(available_packs()) or 'none'}"
        )
    return _load_file(bundled_dir() / f"{pack_id}.yaml", weekday_fallback, calendar)


def _load_file(path: Path, weekday_fallback: bool, calendar: WorkCalendar = CHINA) -> Pack:
    """The pack compiled from ``path``: from the pack cache when it holds this very file
    compiled by this very egovrules (``egovrules.engine.cache``), else read, validated,
    compiled and kept there."""
    raw = _read(path)
    # A calendar with supplied notices is compiled each time: the cache keeps the package's.
    cached = cache_dir() is not None and calendar == CHINA
    key = entry_key(raw, str(path), weekday_fallback) if cached else None
    kept = read_entry(key) if key is not None else None
    if kept is not None:
        ruleset, compiled, messages = kept
        return Pack(
            ruleset,
            backend=PythonBackend(ruleset, compiled),
            messages=MessageBackend(ruleset, messages),
            path=path,
        )
    # Reading, validating and compiling a pack text is imported only when a pack is compiled.
    from egovrules.ir.compile import compile_document  # noqa: PLC0415

    doc, model = _validated(raw, path)
    ruleset = compile_document(doc, model, weekday_fallback=weekday_fallback, calendar=calendar)
    pack = Pack(ruleset, model, doc)
    if key is not None:
        write_entry(key, pack.ruleset, pack._backend.parts(), pack._messages.parts())
    return pack


def _read(path: Path) -> bytes:
    try:
        return read_bounded(path, str(path))
    except DocumentError as exc:
        raise PackError(exc.diagnostics, exc.text) from None


def _validated(raw: bytes, path: Path) -> tuple[Document, PackModel]:
    from egovrules.ir.compile import validate_document  # noqa: PLC0415

    try:
        doc = parse_document(raw, str(path))
    except DocumentError as exc:
        raise PackError(exc.diagnostics, exc.text) from None
    return doc, validate_document(doc)


class Pack:
    """A compiled rule pack."""

    def __init__(
        self,
        ruleset: RuleSet,
        model: PackModel | None = None,
        document: Document | None = None,
        *,
        backend: PythonBackend | None = None,
        messages: MessageBackend | None = None,
        path: Path | None = None,
    ) -> None:
        """``backend`` and ``messages``: the rule set's conditions and findings already
        compiled (from the pack cache); ``path``: the file the rule set came from, read again
        for ``model``, ``document`` and ``tests`` when they are first asked for."""
        self.ruleset = ruleset
        self._backend = backend if backend is not None else PythonBackend(ruleset)
        self._messages = messages if messages is not None else MessageBackend(ruleset)
        self._rules = {k: rules_for(ruleset, k) for k in SUBJECT_KINDS}
        # Per kind, its working-day deadlines: a report names the calendar that decided them.
        self._calendar_rules = {
            k: tuple(i for i, r in enumerate(rs) if counts_working_days(r))
            for k, rs in self._rules.items()
        }
        self._noted = frozenset(k for k, rules in self._calendar_rules.items() if rules)
        # Every report of a pack that counts working days names its calendar (described once
        # here, not once a report); one that counts none names none, and does not change when
        # a chinese-calendar release adds a year.
        calendar = ruleset.calendar.describe() if self._noted else None
        self._calendar_named = calendar
        # Per kind: what its reports share, and its compiled rules (subject, as_of) -> codes.
        self._kinds = {
            k: (
                ReportHead(
                    k,
                    ruleset.pack_id,
                    ruleset.version,
                    ruleset.content_hash,
                    ruleset.city,
                    tuple(r.id for r in rs),
                    self._findings,
                    ruleset.city_names,
                    dict(ruleset.kind_names).get(k, k),
                    calendar,
                ),
                self._backend.functions.get(k, _no_rules),
            )
            for k, rs in self._rules.items()
        }
        # Filled as each kind's model is first checked: a model is imported only when used.
        self._by_class: dict[type[Any], tuple[ReportHead, Evaluate]] = {}
        # Per kind: its rules that name a scope, by index, and the scopes they name (a subject
        # outside one, or silent on it, has findings without any violation).
        self._scoped = {
            k: tuple((i, r) for i, r in enumerate(rs) if r.scope is not None)
            for k, rs in self._rules.items()
        }
        self._scopes = {
            k: tuple({r.scope.name: r.scope for _, r in scoped if r.scope}.values())
            for k, scoped in self._scoped.items()
        }
        # Per kind: the notes of a subject presumed inside a scope, by scope and count.
        self._presumptions: dict[str, dict[tuple[str, int], Note]] = {k: {} for k in self._rules}
        # Per kind: its scoped rules, all in force (as on most reports).
        self._scoped_rules = {k: tuple(r for _, r in scoped) for k, scoped in self._scoped.items()}
        self._model = model
        self._document = document
        self._path = path if model is None else None
        self._with_calendar: dict[WorkCalendar, Pack] = {}

    def _source(self) -> None:
        """Read the pack file again, for a pack loaded from the cache."""
        path = self._path
        if path is None:
            return
        doc, model = _validated(_read(path), path)
        if doc.content_hash != self.ruleset.content_hash:
            raise UsageError(f"{path} has changed since its pack was loaded: load it again")
        self._model, self._document, self._path = model, doc, None

    @property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar the pack counts on."""
        return self.ruleset.calendar

    @property
    def calendar_named(self) -> str | None:
        """The holiday calendar as this pack's reports name it (``pack.calendar`` of the JSON
        report); ``None`` for a pack with no working-day deadline."""
        return self._calendar_named

    def using(self, calendar: WorkCalendar) -> Pack:
        """This pack counting working days on ``calendar`` (compiled once per calendar)."""
        if calendar == self.ruleset.calendar:
            return self
        pack = self._with_calendar.get(calendar)
        if pack is None:
            document, model = self.document, self.model
            if document is None or model is None:
                raise UsageError("a pack built from IR alone cannot change its calendar")
            from egovrules.ir.compile import compile_document  # noqa: PLC0415

            ruleset = compile_document(
                document, model, weekday_fallback=self.ruleset.weekday_fallback, calendar=calendar
            )
            pack = self._with_calendar[calendar] = Pack(ruleset, model, document)
        return pack

    @property
    def id(self) -> str:
        """The pack id, such as ``wuhan``."""
        return self.ruleset.pack_id

    @property
    def rules(self) -> tuple[RuleIR, ...]:
        """Every rule, in report order."""
        return self.ruleset.rules

    @property
    def tests(self) -> TestsModel:
        """The pack's own examples."""
        from egovrules.packdata.model import TestsModel  # noqa: PLC0415

        model = self.model
        return model.tests if model is not None else TestsModel()

    @property
    def model(self) -> PackModel | None:
        """The validated pack document (``None`` for a pack built from IR alone)."""
        if self._model is None:
            self._source()
        return self._model

    @property
    def document(self) -> Document | None:
        """The source document the pack was compiled from, if it came from a file."""
        if self._document is None:
            self._source()
        return self._document

    def monitor(self, state: Mapping[str, Any] | None = None) -> Any:
        """Deprecated (0.2.0; removed in 0.3.0): use ``egovrules.Monitor(pack, state)``, which
        this returns (docs/monitor.md). Warns with a ``DeprecationWarning``."""
        warnings.warn(
            "Pack.monitor() is deprecated and will be removed in egovrules 0.3.0: "
            "use egovrules.Monitor(pack, state)",
            DeprecationWarning,
            stacklevel=2,
        )
        if not _monitor_factory:
            raise RuntimeError("import egovrules (or egovrules.monitoring) first")
        return _monitor_factory[0](self, state)

    def check(
        self,
        subject: SubjectBase | Mapping[str, Any],
        as_of: dt.date | None = None,
        *,
        calendar: WorkCalendar | None = None,
    ) -> Report:
        """Evaluate every rule of the subject's kind; return the ``Report``.

        ``subject`` is a subject model, or raw data validated here (``SubjectError`` when it is
        not valid). ``as_of`` defaults to today in Asia/Shanghai. The report's findings
        (violations and their messages, upcoming deadlines, notes) are built when first read.
        ``calendar`` counts working days on another calendar than the pack's
        (``egovrules.load_calendar``).
        """
        if calendar is not None and calendar != self.ruleset.calendar:
            return self.using(calendar).check(subject, as_of)
        # A subject model's class finds its kind's entry at once; anything else is validated
        # (a mapping) or looked up by its kind (a subclass of a model). The report keeps the
        # codes and builds the rest when first read (``_findings``).
        entry = self._by_class.get(subject.__class__)
        if entry is None:
            subject = _subject(subject)
            entry = self._kinds[subject.kind]
            if subject.__class__ is SUBJECT_MODELS[subject.kind]:
                self._by_class[subject.__class__] = entry
        head, evaluate = entry
        if type(as_of) is not dt.date:  # (the common case: one test)
            as_of = as_of_date(as_of)
        return _deferred(head, subject, as_of, evaluate(subject, as_of), None)

    def _findings(
        self, subject: SubjectBase, kind: str, when: dt.date, codes: tuple[int, ...]
    ) -> Findings:
        """What the report of ``subject`` says beyond its codes, built when first read."""
        # Codes 2 and up (violated, pending, undetermined, not in force) each make a finding;
        # a waiver may be expired; a kind whose rules name a scope reports the rules it
        # excludes (or that it presumed the subject inside); a working-day deadline may need
        # a note on its calendar. Else the report has none.
        held = scopes_hold(self._scopes[kind], subject, when)
        if (
            _FINDING_CODES.isdisjoint(codes)
            and not subject.waivers
            and kind not in self._noted
            and held
        ):
            return NO_FINDINGS
        violations: list[Violation] = []
        upcoming: list[Upcoming] = []
        undetermined: list[Undetermined] = []
        rules = self._rules[kind]
        compiled = self._messages.functions(kind)  # messages, actor, facts: compiled
        for i, code in enumerate(codes):
            if code < _VIOLATED:  # not applicable, satisfied: nothing to say
                continue
            if code == _VIOLATED:
                violations.append(compiled_violation(rules[i], compiled[i], subject, when))
            elif code == _PENDING:
                upcoming.append(compiled_upcoming(rules[i], compiled[i], subject, when))
            elif code == _UNDETERMINED:
                undetermined.append(findings.undetermined(rules[i], subject, when))
        standing, waived, expired = apply_waivers(violations, subject.waivers, when)
        # A subject inside every scope of its kind is neither excluded nor presumed inside.
        excluded: tuple[NotApplicable, ...] = ()
        presumed: tuple[Note, ...] = ()
        if not held:
            scoped = self._scoped_rules[kind]
            if _NOT_IN_FORCE in codes:
                scoped = tuple(r for i, r in self._scoped[kind] if codes[i] != _NOT_IN_FORCE)
            presumptions = self._presumptions[kind]
            excluded, presumed = scope_findings(scoped, subject, when, presumptions)
        notes = self._notes(codes) + presumed + self._calendar_notes(subject, kind, when, codes)
        return Findings(
            standing,
            tuple(upcoming),
            tuple(undetermined),
            notes,
            waived,
            expired,
            excluded,
        )

    def violations_of(
        self, subject: SubjectBase, indices: Iterable[int], as_of: dt.date
    ) -> list[Violation]:
        """The violations of the rules at ``indices`` of the subject's kind (in
        ``backends.base.rules_for`` order), written as a report writes them (the compiled
        findings): what the monitor builds for the rules that fired."""
        kind = subject.kind
        rules = self._rules[kind]
        compiled = self._messages.functions(kind)
        return [compiled_violation(rules[i], compiled[i], subject, as_of) for i in indices]

    def explain(
        self,
        subject: SubjectBase | Mapping[str, Any],
        rule_id: str,
        as_of: dt.date | None = None,
    ) -> dict[str, Any]:
        """The evaluation trace of rule ``rule_id`` on ``subject`` as JSON-ready data: the
        object ``egovrules explain --format json`` prints (``outcome``, ``date_that_matters``,
        each condition of ``when`` and ``requires`` with the values it read and whether it
        held, the citation).

        ``subject`` and ``as_of`` are as for ``check``. ``UsageError`` for a rule id the pack
        does not have (with the nearest id as a hint) or a rule of another kind of subject."""
        subject = _subject(subject)
        rule = next((r for r in self.rules if r.id == rule_id), None)
        if rule is None:
            hint = did_you_mean(rule_id, [r.id for r in self.rules])
            raise UsageError(f"no rule {rule_id!r} in pack {self.id}{f'; {hint}' if hint else ''}")
        if rule.subject != subject.kind:
            raise UsageError(
                f"{rule.id} applies to {rule.subject} subjects, not to a {subject.kind}"
            )
        from egovrules.ir.explain import explain_rule  # noqa: PLC0415 - only when asked

        return explain_rule(rule, subject, as_of_date(as_of))

    def _calendar_notes(
        self, subject: SubjectBase, kind: str, when: dt.date, codes: tuple[int, ...]
    ) -> tuple[Note, ...]:
        """Which calendar decided each working-day deadline that reached past the package's
        years: a supplied notice, or the working days known alone."""
        rules = self._rules[kind]
        compiled = self._messages.functions(kind)
        out = []
        for i in self._calendar_rules[kind]:
            if codes[i] in _DECIDED:  # satisfied, violated or pending: a last day counted
                note = findings.compiled_calendar_note(rules[i], compiled[i], subject, when)
                if note is not None:
                    out.append(note)
        return tuple(out)

    def _notes(self, codes: tuple[int, ...]) -> tuple[Note, ...]:
        """Why rules were not applied, when the pack was not yet in force."""
        skipped = codes.count(Outcome.NOT_IN_FORCE)
        if not skipped:
            return ()
        city = self.ruleset.city
        zh = dict(self.ruleset.city_names).get("zh", city)
        return (findings.not_in_force_note(skipped, (city, zh), self.ruleset.effective),)


_deferred = Report.deferred
Evaluate = Callable[[Any, dt.date], tuple[int, ...]]
# The codes as plain ints: compared once per rule of a report, faster than the enum's members.
_VIOLATED, _PENDING, _UNDETERMINED, _NOT_IN_FORCE = (
    int(o) for o in (Outcome.VIOLATED, Outcome.PENDING, Outcome.UNDETERMINED, Outcome.NOT_IN_FORCE)
)
_DECIDED = frozenset(int(o) for o in (Outcome.SATISFIED, Outcome.VIOLATED, Outcome.PENDING))
# A set test is the cheapest scan of a tuple of small ints (max() compares each pair).
_FINDING_CODES = frozenset(
    {Outcome.VIOLATED, Outcome.PENDING, Outcome.UNDETERMINED, Outcome.NOT_IN_FORCE}
)


def _no_rules(subject: SubjectBase, as_of: dt.date) -> tuple[int, ...]:
    return ()


def _subject(value: SubjectBase | Mapping[str, Any]) -> SubjectBase:
    """``value`` if it is a subject model, else ``value`` validated as one: a mapping of a
    known kind by its model at once, any problem as ``parse_subject`` reports it (with the
    codes and locations of its diagnostics)."""
    if value.__class__ is dict:
        kind = value.get("kind")
        model = SUBJECT_MODELS.get(kind) if kind.__class__ is str else None
        if model is not None:
            # A valid subject, as most are, is validated once, with none of the diagnostics'
            # bookkeeping; an invalid one is validated again below to explain why.
            with contextlib.suppress(ValidationError):
                return model.model_validate(value)
    # Imported here: ``import egovrules`` defines no pydantic model, the first subject does.
    from egovrules.subjects.base import SubjectBase  # noqa: PLC0415

    if isinstance(value, SubjectBase):
        return value
    return parse_subject(dict(value) if isinstance(value, Mapping) else value)
