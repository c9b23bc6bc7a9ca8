"""The compiled findings (``egovrules.backends.messages``) say what the reference interpreter
says, byte for byte: every rule's message in every language, its actor, the facts of its
deadline (last day, days left, possible last days), who must act while it is open, and the
note on the calendar that decided a working-day deadline.

The comparison is made for every rule of the subject's kind, whatever its outcome (a message
is written the same way for a satisfied rule as for a violated one), on every subject of every
case of the four bundled packs' own tests (``rules/*.yaml`` ``tests:``, each on its as-of date
and calendar), on every example of ``examples/``, and on generated subjects.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import egovrules
from egovrules.authoring.testing import _case_subject
from egovrules.engine import findings
from egovrules.engine.inputs import read_subjects
from egovrules.engine.pack import Pack
from egovrules.ir.interpret import date_that_matters
from egovrules.ir.message_values import failing, missing
from egovrules.ir.nodes import Deadline
from egovrules.subjects import SUBJECT_MODELS, parse_subject
from tests.conftest import ROOT
from tests.strategies import DATES, pack_strings, subject_data
from tests.test_backend_agreement import PACKS as FEATURE_PACKS  # the city packs and two more

PACKS = egovrules.available_packs()
EXAMPLE_DATES = (dt.date(2020, 1, 1), dt.date(2026, 3, 22), dt.date(2027, 6, 30))


def _outcome(build: Any, *args: Any) -> Any:
    """What ``build(*args)`` returns, or the class and text of what it raises (a placeholder
    whose value cannot be known raises, the same in both)."""
    try:
        return build(*args)
    except Exception as exc:  # compared, never swallowed: the other side must raise it too
        return (type(exc), str(exc))


def _disagreements(pack: Pack, subject: Any, as_of: dt.date) -> list[str]:
    """The rules of ``subject``'s kind whose compiled violation or open obligation differs
    from the interpreted one on ``as_of`` (each read for every rule, whatever its outcome)."""
    rules = pack._rules[subject.kind]
    compiled = pack._messages.functions(subject.kind)
    out = []
    for rule, functions in zip(rules, compiled, strict=True):
        pairs = [
            (
                _outcome(findings.compiled_violation, rule, functions, subject, as_of),
                _outcome(findings.violation, rule, subject, as_of),
            )
        ]
        if isinstance(rule.requires, Deadline) or rule.pending:
            pairs.append(
                (
                    _outcome(findings.compiled_upcoming, rule, functions, subject, as_of),
                    _outcome(findings.upcoming, rule, subject, as_of),
                )
            )
        if findings.counts_working_days(rule):
            pairs.append(
                (
                    _outcome(findings.compiled_calendar_note, rule, functions, subject, as_of),
                    _outcome(findings.calendar_note, rule, subject, as_of),
                )
            )
        out += [f"{rule.id}: {fast!r} != {slow!r}" for fast, slow in pairs if fast != slow]
    return out


def _case_subjects(name: str) -> list[tuple[Pack, Any, dt.date]]:
    """Each case of the pack's own tests: the pack on the case's calendar, its subject, its
    as-of date (as ``egovrules test`` runs it)."""
    pack = egovrules.load_pack(name)
    out = []
    for case in pack.tests.cases:
        subject = _case_subject(pack, case, (), [])
        checker = pack
        if case.calendar_until is not None:
            calendar = pack.ruleset.calendar
            kept = tuple(n for n in calendar.notices if n.year <= case.calendar_until)
            checker = pack.using(
                dataclasses.replace(calendar, until=case.calendar_until, notices=kept)
            )
        out.append((checker, subject, case.as_of))
    return out


@pytest.mark.parametrize("name", PACKS)
def test_every_case_of_the_pack_reads_the_same_compiled(name: str) -> None:
    """Every rule on every case subject of the pack's tests: messages, actor, deadline facts
    and who must act are the interpreter's."""
    cases = _case_subjects(name)
    assert len(cases) >= 20
    wrong = [w for pack, subject, as_of in cases for w in _disagreements(pack, subject, as_of)]
    assert wrong == []


@pytest.mark.parametrize("name", PACKS)
def test_every_example_reads_the_same_compiled(name: str) -> None:
    """Every rule on every example of examples/<city>, before, on and after the dates the
    examples are written for."""
    pack = egovrules.load_pack(name)
    wrong = []
    for subject in example_subjects(name):
        for as_of in EXAMPLE_DATES:
            wrong += _disagreements(pack, subject, as_of)
    assert wrong == []


def example_subjects(name: str) -> list[Any]:
    """The subject of each example of examples/<name>."""
    files = sorted((ROOT / "examples" / name).glob("*.yaml"))
    assert files
    out = []
    for path in files:
        (loaded,), errors = read_subjects(str(path))
        assert errors == []
        out.append(loaded.subject)
    return out


