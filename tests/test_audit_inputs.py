"""The audit reads what it is given and nothing else, and refuses what ``pack.check`` refuses
(found by an outside test of the library, each case failing before its fix)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import egovrules
from egovrules.auditing import audit_outcomes, run_audit
from egovrules.auditing.duckdb_engine import DuckDBEngine
from egovrules.source.errors import InputError, SubjectError, UsageError
from egovrules.subjects import parse_subject

AS_OF = dt.date(2026, 3, 22)
HEAD = "id,has_interactive_columns,network_access_date\n"


def _ids(result: object) -> list[str]:
    return sorted(set(result.violations.column("subject_id").to_pylist()))  # type: ignore[attr-defined]


def test_an_engine_used_again_audits_the_new_file(tmp_path: Path) -> None:
    """The table of an earlier in-memory audit shadowed the file's view: the old subjects were
    judged again (docs/audit.md passes one engine to several audits)."""
    engine = DuckDBEngine(memory_limit="512MB")
    try:
        old = {"kind": "website", "id": "OLD", "has_interactive_columns": True}
        old["network_access_date"] = "2026-03-01"
        audit_outcomes("wuhan", [old], as_of=AS_OF, engine=engine)
        new = tmp_path / "new.csv"
        new.write_text(HEAD + "NEW,true,2026-03-01\n", encoding="utf-8")
        assert _ids(run_audit("wuhan", new, as_of=AS_OF, kind="website", engine=engine)) == ["NEW"]
    finally:
        engine.close()


@pytest.mark.parametrize("name", ["site[1].csv", "all*.csv", "a?.csv", "{x}.csv"])
def test_a_file_whose_name_looks_like_a_pattern_is_that_file(tmp_path: Path, name: str) -> None:
    """DuckDB read the name as a glob: site[1].csv audited site1.csv."""
    (tmp_path / name).write_text(HEAD + "ASKED,true,2026-03-01\n", encoding="utf-8")
    for other in ("site1.csv", "allx.csv", "ab.csv", "x.csv"):
        (tmp_path / other).write_text(HEAD + "OTHER,true,2026-03-01\n", encoding="utf-8")
    result = run_audit("wuhan", tmp_path / name, as_of=AS_OF, kind="website")
    assert _ids(result) == ["ASKED"]


def _table(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refused(tmp_path: Path, name: str, text: str, kind: str) -> str:
    with pytest.raises(InputError) as info:
        run_audit("wuhan", _table(tmp_path, name, text), as_of=AS_OF, kind=kind)
    return str(info.value)


def test_a_value_outside_a_fields_choices_is_refused(tmp_path: Path) -> None:
    """A misspelt owner_type put the site outside 第十四条's scope: 1 violation, not 16."""
    text = "id,owner_type,has_interactive_columns\ntypo,district_govt,true\n"
    message = _refused(tmp_path, "enum.csv", text, "website")
    assert "E604" in message and "owner_type: 'district_govt' is not one of" in message


def test_a_subject_without_an_id_is_refused(tmp_path: Path) -> None:
    """16 violations were written for subject None."""
    message = _refused(tmp_path, "null-id.csv", HEAD + ",true,2026-03-01\n", "website")
    assert "E604" in message and "id: no value" in message


def test_a_list_records_misspelt_or_missing_key_is_refused(tmp_path: Path) -> None:
    """Unknown keys of a list's records were dropped and required ones not asked for."""
    row = '{"kind": "project", "id": "a", "approvals": [{"kind": "leader", "dat": "2025-03-14"}]}'
    message = _refused(tmp_path, "typo.jsonl", row + "\n", "project")
    assert "E601" in message and "approvals[].dat" in message and "approvals[].date" in message
    row = '{"kind": "project", "id": "a", "approvals": [{"approver": "x", "date": "2025-03-14"}]}'
    message = _refused(tmp_path, "missing.jsonl", row + "\n", "project")
    assert "E602" in message and "approvals[].kind" in message


