"""``Monitor.snapshot()`` and ``Monitor(pack, ...)``: a monitor rebuilt from a snapshot
behaves from then on exactly as the monitor that took it.

The histories are those of the agreement test (tests/test_monitor_agreement.py: several
subjects of random kinds, random payloads, late arrivals, clock moves, refused events, over
the four city packs and the two test packs). Each is cut at a random step; the first part is
fed to a monitor whose snapshot goes through JSON into a new monitor, which is fed the rest.
Its alerts equal those the uninterrupted monitor raises after the cut, and at the end both
hold the same subjects, violations and state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import egovrules
from egovrules.monitoring.events import EventError
from egovrules.monitoring.monitor import Alert, Monitor
from egovrules.monitoring.state import STATE_FORMAT, StateError
from tests.conftest import FIXTURES
from tests.test_monitor_agreement import PACKS, histories

D = dt.date
FILING = "wuhan.website.police_filing_15_days"


def _step(monitor: Monitor, step: str, value: Any) -> tuple[Alert, ...]:
    """One step of a history; a refused event raises nothing (the monitor is unchanged)."""
    try:
        return monitor.advance_to(value) if step == "advance" else monitor.feed(value)
    except EventError:
        return ()


def _through_json(state: dict[str, Any]) -> Any:
    return json.loads(json.dumps(state, ensure_ascii=False, sort_keys=True))


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(history=histories(), data=st.data())
def test_a_restored_monitor_carries_on_as_the_original(history: Any, data: st.DataObject) -> None:
    """Cut anywhere, snapshot, JSON, restore, feed the rest: the alerts after the cut are the
    uninterrupted monitor's, in the same order; at the end the standing violations, subjects,
    clock and snapshot are equal."""
    name, steps, as_of = history
    pack = PACKS[name]
    steps = [*steps, ("advance", as_of)]
    cut = data.draw(st.integers(0, len(steps)), label="cut")
    with Monitor(pack) as whole:
        for step, value in steps[:cut]:
            _step(whole, step, value)
        state = whole.snapshot()
        with Monitor(pack, _through_json(state)) as second:
            assert second.snapshot() == state  # restoring loses and adds nothing
            expected = [a for step, value in steps[cut:] for a in _step(whole, step, value)]
            got = [a for step, value in steps[cut:] for a in _step(second, step, value)]
            assert got == expected
            assert second.clock == whole.clock
            assert second.subject_ids == whole.subject_ids
            for sid in whole.subject_ids:
                assert second.subject(sid) == whole.subject(sid)
                assert second.violations(sid) == whole.violations(sid)
            assert second.snapshot() == whole.snapshot()


def _site_events() -> list[dict[str, Any]]:
    def ev(etype: str, at: str, **payload: Any) -> dict[str, Any]:
        return {
            "subject_id": "site-1",
            "subject_kind": "website",
            "type": etype,
            "at": at,
            "payload": payload,
        }

    return [
        ev("registered", "2026-03-01", attributes={"name": "武汉市人民政府门户网站"}),
        ev("interactive_column_opened", "2026-03-01"),
        ev("online", "2026-03-01"),
    ]


def test_a_snapshot_is_json_and_deterministic(wuhan: egovrules.Pack) -> None:
    """The snapshot is plain JSON data; two monitors fed the same events give the same bytes;
    the pending police-filing timer (17 March) is in it."""
    dumps = []
    for _ in range(2):
        with Monitor(wuhan) as monitor:
            monitor.feed_all(_site_events())
            dumps.append(json.dumps(monitor.snapshot(), ensure_ascii=False, sort_keys=True))
    assert dumps[0] == dumps[1]
    state = json.loads(dumps[0])
    assert state["format"] == STATE_FORMAT
    assert state["pack"] == {
        "id": "wuhan",
        "sha256": wuhan.ruleset.content_hash,
        "weekday_fallback": False,
    }
    assert state["clock"] == "2026-03-01"
    assert [s["subject"]["name"] for s in state["subjects"]] == ["武汉市人民政府门户网站"]
    assert ["2026-03-17", "site-1"] in state["timers"]


def test_the_deadline_fires_after_a_restore(wuhan: egovrules.Pack) -> None:
    """A site online on 1 March, snapshotted that day and restored: moving the clock to 22
    March raises the police-filing violation dated 17 March."""
    with Monitor(wuhan) as monitor:
        monitor.feed_all(_site_events())
        state = _through_json(monitor.snapshot())
    with Monitor(wuhan, state) as restored:
        alerts = [a for a in restored.advance_to(D(2026, 3, 22)) if a.rule_id == FILING]
    assert [(a.at, a.cause) for a in alerts] == [(D(2026, 3, 17), "deadline")]


def test_a_restored_monitor_wakes_on_the_clock_as_the_original(wuhan: egovrules.Pack) -> None:
    """Wuhan 第十五条: "违法案件24小时报告". A case found at 09:00 on 1 May and not reported is
    no violation on 2 May, the day its 24 hours end, and one on 3 May. Snapshotted on 1 May and
    restored, the monitor raises it as the clock reaches 3 May, as the original does, though no
    event about the site arrives after the restore: a restored subject the clock can wake is
    woken by the first advance."""
    rule = "wuhan.website.illegal_case_reported_24h"
    found = {**_site_events()[-1], "type": "incident_detected", "at": "2026-05-01T09:00:00"}
    raised = []
    for restore in (False, True):
        with Monitor(wuhan) as monitor:
            monitor.feed_all([*_site_events(), found])
            state = _through_json(monitor.snapshot())
            with Monitor(wuhan, state) if restore else contextlib.nullcontext(monitor) as m:
                assert rule not in {a.rule_id for a in m.advance_to(D(2026, 5, 2))}
                raised.append(
                    [(a.at, a.cause) for a in m.advance_to(D(2026, 5, 3)) if a.rule_id == rule]
                )
    assert raised == [[(D(2026, 5, 3), "clock")]] * 2


def test_a_state_of_another_pack_is_refused(
    wuhan: egovrules.Pack, mini: egovrules.Pack, tmp_path: Path
) -> None:
    """A state taken with another pack, or with the same text compiled with the weekday
    fallback, is refused with E511 naming both packs, at the first value of the state's
    ``pack`` that differs (review: E511 had no path, and a checkpoint's was at 1:1)."""

    def refusal(pack: egovrules.Pack, state: dict[str, Any], says: str) -> tuple[Any, ...]:
        with pytest.raises(StateError, match=says) as info:
            Monitor(pack, state)
        [diagnostic] = info.value.diagnostics
        assert diagnostic.code == "E511"
        return diagnostic.path or ()

    with Monitor(wuhan) as monitor:
        monitor.feed_all(_site_events())
        state = monitor.snapshot()
    with pytest.raises(StateError) as info:
        Monitor(mini, state)
    message = str(info.value)
    assert "error[E511]" in message
    assert f"pack wuhan (sha256 {wuhan.ruleset.content_hash[:12]})" in message
    assert f"pack mini (sha256 {mini.ruleset.content_hash[:12]})" in message
    assert info.value.diagnostics[0].path == ("pack", "id")
    # The same id, another text: at the hash.
    edited = tmp_path / "mini.yaml"
    edited.write_text(
        (FIXTURES / "packs" / "mini.yaml").read_text(encoding="utf-8") + "# edited\n",
        encoding="utf-8",
    )
    with Monitor(mini) as monitor:
        mini_state = monitor.snapshot()
    assert refusal(egovrules.load_pack(edited), mini_state, "E511") == ("pack", "sha256")
    clock = egovrules.load_pack(FIXTURES / "packs" / "clock.yaml")
    with Monitor(clock) as monitor:
        state = monitor.snapshot()
    fallback = egovrules.load_pack(FIXTURES / "packs" / "clock.yaml", weekday_fallback=True)
    says = r"E511.*weekday fallback off"
    assert refusal(fallback, state, says) == ("pack", "weekday_fallback")
    # The same pack counting on a supplied 2027 notice would decide 2027's deadlines where the
    # state's monitor left them undetermined: refused too, and the other way round. A state
    # taken without a calendar has no ``calendar`` to point at: at its ``pack``.
    noticed = clock.using(egovrules.load_calendar([FIXTURES / "calendar" / "notice-2027.yaml"]))
    says = r"E511.*calendar chinese-calendar alone"
    assert refusal(noticed, state, says) == ("pack",)
    with Monitor(noticed) as monitor:
        state = monitor.snapshot()
    assert "2027: 国务院办公厅关于2027年部分节假日安排的通知" in state["pack"]["calendar"]
    says = r"E511.*calendar chinese-calendar 1"
    assert refusal(clock, state, says) == ("pack", "calendar")
    with Monitor(noticed, _through_json(state)):
        pass


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: [], "a monitor state is a mapping, not list"),
        (
            lambda s: {**s, "format": "egovrules.monitor/0"},
            "format: 'egovrules.monitor/0'",
        ),
        (lambda s: {k: v for k, v in s.items() if k != "timers"}, "timers: Field required"),
        (lambda s: {**s, "clock": "17 March"}, "clock: Input should be a valid date"),
        (
            lambda s: {
                **s,
                "subjects": [
                    {**s["subjects"][0], "violated": [*s["subjects"][0]["violated"], "no.such"]}
                ],
            },
            "subject 'site-1': no website rule 'no.such' in the pack",
        ),
        (
            lambda s: {**s, "subjects": [{**s["subjects"][0], "standing": [FILING]}]},
            f"standing rules that are not violated: {FILING}",
        ),
        (
            lambda s: {**s, "subjects": s["subjects"] * 2},
            "subjects.1: subject 'site-1' appears twice",
        ),
        (
            lambda s: {
                **s,
                "subjects": [
                    {**s["subjects"][0], "subject": {**s["subjects"][0]["subject"], "url": 3}}
                ],
            },
            "subjects.0: url: Input should be a valid string",
        ),
        (lambda s: {**s, "timers": [["2026-03-17", "ghost"]]}, "unknown subject 'ghost'"),
    ],
)
def test_a_malformed_state_is_an_e510(wuhan: egovrules.Pack, change: Any, message: str) -> None:
    """Whatever is wrong with a state is an E510 naming it, never a traceback."""
    with Monitor(wuhan) as monitor:
        monitor.feed_all(_site_events())
        state = _through_json(monitor.snapshot())
    with pytest.raises(StateError) as info:
        Monitor(wuhan, change(state))
    assert "error[E510]: not a valid monitor state" in str(info.value)
    assert message in str(info.value)
