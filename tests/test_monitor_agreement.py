"""The durable-rules monitor agrees with snapshot checks of the folded subjects.

Random event histories (several subjects of random kinds, random payloads, dates moving
forward with occasional late arrivals, ``advance_to`` steps in between) are fed to a monitor.
After every step, for every subject seen, the violations the monitor holds equal those of
``pack.check`` on the subject folded from the same events, on the monitor's clock, message
and citations included; and the violated rule ids equal those of the reference interpreter
(``egovrules.ir.interpret``). At the end the clock is advanced to the as-of date and the same
holds.

What differs by design, per rule: ``DIFFERS_BY_DESIGN`` lists the rules whose standing
violations may differ from a snapshot, and it is empty: every rule of every pack agrees at
every step. What does differ by design is the *alert log* against the end snapshot, for every
rule alike: a violation that a later event cures (a re-approval after a budget rise, a waiver,
an attribute corrected) was alerted when it arose and is absent from the end snapshot.
``test_alerts_are_the_new_violations`` pins the alert log down instead: the alerts of each step
are the violations that began to stand in it; ``test_alerts_are_those_of_a_check_on_each_day``
that they are dated on the day a check of every day the clock passes first finds them.
"""

from __future__ import annotations

import datetime as dt
import typing
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import egovrules
from egovrules.backends.base import rules_for
from egovrules.ir.interpret import evaluate_rule
from egovrules.law.verdict import Outcome
from egovrules.monitoring.events import EVENT_TYPES, EventError, apply_event, parse_event
from egovrules.monitoring.events.model import Registered, Updated, WaiverGranted
from egovrules.monitoring.monitor import Monitor
from egovrules.subjects import SUBJECT_MODELS
from egovrules.subjects.paths import resolve_path
from tests.conftest import FIXTURES
from tests.strategies import BASE, _for, pack_strings, subject_data

PACKS = {
    name: egovrules.load_pack(ref)
    for name, ref in [
        ("mini", FIXTURES / "packs" / "mini.yaml"),
        ("clock", FIXTURES / "packs" / "clock.yaml"),
        *((p, p) for p in egovrules.available_packs()),
    ]
}
STRINGS = {name: pack_strings(p.ruleset) for name, p in PACKS.items()}
KINDS = sorted(SUBJECT_MODELS)
# Rule id -> why its standing violations may differ from a snapshot check. None do.
DIFFERS_BY_DESIGN: dict[str, str] = {}
LAST_CALENDAR_DAYS = dt.date(2026, 12, 20)
REQUEST_TYPES = typing.get_args(SUBJECT_MODELS["network"].model_fields["request_type"].annotation)
# Events that start or end the packs' deadlines, drawn more often so that timers run.
TIMED = {
    "website": [
        "online",
        "interactive_column_opened",
        "important_info_published",
        "police_filed",
        "waiver_granted",
    ],
    "network": ["requested", "approved", "filed", "waiver_granted"],
    "project": [
        "declared",
        "declaration_handled",
        "accepted",
        "put_into_operation",
        "paid",
        "waiver_granted",
    ],
    "department": ["project_call_issued", "officer_posted", "officer_trained", "waiver_granted"],
}


# Histories are slow to draw and large: no deadline, no health check on either.
SLOW = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def _scalar_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Field paths an ``updated`` event may set: scalars, sets and nested scalars."""
    out = []
    for name in model.model_fields:
        if not prefix and name in ("id", "kind"):
            continue
        ftype, _ = resolve_path(model, (name,))
        if ftype.kind == "record" and ftype.model is not None:
            out.extend(_scalar_paths(ftype.model, (*prefix, name)))
        elif ftype.kind != "list":
            out.append((*prefix, name))
    return out


UPDATABLE = {k: _scalar_paths(m) for k, m in SUBJECT_MODELS.items()}


def _annotation(model: type[BaseModel], path: tuple[str, ...]) -> Any:
    for name in path[:-1]:
        ann = model.model_fields[name].annotation
        args = [a for a in typing.get_args(ann) if a is not type(None)] or [ann]
        model = args[0]
    return model.model_fields[path[-1]].annotation


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, Decimal)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, (frozenset, set, tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


@st.composite
def changes(draw: st.DrawFn, kind: str, strings: list[str], most: int) -> dict[str, Any]:
    """Dotted field paths of ``kind`` and values for them (JSON-able)."""
    paths = draw(st.lists(st.sampled_from(UPDATABLE[kind]), max_size=most, unique=True))
    return {
        ".".join(p): _jsonable(draw(_for(_annotation(SUBJECT_MODELS[kind], p), strings)))
        for p in paths
    }


@st.composite
def attributes(draw: st.DrawFn, kind: str, strings: list[str]) -> dict[str, Any]:
    """A registered subject's attributes: a few fields set, the rest left to events."""
    data: dict[str, Any] = {}
    for dotted, value in draw(changes(kind, strings, 12)).items():
        *parents, last = dotted.split(".")
        target = data
        for name in parents:
            target = target.setdefault(name, {})
        target[last] = value
    if kind == "network" and "request_type" not in data:
        data["request_type"] = draw(st.sampled_from(REQUEST_TYPES))
    return data


