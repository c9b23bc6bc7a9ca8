"""The monitor re-evaluates only the rules whose inputs an event changed: a durable-rules group
whose part of the subject's fact is the same is not evaluated again, nor is one for which only
the date moved without crossing a day its rules compare the date with; a part of a fact a
group has met before (for any subject) is not asserted again. Whatever is not evaluated or not
asserted again, what fires is what fires on the subject evaluated afresh, every part
asserted."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import egovrules
from egovrules.backends import durable, durable_session
from egovrules.backends.durable import compile_durable
from egovrules.backends.durable_slots import compile_fact
from egovrules.ir.nodes import Deadline
from egovrules.monitoring.clock import reads_as_of
from egovrules.subjects import SUBJECT_MODELS, Subject, parse_subject
from tests.conftest import FIXTURES
from tests.strategies import DATES, pack_strings, subject_data

PACKS = [FIXTURES / "packs" / "mini.yaml", *egovrules.available_packs()]


# every (pack, kind) with rules: a kind a pack has no rule for has no program to compare
PAIRS = [
    (ref, kind)
    for ref in PACKS
    for kind in sorted(SUBJECT_MODELS)
    if any(r.subject == kind for r in egovrules.load_pack(ref).rules)
]


Event = tuple[Subject, Subject, dt.date, dt.date]


@st.composite
def _an_event(
    draw: st.DrawFn, model: type[BaseModel], strings: list[str], later: tuple[int, ...]
) -> Event | None:
    """A subject before and after an event that keeps some fields and changes others, and the
    days it is evaluated on before and after (the same or ``later`` days on); None when the
    mix is not a valid subject (a cross-field check)."""
    before = draw(subject_data(model, strings))
    after = draw(subject_data(model, strings))
    changed = draw(st.sets(st.sampled_from(sorted(model.model_fields))))
    day = draw(DATES)
    then = day + dt.timedelta(days=draw(st.sampled_from(later)))
    try:
        new = parse_subject({**before, **{k: v for k, v in after.items() if k in changed}})
    except ValueError:
        return None
    return parse_subject(before), new, day, then


def test_monitor_evaluates_again_only_the_groups_whose_inputs_changed(
    wuhan: egovrules.Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A website renamed on the day it was registered: no rule reads the name, so no group is
    evaluated again; the monitor's violations are still those of pack.check."""
    evaluated = _counting_groups(monkeypatch)
    event = {
        "subject_id": "s",
        "subject_kind": "website",
        "type": "registered",
        "at": "2026-03-01",
        "payload": {"attributes": {"city": "wuhan", "has_interactive_columns": True}},
    }
    with egovrules.Monitor(wuhan) as monitor:
        monitor.feed(event)
        groups = len(evaluated)
        monitor.feed({**event, "type": "updated", "payload": {"set": {"name": "站"}}})
        assert groups > 0 and len(evaluated) == groups
        subject = monitor.subject("s")
        assert subject is not None
        check = wuhan.check(subject, dt.date(2026, 3, 1))
        assert monitor.violations("s") == check.violations


@pytest.mark.parametrize("pack_id", egovrules.available_packs())
def test_only_a_group_with_a_deadline_or_the_date_in_a_condition_reads_the_date(
    pack_id: str,
) -> None:
    """A rule's coming into force is a flag of the fact that changes on its first day only: a
    durable-rules group whose rules have no deadline and no ``@as_of`` in a condition is not
    evaluated again because a day passed."""
    for program in compile_durable(egovrules.load_pack(pack_id).ruleset).kinds.values():
        for group, keys in zip(program.groups, program.group_keys, strict=True):
            rules = [program.durable_rules[i] for i in group]
            dated = any(
                isinstance(program.rules[r.index].requires, Deadline)
                or reads_as_of(program.rules[r.index])
                for r in rules
            )
            assert "asof" not in keys or dated, [r.name for r in rules]


