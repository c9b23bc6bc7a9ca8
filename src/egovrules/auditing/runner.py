"""One audit: a table of subjects of one kind, a pack, an as-of date, an engine.

``run_audit`` reads the source where it is (a Parquet, CSV or JSON Lines file, an Arrow
table, or subjects in memory), checks its columns against the subject model, normalizes it
into the flat layout, runs the compiled rules on the engine and keeps the findings (violated,
pending and undetermined rules per subject). From them it counts violations per rule and
writes one row per violation, with the rule's citation, to Parquet. Nothing here looks at a
row in Python: every row is judged by the engine, so the same code serves a laptop (DuckDB)
and a cluster (Spark).

The output is written to a temporary name beside ``out`` and renamed into place when
complete, so an interrupted audit never leaves a half-written file under ``out``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from egovrules.auditing.engine import Engine, Progress, source_format
from egovrules.auditing.engines import open_engine
from egovrules.auditing.locate import empty_records, located
from egovrules.backends.sql.compile import KindQuery, SqlUnsupported, compile_kind, outcome_column
from egovrules.backends.sql.dialect import DIALECTS
from egovrules.backends.sql.layout import InType, Layout, layout_of, subjects_to_arrow
from egovrules.backends.sql.workdays import calendar_tables
from egovrules.engine.pack import Pack, as_of_date, load_pack
from egovrules.law.verdict import Outcome
from egovrules.source.errors import Diagnostic, InputError, SubjectError, UsageError, require
from egovrules.subjects import SUBJECT_KINDS, SubjectBase, validate_subject

__all__ = [
    "VIOLATION_COLUMNS",
    "AuditResult",
    "RuleCount",
    "Source",
    "audit",
    "audit_outcomes",
    "audit_sql",
    "run_audit",
]

Source = str | os.PathLike[str] | Any  # a file path, a pyarrow.Table, or subjects
"""What an audit reads: a ``.parquet``/``.csv``/``.jsonl`` path, a ``pyarrow.Table`` in the
flat layout (or with nested STRUCT columns), or an iterable of subjects (models or
mappings)."""

VIOLATION_COLUMNS = (
    "subject_id",
    "subject_kind",
    "rule_id",
    "concept",
    "severity",
    "article",
    "label",
    "paragraph",
    "item",
    "quote",
    "quote_en",
    "quote_en_translated",
    "title",
    "waived",
    "city",
    "pack_id",
    "pack_version",
    "pack_sha256",
    "calendar",
    "as_of",
)
"""The columns of a violations table, in order."""

_INPUT = "egr_input"
_SUBJECTS = "egr_subjects"
_RULES = "egr_rules"
_OUTCOMES = "egr_outcomes"
_FINDINGS = "egr_findings"


@dataclass(frozen=True, slots=True)
class RuleCount:
    """What the audit found for one rule."""

    rule_id: str
    concept: str
    severity: str
    article: int
    label: str
    violated: int
    """Violations that stand (not covered by an unexpired waiver)."""
    waived: int
    pending: int
    undetermined: int


@dataclass(frozen=True, slots=True)
class AuditResult:
    """The outcome of one audit."""

    pack_id: str
    pack_version: str
    kind: str
    as_of: dt.date
    engine: str
    subjects: int
    subjects_in_violation: int
    rules: tuple[RuleCount, ...]
    seconds: float
    out: Path | None
    violations: Any | None
    """The violations as a ``pyarrow.Table`` (``None`` when only written to ``out``)."""

    @property
    def violated(self) -> int:
        """Violations that stand, over all rules."""
        return sum(r.violated for r in self.rules)

    @property
    def waived(self) -> int:
        """Violations covered by an unexpired waiver."""
        return sum(r.waived for r in self.rules)

    @property
    def pending(self) -> int:
        """Deadlines still running on the as-of date."""
        return sum(r.pending for r in self.rules)

    @property
    def undetermined(self) -> int:
        """Rules that could not be decided (working days outside the calendar's years)."""
        return sum(r.undetermined for r in self.rules)


def audit(
    pack: Pack | str | os.PathLike[str],
    source: Source,
    *,
    as_of: dt.date | None = None,
    kind: str | None = None,
    engine: str = "duckdb",
) -> Any:
    """Audit every subject of ``source`` against ``pack``; return the violations as a
    ``pyarrow.Table`` (columns ``VIOLATION_COLUMNS``, one row per violated rule and subject).

    ``as_of`` defaults to today in Asia/Shanghai; ``kind`` is inferred from the table (its
    ``kind`` column, else the columns it has) when not given.
    """
    result = run_audit(pack, source, as_of=as_of, kind=kind, engine=engine)
    return result.violations


def audit_outcomes(
    pack: Pack | str | os.PathLike[str],
    source: Source,
    *,
    as_of: dt.date | None = None,
    kind: str | None = None,
    engine: str | Engine = "duckdb",
) -> Any:
    """The outcome code (``Outcome``) of every rule on every subject, as a ``pyarrow.Table``:
    ``subject_id``, then one column per rule of the kind, named by rule id. The rows come in
    no particular order, as a SQL result without ``ORDER BY`` does (the engines judge in
    parallel): match them to the input by ``subject_id``."""
    the_pack = _pack(pack)
    when = as_of_date(as_of)
    eng = open_engine(engine) if isinstance(engine, str) else engine
    try:
        session = _Session(eng, the_pack, when)
        try:
            query = session.prepare(source, kind)
            table = eng.to_arrow(query.sql).drop_columns(["waivers", *_checks(query)])
        except InputError as exc:
            raise session.located(exc) from None
        names = ["subject_id", *(r.id for r in query.rules)]
        return table.rename_columns(names)
    finally:
        if isinstance(engine, str):
            eng.close()


def audit_sql(
    pack: Pack | str | os.PathLike[str], kind: str, *, as_of: dt.date, engine: str = "duckdb"
) -> str:
    """The SQL that computes the outcomes of ``kind`` subjects, in an engine's dialect, over a
    table ``egr_subjects`` in the flat layout (working days join ``egr_cal`` and
    ``egr_workday``, see ``egovrules.backends.sql.workdays``)."""
    if engine not in DIALECTS:
        raise UsageError(f"unknown engine {engine!r}; engines: {', '.join(DIALECTS)}")
    if kind not in SUBJECT_KINDS:
        raise UsageError(f"unknown subject kind {kind!r}; kinds: {', '.join(SUBJECT_KINDS)}")
    return _compile(_pack(pack), kind, as_of_date(as_of), DIALECTS[engine]).sql


def _checks(query: KindQuery) -> list[str]:
    return [] if query.checks is None else [query.checks]


def run_audit(
    pack: Pack | str | os.PathLike[str],
    source: Source,
    *,
    as_of: dt.date | None = None,
    kind: str | None = None,
    engine: str | Engine = "duckdb",
    out: Path | None = None,
    collect: bool = True,
    progress: Progress | None = None,
) -> AuditResult:
    """Run an audit; write the violations to ``out`` (Parquet) if given, and return them in
    the result when ``collect``."""
    started = time.perf_counter()
    the_pack = _pack(pack)
    when = as_of_date(as_of)
    eng = open_engine(engine) if isinstance(engine, str) else engine
    try:
        session = _Session(eng, the_pack, when)
        try:
            query = session.prepare(source, kind)
            session.find(query, progress)
        except InputError as exc:
            raise session.located(exc) from None
        counts = session.counts(query)
        subjects, in_violation = session.totals()
        violations = session.violations_sql(query)
        if out is not None:
            _write_atomically(eng, violations, out)
        table = eng.to_arrow(violations) if collect else None
    finally:
        if isinstance(engine, str):
            eng.close()
    return AuditResult(
        pack_id=the_pack.id,
        pack_version=the_pack.ruleset.version,
        kind=query.kind,
        as_of=when,
        engine=eng.name,
        subjects=subjects,
        subjects_in_violation=in_violation,
        rules=counts,
        seconds=time.perf_counter() - started,
        out=out,
        violations=table,
    )


def _pack(pack: Pack | str | os.PathLike[str]) -> Pack:
    return pack if isinstance(pack, Pack) else load_pack(os.fspath(pack))


def _compile(
    pack: Pack, kind: str, as_of: dt.date, dialect: Any, checked: list[str] | None = None
) -> KindQuery:
    # The subject's waivers ride along unread: only the few rows with a finding look at them.
    waivers = "s." + dialect.ident("waivers")
    try:
        return compile_kind(
            pack.ruleset, kind, as_of, dialect, extra=[("waivers", waivers)], checked=checked or ()
        )
    except SqlUnsupported as exc:
        raise UsageError(f"the SQL backend cannot run pack {pack.id!r}: {exc}") from None


class _Session:
    """The statements of one audit, in order, on one engine."""

    def __init__(self, engine: Engine, pack: Pack, as_of: dt.date) -> None:
        self.engine = engine
        self.d = engine.dialect
        self.pack = pack
        self.as_of = as_of
        self.label = "input"
        self.path: Path | None = None
        self.subjects = 0

    def located(self, error: InputError) -> InputError:
        """``error`` with the line of the row it names, when the input is a file."""
        return error if self.path is None else located(error, self.path, source_format(self.path))

    # -- reading ---------------------------------------------------------------------------

    def prepare(self, source: Source, kind: str | None) -> KindQuery:
        """Register the source, check and normalize it; compile the rules of its kind."""
        schema, kind = self._register(source, kind)
        layout = layout_of(kind)
        self._check_columns(layout, schema)
        normalized = layout.normalize_sql(schema, self.d, _INPUT)
        self.engine.execute(f"CREATE OR REPLACE TEMPORARY VIEW {_SUBJECTS} AS {normalized}")
        checked = layout.checked_values(schema, self.d, "s")
        query = _compile(self.pack, kind, self.as_of, self.d, checked)
        for calendar, counting in query.calendars:
            for name, table in calendar_tables(calendar, counting).items():
                self.engine.register_arrow(name, table)
        self.engine.register_arrow(_RULES, _rules_table(self.pack, query))
        return query

    def _register(self, source: Source, kind: str | None) -> tuple[dict[str, InType], str]:
        if kind is not None and kind not in SUBJECT_KINDS:
            raise UsageError(f"unknown subject kind {kind!r}; kinds: {', '.join(SUBJECT_KINDS)}")
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            if not path.exists():
                raise UsageError(f"{path}: no such file")
            self.label = str(path)
            self.path = path
            schema = self.engine.read_file(_INPUT, path, source_format(path))
            if source_format(path) == "jsonl" and list(schema) == ["json"]:
                raise empty_records(path)  # what DuckDB makes of records with no field
        elif _is_arrow_table(source):
            schema = self.engine.register_arrow(_INPUT, source)
        else:
            subjects = _validated(source, kind)
            kinds = {str(getattr(s, "kind")) for s in subjects}  # noqa: B009 - each model has one
            if len(kinds) > 1:
                raise UsageError(
                    f"the subjects are of several kinds ({', '.join(sorted(kinds))}); "
                    "audit one kind at a time"
                )
            if kind is not None and kinds and kinds != {kind}:
                raise UsageError(
                    f"kind={kind!r}, but the subjects are of kind {kinds.pop()!r}; "
                    "audit one kind at a time"
                )
            kind = kind or (kinds.pop() if kinds else "project")
            table = subjects_to_arrow(layout_of(kind), subjects)
            return self.engine.register_arrow(_INPUT, table), kind
        return schema, self._kind(schema, kind)

    def _kind(self, schema: Mapping[str, InType], kind: str | None) -> str:
        """The subject kind: as given, else the table's ``kind`` column, else the one kind
        whose model has every column of the table."""
        if "kind" in schema:
            column = self.d.ident("kind")
            if schema["kind"].kind == "json":  # (a JSON string's text as such is quoted)
                column = self.d.json_text.format(value=column)
            found = (
                self.engine.to_arrow(
                    f"SELECT DISTINCT CAST({column} AS {self.d.string_type}) AS k "
                    f"FROM {_INPUT} LIMIT 3"
                )
                .column("k")
                .to_pylist()
            )
            values = sorted(str(k) for k in found if k is not None)
            if len(values) > 1 or (kind is not None and values and values != [kind]):
                raise UsageError(
                    f"{self.label}: the kind column holds {', '.join(map(repr, values))}"
                    + (f", not only {kind!r}" if kind else "")
                    + "; audit a table of one kind of subject at a time"
                )
            if values:
                if values[0] not in SUBJECT_KINDS:
                    raise UsageError(
                        f"{self.label}: unknown subject kind {values[0]!r}; "
                        f"kinds: {', '.join(SUBJECT_KINDS)}"
                    )
                return values[0]
        if kind is not None:
            return kind
        fits = [k for k in SUBJECT_KINDS if not layout_of(k).unknown_columns(schema)]
        if len(fits) == 1:
            return fits[0]
        raise UsageError(
            f"{self.label}: cannot tell the subject kind from the columns"
            + (f" (they fit {', '.join(fits)})" if fits else "")
            + "; give the kind (--kind)"
        )

    def _check_columns(self, layout: Layout, schema: Mapping[str, InType]) -> None:
        diagnostics = [
            Diagnostic(
                "E601",
                f"{self.label}: unknown column {name!r} for a {layout.kind}",
                hint=f"did you mean {guess!r}?"
                if guess
                else f"see `egovrules schema {layout.kind}` and docs/audit.md for the columns",
            )
            for name, guess in layout.unknown_columns(schema)
        ]
        diagnostics.extend(
            Diagnostic("E602", f"{self.label}: the required column {name!r} is missing")
            for name in layout.missing_required(schema)
        )
        if diagnostics:
            raise InputError(diagnostics)

    # -- judging ---------------------------------------------------------------------------

    def find(self, query: KindQuery, progress: Progress | None) -> None:
        """Materialize the outcomes (one small integer per rule) of the subjects with a
        finding, then the findings: (subject, rule, code) for violated, pending and
        undetermined rules, with the subject's waivers. Unpivoting stored codes is far cheaper
        than unpivoting the rules' expressions, and most subjects have no finding to store.

        The digest of the checked values (``KindQuery.checks``) is computed on every row, so
        that a value the subject model refuses is refused though no rule reads it: the rows
        kept store it, and the filter reads it of the rows it drops (whichever the engine
        tests first; and when an engine finds the filter always true, as Spark does where a
        rule is violated whatever the row holds, and drops it). A row whose digest is 0 is
        kept whatever its outcomes (rarely, and harmlessly: only findings are unpivoted)."""
        lo, hi = int(Outcome.VIOLATED), int(Outcome.UNDETERMINED)
        names = [outcome_column(i) for i in range(len(query.rules))]
        kept = ["subject_id", "waivers", *_checks(query)]
        kept += [f"CAST({c} AS TINYINT) AS {c}" for c in names]
        found = " OR ".join(f"{c} BETWEEN {lo} AND {hi}" for c in names) or "FALSE"
        if query.checks is not None:
            found += f" OR {query.checks} = 0"
        select = f"SELECT {', '.join(kept)} FROM ({query.sql}) AS o WHERE {found}"
        self.engine.execute(self.d.create_table.format(name=_OUTCOMES, query=select), progress)
        self.subjects = int(
            self.engine.to_arrow(f"SELECT count(*) AS n FROM {_SUBJECTS}").column("n")[0].as_py()
        )
        if not query.rules:
            select = (
                f"SELECT subject_id, waivers, CAST(NULL AS {self.d.string_type}) AS rule_col, "
                f"CAST(0 AS TINYINT) AS code FROM {_OUTCOMES} WHERE FALSE"
            )
        else:
            columns = ", ".join(names)
            select = (
                f"SELECT subject_id, waivers, rule_col, code FROM {_OUTCOMES} "
                f"UNPIVOT (code FOR rule_col IN ({columns})) WHERE code BETWEEN {lo} AND {hi}"
            )
        self.engine.execute(self.d.create_table.format(name=_FINDINGS, query=select))

    def _judged(self) -> str:
        """Findings with their rule and whether an unexpired waiver covers them."""
        waiver = self.d.some.format(
            list="f.waivers",
            var="egr_w",
            pred=f"egr_w.{self.d.ident('rule')} IN (m.rule_id, m.concept) "
            f"AND egr_w.{self.d.ident('expires')} >= DATE '{self.as_of.isoformat()}'",
        )
        return (
            f"SELECT f.subject_id, f.code, COALESCE({waiver}, FALSE) AS waived, m.* "
            f"FROM {_FINDINGS} AS f JOIN {_RULES} AS m ON m.rule_col = f.rule_col"
        )

    def counts(self, query: KindQuery) -> tuple[RuleCount, ...]:
        """Violations (standing and waived), pending and undetermined rules, per rule."""
        rows = self.engine.to_arrow(
            f"SELECT rule_col, code, waived, count(*) AS n FROM ({self._judged()}) AS j "
            "GROUP BY rule_col, code, waived"
        ).to_pylist()
        tally: dict[tuple[str, int, bool], int] = {
            (r["rule_col"], int(r["code"]), bool(r["waived"])): int(r["n"]) for r in rows
        }
        out = []
        for i, rule in enumerate(query.rules):
            col = outcome_column(i)
            v, p, u = int(Outcome.VIOLATED), int(Outcome.PENDING), int(Outcome.UNDETERMINED)
            out.append(
                RuleCount(
                    rule_id=rule.id,
                    concept=rule.concept,
                    severity=str(rule.severity),
                    article=rule.citations[0].article,
                    label=rule.citations[0].label,
                    violated=tally.get((col, v, False), 0),
                    waived=tally.get((col, v, True), 0),
                    pending=tally.get((col, p, False), 0) + tally.get((col, p, True), 0),
                    undetermined=tally.get((col, u, False), 0) + tally.get((col, u, True), 0),
                )
            )
        return tuple(out)

    def totals(self) -> tuple[int, int]:
        """Subjects audited, and subjects with a standing violation."""
        row = self.engine.to_arrow(
            f"SELECT count(DISTINCT subject_id) AS v FROM ({self._judged()}) AS j "
            f"WHERE code = {int(Outcome.VIOLATED)} AND NOT waived"
        ).to_pylist()[0]
        return self.subjects, int(row["v"])

    def violations_sql(self, query: KindQuery) -> str:
        """One row per violation, with its rule and citation, in ``VIOLATION_COLUMNS``."""
        lit = self.d.string
        static = {
            "subject_kind": lit(query.kind),
            "pack_id": lit(self.pack.id),
            "pack_version": lit(self.pack.ruleset.version),
            "pack_sha256": lit(self.pack.ruleset.content_hash),
            # The holiday calendar that counted the pack's working days, as a report names it
            # (null for a pack with no working-day deadline).
            "calendar": (
                lit(named)
                if (named := self.pack.calendar_named) is not None
                else f"CAST(NULL AS {self.d.string_type})"
            ),
            "as_of": f"DATE '{self.as_of.isoformat()}'",
        }
        columns = ", ".join(
            f"{static[c]} AS {c}" if c in static else f"j.{c}" for c in VIOLATION_COLUMNS
        )
        return (
            f"SELECT {columns} FROM ({self._judged()}) AS j "
            f"WHERE j.code = {int(Outcome.VIOLATED)} ORDER BY j.subject_id, j.rule_index"
        )


def _rules_table(pack: Pack, query: KindQuery) -> Any:
    """The rules of the kind and their primary citations, by outcome column."""
    pa = require("pyarrow", "audit", "the audit")

    rows = []
    for i, rule in enumerate(query.rules):
        c = rule.citations[0]
        rows.append(
            {
                "rule_col": outcome_column(i),
                "rule_index": i,
                "rule_id": rule.id,
                "concept": rule.concept,
                "severity": str(rule.severity),
                "article": c.article,
                "label": c.label,
                "paragraph": c.paragraph,
                "item": c.item,
                "quote": c.quote,
                "quote_en": c.quote_en,
                "quote_en_translated": c.quote_en is not None and not c.is_source("en"),
                "title": rule.title,
                "city": c.city,
            }
        )
    schema = pa.schema(
        [
            ("rule_col", pa.string()),
            ("rule_index", pa.int32()),
            ("rule_id", pa.string()),
            ("concept", pa.string()),
            ("severity", pa.string()),
            ("article", pa.int32()),
            ("label", pa.string()),
            ("paragraph", pa.int32()),
            ("item", pa.int32()),
            ("quote", pa.string()),
            ("quote_en", pa.string()),
            ("quote_en_translated", pa.bool_()),
            ("title", pa.string()),
            ("city", pa.string()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _is_arrow_table(source: Any) -> bool:
    return type(source).__module__.startswith("pyarrow") and hasattr(source, "schema")


def _validated(source: Iterable[Any], kind: str | None) -> list[SubjectBase]:
    subjects: list[SubjectBase] = []
    diagnostics: list[Diagnostic] = []
    for n, item in enumerate(source):
        if isinstance(item, SubjectBase):
            subjects.append(item)
            continue
        try:
            subjects.append(validate_subject(dict(item), kind))
        except ValidationError as exc:
            diagnostics.extend(
                Diagnostic("E300", f"subject {n}: {'.'.join(map(str, e['loc']))}: {e['msg']}")
                for e in exc.errors(include_url=False)
            )
        except (TypeError, ValueError) as exc:
            diagnostics.append(Diagnostic("E303", f"subject {n}: {exc}"))
    if diagnostics:
        raise SubjectError(diagnostics)
    return subjects


def _write_atomically(engine: Engine, sql: str, out: Path) -> None:
    """Write to a temporary name beside ``out``, then rename it into place."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        engine.write_parquet(sql, tmp)
        if out.is_dir() and tmp.is_dir():
            shutil.rmtree(out)
        os.replace(tmp, out)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()
