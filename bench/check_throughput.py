"""Throughput of the compiled evaluator on the full Wuhan pack, beside hand-written Python.

Run:  python bench/check_throughput.py [--n 20000] [--repeat 5]
      python bench/check_throughput.py --against OTHER/src [--rounds 5] [--n 5000]

Prints, for 20,000 generated subjects (a mix of the four kinds):
  * ``pack.check`` on pre-validated models and on raw dicts (pydantic validation included),
    in subjects per second;
  * the rule evaluation alone on websites: the compiled function for a sample of 20 Wuhan
    website rules against the same 20 rules written by hand, in microseconds per record,
    and their ratio (the target is compiled ≤ 2× hand-written).
All figures come from one process and one run, so the ratio compares like with like.

``--against`` measures what reading a report costs beside the check, on this checkout's code
and on another checkout's ``src`` (put first on ``PYTHONPATH``: an earlier commit in the same
run): the full Wuhan pack over the generated subjects, ``pack.check`` alone, then its
violations read (every finding built: messages in every language, actor, upcoming
deadlines), then ``to_dict()`` (the JSON document's entry); and the HTTP service's batch path
(``bench/serve_throughput.py``: its 1,000 websites read from one body, checked and written as
the JSON document) beside ``pack.check`` on the same websites. Each round runs one process of
each code, one after the other; each process times the three interleaved (CPU time) and
reports medians; each figure is the median over the rounds, and each ratio the median of the
per-round ratios.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import egovrules
from egovrules.backends.python import PythonBackend
from egovrules.engine.pack import Pack
from egovrules.subjects import parse_subject

AS_OF = dt.date(2026, 3, 22)
BASE = dt.date(2026, 1, 1)

# The sample: 20 website rules of rules/wuhan.yaml, written by hand below in the same order.
SAMPLE = [
    "wuhan.website.portal_column_and_link",
    "wuhan.website.disclosure_free_of_charge",
    "wuhan.website.no_restricted_disclosure",
    "wuhan.website.disclose_functions_structure",
    "wuhan.website.disclose_contacts_staff",
    "wuhan.website.disclose_service_matters",
    "wuhan.website.consultation_column",
    "wuhan.website.consultation_delay_notice",
    "wuhan.website.consultation_response_time_limit",
    "wuhan.website.realtime_service_on_duty",
    "wuhan.website.complaint_column",
    "wuhan.website.complaint_handler",
    "wuhan.website.complaint_norms_time_limits",
    "wuhan.website.backend_publishing_system",
    "wuhan.website.basic_functions",
    "wuhan.website.designated_maintainer",
    "wuhan.website.outsourced_maintenance_supervised",
    "wuhan.website.security_systems",
    "wuhan.website.police_filing_15_days",
    "wuhan.website.police_filing_authority",
]
SECURITY = frozenset(
    {
        "info_security_mgmt",
        "emergency_response_sensitive_periods",
        "security_education_training",
        "illegal_case_24h_reporting",
        "vuln_and_virus_detection",
        "security_tech_mgmt",
    }
)
FIFTEEN_DAYS = dt.timedelta(days=15)


def handwritten(s: Any, as_of: dt.date) -> tuple[int, ...]:
    """The 20 sample rules as a programmer would write them directly."""
    c = s.consultation
    k = s.complaint
    m = s.maintainer
    r = s.discloses_restricted
    items = s.disclosure_items
    f = s.basic_functions
    out = [
        1
        if s.own_site_special_column
        and s.links_to_portal
        and s.portal_link_target == "www.wuhan.gov.cn"
        else 2,
        1 if not s.disclosure_fee_charged else 2,
        1 if not (r.state_secret or r.commercial_secret or r.privacy) else 2,
        1 if "functions_structure" in items else 2,
        1 if "contacts_staff" in items else 2,
        1 if "service_matters" in items else 2,
        1 if c.column and c.handler_designated else 2,
        1 if c.delay_notices_given else 2,
        1 if c.norms and c.response_time_limit_defined else 2,
        (1 if c.staff_on_duty else 2) if c.realtime_service else 0,
        1 if k.column and k.prominent else 2,
        1 if k.handler_designated else 2,
        1 if k.norms and k.response_time_defined and k.reply_time_limit_defined else 2,
        1 if s.backend_publishing_system else 2,
        1 if f.service_link and f.online_acceptance and f.realtime_query else 2,
        1 if m.designated and m.kind == "agency" else 2,
        (1 if m.outsourcing_supervised else 2) if m.outsourced else 0,
        1 if s.security_systems >= SECURITY else 2,
    ]
    triggered = s.publishes_important_party_gov_info or s.has_interactive_columns
    filing = s.police_filing
    if not triggered:
        out += [0, 0]
    else:
        # an act dated after the as-of date has not happened on it: connected later, the 15
        # days have not begun; filed later, not filed yet
        filed = filing.date if filing is not None else None
        if filed is not None and filed > as_of:
            filed = None
        access = s.network_access_date
        if access is None or access > as_of:
            out.append(1)
        else:
            due = access + FIFTEEN_DAYS
            if filed is not None:
                out.append(2 if filed > due else 1)
            else:
                out.append(2 if as_of > due else 3)
        if filed is None:
            out.append(0)
        elif filing.authority == "municipal_public_security_department":
            out.append(1)
        else:
            # filed elsewhere: open while the public security filing can still be made in time
            in_time = access is not None and as_of <= access + FIFTEEN_DAYS
            out.append(3 if in_time else 2)
    return tuple(out)


def _bools(rng: random.Random, names: list[str], p: float = 0.9) -> dict[str, bool]:
    return {n: rng.random() < p for n in names}


def website(rng: random.Random, i: int) -> dict[str, Any]:
    access = BASE + dt.timedelta(days=rng.randint(0, 80))
    site: dict[str, Any] = {
        "kind": "website",
        "id": f"site-{i}",
        "city": "wuhan",
        "own_site_special_column": rng.random() < 0.9,
        "links_to_portal": rng.random() < 0.9,
        "portal_link_target": rng.choice(["www.wuhan.gov.cn"] * 9 + ["www.example.cn"]),
        "disclosure_fee_charged": rng.random() < 0.05,
        "discloses_restricted": _bools(rng, ["state_secret", "commercial_secret", "privacy"], 0.02),
        "disclosure_items": rng.sample(
            ["functions_structure", "contacts_staff", "service_matters", "news"], rng.randint(1, 4)
        ),
        "consultation": _bools(
            rng,
            [
                "column",
                "prominent",
                "handler_designated",
                "norms",
                "response_time_limit_defined",
                "realtime_service",
                "staff_on_duty",
                "delay_notices_given",
                "out_of_scope_referral",
            ],
        ),
        "complaint": _bools(
            rng,
            [
                "column",
                "prominent",
                "handler_designated",
                "norms",
                "response_time_defined",
                "reply_time_limit_defined",
            ],
        ),
        "maintainer": {
            "designated": rng.random() < 0.9,
            "kind": rng.choice(["agency", "person"]),
            "outsourced": rng.random() < 0.3,
            "outsourcing_supervised": rng.random() < 0.8,
        },
        "basic_functions": _bools(rng, ["service_link", "online_acceptance", "realtime_query"]),
        "backend_publishing_system": rng.random() < 0.9,
        "security_systems": sorted(s for s in SECURITY if rng.random() < 0.95),
        "publishes_important_party_gov_info": rng.random() < 0.5,
        "has_interactive_columns": rng.random() < 0.5,
        "network_access_date": access.isoformat(),
        "has_online_service_conditions": rng.random() < 0.5,
        "online_services": [
            _bools(
                rng,
                [
                    "online_acceptance",
                    "realtime_query",
                    "result_feedback",
                    "basis",
                    "process",
                    "time_limit",
                    "result_notified_with_reasons",
                ],
            )
            | {"item": f"m{j}"}
            for j in range(rng.randint(0, 3))
        ],
    }
    if rng.random() < 0.8:
        site["police_filing"] = {
            "authority": rng.choice(["municipal_public_security_department"] * 9 + ["other"]),
            "date": (access + dt.timedelta(days=rng.randint(0, 25))).isoformat(),
        }
    return site


def project(rng: random.Random, i: int) -> dict[str, Any]:
    start = BASE + dt.timedelta(days=rng.randint(0, 200))
    accepted = start + dt.timedelta(days=rng.randint(100, 300))
    return {
        "kind": "project",
        "id": f"proj-{i}",
        "city": "wuhan",
        "documents": _bools(
            rng,
            [
                "proposal",
                "feasibility_study",
                "preliminary_design",
                "conforms_to_construction_norms",
            ],
        ),
        "reviews": [
            {
                "kind": "expert_review",
                "by": "experts",
                "date": start.isoformat(),
                "organised_by": "municipal_information_industry_department",
            },
            {
                "kind": "preliminary_review",
                "date": start.isoformat(),
                "by": "municipal_information_industry_department",
            },
        ],
        "approvals": [
            {
                "kind": "planning",
                "approver": "municipal_planning_department",
                "date": start.isoformat(),
            }
        ],
        "procurement": {
            "method": rng.choice(["government_procurement", "direct"]),
            "date": start.isoformat(),
        },
        "construction_start_date": start.isoformat(),
        "acceptance": {
            "date": accepted.isoformat(),
            "result": "passed",
            "organised_by": [
                "municipal_planning_department",
                "municipal_information_industry_department",
                "municipal_finance_department",
            ],
        },
        "operation_start_date": (accepted + dt.timedelta(days=rng.randint(-20, 20))).isoformat(),
        "payments": [
            {"kind": "om", "date": (accepted + dt.timedelta(days=rng.randint(-10, 40))).isoformat()}
        ],
        "is_key_application_system": rng.random() < 0.3,
        "joint_meeting_system": rng.random() < 0.8,
    }


def network(rng: random.Random, i: int) -> dict[str, Any]:
    return {
        "kind": "network",
        "id": f"net-{i}",
        "city": "wuhan",
        "request_type": rng.choice(["separate_internet_egress", "platform_access"]),
        "platform_access": True,
        "security_responsibility_system": rng.random() < 0.9,
        "technical_measures": True,
        "accepts_security_supervision": True,
    }


def department(rng: random.Random, i: int) -> dict[str, Any]:
    return {
        "kind": "department",
        "id": f"dept-{i}",
        "city": "wuhan",
        "training": _bools(rng, ["staff_trained", "staff_assessed"]),
        "resource_catalogue": {
            "submitted_to": "municipal_information_industry_department",
            "date": "2025-01-01",
            "last_updated": "2025-06-01",
        },
    }


def generate(n: int, seed: int = 2004) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    makers: list[Callable[[random.Random, int], dict[str, Any]]] = (
        [website] * 5 + [project] * 3 + [network, department]
    )
    return [rng.choice(makers)(rng, i) for i in range(n)]


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def interleaved(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[float]]:
    """Each function timed once per repetition, in turn, so that every ratio compares two
    timings taken moments apart under the same load."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t = time.process_time()  # CPU time: what other processes' load disturbs least
            fn()
            times[name].append(time.process_time() - t)
    return times