def test_a_list_records_value_outside_its_choices_is_refused(tmp_path: Path) -> None:
    row = '{"kind": "project", "id": "a", "approvals": [{"kind": "leadr", "date": "2025-03-14"}]}'
    message = _refused(tmp_path, "enum.jsonl", row + "\n", "project")
    assert "E604" in message and "approvals[].kind: 'leadr' is not one of" in message


def test_the_valid_rows_of_those_tables_are_audited_as_before(tmp_path: Path) -> None:
    """The other side: the same tables with the values spelt right."""
    text = "id,owner_type,has_interactive_columns,network_access_date\n"
    text += "good,district_government,true,2026-03-01\n"
    result = run_audit("wuhan", _table(tmp_path, "good.csv", text), as_of=AS_OF, kind="website")
    site = egovrules.Website(
        id="good",
        owner_type="district_government",
        has_interactive_columns=True,
        network_access_date=dt.date(2026, 3, 1),
    )
    expected = {v.rule_id for v in egovrules.load_pack("wuhan").check(site, as_of=AS_OF).violations}
    assert set(result.violations.column("rule_id").to_pylist()) == expected


def test_a_kind_the_subjects_are_not_of_is_a_usage_error() -> None:
    """An AttributeError from deep in the layout."""
    with pytest.raises(UsageError, match="subjects are of kind 'website'"):
        egovrules.audit("wuhan", [egovrules.Website(id="w1")], as_of=AS_OF, kind="project")


def test_a_record_of_the_layouts_own_shape_is_checked_too() -> None:
    """A table of the layout's shape (nested Parquet written from it, an Arrow table) is not
    rebuilt record by record, and its records are refused all the same (a record's kind
    outside its choices, a required field with no value)."""
    import pyarrow as pa

    from egovrules.backends.sql.layout import layout_of, subjects_to_arrow
    from egovrules.subjects import parse_subject

    pack = egovrules.load_pack("shantou")
    project = parse_subject({**pack.tests.fixtures["project_ok"], "id": "p"})
    table = subjects_to_arrow(layout_of("project"), [project])
    assert run_audit(pack, table, as_of=AS_OF, kind="project").rules  # read as it is
    rows = table.to_pylist()
    rows[0]["approvals"][0]["kind"] = "leadr"
    with pytest.raises(InputError) as info:
        run_audit(pack, pa.Table.from_pylist(rows, schema=table.schema), as_of=AS_OF)
    assert "E604" in str(info.value) and "approvals[]: a record holds" in str(info.value)
    rows[0]["approvals"][0]["kind"] = None
    with pytest.raises(InputError):
        run_audit(pack, pa.Table.from_pylist(rows, schema=table.schema), as_of=AS_OF)


def test_a_csv_lists_records_are_read_key_by_key(tmp_path: Path) -> None:
    """A CSV list column of JSON text: an unknown key, a missing required key, a misspelt kind
    stopped DuckDB's cast with its own words, or (no datetime in the record) went unchecked;
    a record leaving out an optional key was refused, which pack.check accepts."""
    head = "id,has_interactive_columns,online_services,incidents\n"

    def row(services: str, incidents: str = "[]") -> str:
        quoted = (services.replace('"', '""'), incidents.replace('"', '""'))
        return head + f'a,true,"{quoted[0]}","{quoted[1]}"\n'

    message = _refused(tmp_path, "key.csv", row('[{"itm": "x"}]'), "website")
    assert "E604" in message and "online_services[]: keys the model does not have: [itm]" in message
    assert "key.csv:2:1" in message and "subject id 'a'" in message
    message = _refused(tmp_path, "req.csv", row('[{"basis": true}]'), "website")
    assert "online_services[].item: no value, and one is required" in message
    bad = '[{"kind": "illegal_cas", "detected_at": "2026-03-01T10:00"}]'
    message = _refused(tmp_path, "enum.csv", row("[]", bad), "website")
    assert "incidents[].kind: 'illegal_cas' is not one of" in message
    good = row('[{"item": "x"}]', '[{"detected_at": "2026-03-01T10:00"}]')
    assert run_audit("wuhan", _table(tmp_path, "ok.csv", good), as_of=AS_OF, kind="website").rules


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("d.csv", "id,network_access_date\na,2026-3-1\n", "'2026-3-1' is not a date written"),
        ("d.jsonl", '{"id": "a", "network_access_date": "2026-3-1"}\n', "'2026-3-1' is not a"),
        ("b.jsonl", '{"id": "a", "has_interactive_columns": 0.5}\n', "'0.5' is not true or"),
        ("b2.jsonl", '{"id": "a", "has_interactive_columns": 2}\n', "'2' is not true or false"),
        ("b.csv", "id,has_interactive_columns\na,0.5\n", "'0.5' is not true or false"),
        (
            "r.jsonl",
            '{"id": "a", "waivers": [{"rule": "x", "reason": "", "expires": "2027-01-01"}]}\n',
            "waivers[].reason: empty",
        ),
        (
            "r.csv",
            'id,waivers\na,"[{""rule"": ""x"", ""reason"": """", ""expires"": ""2027-01-01""}]"\n',
            "waivers[].reason: empty",
        ),
    ],
)
def test_a_loose_value_is_refused_with_its_field_and_row(
    tmp_path: Path, name: str, text: str, said: str
) -> None:
    """Each was judged (15 violations) where pack.check refuses the subject."""
    message = _refused(tmp_path, name, text, "website")
    line = 2 if name.endswith(".csv") else 1
    assert "E604" in message and said in message and f"{name}:{line}:1" in message
    assert "subject id 'a'" in message


