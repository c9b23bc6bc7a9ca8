"""The Shantou project rules written by hand in SQL (``bench/shantou_expert.sql``, the baseline
``bench/audit_throughput.py`` measures the audit against) give the audit's outcome on every
subject and rule: the speed ratio compares two queries that answer alike."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import duckdb
import pytest

import egovrules
from egovrules.backends.sql.layout import layout_of
from egovrules.law.calendar import CHINA
from egovrules.subjects import parse_subject
from tests.conftest import ROOT

RECEIVED = "approval_application__received_date"
DECIDED = "approval_application__decision_date"


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import audit_throughput
    finally:
        sys.path.pop(0)
    yield audit_throughput


@pytest.fixture(scope="module")
def rows(bench: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 rows as the bench makes them (noise 5 %, a fixed seed), then 400 with what its
    noise never makes: an approval application received near the audit date, near the ends of
    the years the calendar knows or before the years the bounds span (where the 7 working days
    end past the calendar and only their bounds can decide them), special declarations,
    evaluation opinions a year off, office systems neither on the shared platform nor approved
    apart, incomplete declarations with no notice yet or one dated later, or accepted with the
    correction dated on the audit date or after it, or the day after, on or the day before the
    evaluation opinion or the first establishment approval (an undated opinion beside it), or
    the first review, or never, still incomplete or not, and corrected declarations taken on
    with every status."""
    pack = egovrules.load_pack("shantou")
    made = tmp_path_factory.mktemp("expert") / "made.parquet"
    fixture = parse_subject(pack.tests.fixtures["project_ok"])
    bench.generate(layout_of("project"), fixture, 2000, 0.05, made, seed=0.19)
    first, last = (dt.date(y, 1, 1) for y in (CHINA.years[0], CHINA.years[1] + 1))
    path = made.with_name("rows.parquet")
    starts = ", ".join(
        f"DATE '{d.isoformat()}'"
        for d in (first, last, dt.date(1900, 1, 1), dt.date(1899, 12, 1), bench.AS_OF)
    )
    received = f"[{starts}][1 + n % 5] - 12 + n % 17"
    moved = (
        f"* EXCLUDE (n) REPLACE (id || '-edge' AS id, {received} AS {RECEIVED}, "
        # decided 0 to 29 days after the receipt (in time, late, or either), or not yet
        f"CASE WHEN n % 6 <> 5 THEN {received} + n % 30 END AS {DECIDED}, "
        # a third special declarations, half of them late, with a ground or without, or none
        "CASE WHEN n % 3 = 0 THEN 'special' ELSE declaration__type END AS declaration__type, "
        "['major_task', 'none', NULL][1 + n // 3 % 3] AS declaration__special_ground, "
        "declaration__submitted_date + CASE WHEN n % 2 = 0 THEN 200 END "
        "AS declaration__submitted_date, "
        # or not yet submitted for a plan year whose declaration period is still open
        "CASE WHEN n % 2 = 0 THEN declaration__plan_year ELSE 2030 END AS declaration__plan_year, "
        # an evaluation opinion after the approval, or lapsed before the application; or, beside
        # a correction placed against the first establishment approval (below), not dated
        "CASE WHEN n % 16 <> 12 THEN evaluation_opinion__date + [400, -400, 0][1 + n % 3] END "
        "AS evaluation_opinion__date, "
        "covers_office_approval_monitoring OR n % 5 = 0 AS covers_office_approval_monitoring, "
        "uses_shared_government_online AND n % 5 <> 0 AS uses_shared_government_online, "
        "separate_app_system AND n % 5 <> 0 AS separate_app_system, "
        # an incomplete declaration with no correction notice yet (none, or one dated after
        # the audit date), neither decided nor taken on (no approval; an opinion a year late,
        # or none): the authority's open duty (第十条第三款, pack 1.3.2)
        "declaration__complete AND n % 4 <> 2 AS declaration__complete, "
        "CASE WHEN n % 4 = 2 THEN [NULL, DATE '2026-03-23', DATE '2026-03-22'][1 + n // 4 % 3] "
        "ELSE declaration__correction_notice_date END AS declaration__correction_notice_date, "
        "CASE WHEN n % 4 = 2 THEN ['pending', NULL, 'inadmissible', 'accepted'][1 + n // 12 % 4] "
        # or, corrected and taken on, any status (pack 1.3.5: the status no longer decides once
        # the correction meets 第十条第二款) ...
        "WHEN n % 2 = 1 THEN ['pending', 'inadmissible', 'accepted', NULL][1 + n // 16 % 4] "
        "ELSE declaration__status END AS declaration__status, "
        # ... half of those corrected the day after, on or the day before the first review, or
        # not corrected, still without the implementation plan (补正后仍不符合规定; 1.3.5: the
        # reviews of 第十二条/第十三条 take a declaration on, as the opinion does)
        "CASE WHEN n % 4 = 3 AND n // 4 % 2 = 0 THEN false "
        "ELSE declaration__materials__implementation_plan END "
        "AS declaration__materials__implementation_plan, "
        # an accepted declaration (the status has no date) whose correction is dated on the
        # audit date, or after it, with no approval, and an opinion or none; and no opinion on
        # those accepted with the notice dated after the audit date (pack 1.3.3: a correction
        # or a notice dated after the audit date and nothing taken on: open, not broken)
        f"CASE WHEN n % 8 = 0 THEN DATE '{bench.AS_OF.isoformat()}' + n // 8 % 3 "
        # or, accepted, corrected the day after, on or the day before the day the opinion is
        # dated, or the first establishment approval (pack 1.3.4: an opinion or an approval
        # dated before the correction on record is violated; on its day, or undated, it is not)
        "WHEN n % 16 = 4 THEN evaluation_opinion__date + [400, -400, 0][1 + n % 3] "
        "+ [1, 0, -1][1 + n // 48 % 3] "
        "WHEN n % 16 = 12 THEN list_min(list_transform(list_filter(approvals, "
        "lambda a: a.kind = 'project_establishment'), lambda a: a.date)) "
        "+ [1, 0, -1][1 + n // 48 % 3] "
        "WHEN n % 4 = 3 THEN [list_min(list_transform(reviews, lambda r: r.date)) + 1, "
        "list_min(list_transform(reviews, lambda r: r.date)), "
        "list_min(list_transform(reviews, lambda r: r.date)) - 1, NULL][1 + n // 8 % 4] "
        "ELSE declaration__corrected_date END AS declaration__corrected_date, "
        "CASE WHEN n % 8 IN (0, 2) THEN list_filter(approvals, lambda a: false) ELSE approvals "
        "END AS approvals, "
        # nothing taken on where the open duties are shown: no review either, but for some
        # with no opinion and no approval, which the reviews alone take on (pack 1.3.5)
        "CASE WHEN n % 16 IN (0, 2) THEN list_filter(reviews, lambda r: false) ELSE reviews "
        "END AS reviews, evaluation_opinion AND n % 16 NOT IN (0, 2, 10) AS evaluation_opinion)"
    )
    con = duckdb.connect(config={"threads": 1})  # the same rows, numbered alike, every run
    try:
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{made}') UNION ALL "
            f"SELECT {moved} FROM (SELECT *, CAST(row_number() OVER () AS INT) AS n "
            f"FROM read_parquet('{made}') LIMIT 400)) "
            f"TO '{path}' (FORMAT parquet)"
        )
    finally:
        con.close()
    return path


