"""Throughput of the durable-rules event monitor beside the snapshot evaluator, and of the
compiled durable-rules rules beside the same rules written by hand for durable-rules.

Run:  python bench/monitor_throughput.py [--n 2000] [--repeat 7]

On the subjects bench/check_throughput.py generates (Wuhan pack; a mix of the four kinds),
turned into event histories (a website is registered, goes online, files with the police; a
project is registered, procured, accepted, put into operation, paid), it prints:

  * the snapshot evaluator: ``pack.check`` on the final subjects (subjects per second), and
    fold-and-check after every event (events per second: what a poller would do, reading a
    report's violations when it has a new one, as the monitor builds the new ones);
  * the monitor: ``Monitor(pack)`` fed every event, then ``advance_to`` the last day
    (events per second), and its ratio to fold-and-check;
  * the 20 Wuhan website rules of check_throughput.py: compiled from the pack into
    durable-rules (the compiled fact built, every fact asserted) against the same 20 rules
    written by hand in durable-rules' own Python DSL (``durable.lang``), on the same websites,
    in µs per website, and their ratio.

Every figure comes from one process and one run; the monitor's final violations are checked
against ``pack.check`` and the hand-written durable rules against the compiled outcomes, so
the comparisons are of programs that give the same answers. The programs compared are timed
interleaved (one repetition of each in turn, CPU time), and each ratio is the median over the
repetitions of the ratio within one repetition, with its spread (lowest-highest) and the load
average before and after: other processes share the cores.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import statistics
import uuid
from collections.abc import Callable
from typing import Any

from check_throughput import BASE, SAMPLE, SECURITY, _load, generate, interleaved

import egovrules
from egovrules.backends.durable import compile_durable
from egovrules.backends.durable_session import DurableSession
from egovrules.backends.durable_slots import compile_fact
from egovrules.backends.python import PythonBackend
from egovrules.monitoring.events import apply_event, parse_event
from egovrules.monitoring.monitor import Monitor
from egovrules.subjects import parse_subject

WUHAN_POLICE = "municipal_public_security_department"


def events_of(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """A generated subject as the events that build it (registered first, the day before)."""
    data = dict(raw)
    sid, kind = data.pop("id"), data.pop("kind")
    lifecycle: list[tuple[str, str, dict[str, Any]]] = []
    if kind == "website":
        lifecycle.append((data.pop("network_access_date"), "online", {}))
        filing = data.pop("police_filing", None)
        if filing is not None:
            lifecycle.append((filing["date"], "police_filed", {"authority": filing["authority"]}))
    elif kind == "project":
        proc = data.pop("procurement")
        lifecycle.append((proc["date"], "procured", {"method": proc["method"]}))
        acc = data.pop("acceptance")
        lifecycle.append(
            (
                acc["date"],
                "accepted",
                {"result": acc["result"], "organised_by": acc["organised_by"]},
            )
        )
        lifecycle.append((data.pop("operation_start_date"), "put_into_operation", {}))
        for payment in data.pop("payments"):
            lifecycle.append((payment["date"], "paid", {"kind": payment["kind"]}))
    start = (BASE - dt.timedelta(days=1)).isoformat()
    out = [_event(sid, kind, "registered", start, {"attributes": data})]
    out += [_event(sid, kind, t, at, p) for at, t, p in sorted(lifecycle, key=lambda x: x[0])]
    return out


def _event(sid: str, kind: str, etype: str, at: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"subject_id": sid, "subject_kind": kind, "type": etype, "at": at, "payload": payload}


# ---- the 20 sample website rules, written by hand for durable-rules -----------------------


def handwritten_durable(name: str, hits: list[tuple[str, int]]) -> None:
    """Define the 20 sample rules in durable-rules' DSL; each firing appends (site, rule)."""
    from durable.lang import m, ruleset, when_all

    def hit(n: int) -> Callable[[Any], None]:
        def action(c: Any) -> None:
            hits.append((c.m.sid_, n))

        return action

    triggered = (m.important == True) | (m.interactive == True)  # noqa: E712 - durable's DSL
    conditions = [
        (m.own_column == False) | (m.links == False) | (m.target != "www.wuhan.gov.cn"),  # noqa: E712
        m.fee == True,  # noqa: E712
        (m.state_secret == True) | (m.commercial_secret == True) | (m.privacy == True),  # noqa: E712
        m.d_functions_structure == False,  # noqa: E712
        m.d_contacts_staff == False,  # noqa: E712
        m.d_service_matters == False,  # noqa: E712
        (m.c_column == False) | (m.c_handler == False),  # noqa: E712
        m.c_delay == False,  # noqa: E712
        (m.c_norms == False) | (m.c_limit == False),  # noqa: E712
        (m.c_realtime == True) & (m.c_on_duty == False),  # noqa: E712
        (m.k_column == False) | (m.k_prominent == False),  # noqa: E712
        m.k_handler == False,  # noqa: E712
        (m.k_norms == False) | (m.k_response == False) | (m.k_reply == False),  # noqa: E712
        m.backend == False,  # noqa: E712
        (m.f_link == False) | (m.f_acceptance == False) | (m.f_query == False),  # noqa: E712
        (m.m_designated == False) | (m.m_kind != "agency"),  # noqa: E712
        (m.m_outsourced == True) & (m.m_supervised == False),  # noqa: E712
        m.security_all == False,  # noqa: E712
        # late only once the 15 days have passed (a filing dated after the as-of date is
        # not made yet on it); the authority judged once the filing is made, and a filing
        # elsewhere broken only once the 15 days have passed (Wuhan 1.3.2: until then the site
        # can still file with the public security department), or at once with no access date
        triggered
        & (+m.access)
        & (m.as_of > m.access + 15)
        & ((-m.filed) | (m.filed > m.access + 15)),
        triggered
        & (+m.filed)
        & (m.filed <= m.as_of)
        & (m.authority != WUHAN_POLICE)
        & ((-m.access) | (m.as_of > m.access + 15)),
    ]
    with ruleset(name):
        for n, condition in enumerate(conditions):
            when_all(condition)(hit(n))