@pytest.mark.parametrize("value", ["NaN", "inf", "1.1234567"])
def test_an_amount_the_model_refuses_is_refused(tmp_path: Path, value: str) -> None:
    """NaN and inf read as no amount, 7 decimal places rounded: judged, not refused."""
    text = f"id,approved_total_investment,current_total_investment\na,100,{value}\n"
    pack = egovrules.load_pack("shantou")
    path = _table(tmp_path, "amount.csv", text)
    with pytest.raises(InputError) as info:
        audit_outcomes(pack, path, as_of=AS_OF, kind="project")
    assert f"current_total_investment: '{value}' is not a finite amount" in str(info.value)
    assert "amount.csv:2:1" in str(info.value)


@pytest.mark.parametrize("value", ["2300000.0", "0.1", "1234567.123456", "5e-06"])
def test_an_amount_written_as_a_float_is_read_as_pydantic_reads_it(
    tmp_path: Path, value: str
) -> None:
    """A JSON number read as a binary float was cast to DECIMAL(38,20) as 2300000.00000000005…
    and refused as an amount of more than 6 decimal places (the bundled audit example,
    docs/audit.md, exited 2); pydantic reads the float as the shortest decimal writing it."""
    record = '{"id": "a", "approved_total_investment": 100.0, '
    record += f'"current_total_investment": {value}, "city": "shantou"}}\n'
    pack = egovrules.load_pack("shantou")
    rows = audit_outcomes(
        pack, _table(tmp_path, "float.jsonl", record), as_of=AS_OF, kind="project"
    )
    assert [r["subject_id"] for r in rows.to_pylist()] == ["a"]


def test_an_empty_record_is_said_to_be_one_at_its_line(tmp_path: Path) -> None:
    """`{}` gave E601 for a column 'json' (alone) or an E604 naming no line (among others)."""
    message = _refused(tmp_path, "only.jsonl", "{}\n", "website")
    assert "only.jsonl:1:1: error[E602]: an empty record ({})" in message and "E601" not in message
    text = '{"id": "a", "has_interactive_columns": true}\n{}\n'
    message = _refused(tmp_path, "among.jsonl", text, "website")
    assert "among.jsonl:2:1: error[E602]: an empty record ({})" in message