def speed_ratio(times: dict[str, list[float]], name: str, base: str) -> float:
    """The median over repetitions of base's time ÷ name's time (speed relative to base)."""
    return statistics.median(b / t for b, t in zip(times[base], times[name], strict=True))


READING = {
    "check": "pack.check (the report, its codes)",
    "violations": "pack.check, then its violations read",
    "to_dict": "pack.check, then to_dict() (JSON entry)",
}
# The HTTP service's batch path (bench/serve_throughput.py) on its 1,000 websites, in process.
BATCH = {
    "batch_check": "pack.check alone, the batch's 1,000 websites",
    "batch": "the batch: body read, checked, JSON written",
}


def reading(n: int, repeat: int) -> dict[str, float]:
    """Per row of ``READING``: the median over ``repeat`` interleaved repetitions of its CPU
    time per subject (µs), the full Wuhan pack over ``n`` generated subjects."""
    pack = egovrules.load_pack("wuhan")
    models = [parse_subject(d) for d in generate(n)]
    for s in models:  # warm: each kind's compiled functions built, caches filled
        pack.check(s, as_of=AS_OF).to_dict()
    from serve_throughput import _batch  # the service's own batch, beside this script

    from egovrules.engine.run import RunOptions, check_loaded
    from egovrules.report.render.json import render_json
    from egovrules.service.body import subjects_of_body

    websites = _batch(1000)
    sites = [parse_subject(d) for d in websites]
    body = json.dumps(websites).encode()
    options = RunOptions(city="wuhan", as_of=AS_OF)

    def batch() -> None:
        loaded = subjects_of_body(pack, body, fast=True)
        render_json([check_loaded(s, options, {"wuhan": pack}) for s in loaded], "en", indent=None)

    times = interleaved(
        {
            "check": lambda: [pack.check(s, as_of=AS_OF) for s in models],
            "violations": lambda: [pack.check(s, as_of=AS_OF).violations for s in models],
            "to_dict": lambda: [pack.check(s, as_of=AS_OF).to_dict() for s in models],
            "batch_check": lambda: [pack.check(s, as_of=AS_OF) for s in sites],
            "batch": batch,
        },
        repeat,
    )
    size = {"batch_check": len(sites), "batch": len(sites)}
    return {k: statistics.median(v) / size.get(k, n) * 1e6 for k, v in times.items()}


