"""A check run: many subject inputs through the packs they name, filtered, gated.

What ``egovrules check`` does, as functions other systems can call: read every input (a bad
one is an error in the result, not the end of the run), load each city's pack once, evaluate,
keep only the rules asked for, locate each finding in its file, and decide the exit code
(3, a bug, beats 2 beats 1 beats 0).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from egovrules.engine.baseline import fingerprint
from egovrules.engine.exitcodes import ExitCode
from egovrules.engine.inputs import LoadedSubject, find_inputs, read_subjects
from egovrules.engine.pack import Pack, load_pack, today_in_china
from egovrules.ir.nodes import RuleIR
from egovrules.law.calendar import CHINA, WorkCalendar
from egovrules.law.verdict import Severity
from egovrules.packdata.bundled import available_packs
from egovrules.report.failures import InputFailure, failures_of
from egovrules.report.model import Checked, Report
from egovrules.source.errors import (
    Diagnostic,
    EgovrulesError,
    InternalError,
    SubjectError,
    UsageError,
)
from egovrules.source.suggest import did_you_mean

if TYPE_CHECKING:
    from egovrules.engine.waivers import SharedWaiver
    from egovrules.source.span import Span

__all__ = [
    "FailOn",
    "RunOptions",
    "RunResult",
    "check_loaded",
    "check_only",
    "filter_report",
    "pack_for",
    "run_check",
]

FailOn = Literal["error", "warning", "advisory", "never"]
ROWS_EVERY = 256  # subjects between two calls of run_check's ``rows``
_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.ADVISORY: 1}
_THRESHOLD = {"error": 3, "warning": 2, "advisory": 1, "never": 99}


@dataclass(frozen=True)
class RunOptions:
    """What to check and how to judge it. ``exclude``: glob patterns of files left out
    (``engine.inputs.excluded``); ``skip_without_kind``: files without a subject ``kind`` are
    skipped even when named one by one (as a pre-commit hook names them), not only when a
    directory or a glob found them; ``fingerprints``: give each violation its identity
    (``engine.baseline.fingerprint``, for baselines; it costs a trace per violation);
    ``waivers``: the entries of a waivers file (``engine.waivers``), added to the waivers of
    the subjects they match; ``inline_waivers=False``: the waivers written in a subject's own
    data are ignored (only the waivers file's hold: a checked file cannot waive its own
    violations)."""

    city: str | None = None
    kind: str | None = None
    as_of: dt.date | None = None
    weekday_fallback: bool = False
    calendar: WorkCalendar = CHINA
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    fail_on: FailOn = "warning"
    explain: bool = False
    exclude: tuple[str, ...] = ()
    skip_without_kind: bool = False
    fingerprints: bool = False
    waivers: tuple[SharedWaiver, ...] = ()
    inline_waivers: bool = True

    def dated(self) -> RunOptions:
        """These options with the as-of date fixed: when none was given, today in
        Asia/Shanghai, read once, so that a run through midnight there judges every subject
        on the day it began (``check_loaded`` with none reads the clock per subject)."""
        if self.as_of is not None:
            return self
        return dataclasses.replace(self, as_of=today_in_china())


@dataclass
class RunResult:
    """Every report, every input error, the packs used, and the files skipped for having no
    subject ``kind``."""

    checked: list[Checked] = field(default_factory=list)
    errors: list[EgovrulesError] = field(default_factory=list)
    packs: dict[str, Pack] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[InputFailure]:
        """The errors as records the output formats show: one per diagnostic, with its code
        and, when it has one, its file, line and column."""
        return failures_of(self.errors)

    def exit_code(self, fail_on: FailOn = "warning") -> ExitCode:
        """3 if judging any input hit a bug, else 2 if any input could not be judged, else 1
        if a finding reaches ``fail_on``."""
        if any(isinstance(e, InternalError) for e in self.errors):
            return ExitCode.INTERNAL
        if self.errors:
            return ExitCode.ERROR
        threshold = _THRESHOLD[fail_on]
        for item in self.checked:
            r = item.report
            if r.expired_waivers and threshold <= 3:
                return ExitCode.VIOLATIONS
            if any(_RANK[v.severity] >= threshold for v in r.violations):
                return ExitCode.VIOLATIONS
        return ExitCode.OK


def _matches(patterns: Sequence[str], rule_id: str, concept: str) -> bool:
    return any(fnmatch.fnmatchcase(rule_id, p) or fnmatch.fnmatchcase(concept, p) for p in patterns)


def check_only(only: Sequence[str], packs: Iterable[Pack]) -> None:
    """``UsageError`` for the first pattern of ``only`` that matches no rule id or concept of
    ``packs``: a misspelt ``--only`` would check nothing, and every subject would pass. (A
    ``--skip`` that matches nothing leaves out nothing, and is no error.)"""
    packs = list(packs)
    if not packs or not only:
        return
    names = frozenset().union(*(_maps_of(pack)[2] for pack in packs))
    for pattern in only:
        if not any(fnmatch.fnmatchcase(name, pattern) for name in names):
            ids = ", ".join(sorted(pack.id for pack in packs))
            hint = did_you_mean(pattern, names)
            raise UsageError(
                f"only {pattern!r} matches no rule id or concept of {ids}: it would check "
                "nothing" + (f" ({hint})" if hint else "")
            )


def filter_report(
    report: Report,
    only: Sequence[str] = (),
    skip: Sequence[str] = (),
    concepts: Mapping[str, str] | None = None,
) -> Report:
    """The report restricted to rules matching ``only`` (rule ids or concepts, glob patterns)
    and not matching ``skip``; ``concepts`` maps rule ids to concepts for the outcome list."""
    if not only and not skip:
        return report

    def keep(rule_id: str, concept: str) -> bool:
        if only and not _matches(only, rule_id, concept):
            return False
        return not _matches(skip, rule_id, concept)

    known = concepts or {}

    def keep_waiver(named: str) -> bool:
        # A waiver names a rule id or a concept: it is kept when a rule it covers is (an
        # expired waiver of a checked rule is a finding whatever name it was given by).
        covered = [rid for rid in report.rule_ids if named in (rid, known.get(rid))]
        if not covered:
            return keep(named, named)
        return any(keep(rid, known.get(rid, "")) for rid in covered)

    kept = [
        (rid, code)
        for rid, code in zip(report.rule_ids, report.codes, strict=True)
        if keep(rid, known.get(rid, ""))
    ]
    return report.replace(
        violations=tuple(v for v in report.violations if keep(v.rule_id, v.concept)),
        upcoming=tuple(u for u in report.upcoming if keep(u.rule_id, u.concept)),
        undetermined=tuple(u for u in report.undetermined if keep(u.rule_id, u.concept)),
        waived=tuple((v, w) for v, w in report.waived if keep(v.rule_id, v.concept)),
        expired_waivers=tuple(w for w in report.expired_waivers if keep_waiver(w.rule)),
        not_applicable=tuple(n for n in report.not_applicable if keep(n.rule_id, n.concept)),
        rule_ids=tuple(rid for rid, _ in kept),
        codes=tuple(code for _, code in kept),
    )


def run_check(
    arguments: Sequence[str],
    options: RunOptions,
    progress: Callable[[int, int], None] | None = None,
    rows: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Check every subject the arguments name (files, directories, globs, ``-``).

    ``progress(files done, files)`` is called after each file; ``rows(subjects checked,
    subjects read)`` every ``ROWS_EVERY`` subjects and after each file, for the long runs a
    file of many subjects (JSON Lines) makes. ``UsageError`` when a pattern of ``only``
    matches no rule of the packs the subjects were checked by (``check_only``)."""
    result = RunResult()
    options = options.dated()
    inputs = find_inputs(arguments, options.exclude)
    checked = read = 0
    ids: dict[tuple[str, str], str] = {}  # each subject's kind and id: where it was first read
    for done, (name, walked) in enumerate(inputs, 1):
        skipped = result.skipped if walked or options.skip_without_kind else None
        try:
            subjects, errors = read_subjects(name, options.kind, skipped=skipped)
        except Exception as exc:  # a bug in reading: reported, and the batch goes on
            subjects, errors = [], []
            result.errors.append(InternalError(name, exc))
        result.errors.extend(errors)
        read += len(subjects)
        for loaded in subjects:
            try:
                if options.waivers or options.fingerprints:  # what names subjects by id
                    _claim_id(loaded, ids)
                result.checked.append(check_loaded(loaded, options, result.packs))
            except EgovrulesError as exc:
                result.errors.append(exc)
            except Exception as exc:  # a bug: reported, and the batch goes on
                result.errors.append(InternalError(loaded.source, exc))
            checked += 1
            if rows is not None and checked % ROWS_EVERY == 0:
                rows(checked, read)
        if rows is not None:
            rows(checked, read)
        if progress is not None:
            progress(done, len(inputs))
    check_only(options.only, result.packs.values())
    return result


