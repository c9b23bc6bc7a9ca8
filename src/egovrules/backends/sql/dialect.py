"""The two SQL dialects the generated SQL is written for: DuckDB and Spark SQL.

The compiler keeps to the subset of SQL both engines read alike (``CASE``, ``COALESCE``,
``IN``, ``DATE '…'`` literals, ``CAST`` to ``DECIMAL``, ``make_date``, ``last_day``,
``UNPIVOT``, ``LEFT JOIN``). Everything that is spelt differently is one entry of this
table: a format string, or the one function that renders names, strings and types. A new
engine is a new row here, never a change to the compiler.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DIALECTS", "DUCKDB", "SPARK", "Dialect"]


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one engine spells what the two engines spell differently."""

    name: str
    some: str
    """True when some item ``{var}`` of ``{list}`` satisfies ``{pred}`` (a never-NULL
    boolean); for an empty or NULL list it may be NULL (the compiler makes that false)."""
    every: str
    """True when every item of ``{list}`` satisfies ``{pred}``; for an empty or NULL list it
    may be NULL (the compiler makes that true)."""
    filter: str
    """The items ``{var}`` of ``{list}`` that satisfy ``{pred}``."""
    transform: str
    """``{list}`` with each item ``{var}`` replaced by ``{body}``."""
    earliest: str
    """The least non-NULL item of ``{list}``; NULL when it has none (or is NULL)."""
    latest: str
    """The greatest non-NULL item of ``{list}``; NULL when it has none (or is NULL)."""
    size: str
    """Number of items of ``{list}`` (NULL for NULL)."""
    contains: str
    """True when ``{list}`` holds ``{value}``."""
    add_days: str
    """``{date}`` plus ``{n}`` calendar days (an integer)."""
    add_months: str
    """``{date}`` plus ``{n}`` months, clamped to the end of a shorter month."""
    days_between: str
    """Calendar days from ``{start}`` to ``{end}``."""
    make_date: str
    """The date ``{month}``-``{day}`` of the integer year ``{year}``: past 9999 and before 1 a
    far date where the engine holds one (DuckDB, as Python's ``FarDate``), NULL where it holds
    none (Spark's dates end at 1 and 9999)."""
    epoch_us: str
    """Microseconds since 1970 of the wall-clock time ``{ts}``."""
    china_time: str
    """The input date-time ``{value}`` (text, naive or with an offset, or a timestamp) as a
    TIMESTAMP of China Standard Time wall-clock, as the subject models read it: a naive value
    is China time already; one with an offset (``Z``, ``+08:00``) is converted. NULL where the
    engine reads no date-time (the layout refuses it, with its field and row)."""
    utc_micros: str
    """The instant ``{micros}`` (a whole number) microseconds after 1970-01-01T00:00Z as a
    TIMESTAMP of China Standard Time wall-clock."""
    json_value: str
    """The JSON text ``{text}`` read as a value of type ``{type}`` (``{type_text}``: the type
    name as a string literal)."""
    struct_value: str
    """A struct value of ``{fields}``, each rendered by ``struct_field``."""
    struct_field: str
    """One field of a struct value: ``{name}`` (quoted) or ``{label}`` (a string), ``{value}``."""
    struct_type_name: str
    """A struct type of ``{fields}``, each rendered by ``struct_type_field``."""
    struct_type_field: str
    """One field of a struct type: ``{name}`` and ``{type}``."""
    list_value: str
    """A list of the values ``{items}``."""
    empty_list: str
    """An empty list of type ``{type}``."""
    list_type: str
    """The type name of a list of ``{item}``."""
    string_type: str
    create_table: str
    """Materialize the query ``{query}`` as the session table ``{name}``."""
    ident_quote: str
    backslash_escapes: bool
    """Whether the engine reads ``\\`` in a string literal as an escape."""
    fail: str
    """Stop the statement with the text ``{message}`` (a value the input may not hold)."""
    digest: str
    """A number computed from every one of the values ``{values}`` (a hash): no optimizer can
    tell it without computing each value, so a statement that reads it computes them all."""
    matches: str
    """True when the whole of the text ``{value}`` matches the regular expression
    ``{pattern}`` (a string literal)."""
    try_cast: str
    """``{value}`` as type ``{type}``, or NULL when it cannot be read as one."""
    map_type: str
    """The type name of a map of ``{key}`` to ``{value}``."""
    json_type: str
    """The type that holds any JSON value, of which the engine tells the kind (string,
    number, true or false): JSON text read into it keeps ``"1.0"`` apart from ``1.0``."""
    json_text: str
    """The JSON value ``{value}`` as text: a string's own text (unquoted), a number's or a
    boolean's JSON text; NULL for JSON's ``null``."""
    json_written: str
    """The JSON value ``{value}`` (of ``json_type``) written as JSON text (a string quoted)."""
    json_string: str
    """True when the JSON value ``{value}`` is a string."""
    json_number: str
    """True when the JSON value ``{value}`` is a number."""
    json_boolean: str
    """True when the JSON value ``{value}`` is ``true`` or ``false``."""

    def ident(self, name: str) -> str:
        """``name`` as a quoted identifier (field names such as ``to`` and ``by`` are
        keywords)."""
        q = self.ident_quote
        return q + name.replace(q, q + q) + q

    def string(self, value: str) -> str:
        """``value`` as a string literal."""
        text = value.replace("\\", "\\\\") if self.backslash_escapes else value
        return "'" + text.replace("'", "''") + "'"

    def struct(self, fields: list[tuple[str, str]]) -> str:
        """A struct value built from (name, SQL expression) pairs."""
        parts = (
            self.struct_field.format(name=self.ident(n), label=self.string(n), value=v)
            for n, v in fields
        )
        return self.struct_value.format(fields=", ".join(parts))

    def struct_type(self, fields: list[tuple[str, str]]) -> str:
        """The type name of a struct of (name, type name) pairs."""
        parts = (self.struct_type_field.format(name=self.ident(n), type=t) for n, t in fields)
        return self.struct_type_name.format(fields=", ".join(parts))

    def parse_json(self, text: str, type_name: str) -> str:
        """The JSON text ``text`` read as a value of type ``type_name``."""
        return self.json_value.format(text=text, type=type_name, type_text=self.string(type_name))