@pytest.mark.parametrize(
    "written",
    [
        "2026-03-01T00:00:00",
        "2026-03-01 00:00:00",
        "2026-03-01T00:00",
        "2026-03-01T00:00:00Z",
        "2026-03-01T00:00:00+08:00",
        "2026-03-01T00:00:00.000",
    ],
)
def test_a_date_time_at_midnight_is_read_as_its_date(tmp_path: Path, written: str) -> None:
    """pack.check reads a date-time at midnight in a date field as its date (the subject model's
    ``datetime.date``), as a table exported from a DATETIME column writes it; the audit refused
    it (E604 'is not a date written YYYY-MM-DD') in a column of text and in a list's records."""
    website = {"kind": "website", "id": "a", "has_interactive_columns": True}
    expected = egovrules.load_pack("wuhan").check(
        {**website, "network_access_date": written}, as_of=AS_OF
    )
    assert expected.subject_id == "a"  # pack.check takes it
    plain = audit_outcomes(
        "wuhan", _table(tmp_path, "plain.csv", HEAD + "a,true,2026-03-01\n"), as_of=AS_OF
    )
    text = HEAD + f"a,true,{written}\n"
    assert audit_outcomes("wuhan", _table(tmp_path, "t.csv", text), as_of=AS_OF) == plain
    waiver = f'[{{""rule"": ""x"", ""reason"": ""y"", ""expires"": ""{written}""}}]'
    text = f'id,waivers\na,"{waiver}"\n'
    assert run_audit("wuhan", _table(tmp_path, "w.csv", text), as_of=AS_OF, kind="website").rules


@pytest.mark.parametrize("written", ["2026-03-01T10:00:00", "2026-03-01T00:00:01", "2026-03-01 "])
def test_a_date_time_not_at_midnight_is_still_refused(tmp_path: Path, written: str) -> None:
    """What pack.check refuses in a date field (a time of day, a trailing space)."""
    message = _refused(tmp_path, "t.csv", HEAD + f"a,true,{written}\n", "website")
    assert f"'{written}' is not a date written YYYY-MM-DD" in message


CITIES = ["wuhan", "tianjin", "hohhot", "shantou"]


@pytest.mark.parametrize("city", CITIES)
def test_a_value_no_rule_reads_is_refused_all_the_same(tmp_path: Path, city: str) -> None:
    """A column no rule of the pack reads was left out of the statement, unchecked: a
    misspelt maintainer kind was refused under Wuhan and Hohhot (which read it) and judged
    under Tianjin (12 violations) and Shantou (2)."""
    text = "id,has_interactive_columns,maintainer__kind\na,true,agencyy\n"
    with pytest.raises(InputError) as info:
        run_audit(city, _table(tmp_path, "kind.csv", text), as_of=AS_OF, kind="website")
    message = str(info.value)
    assert "E604" in message and "maintainer.kind: 'agencyy' is not one of" in message
    assert "kind.csv:2:1" in message


@pytest.mark.parametrize("city", CITIES)
@pytest.mark.parametrize(
    ("kind", "column"),
    [("project", "current_total_investment"), ("department", "project_list_total_budget")],
)
def test_an_amount_no_rule_reads_is_refused_all_the_same(
    tmp_path: Path, city: str, kind: str, column: str
) -> None:
    """NaN was refused only where a rule's evaluation reached the amount (Shantou's, with an
    approved total beside it); here every pack judged the subject, in the violations
    (``run_audit``) as in the outcomes of every rule (``audit_outcomes``)."""
    path = _table(tmp_path, "nan.csv", f"id,{column}\na,NaN\n")
    for run in (run_audit, audit_outcomes):
        with pytest.raises(InputError) as info:
            run(city, path, as_of=AS_OF, kind=kind)
        assert f"{column}: 'NaN' is not a finite amount" in str(info.value)
        assert "nan.csv:2:1" in str(info.value)


@pytest.mark.parametrize("city", CITIES)
def test_the_same_values_spelt_right_are_audited(tmp_path: Path, city: str) -> None:
    """The other side: a maintainer kind and amounts the model takes are judged."""
    text = "id,has_interactive_columns,maintainer__kind\na,true,agency\n"
    assert run_audit(city, _table(tmp_path, "ok.csv", text), as_of=AS_OF, kind="website").rules
    path = _table(tmp_path, "ok2.csv", "id,current_total_investment\na,100.5\n")
    assert run_audit(city, path, as_of=AS_OF, kind="project").subjects == 1


