"""The one protocol the audit's SQL engines implement, and what their inputs look like.

An engine runs the generated SQL where the data is: DuckDB in this process
(``duckdb_engine``), or Apache Spark on a cluster or in local mode (``spark_engine``). The
audit only registers tables, runs statements and reads results through this protocol; every
statement it runs is written in the engine's ``Dialect``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol

from egovrules.backends.sql.dialect import Dialect
from egovrules.backends.sql.layout import InType
from egovrules.source.errors import UsageError, require

__all__ = ["FORMATS", "Engine", "arrow_intypes", "source_format"]

FORMATS: dict[str, str] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
"""Input file suffixes and the format each is read as."""

Format = Literal["parquet", "csv", "jsonl"]
Progress = Callable[[float], None]


class Engine(Protocol):
    """Runs the audit's SQL statements on one engine."""

    name: str
    dialect: Dialect

    def read_file(self, name: str, path: Path, fmt: str) -> dict[str, InType]:
        """Expose the file at ``path`` as the relation ``name``; return its columns."""
        ...

    def register_arrow(self, name: str, table: Any) -> dict[str, InType]:
        """Expose a ``pyarrow.Table`` as the relation ``name``; return its columns."""
        ...

    def execute(self, sql: str, progress: Progress | None = None) -> None:
        """Run a statement; ``progress`` is called with the percentage done, if known."""
        ...

    def to_arrow(self, sql: str) -> Any:
        """The result of a query as a ``pyarrow.Table``."""
        ...

    def write_parquet(self, sql: str, path: Path) -> None:
        """Write the result of a query to ``path`` as Parquet (a file, or for Spark a folder
        of part files)."""
        ...

    def close(self) -> None:
        """Release what the engine holds for this audit."""
        ...


def source_format(path: Path) -> Format:
    """The format a file is read as, from its suffix."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"{path}: cannot tell the format from the suffix {path.suffix!r}; "
            f"use one of {', '.join(sorted(FORMATS))}"
        )
    return fmt  # type: ignore[return-value]


def arrow_intypes(schema: Any) -> dict[str, InType]:
    """What the columns of a ``pyarrow.Schema`` hold."""
    return {f.name: _arrow_intype(f.type) for f in schema}


def _arrow_intype(t: Any) -> InType:
    pa = require("pyarrow", "audit", "the audit")

    if pa.types.is_struct(t):
        return InType(
            "struct", {t.field(i).name: _arrow_intype(t.field(i).type) for i in range(t.num_fields)}
        )
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return InType("list", item=_arrow_intype(t.value_type))
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return InType("text")
    if pa.types.is_decimal(t):
        return InType("scalar", type=f"decimal({t.precision},{t.scale})")
    for name, test in _SCALARS:
        if getattr(pa.types, test)(t):
            return InType("scalar", type=name)
    return InType("scalar")


_SCALARS = (
    ("bool", "is_boolean"),
    ("int", "is_integer"),
    ("float", "is_floating"),
    ("date", "is_date"),
    ("datetime", "is_timestamp"),
)
"""Scalar input types by the ``pyarrow.types`` test that tells them (``InType.type``)."""