@st.composite
def payloads(
    draw: st.DrawFn, kind: str, strings: list[str], pack: str, day: dt.date
) -> tuple[str, dict[str, Any]]:
    """An event type of ``kind`` and a payload for it."""
    timed = draw(st.integers(0, 2)) > 0
    etype = draw(st.sampled_from(TIMED[kind] if timed else sorted(EVENT_TYPES[kind])))
    model = EVENT_TYPES[kind][etype]
    if model is Registered:
        return etype, {"attributes": {}}
    if model is Updated:
        return etype, {"set": draw(changes(kind, strings, 3))}
    if model is WaiverGranted:
        rules = PACKS[pack].rules
        waived = draw(st.sampled_from([r.id for r in rules] + [r.concept for r in rules]))
        expires = day + dt.timedelta(days=draw(st.integers(-5, 30)))
        return etype, {"rule": waived, "reason": "test", "expires": expires.isoformat()}
    return etype, _jsonable(draw(subject_data(model, strings)))


@st.composite
def histories(draw: st.DrawFn) -> tuple[str, list[tuple[str, Any]], dt.date]:
    """A pack, a list of steps (``("event", raw)`` or ``("advance", date)``), an as-of date."""
    pack = draw(st.sampled_from(sorted(PACKS)))
    strings = STRINGS[pack]
    subjects = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=3))
    steps: list[tuple[str, Any]] = []
    # around the dates the strategies use, or where the holiday calendar ends (2026)
    start = draw(st.sampled_from([BASE, LAST_CALENDAR_DAYS]))
    day = start + dt.timedelta(days=draw(st.integers(-30, 0)))
    for i, kind in enumerate(subjects):
        data = draw(attributes(kind, strings))
        data.update(id=f"s{i}", kind=kind)
        event = {
            "subject_id": f"s{i}",
            "subject_kind": kind,
            "type": "registered",
            "at": day.isoformat(),
            "payload": {"attributes": _jsonable(data)},
        }
        steps.append(("event", event))
    for _ in range(draw(st.integers(3, 12))):
        if draw(st.integers(0, 5)) == 0:
            day += dt.timedelta(days=draw(st.integers(1, 40)))
            steps.append(("advance", day))
            continue
        # mostly forward in time; sometimes a late arrival dated before the clock
        day += dt.timedelta(days=draw(st.integers(-3, 12)))
        i = draw(st.integers(0, len(subjects) - 1))
        etype, payload = draw(payloads(subjects[i], strings, pack, day))
        at: str = day.isoformat()
        if draw(st.booleans()):
            at = f"{day.isoformat()}T{draw(st.integers(0, 23)):02d}:30:00"
        steps.append(
            (
                "event",
                {
                    "subject_id": f"s{i}",
                    "subject_kind": subjects[i],
                    "type": etype,
                    "at": at,
                    "payload": payload,
                },
            )
        )
    as_of = day + dt.timedelta(days=draw(st.integers(0, 60)))
    return pack, steps, as_of


def _check_all(pack: egovrules.Pack, monitor: Any, subjects: dict[str, Any]) -> None:
    clock = monitor.clock
    for sid, subject in subjects.items():
        assert monitor.subject(sid) == subject
        snapshot = pack.check(subject, as_of=clock)
        held = [v for v in monitor.violations(sid) if v.rule_id not in DIFFERS_BY_DESIGN]
        expected = [v for v in snapshot.violations if v.rule_id not in DIFFERS_BY_DESIGN]
        assert held == expected, (sid, clock)
        waived = {w.rule for w in subject.waivers if w.expires >= clock}
        reference = {
            r.id
            for r in rules_for(pack.ruleset, subject.kind)
            if evaluate_rule(r, subject, clock) == Outcome.VIOLATED
            and not waived & {r.id, r.concept}
        }
        assert {v.rule_id for v in held} == reference - set(DIFFERS_BY_DESIGN)


