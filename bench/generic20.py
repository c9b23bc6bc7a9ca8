"""The peer harness's 20 generic rules (../shared/bench/peers/peer_bench.py, R01-R20 over a
flat record) as an egovrules pack (bench/generic20.yaml, over the Project subject), timed in one
process beside the same rules written by hand.

Run:  python bench/generic20.py [--n 20000] [--repeat 7]

The record generator, the plain-Python rules over the flat dicts, the mapping of a record onto a
Project (``to_project``) and the rules hand-written over the validated Project models are copied
from the peer harness, so that this script needs nothing outside the project. Every engine must
return, per record, the baseline's set of violated rule ids. Each repetition times every engine
once, in turn; the figures are medians over the repetitions of each engine's speed relative to
the hand-written closures on the same models (and to plain Python over the dicts). The other
peers (durable_rules, CEL, Rego, Cedar, ...) stay in ../shared/bench/peers/, optional.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import egovrules
from egovrules.subjects import Project, parse_subject

SEED = 20260820
N = 20_000
RULE_IDS = [f"R{i:02d}" for i in range(1, 21)]
ALLOWED_APPROVERS = ("municipal_egov_authority", "provincial_egov_authority")
FISCAL_YEAR_START = "2026-01-01"


CITIES = ["shantou", "shenzhen", "guangzhou", "zhuhai", "foshan", "jieyang"]
FUNDING = (
    ["municipal_fiscal", "provincial_fiscal", "central_transfer", "self_raised", "ppp"],
    [0.40, 0.15, 0.15, 0.15, 0.15],
)
APPROVERS = (
    [
        "municipal_egov_authority",
        "provincial_egov_authority",
        "municipal_finance_bureau",
        "district_office",
        "unknown_vendor",
    ],
    [0.55, 0.35, 0.04, 0.03, 0.03],
)
PROCUREMENT = (
    ["open_tender", "competitive_negotiation", "single_source", "inquiry"],
    [0.60, 0.14, 0.15, 0.11],
)
DEADLINES = ["2026-02-28", "2026-03-31", "2026-06-30", "2026-08-31", "2026-12-31"]


def gen_records(n=N, seed=SEED):
    """Flat dicts. Budgets are integer-valued floats; every ratio keeps >=2 percentage
    points of clearance from its threshold so engines that force a rewrite of the
    arithmetic (durable_rules: no arithmetic on the left side; Cedar: integers only,
    no division) decide identically."""
    rnd = random.Random(seed)

    def ch(pair: tuple[list[str], list[float]]) -> str:
        return rnd.choices(pair[0], pair[1])[0]

    out = []
    for i in range(n):
        if rnd.random() < 0.7:
            app = round(rnd.uniform(200_000, 5_000_000), -3)
        else:
            app = round(rnd.uniform(5_000_001, 20_000_000), -3)
        u = rnd.random()
        if u < 0.70:
            dev = rnd.uniform(-0.08, 0.08)
        elif u < 0.82:
            dev = rnd.uniform(0.12, 0.60)
        elif u < 0.91:
            dev = rnd.uniform(-0.45, -0.12)
        else:
            dev = rnd.uniform(-0.85, -0.55)
        cur = float(round(app * (1 + dev)))
        om_f = rnd.uniform(0.02, 0.13) if rnd.random() < 0.9 else rnd.uniform(0.17, 0.35)
        in_op = rnd.random() < 0.6
        accepted = rnd.random() < (0.83 if in_op else 0.30)
        indep = rnd.random() < 0.25
        cloud = rnd.random() < 0.6
        deadline = rnd.choice(DEADLINES)
        dl = dt.date.fromisoformat(deadline)
        off = rnd.randint(-120, 0) if rnd.random() < 0.9 else rnd.randint(1, 45)
        declared = dl + dt.timedelta(days=off)
        approved = declared + dt.timedelta(days=rnd.randint(10, 90))
        if rnd.random() < 0.9:
            started = approved + dt.timedelta(days=rnd.randint(0, 120))
        else:
            started = approved - dt.timedelta(days=rnd.randint(1, 60))
        proc = ch(PROCUREMENT)
        out.append(
            {
                "id": f"p{i}",
                "name": f"Project {i}",
                "city": rnd.choice(CITIES),
                "budget_approved": float(app),
                "budget_current": cur,
                "o_and_m_budget": float(round(app * om_f)),
                "funding": ch(FUNDING),
                "reapproved_after_change": rnd.random() < 0.65,
                "accepted": accepted,
                "in_operation": in_op,
                "declared_on": declared.isoformat(),
                "declaration_deadline": deadline,
                "approved_on": approved.isoformat(),
                "started_on": started.isoformat(),
                "expert_review": rnd.random() < 0.67,
                "approver": ch(APPROVERS),
                "independent_network": indep,
                "network_approval": rnd.random() < (0.6 if indep else 0.1),
                "security_level": rnd.choices([1, 2, 3, 4], [0.30, 0.30, 0.25, 0.15])[0],
                "security_assessment": rnd.random() < 0.75,
                "crypto_assessment": rnd.random() < 0.77,
                "mlps_filed": rnd.random() < 0.76,
                "data_sharing": rnd.random() < 0.4,
                "catalog_registered": rnd.random() < 0.7,
                "cloud_hosted": cloud,
                "uses_gov_cloud": rnd.random() < (0.6 if cloud else 0.0),
                "procurement_method": proc,
                "single_source_justified": rnd.random() < 0.33,
                "duration_months": rnd.randint(6, 48),
            }
        )
    return out


PY_RULES = [
    (
        "R01",
        lambda r: (
            abs(r["budget_current"] - r["budget_approved"]) / r["budget_approved"] > 0.10
            and not r["reapproved_after_change"]
        ),
    ),
    ("R02", lambda r: r["in_operation"] and not r["accepted"]),
    ("R03", lambda r: r["approver"] not in ALLOWED_APPROVERS),
    ("R04", lambda r: r["declared_on"] > r["declaration_deadline"]),
    ("R05", lambda r: r["budget_approved"] > 5_000_000 and not r["expert_review"]),
    ("R06", lambda r: r["independent_network"] and not r["network_approval"]),
    ("R07", lambda r: r["security_level"] >= 3 and not r["security_assessment"]),
    ("R08", lambda r: r["data_sharing"] and not r["catalog_registered"]),
    (
        "R09",
        lambda r: (
            r["cloud_hosted"] and not r["uses_gov_cloud"] and r["funding"] == "municipal_fiscal"
        ),
    ),
    (
        "R10",
        lambda r: r["procurement_method"] == "single_source" and not r["single_source_justified"],
    ),
    ("R11", lambda r: r["o_and_m_budget"] / r["budget_approved"] > 0.15),
    ("R12", lambda r: r["duration_months"] > 36 and not r["expert_review"]),
    (
        "R13",
        lambda r: (
            r["funding"] == "central_transfer" and r["approver"] != "provincial_egov_authority"
        ),
    ),
    ("R14", lambda r: r["accepted"] and r["security_level"] >= 2 and not r["crypto_assessment"]),
    ("R15", lambda r: r["in_operation"] and r["security_level"] >= 2 and not r["mlps_filed"]),
    ("R16", lambda r: r["budget_current"] < r["budget_approved"] * 0.5),
    ("R17", lambda r: r["started_on"] < r["approved_on"]),
    ("R18", lambda r: r["declared_on"] < FISCAL_YEAR_START),
    ("R19", lambda r: r["procurement_method"] == "inquiry" and r["budget_approved"] > 1_000_000),
    ("R20", lambda r: r["funding"] in ("ppp", "self_raised") and not r["catalog_registered"]),
]


EGOV_AS_OF = dt.date(2026, 3, 22)
# The flat record's categorical values onto the Project model's Literal values (bijective).
EGOV_FUNDING = {
    "municipal_fiscal": "government_full",
    "provincial_fiscal": "government_partial",
    "central_transfer": "government_financed",
    "self_raised": "non_government",
    "ppp": "ppp",
}
EGOV_PROCUREMENT = {
    "open_tender": "public_tender",
    "competitive_negotiation": "government_procurement",
    "single_source": "direct",
    "inquiry": "none",
}


def to_project(r):
    """The flat peer record as a raw Project mapping (what a caller would hand pack.check).

    The Project model has no free-form fields (extra='forbid', 4 fixed subject kinds), so each
    flat field goes to a Project field of the same type: budgets -> the two Decimal investment
    fields and an 'om' payment's amount; booleans -> Project booleans; security_level (int) ->
    declaration.plan_year (the model's only int); duration_months -> completion_date =
    construction_start_date + 30 * months days (R12 becomes days_between > 1080, exact)."""
    started = dt.date.fromisoformat(r["started_on"])
    return {
        "kind": "project",
        "id": r["id"],
        "name": r["name"],
        "city": r["city"],
        "approved_total_investment": r["budget_approved"],
        "current_total_investment": r["budget_current"],
        "payments": [{"kind": "om", "date": r["approved_on"], "amount": r["o_and_m_budget"]}],
        "funding_source": EGOV_FUNDING[r["funding"]],
        "follows_approved_programme": r["reapproved_after_change"],
        "included_in_annual_plan": r["accepted"],
        "remote_service_designated": r["in_operation"],
        "declaration": {
            "submitted_date": r["declared_on"],
            "forwarded_date": r["declaration_deadline"],
            "plan_year": r["security_level"],
        },
        "approval_application": {"submitted_to": r["approver"], "decision_date": r["approved_on"]},
        "construction_start_date": r["started_on"],
        "completion_date": (started + dt.timedelta(days=30 * r["duration_months"])).isoformat(),
        "documents": {"feasibility_study": r["expert_review"]},
        "separate_app_system": r["independent_network"],
        "uses_shared_government_online": r["network_approval"],
        "security_standards_applied": r["security_assessment"],
        "security_products_certified": r["crypto_assessment"],
        "software_licensed": r["mlps_filed"],
        "shares_information": r["data_sharing"],
        "supports_disclosure_and_sharing": r["catalog_registered"],
        "reuses_existing": r["cloud_hosted"],
        "conforms_to_overall_plan": r["uses_gov_cloud"],
        "procurement": {"method": EGOV_PROCUREMENT[r["procurement_method"]]},
        "performance_assessment_referenced": r["single_source_justified"],
    }


def model_rules() -> list[tuple[str, Callable[[Any], bool]]]:
    """The 20 rules hand-written as closures over the same validated Project models."""
    A = ALLOWED_APPROVERS
    fy = dt.date.fromisoformat(FISCAL_YEAR_START)

    def r01(p):
        a, c = p.approved_total_investment, p.current_total_investment
        return abs(c - a) / a > Decimal("0.10") and not p.follows_approved_programme

    def r11(p):
        return any(
            x.kind == "om" and x.amount / p.approved_total_investment > Decimal("0.15")
            for x in p.payments
        )

    rules = [
        ("R01", r01),
        ("R02", lambda p: p.remote_service_designated and not p.included_in_annual_plan),
        ("R03", lambda p: p.approval_application.submitted_to not in A),
        ("R04", lambda p: p.declaration.submitted_date > p.declaration.forwarded_date),
        (
            "R05",
            lambda p: p.approved_total_investment > 5_000_000 and not p.documents.feasibility_study,
        ),
        ("R06", lambda p: p.separate_app_system and not p.uses_shared_government_online),
        ("R07", lambda p: p.declaration.plan_year >= 3 and not p.security_standards_applied),
        ("R08", lambda p: p.shares_information and not p.supports_disclosure_and_sharing),
        (
            "R09",
            lambda p: (
                p.reuses_existing
                and not p.conforms_to_overall_plan
                and p.funding_source == "government_full"
            ),
        ),
        (
            "R10",
            lambda p: p.procurement.method == "direct" and not p.performance_assessment_referenced,
        ),
        ("R11", r11),
        (
            "R12",
            lambda p: (
                (p.completion_date - p.construction_start_date).days > 1080
                and not p.documents.feasibility_study
            ),
        ),
        (
            "R13",
            lambda p: (
                p.funding_source == "government_financed"
                and p.approval_application.submitted_to != "provincial_egov_authority"
            ),
        ),
        (
            "R14",
            lambda p: (
                p.included_in_annual_plan
                and p.declaration.plan_year >= 2
                and not p.security_products_certified
            ),
        ),
        (
            "R15",
            lambda p: (
                p.remote_service_designated
                and p.declaration.plan_year >= 2
                and not p.software_licensed
            ),
        ),
        (
            "R16",
            lambda p: p.current_total_investment < p.approved_total_investment * Decimal("0.5"),
        ),
        ("R17", lambda p: p.construction_start_date < p.approval_application.decision_date),
        ("R18", lambda p: p.declaration.submitted_date < fy),
        (
            "R19",
            lambda p: p.procurement.method == "none" and p.approved_total_investment > 1_000_000,
        ),
        (
            "R20",
            lambda p: (
                p.funding_source in ("ppp", "non_government")
                and not p.supports_disclosure_and_sharing
            ),
        ),
    ]

    return rules


def _rid(rule_id: str) -> str:
    return rule_id.rsplit(".", 1)[1].upper()  # generic20.project.r01 -> R01


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=N)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))

    pack = egovrules.load_pack(Path(__file__).with_name("generic20.yaml"))
    records = gen_records(args.n)
    raw = [to_project(r) for r in records]
    models = [parse_subject(d) for d in raw]
    by_model = model_rules()
    fn = pack._backend.functions["project"]
    ids = [_rid(r.id) for r in pack.rules]
    check = pack.check
    day = EGOV_AS_OF

    def plain() -> list[tuple[str, ...]]:
        return [tuple(rid for rid, f in PY_RULES if f(r)) for r in records]

    def hand() -> list[tuple[str, ...]]:
        return [tuple(rid for rid, f in by_model if f(m)) for m in models]

    def compiled() -> list[tuple[str, ...]]:
        return [tuple(i for i, c in zip(ids, fn(m, day), strict=True) if c == 2) for m in models]

    def check_models() -> list[tuple[str, ...]]:
        return [tuple(i for i, c in zip(ids, check(m, day).codes, strict=True) if c == 2)
                for m in models]  # fmt: skip

    def check_violations() -> list[tuple[str, ...]]:
        return [tuple(_rid(v.rule_id) for v in check(m, day).violations) for m in models]

    def check_raw() -> list[tuple[str, ...]]:
        return [tuple(i for i, c in zip(ids, check(d, day).codes, strict=True) if c == 2)
                for d in raw]  # fmt: skip

    def validate() -> None:
        for d in raw:
            Project.model_validate(d)

    engines: dict[str, Callable[[], Any]] = {
        "plain Python closures over the dicts": plain,
        "hand-written closures on Project models": hand,
        "egovrules compiled function alone": compiled,
        "egovrules pack.check, models (report codes)": check_models,
        "egovrules pack.check, models, violations read": check_violations,
        "egovrules pack.check, raw mappings (codes)": check_raw,
        "Project.model_validate alone": validate,
    }
    expected = plain()
    for name, engine in engines.items():
        if engine is not validate and engine() != expected:
            raise SystemExit(f"{name} disagrees with the plain-Python baseline")
    times: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(args.repeat):
        for name, engine in engines.items():
            t = time.process_time()
            engine()
            times[name].append(time.process_time() - t)
    base, hand_name = (
        "plain Python closures over the dicts",
        "hand-written closures on Project models",
    )
    violated = sum(map(len, expected))
    print(f"{len(records)} records, {violated / len(records):.2f} violations each; "
          f"median of {args.repeat} interleaved repetitions (CPU time)")  # fmt: skip
    print(f"{'engine':<48} {'µs/record':>10} {'vs plain':>9} {'vs hand-written':>16}")
    for name in engines:
        vs_plain = statistics.median(b / t for b, t in zip(times[base], times[name], strict=True))
        vs_hand = statistics.median(
            h / t for h, t in zip(times[hand_name], times[name], strict=True)
        )
        per = statistics.median(times[name]) / len(records) * 1e6
        print(f"{name:<48} {per:>10.2f} {vs_plain:>9.3f} {vs_hand:>16.3f}")
    print("goals: pack.check ≥ 0.8× hand-written from models, ≥ 0.3× from raw mappings")
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