def hand_fact(s: Any, as_of: dt.date) -> dict[str, Any]:
    """The fact a programmer would prepare for the hand-written rules."""
    c, k, mt, f, r = (
        s.consultation,
        s.complaint,
        s.maintainer,
        s.basic_functions,
        (s.discloses_restricted),
    )
    fact = {
        "sid_": s.id,
        "as_of": as_of.toordinal(),
        "own_column": s.own_site_special_column,
        "links": s.links_to_portal,
        "target": s.portal_link_target or "",
        "fee": s.disclosure_fee_charged,
        "state_secret": r.state_secret,
        "commercial_secret": r.commercial_secret,
        "privacy": r.privacy,
        **{f"d_{i}": i in s.disclosure_items
           for i in ("functions_structure", "contacts_staff", "service_matters")},
        "c_column": c.column, "c_handler": c.handler_designated, "c_delay": c.delay_notices_given,
        "c_norms": c.norms, "c_limit": c.response_time_limit_defined,
        "c_realtime": c.realtime_service, "c_on_duty": c.staff_on_duty,
        "k_column": k.column, "k_prominent": k.prominent, "k_handler": k.handler_designated,
        "k_norms": k.norms, "k_response": k.response_time_defined,
        "k_reply": k.reply_time_limit_defined,
        "backend": s.backend_publishing_system,
        "f_link": f.service_link, "f_acceptance": f.online_acceptance, "f_query": f.realtime_query,
        "m_designated": mt.designated, "m_kind": mt.kind or "", "m_outsourced": mt.outsourced,
        "m_supervised": mt.outsourcing_supervised,
        "security_all": s.security_systems >= SECURITY,
        "important": s.publishes_important_party_gov_info,
        "interactive": s.has_interactive_columns,
    }  # fmt: skip
    if s.network_access_date is not None:
        fact["access"] = s.network_access_date.toordinal()
    if s.police_filing is not None and s.police_filing.date is not None:
        fact["filed"] = s.police_filing.date.toordinal()
        fact["authority"] = s.police_filing.authority or ""
    return fact


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()

    pack = egovrules.load_pack("wuhan")
    raw = generate(args.n)
    subjects = {d["id"]: parse_subject(d) for d in raw}
    stream = sorted((e for d in raw for e in events_of(d)), key=lambda e: e["at"])
    events = [parse_event(e) for e in stream]
    last = max(e.day for e in events) + dt.timedelta(days=1)

    def fold_and_check() -> None:
        # A poller's alerts: the violations of a subject's report are read when it violates a
        # rule it did not violate after the previous event (the report builds them then).
        state: dict[str, Any] = {}
        violated: dict[str, set[int]] = {}
        for e in events:
            state[e.subject_id] = apply_event(state.get(e.subject_id), e)
            report = pack.check(state[e.subject_id], as_of=e.day)
            now = {i for i, code in enumerate(report.codes) if code == 2}
            if now - violated.get(e.subject_id, set()):
                _ = report.violations
            violated[e.subject_id] = now

    def monitor_run() -> Any:
        monitor = Monitor(pack)
        for e in events:
            monitor.feed(e)
        monitor.advance_to(last)
        return monitor

    monitor = monitor_run()
    wrong = sum(
        monitor.subject(sid) != s or monitor.violations(sid) != pack.check(s, last).violations
        for sid, s in subjects.items()
    )
    if wrong:
        raise SystemExit(f"the monitor disagrees with pack.check on {wrong} subjects")
    monitor.close()

    models = list(subjects.values())
    load_before = _load()
    times = interleaved(
        {
            "check": lambda: [pack.check(s, as_of=last) for s in models],
            "fold": fold_and_check,
            "monitor": lambda: monitor_run().close(),
        },
        args.repeat,
    )

    # The 20 website rules: compiled into durable-rules, and written by hand for it.
    sites = [s for s in models if s.kind == "website"]
    by_id = {r.id: r for r in pack.rules}
    sample = dataclasses.replace(pack.ruleset, rules=tuple(by_id[i] for i in SAMPLE))
    program = compile_durable(sample).kinds["website"]
    as_of = dt.date(2026, 3, 22)

    def compiled_run() -> set[tuple[str, int]]:
        # every site's fact asserted, as the hand-written rules' are: no memo of parts met;
        # the fact compiled, as the monitor's is (the compilation timed too)
        session = DurableSession(program, "bench", memo=0)
        fact = compile_fact(program)
        out = {(s.id, i) for s in sites for i in session.evaluate(s.id, fact(s, as_of)).violated}
        session.close()
        return out

    from durable.engine import MessageNotHandledException
    from durable.lang import assert_fact

    hits: list[tuple[str, int]] = []

    def hand_run() -> set[tuple[str, int]]:
        name = f"hand-{uuid.uuid4().hex}"
        handwritten_durable(name, hits)
        hits.clear()
        for s in sites:
            # a compliant site matches no rule, and durable-rules raises for it
            with contextlib.suppress(MessageNotHandledException):
                assert_fact(name, hand_fact(s, as_of))
        return set(hits)

    reference = PythonBackend(sample)
    expected = {
        (s.id, i)
        for s in sites
        for i, code in enumerate(reference.outcomes("website", s, as_of))
        if code == 2
    }
    compiled, hand = compiled_run(), hand_run()
    if compiled != expected or hand != expected:
        raise SystemExit(
            f"disagreement on the 20 rules: compiled {len(compiled ^ expected)}, "
            f"hand-written {len(hand ^ expected)} (site, rule) pairs"
        )
    times |= interleaved({"compiled": compiled_run, "hand": hand_run}, args.repeat)
    load_after = _load()
    t_check, t_fold, t_mon, t_comp, t_hand = (
        statistics.median(times[k]) for k in ("check", "fold", "monitor", "compiled", "hand")
    )

    n, ne, ns = len(models), len(events), len(sites)
    groups = sum(len(k.groups) for k in compile_durable(pack.ruleset).kinds.values())
    native = compile_durable(pack.ruleset).kinds
    print(
        f"Wuhan pack: {len(pack.rules)} rules in {groups} durable rulesets; {n} subjects, "
        f"{ne} events, {ns} websites"
    )
    print(
        "share of rule inputs durable-rules compares itself (the rest lowered to Python): "
        + ", ".join(f"{k} {v.native_share:.0%}" for k, v in native.items())
    )
    print(f"snapshot pack.check, final subjects : {n / t_check:>10,.0f} subjects/s")
    print(f"snapshot fold + check per event     : {ne / t_fold:>10,.0f} events/s")
    print(f"monitor feed + advance_to            : {ne / t_mon:>10,.0f} events/s")
    print(f"monitor / (fold + check) time        : {ratio(times, 'monitor', 'fold')}")
    print(f"20 website rules, durable hand-written: {t_hand / ns * 1e6:>9.1f} µs/website")
    print(f"20 website rules, durable compiled    : {t_comp / ns * 1e6:>9.1f} µs/website")
    print(f"compiled / hand-written durable time  : {ratio(times, 'compiled', 'hand')}")
    print(
        f"(medians of {args.repeat} interleaved repetitions in this one process, CPU time; "
        f"{load_before} before, {load_after} after)"
    )


def ratio(times: dict[str, list[float]], name: str, base: str) -> str:
    """The median over repetitions of name's time ÷ base's in the same repetition, and the
    spread of that ratio."""
    each = sorted(t / b for t, b in zip(times[name], times[base], strict=True))
    return f"{statistics.median(each):>9.2f}× (spread {each[0]:.2f}-{each[-1]:.2f}×)"


if __name__ == "__main__":
    main()
