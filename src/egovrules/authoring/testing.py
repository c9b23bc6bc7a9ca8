"""Running a pack's own examples (the ``tests`` section) and measuring what they cover.

A case names a fixture, applies dotted-path overrides, and states the exact set of rules the
subject violates (and, optionally, the exact sets pending, undetermined and not applicable
because the rule's scope excludes the subject). ``run_pack_tests`` reports each
case; ``uncovered_rules`` lists rules no case violates or no case shows applied and satisfied.
"""

from __future__ import annotations

import copy
from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ValidationError

from egovrules.engine.pack import Pack
from egovrules.law.verdict import Outcome
from egovrules.packdata.model import TestCaseModel
from egovrules.report.model import Report
from egovrules.source.document import validation_diagnostics
from egovrules.source.errors import Diagnostic, PackError
from egovrules.source.suggest import did_you_mean
from egovrules.subjects import SUBJECT_MODELS, validate_subject
from egovrules.subjects.paths import FieldType, PathError, resolve_path

__all__ = ["CaseResult", "run_pack_tests", "uncovered_rules"]


@dataclass(frozen=True)
class CaseResult:
    """The result of one case: passed, or what differed."""

    case: TestCaseModel
    report: Report
    missing: tuple[str, ...]
    unexpected: tuple[str, ...]
    pending_missing: tuple[str, ...]
    pending_unexpected: tuple[str, ...]
    undetermined_missing: tuple[str, ...] = ()
    undetermined_unexpected: tuple[str, ...] = ()
    not_applicable_missing: tuple[str, ...] = ()
    not_applicable_unexpected: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """True when the outcome is exactly as the case states."""
        return not (
            self.missing
            or self.unexpected
            or self.pending_missing
            or self.pending_unexpected
            or self.undetermined_missing
            or self.undetermined_unexpected
            or self.not_applicable_missing
            or self.not_applicable_unexpected
        )


def run_pack_tests(pack: Pack) -> list[CaseResult]:
    """Run every case of the pack's tests; raise ``PackError`` for a case that cannot run."""
    diagnostics: list[Diagnostic] = []
    results = []
    known = {r.id for r in pack.rules}
    for i, case in enumerate(pack.tests.cases):
        path: tuple[Hashable, ...] = ("tests", "cases", i)
        subject = _case_subject(pack, case, path, diagnostics)
        for field in ("violations", "pending", "undetermined", "not_applicable"):
            for j, rid in enumerate(getattr(case, field) or ()):
                if rid not in known:
                    diagnostics.append(
                        _diag(pack, "E402", f"unknown rule id {rid!r}", (*path, field, j))
                    )
        if subject is None:
            continue
        checker = pack
        if case.calendar_until is not None:  # the calendar as it stood: later notices too
            until, calendar = case.calendar_until, pack.ruleset.calendar
            kept = tuple(n for n in calendar.notices if n.year <= until)
            checker = pack.using(replace(calendar, until=until, notices=kept))
        report = checker.check(subject, as_of=case.as_of)
        got = {v.rule_id for v in report.violations}
        want = set(case.violations)
        got_p = {u.rule_id for u in report.upcoming}
        want_p = set(case.pending) if case.pending is not None else got_p
        got_u = {u.rule_id for u in report.undetermined}
        want_u = set(case.undetermined) if case.undetermined is not None else got_u
        got_n = {n.rule_id for n in report.not_applicable}
        want_n = set(case.not_applicable) if case.not_applicable is not None else got_n
        results.append(
            CaseResult(
                case,
                report,
                tuple(sorted(want - got)),
                tuple(sorted(got - want)),
                tuple(sorted(want_p - got_p)),
                tuple(sorted(got_p - want_p)),
                tuple(sorted(want_u - got_u)),
                tuple(sorted(got_u - want_u)),
                tuple(sorted(want_n - got_n)),
                tuple(sorted(got_n - want_n)),
            )
        )
    if diagnostics:
        doc = pack.document
        raise PackError(diagnostics, doc.text if doc else None)
    return results


def uncovered_rules(pack: Pack, results: list[CaseResult]) -> dict[str, list[str]]:
    """Rules with no violating case, and rules with no case where they apply and hold."""
    violated: set[str] = set()
    satisfied: set[str] = set()
    for r in results:
        for rid, outcome in r.report.outcomes.items():
            if outcome == Outcome.VIOLATED:
                violated.add(rid)
            elif outcome == Outcome.SATISFIED:
                satisfied.add(rid)
    ids = [r.id for r in pack.rules]
    return {
        "never_violated": [i for i in ids if i not in violated],
        "never_satisfied": [i for i in ids if i not in satisfied],
    }


