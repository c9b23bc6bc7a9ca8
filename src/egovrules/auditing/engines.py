"""The audit's engines by name: ``open_engine("duckdb")`` or ``open_engine("spark")``. Each
engine module is imported only when it is opened (its library is an optional extra)."""

from __future__ import annotations

from typing import Any

from egovrules.auditing.engine import Engine
from egovrules.source.errors import UsageError, require

__all__ = ["ENGINES", "open_engine"]

ENGINES = ("duckdb", "spark")


def open_engine(name: str, **options: Any) -> Engine:
    """An engine by name: ``duckdb`` (in-process, the default) or ``spark``."""
    if name == "duckdb":
        require("pyarrow", "audit", "the DuckDB audit")  # duckdb: DuckDBEngine requires it
        from egovrules.auditing.duckdb_engine import DuckDBEngine  # noqa: PLC0415 - lazy

        return DuckDBEngine(**options)
    if name == "spark":
        require("pyarrow", "spark", "the Spark audit")  # pyspark: SparkEngine requires it
        from egovrules.auditing.spark_engine import SparkEngine  # noqa: PLC0415 - lazy

        return SparkEngine(**options)
    raise UsageError(f"unknown engine {name!r}; engines: {', '.join(ENGINES)}")
