"""The exit code is the verdict, whatever happens around it: a reader that stops reading, an
option that narrows the check, an option value out of range (found by an outside test of the
command line, each failing before its fix)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from egovrules.cli import main
from tests.conftest import ROOT

LATE = str(ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml")
COMPLIANT = str(ROOT / "examples" / "wuhan" / "website-compliant.yaml")


def _closed_reader(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run the command line with its standard output a pipe nobody reads (`... | head` once
    head has exited)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", "egovrules", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            check=False,
            timeout=120,
        )
    finally:
        os.close(write)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["check", "--as-of", "2026-03-22", LATE], 1),  # violations found (was 0)
        (["check", "--as-of", "2026-03-22", "--format", "json", LATE], 1),
        (["check", "/nonexistent/subject.yaml"], 2),  # bad input (was 0)
        (["check", "--as-of", "2026-03-22", COMPLIANT], 0),
    ],
)
def test_a_reader_that_stops_reading_does_not_change_the_exit_code(
    args: list[str], code: int
) -> None:
    done = _closed_reader(*args)
    assert done.returncode == code
    assert b"Traceback" not in done.stderr
    assert b"BrokenPipeError" not in done.stderr


def _waived(tmp_path: Path, rule: str) -> str:
    """The compliant site, with a waiver of ``rule`` that expired before the as-of date."""
    text = Path(COMPLIANT).read_text(encoding="utf-8")
    text += f"waivers:\n  - rule: {rule}\n    reason: bureau moved\n    expires: 2026-03-10\n"
    path = tmp_path / "waived.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("waiver", "only", "code"),
    [
        # An expired waiver of a checked rule is a finding, by whichever name it was given:
        # the concept while --only names the rule (was 0) ...
        ("website.police_filing", "wuhan.website.police_filing_15_days", 1),
        # ... the rule while --only names the concept (was 0) ...
        ("wuhan.website.police_filing_15_days", "website.police_filing", 1),
        ("website.police_filing", "website.police_filing", 1),
        # ... and not one of a rule the check leaves out.
        ("website.police_filing", "website.consultation_column", 0),
    ],
)
def test_only_keeps_the_expired_waivers_of_the_rules_it_checks(
    tmp_path: Path, waiver: str, only: str, code: int
) -> None:
    subject = _waived(tmp_path, waiver)
    assert main(["check", "--as-of", "2026-03-22", "--only", only, subject]) == code


def test_skip_drops_the_expired_waivers_of_the_rules_it_skips(tmp_path: Path) -> None:
    subject = _waived(tmp_path, "wuhan.website.police_filing_15_days")
    assert main(["check", "--as-of", "2026-03-22", subject]) == 1
    assert main(["check", "--as-of", "2026-03-22", "--skip", "website.police*", subject]) == 0


@pytest.mark.parametrize(
    "args",
    [
        # DuckDB refused 0 threads with an internal error (exit 3).
        ["audit", "--city", "shantou", "--threads", "0", "rows.jsonl"],
        ["audit", "--city", "shantou", "--threads", "-1", "rows.jsonl"],
        # The solver took 0 ms as no limit.
        ["analyze", "--timeout-ms", "0", "wuhan"],
        # Only YYYY-MM-DD is a date: Python also reads 20260322 and the week date 2026-W12-7.
        ["check", "--as-of", "20260322", COMPLIANT],
        ["check", "--as-of", "2026-W12-7", COMPLIANT],
    ],
)
def test_an_option_value_out_of_range_is_a_usage_error(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    assert "error: argument" in capsys.readouterr().err


def test_a_missing_sources_folder_is_a_usage_error_not_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """lint reported it as L001 on the pack, exit 1: as if the pack, not the command, were
    wrong."""
    assert main(["lint", "--sources", str(tmp_path / "nowhere"), "wuhan"]) == 2
    err = capsys.readouterr().err
    assert "no such folder" in err and "L001" not in err


def test_an_only_that_matches_no_rule_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A misspelt --only checked nothing and the subject passed (exit 0, found by an outside
    test of the service): it is a usage error (exit 2), with the nearest name, and no report."""
    code = main(["check", "--as-of", "2026-03-22", "--only", "website.polise_filing", LATE])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "only 'website.polise_filing' matches no rule id or concept of wuhan" in err
    assert "did you mean 'website.police_filing'?" in err
    # The same pattern spelt right checks the rule, which the late filing breaks.
    assert main(["check", "--as-of", "2026-03-22", "--only", "website.police_filing", LATE]) == 1


def test_an_only_is_matched_against_every_pack_the_run_used(tmp_path: Path) -> None:
    """Subjects of two cities: a pattern naming one city's rules is no error (the other
    city's subject has no rule checked); one naming neither city's is. A --skip that matches
    nothing leaves out nothing and is no error."""
    hohhot = str(ROOT / "examples" / "hohhot" / "website-compliant.yaml")
    args = ["check", "--as-of", "2026-03-22", LATE, hohhot]
    assert main([*args, "--only", "wuhan.website.police_filing_*"]) == 1
    assert main([*args, "--only", "tianjin.*"]) == 2
    assert main([*args, "--skip", "tianjin.*"]) == 1


def test_a_file_name_cannot_start_a_line_of_the_output_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file in a checked folder is named by whoever wrote it: a line break in its name
    printed a line of its own on stderr, a GitHub workflow command (`::error::...`) of the
    name's choosing. It is shown escaped, in errors and reports alike."""
    (tmp_path / "a\n::error::forged.yaml").write_text("kind: website\nid: [\n", encoding="utf-8")
    shutil.copy(LATE, tmp_path / "b\n::warning::forged.yaml")
    assert main(["check", "--as-of", "2026-03-22", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    lines = (out + err).splitlines()
    assert not [line for line in lines if line.startswith("::")]
    assert "a\\n::error::forged.yaml:3:1: error[E003]" in err
    assert "b\\n::warning::forged.yaml:40" in out


def test_a_file_name_that_is_not_utf8_leaves_the_json_report_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name holding a byte that is not UTF-8 (decoded by Python as a surrogate escape) was
    written back as that byte: the JSON report was not UTF-8. It is shown as \\xff."""
    os.makedirs(tmp_path / "in")
    shutil.copy(COMPLIANT, os.fsencode(tmp_path / "in") + b"/bad\xff.yaml")
    main(["check", "--as-of", "2026-03-22", "--format", "json", str(tmp_path / "in")])
    doc = json.loads(capsys.readouterr().out.encode("utf-8"))
    assert doc["reports"][0]["subject"]["source"].endswith("bad\\xff.yaml")
