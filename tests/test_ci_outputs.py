"""egovrules check as CI runs it: many inputs, every output format against reviewed golden
files, SARIF validated against the OASIS schema, gates, waivers, stdin, explanations.

Goldens live in tests/golden/; after a deliberate change run
``pytest tests/test_ci_outputs.py --update-goldens`` and review the diff with ``git diff``.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from egovrules.cli import main
from tests.conftest import ROOT, SHARED

# OASIS's SARIF 2.1.0 schema (errata01), as shared/schemas holds it: kept in the repository so
# the suite runs on a clone alone (a test checks the copy against shared/ where it is there).
SARIF_SCHEMA = ROOT / "tests" / "fixtures" / "schemas" / "sarif-schema-2.1.0.json"

GOLDEN = ROOT / "tests" / "golden"
INPUTS = [
    "tests/fixtures/ci",
    "examples/wuhan/website-late-police-filing.yaml",
    "examples/wuhan/project-operated-before-acceptance.yaml",
]
BASE = ["check", "--as-of", "2026-03-22", "--lang", "en"]
SUFFIX = {
    "text": "txt",
    "json": "json",
    "sarif": "sarif",
    "junit": "xml",
    "github": "github",
    "markdown": "md",
    "gitlab": "gitlab.json",
}


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, so outputs carry stable relative paths."""
    monkeypatch.chdir(ROOT)
    return ROOT


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_golden_output(
    fmt: str, in_root: Path, capsys: pytest.CaptureFixture[str], update_goldens: bool
) -> None:
    """Each format's output is byte for byte the reviewed golden file."""
    code, out, err = _run(capsys, *BASE, "--format", fmt, *INPUTS)
    assert (code, err) == (1, "")
    golden = GOLDEN / f"check.{SUFFIX[fmt]}"
    if update_goldens:
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_goldens_do_not_name_the_installed_holiday_calendar() -> None:
    """The goldens' inputs are Wuhan's, whose rules count no working days: every report's
    ``pack.calendar`` is null. A golden that named the chinese-calendar release (a Shantou
    input) would fail on a fresh install that resolves the next release: such an input needs
    the release replaced by a placeholder before the comparison."""
    for golden in sorted(GOLDEN.iterdir()):
        assert "chinese-calendar" not in golden.read_text(encoding="utf-8"), golden.name


@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_library_renders_the_goldens(fmt: str, in_root: Path) -> None:
    """``egovrules.report.render.render``, called without the CLI, gives the same bytes; its
    table lists the formats in --format's order."""
    import datetime as dt

    from egovrules.engine.run import RunOptions, run_check
    from egovrules.report.render import RENDERERS, render

    assert tuple(RENDERERS) == tuple(SUFFIX)
    result = run_check(INPUTS, RunOptions(as_of=dt.date(2026, 3, 22)))
    rules = {r.id: r for pack in result.packs.values() for r in pack.rules}
    out = render(fmt, result.checked, rules, "en")
    assert out == (GOLDEN / f"check.{SUFFIX[fmt]}").read_text(encoding="utf-8")