def _claim_id(loaded: LoadedSubject, ids: dict[tuple[str, str], str]) -> None:
    """Record where the subject's kind and id were first read; ``SubjectError`` (E307, at its
    id) when another subject of the run has them. A waivers file and a baseline name subjects
    by id: in a run with one, a second subject under an id (a file the change under review
    adds) would take the waivers and the known violations of the first. (Without them an id
    names nothing across files, and a draft beside its subject may share it.)"""
    subject = loaded.subject
    key = (subject.kind, subject.id)
    first = ids.get(key)
    if first is None:
        ids[key] = loaded.source
        return
    id_path = (*loaded.path, "id")
    raise SubjectError(
        [
            Diagnostic(
                "E307",
                f"another {subject.kind} of this run has the id {subject.id!r} ({first}): "
                "a waiver or a baseline naming it would cover both",
                loaded.document.span(id_path),
                "give each subject an id of its own",
                path=id_path,
            )
        ],
        loaded.document.text,
    )


def check_loaded(loaded: LoadedSubject, options: RunOptions, packs: dict[str, Pack]) -> Checked:
    """One subject checked as ``egovrules check`` checks it: by the pack ``pack_for`` gives,
    filtered by ``only``/``skip``, each finding located in its document (and explained when
    ``options.explain``). ``SubjectError`` when the subject names another pack."""
    subject = loaded.subject
    if not options.inline_waivers and subject.waivers:
        subject = subject.model_copy(update={"waivers": ()})
    written: list[Span | None] = [
        loaded.span_of(("waivers", i)) for i in range(len(subject.waivers))
    ]
    inline = len(written)
    if options.waivers:  # a waivers file read (its model is defined only then)
        from egovrules.engine.waivers import with_waivers  # noqa: PLC0415

        subject, entries = with_waivers(subject, options.waivers)
        written += [e.span for e in entries]
    pack = pack_for(
        loaded,
        options.city,
        packs,
        weekday_fallback=options.weekday_fallback,
        calendar=options.calendar,
    )
    rules, concepts, _ = _maps_of(pack)
    report = filter_report(
        pack.check(subject, as_of=options.as_of), options.only, options.skip, concepts
    )
    findings = {v.rule_id for v in report.violations}
    findings |= {u.rule_id for u in report.upcoming} | {v.rule_id for v, _ in report.waived}
    locations = tuple((rid, loaded.span_of(rules[rid].anchor)) for rid in sorted(findings))
    violated = sorted(
        {v.rule_id for v in report.violations} | {v.rule_id for v, _ in report.waived}
        if options.fingerprints
        else ()
    )
    traced = sorted(findings) if options.explain else violated
    explained: dict[str, Any] = {}
    if traced:
        # only for --explain and fingerprints
        from egovrules.ir.explain import explain_rule  # noqa: PLC0415

        explained = {rid: explain_rule(rules[rid], subject, report.as_of) for rid in traced}
    traces = tuple(explained.items()) if options.explain else ()
    fingerprints = tuple(
        (rid, fingerprint(report.subject_id, rid, explained[rid])) for rid in violated
    )
    external = subject.waivers[inline:]  # added after the subject's own (``with_waivers``)
    return Checked(
        report,
        loaded.source,
        loaded.document.file,
        locations,
        traces,
        fingerprints,
        external,
        tuple(zip(subject.waivers, written, strict=True)),
    )


