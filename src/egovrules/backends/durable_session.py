"""The durable-rules engine, contained: the sessions the event monitor asserts facts in.

A ``DurableSession`` owns the durable-rules rulesets of one subject kind for one monitor (a
``KindProgram`` of ``egovrules.backends.durable``), under unique (uuid) names, and deletes them
on ``close``. Each evaluation asserts a subject's fact into the rulesets whose part of it
changed, reads what fired and retracts it: a rule matches one fact, so what a ruleset fires is
a function of its part of the fact, which the session remembers for the parts it has met
(``DurableSession._fire``). durable-rules' own exceptions become ``DurableError``. The only
module-level state is a lock around durable-rules' process-wide handle table. A session is used
by one thread at a time.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import uuid
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from egovrules.backends.durable import TAG, DurableError, KindProgram
from egovrules.law.calendar import Day, on_ordinal
from egovrules.source.errors import MissingExtraError, require

__all__ = ["DurableSession", "Firing"]

_ENGINE_LOCK = threading.Lock()  # durable-rules' handle table is process-wide


def _engine() -> Any:
    if sys.version_info >= (3, 13):
        raise MissingExtraError(
            "the event monitor runs on durable-rules, whose C core does not load on "
            "Python 3.13 or later: use Python 3.11 or 3.12 for it"
        )
    # an optional extra, imported when a monitor is first used; it ships no type information
    durable_rules_engine = require("durable_rules_engine", "durable", "the event monitor")
    return durable_rules_engine


class Firing(NamedTuple):
    """What durable-rules said of one fact: rule indexes violated, and pending with due day
    (the day after which the monitor evaluates the subject again). A named tuple: one is
    built for each group asserted that fires."""

    violated: frozenset[int]
    pending: tuple[tuple[int, Day | None], ...]  # None: an open obligation with no last day
    rechecks: tuple[Day, ...] = ()
    """Days after which an undetermined verdict may change by itself (see ``DurableRule``)."""


_NOTHING = Firing(frozenset(), ())


@dataclass(slots=True)
class _Evaluated:
    """A subject's last fact, per group its values and what fired on them, and all that
    fired (``DurableSession.evaluate``), updated in place."""

    fact: dict[str, Any]
    values: list[tuple[Any, ...]]
    firings: list[Firing]
    firing: Firing


class _Members(dict[tuple[str, Any, type], str]):
    """The JSON member of each (key, value, type of the value) of a fact met so far, as
    ``json.dumps`` writes it, with the separator after it (a value None, left out: none).
    The type is part of the entry: ``True == 1``, but one is written ``true``, the other
    ``1``. At most ``_MEMBERS`` entries are kept (texts of the subjects are not bounded): when
    full, it is emptied and filled again."""

    def __missing__(self, entry: tuple[str, Any, type]) -> str:
        key, value, _ = entry
        member = "" if value is None else f"{json.dumps(key)}: {json.dumps(value)}, "
        if len(self) >= _MEMBERS:  # full: forgotten, as a ruleset's memo is
            self.clear()
        self[entry] = member
        return member


_MEMBERS = 20_000


class DurableSession:
    """The durable-rules rulesets of one kind for one monitor, under unique names.

    Facts are asserted through durable-rules' C core (``durable_rules_engine``, the engine
    ``durable.lang`` and ``durable.engine`` drive), not through ``durable.engine.Host``: the
    host keeps a process-wide registry of rulesets and starts background threads that run
    actions on their own. Here every action runs in the calling thread, inside ``assert_fact``.
    """

    def __init__(self, program: KindProgram, pack_id: str, memo: int = 10_000) -> None:
        """``memo``: how many parts of a fact each group remembers what fired on (0: none,
        every part evaluated is asserted): at most ``memo`` tuples of a group's values are
        kept, then all are forgotten at once."""
        self._engine = _engine()
        self._program = program
        self._rules = {r.name: r for r in program.durable_rules}
        self._handles: list[int] = []
        # each group's keys but the date, in order, and whether it reads the date
        self._keys = [tuple(sorted(keys - {"asof"})) for keys in program.group_keys]
        self._dated = [("asof" in keys) for keys in program.group_keys]
        self._members = _Members()
        # per group, what fired on each part of a fact met (at most ``memo`` parts, then
        # forgotten all at once)
        self._memo: list[dict[Any, Firing]] = [{} for _ in program.group_keys]
        self._memo_size = memo
        # subject id -> its last fact, per group its values (of ``_keys``) and what fired on
        # them, and all that fired
        self._last: dict[str, _Evaluated] = {}
        self._seq = 0
        self._closed = False
        tag = uuid.uuid4().hex
        try:
            with _ENGINE_LOCK:
                for g, definition in enumerate(program.definitions()):
                    name = f"egovrules.{pack_id}.{program.kind}.{g}.{tag}"
                    self._handles.append(self._engine.create_ruleset(name, json.dumps(definition)))
        except self._engine.error as exc:
            self.close()
            raise DurableError(f"durable-rules refused the {program.kind} rules: {exc}") from None
        self._finalizer = weakref.finalize(self, _delete, self._engine, list(self._handles))

    def evaluate(self, subject_id: str, fact: dict[str, Any]) -> Firing:
        """The subject's fact is now ``fact``; return which rules fire on it.

        Only the groups one of whose keys has another value than in the subject's previous
        fact are evaluated again (``_fire``): the others' rules fire as they did (they match
        one fact each, and that group's part of the fact is what it was). A group the date
        alone changed for is evaluated again only when that may change what fires
        (``date_moved``)."""
        if self._closed:
            raise DurableError("the monitor is closed")
        get = fact.get  # no value of a fact is None: a key left out reads as None
        values = [tuple(map(get, keys)) for keys in self._keys]
        last = self._last.get(subject_id)
        if last is None:
            n = len(self._handles)
            last = _Evaluated(fact, values, [_NOTHING] * n, _NOTHING)
            groups: Iterable[int] = range(n)
        else:
            old, old_values = last.fact, last.values
            last.fact, last.values = fact, values
            if old["asof"] == fact["asof"]:
                groups = [g for g, v in enumerate(values) if v != old_values[g]]
            else:
                moved, dated = self._program.date_moved, self._dated
                groups = [
                    g
                    for g, v in enumerate(values)
                    if v != old_values[g] or (dated[g] and moved(g, old, fact))
                ]
            if not groups:
                return last.firing
        firings, asof = last.firings, fact["asof"]
        changed = False  # whether a group evaluated again fired otherwise than before
        try:
            for g in groups:
                firing = self._fire(g, values[g], asof, fact)
                changed = changed or (firing is not firings[g] and firing != firings[g])
                firings[g] = firing
        except (self._engine.error, DurableError) as exc:
            self._last.pop(subject_id, None)  # the subject's next fact is evaluated afresh
            if isinstance(exc, DurableError):
                raise
            raise DurableError(f"durable-rules failed on {subject_id!r}: {exc}") from None
        if changed:  # else all that fired is what fired before
            fired = [f for f in firings if f is not _NOTHING]
            if len(fired) <= 1:
                last.firing = fired[0] if fired else _NOTHING
            else:
                last.firing = Firing(
                    frozenset().union(*(f.violated for f in fired)),
                    tuple(sorted(p for f in fired for p in f.pending)),
                    tuple(sorted(d for f in fired for d in f.rechecks)),
                )
        self._last[subject_id] = last
        return last.firing

    def _fire(self, g: int, values: tuple[Any, ...], asof: int, fact: dict[str, Any]) -> Firing:
        """What the rules of group ``g`` fire on its part of ``fact`` (``values``, and the
        date ``asof`` when they read it). Each rule matches one fact, so that is a function of
        the part: a part met before fires what it fired then; another is asserted into
        durable-rules, what fires is read, and it is retracted."""
        dated = self._dated[g]
        key = (asof, values) if dated else values
        memo = self._memo[g]
        found = memo.get(key)
        if found is not None:
            return found
        self._seq += 1
        fact_id = str(self._seq)  # unique in the session
        entries = zip(self._keys[g], values, map(type, values), strict=True)
        members = "".join(map(self._members.__getitem__, entries))
        start = f'{{"asof": {asof}, ' if dated else "{"
        text = f'{start}{members}"{TAG}": 1, "sid": "0", "id": "{fact_id}"}}'
        handle = self._handles[g]
        try:
            firing = self._assert(handle, text, fact_id, fact)
        finally:
            with contextlib.suppress(self._engine.error):  # not asserted if it failed
                self._engine.retract_fact(handle, text)
        if len(memo) >= self._memo_size:
            memo.clear()
        if self._memo_size:
            memo[key] = firing
        return firing

    def _assert(self, handle: int, text: str, fact_id: str, fact: dict[str, Any]) -> Firing:
        """Assert one group's fact (``text``, from ``fact``); what fired on it."""
        code, state = self._engine.assert_fact(handle, text)
        if code == 1:  # no rule's first test matched: nothing fires
            return _NOTHING
        if code not in (0, 3):
            raise DurableError(f"durable-rules returned {code} for fact {fact_id}")
        violated: set[int] = set()
        pending: dict[int, Day | None] = {}
        rechecks: list[Day] = []
        for name in self._fired(handle, state, text, fact_id):
            rule = self._rules[name]
            if rule.fires_when == "violated":
                violated.add(rule.index)
            elif rule.fires_when == "recheck":
                assert rule.due_key is not None  # a recheck is set for a day, always
                rechecks.append(on_ordinal(fact[rule.due_key]))
            elif rule.due_key is None:  # an open obligation with no last day: no timer to set
                pending[rule.index] = None
            else:
                pending[rule.index] = on_ordinal(fact[rule.due_key])
        if not (violated or pending or rechecks):
            return _NOTHING
        return Firing(frozenset(violated), tuple(sorted(pending.items())), tuple(sorted(rechecks)))

    def _fired(self, handle: int, state: int, text: str, fact_id: str) -> list[str]:
        """The names of the rules that fired on the fact ``text`` (whose id is ``fact_id``).

        durable-rules writes each action as ``{"<rule>":{"m":<the fact as asserted>}}``: the
        rule's name is read off that text, without parsing the fact back, when it is the name
        of one of the session's rules; an action in any other layout is parsed, and only its
        frames of this fact are taken."""
        engine, rules, names = self._engine, self._rules, []
        tail = f':{{"m":{text}}}}}'
        end = -len(tail) - 1
        found = engine.start_action_for_state(handle, state)
        message = found[1] if found else None
        while message:
            name = message[2:end]
            if name in rules and message.endswith(tail) and message.startswith('{"'):
                names.append(name)  # a rule's name holds no '"'
            else:
                for name, frames in json.loads(message).items():
                    if frames["m"].get("id") == fact_id:
                        names.append(name)
            message = engine.complete_and_start_action(handle, state)
        return names

    def close(self) -> None:
        """Delete the durable-rules rulesets; the session cannot be used afterwards."""
        self._closed = True
        finalizer = getattr(self, "_finalizer", None)
        if finalizer is not None:
            finalizer()
        else:
            _delete(self._engine, self._handles)
        self._handles = []


def _delete(engine: Any, handles: list[int]) -> None:
    with _ENGINE_LOCK:
        for handle in handles:
            with contextlib.suppress(engine.error):  # already gone
                engine.delete_ruleset(handle)
