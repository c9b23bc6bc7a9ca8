"""A waivers file (--waivers, the config's waivers): each entry waives a rule for the
subjects whose id it matches, exactly as a waiver in the subject file does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from egovrules.cli import main
from tests.conftest import ROOT

LATE = ROOT / "examples/wuhan/website-late-police-filing.yaml"  # wuhan-site-hyq, 6 days late


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """compliance/late.yaml and a waivers file for its website, until 2026-03-31."""
    (tmp_path / "compliance").mkdir()
    shutil.copy(LATE, tmp_path / "compliance" / "late.yaml")
    (tmp_path / "waivers.yaml").write_text(
        "- subject: wuhan-site-*\n"
        "  rule: website.police_filing\n"
        "  reason: the district bureau suspended filings while it moved offices\n"
        "  expires: 2026-03-31\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["check", "--format", "json", *args, "compliance/"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out else {}


def test_a_waiver_of_the_file_holds_through_its_last_day(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On 2026-03-31, the waiver's expires (its last day), the late filing is waived and the
    run passes; on 2026-04-01 the violation is back and the waiver is reported expired."""
    code, doc = _json(capsys, "--waivers", "waivers.yaml", "--as-of", "2026-03-31")
    (report,) = doc["reports"]  # type: ignore[index]
    assert code == 0 and report["violations"] == []
    assert [w["waiver"]["reason"] for w in report["waived"]] == [
        "the district bureau suspended filings while it moved offices"
    ]
    code, doc = _json(capsys, "--waivers", "waivers.yaml", "--as-of", "2026-04-01")
    (report,) = doc["reports"]  # type: ignore[index]
    assert code == 1 and [w["expires"] for w in report["expired_waivers"]] == ["2026-03-31"]


def test_the_config_names_the_waivers_file_and_only_matching_ids_get_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`waivers:` in .egovrules.yaml; an entry for another subject id waives nothing."""
    (repo / ".egovrules.yaml").write_text("waivers: waivers.yaml\n", encoding="utf-8")
    assert _json(capsys, "--as-of", "2026-03-22")[0] == 0
    text = (repo / "waivers.yaml").read_text(encoding="utf-8")
    (repo / "waivers.yaml").write_text(text.replace("wuhan-site-*", "other-*"), encoding="utf-8")
    assert _json(capsys, "--as-of", "2026-03-22")[0] == 1


def test_a_bad_waivers_file_is_an_error_at_its_position(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A waiver without a reason, or with a key the format has not: E920 at the line."""
    (repo / "waivers.yaml").write_text(
        "- subject: x\n  rule: r\n  reason: ''\n  expires: 2026-03-31\n  expiry: 2026-04-01\n",
        encoding="utf-8",
    )
    code = main(["check", "--waivers", "waivers.yaml", "compliance/"])
    err = capsys.readouterr().err
    assert code == 2
    assert "waivers.yaml:3:11: error[E920]" in err and "waivers.yaml:5:3: error[E920]" in err


def _waive_in_file(repo: Path, expires: str = "2026-03-31") -> None:
    """compliance/late.yaml waives its own late filing."""
    late = repo / "compliance" / "late.yaml"
    late.write_text(
        late.read_text(encoding="utf-8")
        + "waivers:\n"
        + "  - rule: website.police_filing\n"
        + "    reason: we say so ourselves\n"
        + f"    expires: {expires}\n",
        encoding="utf-8",
    )


