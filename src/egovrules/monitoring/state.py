"""The saved state of a ``Monitor``: its format, and the checks a state passes before a monitor
is rebuilt from it.

``Monitor.snapshot()`` returns the state as plain JSON-able data; ``Monitor(pack, ...)``
rebuilds a monitor from it that behaves from then on exactly as the original would have. The
state holds what the monitor's future depends on, and nothing else:

* ``format``: ``STATE_FORMAT``, changed whenever the layout changes;
* ``pack``: the pack's id, the sha256 of its text, whether working days were counted with
  the weekday fallback, and the State Council notices supplied for years chinese-calendar
  lacks (``calendar``, only when there are some): the compile options that change the
  rules. A state restored on other rules would judge the same subjects differently, so it is
  refused;
* ``clock``: the monitor's date (``null`` before any event);
* ``subjects``: in the order of their first event, each subject as its model dumps it
  (``model_dump(mode="json")``), with the ids of the rules durable-rules found violated and of
  those standing (violated and not waived), from which the next alert is decided;
* ``timers``: the pending timers, as sorted ``[date, subject id]`` pairs.

The durable-rules rulesets are not part of it: each subject is one fact that every evaluation
replaces, and no rule joins two facts, so a fresh ruleset given a subject's fact fires exactly
as the old one did. The monitor re-creates them lazily, as a new monitor does.

Every problem with a state is a ``StateError`` (an ``InputError``): ``E510`` for a state that
is not one (wrong format, a missing key, a subject that does not validate, a rule id the pack
does not have), ``E511`` for a state taken with other rules. An ``E510``'s diagnostic has the
``path`` of the value it is about in the state (``("subjects", 3, "violated", 0)``), and an
``E511``'s that of the first value of ``pack`` that differs (``("pack", "sha256")``), so that
a reader of the state's file can place it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from egovrules.backends.durable import walk_ir
from egovrules.engine.pack import Pack
from egovrules.ir.nodes import Shift
from egovrules.source.document import data_path
from egovrules.source.errors import Diagnostic, InputError
from egovrules.subjects import Subject, validate_subject

__all__ = [
    "STATE_FORMAT",
    "RestoredState",
    "StateError",
    "SubjectState",
    "pack_identity",
    "read_state",
    "unknown_rule",
]

STATE_FORMAT = "egovrules.monitor/1"


class StateError(InputError):
    """A monitor state that cannot be restored: malformed (``E510``) or taken with another
    pack (``E511``)."""


def pack_identity(pack: Pack) -> dict[str, Any]:
    """What identifies a pack's rules in a state: id, sha256 of its text, whether its
    working days fall back to weekdays, and the supplied holiday notices it counts on (compile
    options the text does not show; ``calendar`` only when notices were supplied)."""
    identity: dict[str, Any] = {
        "id": pack.id,
        "sha256": pack.ruleset.content_hash,
        "weekday_fallback": walk_ir(
            pack.rules, lambda n: isinstance(n, Shift) and n.weekday_fallback
        ),
    }
    if pack.calendar.notices:
        identity["calendar"] = pack.calendar.describe()
    return identity


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class _Pack(_Strict):
    id: str
    sha256: str
    weekday_fallback: bool
    calendar: str | None = None


_IDENTITY = tuple(_Pack.model_fields)  # in the order they are compared


class _Subject(_Strict):
    subject: dict[str, Any]
    violated: tuple[str, ...]
    standing: tuple[str, ...]


class _State(_Strict):
    format: str  # checked against STATE_FORMAT first, for a clearer message
    pack: _Pack
    clock: dt.date | None
    subjects: tuple[_Subject, ...]
    timers: tuple[tuple[dt.date, str], ...]


@dataclass(frozen=True, slots=True)
class SubjectState:
    """One subject of a state, validated: the subject, and its violated and standing rule
    ids."""

    subject: Subject
    violated: frozenset[str]
    standing: frozenset[str]


@dataclass(frozen=True, slots=True)
class RestoredState:
    """A state checked against a pack, ready for a monitor to take over."""

    clock: dt.date | None
    subjects: tuple[SubjectState, ...]
    timers: tuple[tuple[dt.date, str], ...]


def read_state(state: Any, pack: Pack) -> RestoredState:
    """Validate ``state`` (as ``Monitor.snapshot()`` returned it, possibly through JSON) for
    ``pack``. Rule ids are checked by the monitor, which knows each kind's rules.

    Raises ``StateError``: ``E511`` when the state was taken with other rules, ``E510`` for
    anything else that is not a state of this format.
    """
    if not isinstance(state, Mapping):
        raise _malformed(f"a monitor state is a mapping, not {type(state).__name__}")
    if state.get("format") != STATE_FORMAT:
        raise _malformed(
            f"not a monitor state of format {STATE_FORMAT!r} (format: {state.get('format')!r})",
            ("format",),
        )
    try:
        parsed = _State.model_validate(state)
    except ValidationError as exc:
        raise _malformed(*_first_error(exc, state)) from None
    _check_pack(parsed.pack, pack)
    subjects: list[SubjectState] = []
    seen: set[str] = set()
    for i, entry in enumerate(parsed.subjects):
        at = ("subjects", i)
        try:
            subject = validate_subject(entry.subject)
        except ValidationError as exc:
            message, path = _first_error(exc, state, (*at, "subject"))
            raise _malformed(f"subjects.{i}: {message}", path) from None
        except ValueError as exc:
            raise _malformed(f"subjects.{i}: {exc}", (*at, "subject")) from None
        if subject.id in seen:
            raise _malformed(
                f"subjects.{i}: subject {subject.id!r} appears twice", (*at, "subject", "id")
            )
        seen.add(subject.id)
        standing, violated = frozenset(entry.standing), frozenset(entry.violated)
        if not standing <= violated:
            raise _malformed(
                f"subjects.{i}: standing rules that are not violated: "
                f"{', '.join(sorted(standing - violated))}",
                (*at, "standing"),
            )
        subjects.append(SubjectState(subject, violated, standing))
    for j, (day, sid) in enumerate(parsed.timers):
        if sid not in seen:
            raise _malformed(
                f"a timer on {day.isoformat()} for unknown subject {sid!r}", ("timers", j, 1)
            )
    return RestoredState(parsed.clock, tuple(subjects), parsed.timers)


def unknown_rule(
    state: Mapping[str, Any], index: int, subject: Subject, rule_id: str
) -> StateError:
    """The error for a rule id a subject's kind does not have in the pack: that of the
    ``index``-th subject of ``state``."""
    violated = list(state["subjects"][index]["violated"])
    return _malformed(
        f"subject {subject.id!r}: no {subject.kind} rule {rule_id!r} in the pack",
        ("subjects", index, "violated", violated.index(rule_id)),
    )


def _check_pack(saved: _Pack, pack: Pack) -> None:
    current = pack_identity(pack)
    if saved.model_dump(exclude_none=True) == current:
        return
    option = (
        f", weekday fallback {'on' if saved.weekday_fallback else 'off'}"
        if saved.weekday_fallback != current["weekday_fallback"]
        else ""
    )
    if saved.calendar != current.get("calendar"):
        option += f", calendar {saved.calendar or 'chinese-calendar alone'}"
    # At the first value of the saved identity that differs; at the identity itself when
    # that is a calendar the state was taken without.
    differs = next(k for k in _IDENTITY if getattr(saved, k) != current.get(k))
    where = ("pack", differs) if getattr(saved, differs) is not None else ("pack",)
    raise StateError(
        [
            Diagnostic(
                "E511",
                f"the state was taken with pack {saved.id} (sha256 {saved.sha256[:12]}{option}),"
                f" not with this pack {current['id']} (sha256 {current['sha256'][:12]}): other "
                "rules would judge its subjects differently",
                hint="restore it with the pack it was taken with, or replay the events into a "
                "new monitor",
                path=where,
            )
        ]
    )


def _malformed(message: str, path: tuple[Any, ...] = ()) -> StateError:
    """An ``E510`` about the value at ``path`` in the state."""
    return StateError([Diagnostic("E510", f"not a valid monitor state: {message}", path=path)])


def _first_error(
    exc: ValidationError, state: Mapping[str, Any], prefix: tuple[Any, ...] = ()
) -> tuple[str, tuple[Any, ...]]:
    """The first error of ``exc`` (on the state's value at ``prefix``): its message, and the
    path in the state of the value it is about."""
    first = exc.errors(include_url=False)[0]
    where = ".".join(map(str, first["loc"])) or "state"
    return f"{where}: {first['msg']}", data_path(state, (*prefix, *first["loc"]))