def test_sarif_validates_and_points_at_the_offending_line(
    in_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The SARIF log validates against the official 2.1.0 schema; each result is located at
    the line of the field the rule is about; waived findings are suppressed results."""
    _, out, _ = _run(capsys, *BASE, "--format", "sarif", *INPUTS)
    log = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    original = SHARED / "schemas" / SARIF_SCHEMA.name
    if original.exists():
        assert SARIF_SCHEMA.read_bytes() == original.read_bytes()
    jsonschema.validate(log, schema)
    (run,) = log["runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert "第十五条" in rules["wuhan.website.police_filing_15_days"]["help"]["text"]
    by_file = {
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]): r
        for r in run["results"]
    }
    late = by_file[
        ("examples/wuhan/website-late-police-filing.yaml", "wuhan.website.police_filing_15_days")
    ]
    lines = (ROOT / "examples/wuhan/website-late-police-filing.yaml").read_text().splitlines()
    line = late["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert lines[line - 1].startswith("police_filing")
    operated = by_file[
        (
            "examples/wuhan/project-operated-before-acceptance.yaml",
            "wuhan.project.no_use_without_acceptance",
        )
    ]
    text = (ROOT / "examples/wuhan/project-operated-before-acceptance.yaml").read_text()
    line = operated["locations"][0]["physicalLocation"]["region"]["startLine"]
    block = next(i for i, x in enumerate(text.splitlines(), 1) if x.startswith("acceptance:"))
    assert block < line <= block + 6  # a field of the acceptance record
    waived = [r for r in run["results"] if r.get("suppressions")]
    assert len(waived) == 1 and "moved offices" in waived[0]["suppressions"][0]["justification"]


def test_junit_one_case_per_subject_and_rule(
    in_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JUnit has one test case per subject × rule; violations are failures with the article."""
    _, out, _ = _run(capsys, *BASE, "--format", "junit", *INPUTS)
    root = ET.fromstring(out)
    suites = root.findall("testsuite")
    assert len(suites) == 6
    import egovrules

    website_rules = sum(1 for r in egovrules.load_pack("wuhan").rules if r.subject == "website")
    suite = next(s for s in suites if s.get("name") == "website wuhan-site-hyq")
    assert len(suite.findall("testcase")) == website_rules
    (failure,) = suite.iter("failure")
    assert "第十五条" in (failure.text or "")
    assert root.get("failures") == "5"  # 4 violations and 1 expired waiver


def test_github_annotations(in_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Workflow commands carry file, line and a title naming the rule and article."""
    _, out, _ = _run(capsys, *BASE, "--format", "github", *INPUTS)
    line = next(x for x in out.splitlines() if "wuhan-site-hyq" in x)
    assert line.startswith("::error file=examples/wuhan/website-late-police-filing.yaml,line=")
    assert "title=wuhan.website.police_filing_15_days (Wuhan 第十五条 (art. 15)%2C para. 2)" in line


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ([], 1),
        (["--fail-on", "never"], 0),
        (["--fail-on", "error"], 1),  # the police filing rule is an error
        (["--only", "website.*", "--fail-on", "error"], 1),
        (["--skip", "wuhan.website.police_filing_15_days", "--skip", "*acceptance*"], 1),
    ],
)
def test_gates(
    in_root: Path, capsys: pytest.CaptureFixture[str], extra: list[str], code: int
) -> None:
    """--fail-on, --only and --skip decide the exit code."""
    assert _run(capsys, *BASE, *extra, *INPUTS)[0] == code


def test_only_and_skip_filter_findings(in_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--only keeps the matching rules; --skip drops them; a warning alone fails only at
    --fail-on warning."""
    _, out, _ = _run(capsys, *BASE, "--format", "json", "--only", "*.department.*", *INPUTS)
    rules = {v["rule_id"] for r in json.loads(out)["reports"] for v in r["violations"]}
    assert rules == {"wuhan.department.staff_training"}
    args = [*BASE, "--only", "*.department.*", *INPUTS]
    assert _run(capsys, *args, "--fail-on", "error")[0] == 0
    assert _run(capsys, *args, "--fail-on", "warning")[0] == 1


def test_mixed_good_and_bad_files(
    in_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad file is reported with its position and the others are still checked; the exit
    code is 2."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: website\nid: x\npolice_filing: {date: yesterday}\n", encoding="utf-8")
    code, out, err = _run(capsys, *BASE, "--format", "json", str(bad), *INPUTS)
    assert code == 2
    assert f"{bad}:3:" in err and "error[E300]" in err and "Traceback" not in err
    assert json.loads(out)["summary"]["subjects"] == 6


@pytest.fixture
def broken_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with one good subject and one whose date has month 13 (line 39, column 22),
    the run made from inside it so that paths are relative."""
    good = (ROOT / "examples/wuhan/website-late-police-filing.yaml").read_text(encoding="utf-8")
    (tmp_path / "good.yaml").write_text(good, encoding="utf-8")
    broken = good.replace("network_access_date: 2026-03-01", "network_access_date: 2026-13-01")
    (tmp_path / "broken.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_broken_input_is_a_sarif_notification_at_its_position(
    broken_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SARIF: the invocation did not succeed, and the broken file is a notification located
    at its line and column; the log still validates, and the good file's result is there."""
    code, out, _ = _run(capsys, *BASE, "--format", "sarif", ".")
    assert code == 2
    log = json.loads(out)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    (run,) = log["runs"]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["descriptor"] == {"id": "E007"}
    physical = note["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "broken.yaml"
    assert physical["region"] == {"startLine": 39, "startColumn": 22}
    assert [r["ruleId"] for r in run["results"]] == ["wuhan.website.police_filing_15_days"]
    _, clean, _ = _run(capsys, *BASE, "--format", "sarif", "good.yaml")
    assert json.loads(clean)["runs"][0]["invocations"] == [
        {"executionSuccessful": True, "toolExecutionNotifications": []}
    ]


def test_broken_input_is_a_junit_error_case(
    broken_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JUnit: a suite of input errors, one test case per problem carrying an <error> typed
    with the code; the totals count it."""
    _, out, _ = _run(capsys, *BASE, "--format", "junit", ".")
    root = ET.fromstring(out)
    suite = root.find("testsuite[@name='input errors']")
    assert suite is not None and suite.get("errors") == "1"
    (case,) = suite.findall("testcase")
    assert (case.get("file"), case.get("line")) == ("broken.yaml", "39")
    (error,) = case.findall("error")
    assert error.get("type") == "E007" and "month must be in 1..12" in (error.text or "")
    assert root.get("errors") == "1" and root.get("failures") == "1"


def test_broken_input_is_a_github_annotation_and_json_and_markdown(
    broken_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitHub: an ::error annotation at file, line and column; JSON: the errors array and its
    count in the summary; Markdown: a table of the inputs that could not be checked."""
    _, out, _ = _run(capsys, *BASE, "--format", "github", ".")
    assert out.splitlines()[0] == (
        "::error file=broken.yaml,line=39,col=22,title=egovrules E007::"
        "invalid timestamp value: month must be in 1..12"
    )
    _, out, _ = _run(capsys, *BASE, "--format", "json", ".")
    doc = json.loads(out)
    assert doc["errors"] == [
        {
            "code": "E007",
            "message": "invalid timestamp value: month must be in 1..12",
            "file": "broken.yaml",
            "line": 39,
            "column": 22,
            "hint": None,
        }
    ]
    assert doc["summary"]["errors"] == 1 and doc["summary"]["subjects"] == 1
    _, out, _ = _run(capsys, *BASE, "--format", "markdown", ".")
    assert out.startswith("## ❌ egovrules: 1 subject(s), 1 not compliant, 1 violation(s), 1 input")
    assert "| `broken.yaml:39:22` | `E007` | invalid timestamp value" in out
    _, out, err = _run(capsys, *BASE, "--format", "text", ".")
    assert out.rstrip().endswith("1 input error(s) (listed on stderr)")
    assert "broken.yaml:39:22: error[E007]" in err


def test_broken_input_is_a_gitlab_blocker(
    broken_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitLab Code Quality: the broken file is a blocker issue at its line, before the good
    file's violation, whose fingerprint does not depend on the line (an edit above it keeps
    the issue the same one)."""
    _, out, _ = _run(capsys, *BASE, "--format", "gitlab", ".")
    broken, late = json.loads(out)
    assert (broken["check_name"], broken["severity"]) == ("E007", "blocker")
    assert broken["location"] == {"path": "broken.yaml", "lines": {"begin": 39}}
    assert late["location"] == {"path": "good.yaml", "lines": {"begin": 40}}
    good = (broken_run / "good.yaml").read_text(encoding="utf-8")
    (broken_run / "good.yaml").write_text("# a comment line\n" + good, encoding="utf-8")
    _, out, _ = _run(capsys, *BASE, "--format", "gitlab", "good.yaml")
    (moved,) = json.loads(out)
    assert moved["location"]["lines"] == {"begin": 41}
    assert moved["fingerprint"] == late["fingerprint"]


@pytest.mark.parametrize("fmt", ["gitlab", "github", "sarif"])
def test_a_file_named_by_another_path_is_the_same_file_in_ci_reports(
    fmt: str, in_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitLab matches an issue across pipelines by its fingerprint, and wants its path
    relative to the repository without ``./``; GitHub annotates the file named relative to
    the workspace; SARIF names it relative to the working directory. A file named
    ``examples/...``, ``./examples/...`` or by its absolute path (a job passing
    ``$CI_PROJECT_DIR/...``) gave GitLab three paths and three fingerprints (every issue new
    in the pipeline that spelled it otherwise) and GitHub three ``file=``: one file, one
    report."""
    name = "examples/wuhan/website-late-police-filing.yaml"
    outs = []
    for spelled in (name, f"./{name}", str(ROOT / name)):
        code, out, err = _run(capsys, *BASE, "--format", fmt, spelled)
        assert (code, err) == (1, "")
        outs.append(out)
    assert outs[1] == outs[0] and outs[2] == outs[0]
    assert name in outs[0] and f"./{name}" not in outs[0] and str(ROOT) not in outs[0]


def test_library_renders_failures_with_their_codes(broken_run: Path) -> None:
    """From Python: ``RunResult.failures`` gives each problem as data, and ``render`` shows
    them; a subject without a city (E304) and a bug (internal) keep their own codes."""
    import datetime as dt

    from egovrules.engine.run import RunOptions, run_check
    from egovrules.report.failures import InputFailure, failures_of
    from egovrules.report.render import render
    from egovrules.source.errors import InternalError

    (broken_run / "nocity.yaml").write_text("kind: website\nid: w\n", encoding="utf-8")
    result = run_check(["."], RunOptions(as_of=dt.date(2026, 3, 22)))
    assert [(f.code, f.file, f.line) for f in result.failures] == [
        ("E007", "broken.yaml", 39),
        ("E304", "nocity.yaml", 1),
    ]
    rules = {r.id: r for pack in result.packs.values() for r in pack.rules}
    sarif = json.loads(render("sarif", result.checked, rules, "en", result.failures[1:]))
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["E304"]
    (bug,) = failures_of([InternalError("subjects.yaml:12", RuntimeError("boom"))])
    assert bug == InputFailure("internal", bug.message, "subjects.yaml", 12)
    assert bug.internal and "RuntimeError: boom" in bug.message


def test_stdin_input() -> None:
    """'-' reads a subject (YAML, JSON or JSON Lines) from standard input."""
    text = (ROOT / "tests/fixtures/ci/departments.jsonl").read_text(encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "egovrules",
            "check",
            "--as-of",
            "2026-03-22",
            "--format",
            "json",
            "-",
        ],
        input=text,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LANG": "C.UTF-8"},
    )
    assert proc.returncode == 1, proc.stderr
    sources = [r["subject"]["source"] for r in json.loads(proc.stdout)["reports"]]
    assert sources == ["<stdin>:1", "<stdin>:2"]


def test_glob_and_directory_inputs(in_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Directories are searched recursively; globs are expanded; each file once."""
    _, out, _ = _run(
        capsys, *BASE, "--format", "json", "examples/wuhan", "examples/wuhan/*-compliant.yaml"
    )
    assert json.loads(out)["summary"]["subjects"] == len(list((ROOT / "examples/wuhan").glob("*")))


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    """Piped output gets no progress bar; a terminal gets rich's: files done of all and the
    subjects checked of those read (a JSON Lines file of many rows is one file), each with its
    percentage, rate and time left."""
    import datetime as dt
    import re

    from egovrules.cli.terminal import progress_bar
    from egovrules.engine.run import ROWS_EVERY, RunOptions, run_check

    assert progress_bar(io.StringIO()) is None

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    site = (ROOT / "tests/fixtures/ci/departments.jsonl").read_text(encoding="utf-8")
    line = site.splitlines()[0]
    rows = tmp_path / "rows.jsonl"
    rows.write_text("\n".join([line] * (ROWS_EVERY + 10)) + "\n", encoding="utf-8")
    tty = Tty()
    bar = progress_bar(tty)
    assert bar is not None
    seen: list[tuple[int, int]] = []

    def rows_seen(done: int, total: int) -> None:
        seen.append((done, total))
        bar.rows(done, total)

    run_check([str(rows)], RunOptions(as_of=dt.date(2026, 3, 22)), bar.files, rows_seen)
    assert seen == [(ROWS_EVERY, ROWS_EVERY + 10), (ROWS_EVERY + 10, ROWS_EVERY + 10)]
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", tty.getvalue())
    assert re.search(r"1/1 +files +100%", drawn)
    assert re.search(
        rf"{ROWS_EVERY + 10}/{ROWS_EVERY + 10} subjects +100% +[0-9.]+ subjects/s", drawn
    )


def test_explain_command(in_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """explain prints each sub-condition with its actual values and the article."""
    code, out, _ = _run(
        capsys,
        "explain",
        "--as-of",
        "2026-03-22",
        "examples/wuhan/website-late-police-filing.yaml",
        "wuhan.website.police_filing_15_days",
    )
    assert code == 0
    assert "Wuhan 第十五条 (art. 15), para. 2" in out
    assert "✓ has_interactive_columns = true" in out
    assert "last day in time = 2026-03-16" in out and "days late = 6" in out
    assert "outcome: violated" in out


def test_explain_shows_one_day_late_and_none_as_numbers(
    in_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """第十五条 ¶2 (网络接入之日起15日内): the site went online 2026-03-01, its last day 2026-03-16.
    On the 17th the filing is 1 day late, on the 16th 0: the trace printed "days late = true"
    and "days late = false" (1 == True and 0 == False as keys of a dict)."""
    file = "examples/wuhan/website-late-police-filing.yaml"
    rule = "wuhan.website.police_filing_15_days"
    code, out, _ = _run(capsys, "explain", "--as-of", "2026-03-17", file, rule)
    assert code == 0 and "days late = 1\n" in out and "days elapsed = 16\n" in out
    code, out, _ = _run(capsys, "explain", "--as-of", "2026-03-16", file, rule)
    assert code == 0 and "days late = 0\n" in out and "outcome: pending" in out


def test_check_explain_adds_traces_to_json(
    in_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--explain puts the evaluation trace beside each finding."""
    _, out, _ = _run(
        capsys,
        *BASE,
        "--format",
        "json",
        "--explain",
        "examples/wuhan/website-late-police-filing.yaml",
    )
    (v,) = json.loads(out)["reports"][0]["violations"]
    assert v["explanation"]["outcome"] == "violated"
    assert v["explanation"]["requires"]["values"]["days late"] == 6


def test_explain_unknown_rule_is_usage_error(
    in_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt rule gets a did-you-mean and exit 2."""
    code, _, err = _run(
        capsys,
        "explain",
        "examples/wuhan/website-late-police-filing.yaml",
        "wuhan.website.police_filing_15_day",
    )
    assert code == 2 and "did you mean 'wuhan.website.police_filing_15_days'?" in err


def test_pre_commit_hook_declared() -> None:
    """.pre-commit-hooks.yaml declares the check hook on subject files."""
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "egovrules-check" and hook["entry"].startswith("egovrules check")
