"""The command line as CI and people use it: exit codes, outputs, help, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from egovrules.cli import main
from egovrules.engine.exitcodes import ExitCode
from tests.conftest import FIXTURES

MINI = str(FIXTURES / "packs" / "mini.yaml")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_exit_codes_are_stable() -> None:
    """0 compliant, 1 violations, 2 error: CI pipelines depend on these numbers."""
    assert (ExitCode.OK, ExitCode.VIOLATIONS, ExitCode.ERROR) == (0, 1, 2)


def test_check_compliant_and_violating(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A compliant subject exits 0; one with a late filing exits 1 and names the rule."""
    ok = _write(
        tmp_path, "ok.yaml", "kind: website\nid: a\nsecurity_systems: [info_security_mgmt]\n"
    )
    late = _write(
        tmp_path,
        "late.yaml",
        "kind: website\nid: b\nhas_interactive_columns: true\n"
        "network_access_date: 2026-03-01\nsecurity_systems: [info_security_mgmt]\n",
    )
    assert main(["check", "--city", MINI, "--as-of", "2026-03-22", str(ok)]) == 0
    assert main(["check", "--city", MINI, "--as-of", "2026-03-22", str(ok), str(late)]) == 1
    out = capsys.readouterr().out
    assert "mini.website.police_filing" in out and "第二条" in out
    assert "2 subject(s) checked, 1 compliant, 1 violation(s)" in out


