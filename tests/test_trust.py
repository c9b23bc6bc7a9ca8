"""The review's probes (../shared/reviews/reliability.md), each a test that failed on the main
it was written against: a subject never chooses its law, and what is read is bounded."""

from __future__ import annotations

import datetime as dt
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


AUDIT = ["audit", "--city", "shantou", "examples/audit/shantou-projects.jsonl", "--out"]
WATCH = ["watch", "--city", "wuhan", "tests/fixtures/events/wuhan.jsonl"]


@pytest.mark.parametrize(
    ("hidden", "argv", "extra"),
    [
        ("duckdb", AUDIT, "audit"),
        ("pyarrow", AUDIT, "audit"),
        ("durable_rules_engine", WATCH, "durable"),  # after the README's plain `pip install .`
        ("z3", ["analyze", "tianjin"], "analyze"),
    ],
    ids=["duckdb", "pyarrow", "durable", "z3"],
)
def test_a_missing_extra_is_a_usage_error_naming_it(
    hidden: str, argv: list[str], extra: str, tmp_path: Path
) -> None:
    """Point 3: a missing optional extra printed a traceback; it is a usage error (exit 2)
    that names the extra to install. The module is hidden in a process of its own."""
    if argv[-1] == "--out":
        argv = [*argv, str(tmp_path / "v.parquet")]
    script = (
        f"import sys; sys.modules[{hidden!r}] = None\n"
        "from egovrules.cli import main\n"
        f"sys.exit(main({argv!r}))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert run.returncode == 2, run.stderr[-2000:]
    assert f"pip install 'egovrules[{extra}]'" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_crash_is_exit_3_with_one_line_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Point 3: an unexpected exception exited 1 ("violations found") with a traceback and
    ended the run. Now: exit 3, one line asking for a bug report, every other file checked."""
    from egovrules.engine.pack import Pack

    original = Pack.check

    def check(self: Pack, subject: object, **kw: object) -> object:
        if getattr(subject, "id", None) == "boom":
            raise ArithmeticError("an unforeseen value")
        return original(self, subject, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Pack, "check", check)
    boom = tmp_path / "a-boom.yaml"
    boom.write_text("kind: website\nid: boom\ncity: wuhan\n", encoding="utf-8")
    fine = tmp_path / "b-fine.yaml"
    fine.write_text("kind: website\nid: fine\ncity: wuhan\n", encoding="utf-8")
    args = ["check", "--as-of", "2026-03-22", "--format", "json", str(boom), str(fine)]
    assert main(args) == 3
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line]
    assert lines == [
        f"{boom}: internal error: ArithmeticError: an unforeseen value "
        "(a bug in egovrules: please report it with this input)"
    ]
    assert '"id": "fine"' in captured.out and "Traceback" not in captured.err


def test_an_exception_outside_the_batch_is_exit_3_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whatever command meets a bug, the process says so in one line and exits 3, never 1."""
    import egovrules.cli.packs as packs_command

    def boom(args: object) -> int:
        raise KeyError("x")

    monkeypatch.setattr(packs_command, "_run", boom)
    assert main(["packs"]) == 3
    assert "egovrules packs: internal error: KeyError: 'x'" in capsys.readouterr().err


def test_junit_is_well_formed_and_markdown_inert_with_hostile_strings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """D11: a C0 control character in a subject string (a JSON or YAML escape) was written raw
    into JUnit, which no XML parser then reads. D12: Markdown passed raw HTML from subject
    values and pack text into the pull-request comment."""
    from xml.dom import minidom

    path = tmp_path / "s.yaml"
    path.write_text(
        'kind: website\nid: "a\\x01b</details><script>x</script>"\ncity: wuhan\n'
        "has_interactive_columns: true\nnetwork_access_date: 2026-03-01\n"
        'waivers: [{rule: "<img src=x>", reason: "<b>r</b>", expires: 2026-03-02}]\n',
        encoding="utf-8",
    )
    args = ["check", "--as-of", "2026-03-22", str(path)]
    assert main([*args, "--format", "junit"]) == 1
    document = minidom.parseString(capsys.readouterr().out)  # raised before
    assert "a\\u0001b" in document.toxml()
    assert main([*args, "--format", "markdown"]) == 1
    markdown = capsys.readouterr().out
    assert "<script>" not in markdown and "<img" not in markdown and "<b>" not in markdown
    assert "&lt;script&gt;" in markdown and "&lt;img src=x&gt;" in markdown


def test_diff_markdown_cells_are_inert() -> None:
    """D12 for diffs: the same escaping; a newline in a cell becomes a space, as before."""
    from egovrules.diffing.render.markdown import _cell

    assert _cell("<script>a|b</script>\nc") == "&lt;script&gt;a\\|b&lt;/script&gt; c"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("approved_total_investment", "1e-999999"),  # Shantou's rules divided: decimal.Overflow
        ("approved_total_investment", "1E+425000000"),
        ("current_total_investment", "1e308"),  # the in-memory audit: ArrowInvalid
        ("approved_total_investment", "0.0000001"),  # finer than the audit's DECIMAL(24,6)
    ],
)
def test_amounts_outside_the_exact_range_are_refused_where_read(
    tmp_path: Path, field: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """D4: extreme decimals passed validation and raised decimal.Overflow inside Shantou's
    rules (a traceback, exit 1, the rest of the batch unchecked). An amount is now a sum of
    yuan every backend holds exactly (18 digits before the point, 6 after), or an E300 at its
    line."""
    text = (ROOT / "examples" / "shantou" / "project-budget-overrun.yaml").read_text("utf-8")
    lines = [
        f"{field}: {value}" if line.startswith(f"{field}:") else line for line in text.split("\n")
    ]
    path = tmp_path / "p.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    line = next(i for i, t in enumerate(lines, 1) if t.startswith(f"{field}:"))
    assert main(["check", "--as-of", "2026-03-22", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{line}:" in err and "error[E300]" in err and "Traceback" not in err


def test_the_largest_exact_amount_is_judged() -> None:
    """The boundary on the other side: 18 digits and 6 places is a sum like any other."""
    import egovrules

    pack = egovrules.load_pack("shantou")
    big = "999999999999999999.999999"
    project = egovrules.Project(id="p", approved_total_investment=big, current_total_investment=big)
    assert pack.check(project, as_of=dt.date(2026, 3, 22)).subject_id == "p"


MINI_TEXT = (FIXTURES / "packs" / "mini.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        # D13: a literal negative period was accepted, a negative parameter refused (E110).
        ("within: $police_filing_days}", "within: -5}", "E234"),
        # D13: an unclosed placeholder passed load, lint and test, printed as literal text.
        ("after {@elapsed} days;", "after {@elapsed days;", "E242"),
        ("limit {$police_filing_days}", "limit $police_filing_days}", "E242"),
    ],
    ids=["negative-within", "unclosed", "unopened"],
)
def test_pack_text_the_compiler_used_to_let_through(
    tmp_path: Path, old: str, new: str, code: str
) -> None:
    """Refused where the pack is loaded, positioned, like their neighbours already were."""
    import egovrules
    from egovrules.source.errors import PackError

    assert old in MINI_TEXT
    path = tmp_path / "mini.yaml"
    path.write_text(MINI_TEXT.replace(old, new), encoding="utf-8")
    with pytest.raises(PackError) as info:
        egovrules.load_pack(path)
    assert code in {d.code for d in info.value.diagnostics}
    assert all(d.span is not None for d in info.value.diagnostics)


def test_a_zero_period_is_still_a_period(tmp_path: Path) -> None:
    """The other side of the boundary: `within: 0` (the same day) loads."""
    import egovrules

    path = tmp_path / "mini.yaml"
    path.write_text(MINI_TEXT.replace("within: $police_filing_days}", "within: 0}"), "utf-8")
    assert egovrules.load_pack(path).id


@pytest.mark.parametrize(
    "start", [dt.date(9999, 12, 16), dt.date(9999, 12, 17), dt.date(9999, 12, 31)]
)
@pytest.mark.parametrize("filed", [None, dt.date(9999, 12, 31)])
@pytest.mark.parametrize("as_of", [dt.date(2026, 3, 22), dt.date(9999, 12, 31)])
def test_python_and_sql_agree_at_the_end_of_the_calendar(
    start: dt.date, filed: dt.date | None, as_of: dt.date
) -> None:
    """D10: Wuhan 第十五条 — filing "within 15 days" of network access. Opened on 9999-12-16
    the last day is 9999-12-31, the calendar's last; from 9999-12-17 on it lies past it.
    Python read the overflowed last day as "not begun" (satisfied) where DuckDB, whose dates
    go further, said pending. A period begun whose last day no date reaches is awaited, and
    an act on any date is in time; a period counted from an access after the as-of date has
    not begun on it (docs/pack-format.md, Deadlines)."""
    import egovrules
    from egovrules.auditing import audit_outcomes
    from egovrules.law.verdict import Outcome

    pack = egovrules.load_pack("wuhan")
    rule = "wuhan.website.police_filing_15_days"
    filing = {"police_filing": {"date": filed}} if filed else {}
    site = egovrules.Website(
        id="w", has_interactive_columns=True, network_access_date=start, **filing
    )
    python = pack.check(site, as_of=as_of).outcomes[rule]
    sql = audit_outcomes(pack, [site], as_of=as_of, kind="website").to_pylist()[0][rule]
    assert python == sql
    begun = start <= as_of
    assert python == (Outcome.PENDING if begun and not filed else Outcome.SATISFIED)


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        ("publication_lag_days: 9223372036854775808", False),  # 2**63: OverflowError in audit
        ("publication_lag_days: -1", False),
        ("publication_lag_days: 3652058", True),  # the most days the calendar holds
        ("publication_lag_days: 3652059", False),
    ],
)
def test_day_counts_are_those_the_calendar_holds(
    tmp_path: Path, line: str, ok: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """D13: an integer past 2**63 passed validation and made the in-memory audit refuse the
    whole batch with a raw OverflowError. A count of days is now one the calendar holds."""
    path = tmp_path / "s.yaml"
    path.write_text(f"kind: website\nid: w\ncity: wuhan\n{line}\n", encoding="utf-8")
    code = main(["check", "--as-of", "2026-03-22", str(path)])
    err = capsys.readouterr().err
    if ok:
        assert code in (0, 1) and err == ""
    else:
        assert code == 2 and f"{path}:4:" in err and "error[E300]" in err


@pytest.mark.parametrize(
    ("file", "code"),
    [("../../../../../../etc/passwd", "L007"), ("/etc/hostname", "L007"), ("gbk.txt", "L008")],
    ids=["traversal", "absolute", "gbk"],
)
def test_lint_reads_sources_only_inside_their_folder_and_as_utf8(
    tmp_path: Path, file: str, code: str
) -> None:
    """D7: `meta.sources` took `../` and absolute paths (lint became an oracle for any file's
    text) and a GBK-encoded regulation, the usual encoding of such texts, was a
    UnicodeDecodeError traceback. Both are positioned lint findings now."""
    import egovrules
    from egovrules.authoring.lint import lint_pack

    (tmp_path / "gbk.txt").write_bytes("第一条 为了规范".encode("gbk"))
    assert "{file: mini.zh.txt, language: zh}" in MINI_TEXT
    path = tmp_path / "mini.yaml"
    path.write_text(MINI_TEXT.replace("file: mini.zh.txt", f"file: {file}"), "utf-8")
    findings = lint_pack(egovrules.load_pack(path), tmp_path)
    assert code in {d.code for d in findings}
    assert all(d.span is not None for d in findings if d.code == code)


def test_a_watched_line_with_a_lone_surrogate_is_a_bad_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """D5 in `watch`: valid JSON with "\\ud800" crashed the alert output; it is a positioned
    bad line (E013, exit 2), at the string that holds it (review: at column 1), and the lines
    after it are still watched."""
    events = tmp_path / "e.jsonl"
    site = '"subject_kind": "website", "at": "2026-03-01"'
    events.write_text(
        f'{{"subject_id": "\\ud800", "type": "online", {site}}}\n'
        f'{{"subject_id": "s1", "type": "interactive_column_opened", {site}}}\n'
        f'{{"subject_id": "s1", "type": "online", {site}}}\n',
        encoding="utf-8",
    )
    assert main(["watch", "--city", "wuhan", "--as-of", "2026-03-22", str(events)]) == 2
    out, err = capsys.readouterr()
    column = events.read_text(encoding="utf-8").index('"\\ud800"') + 1
    assert f"{events}:1:{column}: error[E013]: subject_id: a lone surrogate (U+D800)" in err
    assert "wuhan.website.police_filing_15_days" in out and "Traceback" not in err


def test_an_escaped_control_character_in_a_pack_is_refused(tmp_path: Path) -> None:
    """D13: the reader refused a raw NUL (E012), but an escaped one ("\\0") in a pack title
    was accepted, and went into every report. Tab and line breaks stay allowed."""
    import egovrules
    from egovrules.source.errors import PackError

    title = "en: Sampleton E-government Measures}"
    assert title in MINI_TEXT
    path = tmp_path / "mini.yaml"
    path.write_text(MINI_TEXT.replace(title, 'en: "Sampleton\\0 Measures"}'), "utf-8")
    with pytest.raises(PackError) as info:
        egovrules.load_pack(path)
    assert [(d.code, d.span.line if d.span else 0) for d in info.value.diagnostics] == [("E012", 6)]


def test_explain_never_lets_the_subject_choose_its_law(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """D1 in `explain` (found by a review of this fix): it still read the subject's `city`
    as a file, printing /etc/passwd's first line."""
    path = _subject(tmp_path, "/etc/passwd")
    assert main(["explain", "--as-of", "2026-03-22", str(path), "x"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3:7: error[E305]" in err and "root:" not in err


@pytest.mark.parametrize(
    "text",
    [
        "kind: website\nid: x\nname: [!!int\n",  # a syntax error after a bad scalar
        "kind: website\nid: x\nname: !!timestamp foo\n",  # AttributeError in PyYAML
        "kind: website\nid: x\nname: !!int ''\n",  # IndexError in PyYAML
    ],
    ids=["syntax-after-scalar", "timestamp", "empty-int"],
)
def test_bad_scalars_are_input_errors_and_the_batch_goes_on(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any exception a scalar's constructor raises is an E007 (or, before it, the syntax
    error the file has), exit 2; the next file of the batch is still checked."""
    bad = tmp_path / "a.yaml"
    bad.write_text(text, encoding="utf-8")
    good = _subject(tmp_path, "wuhan")
    code = main(["check", "--as-of", "2026-03-22", "--format", "json", str(bad), str(good)])
    out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err and "internal error" not in err
    assert f"{bad}:" in err and ("error[E007]" in err or "error[E003]" in err)
    assert '"id": "x"' in out  # probe.yaml, checked after the bad file


def test_json_surrogate_pairs_are_the_characters_they_encode(tmp_path: Path) -> None:
    """JSON writers escape 𠮷 (U+20BB7, common in names) as a surrogate pair; it is one
    character, not two lone halves (E013 is for a half alone)."""
    import json

    import egovrules
    from egovrules.engine.inputs import read_subjects

    path = tmp_path / "s.json"
    data = {"kind": "website", "id": "w", "city": "wuhan", "name": "𠮷"}
    path.write_text(json.dumps(data), encoding="utf-8")
    assert "\\ud842\\udfb7" in path.read_text(encoding="utf-8")
    subjects, errors = read_subjects(str(path))
    assert errors == [] and isinstance(subjects[0].subject, egovrules.Website)
    assert subjects[0].subject.name == "𠮷"


NESTED = """\
    requires:
      deadline:
        due: {add_days: [{add_years: [network_access_date, 1]}, 1]}
        done: police_filing.date
"""


def test_a_last_day_moved_past_the_calendar_by_an_inner_shift(tmp_path: Path) -> None:
    """D10, nested: `add_days(add_years(access, 1), 1)` from 9999-06-01 lies past the
    calendar. Python said satisfied, DuckDB pending."""
    import egovrules
    from egovrules.auditing import audit_outcomes
    from egovrules.law.verdict import Outcome

    old = (
        "    requires:\n"
        "      deadline: {start: network_access_date, done: police_filing.date, "
        "within: $police_filing_days}\n"
    )
    assert old in MINI_TEXT
    path = tmp_path / "mini.yaml"
    path.write_text(MINI_TEXT.replace(old, NESTED), encoding="utf-8")
    pack = egovrules.load_pack(path)
    from egovrules.ir.nodes import Deadline

    rule = next(r.id for r in pack.rules if isinstance(r.requires, Deadline))
    # Past the calendar: awaited. The other side: from 9998-06-01 the last day is 9999-06-02,
    # which 9999-07-01 is after.
    for start, expected in (
        (dt.date(9999, 6, 1), Outcome.PENDING),
        (dt.date(9998, 6, 1), Outcome.VIOLATED),
    ):
        site = egovrules.Website(id="w", has_interactive_columns=True, network_access_date=start)
        as_of = dt.date(9999, 7, 1)
        python = pack.check(site, as_of=as_of).outcomes[rule]
        sql = audit_outcomes(pack, [site], as_of=as_of, kind="website").to_pylist()[0][rule]
        assert python == sql == expected


def test_working_days_never_count_past_the_calendar() -> None:
    """With the weekday fallback, counting working days from 9999-12-28 ran into an
    OverflowError (exit 3); the count cannot be made, as for any year without a calendar."""
    from egovrules.law.calendar import CalendarGap, add_working_days

    with pytest.raises(CalendarGap):
        add_working_days(dt.date(9999, 12, 28), 7, weekday_fallback=True)
    assert add_working_days(dt.date(9999, 12, 20), 3, weekday_fallback=True) == dt.date(
        9999, 12, 23
    )


# Shantou 第十六条第二款 "自受理之日起七个工作日内予以批复", counted with --weekday-fallback:
# 9999-12-31 is a Friday. Received on Tuesday 9999-12-21 the seventh day is 12-30; on
# Wednesday 12-22 it is 12-31, the last day a date reaches; from Thursday 12-23 on it lies
# past 9999-12-31 (12-24, 27, 28, 29, 30, 31 are six): a period "whose last day no date
# reaches" (docs/pack-format.md, Deadlines).
_LAST_DAY = {
    dt.date(9999, 12, 21): dt.date(9999, 12, 30),
    dt.date(9999, 12, 22): dt.date(9999, 12, 31),
    dt.date(9999, 12, 23): None,
    dt.date(9999, 12, 28): None,
}


@pytest.mark.parametrize("received", list(_LAST_DAY))
@pytest.mark.parametrize("replied", [None, dt.date(9999, 12, 31)])
@pytest.mark.parametrize(
    "as_of", [dt.date(2026, 3, 22), dt.date(9999, 12, 30), dt.date(9999, 12, 31)]
)
def test_working_days_past_the_calendar_are_a_period_awaited(
    received: dt.date, replied: dt.date | None, as_of: dt.date
) -> None:
    """A working-day count past 9999-12-31 with the weekday fallback raised CalendarGap out of
    the compiled rules (exit 3), and DuckDB, whose fallback tables end in 2199, said
    undetermined. "A period begun whose last day no date reaches is awaited, and an act on any
    date is in time; a period counted from an act after the as-of date has not begun on it"
    (docs/pack-format.md, Deadlines), as for calendar-day periods: Python, the reference
    interpreter and DuckDB now say so, and decide the days a date reaches as before."""
    import egovrules
    from egovrules.auditing import audit_outcomes
    from egovrules.ir.interpret import evaluate_rule
    from egovrules.law.verdict import Outcome
    from tests.calendar_cases import RULE, project

    pack = egovrules.load_pack("shantou", weekday_fallback=True)
    rule = next(r for r in pack.rules if r.id == RULE)
    reply = None if replied is None else replied.isoformat()
    subject = egovrules.parse_subject(project(received.isoformat(), reply))
    python = pack.check(subject, as_of).outcomes[RULE]
    sql = audit_outcomes(pack, [subject], as_of=as_of, kind="project").to_pylist()[0][RULE]
    assert python == sql == evaluate_rule(rule, subject, as_of)
    due = _LAST_DAY[received]
    done = replied if replied is not None and replied <= as_of else None  # an act to come
    if received > as_of:  # "has not begun on it"
        expected = Outcome.SATISFIED
    elif done is not None:  # "an act on any date is in time" when no date reaches the last day
        expected = Outcome.SATISFIED if due is None or done <= due else Outcome.VIOLATED
    else:  # "awaited" past the calendar; "七个工作日内": late only after the last day
        expected = Outcome.VIOLATED if due is not None and as_of > due else Outcome.PENDING
    assert python == expected


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Monday to Friday on either side of the fallback tables' years (1900-2199), where
        # DuckDB said undetermined and Python counted: 7 days from Sunday 2199-12-29 are
        # 12-30, 12-31, 2200-01-01, 02, 03, 06, 07.
        (dt.date(2199, 12, 29), dt.date(2200, 1, 7)),
        (dt.date(2200, 1, 3), dt.date(2200, 1, 14)),  # Friday: 01-06 to 01-10, 13, 14
        (dt.date(5000, 6, 15), dt.date(5000, 6, 24)),  # Sunday: 06-16 to 06-20, 23, 24
        (dt.date(1899, 12, 28), dt.date(1900, 1, 8)),  # Thursday: 12-29, 01-01 to 01-05, 08
        (dt.date(1899, 12, 20), dt.date(1899, 12, 29)),  # Wednesday: 12-21 to 12-29
    ],
)
def test_sql_counts_the_weekday_fallback_as_python_does_outside_its_tables(
    received: dt.date, due: dt.date
) -> None:
    """七个工作日内 with the weekday fallback: a reply on the seventh working day is in time, one
    the day after late, in DuckDB as in Python, whatever the year."""
    import egovrules
    from egovrules.auditing import audit_outcomes
    from egovrules.law.verdict import Outcome
    from tests.calendar_cases import RULE, project

    pack = egovrules.load_pack("shantou", weekday_fallback=True)
    as_of = dt.date(9999, 12, 31)
    for reply, expected in ((due, Outcome.SATISFIED), (due + dt.timedelta(1), Outcome.VIOLATED)):
        subject = egovrules.parse_subject(project(received.isoformat(), reply.isoformat()))
        python = pack.check(subject, as_of).outcomes[RULE]
        sql = audit_outcomes(pack, [subject], as_of=as_of, kind="project").to_pylist()[0][RULE]
        assert (python, sql) == (expected, expected)


@pytest.mark.parametrize(
    ("replied", "outcome"),
    [
        (None, "pending"),  # "awaited": its last day lies past 9999-12-31
        ("9999-12-31", "satisfied"),  # "an act on any date is in time"
    ],
)
def test_check_with_the_weekday_fallback_past_the_calendar_is_no_internal_error(
    tmp_path: Path, replied: str | None, outcome: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`egovrules check --weekday-fallback` on a Shantou project received on 9999-12-28 exited
    3 ("internal error: CalendarGap") on valid input. Its seven working days run past
    9999-12-31: the reply is awaited, or in time (docs/pack-format.md, Deadlines)."""
    import json

    from tests.calendar_cases import RULE, project

    path = tmp_path / "p.json"
    path.write_text(json.dumps(project("9999-12-28", replied), default=str), encoding="utf-8")
    argv = ["check", "--weekday-fallback", "--as-of", "9999-12-31", "--format", "json"]
    assert main([*argv, str(path)]) == 0  # the fixture is otherwise compliant
    out, err = capsys.readouterr()
    assert err == ""
    report = json.loads(out)["reports"][0]
    assert report["outcomes"][RULE] == outcome
    upcoming = [u for u in report["upcoming"] if u["rule_id"] == RULE]
    if outcome == "pending":  # the last day is not known, only that no date reaches it
        (entry,) = upcoming
        assert (entry["due"], entry["earliest_due"], entry["latest_due"]) == (
            None,
            "10000-01-01",
            None,
        )
        assert "due by a day past 9999-12-31 (7 working days" in entry["messages"]["en"]
        assert "应于9999-12-31以后的某日前批复" in entry["messages"]["zh"]
    else:
        assert upcoming == []


def test_the_monitor_alerts_as_check_with_the_weekday_fallback_past_the_calendar() -> None:
    """The event monitor alerts on the late replies alone: received 9999-12-21 (last day
    12-30), not those whose seven working days run past 9999-12-31 (awaited, or in time)."""
    import egovrules
    from egovrules.monitoring.monitor import Monitor
    from tests.calendar_cases import RULE, project

    pack = egovrules.load_pack("shantou", weekday_fallback=True)
    subjects = [
        project(str(received), None if reply is None else str(reply), f"{received}/{reply}")
        for received in _LAST_DAY
        for reply in (None, dt.date(9999, 12, 31))
    ]
    as_of = dt.date(9999, 12, 31)
    event = {"subject_kind": "project", "type": "registered", "at": "9999-12-20"}
    with Monitor(pack) as monitor:
        alerts = [
            *monitor.feed_all(
                {**event, "subject_id": s["id"], "payload": {"attributes": s}} for s in subjects
            ),
            *monitor.advance_to(as_of),
        ]
    late = {
        s["id"] for s in subjects if RULE in {v.rule_id for v in pack.check(s, as_of).violations}
    }
    assert late == {"9999-12-21/None", "9999-12-21/9999-12-31"}
    assert {a.subject_id for a in alerts if a.rule_id == RULE} == late


@pytest.mark.parametrize(
    "requirement",
    [
        "      {field: police_filing.date, le: {add_working_days: [network_access_date, 7]}}\n",
        # the day after the seventh working day: 12-30 from 9999-12-20
        "      deadline:\n"
        "        due: {add_days: [{add_working_days: [network_access_date, 7]}, 1]}\n"
        "        done: police_filing.date\n",
    ],
    ids=["condition", "shifted-deadline"],
)
def test_other_working_day_counts_past_the_calendar_are_undetermined(
    tmp_path: Path, requirement: str
) -> None:
    """A condition (not a deadline) on `add_working_days` with the weekday fallback, or a
    deadline whose last day is shifted from one, past 9999-12-31: the count cannot be made and
    nothing else decides, so the rule is undetermined, in the compiled rules (the condition
    raised CalendarGap: exit 3), the interpreter and DuckDB. The other side: from 9999-12-20
    the seventh working day is 12-29, and a filing on 12-31 is after it (and after 12-30)."""
    import egovrules
    from egovrules.auditing import audit_outcomes
    from egovrules.ir.interpret import evaluate_rule
    from egovrules.law.verdict import Outcome

    old = (
        "      deadline: {start: network_access_date, done: police_filing.date, "
        "within: $police_filing_days}\n"
    )
    assert old in MINI_TEXT and " after {@elapsed} days" in MINI_TEXT
    path = tmp_path / "mini.yaml"
    text = MINI_TEXT.replace(old, requirement).replace(" after {@elapsed} days", "")
    path.write_text(text, encoding="utf-8")
    pack = egovrules.load_pack(path, weekday_fallback=True)
    rule = next(r for r in pack.rules if r.id == "mini.website.police_filing")
    as_of = dt.date(9999, 12, 31)
    for access, expected in (
        (dt.date(9999, 12, 20), Outcome.VIOLATED),
        (dt.date(9999, 12, 28), Outcome.UNDETERMINED),
    ):
        site = egovrules.Website(
            id="w",
            has_interactive_columns=True,
            network_access_date=access,
            police_filing={"date": as_of},
        )
        python = pack.check(site, as_of).outcomes[rule.id]
        sql = audit_outcomes(pack, [site], as_of=as_of, kind="website").to_pylist()[0][rule.id]
        assert python == sql == evaluate_rule(rule, site, as_of) == expected


def test_explain_with_the_weekday_fallback_past_the_calendar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`egovrules explain` of the same project (received 9999-12-28, no reply) said
    "[undetermined]" where check now says pending: the trace follows the verdict."""
    import json

    from tests.calendar_cases import RULE, project

    path = tmp_path / "p.json"
    path.write_text(json.dumps(project("9999-12-28", None), default=str), encoding="utf-8")
    argv = ["explain", "--weekday-fallback", "--as-of", "9999-12-31", str(path), RULE]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "outcome: pending" in out
    assert "last day in time = a day past 9999-12-31" in out


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero (POSIX)")
def test_watch_reads_no_line_past_the_limit() -> None:
    """D9 in `watch`: a line was read whole, so `/dev/zero` grew until memory ran out. A line
    past the limit stops the watch (E502, exit 2), in a process of its own."""
    run = subprocess.run(
        [sys.executable, "-m", "egovrules", "watch", "--city", "wuhan", "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 2 and "/dev/zero:1:1: error[E502]" in run.stderr
