"""Monitoring subjects through their life cycle: events in, violations out, as they arise.

A ``Monitor`` (``Monitor(pack)``) keeps, for each subject it has seen, the subject folded from
its events (``egovrules.monitoring.events.fold``) and the rules it violates now. ``feed(event)``
applies one event and returns an ``Alert`` for each violation that arises; ``advance_to(day)``
moves the clock and returns the alerts of the deadlines that passed. The rules are the pack's,
compiled into durable-rules rulesets (``egovrules.backends.durable``); each violation is built
exactly as ``Pack.check`` builds it, with the same message and citations.

**Time is event time.** The clock is the latest event date (or ``advance_to`` date) seen;
nothing reads the wall clock and nothing sleeps. A pending deadline sets a timer on the day
after its last day in time (a working-day deadline whose last day falls in a year without a
published holiday notice: after its earliest possible last day, then, while undetermined,
after its latest possible one); the timer fires when an event or ``advance_to`` moves the clock
past it, and the subject is evaluated again on that day. Replaying last year's events gives
last year's violations, on the days they arose. An event dated before the clock (a late
arrival) is applied and judged on the clock's date; the clock never goes back.

Other ways a verdict can change with time alone are handled too: on the dates a rule comes
into force or a parameter takes a new value, every subject is evaluated again; a clock
advance evaluates again the subjects whose verdict under a rule reading the evaluation date
itself (``@as_of``) can change, each on the day it can (``egovrules.monitoring.clock``).

**Snapshots.** ``snapshot()`` returns the monitor's state as JSON-able data (format in
``egovrules.monitoring.state``) and ``Monitor(pack, ...)`` rebuilds a monitor from it that
behaves from then on exactly as the original would have: same alerts, same standing violations.
``egovrules watch --checkpoint`` saves it so that a restart loses no event.

A monitor is not thread-safe: use one thread per monitor (monitors are independent of one
another, in one process or many). ``close()`` (or a ``with`` block) frees its durable-rules
rulesets; garbage collection does too.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

from egovrules.backends.durable import DurableProgram, KindProgram, compile_durable, walk_ir
from egovrules.backends.durable_session import DurableSession
from egovrules.backends.durable_slots import CompiledFacts, FactFunction

# Violations are built and waivers applied as in a snapshot check: the same functions, so the
# two cannot drift apart.
from egovrules.engine.findings import apply_waivers
from egovrules.engine.pack import Pack, register_monitor
from egovrules.ir.nodes import Param, RuleIR
from egovrules.law.calendar import Day
from egovrules.monitoring.clock import Wakes
from egovrules.monitoring.events.fold import apply_event
from egovrules.monitoring.events.model import Event, event_date, parse_event
from egovrules.monitoring.state import STATE_FORMAT, pack_identity, read_state, unknown_rule
from egovrules.report.model import Violation
from egovrules.source.errors import UsageError
from egovrules.subjects import Subject

__all__ = ["Alert", "Monitor"]

Cause = Literal["event", "deadline", "clock"]


@dataclass(frozen=True, slots=True)
class Alert:
    """A violation that arose: on which subject, on which day, and what brought it about
    (an ``event``, a ``deadline`` that passed, or the ``clock`` reaching a date that matters)."""

    subject_id: str
    subject_kind: str
    at: dt.date
    cause: Cause
    violation: Violation

    @property
    def rule_id(self) -> str:
        """The violated rule."""
        return self.violation.rule_id


class Monitor:
    """The pack's rules watching a stream of events: ``Monitor(pack)``, or
    ``Monitor(pack, state)`` to carry on from a ``snapshot()``."""

    def __init__(self, pack: Pack, state: Mapping[str, Any] | None = None) -> None:
        self._pack = pack
        self._program, self._compiled = _compiled(pack)
        self._sessions: dict[str, DurableSession] = {}
        # per kind with rules, once a subject of it is evaluated: its program, its session,
        # its compiled fact
        self._kinds: dict[str, tuple[KindProgram, DurableSession, FactFunction]] = {}
        self._subjects: dict[str, Subject] = {}
        self._violated: dict[str, frozenset[int]] = {}  # rule indexes durable-rules fired
        self._standing: dict[str, frozenset[str]] = {}  # those no waiver covers, by rule id
        self._closed = False
        self._timers: list[tuple[dt.date, str]] = []
        self._timer_set: set[tuple[dt.date, str]] = set()
        self._clock: dt.date | None = None
        self._milestones = sorted(_milestones(pack.rules))
        # What a new date re-evaluates: the subjects whose verdict under a rule reading the
        # date it can change, in the order of their first event (``_rank``).
        self._wakes = Wakes(pack.rules)
        self._rank: dict[str, int] = {}
        if state is not None:
            self._restore(state)

    # -- the API ---------------------------------------------------------------------------

    @property
    def clock(self) -> dt.date | None:
        """The monitor's date: the latest event or ``advance_to`` date (None before any)."""
        return self._clock

    def feed(self, event: Event | Mapping[str, Any]) -> tuple[Alert, ...]:
        """Apply one event (an ``Event`` or its raw mapping); return the alerts that arise,
        those of deadlines passed before the event's date first.

        Raises ``EventError`` for an event that is invalid or cannot apply to its subject; the
        monitor is then unchanged, its clock included.
        """
        self._check_open()
        event = parse_event(event)
        subject = apply_event(self._subjects.get(event.subject_id), event)  # may refuse it
        alerts = self._advance(event.day)
        self._subjects[event.subject_id] = subject
        self._rank.setdefault(event.subject_id, len(self._rank))
        alerts.extend(self._evaluate(subject, "event"))
        return tuple(alerts)

    def feed_all(self, events: Iterable[Event | Mapping[str, Any]]) -> tuple[Alert, ...]:
        """Feed events in order; return every alert."""
        return tuple(a for e in events for a in self.feed(e))

    def advance_to(self, when: dt.date) -> tuple[Alert, ...]:
        """Move the clock to ``when`` (a date or date-time); fire every deadline due by then.
        A date before the clock changes nothing."""
        self._check_open()
        return tuple(self._advance(event_date(when)))

    def violations(self, subject_id: str) -> tuple[Violation, ...]:
        """The rules the subject violates now, as ``Pack.check`` reports them on the clock's
        date (an unknown subject has none)."""
        subject = self._subjects.get(subject_id)
        if subject is None or self._clock is None:
            return ()
        return self._violations(subject, self._violated.get(subject_id, frozenset()))

    def subject(self, subject_id: str) -> Subject | None:
        """The subject as folded from its events so far."""
        return self._subjects.get(subject_id)

    @property
    def subject_ids(self) -> tuple[str, ...]:
        """Ids of the subjects seen, in order of their first event."""
        return tuple(self._subjects)

    def snapshot(self) -> dict[str, Any]:
        """The monitor's state as JSON-able data, from which ``Monitor(pack, ...)``
        rebuilds a monitor that behaves from then on as this one would.

        Deterministic: subjects in the order of their first event, rule ids and timers sorted,
        so two monitors fed the same events give equal snapshots (and, with ``json.dumps(...,
        sort_keys=True)``, the same bytes). The layout is described in
        ``egovrules.monitoring.state``.
        """
        subjects = []
        for sid, subject in self._subjects.items():
            program = self._program.kinds.get(subject.kind)
            violated = self._violated.get(sid, frozenset())
            subjects.append(
                {
                    "subject": subject.model_dump(mode="json"),
                    "violated": sorted(program.rules[i].id for i in violated) if program else [],
                    "standing": sorted(self._standing.get(sid, frozenset())),
                }
            )
        return {
            "format": STATE_FORMAT,
            "pack": pack_identity(self._pack),
            "clock": self._clock.isoformat() if self._clock is not None else None,
            "subjects": subjects,
            "timers": [[day.isoformat(), sid] for day, sid in sorted(self._timer_set)],
        }

    def close(self) -> None:
        """Free the durable-rules rulesets; the monitor cannot be fed afterwards."""
        self._closed = True
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()
        self._kinds.clear()

    def __enter__(self) -> Monitor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- restoring -------------------------------------------------------------------------

    def _restore(self, state: Mapping[str, Any]) -> None:
        """Take over a snapshot's state (checked by ``read_state``; ``StateError`` if it is
        not one of this pack). The durable-rules sessions are created on first use, as in a
        new monitor: a subject's next evaluation replaces its fact, and nothing else of the
        old sessions could change what fires."""
        restored = read_state(state, self._pack)
        for i, entry in enumerate(restored.subjects):
            subject = entry.subject
            program = self._program.kinds.get(subject.kind)
            index = {r.id: i for i, r in enumerate(program.rules)} if program else {}
            unknown = sorted(entry.violated - index.keys())
            if unknown:
                raise unknown_rule(state, i, subject, unknown[0])
            self._subjects[subject.id] = subject
            self._rank.setdefault(subject.id, len(self._rank))
            self._wakes.unevaluated(subject)
            self._violated[subject.id] = frozenset(index[r] for r in entry.violated)
            self._standing[subject.id] = entry.standing
        for timer in restored.timers:
            self._set_timer(*timer)
        self._clock = restored.clock

    # -- time ------------------------------------------------------------------------------

    def _advance(self, when: dt.date) -> list[Alert]:
        if self._clock is None:
            self._clock = when
            return []
        if when <= self._clock:
            return []
        alerts: list[Alert] = []
        while True:
            due = [
                d
                for d in (
                    self._timers[0][0] if self._timers else None,
                    self._next_milestone(),
                    self._wakes.next_day(self._clock),
                )
                if d is not None and d <= when
            ]
            if not due:
                break
            day = min(due)
            self._clock = day
            woken: dict[str, Cause] = {}
            while self._timers and self._timers[0][0] == day:
                entry = heapq.heappop(self._timers)
                self._timer_set.discard(entry)
                woken[entry[1]] = "deadline"
            if day in self._milestones:
                woken.update((sid, "clock") for sid in self._subjects if sid not in woken)
            for sid in sorted(self._wakes.due_by_date(day), key=self._rank.__getitem__):
                woken.setdefault(sid, "clock")
            for sid, cause in woken.items():
                alerts.extend(self._evaluate(self._subjects[sid], cause))
        self._clock = when
        return alerts

    def _next_milestone(self) -> dt.date | None:
        assert self._clock is not None
        i = bisect.bisect_right(self._milestones, self._clock)
        return self._milestones[i] if i < len(self._milestones) else None

    # -- evaluation ------------------------------------------------------------------------

    def _evaluate(self, subject: Subject, cause: Cause) -> list[Alert]:
        clock = self._clock
        assert clock is not None
        found = self._kinds.get(subject.kind)
        if found is None:
            program = self._program.kinds.get(subject.kind)
            if program is None:  # the pack has no rule for this kind
                return []
            session = self._sessions[subject.kind] = DurableSession(program, self._pack.id)
            found = self._kinds[subject.kind] = (program, session, self._compiled.of(program.kind))
        program, session, fact_of = found
        sid = subject.id
        fact = fact_of(subject, clock)  # may raise: the clock's filing is left as it was
        self._wakes.evaluated(subject, clock)
        firing = session.evaluate(sid, fact)
        for _, due in firing.pending:
            if due is not None:
                self._set_timer_after(due, sid)
        for day in firing.rechecks:  # a last day not known: late after its latest possible
            self._set_timer_after(day, sid)
        for waiver in subject.waivers:  # the violations it covers stand again after it
            if waiver.expires >= clock:
                self._set_timer_after(waiver.expires, sid)
        violated = self._violated[sid] = firing.violated
        before = self._standing.get(sid, frozenset())
        if subject.waivers:
            standing = self._violations(subject, violated)
            self._standing[sid] = frozenset(v.rule_id for v in standing)
            new = [v for v in standing if v.rule_id not in before]
        elif not violated:
            self._standing[sid] = frozenset()
            return []
        else:  # no waiver: build only the violations that are new
            rules = program.rules
            self._standing[sid] = frozenset([rules[i].id for i in violated])
            arisen = [i for i in sorted(violated) if rules[i].id not in before]
            if not arisen:
                return []
            new = self._pack.violations_of(subject, arisen, clock)
        return [Alert(sid, subject.kind, clock, cause, v) for v in new]

    def _violations(self, subject: Subject, violated: frozenset[int]) -> tuple[Violation, ...]:
        """The violations of the rules fired, built as ``Pack.check`` builds them, less those
        an unexpired waiver covers."""
        assert self._clock is not None
        program = self._program.kinds.get(subject.kind)
        if program is None or not violated:
            return ()
        found = self._pack.violations_of(subject, sorted(violated), self._clock)
        return apply_waivers(found, subject.waivers, self._clock)[0]

    def _set_timer_after(self, day: Day, subject_id: str) -> None:
        """A timer on the day after ``day``; none after the last day of the calendar
        (9999-12-31) or a day past it, which no clock reaches: a waiver until then never
        expires, a deadline due then never passes."""
        if isinstance(day, dt.date) and day < dt.date.max:
            self._set_timer(day + dt.timedelta(days=1), subject_id)

    def _set_timer(self, day: dt.date, subject_id: str) -> None:
        timer = (day, subject_id)
        if timer not in self._timer_set:
            self._timer_set.add(timer)
            heapq.heappush(self._timers, timer)

    def _check_open(self) -> None:
        if self._closed:
            raise UsageError("the monitor is closed")


# Each pack's rules compiled for durable-rules, and their facts compiled to Python: built for
# the first monitor of the pack, shared by the others (they hold no state of a monitor).
_COMPILED: weakref.WeakKeyDictionary[Pack, tuple[DurableProgram, CompiledFacts]] = (
    weakref.WeakKeyDictionary()
)


_COMPILING = threading.Lock()  # monitors of one pack may be built on several threads


def _compiled(pack: Pack) -> tuple[DurableProgram, CompiledFacts]:
    with _COMPILING:
        found = _COMPILED.get(pack)
        if found is None:
            program = compile_durable(pack.ruleset)
            found = _COMPILED[pack] = (program, CompiledFacts(program))
    return found


def _milestones(rules: tuple[RuleIR, ...]) -> frozenset[dt.date]:
    """Dates on which a verdict may change by itself: rules coming into force, parameters
    taking a new value."""
    days = {r.in_force_from for r in rules if r.in_force_from is not None}

    def versions(node: Any) -> bool:
        if isinstance(node, Param):
            days.update(start for start, _ in node.versions)
        return False

    for rule in rules:
        walk_ir((rule.when, rule.requires, rule.open_while, rule.dated_by), versions)
    return frozenset(days)


register_monitor(Monitor)
