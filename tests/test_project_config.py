"""The project config (.egovrules.yaml, [tool.egovrules] in pyproject.toml), --exclude,
--output, and files without a subject kind: configured once, overridden by flags, every
mistake in the config at its line and column."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from egovrules.cli import main
from tests.conftest import ROOT

LATE = ROOT / "examples/wuhan/website-late-police-filing.yaml"  # a police filing 6 days late
GOOD = ROOT / "examples/wuhan/website-compliant.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository: compliance/ with a late website and a compliant one, drafts/ with another
    late one, a CI workflow and a pre-commit config (YAML without a subject kind)."""
    (tmp_path / ".git").mkdir()  # the config search stops at the repository root
    compliance = tmp_path / "compliance"
    (compliance / "drafts").mkdir(parents=True)
    shutil.copy(LATE, compliance / "late.yaml")
    shutil.copy(GOOD, compliance / "good.yaml")
    shutil.copy(LATE, compliance / "drafts" / "draft.yaml")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/ci.yml").write_text("on: [push]\njobs: {}\n", encoding="utf-8")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


CONFIG = """\
city: wuhan
as-of: 2026-03-22
fail-on: error
lang: en
include: [compliance/]
exclude: ["drafts/*"]
output:
  sarif: reports/egovrules.sarif
  junit: reports/egovrules-junit.xml
"""


def test_the_config_gives_inputs_gates_and_outputs(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With .egovrules.yaml, a bare `egovrules check` checks the included folder without the
    excluded drafts, as of the configured date, and writes the configured outputs."""
    _write(repo / ".egovrules.yaml", CONFIG)
    code, out, err = _run(capsys, "check", "--format", "json")
    assert (code, err) == (1, "")  # the late filing is an error, and fail-on is error
    doc = json.loads(out)
    sources = [r["subject"]["source"] for r in doc["reports"]]
    assert sources == ["compliance/good.yaml", "compliance/late.yaml"]
    assert {r["as_of"] for r in doc["reports"]} == {"2026-03-22"}
    sarif = json.loads((repo / "reports/egovrules.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == [
        "wuhan.website.police_filing_15_days"
    ]
    assert (repo / "reports/egovrules-junit.xml").read_text(encoding="utf-8").startswith("<?xml")


def test_flags_override_the_config(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A flag beats the config: --fail-on never passes, files named replace include,
    --as-of moves the date (on 2026-03-10 the filing is still due: no violation)."""
    _write(repo / ".egovrules.yaml", CONFIG)
    assert _run(capsys, "check", "--fail-on", "never")[0] == 0
    code, out, _ = _run(capsys, "check", "--format", "json", "compliance/good.yaml")
    assert code == 0 and len(json.loads(out)["reports"]) == 1
    code, out, _ = _run(capsys, "check", "--as-of", "2026-03-10", "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["upcoming"] == 1
    assert (
        _run(capsys, "check", "--no-config", "compliance/late.yaml", "--as-of", "2026-03-22")[0]
        == 1
    )


def test_pyproject_table_is_the_same_config(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """[tool.egovrules] in pyproject.toml, found from a subfolder: paths are the config's."""
    _write(
        repo / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.egovrules]\ncity = "wuhan"\nas-of = 2026-03-22\n'
        'include = ["compliance/"]\nexclude = ["drafts/*"]\n\n'
        '[tool.egovrules.output]\nmarkdown = "egovrules.md"\n',
    )
    code, out, _ = _run(capsys, "check", "--format", "json", "--lang", "en")
    assert code == 1 and json.loads(out)["summary"]["subjects"] == 2
    assert (repo / "egovrules.md").read_text(encoding="utf-8").startswith("## ❌ egovrules")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("city: wuhan\nfail_on: error\n", ("2:1", "unknown key 'fail_on'", "fail-on")),
        ("fail-on: sometimes\n", ("1:10", "fail-on: Input should be", None)),
        ("output: {pdf: a.pdf}\n", ("1:9", "'pdf' is not an output format", None)),
        ("- city\n", ("1:1", "must be a mapping", None)),
    ],
)
def test_a_bad_config_is_an_error_at_its_position(
    repo: Path, capsys: pytest.CaptureFixture[str], text: str, expected: tuple[str, str, str | None]
) -> None:
    """An unknown key (with the nearest known one as a hint), a bad value, an unknown output
    format, a config that is not a mapping: exit 2, file:line:col, code E901, no traceback."""
    where, message, hint = expected
    _write(repo / ".egovrules.yaml", text)
    code, out, err = _run(capsys, "check", "compliance/good.yaml")
    assert (code, out) == (2, "")
    assert err.startswith(f".egovrules.yaml:{where}: error[E901]: ") and message in err
    assert "Traceback" not in err
    if hint:
        assert f"hint: did you mean '{hint}'?" in err