# A count of days and a year (subjects.base.Days, Year) are bounded in the model, whatever
# the table's column holds: a plain column, a field of a record, a field of a list's records.
# (kind, city, the field's path, whether its first step is a list of records, bounds, outside)
_DAYS = "publication_lag_days"
Bounded = tuple[str, str, tuple[str, ...], bool, tuple[int, int], list[int]]
_BOUNDED: list[Bounded] = [
    ("website", "wuhan", (_DAYS,), False, (0, 3652058), [-1, 3652059]),
    ("project", "shantou", ("declaration", "plan_year"), False, (1, 9999), [0, 10000]),
    ("department", "hohhot", ("special_funds", "year"), True, (1, 9999), [0, -5, 10000]),
]


def _bounded_data(case: Bounded, value: int) -> dict[str, object]:
    """A subject of the case's kind holding ``value`` at the case's path."""
    kind, _, path, listed, _, _ = case
    inner: object = value
    for name in reversed(path[1:]):
        inner = {name: inner}
    return {"kind": kind, "id": "a", path[0]: [inner] if listed else inner}


def _bounded_files(tmp_path: Path, case: Bounded, value: int) -> list[Path]:
    """The value in a CSV (a list of records as JSON text, a record's field as a flat
    column), a JSON Lines and a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = _bounded_data(case, value)
    _, _, path, listed, _, _ = case
    if listed:
        head, cell = path[0], '"' + json.dumps(data[path[0]]).replace('"', '""') + '"'
    else:
        head, cell = "__".join(path), str(value)
    csv = _table(tmp_path, "b.csv", f"id,kind,{head}\na,{data['kind']},{cell}\n")
    jsonl = _table(tmp_path, "b.jsonl", json.dumps(data) + "\n")
    parquet = tmp_path / "b.parquet"
    pq.write_table(pa.Table.from_pylist([data]), parquet)
    return [csv, jsonl, parquet]


@pytest.mark.parametrize("case", _BOUNDED, ids=[c[0] for c in _BOUNDED])
def test_a_days_count_or_year_out_of_its_bounds_is_refused(tmp_path: Path, case: Bounded) -> None:
    """The audit took a negative count of days and a year 0 or 10000, which the model refuses
    (Days: ge=0, le=3652058; Year: ge=1, le=9999): pack.check refuses the same record."""
    _, city, _, _, (low, high), outside = case
    for value in outside:
        with pytest.raises(SubjectError):
            parse_subject(_bounded_data(case, value))
        for source in _bounded_files(tmp_path, case, value):
            with pytest.raises(InputError) as info:
                audit_outcomes(city, source, as_of=AS_OF)
            message = str(info.value)
            assert "E604" in message and f"is not between {low} and {high}" in message, source
            assert "subject id 'a'" in message, source


@pytest.mark.parametrize("case", _BOUNDED, ids=[c[0] for c in _BOUNDED])
def test_a_days_count_or_year_at_its_bounds_is_audited(tmp_path: Path, case: Bounded) -> None:
    """The other side: the least and the greatest value the model takes are judged."""
    for value in case[4]:
        parse_subject(_bounded_data(case, value))
        for source in _bounded_files(tmp_path, case, value):
            assert audit_outcomes(case[1], source, as_of=AS_OF).num_rows == 1, source


def test_a_year_out_of_bounds_in_records_of_the_layouts_shape_is_refused() -> None:
    """A list of records already of the layout's shape (nested Parquet written from it) is
    tested, not rebuilt: a fund's year 0 was judged."""
    import pyarrow as pa

    from egovrules.backends.sql.layout import layout_of, subjects_to_arrow

    funds = {"year": 2025, "amount": "100", "in_fiscal_budget": True}
    department = parse_subject({"kind": "department", "id": "d", "special_funds": [funds]})
    table = subjects_to_arrow(layout_of("department"), [department])
    assert audit_outcomes("hohhot", table, as_of=AS_OF, kind="department").num_rows == 1
    rows = table.to_pylist()
    for year in (0, 10000):
        rows[0]["special_funds"][0]["year"] = year
        with pytest.raises(InputError) as info:
            audit_outcomes("hohhot", pa.Table.from_pylist(rows, schema=table.schema), as_of=AS_OF)
        message = str(info.value)
        assert "special_funds[]: a record holds" in message and "between 1 and 9999" in message


