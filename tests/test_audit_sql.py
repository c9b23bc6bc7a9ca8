"""The SQL audit against the law's own numbers: ratios, working days, years, annual dates, the
effective date, nulls and waivers; the table layout and its input forms; and the errors a
user's table can cause."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings

import egovrules
from egovrules.auditing import VIOLATION_COLUMNS, audit_outcomes, audit_sql, run_audit
from egovrules.auditing.duckdb_engine import DuckDBEngine
from egovrules.backends.sql.dialect import DUCKDB
from egovrules.backends.sql.layout import arrow_to_subject_data, layout_of, subjects_to_arrow
from egovrules.backends.sql.workdays import SPELLED_COUNT, bound_sql, calendar_tables
from egovrules.law.calendar import CHINA, working_day_table
from egovrules.source.errors import InputError, UsageError
from egovrules.subjects import parse_subject
from tests.conftest import FIXTURES
from tests.strategies import pack_strings, subject_data

MINI = FIXTURES / "packs" / "mini.yaml"
APPROVAL = "shantou.project.approval_within_7_working_days"


def _violated(pack: Any, subjects: list[Any], as_of: dt.date, **kw: Any) -> set[tuple[str, str]]:
    table = egovrules.audit(pack, subjects, as_of=as_of, **kw)
    assert tuple(table.column_names) == VIOLATION_COLUMNS
    return {(r["subject_id"], r["rule_id"]) for r in table.to_pylist() if not r["waived"]}


def _codes(pack: Any, subjects: list[Any], as_of: dt.date) -> dict[str, dict[str, int]]:
    rows = audit_outcomes(pack, subjects, as_of=as_of).to_pylist()
    return {r.pop("subject_id"): r for r in rows}


# -- the law's numbers ---------------------------------------------------------------------------


def test_exactly_ten_percent_more_is_not_more_than_ten_percent() -> None:
    """'More than ten per cent' (mini art. 3): +10.00 % needs no re-approval, +10.01 % does,
    computed in exact decimals."""
    base = {"kind": "project", "approved_total_investment": "1000000"}
    subjects = [
        {**base, "id": "exactly", "current_total_investment": "1100000.00"},
        {**base, "id": "a-cent-more", "current_total_investment": "1100000.01"},
        {**base, "id": "less", "current_total_investment": "1099999.99"},
        {**base, "id": "no-approval", "approved_total_investment": None},
    ]
    got = _violated(MINI, subjects, dt.date(2024, 6, 1))
    assert got == {("a-cent-more", "mini.project.budget_reapproval")}


def _application(received: str, decided: str | None) -> dict[str, Any]:
    project = dict(egovrules.load_pack("shantou").tests.fixtures["project_ok"])
    application = {**project["approval_application"], "received_date": received}
    application["decision_date"] = decided
    application["copied_to_finance_date"] = decided
    return {**project, "approval_application": application}


@pytest.mark.parametrize(
    ("received", "last_day"),
    [
        ("2024-09-30", "2024-10-15"),  # National Day; Saturday 12 October is a workday
        ("2025-01-24", "2025-02-10"),  # Spring Festival 2025
        ("2024-02-08", "2024-02-23"),  # Spring Festival 2024; Sunday 18 February is a workday
    ],
)
def test_seven_working_days_follow_the_official_calendar(received: str, last_day: str) -> None:
    """Shantou art. 16: the approval is due on the seventh working day after receipt, holidays
    skipped and adjusted weekend workdays counted: on the last day it is in time, the next day
    late, and undecided it is pending until then. A decision recorded for the next day has not
    been made on the last day: pending then, late the day after (an act dated after the as-of
    date has not happened on it)."""
    pack = egovrules.load_pack("shantou")
    due = dt.date.fromisoformat(last_day)
    later = (due + dt.timedelta(days=1)).isoformat()
    subjects = [
        {**_application(received, last_day), "id": "on-time"},
        {**_application(received, later), "id": "late"},
        {**_application(received, None), "id": "undecided"},
    ]
    on_due = _codes(pack, subjects, due)
    assert on_due["on-time"][APPROVAL] == 1
    assert on_due["late"][APPROVAL] == 3
    assert on_due["undecided"][APPROVAL] == 3
    after = _codes(pack, subjects, due + dt.timedelta(days=1))
    assert (after["on-time"][APPROVAL], after["late"][APPROVAL]) == (1, 2)
    assert after["undecided"][APPROVAL] == 2


def test_working_days_past_the_calendar_are_undetermined_not_violated() -> None:
    """A count that runs into a year the holiday calendar does not know (2027) is never
    guessed: the rule is undetermined, and no violation is written."""
    pack = egovrules.load_pack("shantou")
    subject = {**_application("2026-12-28", None), "id": "year-end"}
    as_of = dt.date(2027, 3, 1)
    assert _codes(pack, [subject], as_of)["year-end"][APPROVAL] == 4
    result = run_audit(pack, [subject], as_of=as_of)
    assert APPROVAL not in {r["rule_id"] for r in result.violations.to_pylist()}
    assert {c.rule_id: c.undetermined for c in result.rules}[APPROVAL] == 1


def test_weekday_fallback_counts_monday_to_friday() -> None:
    """With the weekday fallback, days of 2027 count Monday to Friday: 2026-12-28 (Monday) +
    7 working days is Wednesday 2027-01-06 (1 January a Friday, counted)."""
    pack = egovrules.load_pack("shantou", weekday_fallback=True)
    subjects = [
        {**_application("2026-12-28", "2027-01-06"), "id": "on-time"},
        {**_application("2026-12-28", "2027-01-07"), "id": "late"},
    ]
    got = _codes(pack, subjects, dt.date(2027, 3, 1))
    assert (got["on-time"][APPROVAL], got["late"][APPROVAL]) == (1, 2)


@pytest.mark.parametrize("n", [1, 2, 7, 20, SPELLED_COUNT])
def test_bounds_read_from_the_calendar_lookup_are_the_calendars_bounds(n: int) -> None:
    """The earliest and latest possible n-th working day, computed in SQL from the one lookup
    of the day itself (no bound tables), are ``WorkCalendar.bound``'s on every start around
    the ends of the known years and of the years the bounds span, and on a sample between."""
    table = working_day_table(CHINA, "gap")
    edges = [
        dt.date(1899, 12, 31),
        table.days[0],
        table.days[-1],
        dt.date(2199, 12, 31) - dt.timedelta(days=n),
        dt.date(2199, 12, 31),
    ]
    starts = sorted(
        {e + dt.timedelta(days=k) for e in edges for k in range(-n - 3, n + 4)}
        | {dt.date(1800, 1, 1) + dt.timedelta(days=k) for k in range(0, 160_000, 997)}
    )
    con = duckdb.connect()
    for name, arrow in calendar_tables(CHINA, "gap").items():
        con.register(name, arrow)
    con.register("starts", pa.table({"start": pa.array(starts, pa.date32())}))
    bounds = {
        unknown: bound_sql(
            CHINA, unknown, n, start="s.start", idx="c.idx", day="w.day", dialect=DUCKDB
        )
        for unknown in ("earliest", "latest")
    }
    got = con.execute(
        f"SELECT s.start, {bounds['earliest']}, {bounds['latest']} FROM starts AS s "
        f"LEFT JOIN egr_cal AS c ON c.day = s.start LEFT JOIN egr_workday AS w ON w.k = c.idx + {n}"
    ).fetchall()
    assert len(got) == len(starts)
    for start, earliest, latest in got:
        expected = (CHINA.bound(start, n, "earliest"), CHINA.bound(start, n, "latest"))
        assert (earliest, latest) == expected, start


def test_a_count_too_long_to_spell_is_read_from_the_bound_tables() -> None:
    """Past ``SPELLED_COUNT`` working days the bounds are joined from their own tables."""
    assert (
        bound_sql(CHINA, "earliest", SPELLED_COUNT + 1, start="s", idx="i", day="d", dialect=DUCKDB)
        is None
    )


def test_one_year_from_29_february_ends_on_28_february() -> None:
    """Shantou art. 17: an opinion of 2024-02-29 is valid until 2025-02-28 (relativedelta)."""
    pack = egovrules.load_pack("shantou")
    rule = "shantou.project.evaluation_validity_1_year"
    project = pack.tests.fixtures["project_ok"]

    def applied(day: str) -> dict[str, Any]:
        app = {**project["approval_application"], "submitted_date": day}
        return {
            **project,
            "id": day,
            "evaluation_opinion": {**project["evaluation_opinion"], "date": "2024-02-29"},
            "approval_application": app,
        }

    got = _codes(pack, [applied("2025-02-28"), applied("2025-03-01")], dt.date(2026, 3, 22))
    assert (got["2025-02-28"][rule], got["2025-03-01"][rule]) == (1, 2)


def test_annual_declaration_is_due_by_31_august_of_the_year_before() -> None:
    """Shantou art. 10: for plan year 2025 the declaration is due on 2024-08-31."""
    pack = egovrules.load_pack("shantou")
    rule = "shantou.project.annual_declaration_deadline"
    project = pack.tests.fixtures["project_ok"]

    def declared(day: str) -> dict[str, Any]:
        return {
            **project,
            "id": day,
            "declaration": {**project["declaration"], "plan_year": 2025, "submitted_date": day},
        }

    got = _codes(pack, [declared("2024-08-31"), declared("2024-09-01")], dt.date(2026, 3, 22))
    assert (got["2024-08-31"][rule], got["2024-09-01"][rule]) == (1, 2)


def test_rules_not_in_force_on_the_date_that_matters() -> None:
    """Wuhan's measures take effect on 2004-08-01: a site online before that date is judged
    not in force, one online after it violates the 15-day police filing."""
    pack = egovrules.load_pack("wuhan")
    rule = "wuhan.website.police_filing_15_days"
    site = {"kind": "website", "has_interactive_columns": True}
    subjects = [
        {**site, "id": "old", "network_access_date": "2004-07-01"},
        {**site, "id": "new", "network_access_date": "2024-03-01"},
    ]
    got = _codes(pack, subjects, dt.date(2024, 6, 1))
    assert (got["old"][rule], got["new"][rule]) == (5, 2)


def test_a_project_without_funding_source_is_presumed_in_shantou_scope() -> None:
    """Shantou's scope funded_projects (第二条) presumes a project that records no funding
    source inside, as every scope does: it gets the outcomes of the same project funded under
    第二条, while a non-government project is outside every project rule."""
    pack = egovrules.load_pack("shantou")
    fixture = pack.tests.fixtures["project_ok"]
    projects = [
        {**fixture, "id": "none", "funding_source": None, "conforms_to_overall_plan": False},
        {**fixture, "id": "full", "conforms_to_overall_plan": False},
        {**fixture, "id": "nongov", "funding_source": "non_government"},
    ]
    got = _codes(pack, projects, dt.date(2026, 3, 22))
    assert got["none"] == got["full"]
    assert got["none"]["shantou.project.plan_conformance"] == 2
    assert set(got["nongov"].values()) == {0}


def test_waived_violations_are_flagged_until_the_waiver_expires() -> None:
    """A violation an unexpired waiver covers (by rule id or concept) is written with waived =
    true; once the waiver has expired it stands."""
    waiver = {"rule": "website.police_filing", "reason": "relocation", "expires": "2024-06-30"}
    site = {
        "kind": "website",
        "id": "w",
        "has_interactive_columns": True,
        "network_access_date": "2024-03-04",
        "security_systems": ["info_security_mgmt"],
        "waivers": [waiver],
    }
    rows = egovrules.audit(MINI, [site], as_of=dt.date(2024, 6, 1)).to_pylist()
    assert [(r["rule_id"], r["waived"]) for r in rows] == [("mini.website.police_filing", True)]
    after = egovrules.audit(MINI, [site], as_of=dt.date(2024, 7, 1)).to_pylist()
    assert [(r["rule_id"], r["waived"]) for r in after] == [("mini.website.police_filing", False)]


def test_violation_rows_cite_the_article() -> None:
    """Each violation names the rule, subject, article, label and the quoted words."""
    site = {"kind": "website", "id": "w", "security_systems": []}
    (row,) = egovrules.audit(MINI, [site], as_of=dt.date(2024, 6, 1)).to_pylist()
    assert row["rule_id"] == "mini.website.security_system"
    assert (row["subject_id"], row["article"], row["label"]) == ("w", 2, "第二条")
    assert row["quote"] == "网站必须建立安全管理制度"
    assert (row["pack_id"], row["as_of"], row["severity"]) == (
        "mini",
        dt.date(2024, 6, 1),
        "warning",
    )


# -- the layout and its input forms --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["project", "website", "network", "department"])
def test_layout_round_trip(kind: str) -> None:
    """A subject written to the flat layout and read back is the same subject."""
    model = egovrules.subjects.SUBJECT_MODELS[kind]
    layout = layout_of(kind)
    strings = pack_strings(egovrules.load_pack("wuhan").ruleset)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=subject_data(model, strings))
    def round_trip(data: dict[str, Any]) -> None:
        subject = parse_subject(data)
        table = subjects_to_arrow(layout, [subject])
        (back,) = arrow_to_subject_data(layout, table)
        assert parse_subject(back) == subject

    round_trip()


def _sites() -> list[Any]:
    return [
        parse_subject(
            {
                "kind": "website",
                "id": "late",
                "has_interactive_columns": True,
                "network_access_date": "2024-03-04",
                "police_filing": {"date": "2024-03-20"},
                "security_systems": ["info_security_mgmt"],
            }
        ),
        parse_subject({"kind": "website", "id": "none", "security_systems": []}),
        parse_subject(
            {
                "kind": "website",
                "id": "ok",
                "has_interactive_columns": True,
                "network_access_date": "2024-03-04",
                "police_filing": {"date": "2024-03-19", "authority": "police"},
                "security_systems": ["x", "info_security_mgmt"],
            }
        ),
    ]


EXPECTED = {("late", "mini.website.police_filing"), ("none", "mini.website.security_system")}


def test_flat_parquet_nested_jsonl_and_csv_give_the_same_answers(tmp_path: Path) -> None:
    """The same subjects as flat Parquet (record__field columns), as JSON Lines with nested
    records, and as CSV (lists as JSON text, no marker columns) are judged alike."""
    as_of = dt.date(2024, 6, 1)
    flat = subjects_to_arrow(layout_of("website"), _sites())
    pq.write_table(flat, tmp_path / "sites.parquet")
    with (tmp_path / "sites.jsonl").open("w", encoding="utf-8") as f:
        for s in _sites():
            f.write(s.model_dump_json(exclude_defaults=True) + "\n")
    csv_table = pa.table(
        {
            "id": ["late", "none", "ok"],
            "has_interactive_columns": ["true", "false", "true"],
            "network_access_date": ["2024-03-04", "", "2024-03-04"],
            "police_filing__date": ["2024-03-20", "", "2024-03-19"],
            "police_filing__authority": ["", "", "police"],
            "security_systems": [
                json.dumps(["info_security_mgmt"]),
                "[]",
                json.dumps(["x", "info_security_mgmt"]),
            ],
        }
    )
    pacsv.write_csv(csv_table, tmp_path / "sites.csv")
    for name in ("sites.parquet", "sites.jsonl", "sites.csv"):
        got = _violated(MINI, tmp_path / name, as_of)  # type: ignore[arg-type]
        assert got == EXPECTED, name
    assert _violated(MINI, flat, as_of) == EXPECTED  # an Arrow table in memory


def test_date_times_are_china_time_in_every_input_form(tmp_path: Path) -> None:
    """Wuhan 第十五条 (24 hours): a date-time with an offset is converted to China Standard Time
    and a naive one is China time, in JSON Lines, in CSV (a list as JSON text) and in Parquet
    (naive and UTC-adjusted timestamps) as in the subject model: found 14:40Z (22:40 CST) and
    reported 22:41 CST the next day is 24h01, late; found 22:40+08:00 and reported 22:40 CST the
    next day is 24h00, in time. Read as UTC wall-clock, both would be 32 hours."""
    rule = "wuhan.website.illegal_case_reported_24h"
    cases = {
        "late": ("2025-11-03T14:40:00Z", "2025-11-04T22:41:00"),
        "in-time": ("2025-11-03T22:40:00+08:00", "2025-11-04T22:40:00"),
    }
    rows = [
        {
            "id": sid,
            "kind": "website",
            "incidents": [{"kind": "illegal_case", "detected_at": d, "reported_at": r}],
        }
        for sid, (d, r) in cases.items()
    ]
    pack = egovrules.load_pack("wuhan")
    as_of = dt.date(2025, 12, 1)
    expected = {("late", rule)}
    assert {
        (r["id"], v.rule_id)
        for r in rows
        for v in pack.check(r, as_of=as_of).violations
        if v.rule_id == rule
    } == expected
    with (tmp_path / "sites.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
    pacsv.write_csv(
        pa.table({"id": list(cases), "incidents": [json.dumps(r["incidents"]) for r in rows]}),
        tmp_path / "sites.csv",
    )
    utc = pa.timestamp("us", tz="UTC")
    incident = pa.struct(
        [("kind", pa.string()), ("detected_at", utc), ("reported_at", pa.timestamp("us"))]
    )
    pq.write_table(
        pa.table(
            {
                "id": list(cases),
                "incidents": pa.array(
                    [
                        [
                            {
                                "kind": "illegal_case",
                                "detected_at": dt.datetime(2025, 11, 3, 14, 40),
                                "reported_at": dt.datetime(2025, 11, 4, 22, 41),
                            }
                        ],
                        [
                            {
                                "kind": "illegal_case",
                                "detected_at": dt.datetime(2025, 11, 3, 14, 40),
                                "reported_at": dt.datetime(2025, 11, 4, 22, 40),
                            }
                        ],
                    ],
                    pa.list_(incident),
                ),
            }
        ),
        tmp_path / "sites.parquet",
    )
    for name in ("sites.jsonl", "sites.csv", "sites.parquet"):
        got = _violated(pack, tmp_path / name, as_of, kind="website")  # type: ignore[arg-type]
        assert {v for v in got if v[1] == rule} == expected, name


def test_nested_struct_columns_are_read_like_flat_ones() -> None:
    """A table holding a record as a STRUCT column (police_filing: {date, authority}) gives the
    same answers as its flat form; a NULL struct is a missing record."""
    table = pa.table(
        {
            "id": ["late", "none"],
            "has_interactive_columns": [True, True],
            "network_access_date": [dt.date(2024, 3, 4), dt.date(2024, 3, 4)],
            "police_filing": pa.array(
                [{"date": dt.date(2024, 3, 20)}, None],
                pa.struct([("date", pa.date32())]),
            ),
            "security_systems": [["info_security_mgmt"], ["info_security_mgmt"]],
        }
    )
    got = _violated(MINI, table, dt.date(2024, 6, 1), kind="website")
    assert got == {("late", "mini.website.police_filing"), ("none", "mini.website.police_filing")}


def test_kind_is_inferred_from_the_columns() -> None:
    """A table without a kind column whose columns only a website has is audited as websites."""
    table = pa.table({"id": ["s"], "security_systems": [[]], "network_access_date": [None]})
    rows = egovrules.audit(MINI, table, as_of=dt.date(2024, 6, 1)).to_pylist()
    assert {r["subject_kind"] for r in rows} == {"website"}


def test_ambiguous_kind_asks_for_it() -> None:
    """A table whose columns several kinds have (only id) needs the kind to be given."""
    with pytest.raises(UsageError, match="--kind"):
        egovrules.audit(MINI, pa.table({"id": ["a"]}), as_of=dt.date(2024, 6, 1))


def test_unknown_and_missing_columns_are_reported_together() -> None:
    """A misspelt column is an error with a suggestion (never silently ignored), and a
    missing id is reported in the same error."""
    table = pa.table({"kind": ["website"], "police_filing__dat": [None]})
    with pytest.raises(InputError) as caught:
        egovrules.audit(MINI, table, as_of=dt.date(2024, 6, 1))
    text = str(caught.value)
    assert "E601" in text and "police_filing__dat" in text and "police_filing__date" in text
    assert "E602" in text and "'id'" in text


def test_a_value_that_is_not_a_date_is_an_input_error(tmp_path: Path) -> None:
    """A CSV cell that cannot be read as the field's type is an error, not a guess."""
    path = tmp_path / "bad.csv"
    path.write_text("id,network_access_date\nw,next tuesday\n", encoding="utf-8")
    with pytest.raises(InputError, match="E604"):
        egovrules.audit(MINI, path, as_of=dt.date(2024, 6, 1), kind="website")


