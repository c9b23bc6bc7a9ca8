"""The audit reads a date or a date-time where ``pack.check`` reads one, as the same value, and
refuses, with its field and row, what ``pack.check`` refuses: each form first shown to be read
(or refused) by the subject model (pydantic, lax mode), then audited from JSON Lines and CSV.

Dates are Wuhan's ``network_access_date``; date-times an illegal case's ``detected_at``, whose
reading decides 第十五条's 24 hours (``illegal_case_reported_24h``: 24h00 in time, 24h01 late),
so a value read a minute off changes an outcome."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from egovrules.auditing import audit_outcomes
from egovrules.source.errors import InputError, SubjectError
from egovrules.subjects import parse_subject

AS_OF = dt.date(2026, 3, 22)
RULE = "wuhan.website.illegal_case_reported_24h"


def _date_site(value: object) -> dict[str, Any]:
    return {"id": "a", "has_interactive_columns": True, "network_access_date": value}


def _case_sites(value: object, found: str) -> list[dict[str, Any]]:
    """Two sites whose illegal case was found at ``value`` (``found`` in China time written
    plainly): one reporting it 24 hours after ``found``, in time, one 24 hours and a minute
    after, late."""
    at = dt.datetime.fromisoformat(found)
    sites = []
    for name, after in (
        ("in-time", dt.timedelta(hours=24)),
        ("late", dt.timedelta(hours=24, minutes=1)),
    ):
        case = {
            "kind": "illegal_case",
            "detected_at": value,
            "reported_at": (at + after).isoformat(),
        }
        sites.append({"id": name, "incidents": [case]})
    return sites


def _files(tmp_path: Path, name: str, rows: list[dict[str, Any]]) -> list[Path]:
    """``rows`` as JSON Lines and as CSV (a list of records as JSON text in its cell)."""
    jsonl = tmp_path / f"{name}.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    heads = sorted({k for r in rows for k in r})
    lines = [",".join(heads)]
    for r in rows:
        cells = [_cell(r.get(h)) for h in heads]
        lines.append(",".join('"' + c.replace('"', '""') + '"' for c in cells))
    csv = tmp_path / f"{name}.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [jsonl, csv]


def _cell(value: object) -> str:
    """A value as a CSV cell writes it: a list as JSON text."""
    if value is None:
        return ""
    return json.dumps(value) if isinstance(value, list) else str(value)


def _audited(path: Path, engine: str = "duckdb") -> pa.Table:
    return audit_outcomes("wuhan", path, as_of=AS_OF, kind="website", engine=engine)


def _refused(path: Path, engine: str = "duckdb") -> str:
    with pytest.raises(InputError) as info:
        _audited(path, engine)
    return str(info.value)


# pydantic reads a number as seconds since 1970-01-01T00:00Z (milliseconds above 2*10^10), a
# date only when it is a whole number of days: 1699920000 is 2023-11-14T00:00Z.
@pytest.mark.parametrize(
    ("written", "date"),
    [
        (1699920000, "2023-11-14"),
        ("1699920000", "2023-11-14"),
        (1699920000.0, "2023-11-14"),
        (1699920000000, "2023-11-14"),
        (-86400, "1969-12-31"),
        ("2026-03-01t00:00z", "2026-03-01"),
        ("2026-03-01T00:00:00,000", "2026-03-01"),
        ("0001-01-01", "0001-01-01"),
    ],
)
def test_a_date_pydantic_reads_is_audited_as_that_date(
    tmp_path: Path, written: object, date: str
) -> None:
    """The audit refused every number (E604 'is not a date written YYYY-MM-DD')."""
    assert parse_subject({"kind": "website", **_date_site(written)}) == parse_subject(
        {"kind": "website", **_date_site(date)}
    )
    for got, same in zip(
        _files(tmp_path, "got", [_date_site(written)]),
        _files(tmp_path, "same", [_date_site(date)]),
        strict=True,
    ):
        assert _audited(got) == _audited(same)


@pytest.mark.parametrize(
    "written",
    [
        1700000000,  # 2023-11-14T22:13:20Z: a time of day
        "1700000000",
        1699920000.5,
        "1e9",
        "0000-01-01",  # year 0, which DuckDB holds as 1 BC: the audit judged it
        "0000-01-01T00:00",
        "2026-03-01T24:00",
        "2026-02-29",
    ],
)
def test_a_date_pydantic_refuses_is_refused_at_its_row(tmp_path: Path, written: object) -> None:
    with pytest.raises(SubjectError):
        parse_subject({"kind": "website", **_date_site(written)})
    for path in _files(tmp_path, "t", [_date_site(written)]):
        message = _refused(path)
        line = 2 if path.suffix == ".csv" else 1
        assert f"{path.name}:{line}:1: error[E604]" in message
        assert f"network_access_date: '{written}' is not a date" in message


# 1700000000 is 2023-11-14T22:13:20Z, 2023-11-15T06:13:20 in China time.
@pytest.mark.parametrize(
    ("written", "found"),
    [
        (1700000000, "2023-11-15T06:13:20"),
        ("1700000000", "2023-11-15T06:13:20"),
        (1700000000.5, "2023-11-15T06:13:20.500000"),
        ("1700000000.", "2023-11-15T06:13:20"),
        (1700000000000, "2023-11-15T06:13:20"),  # milliseconds
        ("1700000000123", "2023-11-15T06:13:20.123000"),
        ("2023-11-15t06:13:20", "2023-11-15T06:13:20"),  # DuckDB refused it, naming no row
        ("2023-11-15_06:13:20", "2023-11-15T06:13:20"),
        ("2023-11-14t22:13:20z", "2023-11-15T06:13:20"),
        ("2023-11-15T06:13:20,5", "2023-11-15T06:13:20.500000"),
        ("2023-11-15T06:13:20+0800", "2023-11-15T06:13:20"),
        ("2023-11-15T23:59", "2023-11-15T23:59"),
        # minutes, then an offset: DuckDB before 2.0 (the floor allows 1.3) reads neither
        ("2023-11-14T22:13Z", "2023-11-15T06:13"),
        ("2023-11-15T06:13+08:00", "2023-11-15T06:13"),
        ("2023-11-15 06:13+0800", "2023-11-15T06:13"),
        ("2023-11-15", "2023-11-15T00:00"),
    ],
)
def test_a_date_time_pydantic_reads_is_audited_as_that_time(
    tmp_path: Path, written: object, found: str
) -> None:
    """The audit refused a number (E604 'is not a date-time written as text') and stopped
    without a row on ``t`` (DuckDB's 'invalid timestamp field format')."""
    sites = _case_sites(written, found)
    same = _case_sites(found, found)
    for site, plain in zip(sites, same, strict=True):
        assert parse_subject({"kind": "website", **site}) == parse_subject(
            {"kind": "website", **plain}
        )
    for got, expected in zip(
        _files(tmp_path, "got", sites), _files(tmp_path, "same", same), strict=True
    ):
        outcomes = _audited(got)
        assert outcomes == _audited(expected)
        verdicts = dict(
            zip(outcomes["subject_id"].to_pylist(), outcomes[RULE].to_pylist(), strict=True)
        )
        assert verdicts["in-time"] != verdicts["late"]


@pytest.mark.parametrize(
    "written",
    [
        "2023-11-15T24:00",  # the audit read it as the next day's midnight
        "0000-01-01T00:00",  # year 0: judged by the audit
        "0001-01-01T00:00+14:00",  # in China time a day before year 1
        "2023-11-15t06:13:60",  # DuckDB refused it, naming no row
        "2023-11-15T06:13:20+08",
        "1e9",
        "253402300800000",  # milliseconds past 9999
    ],
)
def test_a_date_time_pydantic_refuses_is_refused_at_its_row(
    tmp_path: Path, written: object
) -> None:
    sites = [{"id": "a", "incidents": [{"kind": "illegal_case", "detected_at": written}]}]
    with pytest.raises(SubjectError):
        parse_subject({"kind": "website", **sites[0]})
    for path in _files(tmp_path, "t", sites):
        message = _refused(path)
        line = 2 if path.suffix == ".csv" else 1
        assert f"{path.name}:{line}:1: error[E604]" in message
        assert f"incidents[].detected_at: '{written}' is not a date-time" in message