def _csv_records(tmp_path: Path, column: str, records: str) -> Path:
    """One website row whose list column ``column`` holds the JSON text ``records``."""
    cell = '"' + records.replace('"', '""') + '"'
    return _table(tmp_path, "records.csv", f"id,has_interactive_columns,{column}\na,true,{cell}\n")


@pytest.mark.parametrize(("written", "read"), [("1.0", True), ("0.0", False), ("-0.0", False)])
def test_a_json_number_one_or_zero_in_a_csv_record_is_a_boolean(
    tmp_path: Path, written: str, read: bool
) -> None:
    """pydantic reads the JSON number 1.0 (0.0) as true (false); the audit read a CSV record's
    JSON values as text and refused '1.0' as not true or false."""
    services = f'[{{"item": "x", "basis": {written}}}]'
    site = {"kind": "website", "id": "a", "has_interactive_columns": True}
    model = parse_subject({**site, "online_services": json.loads(services)})
    assert model.online_services[0].basis is read  # type: ignore[union-attr]
    spelt = f'[{{"item": "x", "basis": {str(read).lower()}}}]'
    expected = audit_outcomes("wuhan", _csv_records(tmp_path, "online_services", spelt))
    got = audit_outcomes("wuhan", _csv_records(tmp_path, "online_services", services))
    assert got == expected


@pytest.mark.parametrize("written", ['"1.0"', "2", "0.5", '"yes "'])
def test_what_pydantic_does_not_read_as_a_boolean_in_a_csv_record_is_refused(
    tmp_path: Path, written: str
) -> None:
    """The other side: the text "1.0", the numbers 2 and 0.5 are no boolean to pydantic."""
    services = f'[{{"item": "x", "basis": {written}}}]'
    with pytest.raises(SubjectError):
        parse_subject({"kind": "website", "id": "a", "online_services": json.loads(services)})
    with pytest.raises(InputError) as info:
        audit_outcomes("wuhan", _csv_records(tmp_path, "online_services", services))
    assert "online_services[].basis: " in str(info.value) and "is not true or false" in str(
        info.value
    )


@pytest.mark.parametrize(
    ("column", "written", "said"),
    [
        ("security_systems", '["firewall", 1]', "security_systems[]: '1' is not text"),
        ("security_systems", "[true]", "security_systems[]: 'true' is not text"),
        ("security_systems", '["firewall", null]', "security_systems[]: null in a list"),
        ("online_services", '[{"item": 1}]', "online_services[].item: '1' is not text"),
        ("waivers", '[{"rule": 2.5, "reason": "r", "expires": "2027-01-01"}]', "'2.5' is not"),
    ],
)
def test_a_number_where_the_model_reads_text_is_refused_in_a_csv_list(
    tmp_path: Path, column: str, written: str, said: str
) -> None:
    """pydantic reads no number (nor true, nor null) as a string; the audit read a CSV list's
    JSON values as text, and took ["firewall", 1] as the set {"firewall", "1"}."""
    with pytest.raises(SubjectError):
        parse_subject({"kind": "website", "id": "a", column: json.loads(written)})
    with pytest.raises(InputError) as info:
        audit_outcomes("wuhan", _csv_records(tmp_path, column, written))
    assert "E604" in str(info.value) and said in str(info.value)
    assert "records.csv:2:1" in str(info.value)


def test_the_same_csv_lists_of_text_are_audited(tmp_path: Path) -> None:
    """The other side: strings, and a year written as a JSON number or string, are read."""
    path = _csv_records(tmp_path, "security_systems", '["firewall", "1"]')
    assert audit_outcomes("wuhan", path).num_rows == 1
    path = _csv_records(tmp_path, "online_services", '[{"item": "1"}]')
    assert audit_outcomes("wuhan", path).num_rows == 1
    for year in ("2025", '"2025"', "2025.0", '" 2_025 "'):
        text = f'id,special_funds\na,"[{{""year"": {year.replace(chr(34), chr(34) * 2)}}}]"\n'
        path = _table(tmp_path, "funds.csv", text)
        assert audit_outcomes("hohhot", path, as_of=AS_OF, kind="department").num_rows == 1