def compare_reading(other: str, n: int, repeat: int, rounds: int) -> None:
    """``reading`` in a process of this checkout's code and one of ``other``'s, ``rounds``
    times in turn; the medians and the ratios of the two."""
    print(_load())
    argv = [sys.executable, __file__, "--reading", "--n", str(n), "--repeat", str(repeat)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    codes = {"this": env, "other": env | {"PYTHONPATH": str(Path(other).resolve())}}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in codes}
    for _ in range(rounds):
        for name, code_env in codes.items():
            out = subprocess.run(argv, env=code_env, capture_output=True, text=True, check=True)
            runs[name].append(json.loads(out.stdout))

    def med(name: str, row: str) -> float:
        return statistics.median(r[row] for r in runs[name])

    def ratio(num: tuple[str, str], den: tuple[str, str]) -> float:
        pairs = zip(runs[num[0]], runs[den[0]], strict=True)
        return statistics.median(a[num[1]] / b[den[1]] for a, b in pairs)

    print(
        f"Wuhan pack, {n} generated subjects, {rounds} rounds of one process each, "
        f"{repeat} interleaved repetitions in each (CPU time); other = {other}"
    )
    print(f"  {'':<46}{'µs, this':>10}{'µs, other':>11}{'× check':>9}{'× other':>9}{'speed':>7}")
    for rows, base in ((READING, "check"), (BATCH, "batch_check")):
        for row, label in rows.items():
            print(
                f"  {label:<46}{med('this', row):>10.1f}{med('other', row):>11.1f}"
                f"{ratio(('this', row), ('this', base)):>9.2f}"
                f"{ratio(('other', row), ('other', base)):>9.2f}"
                f"{ratio(('other', row), ('this', row)):>6.2f}×"
            )
    print("  × check: the row's time over pack.check's on the same subjects, in the same process;")
    print("  speed: other's time over this code's (above 1: this code is faster)")
    print(_load())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--against", help="another checkout's src: reading reports, before/after")
    ap.add_argument("--rounds", type=int, default=5, help="processes of each code (--against)")
    ap.add_argument("--reading", action="store_true", help=argparse.SUPPRESS)  # one process
    args = ap.parse_args()
    if args.reading:
        print(json.dumps(reading(args.n, args.repeat)))
        return
    if args.against is not None:
        compare_reading(args.against, args.n, args.repeat, args.rounds)
        return
    print(_load())

    pack = egovrules.load_pack("wuhan")
    raw = generate(args.n)
    models = [parse_subject(d) for d in raw]
    n = len(raw)

    t_models = best(lambda: [pack.check(s, as_of=AS_OF) for s in models], args.repeat)
    t_raw = best(lambda: [pack.check(d, as_of=AS_OF) for d in raw], args.repeat)
    violations = sum(len(pack.check(s, as_of=AS_OF).violations) for s in models)

    by_id = {r.id: r for r in pack.rules}
    sample = dataclasses.replace(pack.ruleset, rules=tuple(by_id[i] for i in SAMPLE))
    compiled = PythonBackend(sample).outcomes
    sample_pack = Pack(sample)
    sites = [s for s in models if s.kind == "website"]
    raw_sites = [d for d in raw if d["kind"] == "website"]
    mismatches = sum(compiled("website", s, AS_OF) != handwritten(s, AS_OF) for s in sites)
    mismatches += sum(
        sample_pack.check(s, as_of=AS_OF).codes != handwritten(s, AS_OF) for s in sites
    )
    if mismatches:
        raise SystemExit(f"hand-written baseline disagrees with the pack on {mismatches} sites")
    site_violations = sum(len(sample_pack.check(s, as_of=AS_OF).violations) for s in sites)

    def hand_ids() -> None:
        for s in sites:
            codes = handwritten(s, AS_OF)
            [rid for rid, c in zip(SAMPLE, codes, strict=True) if c == 2]

    times = interleaved(
        {
            "hand": lambda: [handwritten(s, AS_OF) for s in sites],
            "hand_ids": hand_ids,
            "compiled": lambda: [compiled("website", s, AS_OF) for s in sites],
            "check": lambda: [sample_pack.check(s, as_of=AS_OF) for s in sites],
            "check_read": lambda: [sample_pack.check(s, as_of=AS_OF).violations for s in sites],
            "check_dict": lambda: [sample_pack.check(s, as_of=AS_OF).to_dict() for s in sites],
            "check_raw": lambda: [sample_pack.check(d, as_of=AS_OF) for d in raw_sites],
            # The same, each report dropped at once: what keeping 10,000 validated subjects
            # costs the garbage collector is the difference.
            "check_raw_dropped": lambda: [
                None for d in raw_sites if sample_pack.check(d, as_of=AS_OF) is None
            ],
            "validate": lambda: [None for d in raw_sites if parse_subject(d) is None],
            # Validation alone, its models kept (as a report keeps its subject): what any code
            # that keeps 10,000 validated pydantic models pays, egovrules or not; the bound of
            # the check from raw dicts with its reports kept.
            "validate_kept": lambda: [parse_subject(d) for d in raw_sites],
        },
        args.repeat,
    )
    med = {k: statistics.median(v) / len(sites) * 1e6 for k, v in times.items()}

    print(
        f"Wuhan pack: {len(pack.rules)} rules; {n} subjects "
        f"({len(sites)} websites); {violations} violations found"
    )
    print(
        f"pack.check, pre-validated models : {n / t_models:>10,.0f} subjects/s "
        f"({t_models / n * 1e6:.1f} µs each)"
    )
    print(
        f"pack.check, raw dicts (validated): {n / t_raw:>10,.0f} subjects/s "
        f"({t_raw / n * 1e6:.1f} µs each)"
    )
    print(
        f"20 website rules on {len(sites)} websites ({site_violations / len(sites):.2f} "
        f"violations each), median of {args.repeat} interleaved repetitions (CPU time):"
    )
    rows = [
        ("hand", "hand-written, outcome codes"),
        ("hand_ids", "hand-written, plus the violated ids"),
        ("compiled", "compiled function alone"),
        ("check", "pack.check, models (the Report)"),
        ("check_read", "pack.check, models, violations read"),
        ("check_dict", "pack.check, models, then to_dict()"),
        ("check_raw", "pack.check, raw dicts (validated)"),
        ("check_raw_dropped", "the same, each report dropped"),
        ("validate", "parse_subject alone"),
        ("validate_kept", "parse_subject alone, models kept"),
    ]
    for key, label in rows:
        print(
            f"  {label:<38}: {med[key]:>7.2f} µs/site  "
            f"speed {speed_ratio(times, key, 'hand'):.3f}× hand-written"
        )
    print("  goals: pack.check ≥ 0.8× from models, ≥ 0.3× from raw dicts")
    ratio = statistics.median(c / h for c, h in zip(times["compiled"], times["hand"], strict=True))
    print(f"compiled / hand-written time      : {ratio:>10.2f}×  (target ≤ 2×)")
    print(_load())


if __name__ == "__main__":
    main()