def test_no_inline_waivers_leaves_a_file_unable_to_waive_its_own_violation(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A waiver written in the checked file waives its violation (exit 0); with
    --no-inline-waivers it is ignored: the violation stands and fails the run (exit 1)."""
    _waive_in_file(repo)
    code, doc = _json(capsys, "--as-of", "2026-03-22")
    (report,) = doc["reports"]  # type: ignore[index]
    assert code == 0 and report["violations"] == [] and len(report["waived"]) == 1
    code, doc = _json(capsys, "--no-inline-waivers", "--as-of", "2026-03-22")
    (report,) = doc["reports"]  # type: ignore[index]
    assert code == 1 and report["waived"] == []
    assert [v["rule_id"] for v in report["violations"]] == ["wuhan.website.police_filing_15_days"]


def test_no_inline_waivers_keeps_the_waivers_file_and_drops_an_expired_inline_waiver(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The waivers file's entry still waives (exit 0), and an expired waiver written in the
    file, ignored, is no error (an expired waiver fails a run, exit 1, when read)."""
    _waive_in_file(repo, expires="2026-03-01")
    assert _json(capsys, "--waivers", "waivers.yaml", "--as-of", "2026-03-22")[0] == 1
    code, doc = _json(
        capsys, "--no-inline-waivers", "--waivers", "waivers.yaml", "--as-of", "2026-03-22"
    )
    (report,) = doc["reports"]  # type: ignore[index]
    assert code == 0 and report["expired_waivers"] == [] and len(report["waived"]) == 1


def test_the_config_turns_inline_waivers_off(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`inline-waivers: false` in .egovrules.yaml is --no-inline-waivers; `true` is the default."""
    _waive_in_file(repo)
    (repo / ".egovrules.yaml").write_text("inline-waivers: true\n", encoding="utf-8")
    assert _json(capsys, "--as-of", "2026-03-22")[0] == 0
    (repo / ".egovrules.yaml").write_text("inline-waivers: false\n", encoding="utf-8")
    assert _json(capsys, "--as-of", "2026-03-22")[0] == 1


def test_sarif_tells_a_waiver_of_the_file_from_one_of_the_waivers_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SARIF 2.1.0 §3.35.3: a suppression is "inSource" when written in the checked file and
    "external" when kept elsewhere (the waivers file's; all were "inSource")."""

    def kinds(*args: str) -> list[str]:
        main(["check", "--format", "sarif", "--as-of", "2026-03-22", *args, "compliance/"])
        results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
        return [s["kind"] for r in results for s in r.get("suppressions", [])]

    assert kinds("--waivers", "waivers.yaml") == ["external"]
    _waive_in_file(repo)
    assert kinds() == ["inSource"]


def test_a_second_subject_with_a_waived_id_is_an_error_not_waived(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A waivers file names subjects by id, and so does a baseline: a change under review
    that added another website under the waived id (wuhan-site-hyq, with its own name and
    address, as late) had its late filing waived too, and the run passed with inline waivers
    off. Two subjects of one kind are never one id in a run: the second is E307 at its id."""
    text = LATE.read_text(encoding="utf-8").replace("www.hanyang.gov.cn", "new.example.gov.cn")
    (repo / "compliance" / "new.yaml").write_text(text, encoding="utf-8")
    args = ["--waivers", "waivers.yaml", "--no-inline-waivers", "--as-of", "2026-03-22"]
    code, doc = _json(capsys, *args)
    assert code == 2
    assert [r["subject"]["id"] for r in doc["reports"]] == ["wuhan-site-hyq"]  # type: ignore[index]
    (error,) = doc["errors"]  # type: ignore[misc]
    assert (error["code"], error["file"], error["line"], error["column"]) == (
        "E307",
        "compliance/new.yaml",
        9,
        5,
    )
    assert error["message"] == (
        "another website of this run has the id 'wuhan-site-hyq' (compliance/late.yaml): "
        "a waiver or a baseline naming it would cover both"
    )


def _expired_at(fmt: str, out: str) -> list[tuple[str, int]]:
    """Where an output format places each expired waiver: (file, line)."""
    if fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        return [
            (loc["artifactLocation"]["uri"], loc["region"]["startLine"])
            for r in results
            if r["ruleId"] == "egovrules.waiver.expired"
            for loc in [r["locations"][0]["physicalLocation"]]
        ]
    if fmt == "gitlab":
        return [
            (i["location"]["path"], i["location"]["lines"]["begin"])
            for i in json.loads(out)
            if i["check_name"] == "egovrules.waiver.expired"
        ]
    found = []
    for line in out.splitlines():
        if "title=expired waiver" in line:
            props = dict(p.split("=", 1) for p in line.split("::")[1].split(" ", 1)[1].split(","))
            found.append((props["file"], int(props["line"])))
    return found


@pytest.mark.parametrize("fmt", ["sarif", "github", "gitlab"])
def test_an_expired_entry_of_the_waivers_file_is_placed_at_that_entry(
    fmt: str, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An expired waiver is renewed or removed where it is written: an entry of the waivers
    file is placed at that entry (its line in waivers.yaml), not at the subject's file, which
    has nothing to change; a waiver written in the subject's file, at its entry there."""
    (repo / "waivers.yaml").write_text(
        "- subject: other-*\n"
        "  rule: website.police_filing\n"
        "  reason: another site\n"
        "  expires: 2030-12-31\n"
        "- subject: wuhan-site-*\n"
        "  rule: website.police_filing\n"
        "  reason: the district bureau suspended filings while it moved offices\n"
        "  expires: 2026-03-01\n",
        encoding="utf-8",
    )
    _waive_in_file(repo, expires="2026-03-02")
    late = repo / "compliance" / "late.yaml"
    inline = late.read_text(encoding="utf-8").splitlines().index("  - rule: website.police_filing")
    args = ["check", "--format", fmt, "--as-of", "2026-03-22", "--waivers", "waivers.yaml"]
    assert main([*args, "compliance/"]) == 1
    out = capsys.readouterr().out
    assert _expired_at(fmt, out) == [
        ("compliance/late.yaml", inline + 1),
        ("waivers.yaml", 5),
    ]
    if fmt == "gitlab":  # two issues, renewed in two places: two fingerprints (they were one)
        expired = [i for i in json.loads(out) if i["check_name"] == "egovrules.waiver.expired"]
        assert len({i["fingerprint"] for i in expired}) == 2