@pytest.mark.parametrize("written", ["1e1", "1.", "0x10", "1__0"])
def test_a_whole_number_pydantic_does_not_read_from_text_is_refused(
    tmp_path: Path, written: str
) -> None:
    """A count of days written 1e1 in a CSV: the engines read it as 10, pydantic refuses the
    text."""
    with pytest.raises(SubjectError):
        parse_subject({"kind": "website", "id": "a", _DAYS: written})
    message = _refused(tmp_path, "days.csv", f"id,{_DAYS}\na,{written}\n", "website")
    assert f"{_DAYS}: '{written}' is not a whole number" in message


def _jsonl(tmp_path: Path, records: list[dict[str, object]]) -> Path:
    return _table(tmp_path, "kinds.jsonl", "".join(json.dumps(r) + "\n" for r in records))


@pytest.mark.parametrize(
    ("kind", "records", "said"),
    [
        ("website", [{"id": "a", "url": 1}], "url: '1' is not text"),
        ("website", [{"id": "a", "url": True}], "url: 'true' is not text"),
        ("website", [{"id": "a", "security_systems": ["fw", 1]}], "security_systems[]: '1' is not"),
        (
            "project",
            [{"id": "a", "approved_total_investment": 100, "current_total_investment": True}],
            "current_total_investment: 'true' is not a finite amount",
        ),
        (
            "project",
            [{"id": "a", "approved_total_investment": 100, "current_total_investment": "Infinity"}],
            "current_total_investment: 'Infinity' is not a finite amount",
        ),
        (
            "website",
            [{"id": "b", "owner_type": "other"}, {"id": "a", "owner_type": 2}],
            "owner_type: '2' is not text",
        ),
    ],
)
def test_a_json_lines_value_of_a_kind_pydantic_refuses_is_refused(
    tmp_path: Path, kind: str, records: list[dict[str, object]], said: str
) -> None:
    """A JSON Lines value is read by its JSON kind, as pydantic reads it: no number nor true
    is text, true is no amount. DuckDB guessed each column's type from its values: it read the
    number 1 as the text '1' and true as an amount (both judged), the text "Infinity" as a date
    (an amount of it: exit 2 with no field nor row), and a field whose kind varies between rows
    as JSON text, quotes kept (owner_type "other" refused as '"other"', the valid row)."""
    for record in records[:-1]:
        parse_subject({"kind": kind, **record})
    with pytest.raises(SubjectError):
        parse_subject({"kind": kind, **records[-1]})
    with pytest.raises(InputError) as info:
        audit_outcomes("shantou", _jsonl(tmp_path, records), as_of=AS_OF, kind=kind)
    message = str(info.value)
    assert "E604" in message and said in message and "subject id 'a'" in message
    assert f"kinds.jsonl:{len(records)}:1" in message


@pytest.mark.parametrize(
    ("kind", "field", "written", "spelt"),
    [
        ("website", "has_interactive_columns", [True, 1, "yes", 0], [True, True, True, False]),
        ("project", "current_total_investment", ["100", 100, 100.5], ["100", "100", "100.5"]),
    ],
)
def test_a_json_lines_field_of_several_kinds_is_read_as_pydantic_reads_each(
    tmp_path: Path, kind: str, field: str, written: list[object], spelt: list[object]
) -> None:
    """The other side: values of several JSON kinds in one field, each read by pydantic, are
    audited as the same values written in one kind are."""
    base: dict[str, object] = {"approved_total_investment": 100} if kind == "project" else {}
    rows = [{"id": f"s{n}", **base, field: v} for n, v in enumerate(written)]
    for row in rows:
        parse_subject({"kind": kind, **row})
    same = [{"id": f"s{n}", **base, field: v} for n, v in enumerate(spelt)]
    got = audit_outcomes("shantou", _jsonl(tmp_path, rows), as_of=AS_OF, kind=kind)
    expected = audit_outcomes("shantou", _jsonl(tmp_path, same), as_of=AS_OF, kind=kind)
    assert got.num_rows == len(rows) and got == expected