@pytest.mark.parametrize(
    ("pack_ref", "kind"), PAIRS, ids=[f"{str(p).rsplit('/', 1)[-1]}-{k}" for p, k in PAIRS]
)
def test_a_session_fed_the_subject_after_an_event_fires_as_a_fresh_one(
    pack_ref: Any, kind: str
) -> None:
    """A subject evaluated before and after an event that changes some of its fields (and
    maybe the date): what fires on the second evaluation, where only the groups reading a
    changed key are evaluated again (each part met before not asserted again), is what fires
    on the subject after the event evaluated afresh by a session that asserts every part. A
    rule whose read field changed and that was not evaluated again would fire as before the
    event; one evaluated again for nothing would not make them differ, and the next test
    counts those."""
    pack = egovrules.load_pack(pack_ref)
    program = compile_durable(pack.ruleset).kinds[kind]
    strings = pack_strings(pack.ruleset)
    model = SUBJECT_MODELS[kind]
    session = durable_session.DurableSession(program, "test")
    reference = durable_session.DurableSession(program, "test", memo=0)  # every part asserted
    ids = iter(range(10**9))

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(event=_an_event(model, strings, (0, 0, 1, 30, 400)))
    def agree(event: Event | None) -> None:
        if event is None:
            return
        old, new, day, then = event
        n = next(ids)
        session.evaluate(f"s{n}", program.fact(old, day))
        fired = session.evaluate(f"s{n}", program.fact(new, then))
        assert fired == reference.evaluate(f"fresh{n}", program.fact(new, then))

    try:
        agree()
    finally:
        session.close()
        reference.close()


