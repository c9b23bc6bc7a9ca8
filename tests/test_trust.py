"""The review's probes (../shared/reviews/reliability.md), each a test that failed on the main
it was written against: a subject never chooses its law, and what is read is bounded."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from egovrules.cli import main
from egovrules.source.document import MAX_BYTES, DocumentError, read_document
from tests.conftest import FIXTURES, ROOT

LENIENT = """\
meta:
  id: lenient
"""


def _subject(tmp_path: Path, city: str) -> Path:
    path = tmp_path / "probe.yaml"
    path.write_text(f"kind: website\nid: x\ncity: {city}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "city",
    [
        "/etc/passwd",  # disclosure: its first line was printed in the error
        "../../../../../../etc/hostname",
        "/dev/zero",  # read until memory ran out
        str(FIXTURES / "packs" / "mini.yaml"),  # a lenient pack of the author's choosing
        str(ROOT / "rules" / "hohhot.yaml"),  # another city's law, by its file
    ],
    ids=["passwd", "traversal", "dev-zero", "lenient-pack", "other-city-file"],
)
def test_a_subject_never_chooses_the_file_that_is_its_law(
    tmp_path: Path, city: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """D1: without --city, the subject's `city` names a bundled pack id and nothing else. Was:
    the value was read as a pack file (exit 0 "compliant" with a lenient pack, /etc/passwd's
    first line in the error, /dev/zero read without end)."""
    path = _subject(tmp_path, city)
    assert main(["check", "--as-of", "2026-03-22", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3:7: error[E305]: city {city!r} is not a bundled pack" in err
    assert "root:" not in err and "Traceback" not in err


def test_a_bundled_city_still_picks_its_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same field naming a bundled id is how a subject says which city it belongs to."""
    path = _subject(tmp_path, "wuhan")
    assert main(["check", "--as-of", "2026-03-22", "--format", "json", str(path)]) in (0, 1)
    assert '"id": "wuhan"' in capsys.readouterr().out


