"""``egovrules audit`` as an auditor runs it: summary, exit codes, the violations file, errors."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from egovrules.backends.sql.layout import layout_of, subjects_to_arrow
from egovrules.cli import main
from egovrules.subjects import parse_subject
from tests.conftest import FIXTURES

MINI = str(FIXTURES / "packs" / "mini.yaml")


def _sites(tmp_path: Path, *, compliant: bool = False) -> Path:
    rows = [
        {"kind": "website", "id": "ok", "security_systems": ["info_security_mgmt"]},
    ]
    if not compliant:
        rows.append(
            {
                "kind": "website",
                "id": "late",
                "has_interactive_columns": True,
                "network_access_date": "2024-03-04",
                "police_filing": {"date": "2024-03-20"},
                "security_systems": [],
            }
        )
    path = tmp_path / "sites.parquet"
    table = subjects_to_arrow(layout_of("website"), [parse_subject(r) for r in rows])
    pq.write_table(table, path)
    return path


def test_violations_are_summarised_and_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Violations exit 1, the summary counts them per rule and per article, and --out holds
    one row per violation with its citation."""
    out = tmp_path / "violations.parquet"
    code = main(
        ["audit", "--city", MINI, "--as-of", "2024-06-01", str(_sites(tmp_path)), "--out", str(out)]
    )
    printed = capsys.readouterr()
    assert code == 1
    assert "mini.website.police_filing (第二条)" in printed.out
    assert "2 violation(s) in 1 subject(s)" in printed.out
    assert "第二条" in printed.out and "art. 2" in printed.out
    assert printed.err == ""  # no progress bar when stderr is not a terminal
    rows = pq.read_table(out).to_pylist()
    assert sorted((r["subject_id"], r["rule_id"], r["article"]) for r in rows) == [
        ("late", "mini.website.police_filing", 2),
        ("late", "mini.website.security_system", 2),
    ]


def test_compliant_table_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No violation, exit 0."""
    code = main(
        ["audit", "--city", MINI, "--as-of", "2024-06-01", str(_sites(tmp_path, compliant=True))]
    )
    assert code == 0
    assert "0 violation(s)" in capsys.readouterr().out


def test_bad_table_exits_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown column is an input error: exit 2, the diagnostic, no traceback."""
    path = tmp_path / "sites.csv"
    path.write_text("id,kind,security_system\nw,website,[]\n", encoding="utf-8")
    code = main(["audit", "--city", MINI, str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "E601" in err and "security_systems" in err and "Traceback" not in err


def test_missing_file_and_unknown_suffix_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that is not there, or not of a known format, exits 2."""
    assert main(["audit", "--city", MINI, str(tmp_path / "nope.parquet")]) == 2
    other = tmp_path / "sites.xlsx"
    other.write_bytes(b"")
    assert main(["audit", "--city", MINI, str(other)]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and ".parquet" in err


def test_print_sql(capsys: pytest.CaptureFixture[str]) -> None:
    """--print-sql shows the generated query for a kind and audits nothing."""
    code = main(
        [
            "audit",
            "--city",
            MINI,
            "--kind",
            "website",
            "--as-of",
            "2024-06-01",
            "--print-sql",
            "unused.parquet",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("SELECT") and "egr_subjects" in out and "info_security_mgmt" in out
