"""DuckDB, embedded: the audit's default engine. No server, no Python per row.

Must never print: DuckDB's own progress bar is switched off and the progress of a running
statement is polled from another thread (``query_progress``) and handed to the caller.

Its memory is bounded: DuckDB holds at most ``MEMORY_LIMIT`` (unless the caller gives another
limit) and writes what does not fit to a temporary folder of its own, removed on ``close``,
never to the working directory. An audit of 1M Shantou rows stays under 0.7 GB of peak RSS,
and so does one of 10M, where DuckDB's default (80 % of the machine's memory) let it reach
4.3 GB (docs/benchmarks.md).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from egovrules.auditing.engine import Progress, arrow_intypes
from egovrules.backends.sql.dialect import DUCKDB
from egovrules.backends.sql.layout import InType
from egovrules.source.errors import Diagnostic, InputError, require

__all__ = ["MEMORY_LIMIT", "DuckDBEngine"]

_POLL_SECONDS = 0.1

_NO_FORMAT = "(text) %Y"
"""A date format no value of an input has: JSON text is never guessed to be a date."""

MEMORY_LIMIT = "512MB"
"""The memory DuckDB holds for one audit when the caller sets none: a bound on the process's
size, for 1.02x the CPU time of no limit on 1M Shantou rows, up to 1.16x on 10M (which spill)."""


def _duckdb() -> Any:
    return require("duckdb", "audit", "the DuckDB audit")


class DuckDBEngine:
    """An in-memory DuckDB database holding one audit's views and tables."""

    name = "duckdb"
    dialect = DUCKDB

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        self._duckdb = _duckdb()
        config: dict[str, Any] = {}
        if threads is not None:
            config["threads"] = threads
        config["memory_limit"] = MEMORY_LIMIT if memory_limit is None else memory_limit
        self._spill = tempfile.mkdtemp(prefix="egovrules-audit-")
        config["temp_directory"] = self._spill
        self._con = self._duckdb.connect(":memory:", config=config)
        # Date-times are China Standard Time wall-clock (Dialect.china_time): a naive input is
        # read in this zone, never in the machine's.
        self._con.execute("SET TimeZone = 'Asia/Shanghai'")
        self._con.execute("SET enable_progress_bar = true")
        self._con.execute("SET enable_progress_bar_print = false")
        # The audit sorts what it writes; the tables in between need no row order.
        self._con.execute("SET preserve_insertion_order = false")
        # The audit keeps the rows with a finding by a filter over the rules' outcome columns:
        # pushed below the projection that computes them, it copies every rule's expression
        # into the filter, and each rule is judged twice on each row kept (1.18x the CPU time
        # of an audit of 1M Shantou rows). No statement of the audit needs a filter pushed into
        # a scan or join.
        self._con.execute("SET disabled_optimizers = 'filter_pushdown'")
        self._relations: list[Any] = []
        self._links = 0

    def read_file(self, name: str, path: Path, fmt: str) -> dict[str, InType]:
        """Expose a Parquet, CSV (every column read as text) or JSON Lines file: that file,
        whatever its name holds (DuckDB's readers take ``*``, ``?``, ``[`` and ``{`` as a
        pattern: such a file is read through a link of a plain name)."""
        source = str(path)
        if any(c in source for c in "*?[{"):
            self._links += 1
            link = Path(self._spill) / f"input-{self._links}{path.suffix}"
            link.symlink_to(path.resolve())
            source = str(link)
        try:
            match fmt:
                case "parquet":
                    rel = self._con.read_parquet(source)
                    intypes = arrow_intypes(rel.limit(0).to_arrow_table().schema)
                case "csv":
                    rel = self._con.read_csv(source, header=True, all_varchar=True)
                    intypes = arrow_intypes(rel.limit(0).to_arrow_table().schema)
                case _:
                    rel, intypes = self._read_jsonl(source)
            # An engine used for an earlier audit may hold a table registered under the same
            # name, which would shadow this view: the earlier subjects audited again.
            self._con.unregister(name)
            rel.create_view(name, replace=True)
            self._relations.append(rel)
            return intypes
        except self._duckdb.Error as exc:
            raise InputError([Diagnostic("E603", f"{path}: cannot read as {fmt}: {exc}")]) from None

    def _read_jsonl(self, source: str) -> tuple[Any, dict[str, InType]]:
        """A JSON Lines file each of whose values is read as JSON, so that its kind decides
        as in pydantic: DuckDB's guess of a column's type from its values took the number 1
        for the text '1', true for an amount, the text "Infinity" for a date, and the text of
        a field whose kind varies from row to row with its quotes. Only the shape of the
        records (their keys, the records and lists of records inside) is taken from the guess,
        in which dates stay text (DuckDB's own took 2026-3-1 for a date)."""
        guessed = self._con.read_json(
            source, format="newline_delimited", date_format=_NO_FORMAT, timestamp_format=_NO_FORMAT
        )
        if guessed.columns == ["json"]:
            return guessed, {"json": InType("text")}  # records with no field (the runner's)
        read = {n: _as_json(t) for n, t in zip(guessed.columns, guessed.types, strict=True)}
        rel = self._con.read_json(
            source, format="newline_delimited", columns={n: t for n, (t, _) in read.items()}
        )
        return rel, {n: intype for n, (_, intype) in read.items()}

    def register_arrow(self, name: str, table: Any) -> dict[str, InType]:
        """Expose an Arrow table without copying it."""
        self._con.register(name, table)
        return arrow_intypes(table.schema)

    def execute(self, sql: str, progress: Progress | None = None) -> None:
        """Run a statement, reporting its progress from a watcher loop."""
        if progress is None:
            self._run(sql)
            return
        failure: list[BaseException] = []

        def work() -> None:
            try:
                self._run(sql)
            except BaseException as exc:  # handed to the calling thread below
                failure.append(exc)

        worker = threading.Thread(target=work, name="egovrules-duckdb", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(_POLL_SECONDS)
            done = self._con.query_progress()
            if done >= 0:
                progress(done)
        if failure:
            raise failure[0]

    def _run(self, sql: str) -> None:
        try:
            self._con.execute(sql)
        except (self._duckdb.ConversionException, self._duckdb.InvalidInputException) as exc:
            raise InputError(
                [Diagnostic("E604", f"a value of the input cannot be read: {exc}")]
            ) from None

    def to_arrow(self, sql: str) -> Any:
        """Run a query and return its result as Arrow."""
        try:
            return self._con.sql(sql).to_arrow_table()
        except (self._duckdb.ConversionException, self._duckdb.InvalidInputException) as exc:
            raise InputError(
                [Diagnostic("E604", f"a value of the input cannot be read: {exc}")]
            ) from None

    def write_parquet(self, sql: str, path: Path) -> None:
        """``COPY`` a query's result to one Parquet file."""
        target = str(path).replace("'", "''")
        self._run(f"COPY ({sql}) TO '{target}' (FORMAT parquet)")

    def close(self) -> None:
        """Close the connection (its in-memory database goes with it) and remove what it
        spilled."""
        self._con.close()
        shutil.rmtree(self._spill, ignore_errors=True)


def _as_json(t: Any) -> tuple[str, InType]:
    """The type a JSON Lines field of the guessed DuckDB type ``t`` is read as, and what it
    holds: a record (a STRUCT) and a list of records keep their shape, any other value is
    JSON."""
    if t.id == "struct":
        fields = {n: _as_json(c) for n, c in t.children}
        sql = DUCKDB.struct_type([(n, f[0]) for n, f in fields.items()])
        return sql, InType("struct", {n: f[1] for n, f in fields.items()})
    if t.id == "list" and t.child.id == "struct":
        sql, item = _as_json(t.child)
        return DUCKDB.list_type.format(item=sql), InType("list", item=item)
    return DUCKDB.json_type, InType("json")