def _counting_groups(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The durable-rules groups evaluated again from now on (asserted, or found in the
    session's memo of the parts it has met)."""
    evaluated: list[int] = []
    real = durable_session.DurableSession._fire

    def counting(self: Any, g: int, *rest: Any) -> Any:
        evaluated.append(g)
        return real(self, g, *rest)

    monkeypatch.setattr(durable_session.DurableSession, "_fire", counting)
    return evaluated


def _site(at: str, etype: str, **payload: Any) -> dict[str, Any]:
    return {
        "subject_id": "s",
        "subject_kind": "website",
        "type": etype,
        "at": at,
        "payload": payload,
    }


FEE = "wuhan.website.disclosure_free_of_charge"


def test_an_event_on_a_field_a_rule_reads_evaluates_that_rule_again(
    wuhan: egovrules.Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wuhan 第十条: government information is disclosed "便民、利民、无偿" (free of charge). A
    municipal department's site that starts charging a fee violates it at once; when it stops,
    the violation no longer stands. The groups evaluated again are exactly those whose rules
    read the fee (the rule among them): were the rule not evaluated again, its verdict would
    stay what it was before each event."""
    program = compile_durable(wuhan.ruleset).kinds["website"]
    key = next(f.key for f in program.fields if f.path == ("disclosure_fee_charged",))
    reading = [g for g, keys in enumerate(program.group_keys) if key in keys]
    rule = next(i for i, r in enumerate(program.rules) if r.id == FEE)
    assert any(rule == program.durable_rules[i].index for g in reading for i in program.groups[g])
    evaluated = _counting_groups(monkeypatch)
    attributes = {"city": "wuhan", "owner_type": "municipal_department"}
    with egovrules.Monitor(wuhan) as monitor:
        monitor.feed(_site("2026-03-01", "registered", attributes=attributes))
        assert FEE not in {v.rule_id for v in monitor.violations("s")}
        evaluated.clear()
        # 收取费用: not 无偿, a violation
        alerts = monitor.feed(_site("2026-03-01", "updated", set={"disclosure_fee_charged": True}))
        assert [a.rule_id for a in alerts] == [FEE]
        assert sorted(evaluated) == reading
        evaluated.clear()
        # 无偿 again: the violation no longer stands
        assert (
            monitor.feed(_site("2026-03-01", "updated", set={"disclosure_fee_charged": False}))
            == ()
        )
        assert sorted(evaluated) == reading
        assert FEE not in {v.rule_id for v in monitor.violations("s")}


def test_a_change_no_rule_of_a_group_reads_leaves_its_verdicts_untouched(
    wuhan: egovrules.Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same site charging a fee: no group but the fee's readers is evaluated again, and
    every other rule's verdict is what it was (and what pack.check says after the event)."""
    program = compile_durable(wuhan.ruleset).kinds["website"]
    key = next(f.key for f in program.fields if f.path == ("disclosure_fee_charged",))
    others = {g for g, keys in enumerate(program.group_keys) if key not in keys}
    assert others
    evaluated = _counting_groups(monkeypatch)
    attributes = {"city": "wuhan", "owner_type": "municipal_department"}
    with egovrules.Monitor(wuhan) as monitor:
        monitor.feed(_site("2026-03-01", "registered", attributes=attributes))
        before = {v.rule_id for v in monitor.violations("s")}
        evaluated.clear()
        monitor.feed(_site("2026-03-01", "updated", set={"disclosure_fee_charged": True}))
        assert others.isdisjoint(evaluated)
        after = {v.rule_id for v in monitor.violations("s")}
        assert after - {FEE} == before and FEE in after
        subject = monitor.subject("s")
        assert subject is not None
        assert after == {v.rule_id for v in wuhan.check(subject, dt.date(2026, 3, 1)).violations}


def test_a_day_that_crosses_no_deadline_day_evaluates_no_group_again(
    wuhan: egovrules.Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wuhan 第十五条第二款: a site with interactive columns "必须在网络接入之日起15日内到市公安
    部门备案". Online on 1 March, its last day is 16 March. Events about a field no rule reads
    on 10 and 16 March (still within the 15 days) assert no group again, though the date moved:
    no day a rule compares the date with was crossed. On 17 March (past the 15 days) the
    deadline's groups are evaluated again and the filing is late."""
    filing = "wuhan.website.police_filing_15_days"
    evaluated = _counting_groups(monkeypatch)
    with egovrules.Monitor(wuhan) as monitor:
        monitor.feed(_site("2026-03-01", "interactive_column_opened"))
        monitor.feed(_site("2026-03-01", "online"))
        evaluated.clear()
        for day in ("2026-03-10", "2026-03-16"):  # within 网络接入之日起15日内
            assert monitor.feed(_site(day, "updated", set={"name": day})) == ()
        assert evaluated == []
        # the 17th: past the 15 days (the timer wakes the site that day)
        late = monitor.feed(_site("2026-03-17", "updated", set={"name": "17"}))
        assert evaluated and [a.rule_id for a in late if a.rule_id == filing] == [filing]


class _Engine:
    """durable-rules' engine, with one of its calls replaced."""

    def __init__(self, engine: Any, **calls: Any) -> None:
        self._real = engine
        self.__dict__.update(calls)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _website_facts(
    wuhan: egovrules.Pack,
) -> tuple[durable.KindProgram, dict[str, Any], dict[str, Any]]:
    """The Wuhan website program, and the facts of a site before and after its owner is
    recorded as a district government's department (outside 政府各部门): the groups of the
    rules scoped to 政府各部门 read it, those of 第十五条第二款 (every site with interactive
    columns, its access date and police filing) do not. (Its access date is no longer the
    change: since Wuhan 1.3.2 the filing authority's open case reads it too, and every group
    read one or the other.)"""
    program = compile_durable(wuhan.ruleset).kinds["website"]
    day = dt.date(2026, 3, 1)
    site = egovrules.Website(id="s", has_interactive_columns=True)
    online = egovrules.Website(
        id="s",
        has_interactive_columns=True,
        owner_type="district_department",
    )
    return program, program.fact(site, day), program.fact(online, day)


def test_a_failed_assert_leaves_nothing_behind(
    wuhan: egovrules.Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """durable-rules failing in the middle of an evaluation is a DurableError; durable-rules
    holds no fact afterwards (each is retracted once what fired is read, a failed one too),
    and the subject's next evaluation evaluates every group afresh and fires as on a fresh
    subject (not as if the groups held what they held before the failure)."""
    program, before, after = _website_facts(wuhan)
    session = durable_session.DurableSession(program, "test")
    try:
        session.evaluate("s", before)
        engine = session._engine
        calls = iter(range(10))
        held: set[str] = set()

        def failing(handle: int, text: str) -> Any:
            if next(calls) == 1:  # the second group's assert
                raise engine.error("refused")
            held.add(text)
            return engine.assert_fact(handle, text)

        def retracting(handle: int, text: str) -> Any:
            held.discard(text)
            return engine.retract_fact(handle, text)

        session._engine = _Engine(engine, assert_fact=failing, retract_fact=retracting)
        with pytest.raises(durable.DurableError, match="refused"):
            session.evaluate("s", after)
        assert held == set()
        session._engine = engine
        evaluated = _counting_groups(monkeypatch)
        fired = session.evaluate("s", after)
        assert sorted(evaluated) == list(range(len(session._handles)))
        fresh = durable_session.DurableSession(program, "test", memo=0)
        try:
            assert fired == fresh.evaluate("fresh", after)
        finally:
            fresh.close()
    finally:
        session.close()


def test_an_action_written_otherwise_is_read_all_the_same(wuhan: egovrules.Pack) -> None:
    """The rules fired are read off durable-rules' action text when it is the rule's name
    before the fact as asserted; an action written any other way is parsed, and fires the
    same rules."""
    program, before, _ = _website_facts(wuhan)
    session = durable_session.DurableSession(program, "test")
    try:
        expected = session.evaluate("plain", before)
        engine = session._engine

        def respaced(text: str | None) -> str | None:
            return None if text is None else json.dumps(json.loads(text), indent=1)

        def start(handle: int, state: int) -> Any:
            found = engine.start_action_for_state(handle, state)
            return found and (found[0], respaced(found[1]))

        def following(handle: int, state: int) -> Any:
            return respaced(engine.complete_and_start_action(handle, state))

        respaced_session = durable_session.DurableSession(program, "test", memo=0)
        respaced_session._engine = _Engine(
            engine, start_action_for_state=start, complete_and_start_action=following
        )
        try:
            fired = respaced_session.evaluate("respaced", before)
        finally:
            respaced_session.close()
        assert fired == expected and fired.violated
    finally:
        session.close()


@pytest.mark.parametrize(
    ("online", "late"),
    [
        # an act of 31 July 2004: before 本办法自2004年8月1日起施行, not judged by the Measures
        ("2004-07-31", None),
        # an act of 1 August 2004: the day the Measures take effect, judged by them; 15 days
        # from the network access, the access day not counted: late on 17 August
        ("2004-08-01", dt.date(2004, 8, 17)),
    ],
)
def test_a_rule_dated_by_a_field_is_in_force_from_that_fields_date(
    wuhan: egovrules.Pack, online: str, late: dt.date | None
) -> None:
    """Wuhan 第二十四条 "本办法自2004年8月1日起施行": the police filing (第十五条第二款) is judged
    by the law in force on the day of network access (its dated_by), a flag of the fact
    computed with it. A site online the day before never files: no violation, even months
    later; online that day: late on 17 August. As pack.check says on each day."""
    filing = "wuhan.website.police_filing_15_days"
    with egovrules.Monitor(wuhan) as monitor:
        monitor.feed(_site(online, "interactive_column_opened"))
        monitor.feed(_site(online, "online"))
        alerts = monitor.advance_to(dt.date(2004, 12, 31))
        assert [a.at for a in alerts if a.rule_id == filing] == ([late] if late else [])
        subject = monitor.subject("s")
        assert subject is not None
        check = wuhan.check(subject, dt.date(2004, 12, 31))
        assert monitor.violations("s") == check.violations


def test_the_clock_filing_stays_bounded_however_many_events(wuhan: egovrules.Pack) -> None:
    """Each evaluation files a subject under the first day the clock can change its verdict;
    a subject evaluated again on the same day was pushed again, and a long-running monitor's
    memory grew with its events (2,001 entries for one project after 2,000 updates; review)."""

    def event(etype: str, **payload: Any) -> dict[str, Any]:
        return {
            "subject_id": "p",
            "subject_kind": "project",
            "type": etype,
            "at": "2026-03-01",
            "payload": payload,
        }

    with egovrules.Monitor(wuhan) as monitor:
        monitor.feed(
            event("registered", attributes={"city": "wuhan", "completion_date": "2030-01-01"})
        )
        for i in range(2_000):
            monitor.feed(event("updated", set={"name": f"n{i}"}))
        wakes = monitor._wakes
        assert len(wakes._on) == 1
        assert len(wakes._heap) <= 2 * len(wakes._on) + 64


@pytest.mark.parametrize(
    ("pack_ref", "kind"), PAIRS, ids=[f"{str(p).rsplit('/', 1)[-1]}-{k}" for p, k in PAIRS]
)
def test_each_group_is_asserted_the_json_of_its_part_of_the_fact(
    pack_ref: Any, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text asserted into a group, written without ``json.dumps``, is the JSON of the
    group's keys of the fact (each value of its JSON type: ``true`` is not ``1``), tagged and
    with the fact's id; a key the fact leaves out is left out."""
    pack = egovrules.load_pack(pack_ref)
    program = compile_durable(pack.ruleset).kinds[kind]
    strings = pack_strings(pack.ruleset)
    texts: list[tuple[int, str]] = []
    real = durable_session.DurableSession._assert

    def keeping(self: Any, handle: int, text: str, *rest: Any) -> Any:
        texts.append((self._handles.index(handle), text))
        return real(self, handle, text, *rest)

    monkeypatch.setattr(durable_session.DurableSession, "_assert", keeping)
    session = durable_session.DurableSession(program, "test", memo=0)  # every group's part asserted
    ids = iter(range(10**9))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=subject_data(SUBJECT_MODELS[kind], strings), day=DATES)
    def written(data: dict[str, Any], day: dt.date) -> None:
        fact = program.fact(parse_subject(data), day)
        texts.clear()
        session.evaluate(f"s{next(ids)}", fact)
        assert sorted(g for g, _ in texts) == list(range(len(program.groups)))
        for g, text in texts:
            parsed = json.loads(text)
            part = {k: fact[k] for k in program.group_keys[g] if k in fact}
            expected = part | {"_t": 1, "sid": "0", "id": parsed["id"]}
            assert json.dumps(parsed, sort_keys=True) == json.dumps(expected, sort_keys=True)

    try:
        written()
    finally:
        session.close()


def test_a_part_met_before_is_not_asserted_again(
    wuhan: egovrules.Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sites whose facts are the same: the second's groups are found in the session's
    memo, none asserted, and fire what the first's fired; a session that remembers nothing
    (``memo=0``) asserts them all again, and a full memo forgets what it held (one part
    remembered: the other site's, where its part differs)."""
    program, before, after = _website_facts(wuhan)
    groups = len(program.groups)
    asserted: list[str] = []
    real = durable_session.DurableSession._assert

    def counting(self: Any, handle: int, text: str, *rest: Any) -> Any:
        asserted.append(text)
        return real(self, handle, text, *rest)

    monkeypatch.setattr(durable_session.DurableSession, "_assert", counting)
    differ = sum(any(before.get(k) != after.get(k) for k in keys) for keys in program.group_keys)
    assert 0 < differ < groups
    for memo, again in ((10_000, 0), (0, groups), (1, differ)):
        session = durable_session.DurableSession(program, "test", memo=memo)
        try:
            first = session.evaluate("a", before)
            if memo == 1:  # the other site's parts replace before's where they differ
                session.evaluate("other", after)
            asserted.clear()
            assert session.evaluate("b", before) == first
            assert len(asserted) == again, memo
        finally:
            session.close()


@pytest.mark.parametrize(
    "day",
    [
        # 第二十四条 本办法自2004年8月1日起施行 (Wuhan): a department
        # that holds nothing violates none of its rules the day before,
        dt.date(2004, 7, 31),
        # and three of them on the day and after.
        dt.date(2004, 8, 1),
        dt.date(2026, 3, 22),
    ],
)
def test_a_part_remembered_before_the_rules_were_in_force_is_not_served_after(
    wuhan: egovrules.Pack, day: dt.date
) -> None:
    """Review: the memo's key holds the in-force flags (they are keys of the groups' facts),
    so a part met before 2004-08-01 is not served for the same values on a later day: a
    session that met the department on 2004-07-31 answers on ``day`` what ``pack.check``
    answers (with the flags left out of the key it answered nothing, as on the 31st)."""
    program = compile_durable(wuhan.ruleset).kinds["department"]
    fact = compile_fact(program)
    department = parse_subject({"kind": "department", "id": "d"})
    session = durable_session.DurableSession(program, "test")
    try:
        session.evaluate("earlier", fact(department, dt.date(2004, 7, 31)))
        fired = session.evaluate("d", fact(department, day)).violated
    finally:
        session.close()
    expected = {v.rule_id for v in wuhan.check(department, as_of=day).violations}
    assert {program.rules[i].id for i in fired} == expected
    assert len(expected) == (0 if day < dt.date(2004, 8, 1) else 3)


def test_the_json_members_stay_bounded_and_right(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache of a fact's JSON members holds at most ``_MEMBERS`` entries: full, it is
    emptied and filled again (review: it stopped caching, for good, once full), and every
    member is written as ``json.dumps`` writes it, ``true`` not ``1``."""
    monkeypatch.setattr(durable_session, "_MEMBERS", 2)
    members = durable_session._Members()
    entries = [("a", 1, int), ("b", True, bool), ("c", "武汉", str), ("a", 1, int)]
    written = [members[e] for e in entries]
    assert written == ['"a": 1, ', '"b": true, ', '"c": "\\u6b66\\u6c49", ', '"a": 1, ']
    assert len(members) <= 2
    assert ("c", "武汉", str) in members  # met after the cache was full: kept all the same
    assert members[("d", None, type(None))] == ""  # a value left out of the fact