@settings(SLOW, max_examples=500)
@given(history=histories())
def test_monitor_equals_snapshot_at_every_step(history: Any) -> None:
    """After every event and every clock move, each subject's standing violations are the
    snapshot check's on the folded subject, on the monitor's date; so they are at the end."""
    name, steps, as_of = history
    pack = PACKS[name]
    subjects: dict[str, Any] = {}  # the fold of the events accepted so far
    with Monitor(pack) as monitor:
        for step, value in steps:
            if step == "advance":
                monitor.advance_to(value)
            else:
                event = parse_event(value)
                try:
                    folded = apply_event(subjects.get(event.subject_id), event)
                except EventError:
                    clock = monitor.clock
                    with pytest.raises(EventError):  # the monitor refuses it too, unchanged
                        monitor.feed(event)
                    assert monitor.subject(event.subject_id) == subjects.get(event.subject_id)
                    assert monitor.clock == clock
                    continue
                monitor.feed(event)
                subjects[event.subject_id] = folded
            _check_all(pack, monitor, subjects)
        monitor.advance_to(as_of)
        _check_all(pack, monitor, subjects)


@settings(SLOW, max_examples=100)
@given(history=histories())
def test_alerts_are_the_new_violations(history: Any) -> None:
    """Each alert is a violation that was not standing before the step that raised it, and
    every violation that becomes standing is alerted, dated on the monitor's clock."""
    name, steps, as_of = history
    pack = PACKS[name]
    with Monitor(pack) as monitor:
        for step, value in [*steps, ("advance", as_of)]:
            before = {sid: set(map(_key, monitor.violations(sid))) for sid in monitor.subject_ids}
            try:
                alerts = monitor.advance_to(value) if step == "advance" else monitor.feed(value)
            except EventError:
                continue
            after = {sid: set(map(_key, monitor.violations(sid))) for sid in monitor.subject_ids}
            raised = {(a.subject_id, a.rule_id) for a in alerts}
            assert len(raised) == len(alerts), "one alert per violation that arises"
            new = {(sid, rid) for sid, ids in after.items() for rid in ids - before.get(sid, set())}
            assert new <= raised, "every violation that became standing is alerted"
            for a in alerts:
                assert a.at <= monitor.clock
                if a.cause == "event":  # a deadline alert may be cured by the step's event
                    assert a.rule_id in after[a.subject_id]


def _key(v: egovrules.Violation) -> str:
    return v.rule_id


@settings(SLOW, max_examples=300)
@given(history=histories())
def test_alerts_are_those_of_a_check_on_each_day(history: Any) -> None:
    """The alert log is what ``pack.check`` of the folded subjects on every day finds: for
    each day the clock passes, each subject is checked, and each violation not standing the
    day before is an alert dated that day; after each event its subject is checked on the
    clock's date. A violation that arises between two events is dated on its own day, and
    one cured and arising again while the clock jumps is alerted again."""
    name, steps, as_of = history
    pack = PACKS[name]
    subjects: dict[str, Any] = {}
    standing: dict[str, set[str]] = {}
    expected: list[tuple[str, str, dt.date]] = []
    clock: dt.date | None = None

    def check(sid: str, day: dt.date) -> None:
        now = {v.rule_id for v in pack.check(subjects[sid], as_of=day).violations}
        expected.extend((sid, rule, day) for rule in now - standing.get(sid, set()))
        standing[sid] = now

    def advance(when: dt.date) -> None:
        nonlocal clock
        day = clock
        while day is not None and day < when:
            day += dt.timedelta(days=1)
            for sid in subjects:
                check(sid, day)
        clock = when if clock is None else max(clock, when)

    got: list[tuple[str, str, dt.date]] = []
    with Monitor(pack) as monitor:
        for step, value in [*steps, ("advance", as_of)]:
            if step == "advance":
                advance(value)
                alerts = monitor.advance_to(value)
            else:
                event = parse_event(value)
                try:
                    folded = apply_event(subjects.get(event.subject_id), event)
                except EventError:
                    continue
                advance(event.day)
                subjects[event.subject_id] = folded
                assert clock is not None
                check(event.subject_id, clock)
                alerts = monitor.feed(event)
            got.extend((a.subject_id, a.rule_id, a.at) for a in alerts)
    assert sorted(got) == sorted(expected)
