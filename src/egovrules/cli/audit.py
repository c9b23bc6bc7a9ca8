"""``egovrules audit``: check a whole table of subjects (Parquet, CSV, JSON Lines) against a
city's pack in SQL, on DuckDB in this process or on Apache Spark, and write one row per
violation.

Prints a summary (violations per rule and per article) on standard output; a progress bar on
standard error only when it is a terminal. Exits 0 when no violation stands, 1 when one does,
2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from egovrules.auditing import AuditResult, audit_sql, run_audit
from egovrules.auditing.engine import Engine
from egovrules.auditing.engines import open_engine
from egovrules.cli.common import (
    add_as_of,
    add_holidays_option,
    add_weekday_fallback,
    calendar_of,
    display_width,
    positive_int,
)
from egovrules.cli.terminal import percent_bar
from egovrules.engine.exitcodes import ExitCode
from egovrules.engine.pack import load_pack, today_in_china
from egovrules.source.errors import UsageError

__all__ = ["register", "render_summary"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``audit`` to the command line."""
    p = subparsers.add_parser(
        "audit",
        help="audit a table of subjects (Parquet, CSV, JSON Lines) in SQL",
        description="Check every row of a table of subjects against a city's pack, compiled "
        "to SQL and run on DuckDB (in this process) or Apache Spark, and write one row per "
        "violation (rule, subject, article, label, quote) to --out. The table's columns "
        "follow the subject model, flattened as record__field (see docs/audit.md).",
        epilog="exit codes: 0 no violation, 1 violations found, 2 usage or input error",
    )
    p.add_argument("source", type=Path, help="a .parquet, .csv or .jsonl file of subjects")
    p.add_argument("--city", required=True, help="bundled pack id or pack file")
    p.add_argument("--kind", help="subject kind (default: the kind column, else the columns)")
    add_as_of(p)
    p.add_argument("--out", type=Path, help="write the violations here (Parquet)")
    p.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="duckdb: in this process (default); spark: Apache Spark (pip install "
        "'egovrules[spark]')",
    )
    p.add_argument(
        "--spark-master",
        help="Spark master URL, e.g. spark://host:7077 (default: the session's own, or local[*])",
    )
    p.add_argument("--threads", type=positive_int, help="DuckDB threads (default: all cores)")
    add_weekday_fallback(p)
    add_holidays_option(p)
    p.add_argument(
        "--print-sql",
        action="store_true",
        help="print the generated SQL and exit, auditing nothing",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> ExitCode:
    pack = load_pack(args.city, weekday_fallback=args.weekday_fallback, calendar=calendar_of(args))
    as_of = args.as_of or today_in_china()
    if args.print_sql:
        if args.kind is None:
            raise UsageError("--print-sql needs --kind")
        sys.stdout.write(audit_sql(pack, args.kind, as_of=as_of, engine=args.engine) + "\n")
        return ExitCode.OK
    if args.engine == "spark":
        engine: Engine = open_engine("spark", master=args.spark_master)
    else:
        engine = open_engine("duckdb", threads=args.threads)
    bar = None if args.quiet else percent_bar()
    try:
        result = run_audit(
            pack,
            args.source,
            as_of=as_of,
            kind=args.kind,
            engine=engine,
            out=args.out,
            collect=False,
            progress=bar.update if bar else None,
        )
    finally:
        if bar is not None:
            bar.close()
        engine.close()
    sys.stdout.write(render_summary(result))
    return ExitCode.VIOLATIONS if result.violated else ExitCode.OK


def render_summary(r: AuditResult) -> str:
    """The audit's summary: what was audited, violations per rule and per article, totals."""
    rate = r.subjects / r.seconds if r.seconds > 0 else 0.0
    lines = [
        f"{r.pack_id} {r.pack_version}: {r.subjects:,} {r.kind} subject(s) as of "
        f"{r.as_of.isoformat()} on {r.engine} in {r.seconds:.2f} s ({rate:,.0f}/s)",
    ]
    rules = [c for c in r.rules if c.violated or c.waived or c.pending or c.undetermined]
    if rules:
        lines += ["", "violations by rule:"]
        lines.append(f"{'violated':>10} {'waived':>7} {'pending':>8} {'undet.':>7}  rule (article)")
        for c in sorted(rules, key=lambda c: (-c.violated, c.rule_id)):
            lines.append(
                f"{c.violated:>10,} {c.waived:>7,} {c.pending:>8,} {c.undetermined:>7,}  "
                f"{c.rule_id} ({c.label})"
            )
        articles: dict[tuple[int, str], int] = {}
        for c in r.rules:
            if c.violated:
                key = (c.article, c.label)
                articles[key] = articles.get(key, 0) + c.violated
        if articles:
            lines += ["", "violations by article:"]
            for (number, label), n in sorted(articles.items(), key=lambda kv: (-kv[1], kv[0])):
                pad = 12 - display_width(label)
                lines.append(f"{n:>10,}  {label}{' ' * max(pad, 1)}art. {number}")
    lines += [
        "",
        f"{r.violated:,} violation(s) in {r.subjects_in_violation:,} subject(s); "
        f"{r.waived:,} waived, {r.pending:,} pending, {r.undetermined:,} undetermined",
    ]
    if r.out is not None:
        lines.append(f"wrote {r.violated + r.waived:,} row(s) to {r.out}")
    return "\n".join(lines) + "\n"
