"""Apache Spark: the same generated SQL, on a cluster (or ``local[*]`` on one machine).

An office whose tables outgrow one machine points the audit at its cluster (``--engine spark
--spark-master spark://host:7077``, or whatever session ``spark-submit`` configured). Spark
reads the files itself, so nothing but the small rule and calendar tables travels from this
process. Date-times are wall-clock China times: the session's time zone is set to UTC so that
Spark never shifts them.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from egovrules.auditing.engine import Progress
from egovrules.backends.sql.dialect import SPARK
from egovrules.backends.sql.layout import InType
from egovrules.source.errors import Diagnostic, InputError, require

__all__ = ["SparkEngine", "spark_intypes"]


def _pyspark() -> Any:
    return require("pyspark.sql", "spark", "the Spark audit")


class SparkEngine:
    """A Spark session holding one audit's temporary views."""

    name = "spark"
    dialect = SPARK

    def __init__(self, master: str | None = None, session: Any = None) -> None:
        sql = _pyspark()
        if session is None:
            session = sql.SparkSession.getActiveSession()
        if session is None:
            builder = sql.SparkSession.builder.appName("egovrules audit")
            if master is not None:  # else spark-submit's or spark-defaults' (or local[*])
                builder = builder.master(master)
            builder = builder.config("spark.sql.session.timeZone", "UTC")
            builder = builder.config("spark.ui.showConsoleProgress", "false")
            # Temporary views only: no warehouse folder in the working directory.
            builder = builder.config(
                "spark.sql.warehouse.dir", str(Path(tempfile.gettempdir()) / "egovrules-spark")
            )
            session = builder.getOrCreate()
        self.spark = session
        self.spark.conf.set("spark.sql.session.timeZone", "UTC")
        self._views: list[str] = []
        self._cached: list[str] = []

    def read_file(self, name: str, path: Path, fmt: str) -> dict[str, InType]:
        """Expose a Parquet, CSV (every column read as text) or JSON Lines file: that file,
        its name's glob characters escaped (Spark reads ``*``, ``?``, ``[`` and ``{`` as a
        pattern)."""
        reader = self.spark.read
        source = re.sub(r"([*?\[\]{}\\])", r"\\\1", str(path))
        try:
            match fmt:
                case "parquet":
                    df = reader.parquet(source)
                case "csv":
                    # RFC 4180: a quote inside a quoted cell is written twice (Spark's
                    # default escape, a backslash, read a CSV list's JSON text as no list)
                    df = reader.option("header", "true").option("escape", '"').csv(source)
                case _:
                    df = self._read_jsonl(source)
        except Exception as exc:  # Spark raises its own exception classes from the JVM
            raise InputError([Diagnostic("E603", f"{path}: cannot read as {fmt}: {exc}")]) from None
        return self._view(name, df)

    def _read_jsonl(self, source: str) -> Any:
        """A JSON Lines file each of whose values is read as a VARIANT, so that its kind
        decides as in pydantic: Spark's guess of a column's type from its values took the
        number 1 for the text '1' (and a field whose kind varies from row to row for text).
        Only the shape of the records (their keys, the records and lists of records inside)
        is taken from the guess."""
        guessed = self.spark.read.json(source)
        if not guessed.schema.fields:
            return guessed
        corrupt = self.spark.conf.get("spark.sql.columnNameOfCorruptRecord")
        schema = ", ".join(
            f"{SPARK.ident(f.name)} "
            + (SPARK.string_type if f.name == corrupt else _as_variant(f.dataType))
            for f in guessed.schema.fields
        )
        return self.spark.read.schema(schema).json(source)

    def register_arrow(self, name: str, table: Any) -> dict[str, InType]:
        """Expose an Arrow table (sent to the cluster; keep it small)."""
        return self._view(name, self.spark.createDataFrame(table))

    def _view(self, name: str, df: Any) -> dict[str, InType]:
        df.createOrReplaceTempView(name)
        self._views.append(name)
        return spark_intypes(df.schema)

    def execute(self, sql: str, progress: Progress | None = None) -> None:
        """Run a statement (Spark reports its own progress, if the session shows it)."""
        if sql.startswith("CACHE TABLE "):
            name = sql.split()[2]
            self.spark.sql(f"UNCACHE TABLE IF EXISTS {name}")
            self._cached.append(name)
        self._sql(sql)

    def _sql(self, sql: str) -> Any:
        with _input_refused():
            return self.spark.sql(sql)

    def to_arrow(self, sql: str) -> Any:
        """Run a query and collect its result as Arrow."""
        with _input_refused():
            return self._sql(sql).toArrow()

    def write_parquet(self, sql: str, path: Path) -> None:
        """Write a query's result as a folder of Parquet part files."""
        with _input_refused():
            self._sql(sql).write.mode("errorifexists").parquet(str(path))

    def close(self) -> None:
        """Drop this audit's views and cached tables; the session stays for its owner."""
        for name in self._cached:
            self.spark.sql(f"UNCACHE TABLE IF EXISTS {name}")
        for name in [*self._cached, *self._views]:
            self.spark.catalog.dropTempView(name)
        self._views.clear()
        self._cached.clear()


def _as_variant(t: Any) -> str:
    """The type a JSON Lines field of the guessed Spark type ``t`` is read as: a record (a
    STRUCT) and a list of records keep their shape, any other value is a VARIANT."""
    kind = type(t).__name__
    if kind == "StructType":
        return SPARK.struct_type([(f.name, _as_variant(f.dataType)) for f in t.fields])
    if kind == "ArrayType" and type(t.elementType).__name__ == "StructType":
        return SPARK.list_type.format(item=_as_variant(t.elementType))
    return SPARK.json_type


def spark_intypes(schema: Any) -> dict[str, InType]:
    """What the columns of a Spark ``StructType`` hold."""
    return {f.name: _intype(f.dataType) for f in schema.fields}


def _intype(t: Any) -> InType:
    kind = type(t).__name__
    if kind == "StructType":
        return InType("struct", {f.name: _intype(f.dataType) for f in t.fields})
    if kind == "ArrayType":
        return InType("list", item=_intype(t.elementType))
    if kind in ("StringType", "VarcharType", "CharType"):
        return InType("text")
    if kind == "VariantType":
        return InType("json")
    if kind == "DecimalType":
        return InType("scalar", type=f"decimal({t.precision},{t.scale})")
    return InType("scalar", type=_SCALARS.get(kind, ""))


_SCALARS = {
    "BooleanType": "bool",
    "ByteType": "int",
    "ShortType": "int",
    "IntegerType": "int",
    "LongType": "int",
    "FloatType": "float",
    "DoubleType": "float",
    "DateType": "date",
    "TimestampType": "datetime",
    "TimestampNTZType": "datetime",
}
"""Scalar input types by the name of their Spark type (``InType.type``)."""


@contextmanager
def _input_refused() -> Iterator[None]:
    """A value of the input Spark cannot read, or one the layout's SQL stops the statement on
    (``raise_error``: a value the subject model refuses), as an ``InputError`` (E604, exit 2),
    not an internal error."""
    try:
        yield
    except Exception as exc:  # Spark raises its own exception classes from the JVM
        said = str(exc)
        if type(exc).__name__ in ("NumberFormatException", "DateTimeException") or any(
            mark in said for mark in ("CAST_INVALID_INPUT", "USER_RAISED_EXCEPTION")
        ):
            raise InputError(
                [Diagnostic("E604", f"a value of the input cannot be read: {exc}")]
            ) from None
        raise
