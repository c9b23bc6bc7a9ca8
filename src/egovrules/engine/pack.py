"""The compiled pack: the object a user checks subjects with.

``load_pack`` reads, validates and compiles a pack once; ``Pack.check`` then evaluates a
subject with the compiled backend and builds the ``Report``. A ``Pack`` is immutable after
construction and holds no global state, so one instance may be shared across threads.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from egovrules.backends.base import rules_for
from egovrules.backends.python import PythonBackend
from egovrules.engine import findings
from egovrules.engine.findings import apply_waivers, counts_working_days, violation
from egovrules.ir.compile import compile_document, validate_document
from egovrules.ir.nodes import RuleIR, RuleSet
from egovrules.law.calendar import CHINA, WorkCalendar
from egovrules.law.verdict import Outcome
from egovrules.packdata.bundled import available_packs, bundled_dir
from egovrules.packdata.model import PackModel, TestsModel
from egovrules.report.model import Report, Undetermined, Upcoming, Violation
from egovrules.source.document import Document, DocumentError, read_document
from egovrules.source.errors import Diagnostic, PackError, SubjectError, UsageError
from egovrules.subjects import SUBJECT_MODELS, SubjectBase, parse_subject

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


def _load_file(path: Path, weekday_fallback: bool, calendar: WorkCalendar) -> Pack:
    try:
        doc = read_document(path)
    except DocumentError as exc:
        raise PackError(exc.diagnostics, exc.text) from None
    model = validate_document(doc)
    ruleset = compile_document(doc, model, weekday_fallback=weekday_fallback, calendar=calendar)
    return Pack(ruleset, model, doc)


class Pack:
    """A compiled rule pack."""

    def __init__(
        self, ruleset: RuleSet, model: PackModel | None = None, document: Document | None = None
    ) -> None:
        self.ruleset = ruleset
        self._backend = PythonBackend(ruleset)
        self._rules = {k: rules_for(ruleset, k) for k in SUBJECT_MODELS}
        self._rule_ids = {k: tuple(r.id for r in rs) for k, rs in self._rules.items()}
        self._model = model
        self._document = document
        self._calendar_rules = {
            k: tuple(i for i, r in enumerate(rs) if counts_working_days(r))
            for k, rs in self._rules.items()
        }
        self._with_calendar: dict[WorkCalendar, Pack] = {}

    @property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar the pack counts on."""
        return self.ruleset.calendar

    def using(self, calendar: WorkCalendar) -> Pack:
        """This pack counting working days on ``calendar`` (compiled once per calendar)."""
        if calendar == self.ruleset.calendar:
            return self
        pack = self._with_calendar.get(calendar)
        if pack is None:
            if self._document is None or self._model is None:
                raise UsageError("a pack built from IR alone cannot change its calendar")
            ruleset = compile_document(
                self._document,
                self._model,
                weekday_fallback=self.ruleset.weekday_fallback,
                calendar=calendar,
            )
            pack = self._with_calendar[calendar] = Pack(ruleset, self._model, self._document)
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
        return self._model.tests if self._model is not None else TestsModel()

    @property
    def model(self) -> PackModel | None:
        """The validated pack document (``None`` for a pack built from IR alone)."""
        return self._model

    @property
    def document(self) -> Document | None:
        """The source document the pack was compiled from, if it came from a file."""
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
        not valid). ``as_of`` defaults to today in Asia/Shanghai. ``calendar`` counts working
        days on another calendar than the pack's (``egovrules.load_calendar``).
        """
        if calendar is not None and calendar != self.ruleset.calendar:
            return self.using(calendar).check(subject, as_of)
        if not isinstance(subject, SubjectBase):
            subject = _validate(subject)
        when = as_of if as_of is not None else today_in_china()
        kind = subject.kind
        codes = self._backend.outcomes(kind, subject, when)
        violations: list[Violation] = []
        upcoming: list[Upcoming] = []
        undetermined: list[Undetermined] = []
        if any(code >= Outcome.VIOLATED for code in codes):
            for rule, code in zip(self._rules[kind], codes, strict=True):
                if code == Outcome.VIOLATED:
                    violations.append(violation(rule, subject, when))
                elif code == Outcome.PENDING:
                    upcoming.append(findings.upcoming(rule, subject, when))
                elif code == Outcome.UNDETERMINED:
                    undetermined.append(findings.undetermined(rule, subject, when))
        standing, waived, expired = apply_waivers(violations, subject.waivers, when)
        return Report(
            subject_id=subject.id,
            subject_kind=kind,
            pack_id=self.ruleset.pack_id,
            pack_version=self.ruleset.version,
            pack_hash=self.ruleset.content_hash,
            city=self.ruleset.city,
            as_of=when,
            violations=standing,
            upcoming=tuple(upcoming),
            undetermined=tuple(undetermined),
            notes=self._notes(codes) + self._calendar_notes(kind, subject, when, codes),
            rule_ids=self._rule_ids[kind],
            codes=codes,
            waived=waived,
            expired_waivers=expired,
        )

    def _calendar_notes(
        self, kind: str, subject: SubjectBase, when: dt.date, codes: tuple[int, ...]
    ) -> tuple[str, ...]:
        """Which calendar decided each working-day deadline that reached past the package's
        years: a supplied notice, or the working days known alone."""
        rules = self._rules[kind]
        out = []
        for i in self._calendar_rules[kind]:
            if codes[i] in (Outcome.SATISFIED, Outcome.VIOLATED, Outcome.PENDING):
                note = findings.calendar_note(rules[i], subject, when)
                if note is not None:
                    out.append(note)
        return tuple(out)

    def _notes(self, codes: tuple[int, ...]) -> tuple[str, ...]:
        """Why rules were not applied, when the pack was not yet in force."""
        skipped = sum(1 for c in codes if c == Outcome.NOT_IN_FORCE)
        if not skipped:
            return ()
        effective = self.ruleset.effective
        return (
            f"{skipped} rule(s) not applied: the {self.ruleset.city} measures take effect on "
            f"{effective.isoformat() if effective else '?'}, after the date that matters",
        )


def _validate(data: Mapping[str, Any]) -> SubjectBase:
    try:
        return parse_subject(dict(data))
    except ValidationError as exc:
        raise SubjectError(
            [
                Diagnostic("E300", f"{'.'.join(map(str, e['loc']))}: {e['msg']}")
                for e in exc.errors(include_url=False)
            ]
        ) from None
    except ValueError as exc:
        raise SubjectError([Diagnostic("E303", str(exc))]) from None
