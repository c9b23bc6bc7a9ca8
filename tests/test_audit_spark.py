"""The same generated SQL on Apache Spark (local mode) gives the Python backend's answers.

Spark needs a Java runtime; without one these tests are skipped, saying so. One Spark session
serves the whole module: starting the JVM takes most of the time.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import random
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import egovrules
from egovrules.auditing import audit_outcomes
from egovrules.backends.base import InterpretingBackend
from egovrules.backends.sql.layout import layout_of, subjects_to_arrow
from egovrules.cli import main
from egovrules.source.errors import InputError, SubjectError
from egovrules.subjects import SubjectBase, parse_subject
from tests import calendar_cases
from tests import test_audit_dates as dates
from tests.conftest import FIXTURES

_JAVA = shutil.which("java") or (
    os.environ.get("JAVA_HOME") and Path(os.environ["JAVA_HOME"], "bin", "java").exists()
)
pytestmark = pytest.mark.skipif(
    not _JAVA, reason="no Java runtime (java on PATH or JAVA_HOME): Spark cannot start here"
)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local Spark session on one core, for the whole module (its warehouse folder in a
    temporary directory, not in the working tree)."""
    sql = pytest.importorskip("pyspark.sql", reason="pyspark is not installed")
    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    session = (
        sql.SparkSession.builder.master("local[1]")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .appName("egovrules tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _perturbed(fixture: dict[str, Any], n: int, seed: int) -> list[SubjectBase]:
    """``n`` variants of a compliant example: dates moved (also past the calendar's last year),
    flags flipped, values dropped to null."""
    rng = random.Random(seed)

    def vary(value: Any, shift: int) -> Any:
        if isinstance(value, dict):
            return {k: vary(v, shift) for k, v in value.items() if rng.random() > 0.04}
        if isinstance(value, list):
            return [vary(v, shift) for v in value if rng.random() > 0.1]
        if isinstance(value, bool):
            return (not value) if rng.random() < 0.1 else value
        if isinstance(value, dt.date):
            return value + dt.timedelta(
                days=shift + (rng.randint(-12, 12) if rng.random() < 0.3 else 0)
            )
        return value

    out: list[SubjectBase] = []
    while len(out) < n:
        shift = rng.choice([0, -3650, -7300, 330, 365]) + rng.randint(-20, 20)
        data = vary(copy.deepcopy(fixture), shift)
        data["id"] = f"s{len(out)}"
        data["kind"] = fixture["kind"]
        try:
            out.append(parse_subject(data))
        except SubjectError:  # a variation the model refuses: drawn again
            continue
    return out


CASES = [
    ("shantou", "project_ok", dt.date(2026, 3, 22)),
    ("wuhan", "website_ok", dt.date(2026, 3, 22)),
    ("hohhot", "project_ok", dt.date(2025, 12, 31)),
]


@pytest.mark.parametrize(("pack_id", "fixture", "as_of"), CASES)
def test_spark_equals_reference(spark: Any, pack_id: str, fixture: str, as_of: dt.date) -> None:
    """On 200 varied subjects every rule has the same outcome on Spark as in Python."""
    pack = egovrules.load_pack(pack_id)
    subjects = _perturbed(pack.tests.fixtures[fixture], 200, seed=len(pack_id))
    kind = subjects[0].kind  # type: ignore[attr-defined]
    table = audit_outcomes(pack, subjects, as_of=as_of, engine="spark")
    got = {r["subject_id"]: r for r in table.to_pylist()}
    reference = InterpretingBackend(pack.ruleset)
    seen: set[int] = set()
    for s in subjects:
        codes = reference.outcomes(kind, s, as_of)
        seen.update(codes)
        assert tuple(got[s.id][c] for c in table.column_names[1:]) == codes, s.id
    assert {1, 2} <= seen


def _as_the_reference(
    pack: egovrules.Pack, subjects: Sequence[SubjectBase], as_of: Sequence[dt.date]
) -> set[int]:
    """Spark's outcome of every project rule on each subject is the reference's, on each
    as-of date; the outcomes of Shantou's seven-working-day rule seen."""
    reference = InterpretingBackend(pack.ruleset)
    seen: set[int] = set()
    for day in as_of:
        table = audit_outcomes(pack, subjects, as_of=day, engine="spark")
        i = table.column_names.index(calendar_cases.RULE)
        for row in table.to_pylist():
            s = next(x for x in subjects if x.id == row["subject_id"])
            codes = tuple(row[c] for c in table.column_names[1:])
            assert codes == reference.outcomes("project", s, day), (s.id, day)
            seen.add(codes[i - 1])
    return seen


def test_a_last_day_not_known_agrees_on_spark(spark: Any) -> None:
    """A working-day deadline whose last day falls in a year the calendar lacks: on each side
    of its earliest and latest possible last days (tests/calendar_cases.py, Shantou 第十六条
    第二款 "七个工作日内"), Spark decides every rule as the reference: pending up to the
    earliest, undetermined between the bounds, late after the latest."""
    pack = egovrules.load_pack("shantou")
    subjects = calendar_cases.subjects()
    assert _as_the_reference(pack, subjects, calendar_cases.AS_OF) == {1, 2, 3, 4}


def test_the_weekday_fallback_agrees_on_spark_outside_its_tables(spark: Any) -> None:
    """With the weekday fallback, Shantou's seven working days counted before 1900, after
    2199 (Monday to Friday by arithmetic, outside the fallback tables) and past 9999-12-31
    (a last day no date reaches: awaited, or met by a reply on any date): Spark decides as
    the reference, on each side of each last day."""
    pack = egovrules.load_pack("shantou", weekday_fallback=True)
    replies: dict[str, list[str | None]] = {
        "1899-12-20": ["1899-12-29", "1899-12-30"],  # the seventh working day is 12-29
        "1899-12-28": ["1900-01-08", "1900-01-09"],
        "2199-12-29": ["2200-01-07", "2200-01-08"],
        "9999-12-21": ["9999-12-30", "9999-12-31"],
        "9999-12-22": ["9999-12-31", None],
        "9999-12-23": ["9999-12-31", None],  # past 9999-12-31
    }
    subjects = [
        parse_subject(calendar_cases.project(received, reply, f"{received}/{reply}"))
        for received, days in replies.items()
        for reply in days
    ]
    as_of = [dt.date(2026, 3, 22), dt.date(9999, 12, 31)]
    assert _as_the_reference(pack, subjects, as_of) == {1, 2, 3}


def test_spark_features_pack(spark: Any) -> None:
    """The constructs the city packs hardly use (versioned parameters, months and years,
    hours, ratios, nested lists, working days inside any/not) agree on Spark too."""
    pack = egovrules.load_pack(FIXTURES / "packs" / "sql_features.yaml")
    base = egovrules.load_pack("shantou").tests.fixtures["project_ok"]
    subjects = _perturbed({**base, "city": None}, 150, seed=7)
    as_of = dt.date(2025, 6, 30)
    table = audit_outcomes(pack, subjects, as_of=as_of, engine="spark")
    reference = InterpretingBackend(pack.ruleset)
    for row, s in zip(
        sorted(table.to_pylist(), key=lambda r: int(r["subject_id"][1:])), subjects, strict=True
    ):
        assert tuple(row[c] for c in table.column_names[1:]) == reference.outcomes(
            "project", s, as_of
        ), s.id


def test_cli_engine_spark(spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``egovrules audit --engine spark`` writes the violations (a Parquet folder) and exits 1."""
    site = {
        "kind": "website",
        "id": "late",
        "has_interactive_columns": True,
        "network_access_date": "2024-03-04",
        "security_systems": ["info_security_mgmt"],
    }
    source = tmp_path / "sites.parquet"
    pq.write_table(subjects_to_arrow(layout_of("website"), [parse_subject(site)]), source)
    out = tmp_path / "violations.parquet"
    code = main(
        [
            "audit",
            "--engine",
            "spark",
            "--city",
            str(FIXTURES / "packs" / "mini.yaml"),
            "--as-of",
            "2024-06-01",
            str(source),
            "--out",
            str(out),
        ]
    )
    assert code == 1
    assert "on spark" in capsys.readouterr().out
    rows = pq.read_table(out).to_pylist()
    assert [(r["subject_id"], r["rule_id"]) for r in rows] == [
        ("late", "mini.website.police_filing")
    ]


def test_spark_reads_date_times_as_china_time(spark: Any, tmp_path: Path) -> None:
    """Wuhan 第十五条 (24 hours) on Spark: in JSON Lines a date-time with an offset is converted
    to China Standard Time and a naive one is China time, as in the subject model: found 14:40Z
    (22:40 CST), reported 22:41 CST the next day is 24h01, late; found 22:40+08:00, reported
    22:40 the next day is 24h00, in time."""
    rule = "wuhan.website.illegal_case_reported_24h"
    rows = [
        ("late", "2025-11-03T14:40:00Z", "2025-11-04T22:41:00"),
        ("in-time", "2025-11-03T22:40:00+08:00", "2025-11-04T22:40:00"),
    ]
    path = tmp_path / "sites.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {
                    "id": sid,
                    "kind": "website",
                    "incidents": [{"kind": "illegal_case", "detected_at": d, "reported_at": r}],
                }
            )
            + "\n"
            for sid, d, r in rows
        ),
        encoding="utf-8",
    )
    table = egovrules.audit("wuhan", path, as_of=dt.date(2025, 12, 1), engine="spark")
    got = {(r["subject_id"], r["rule_id"]) for r in table.to_pylist() if r["rule_id"] == rule}
    assert got == {("late", rule)}


def test_spark_reads_utc_adjusted_parquet_timestamps_as_utc_wall_clock(
    spark: Any, tmp_path: Path
) -> None:
    """The one place Spark cannot follow the subject model (docs/audit.md): a Parquet timestamp
    stored as UTC-adjusted is read as its UTC wall-clock time. Found 14:40Z (22:40 CST) and
    reported 22:40 CST the next day is 24h00 in Python, but 32 hours on Spark."""
    import pyarrow as pa

    rule = "wuhan.website.illegal_case_reported_24h"
    incident = pa.struct(
        [
            ("kind", pa.string()),
            ("detected_at", pa.timestamp("us", tz="UTC")),
            ("reported_at", pa.timestamp("us")),
        ]
    )
    found, reported = dt.datetime(2025, 11, 3, 14, 40), dt.datetime(2025, 11, 4, 22, 40)
    path = tmp_path / "sites.parquet"
    pq.write_table(
        pa.table(
            {
                "id": ["in-time"],
                "incidents": pa.array(
                    [[{"kind": "illegal_case", "detected_at": found, "reported_at": reported}]],
                    pa.list_(incident),
                ),
            }
        ),
        path,
    )
    as_of = dt.date(2025, 12, 1)
    model = {
        "id": "in-time",
        "kind": "website",
        "incidents": [
            {"detected_at": "2025-11-03T14:40:00Z", "reported_at": "2025-11-04T22:40:00"}
        ],
    }
    assert rule not in {
        v.rule_id for v in egovrules.load_pack("wuhan").check(model, as_of=as_of).violations
    }
    table = egovrules.audit("wuhan", path, as_of=as_of, kind="website", engine="spark")
    assert {r["rule_id"] for r in table.to_pylist()} >= {rule}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("id,network_access_date\na,2026-3-1\n", "'2026-3-1' is not a date written YYYY-MM-DD"),
        ("id,owner_type\na,district_govt\n", "owner_type: 'district_govt' is not one of"),
    ],
)
def test_a_value_the_model_refuses_is_an_input_error_on_spark(
    spark: Any, tmp_path: Path, text: str, said: str
) -> None:
    """The layout's SQL stops the statement (raise_error) on a value the subject model refuses:
    Spark's USER_RAISED_EXCEPTION was an internal error (exit 3, 'a bug in egovrules'), not the
    E604 DuckDB gives (exit 2), at the row's line."""
    path = tmp_path / "refused.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        audit_outcomes("wuhan", path, as_of=dt.date(2026, 3, 22), kind="website", engine="spark")
    message = str(info.value)
    assert "E604" in message and said in message and "refused.csv:2:1" in message


def test_the_bundled_example_is_audited_on_spark_as_on_duckdb(spark: Any) -> None:
    """examples/audit/shantou-projects.jsonl (docs/audit.md): Spark reads its dates as text,
    and an approval without an application date (optional) was refused as a date not written
    YYYY-MM-DD, with the message NULL ('[USER_RAISED_EXCEPTION] null'): the NULL value was
    tested as a date text. The same outcomes on both engines."""
    pack = egovrules.load_pack("shantou")
    path = Path(__file__).parent.parent / "examples" / "audit" / "shantou-projects.jsonl"
    as_of = dt.date(2026, 3, 22)
    on_spark = audit_outcomes(pack, path, as_of=as_of, engine="spark").to_pylist()
    on_duckdb = audit_outcomes(pack, path, as_of=as_of, engine="duckdb").to_pylist()
    assert sorted(on_spark, key=str) == sorted(on_duckdb, key=str) and len(on_duckdb) == 5
    # The violation rows too, every column: the pack's hash and its holiday calendar included.
    rows = {e: egovrules.audit(pack, path, as_of=as_of, engine=e).to_pylist() for e in ENGINES}
    assert rows["spark"] == rows["duckdb"] and rows["duckdb"]
    assert {r["calendar"] for r in rows["spark"]} == {pack.calendar_named} != {None}


ENGINES = ("spark", "duckdb")

_BAD_VALUES = [
    (
        "wuhan",
        "kind.csv",
        "id,has_interactive_columns,maintainer__kind\na,true,agencyy\n",
        "maintainer.kind: 'agencyy' is not one of",
    ),
    (
        "tianjin",
        "kind.csv",
        "id,has_interactive_columns,maintainer__kind\na,true,agencyy\n",
        "maintainer.kind: 'agencyy' is not one of",
    ),
    (
        "wuhan",
        "nan.jsonl",
        '{"id": "a", "kind": "project", "current_total_investment": "NaN"}\n',
        "current_total_investment: 'NaN' is not a finite amount",
    ),
    # a CSV list's JSON text, its quotes written twice (RFC 4180): Spark read it with a
    # backslash for escape, as no list, and judged the subject without it
    (
        "wuhan",
        "key.csv",
        'id,online_services\na,"[{""itm"": ""x""}]"\n',
        "online_services[]: keys the model does not have: [itm]",
    ),
    # a JSON value of a kind pydantic does not read as the field's: the text "1.0" as a
    # boolean, a number as text (read as text before, on both engines)
    (
        "wuhan",
        "bool.csv",
        'id,online_services\na,"[{""item"": ""x"", ""basis"": ""1.0""}]"\n',
        "online_services[].basis: '1.0' is not true or false",
    ),
    (
        "wuhan",
        "text.csv",
        'id,security_systems\na,"[""firewall"", 1]"\n',
        "security_systems[]: '1' is not text",
    ),
    # Days (ge=0) and Year (ge=1, le=9999): judged on both engines before
    ("wuhan", "days.csv", "id,publication_lag_days\na,-1\n", "'-1' is not between 0 and"),
    (
        "shantou",
        "year.jsonl",
        '{"id": "a", "kind": "project", "declaration": {"plan_year": 10000}}\n',
        "declaration.plan_year: '10000' is not between 1 and 9999",
    ),
    (
        "hohhot",
        "funds.csv",
        'id,kind,special_funds\na,department,"[{""year"": 0}]"\n',
        "special_funds[].year: '0' is not between 1 and 9999",
    ),
    # a JSON Lines value of a kind pydantic does not read as the field's: each engine guessed
    # the column's type from its values, and read the number 1 as text, true as an amount
    ("wuhan", "url.jsonl", '{"id": "a", "url": 1}\n', "url: '1' is not text"),
    (
        "shantou",
        "true.jsonl",
        '{"id": "a", "kind": "project", "current_total_investment": true}\n',
        "current_total_investment: 'true' is not a finite amount",
    ),
]


@pytest.mark.parametrize(
    "case",
    _BAD_VALUES,
    ids=[
        "read",
        "unread",
        "unread-amount",
        "records-key",
        "bool-text",
        "text-number",
        "days",
        "year",
        "year-in-records",
        "jsonl-number-text",
        "jsonl-true-amount",
    ],
)
def test_spark_refuses_a_bad_value_as_duckdb_does(
    spark: Any, tmp_path: Path, case: tuple[str, str, str, str]
) -> None:
    """A value the subject model refuses is E604 at its row in the violations of an audit on
    Spark as on DuckDB, whether a rule of the pack reads it (Wuhan reads the maintainer's
    kind; Spark judged it all the same, having dropped the filter keeping the findings, which
    it found always true on this row) or none does (Tianjin; no Wuhan rule reads the current
    total investment)."""
    city, name, text, said = case
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    kind = next((k for k in ("project", "department") if k in text), "website")
    for engine in ("duckdb", "spark"):
        with pytest.raises(InputError) as info:
            egovrules.audit(city, path, as_of=dt.date(2026, 3, 22), kind=kind, engine=engine)
        message = str(info.value)
        assert "E604" in message and said in message, engine
        assert f"{name}:{2 if name.endswith('.csv') else 1}:1" in message, engine


@pytest.mark.parametrize(
    "case",
    [
        ("wuhan", "website", "days.csv", "id,publication_lag_days\na,3652058\n"),
        ("shantou", "project", "year.jsonl", '{"id": "a", "declaration": {"plan_year": 9999}}\n'),
        ("hohhot", "department", "funds.csv", 'id,special_funds\na,"[{""year"": 1}]"\n'),
        # the JSON number 1.0 is true to pydantic, as the text "1.0" is not
        (
            "wuhan",
            "website",
            "bool.csv",
            'id,online_services\na,"[{""item"": ""x"", ""basis"": 1.0}]"\n',
        ),
    ],
    ids=["days", "year", "year-in-records", "bool-number"],
)
def test_a_value_at_the_bound_of_what_the_model_reads_is_audited_on_spark(
    spark: Any, tmp_path: Path, case: tuple[str, str, str, str]
) -> None:
    """The other side of the refusals above: the greatest count of days and year, the least
    year, a JSON number 1.0 for a boolean, are judged on Spark as on DuckDB."""
    city, kind, name, text = case
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    as_of = dt.date(2026, 3, 22)
    on_spark = audit_outcomes(city, path, as_of=as_of, kind=kind, engine="spark").to_pylist()
    assert on_spark == audit_outcomes(city, path, as_of=as_of, kind=kind).to_pylist()
    assert len(on_spark) == 1


@pytest.mark.parametrize(
    ("kind", "written", "plain"),
    [
        ("date", "1699920000", "2023-11-14"),  # seconds since 1970, a whole number of days
        ("date", 1699920000000, "2023-11-14"),  # milliseconds
        ("date", "2026-03-01t00:00z", "2026-03-01"),
        ("date-time", 1700000000.5, "2023-11-15T06:13:20.500000"),
        ("date-time", "1700000000123", "2023-11-15T06:13:20.123000"),
        ("date-time", "2023-11-15t06:13:20", "2023-11-15T06:13:20"),
        ("date-time", "2023-11-14_22:13:20,5z", "2023-11-15T06:13:20.500000"),
    ],
)
def test_a_date_or_date_time_pydantic_reads_is_audited_on_spark(
    spark: Any, tmp_path: Path, kind: str, written: object, plain: str
) -> None:
    """As on DuckDB (tests/test_audit_dates.py): a number of seconds since 1970 and ISO 8601's
    other spellings are read as pydantic reads them, to the same value."""
    rows, same = (
        ([dates._date_site(written)], [dates._date_site(plain)])
        if kind == "date"
        else (dates._case_sites(written, plain), dates._case_sites(plain, plain))
    )
    for got, expected in zip(
        dates._files(tmp_path, "got", rows), dates._files(tmp_path, "same", same), strict=True
    ):
        assert dates._audited(got, "spark") == dates._audited(expected, "spark")


@pytest.mark.parametrize(
    ("field", "written"),
    [
        ("network_access_date", "0000-01-01"),
        ("network_access_date", 1700000000),  # a time of day
        ("incidents[].detected_at", "2023-11-15T24:00"),
        ("incidents[].detected_at", "0000-01-01T00:00"),
        ("incidents[].detected_at", "2023-11-15t06:13:60"),
        ("incidents[].detected_at", "253402300800000"),  # milliseconds past 9999
    ],
)
def test_a_date_or_date_time_pydantic_refuses_is_refused_on_spark(
    spark: Any, tmp_path: Path, field: str, written: object
) -> None:
    if field == "network_access_date":
        rows = [dates._date_site(written)]
    else:
        rows = [{"id": "a", "incidents": [{"kind": "illegal_case", "detected_at": written}]}]
    for path in dates._files(tmp_path, "t", rows):
        message = dates._refused(path, "spark")
        line = 2 if path.suffix == ".csv" else 1
        assert f"{path.name}:{line}:1: error[E604]" in message
        assert f"{field}: '{written}' is not a date" in message
