"""A parameter's history over a pack file's revisions (egovrules.diffing.history) and its table
(egovrules.diffing.render.history), on a throw-away git repository with two revisions of the
Wuhan pack; outside a git checkout, a typed "no history", never a traceback."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from egovrules.diffing.history import NoHistory, ParameterHistory, parameter_history
from egovrules.diffing.render.history import history_table
from egovrules.packdata.bundled import bundled_dir
from egovrules.source.errors import UsageError


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose wuhan.yaml has two revisions: police filing 15 days, then 10."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    text = (bundled_dir() / "wuhan.yaml").read_text(encoding="utf-8")
    # Wuhan 第十五条 ¶2: "网络接入之日起15日内到市公安部门备案".
    assert "police_filing_days:\n    value: 15\n" in text
    (root / "wuhan.yaml").write_text(text, encoding="utf-8")
    _git(root, "add", "wuhan.yaml")
    _git(root, "commit", "-q", "-m", "first: 15 days")
    amended = text.replace(
        "police_filing_days:\n    value: 15\n", "police_filing_days:\n    value: 10\n"
    )
    (root / "wuhan.yaml").write_text(amended, encoding="utf-8")
    _git(root, "commit", "-q", "-am", "second: 10 days")
    return root / "wuhan.yaml"


def test_each_revision_holds_its_value_oldest_first(repo: Path) -> None:
    h = parameter_history(str(repo), "police_filing_days")
    assert isinstance(h, ParameterHistory)
    assert [r.value for r in h.revisions] == ["15", "10"]
    assert [r.subject for r in h.revisions] == ["first: 15 days", "second: 10 days"]
    assert {r.unit for r in h.revisions} == {"calendar_days"}
    assert all(isinstance(r.date, dt.date) and len(r.revision) == 40 for r in h.revisions)
    assert h.changes() == h.revisions
    # A parameter the revisions leave alone does not change.
    same = parameter_history(str(repo), "police_filing_authority")
    assert isinstance(same, ParameterHistory)
    assert len(same.revisions) == 2 and len(same.changes()) == 1


def test_a_revision_bounds_the_log_and_revisions_can_be_named(repo: Path) -> None:
    older = parameter_history(f"{repo}@HEAD~1", "police_filing_days")
    assert isinstance(older, ParameterHistory)
    assert [r.value for r in older.revisions] == ["15"]
    assert "<caption>History of police_filing_days in wuhan.yaml, up to HEAD~1</caption>" in (
        history_table(older, "en")
    )
    named = parameter_history(str(repo), "police_filing_days", ["HEAD", "HEAD~1"])
    assert isinstance(named, ParameterHistory)
    assert [r.value for r in named.revisions] == ["10", "15"]
    limited = parameter_history(str(repo), "police_filing_days", limit=1)
    assert isinstance(limited, ParameterHistory)
    assert [r.value for r in limited.revisions] == ["10"]


def test_an_absent_parameter_has_no_value_and_says_why(repo: Path) -> None:
    h = parameter_history(str(repo), "no_such_parameter")
    assert isinstance(h, ParameterHistory)
    assert [(r.value, r.absent) for r in h.revisions] == [(None, "no such parameter")] * 2


def test_an_unknown_revision_is_a_usage_error(repo: Path) -> None:
    with pytest.raises(UsageError, match="does not know the revision 'v9'"):
        parameter_history(str(repo), "police_filing_days", ["v9"])
    with pytest.raises(UsageError, match="cannot start with '-'"):
        parameter_history(str(repo), "police_filing_days", ["--all"])


def test_outside_a_git_checkout_there_is_no_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    plain = tmp_path / "installed" / "wuhan.yaml"
    plain.parent.mkdir()
    shutil.copy(bundled_dir() / "wuhan.yaml", plain)
    h = parameter_history(str(plain), "police_filing_days")
    assert isinstance(h, NoHistory)
    assert "not in a git checkout" in h.reason
    html = history_table(h, "en")
    assert html.startswith('<p class="no-history">') and "not in a git checkout" in html


def test_the_table_marks_the_change_in_both_languages(repo: Path) -> None:
    h = parameter_history(str(repo), "police_filing_days")
    assert isinstance(h, ParameterHistory)
    en = history_table(h, "en")
    assert en.count('<tr class="changed">') == 1
    assert '10 calendar_days <strong class="changed">changed</strong>' in en
    assert "<caption>History of police_filing_days in wuhan.yaml</caption>" in en
    zh = history_table(h, "zh")
    assert "修订历史" in zh and "已变更" in zh and 'scope="col">取值<' in zh
    only = history_table(
        parameter_history(str(repo), "police_filing_authority"), "en", changes_only=True
    )
    assert only.count("<tr") == 2  # the header and the one revision


def test_a_diff_with_pictures_has_timelines_and_histories() -> None:
    """The HTML diff's pictures: a concept with a deadline gets its timeline and its
    parameter's history on the side that names it; a pack given as an object has no file to
    read a history from, and says so; without pictures neither is computed."""
    import egovrules

    concepts = ["website.police_filing"]
    named = egovrules.diff("wuhan", "shantou", witnesses=False, pictures=True, concepts=concepts)
    c = named.concept("website.police_filing")
    assert c.timeline is not None and c.timeline.name == "website.police_filing"
    assert [h.parameter for h in c.histories] == ["police_filing_days"]
    assert [p.label for p in c.timeline.packs] == ["wuhan", "shantou"]
    objects = egovrules.diff(
        egovrules.load_pack("wuhan"),
        egovrules.load_pack("shantou"),
        witnesses=False,
        pictures=True,
        concepts=concepts,
    )
    (h,) = objects.concept("website.police_filing").histories
    assert isinstance(h, NoHistory) and "given as an object" in h.reason
    plain = egovrules.diff("wuhan", "shantou", witnesses=False, concepts=concepts)
    assert plain.concept("website.police_filing").timeline is None
    assert plain.concept("website.police_filing").histories == ()


def test_a_file_git_does_not_track_has_no_history(repo: Path) -> None:
    copy = repo.parent / "draft.yaml"
    shutil.copy(repo, copy)
    h = parameter_history(str(copy), "police_filing_days")
    assert isinstance(h, NoHistory) and "git has no commit of draft.yaml" in h.reason


def test_an_amended_parameter_a_broken_file_and_a_deleted_one(repo: Path) -> None:
    """Three more revisions: the parameter amended with dated values (docs/pack-format.md),
    the file no YAML at all, then the file deleted: each says what it holds."""
    text = repo.read_text(encoding="utf-8")
    amended = text.replace(
        "police_filing_days:\n    value: 10\n",
        "police_filing_days:\n    values:\n      - {from: 2004-08-01, value: 15}\n"
        "      - {from: 2020-01-01, value: 10}\n",
    )
    assert amended != text
    repo.write_text(amended, encoding="utf-8")
    _git(repo.parent, "commit", "-q", "-am", "third: amended")
    repo.write_text("parameters: [unclosed\n", encoding="utf-8")
    _git(repo.parent, "commit", "-q", "-am", "fourth: broken")
    _git(repo.parent, "rm", "-q", "wuhan.yaml")
    _git(repo.parent, "commit", "-q", "-m", "fifth: deleted")
    h = parameter_history(str(repo), "police_filing_days", ["HEAD~2", "HEAD~1", "HEAD"])
    assert isinstance(h, ParameterHistory)
    assert [(r.subject, r.value, r.absent) for r in h.revisions] == [
        ("third: amended", "from 2004-08-01: 15; from 2020-01-01: 10", None),
        ("fourth: broken", None, "not a pack file"),
        ("fifth: deleted", None, "no pack file"),
    ]
    # With no revisions given, git log lists the deletion too (newest 20 commits of the path).
    logged = parameter_history(str(repo), "police_filing_days")
    assert isinstance(logged, ParameterHistory) and len(logged.revisions) == 5
