"""Throughput of the SQL audit on DuckDB, beside the Python backend on a sample.

Run:  python bench/audit_throughput.py [--city shantou] [--rows 1000000 10000000]
                                       [--sample 20000] [--workdir DIR] [--no-expert]

For each row count it generates that many project rows in Parquet (in DuckDB, from the pack's
compliant example project: each subject's timeline moved by a whole number of years, and each
field changed with probability --noise, so that every rule is violated somewhere), then times

  * the DuckDB audit end to end: read the Parquet, judge every rule of the kind (working-day
    deadlines included), keep the findings, count them per rule and write one row per
    violation to Parquet;
  * the Python backend (``Pack.check`` on pre-validated models) on a sample of the same rows;

and prints rows per second for both and their ratio. The sample is also audited by both
backends and their outcomes compared rule by rule (the bench stops if they differ).

For the Shantou project rules it then puts the audit beside the same 30 rules written by hand
in SQL (``bench/shantou_expert.sql``): it checks that the hand-written query gives the audit's
outcome for every row and rule of the file (the bench stops if one differs), then times both,
interleaved, through the same statements around the rules (read, keep the rows with a finding,
count, write the violations), and prints rows per second of both and the ratio compiled /
hand-written, per step and end to end (medians of the per-repetition ratios of CPU time).

All figures come from one process on one machine, so the ratios compare like with like.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

import egovrules
from egovrules.auditing import audit_outcomes, run_audit
from egovrules.auditing.duckdb_engine import DuckDBEngine
from egovrules.auditing.runner import _Session, _write_atomically
from egovrules.backends.sql.dialect import DUCKDB
from egovrules.backends.sql.layout import (
    Column,
    Layout,
    ValueType,
    arrow_schema,
    arrow_to_subject_data,
    layout_of,
    literal,
    subjects_to_arrow,
)
from egovrules.backends.sql.workdays import calendar_tables
from egovrules.law.calendar import CHINA
from egovrules.subjects import parse_subject

AS_OF = dt.date(2026, 3, 22)
# Timelines move by whole years, from 15 back to two ahead (2009-2028), so that some working-day
# deadlines run past the holiday calendar's last year (undetermined, as in Python).
YEARS_BACK = 15
YEARS_AHEAD = 2
EXPERT_SQL = Path(__file__).with_name("shantou_expert.sql")
"""The Shantou project rules written by hand (only for ``--city shantou --kind project``)."""


def generate(
    layout: Layout, fixture: Any, rows: int, noise: float, path: Path, *, seed: float | None = None
) -> None:
    """Write ``rows`` subjects to ``path``: the fixture, moved in time and perturbed (the same
    rows on every run when ``seed``, in [-1, 1], is given: then on one thread)."""
    con = duckdb.connect()
    if seed is not None:
        con.execute("SET threads = 1")
        con.execute(f"SELECT setseed({seed})").fetchall()
    con.register("fx", subjects_to_arrow(layout, [fixture]))
    exprs = [_column(c, noise) for c in layout.columns]
    schema = arrow_schema(layout)
    select = ",\n".join(
        f"CAST({e} AS {c.type.sql(DUCKDB)}) AS {DUCKDB.ident(c.name)}"
        for e, c in zip(exprs, layout.columns, strict=True)
    )
    target = str(path).replace("'", "''")
    con.execute(
        f"COPY (SELECT {select} FROM (SELECT range AS n, "
        f"CAST(floor(random() * {YEARS_BACK + YEARS_AHEAD + 1}) AS INTEGER) - {YEARS_AHEAD} AS k "
        f"FROM range({rows})) AS g "
        f"CROSS JOIN fx) TO '{target}' (FORMAT parquet, ROW_GROUP_SIZE 122880)"
    )
    con.close()
    written = pq.read_schema(path)
    assert written.names == schema.names, "generated columns differ from the layout"


def _column(c: Column, noise: float) -> str:
    q = DUCKDB.ident
    ref = f"fx.{q(c.name)}"
    if c.name == "id":
        return "'p' || CAST(n AS VARCHAR)"
    base = _moved(ref, c.type, c.name)
    changed = _changed(base, c)
    if changed is None:
        return base
    return f"CASE WHEN random() < {noise} THEN {changed} ELSE {base} END"


def _moved(ref: str, vt: ValueType, name: str) -> str:
    """A value moved back ``k`` years: dates, date-times and years (plan years)."""
    if vt.kind in ("date", "datetime"):
        return f"CAST({ref} - to_years(k) AS {vt.sql(DUCKDB)})"
    if vt.kind == "int" and name.endswith("year"):
        return f"({ref} - k)"
    if vt.kind == "list" and vt.item is not None and vt.item.kind == "struct":
        fields = [
            (m.name, _moved(f"egr_i.{DUCKDB.ident(m.name)}", m.type, m.name))
            for m in vt.item.members
        ]
        return f"list_transform({ref}, lambda egr_i: {DUCKDB.struct(fields)})"
    return ref


def _changed(base: str, c: Column) -> str | None:
    """A plausible wrong value: a flag turned, an event missing or moved, an amount grown."""
    match c.type.kind:
        case "bool":
            return f"(NOT {base})"
        case "date":
            moved = f"{base} + CAST(floor(random() * 60) AS INTEGER) - 20"
            return f"CASE WHEN random() < 0.5 THEN NULL ELSE {moved} END"
        case "decimal":
            return f"{base} * (0.9 + random() * 0.4)"
        case "int":
            return f"{base} + 1"
        case "str":
            return "NULL" if c.nullable else None
        case "list":
            return literal((), c.type, DUCKDB)
    return None


def timed_audit(
    pack: egovrules.Pack, source: Any, out: Path, repeat: int
) -> tuple[Any, float, float]:
    """The result, wall seconds and CPU seconds (all threads) of the fastest of the runs."""
    best: tuple[Any, float, float] | None = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run_audit(pack, source, as_of=AS_OF, out=out, collect=False)
        timing = (result, time.perf_counter() - wall, time.process_time() - cpu)
        if best is None or timing[1] < best[1]:
            best = timing
    assert best is not None
    return best


def python_rate(pack: egovrules.Pack, table: pa.Table, layout: Layout, repeat: int) -> float:
    """Subjects per second of ``Pack.check`` on pre-validated models of ``table``."""
    models = [parse_subject(d) for d in arrow_to_subject_data(layout, table)]
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for m in models:
            pack.check(m, as_of=AS_OF)
        best = min(best, time.perf_counter() - t)
    return len(models) / best


def compare(pack: egovrules.Pack, table: pa.Table, layout: Layout) -> int:
    """Subjects of ``table`` whose outcomes differ between DuckDB and Python. The audit's rows
    come in no particular order (a SQL result without ORDER BY): each is matched to its
    subject by id (the generated ids are unique). Matched by position, a sample of 200 rows
    "disagreed" on about 140 subjects whose outcomes were the same."""
    sql = {
        row["subject_id"]: row
        for row in audit_outcomes(pack, table, as_of=AS_OF, kind=layout.kind).to_pylist()
    }
    models = [parse_subject(d) for d in arrow_to_subject_data(layout, table)]
    assert len(sql) == len(models), "one row per subject, each id once"
    bad = 0
    for model in models:
        report = pack.check(model, as_of=AS_OF)
        if tuple(sql[model.id][r] for r in report.rule_ids) != report.codes:
            bad += 1
    return bad


def expert_sql(as_of: dt.date) -> str:
    """The hand-written query of the Shantou project rules, for ``as_of``."""
    return EXPERT_SQL.read_text(encoding="utf-8").format(as_of=f"DATE '{as_of.isoformat()}'")


def expert_outcomes(source: Path | pa.Table, as_of: dt.date) -> pa.Table:
    """``subject_id`` and the codes ``r0`` ... ``r29`` of the hand-written query."""
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        for name, table in calendar_tables(CHINA, "gap").items():
            con.register(name, table)
        if isinstance(source, pa.Table):
            con.register("egr_input", source)
        else:
            path = str(source).replace("'", "''")
            con.execute(f"CREATE VIEW egr_input AS SELECT * FROM read_parquet('{path}')")
        return con.sql(expert_sql(as_of)).to_arrow_table().drop_columns(["waivers"])
    finally:
        con.close()


def expert_mismatches(
    pack: egovrules.Pack, source: Path | pa.Table, as_of: dt.date
) -> dict[str, int]:
    """Per rule id, the subjects whose hand-written outcome differs from the audit's."""
    audited = audit_outcomes(pack, source, as_of=as_of, kind="project")
    by_hand = expert_outcomes(source, as_of)
    rules = audited.column_names[1:]
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.register("a", audited)
        con.register("e", by_hand)
        both = con.execute("SELECT count(*) FROM a JOIN e USING (subject_id)").fetchone()
        assert both is not None and both[0] == len(audited) == len(by_hand), "rows differ"
        tests = ", ".join(
            f'count(*) FILTER (a."{r}" IS DISTINCT FROM e.r{i})' for i, r in enumerate(rules)
        )
        row = con.execute(f"SELECT {tests} FROM a JOIN e USING (subject_id)").fetchone()
    finally:
        con.close()
    assert row is not None
    return {r: int(n) for r, n in zip(rules, row, strict=True) if n}