def test_a_bad_pyproject_table_is_positioned_at_the_key(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In pyproject.toml the unknown key is found on its line of [tool.egovrules]."""
    _write(repo / "pyproject.toml", '[tool.egovrules]\ncity = "wuhan"\n  exclud = ["x"]\n')
    code, _, err = _run(capsys, "check", "compliance/good.yaml")
    assert code == 2
    assert err.startswith("pyproject.toml:3:3: error[E901]: unknown key 'exclud'")
    assert "did you mean 'exclude'?" in err
    _write(repo / "pyproject.toml", "[tool.egovrules]\ncity = \n")
    code, _, err = _run(capsys, "check", "compliance/good.yaml")
    assert code == 2 and err.startswith("pyproject.toml:2:8: error[E900]: not valid TOML")


@pytest.mark.parametrize("name", ["nope.toml", "nope.yaml"])
def test_a_config_that_cannot_be_read_is_an_input_error(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """--config naming a missing file: E000 with the file, exit 2, never a traceback."""
    code, out, err = _run(capsys, "check", "--config", name, "compliance/good.yaml")
    assert (code, out) == (2, "") and err.startswith(f"{name}:1:1: error[E000]: cannot read")


def test_two_configs_in_one_folder_are_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both .egovrules.yaml and [tool.egovrules] beside it: which wins would be a guess."""
    _write(repo / ".egovrules.yaml", "city: wuhan\n")
    _write(repo / "pyproject.toml", "[tool.egovrules]\ncity = 'wuhan'\n")
    code, _, err = _run(capsys, "check", "compliance/good.yaml")
    assert code == 2 and "two project configs" in err


def test_exclude_on_the_command_line(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--exclude leaves out a folder (a trailing part of the path) or a file pattern."""
    base = ["check", "--as-of", "2026-03-22", "--format", "json", "compliance/"]
    sources = lambda out: [r["subject"]["source"] for r in json.loads(out)["reports"]]  # noqa: E731
    assert len(sources(_run(capsys, *base)[1])) == 3
    assert sources(_run(capsys, *base, "--exclude", "drafts/*")[1]) == [
        "compliance/good.yaml",
        "compliance/late.yaml",
    ]
    assert sources(_run(capsys, *base, "--exclude", "late.yaml", "--exclude", "draft*")[1]) == [
        "compliance/good.yaml"
    ]


def test_exclude_and_kindless_files_from_python(repo: Path) -> None:
    """The same from the library: RunOptions.exclude and skip_without_kind, and the matching
    rule of engine.inputs.excluded (the path or a trailing part of it; `*` crosses `/`)."""
    import datetime as dt

    from egovrules.engine.inputs import excluded
    from egovrules.engine.run import RunOptions, run_check

    assert excluded("compliance/drafts/a.yaml", ["drafts/*"])
    assert excluded("./compliance/a.json", ["*.json"])
    assert not excluded("compliance/drafts.yaml", ["drafts/*"])
    assert not excluded("-", ["*"])  # standard input is never left out
    options = RunOptions(as_of=dt.date(2026, 3, 22), exclude=("drafts/*",))
    result = run_check(["."], options)
    assert sorted(c.source or "" for c in result.checked) == [
        "compliance/good.yaml",
        "compliance/late.yaml",
    ]
    assert sorted(result.skipped) == [".github/workflows/ci.yml", ".pre-commit-config.yaml"]
    named = run_check([".pre-commit-config.yaml"], options)
    assert [f.code for f in named.failures] == ["E302"]
    kindless = RunOptions(skip_without_kind=True)
    assert run_check([".pre-commit-config.yaml"], kindless).failures == []


def test_files_without_a_kind_are_skipped_from_a_walk_and_an_error_when_named(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A directory walk over the whole repository skips the workflow and the pre-commit
    config (they have no 'kind'); named one by one they are E302, unless
    --skip-without-kind, which the pre-commit hook passes."""
    args = ["check", "--as-of", "2026-03-22", "--format", "json", "--exclude", "drafts/*"]
    code, out, err = _run(capsys, *args, ".")
    assert (code, err) == (1, "") and json.loads(out)["summary"]["subjects"] == 2
    code, _, err = _run(capsys, *args, ".pre-commit-config.yaml")
    assert code == 2 and ".pre-commit-config.yaml:1:1: error[E302]" in err
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entry = hook["entry"].split()[1:]
    code, out, err = _run(
        capsys,
        *entry,
        ".pre-commit-config.yaml",
        ".github/workflows/ci.yml",
        "compliance/good.yaml",
    )
    assert (code, err) == (0, "")
    code, _, err = _run(capsys, *entry, "--kind", "website", ".pre-commit-config.yaml")
    assert code == 2 and "E300" in err  # with --kind every file is a subject


def test_output_writes_several_formats_in_one_run(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--output FORMAT=FILE (repeatable) beside the text on stdout; a bad spec is a usage
    error naming the nearest format."""
    code, out, _ = _run(
        capsys,
        "check",
        "--as-of",
        "2026-03-22",
        "compliance/late.yaml",
        "--output",
        "sarif=out/egovrules.sarif",
        "--output",
        "github=out/annotations.txt",
    )
    assert code == 1 and "police_filing_15_days" in out
    assert json.loads((repo / "out/egovrules.sarif").read_text(encoding="utf-8"))["version"] == (
        "2.1.0"
    )
    assert "\n::error file=compliance/late.yaml," in (repo / "out/annotations.txt").read_text(
        encoding="utf-8"
    )
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--output", "sarf=x.sarif", "compliance/late.yaml"])
    assert exit_.value.code == 2
    assert "unknown format 'sarf'" in capsys.readouterr().err


def test_an_output_that_cannot_be_written_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--output or --write-baseline onto a folder: exit 2 naming the file, not a traceback."""
    (repo / "adir").mkdir()
    for flag in (["--output", "sarif=adir"], ["--write-baseline", "adir"]):
        code, _, err = _run(capsys, "check", *flag, "compliance/good.yaml")
        assert code == 2 and err.startswith("adir: cannot write the report: Is a directory")


def test_no_input_and_no_include_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`egovrules check` with nothing named and no include says what to do."""
    code, out, err = _run(capsys, "check")
    assert (code, out) == (2, "") and "no input" in err and "include" in err


@pytest.mark.parametrize(
    ("files", "why"),
    [
        ({"pyproject.toml": '[ tool.egovrules ]\nfail-on = "never"\n'}, "spaced header"),
        ({"pyproject.toml": '[tool."egovrules"]\nfail-on = "never"\n'}, "quoted key"),
        ({"pyproject.toml": '[tool]\negovrules = { fail-on = "never" }\n'}, "inline table"),
        # Words in a string that look like the header were taken for a second config.
        (
            {
                ".egovrules.yaml": "fail-on: never\n",
                "pyproject.toml": 'description = """\n[tool.egovrules] is elsewhere\n"""\n',
            },
            "header in a string",
        ),
    ],
)
def test_the_pyproject_table_is_read_as_toml(
    repo: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], why: str
) -> None:
    """A text search for "[tool.egovrules]" passed over the first three (the late site then
    exited 1) and refused the last as two configs (exit 2): the config says fail-on never."""
    for name, text in files.items():
        _write(repo / name, text)
    code, _, err = _run(capsys, "check", "--as-of", "2026-03-22", "compliance/late.yaml")
    assert (code, err) == (0, ""), why


def test_a_toml_config_without_the_table_is_an_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--config naming a TOML file with no [tool.egovrules] ran with no settings at all."""
    _write(repo / "other.toml", "[tool.black]\nline-length = 100\n")
    code, out, err = _run(capsys, "check", "--config", "other.toml", "compliance/good.yaml")
    assert (code, out) == (2, "")
    assert err.startswith("other.toml:1:1: error[E901]: no [tool.egovrules] table")