def test_the_cases_reach_every_kind_of_placeholder() -> None:
    """The cases above read every kind of placeholder the packs write (a subject's field, a
    parameter, each fact of a deadline, {@missing} and {@failing}, a fallback), and name
    something missing and some failing item in both languages, so that the lists those two
    write are compared, not only their fallbacks."""
    seen: set[str] = set()
    named: set[tuple[str | None, str]] = set()
    for name in PACKS:
        for pack, subject, as_of in _case_subjects(name):
            for rule in pack._rules[subject.kind]:
                on = date_that_matters(rule, subject, as_of)
                for lang, parts in rule.messages:
                    for part in parts:
                        if isinstance(part, str):
                            continue
                        seen.add(part.fact or type(part.expr).__name__)
                        if part.fallback is not None:
                            seen.add("fallback")
                        find = {"missing": missing, "failing": failing}.get(part.fact or "")
                        if find is not None and find(part, subject, as_of, on, lang):
                            named.add((part.fact, lang))
    assert {"Field", "Param", "due", "elapsed", "late", "missing", "failing", "fallback"} <= seen
    assert named == {(fact, lang) for fact in ("missing", "failing") for lang in ("en", "zh")}


def test_a_broken_placeholder_is_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison fails when one placeholder is written otherwise: a compiled backend
    whose Chinese messages show the English fallback of a missing filing differs."""
    pack = egovrules.load_pack("wuhan")
    rule = next(r for r in pack.rules if r.id == "wuhan.website.police_filing_15_days")
    (_, zh), (_, en) = sorted(rule.messages, key=lambda m: m[0] != "zh")
    broken = tuple(
        dataclasses.replace(p, fallback="none") if not isinstance(p, str) and p.fallback else p
        for p in zh
    )
    assert broken != zh
    ruleset = dataclasses.replace(
        pack.ruleset,
        rules=tuple(
            dataclasses.replace(r, messages=(("en", en), ("zh", broken))) if r is rule else r
            for r in pack.ruleset.rules
        ),
    )
    wrong_pack = Pack(ruleset)
    monkeypatch.setattr(wrong_pack, "_rules", pack._rules)  # the reference reads the real rule
    (loaded,), _ = read_subjects(str(ROOT / "examples" / "wuhan" / "website-compliant.yaml"))
    site = loaded.subject.model_copy(update={"police_filing": None})
    wrong = _disagreements(wrong_pack, site, dt.date(2026, 3, 22))
    assert {w.split(":")[0] for w in wrong} == {rule.id}  # its violation and its upcoming
    assert all(
        "尚未备案" in w.split(" != ")[1] and "尚未备案" not in w.split(" != ")[0] for w in wrong
    )


@pytest.mark.parametrize("pack_ref", FEATURE_PACKS, ids=lambda p: str(p).rsplit("/", 1)[-1])
@pytest.mark.parametrize("kind", sorted(SUBJECT_MODELS))
def test_generated_subjects_read_the_same_compiled(pack_ref: Any, kind: str) -> None:
    """On generated subjects and as-of dates, every rule's compiled findings are the
    interpreter's."""
    pack = egovrules.load_pack(pack_ref)
    if not pack._rules[kind]:
        return
    strings = pack_strings(pack.ruleset)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=subject_data(SUBJECT_MODELS[kind], strings), as_of=DATES)
    def agree(data: dict[str, Any], as_of: dt.date) -> None:
        assert _disagreements(pack, parse_subject(data), as_of) == []

    agree()


@pytest.mark.parametrize("name", PACKS)
def test_pack_texts_are_never_spliced_into_the_generated_code(name: str) -> None:
    """Every text of a message (its words, a fallback) is a bound constant of the generated
    module, never part of its source: the source holds no Chinese character, and none of the
    English words of a message."""
    pack = egovrules.load_pack(name)
    source = "".join(pack._messages.sources.values())
    assert source.isascii()
    for rule in pack.rules:
        for _, parts in rule.messages:
            texts = [p if isinstance(p, str) else (p.fallback or "") for p in parts]
            assert [t for t in texts if len(t) >= 12 and t in source] == [], rule.id


def test_a_kind_s_findings_are_generated_when_first_read() -> None:
    """A pack built without the cache generates no finding's code until a report's findings
    are read, and then only its subject's kind's; the pack cache asks for them all."""
    ruleset = egovrules.load_pack("wuhan").ruleset
    pack = Pack(ruleset)
    (loaded,), _ = read_subjects(
        str(ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml")
    )
    report = pack.check(loaded.subject, as_of=dt.date(2026, 3, 22))
    assert pack._messages._parts == {}
    assert report.violations
    assert set(pack._messages._parts) == {"website"}
    assert set(pack._messages.parts()) == {"department", "network", "project", "website"}