def test_pack_strings_are_escaped_in_sql(tmp_path: Path) -> None:
    """A pack's literal with quotes and backslashes is a value in the SQL, never SQL: it
    matches exactly the subject value it names."""
    text = MINI.read_text(encoding="utf-8").replace(
        "requires: {field: security_systems, contains: info_security_mgmt}",
        "requires: {field: security_systems, contains: \"it's\\\\ok'); DROP TABLE x; --\"}",
    )
    pack_file = tmp_path / "quoted.yaml"
    pack_file.write_text(text, encoding="utf-8")
    strange = "it's\\ok'); DROP TABLE x; --"
    subjects = [
        {"kind": "website", "id": "has", "security_systems": [strange]},
        {"kind": "website", "id": "lacks", "security_systems": ["its ok"]},
    ]
    for engine in ("duckdb", "spark"):
        sql = audit_sql(pack_file, "website", as_of=dt.date(2024, 6, 1), engine=engine)
        assert "DROP TABLE x" in sql and "'); DROP" not in sql.replace("''", "")
    got = _violated(pack_file, subjects, dt.date(2024, 6, 1))
    assert got == {("lacks", "mini.website.security_system")}


def test_duckdb_holds_bounded_memory_and_spills_to_a_folder_of_its_own(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """Unless told otherwise, the audit's DuckDB holds at most MEMORY_LIMIT and spills into a
    temporary folder of its own, removed when the engine closes; never into the working
    directory. The audit's answers do not depend on it."""
    monkeypatch.chdir(tmp_path)
    engine = DuckDBEngine()
    con = engine._con
    [(limit, spill)] = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchall()
    assert limit == _memory_limit("512MB")
    assert Path(spill).is_dir() and not Path(spill).is_relative_to(tmp_path)
    subject = {**_application("2024-09-30", "2024-10-16"), "id": "late"}
    result = run_audit("shantou", [subject], as_of=dt.date(2024, 11, 1), engine=engine)
    engine.close()
    assert not Path(spill).exists() and not any(tmp_path.iterdir())
    assert {c.rule_id: c.violated for c in result.rules}[APPROVAL] == 1
    wider = DuckDBEngine(memory_limit="1GB")
    assert wider._con.execute("SELECT current_setting('memory_limit')").fetchall() == [
        (_memory_limit("1GB"),)
    ]
    wider.close()


def _memory_limit(given: str) -> str:
    """How this DuckDB shows a memory limit set to ``given``."""
    con = duckdb.connect(config={"memory_limit": given})
    [(shown,)] = con.execute("SELECT current_setting('memory_limit')").fetchall()
    con.close()
    return str(shown)


def test_interrupted_write_leaves_no_output(tmp_path: Path, monkeypatch: Any) -> None:
    """An audit that fails while writing leaves neither the output nor a temporary file."""
    from egovrules.auditing.duckdb_engine import DuckDBEngine

    def broken(self: Any, sql: str, path: Path) -> None:
        path.write_bytes(b"PAR1 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(DuckDBEngine, "write_parquet", broken)
    out = tmp_path / "violations.parquet"
    with pytest.raises(KeyboardInterrupt):
        run_audit(MINI, _sites(), as_of=dt.date(2024, 6, 1), out=out)
    assert list(tmp_path.iterdir()) == []


def test_output_replaces_an_older_file_whole(tmp_path: Path) -> None:
    """The violations file is written to a temporary name and renamed into place."""
    out = tmp_path / "violations.parquet"
    out.write_text("an older audit", encoding="utf-8")
    result = run_audit(MINI, _sites(), as_of=dt.date(2024, 6, 1), out=out, collect=False)
    table = pq.read_table(out)
    assert table.num_rows == result.violated == 2
    assert [p.name for p in tmp_path.iterdir()] == ["violations.parquet"]