DUCKDB = Dialect(
    name="duckdb",
    some="list_bool_or(list_transform({list}, lambda {var}: {pred}))",
    every="list_bool_and(list_transform({list}, lambda {var}: {pred}))",
    filter="list_filter({list}, lambda {var}: {pred})",
    transform="list_transform({list}, lambda {var}: {body})",
    earliest="list_min({list})",
    latest="list_max({list})",
    size="len({list})",
    contains="list_contains({list}, {value})",
    add_days="({date} + CAST({n} AS INTEGER))",
    add_months="CAST({date} + to_months(CAST({n} AS INTEGER)) AS DATE)",
    days_between="date_diff('day', {start}, {end})",
    make_date="make_date({year}, {month}, {day})",
    epoch_us="epoch_us({ts})",
    # the session's TimeZone is Asia/Shanghai (DuckDBEngine), so a naive value is read as
    # China time and an instant is shown as China wall-clock time
    china_time="timezone('Asia/Shanghai', TRY_CAST({value} AS TIMESTAMPTZ))",
    utc_micros=(
        "timezone('Asia/Shanghai', timezone('UTC', make_timestamp(CAST({micros} AS BIGINT))))"
    ),
    json_value="CAST(CAST({text} AS JSON) AS {type})",
    struct_value="struct_pack({fields})",
    struct_field="{name} := {value}",
    struct_type_name="STRUCT({fields})",
    struct_type_field="{name} {type}",
    list_value="list_value({items})",
    empty_list="CAST([] AS {type})",
    list_type="{item}[]",
    string_type="VARCHAR",
    create_table="CREATE OR REPLACE TEMP TABLE {name} AS {query}",
    ident_quote='"',
    backslash_escapes=False,
    fail="error({message})",
    digest="hash({values})",
    matches="regexp_full_match({value}, {pattern})",
    try_cast="TRY_CAST({value} AS {type})",
    map_type="MAP({key}, {value})",
    json_type="JSON",
    json_text="({value} ->> '$')",
    json_written="CAST({value} AS VARCHAR)",
    json_string="(json_type({value}) = 'VARCHAR')",
    json_number="(json_type({value}) IN ('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE'))",
    json_boolean="(json_type({value}) = 'BOOLEAN')",
)

SPARK = Dialect(
    name="spark",
    some="exists({list}, {var} -> {pred})",
    every="forall({list}, {var} -> {pred})",
    filter="filter({list}, {var} -> {pred})",
    transform="transform({list}, {var} -> {body})",
    earliest="array_min({list})",
    latest="array_max({list})",
    size="size({list})",
    contains="array_contains({list}, {value})",
    add_days="date_add({date}, CAST({n} AS INT))",
    add_months="add_months({date}, CAST({n} AS INT))",
    days_between="datediff({end}, {start})",
    make_date="(CASE WHEN {year} BETWEEN 1 AND 9999 THEN make_date({year}, {month}, {day}) END)",
    epoch_us="unix_micros({ts})",
    # the session's time zone is UTC (SparkEngine): text with an offset is read as an instant,
    # shown in UTC, and moved to China wall-clock time; naive text and timestamps are kept
    china_time=(
        "CASE WHEN CAST({value} AS STRING) RLIKE '(Z|[+-][0-9][0-9]:?[0-9][0-9])$' "
        "THEN from_utc_timestamp(try_cast({value} AS TIMESTAMP), 'Asia/Shanghai') "
        "ELSE try_cast({value} AS TIMESTAMP) END"
    ),
    utc_micros="from_utc_timestamp(timestamp_micros(CAST({micros} AS BIGINT)), 'Asia/Shanghai')",
    json_value="from_json({text}, {type_text})",
    struct_value="named_struct({fields})",
    struct_field="{label}, {value}",
    struct_type_name="STRUCT<{fields}>",
    struct_type_field="{name}: {type}",
    list_value="array({items})",
    empty_list="CAST(array() AS {type})",
    list_type="ARRAY<{item}>",
    string_type="STRING",
    create_table="CACHE TABLE {name} AS {query}",
    ident_quote="`",
    backslash_escapes=True,
    fail="raise_error({message})",
    digest="hash({values})",
    matches="({value} RLIKE CONCAT('^(?:', {pattern}, ')$'))",
    try_cast="try_cast({value} AS {type})",
    map_type="MAP<{key}, {value}>",
    json_type="VARIANT",
    json_text="CAST({value} AS STRING)",
    json_written="to_json({value})",
    json_string="(schema_of_variant({value}) = 'STRING')",
    json_number=(
        "(schema_of_variant({value}) RLIKE "
        "'^(TINYINT|SMALLINT|INT|BIGINT|FLOAT|DOUBLE|DECIMAL.*)$')"
    ),
    json_boolean="(schema_of_variant({value}) = 'BOOLEAN')",
)

DIALECTS: dict[str, Dialect] = {d.name: d for d in (DUCKDB, SPARK)}