def _case_subject(
    pack: Pack, case: TestCaseModel, path: tuple[Hashable, ...], diagnostics: list[Diagnostic]
) -> Any:
    fixture = pack.tests.fixtures.get(case.subject)
    if fixture is None:
        diagnostics.append(
            _diag(pack, "E400", f"unknown fixture {case.subject!r}", (*path, "subject"))
        )
        return None
    data = copy.deepcopy(fixture)
    model = SUBJECT_MODELS.get(data.get("kind", ""))
    for dotted, value in case.set.items():
        unknown = None if model is None else _unknown_path(model, dotted.split("."))
        if unknown is None and not _assign(data, dotted.split("."), value):
            unknown = f"cannot set {dotted!r} in the fixture", None  # e.g. past a list's end
        if unknown is not None:  # at the path itself, the key of the ``set:`` entry
            message, hint = unknown
            where = doc.span((*path, "set", dotted), key=True) if (doc := pack.document) else None
            diagnostics.append(Diagnostic("E401", message, where, hint))
            return None
    try:
        return validate_subject(data)
    except ValidationError as exc:
        if pack.document is not None and not case.set:
            diagnostics.extend(
                validation_diagnostics(
                    exc, pack.document, "E403", ("tests", "fixtures", case.subject)
                )
            )
        else:
            first = exc.errors(include_url=False)[0]
            loc = ".".join(map(str, first["loc"]))
            diagnostics.append(
                _diag(
                    pack,
                    "E403",
                    f"the case's subject is invalid: {first['msg']} at {loc}",
                    _set_path(case, path, loc),
                )
            )
        return None
    except ValueError as exc:  # an unknown kind (ValidationError is a ValueError too)
        diagnostics.append(_diag(pack, "E403", str(exc), (*path, "subject")))
        return None


def _set_path(case: TestCaseModel, path: tuple[Hashable, ...], loc: str) -> tuple[Hashable, ...]:
    """Where an invalid value of the case's subject was written: the ``set:`` entry that
    wrote ``loc`` (or a record holding it), else the case."""
    for dotted in case.set:
        if loc == dotted or loc.startswith(dotted + "."):
            return (*path, "set", dotted)
    return path


def _unknown_path(model: type[BaseModel], parts: list[str]) -> tuple[str, str | None] | None:
    """Why a ``set:`` path is not one of the subject model (message and hint), or None. A digit
    step indexes the list before it (and steps into its item); after a record or a value it is
    no path of the model. The path a case could never change (removing a field no subject has)
    is an error, not a case that passes unchanged."""
    dotted = ".".join(parts)
    here: FieldType | None = None  # what the path so far yields; None: the subject itself
    for k, part in enumerate(parts):
        before = ".".join(parts[:k])
        if part.isdigit() and here is not None:
            if here.kind not in ("list", "set") or here.item is None:
                rest = parts[:k] + parts[k + 1 :]
                fixed = k + 1 < len(parts) and _unknown_path(model, rest) is None
                hint = f"did you mean {'.'.join(rest)!r}?" if fixed else None
                return f"cannot set {dotted!r}: {before!r} is a {here.kind}, not a list", hint
            here = here.item
            continue
        record = model if here is None else here.model if here.kind == "record" else None
        if record is None:
            kind = here.kind if here else "value"
            return f"cannot set {dotted!r}: {before!r} is a {kind}, it has no fields", None
        try:
            here, _ = resolve_path(record, (part,))
        except PathError as exc:
            known = [".".join((*parts[:k], f)) for f in record.model_fields]
            hint = did_you_mean(".".join(parts[: k + 1]), known) or exc.hint
            return f"unknown field {'.'.join(parts[: k + 1])!r} in {model.__name__}", hint
    return None


def _assign(data: Any, parts: list[str], value: Any) -> bool:
    for part in parts[:-1]:
        if isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        elif isinstance(data, dict):
            if data.get(part) is None:
                data[part] = {}
            data = data[part]
        else:
            return False
    last = parts[-1]
    if isinstance(data, list) and last.isdigit() and int(last) < len(data):
        data[int(last)] = value
    elif isinstance(data, dict):
        if value is None:
            data.pop(last, None)
        else:
            data[last] = value
    else:
        return False
    return True


def _diag(pack: Pack, code: str, message: str, path: tuple[Hashable, ...]) -> Diagnostic:
    doc = pack.document
    return Diagnostic(code, message, doc.span(path) if doc else None)