def test_hand_written_sql_gives_the_audits_outcomes(bench: ModuleType, rows: Path) -> None:
    """Every subject, every rule: the same code from the hand-written query and the audit."""
    pack = egovrules.load_pack("shantou")
    assert bench.expert_mismatches(pack, rows, bench.AS_OF) == {}


def test_the_comparison_meets_every_outcome(bench: ModuleType, rows: Path) -> None:
    """Not a vacuous agreement: among the rows compared, every rule is met somewhere and broken
    somewhere, the deadlines are also running, and where the calendar does not reach the end
    of the 7 working days they are undetermined, or decided by their bounds: in time, late, or
    (no decision yet, the audit date before the earliest possible last day) running."""
    codes = bench.expert_outcomes(rows, bench.AS_OF)
    columns = [c for c in codes.column_names if c != "subject_id"]
    assert len(columns) == 30
    seen = {c: set(codes.column(c).to_pylist()) for c in columns}
    for column in columns:
        assert {1, 2} <= seen[column], (column, seen[column])
    assert {0, 1, 2, 3} <= seen["r1"]  # the annual declaration deadline
    assert {1, 2, 3, 4} <= seen["r16"]  # the 7 working days
    assert {1, 2, 3} <= seen["r21"]  # acceptance after the trial operation
    edge = [
        code
        for sid, code in zip(
            codes.column("subject_id").to_pylist(), codes.column("r16").to_pylist(), strict=True
        )
        if sid.endswith("-edge")
    ]
    assert {1, 2, 3, 4} <= set(edge)
