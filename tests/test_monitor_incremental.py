"""The monitor re-evaluates only the rules whose inputs an event changed: a subject's fact is
built from the previous one, interpreting again only the lowered conditions whose fields (or,
for those that read it, the date) changed, and a durable-rules group whose inputs are the same
is not asserted again. Whatever is reused, the fact is the one built from scratch."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import egovrules
from egovrules.backends import durable
from egovrules.backends.durable import compile_durable
from egovrules.ir.nodes import Deadline
from egovrules.monitoring.clock import reads_as_of
from egovrules.subjects import SUBJECT_MODELS, parse_subject
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


@pytest.mark.parametrize(
    ("pack_ref", "kind"), PAIRS, ids=[f"{str(p).rsplit('/', 1)[-1]}-{k}" for p, k in PAIRS]
)
def test_fact_from_the_previous_one_equals_the_fact_from_scratch(pack_ref: Any, kind: str) -> None:
    """The subject after an event keeps some fields and changes others; on the same day or a
    later one, its fact built from the previous evaluation is the fact built from scratch."""
    pack = egovrules.load_pack(pack_ref)
    program = compile_durable(pack.ruleset).kinds[kind]
    strings = pack_strings(pack.ruleset)
    model = SUBJECT_MODELS[kind]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        before=subject_data(model, strings),
        after=subject_data(model, strings),
        changed=st.sets(st.sampled_from(sorted(model.model_fields))),
        day=DATES,
        later=st.sampled_from([0, 0, 1, 30]),
    )
    def agree(
        before: dict[str, Any], after: dict[str, Any], changed: set[str], day: dt.date, later: int
    ) -> None:
        old = parse_subject(before)
        merged = {**before, **{k: v for k, v in after.items() if k in changed}}
        try:
            new = parse_subject(merged)
        except ValueError:  # the mix is not a valid subject (a cross-field check)
            return
        then = day + dt.timedelta(days=later)
        previous = (old, day, program.fact(old, day))
        assert program.fact(new, then, previous) == program.fact(new, then)

    agree()


def test_an_event_on_one_field_interprets_only_what_reads_it(
    wuhan: egovrules.Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A website that starts disclosing its service matters: of the conditions lowered to
    Python, only the three reading ``disclosure_items`` are interpreted again."""
    program = compile_durable(wuhan.ruleset).kinds["website"]
    calls: list[object] = []
    real_cond, real_expr = durable.eval_cond, durable.eval_expr

    def count_cond(node: Any, *args: Any) -> Any:
        calls.append(node)
        return real_cond(node, *args)

    def count_expr(node: Any, *args: Any) -> Any:
        calls.append(node)
        return real_expr(node, *args)

    monkeypatch.setattr(durable, "eval_cond", count_cond)
    monkeypatch.setattr(durable, "eval_expr", count_expr)
    day = dt.date(2026, 3, 1)
    site = egovrules.Website(id="s", has_interactive_columns=True, network_access_date=day)
    first = program.fact(site, day)
    everything = len(calls)
    disclosing = egovrules.Website(
        id="s",
        has_interactive_columns=True,
        network_access_date=day,
        disclosure_items=["service_matters"],
    )
    calls.clear()
    fact = program.fact(disclosing, day, (site, day, first))
    reading = {s.node for s in program.lowered if s.reads == {"disclosure_items"}}
    assert len(reading) == 3 and set(calls) == reading and len(calls) < everything
    assert fact == program.fact(disclosing, day) != first


def test_monitor_asserts_again_only_the_groups_whose_inputs_changed(
    wuhan: egovrules.Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A website renamed on the day it was registered: no rule reads the name, so no group is
    asserted again; the monitor's violations are still those of pack.check."""
    asserted: list[str] = []
    real = durable.DurableSession._assert

    def counting(self: Any, handle: int, text: str, fact_id: str, subject_id: str) -> Any:
        asserted.append(text)
        return real(self, handle, text, fact_id, subject_id)

    monkeypatch.setattr(durable.DurableSession, "_assert", counting)
    event = {
        "subject_id": "s",
        "subject_kind": "website",
        "type": "registered",
        "at": "2026-03-01",
        "payload": {"attributes": {"city": "wuhan", "has_interactive_columns": True}},
    }
    with egovrules.Monitor(wuhan) as monitor:
        monitor.feed(event)
        groups = len(asserted)
        monitor.feed({**event, "type": "updated", "payload": {"set": {"name": "站"}}})
        assert groups > 0 and len(asserted) == groups
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
    asserted again because a day passed."""
    for program in compile_durable(egovrules.load_pack(pack_id).ruleset).kinds.values():
        for group, keys in zip(program.groups, program.group_keys, strict=True):
            rules = [program.durable_rules[i] for i in group]
            dated = any(
                isinstance(program.rules[r.index].requires, Deadline)
                or reads_as_of(program.rules[r.index])
                for r in rules
            )
            assert "asof" not in keys or dated, [r.name for r in rules]