def test_a_city_typo_is_positioned_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """D13: city errors carry the position of the `city` line (they had none)."""
    path = _subject(tmp_path, "wuhna")
    assert main(["check", "--as-of", "2026-03-22", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3:7: error[E305]" in err and "hint: did you mean 'wuhan'?" in err


def test_no_city_and_a_mismatched_city_are_positioned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No city at all points at the subject; a city other than --city's at its line."""
    none = tmp_path / "none.yaml"
    none.write_text("kind: website\nid: x\n", encoding="utf-8")
    assert main(["check", "--as-of", "2026-03-22", str(none)]) == 2
    assert f"{none}:1:1: error[E304]: no city" in capsys.readouterr().err
    other = _subject(tmp_path, "wuhan")
    assert main(["check", "--city", "tianjin", "--as-of", "2026-03-22", str(other)]) == 2
    err = capsys.readouterr().err
    assert f"{other}:3:7: error[E306]: the subject's city is 'wuhan', not 'tianjin'" in err


def test_the_caller_may_still_choose_a_pack_file(tmp_path: Path) -> None:
    """A pack file comes from the command line: the caller's choice, not the subject's."""
    path = tmp_path / "s.yaml"
    path.write_text("kind: website\nid: x\n", encoding="utf-8")
    mini = str(FIXTURES / "packs" / "mini.yaml")
    assert main(["check", "--city", mini, "--as-of", "2026-03-22", str(path)]) in (0, 1)


def test_a_bundled_id_is_never_a_path_of_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--city wuhan` is the bundled pack even where a folder or file named `wuhan` exists."""
    import egovrules

    monkeypatch.chdir(tmp_path)
    (tmp_path / "wuhan").mkdir()
    assert egovrules.load_pack("wuhan").id == "wuhan"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero (POSIX)")
def test_devices_are_read_only_up_to_the_limit() -> None:
    """D9: the size limit holds for what is read, not what stat() says (0 for a device)."""
    with pytest.raises(DocumentError) as info:
        read_document("/dev/zero")
    assert [d.code for d in info.value.diagnostics] == ["E001"]
    assert str(MAX_BYTES) in info.value.diagnostics[0].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")
def test_a_fifo_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    """A FIFO whose writer never stops is cut at the limit and refused, in a process of its
    own so that a regression fails the test instead of hanging the suite."""
    fifo = tmp_path / "endless.yaml"
    os.mkfifo(fifo)
    stop = threading.Event()

    def write() -> None:
        try:
            with open(fifo, "wb") as out:
                while not stop.is_set():
                    out.write(b"a" * 65536)
        except (BrokenPipeError, OSError):
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        run = subprocess.run(
            [sys.executable, "-m", "egovrules", "check", "--city", "wuhan", str(fifo)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        stop.set()
    assert run.returncode == 2, run.stderr[-2000:]
    assert "error[E001]" in run.stderr and "Traceback" not in run.stderr


def test_an_existing_file_with_glob_characters_is_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """D6: `check 'report[2024].yaml'` checked report2.yaml (exit 0), never the named file."""
    monkeypatch.chdir(tmp_path)
    Path("report[2024].yaml").write_text(
        "kind: website\nid: late\nhas_interactive_columns: true\nnetwork_access_date: 2026-03-01\n",
        encoding="utf-8",
    )
    Path("report2.yaml").write_text("kind: website\nid: fine\n", encoding="utf-8")
    args = ["check", "--city", "wuhan", "--as-of", "2026-03-22", "--format", "json"]
    main([*args, "report[2024].yaml"])
    out = capsys.readouterr().out
    assert '"id": "late"' in out and '"id": "fine"' not in out
    # A pattern is still a pattern where no such file exists.
    main([*args, "report[2].yaml"])
    out = capsys.readouterr().out
    assert '"id": "fine"' in out and '"id": "late"' not in out


@pytest.mark.parametrize(
    ("text", "code", "where"),
    [
        ('kind: website\nid: "\\ud800"\ncity: wuhan\n', "E013", ":2:5"),
        ('{"kind": "website", "id": "\\ud800", "city": "wuhan"}\n', "E013", ":1:"),
        ("kind: website\nid: x\nhas_interactive_columns: !!bool maybe\n", "E007", ":3:26"),
    ],
    ids=["yaml-surrogate", "json-surrogate", "bool-maybe"],
)
def test_unreadable_scalars_are_positioned_errors(
    tmp_path: Path, text: str, code: str, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """D5: a lone surrogate (valid JSON) passed validation and crashed every output format;
    D8: `!!bool maybe` raised KeyError. Both are now refused where they are read, exit 2."""
    path = tmp_path / ("s.json" if text.startswith("{") else "s.yaml")
    path.write_text(text, encoding="utf-8")
    for fmt in ("text", "json", "sarif", "junit", "github", "markdown"):
        assert main(["check", "--as-of", "2026-03-22", "--format", fmt, str(path)]) == 2
        err = capsys.readouterr().err
        assert f"{path}{where}" in err and f"error[{code}]" in err, err
        assert "Traceback" not in err


def test_a_waiver_until_the_last_day_of_the_calendar_does_not_crash_the_monitor() -> None:
    """D3: `expires: 9999-12-31` set a timer on the day after it (OverflowError), and a watch
    restarted from its checkpoint re-read the same line and crashed again, for good. A waiver
    until the calendar's end simply never expires."""
    import datetime as dt

    import egovrules

    rule = "wuhan.website.police_filing_15_days"
    site = {"subject_id": "s1", "subject_kind": "website"}
    events = [
        {**site, "type": "interactive_column_opened", "at": "2026-03-01"},
        {**site, "type": "online", "at": "2026-03-01"},
        {
            **site,
            "type": "waiver_granted",
            "at": "2026-03-02",
            "payload": {"rule": rule, "reason": "x", "expires": "9999-12-31"},
        },
    ]
    with egovrules.Monitor(egovrules.load_pack("wuhan")) as monitor:
        monitor.feed_all(events)
        alerts = monitor.advance_to(dt.date(9999, 12, 31))
        assert rule not in {a.rule_id for a in alerts}
        assert rule not in {v.rule_id for v in monitor.violations("s1")}


@pytest.mark.parametrize(
    ("hidden", "argv", "extra"),
    [
        (
            "duckdb",
            ["audit", "--city", "shantou", "examples/audit/shantou-projects.jsonl"],
            "audit",
        ),
        (
            "pyarrow",
            ["audit", "--city", "shantou", "examples/audit/shantou-projects.jsonl"],
            "audit",
        ),
    ],
    ids=["duckdb", "pyarrow"],
)
def test_a_missing_extra_is_a_usage_error_naming_it(
    hidden: str, argv: list[str], extra: str, tmp_path: Path
) -> None:
    """Point 3: a missing optional extra printed a traceback; it is a usage error (exit 2)
    that names the extra to install. The module is hidden in a process of its own."""
    script = (
        f"import sys; sys.modules[{hidden!r}] = None\n"
        "from egovrules.cli import main\n"
        f"sys.exit(main({[*argv, '--out', str(tmp_path / 'v.parquet')]!r}))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert run.returncode == 2, run.stderr[-2000:]
    assert f"pip install 'egovrules[{extra}]'" in run.stderr
    assert "Traceback" not in run.stderr