def audit_steps(pack: egovrules.Pack, source: Path, out: Path, *, by_hand: bool) -> list[float]:
    """CPU seconds of one audit of ``source`` (the compiled rules, or the hand-written query in
    their place): reading and judging (keeping the rows with a finding), then end to end
    (counting and writing the violations too); then its wall seconds end to end. The
    statements around the rules are the audit's own, so only the rules differ (and the
    compiled audit's checks of every value the subject model refuses)."""
    start, wall = time.process_time(), time.perf_counter()
    engine = DuckDBEngine()
    try:
        session = _Session(engine, pack, AS_OF)
        query = session.prepare(source, "project")
        if by_hand:
            # (it reads the input as it is: it checks no value, so it has no digest to read)
            query = dataclasses.replace(query, sql=expert_sql(AS_OF), checks=None)
        session.find(query, None)
        judged = time.process_time() - start
        session.counts(query)
        session.totals()
        _write_atomically(engine, session.violations_sql(query), out)
    finally:
        engine.close()
    return [judged, time.process_time() - start, time.perf_counter() - wall]


def against_expert(pack: egovrules.Pack, source: Path, out: Path, rows: int, repeat: int) -> None:
    """Check the hand-written query against the audit on every row, then time both."""
    mismatches = expert_mismatches(pack, source, AS_OF)
    if mismatches:
        raise SystemExit(f"the hand-written SQL and the audit disagree: {mismatches}")
    print(f"hand-written SQL: the audit's outcome on every one of the {rows:,} rows and 30 rules")
    compiled: list[list[float]] = []
    expert: list[list[float]] = []
    load = [os.getloadavg()[0]]
    for _ in range(repeat):  # interleaved, so that both meet the same load
        compiled.append(audit_steps(pack, source, out, by_hand=False))
        expert.append(audit_steps(pack, source, out, by_hand=True))
    load.append(os.getloadavg()[0])
    for i, step in enumerate(("read and judge", "end to end")):
        c = statistics.median(t[i] for t in compiled)
        e = statistics.median(t[i] for t in expert)
        ratio = statistics.median(b[i] / a[i] for a, b in zip(compiled, expert, strict=True))
        print(
            f"  {step:15s} compiled {rows / c:>11,.0f} rows per CPU-second, hand-written "
            f"{rows / e:>11,.0f}: compiled / hand-written speed {ratio:.2f}x"
        )
    c, e = (min(t[2] for t in runs) for runs in (compiled, expert))
    print(
        f"  wall, end to end: compiled {rows / c:,.0f} rows/s, hand-written {rows / e:,.0f} "
        f"(best of {repeat})"
    )
    print(f"  (CPU time, median of {repeat}; load average {load[0]:.1f} -> {load[1]:.1f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--city", default="shantou")
    ap.add_argument("--kind", default="project", help="subject kind (the pack's <kind>_ok example)")
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--sample", type=int, default=20_000)
    ap.add_argument("--noise", type=float, default=0.01)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--in-memory-max", type=int, default=1_000_000)
    ap.add_argument(
        "--no-expert", action="store_true", help="skip the comparison with the hand-written SQL"
    )
    args = ap.parse_args()

    pack = egovrules.load_pack(args.city)
    layout = layout_of(args.kind)
    fixture = parse_subject(pack.tests.fixtures[f"{args.kind}_ok"])
    rules = sum(1 for r in pack.rules if r.subject == args.kind)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="egovrules-bench-"))
    print(
        f"{pack.id} pack, {rules} {args.kind} rules; as of {AS_OF}; "
        f"{os.cpu_count()} cores; duckdb {duckdb.__version__}"
    )
    for rows in args.rows:
        source = workdir / f"{args.city}-{args.kind}-{rows}.parquet"
        t = time.perf_counter()
        generate(layout, fixture, rows, args.noise, source)
        print(f"\n{rows:,} rows generated in {time.perf_counter() - t:.1f} s ({source})")

        out = workdir / f"{args.city}-{args.kind}-violations-{rows}.parquet"
        result, wall, cpu = timed_audit(pack, source, out, args.repeat)
        duck = rows / wall
        print(
            f"DuckDB audit from Parquet (read, judge, count, write): {wall:6.2f} s wall, "
            f"{cpu:6.2f} s CPU: {duck:>11,.0f} rows/s ({rows / cpu:,.0f} rows per CPU-second)"
        )
        print(
            f"  {result.violated:,} violations in {result.subjects_in_violation:,} subjects, "
            f"{result.pending:,} pending, {result.undetermined:,} undetermined"
        )
        if rows <= args.in_memory_max:
            table = pq.read_table(source)
            _, wall_m, cpu_m = timed_audit(pack, table, out, args.repeat)
            print(
                f"DuckDB audit of the same rows in memory (Arrow):     {wall_m:6.2f} s wall, "
                f"{cpu_m:6.2f} s CPU: {rows / wall_m:>11,.0f} rows/s "
                f"({rows / cpu_m:,.0f} rows per CPU-second)"
            )
            del table
        sample = pq.read_table(source).slice(0, args.sample)
        mismatches = compare(pack, sample, layout)
        if mismatches:
            raise SystemExit(f"DuckDB and Python disagree on {mismatches} sampled subjects")
        py = python_rate(pack, sample, layout, args.repeat)
        print(
            f"Python Pack.check on {len(sample):,} sampled rows:      {py:>12,.0f} rows/s "
            f"(outcomes identical to DuckDB's on every sampled row)"
        )
        print(f"DuckDB (from Parquet) / Python: {duck / py:,.1f}x")
        if (args.city, args.kind) == ("shantou", "project") and not args.no_expert:
            against_expert(pack, source, out, rows, max(args.repeat, 3))
    print(f"\n(best of {args.repeat} runs each; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
