"""--baseline / --write-baseline: only new violations are reported, a violation being the same
subject breaking the same rule on the same facts; line numbers and the passing of time do not
make it new, a changed fact does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from egovrules.cli import main
from tests.conftest import ROOT

LATE = ROOT / "examples/wuhan/website-late-police-filing.yaml"
EGRESS = ROOT / "examples/wuhan/network-egress-no-filing.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """compliance/ with the late website; a baseline written of it as of 2026-03-22."""
    (tmp_path / "compliance").mkdir()
    shutil.copy(LATE, tmp_path / "compliance" / "late.yaml")
    monkeypatch.chdir(tmp_path)
    assert (
        main(["check", "--as-of", "2026-03-22", "compliance/", "--write-baseline", "b.json"]) == 1
    )
    return tmp_path


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object], str]:
    code = main(["check", "--format", "json", "--baseline", "b.json", *args, "compliance/"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out else {}, err


def _violations(doc: dict[str, object]) -> list[str]:
    return [v["rule_id"] for r in doc["reports"] for v in r["violations"]]  # type: ignore[attr-defined]


def test_the_baseline_holds_back_known_violations(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The written baseline is a JSON report whose violations carry fingerprints; checked
    against it, the same files report nothing and pass; a new file's violation is reported
    and fails."""
    (written,) = json.loads((repo / "b.json").read_text(encoding="utf-8"))["reports"]
    assert len(written["violations"][0]["fingerprint"]) == 32
    capsys.readouterr()
    code, doc, _ = _check(capsys, "--as-of", "2026-03-22")
    assert (code, _violations(doc)) == (0, [])
    shutil.copy(EGRESS, repo / "compliance" / "egress.yaml")
    code, doc, _ = _check(capsys, "--as-of", "2026-03-22")
    assert (code, _violations(doc)) == (1, ["wuhan.network.separate_egress_filing"])


def test_moved_lines_and_passing_days_keep_a_violation_known(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Lines added above the field, and a later as-of date (more days elapsed, more days late:
    facts of the clock, not of the subject), keep the violation the baseline's."""
    late = repo / "compliance" / "late.yaml"
    late.write_text("# reviewed\n# by the bureau\n" + late.read_text(encoding="utf-8"), "utf-8")
    assert _check(capsys, "--as-of", "2026-03-22")[0] == 0
    assert _check(capsys, "--as-of", "2026-04-30")[0] == 0


def test_a_changed_deciding_fact_makes_a_violation_new(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An earlier network access date is another violation of the same rule: it decides the
    last day (第十五条: "必须在网络接入之日起15日内到市公安部门备案"), so it is reported."""
    late = repo / "compliance" / "late.yaml"
    text = late.read_text(encoding="utf-8")
    late.write_text(
        text.replace("network_access_date: 2026-03-01", "network_access_date: 2026-02-20"), "utf-8"
    )
    code, doc, _ = _check(capsys, "--as-of", "2026-03-22")
    assert (code, _violations(doc)) == (1, ["wuhan.website.police_filing_15_days"])


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ('{"reports": 3}\n', "b.json:1:1", "no 'reports' list"),
        (
            '{"reports": [{"violations": [{"rule_id": "x"}]}]}\n',
            "b.json:1:30",
            "without a 'fingerprint'",
        ),
        ("{oops\n", "b.json:1:", "error[E0"),
    ],
)
def test_a_file_that_is_no_baseline_is_an_input_error(
    repo: Path, capsys: pytest.CaptureFixture[str], text: str, where: str, message: str
) -> None:
    """Not a report, a report of an older egovrules (no fingerprints), not JSON: exit 2, the
    position, nothing judged."""
    (repo / "b.json").write_text(text, encoding="utf-8")
    capsys.readouterr()
    code, doc, err = _check(capsys, "--as-of", "2026-03-22")
    assert (code, doc) == (2, {})
    assert err.startswith(where) and message in err and "Traceback" not in err


def test_fingerprints_are_made_only_when_asked(repo: Path) -> None:
    """A trace per violation is the cost of a fingerprint: a run that neither reads nor writes
    a baseline (RunOptions' default, check without --baseline/--write-baseline) makes none."""
    import datetime as dt

    from egovrules.engine.run import RunOptions, run_check

    day = dt.date(2026, 3, 22)
    (with_,) = run_check(["compliance/"], RunOptions(as_of=day, fingerprints=True)).checked
    (without,) = run_check(["compliance/"], RunOptions(as_of=day)).checked
    assert [rid for rid, _ in with_.fingerprints] == ["wuhan.website.police_filing_15_days"]
    assert without.fingerprints == () and without.report == with_.report


def test_the_baseline_from_python(repo: Path) -> None:
    """read_baseline and apply_baseline, as the CLI uses them: the known violation goes, the
    report is compliant again, nothing else of it changes."""
    import datetime as dt

    from egovrules.engine.baseline import apply_baseline, read_baseline
    from egovrules.engine.run import RunOptions, run_check

    known = read_baseline(repo / "b.json")
    result = run_check(["compliance/"], RunOptions(as_of=dt.date(2026, 3, 22), fingerprints=True))
    ((before, after),) = zip(result.checked, apply_baseline(result.checked, known), strict=True)
    assert not before.report.compliant and after.report.compliant
    assert after.report.violations == () and after.report.rule_ids == before.report.rule_ids