def test_json_output_is_documented_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON carries the subject, pack hash, as-of date and each violation's citation."""
    late = _write(
        tmp_path,
        "late.yaml",
        "kind: website\nid: b\nhas_interactive_columns: true\n"
        "network_access_date: 2026-03-01\nsecurity_systems: [info_security_mgmt]\n",
    )
    assert (
        main(["check", "--city", MINI, "--as-of", "2026-03-22", "--format", "json", str(late)]) == 1
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == 1
    (report,) = doc["reports"]
    assert report["subject"] == {"id": "b", "kind": "website", "source": str(late)}
    assert report["as_of"] == "2026-03-22"
    assert len(report["pack"]["sha256"]) == 64
    (v,) = report["violations"]
    assert v["rule_id"] == "mini.website.police_filing"
    assert v["citation"]["article"] == 2 and v["citation"]["paragraph"] == 2
    assert v["citation"]["quote"] == "必须在网络接入之日起15日内到市公安部门备案"
    assert report["outcomes"]["mini.website.security_system"] == "satisfied"


def test_pending_deadline_is_upcoming_not_violation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before the deadline passes the subject is compliant and the filing is upcoming."""
    site = _write(
        tmp_path,
        "s.yaml",
        "kind: website\nid: b\nhas_interactive_columns: true\n"
        "network_access_date: 2026-03-01\nsecurity_systems: [info_security_mgmt]\n",
    )
    assert (
        main(["check", "--city", MINI, "--as-of", "2026-03-10", "--format", "json", str(site)]) == 0
    )
    (up,) = json.loads(capsys.readouterr().out)["reports"][0]["upcoming"]
    assert (up["due"], up["days_left"]) == ("2026-03-16", 6)


@pytest.mark.parametrize(
    ("text", "code", "where"),
    [
        ("kind: website\nid: a\npolice_filing: {date: 2026-13-01}\n", "E007", ":3:"),
        ("kind: website\nid: a\nhas_interactive_colums: true\n", "E300", ":3:1:"),
        ("kind: website\nid: a\nnetwork_access_date: yesterday\n", "E300", ":3:22:"),
        ("kind: spaceship\nid: a\n", "E303", ":1:7:"),
        ("id: a\n", "E302", ":1:1:"),
        ("- a\n- b\n", "E301", ":1:3:"),
    ],
)
def test_bad_subject_is_positioned_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, code: str, where: str
) -> None:
    """A bad subject file gets file:line:col, a code, exit 2, and no traceback."""
    path = _write(tmp_path, "bad.yaml", text)
    assert main(["check", "--city", MINI, str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}{where}" in err and f"error[{code}]" in err
    assert "Traceback" not in err
    if code == "E302":  # the command line's own way to name the kind
        assert "add a 'kind' field or pass --kind" in err


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # "missing key 'id' in id" named the key where the record holding it belongs
        ("kind: website\nname: x\n", "E300]: missing key 'id'\n"),
        (
            "kind: website\nid: a\nonline_services:\n  - basis: true\n",
            "E300]: missing key 'item' in online_services.0\n",
        ),
    ],
)
def test_a_missing_key_is_said_missing_from_the_record_that_holds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    path = _write(tmp_path, "missing.yaml", text)
    assert main(["check", "--city", "wuhan", "--as-of", "2026-03-22", str(path)]) == 2
    assert said in capsys.readouterr().err


def test_unknown_city_is_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown pack id lists the bundled packs."""
    path = _write(tmp_path, "s.yaml", "kind: website\nid: a\n")
    assert main(["check", "--city", "atlantis", str(path)]) == 2
    assert "no bundled pack 'atlantis'; available: " in capsys.readouterr().err


def test_kind_flag_fills_a_missing_kind(tmp_path: Path) -> None:
    """--kind applies to files without a kind field."""
    path = _write(tmp_path, "s.yaml", "id: a\nsecurity_systems: [info_security_mgmt]\n")
    assert main(["check", "--city", MINI, "--kind", "website", str(path)]) == 0


def test_reading_subjects_does_not_modify_them(tmp_path: Path) -> None:
    """Checked files are byte-identical afterwards."""
    path = _write(tmp_path, "s.yaml", "kind: website\nid: a\n")
    before = path.read_bytes()
    main(["check", "--city", MINI, str(path)])
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "command", [[], ["check"], ["test"], ["schema"], ["packs"], ["lint"], ["coverage"], ["docs"]]
)
def test_help_for_every_command(command: list[str]) -> None:
    """Every command has --help, exiting 0."""
    proc = subprocess.run(
        [sys.executable, "-m", "egovrules", *command, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: egovrules")


def test_version() -> None:
    """--version prints the package version."""
    import egovrules

    proc = subprocess.run(
        [sys.executable, "-m", "egovrules", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stdout.strip() == f"egovrules {egovrules.__version__}"


@pytest.mark.parametrize("kind", ["project", "website", "network", "department"])
def test_schema_for_each_kind(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    """egovrules schema KIND prints a JSON Schema that forbids unknown keys."""
    assert main(["schema", kind]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["properties"]["kind"]["const"] == kind


def test_pack_tests_command(capsys: pytest.CaptureFixture[str]) -> None:
    """egovrules test runs a pack's cases and exits 0 when all pass."""
    assert main(["test", MINI]) == 0
    assert "7 passed, 0 failed" in capsys.readouterr().out


def test_bad_usage_exits_2() -> None:
    """argparse errors exit 2 too."""
    with pytest.raises(SystemExit) as info:
        main(["check", "--format", "xml", "x.yaml"])
    assert info.value.code == 2


def test_lang_zh_shows_chinese_messages_and_quotes(capsys: pytest.CaptureFixture[str]) -> None:
    """--lang zh prints the Chinese message and the Chinese quote of each citation."""
    from tests.conftest import ROOT

    site = ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml"
    assert (
        main(["check", "--city", "wuhan", "--as-of", "2026-03-22", "--lang", "zh", str(site)]) == 1
    )
    out = capsys.readouterr().out
    assert "网络接入于2026-03-01" in out
    assert (
        "「发布党和政府重要信息以及设立交互式栏目的网站,必须在网络接入之日起15日内到市公安部门备案。」"
        in out
    )
    assert "1 项违规" in out


def test_lang_zh_markdown_names_the_city_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """The zh Markdown table's city column is the pack's Chinese name of the city (武汉), not
    its English one; the English table keeps ``Wuhan``."""
    from tests.conftest import ROOT

    site = ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml"
    args = ["check", "--city", "wuhan", "--as-of", "2026-03-22", "--format", "markdown"]
    assert main([*args, "--lang", "zh", str(site)]) == 1
    # the kind of subject is named in Chinese too (网站)
    row = next(line for line in capsys.readouterr().out.splitlines() if "| 网站 |" in line)
    assert "| 武汉 |" in row and "Wuhan" not in row
    assert main([*args, "--lang", "en", str(site)]) == 1
    row = next(line for line in capsys.readouterr().out.splitlines() if "| website |" in line)
    assert "| Wuhan |" in row


def test_lang_zh_markdown_marks_the_gloss_as_a_translation_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Wuhan's quotes are the source text; their English glosses are marked as translations,
    in the reader's language: 译文 in the zh Markdown, never the English word."""
    from tests.conftest import ROOT

    site = ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml"
    args = ["check", "--city", "wuhan", "--as-of", "2026-03-22", "--format", "markdown"]
    assert main([*args, "--lang", "zh", str(site)]) == 1
    out = capsys.readouterr().out
    assert "translation:" not in out
    assert "> 译文:“" in out