_Maps = tuple[dict[str, RuleIR], dict[str, str], frozenset[str]]
_MAPS: weakref.WeakKeyDictionary[Pack, _Maps] = weakref.WeakKeyDictionary()


def _maps_of(pack: Pack) -> _Maps:
    """The pack's rules and their concepts by rule id, and the names ``--only`` matches (its
    rule ids and concepts), built once a pack (not a subject, not a request)."""
    maps = _MAPS.get(pack)
    if maps is None:
        maps = _MAPS[pack] = (
            {r.id: r for r in pack.rules},
            {r.id: r.concept for r in pack.rules},
            frozenset(name for r in pack.rules for name in (r.id, r.concept)),
        )
    return maps


def pack_for(
    loaded: LoadedSubject,
    city: str | None,
    packs: dict[str, Pack],
    *,
    weekday_fallback: bool = False,
    calendar: WorkCalendar = CHINA,
) -> Pack:
    """The pack ``loaded`` is checked by, loaded once into ``packs``.

    ``city`` is the caller's choice (``--city``: a bundled id or a pack file). Without it, the
    subject's own ``city`` field is read as the id of a bundled pack and nothing else: a
    subject never chooses the file that is its law. Errors are positioned at the subject."""
    subject = loaded.subject
    text = loaded.document.text
    city_path = (*loaded.path, "city")
    if city is None:
        if subject.city is None:
            raise SubjectError(
                [
                    Diagnostic(
                        "E304",
                        "no city: give --city or a 'city' field",
                        loaded.span_of(()),
                        path=loaded.path,
                    )
                ],
                text,
            )
        if subject.city not in available_packs():
            hint = did_you_mean(subject.city, available_packs())
            raise SubjectError(
                [
                    Diagnostic(
                        "E305",
                        f"city {subject.city!r} is not a bundled pack "
                        f"({', '.join(available_packs())})",
                        loaded.document.span(city_path),
                        hint
                        or "a pack file is chosen by the caller (--city FILE), never by "
                        "the subject",
                        path=city_path,
                    )
                ],
                text,
            )
        city = subject.city
    pack = packs.get(city)
    if pack is None:
        pack = packs[city] = load_pack(city, weekday_fallback=weekday_fallback, calendar=calendar)
    if subject.city and subject.city != pack.id:
        raise SubjectError(
            [
                Diagnostic(
                    "E306",
                    f"the subject's city is {subject.city!r}, not {pack.id!r}",
                    loaded.document.span(city_path),
                    path=city_path,
                )
            ],
            text,
        )
    return pack
