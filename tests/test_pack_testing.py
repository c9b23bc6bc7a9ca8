"""The packs' own test suites (``tests:`` of a pack, ``egovrules test``) when they fail: a case
that cannot run is a positioned error; a case whose outcome differs, and a rule no case
violates or satisfies, fail the run with exit status 1 and say which.

Each case edits the ``tests:`` section of the valid mini pack (docs/pack-format.md, `tests`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import egovrules
from egovrules.authoring.testing import run_pack_tests, uncovered_rules
from egovrules.cli import main
from tests.conftest import FIXTURES

MINI = (FIXTURES / "packs" / "mini.yaml").read_text(encoding="utf-8")
FIRST_CASE = "    - {name: compliant site, subject: site, as_of: 2024-06-01, violations: []}\n"


def _mini(tmp_path: Path, old: str, new: str) -> Path:
    assert MINI.count(old) == 1
    path = tmp_path / "mini.yaml"
    path.write_text(MINI.replace(old, new), encoding="utf-8")
    return path


def _line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if fragment in line)


def _only_diagnostic(path: Path) -> tuple[str, str, str | None, tuple[int, int] | None]:
    """The one error running the pack's cases raises: code, message, hint, (line, col)."""
    with pytest.raises(egovrules.PackError) as info:
        run_pack_tests(egovrules.load_pack(path))
    (d,) = info.value.diagnostics
    return d.code, d.message, d.hint, (d.span.line, d.span.col) if d.span else None


CANNOT_RUN = {
    "unknown fixture": (
        "    - {name: no such fixture, subject: sight, as_of: 2024-06-01, violations: []}\n",
        "E400",
        "unknown fixture 'sight'",
    ),
    "set through a scalar": (
        "    - {name: bad path, subject: site, set: {network_access_date.day: 1},"
        " as_of: 2024-06-01, violations: []}\n",
        "E401",
        "cannot set 'network_access_date.day'",
    ),
    "remove a field the subject does not have": (
        "    - {name: removes nothing, subject: site, set: {has_interactiv_columns: null},"
        " as_of: 2024-06-01, violations: []}\n",
        "E401",
        "unknown field 'has_interactiv_columns'",
    ),
    "set a field the subject does not have": (
        "    - {name: sets nothing, subject: site, set: {police_filing.dat: 2024-03-20},"
        " as_of: 2024-06-01, violations: []}\n",
        "E401",
        "unknown field 'police_filing.dat'",
    ),
    "unknown rule id": (
        "    - {name: bad id, subject: site, as_of: 2024-06-01,"
        " violations: [mini.website.polce_filing]}\n",
        "E402",
        "unknown rule id 'mini.website.polce_filing'",
    ),
    "set makes the subject invalid": (
        "    - {name: bad value, subject: site, set: {has_interactive_columns: often},"
        " as_of: 2024-06-01, violations: []}\n",
        "E403",
        "the case's subject is invalid",
    ),
}


@pytest.mark.parametrize("case", CANNOT_RUN, ids=list(CANNOT_RUN))
def test_a_case_that_cannot_run_is_a_positioned_error(case: str, tmp_path: Path) -> None:
    """run_pack_tests raises PackError with the case's code on the case's line."""
    new, code, fragment = CANNOT_RUN[case]
    path = _mini(tmp_path, FIRST_CASE, new)
    pack = egovrules.load_pack(path)
    with pytest.raises(egovrules.PackError) as info:
        run_pack_tests(pack)
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.code == code
    assert fragment in diagnostic.message
    assert diagnostic.span is not None
    assert diagnostic.span.line == _line_of(path, new.strip()[:30])


def test_an_unknown_set_path_is_reported_at_its_key(tmp_path: Path) -> None:
    """A ``set:`` path the subject model does not have is E401 at the path itself, with the
    nearest known path: removing it (``null``) would otherwise change nothing and the case
    would pass whatever it meant to test."""
    new = (
        "    - {name: no filing, subject: site, set: {police_filing.dat: null},"
        " as_of: 2024-06-01, violations: []}\n"
    )
    path = _mini(tmp_path, FIRST_CASE, new)
    code, message, hint, where = _only_diagnostic(path)
    assert (code, message) == ("E401", "unknown field 'police_filing.dat' in Website")
    assert hint == "did you mean 'police_filing.date'?"
    assert where == (_line_of(path, "no filing"), new.index("police_filing.dat") + 1)


INDEX_NOT_IN_A_LIST = {
    "an index into a record": (
        "police_filing.0.date",
        "cannot set 'police_filing.0.date': 'police_filing' is a record, not a list",
        "did you mean 'police_filing.date'?",
    ),
    "an index ending the path of a record": (
        "police_filing.0",
        "cannot set 'police_filing.0': 'police_filing' is a record, not a list",
        None,
    ),
    "an index into a date": (
        "network_access_date.0",
        "cannot set 'network_access_date.0': 'network_access_date' is a date, not a list",
        None,
    ),
    "a list's field without an index": (
        "online_services.item",
        "cannot set 'online_services.item': 'online_services' is a list, it has no fields",
        None,
    ),
    "an index past the list's end": (  # the path is the model's; the fixture's list is short
        "security_systems.1",
        "cannot set 'security_systems.1' in the fixture",
        None,
    ),
}


@pytest.mark.parametrize("case", INDEX_NOT_IN_A_LIST, ids=list(INDEX_NOT_IN_A_LIST))
def test_an_index_where_there_is_no_list_is_an_unknown_path(case: str, tmp_path: Path) -> None:
    """A digit step of a ``set:`` path indexes a list; after a record (or a scalar) the path is
    not one of the subject model: E401 at the path itself, as a misspelt field is, not E403
    (the subject the case built is invalid) at the case's first column. A path the fixture
    cannot take is E401 at the path too, not at its value."""
    dotted, message, hint = INDEX_NOT_IN_A_LIST[case]
    new = (
        f"    - {{name: no list here, subject: site, set: {{{dotted}: 2024-03-20}},"
        " as_of: 2024-06-01, violations: []}\n"
    )
    path = _mini(tmp_path, FIRST_CASE, new)
    assert _only_diagnostic(path) == (
        "E401",
        message,
        hint,
        (_line_of(path, "no list here"), new.index(dotted) + 1),
    )


def test_an_index_into_a_list_of_records_steps_into_the_item(tmp_path: Path) -> None:
    """A digit step after a list (of records, or of values) is the item there: the case runs."""
    new = (
        "    - {name: items, subject: site, set: {online_services: [{item: a}],"
        " online_services.0.online_acceptance: true, security_systems.0: info_security_mgmt},"
        " as_of: 2024-06-01, violations: []}\n"
    )
    results = run_pack_tests(egovrules.load_pack(_mini(tmp_path, FIRST_CASE, new)))
    assert all(r.passed for r in results)


def test_an_invalid_set_value_is_reported_at_the_value(tmp_path: Path) -> None:
    """A ``set:`` value the subject model refuses is E403 at that value (its line and
    column), not at the first line of a case written over several lines."""
    new = (
        "    - name: bad value\n"
        "      subject: site\n"
        "      set:\n"
        "        police_filing.date: 2024-03-19\n"
        "        has_interactive_columns: often\n"
        "      as_of: 2024-06-01\n"
        "      violations: []\n"
    )
    path = _mini(tmp_path, FIRST_CASE, new)
    code, message, _, where = _only_diagnostic(path)
    assert code == "E403"
    assert message.endswith("at has_interactive_columns")
    assert where == (_line_of(path, ": often"), 34)


def test_an_invalid_fixture_is_reported_at_its_key(tmp_path: Path) -> None:
    """A fixture with an unknown key fails with E403 at the key itself (line and column); the
    cases that change that fixture report, at their own line, that their subject is invalid."""
    path = _mini(
        tmp_path,
        "proj: {kind: project, id: p1,",
        "proj: {kind: project, id: p1, budgett: 1,",
    )
    pack = egovrules.load_pack(path)
    with pytest.raises(egovrules.PackError) as info:
        run_pack_tests(pack)
    first, *cases = info.value.diagnostics
    line = _line_of(path, "budgett")
    column = path.read_text(encoding="utf-8").splitlines()[line - 1].index("budgett") + 1
    assert (first.code, first.message) == ("E403", "unknown key 'budgett'")
    assert first.span is not None and (first.span.line, first.span.col) == (line, column)
    assert [d.span.line for d in cases if d.span] == [
        _line_of(path, "name: 10.01 percent"),
        _line_of(path, "name: re-approved"),
    ]
    assert all(d.code == "E403" and "budgett" in d.message for d in cases)


def test_a_case_with_the_wrong_outcome_fails_and_says_how(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Day 16 is late (第二条 ¶2 of the mini text: 15 days); a case claiming no violation fails
    with the violation it missed, and `egovrules test` exits 1."""
    late = (
        "    - {name: day 16 is late, subject: site, set: {police_filing.date: 2024-03-20},"
        " as_of: 2024-06-01,\n       violations: [mini.website.police_filing]}\n"
    )
    wrong = late.replace("violations: [mini.website.police_filing]", "violations: []")
    path = _mini(tmp_path, late, wrong)
    results = run_pack_tests(egovrules.load_pack(path))
    failed = [r for r in results if not r.passed]
    assert [(r.case.name, r.unexpected, r.missing) for r in failed] == [
        ("day 16 is late", ("mini.website.police_filing",), ())
    ]
    assert main(["test", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL mini: day 16 is late\n  unexpected violations: mini.website.police_filing\n" in out
    assert out.rstrip().endswith("1 failed")


def test_pending_and_undetermined_are_compared_when_given(tmp_path: Path) -> None:
    """A case that states pending must have exactly those pending rules."""
    case = (
        "    - {name: not yet due, subject: site, set: {police_filing: null}, as_of: 2024-03-19,\n"
        "       violations: [], pending: [mini.website.police_filing]}\n"
    )
    path = _mini(
        tmp_path, case, case.replace("pending: [mini.website.police_filing]", "pending: []")
    )
    results = run_pack_tests(egovrules.load_pack(path))
    (failed,) = [r for r in results if not r.passed]
    assert failed.pending_unexpected == ("mini.website.police_filing",)
    path = _mini(
        tmp_path, case, case.replace("]}", "], undetermined: [mini.website.police_filing]}")
    )
    results = run_pack_tests(egovrules.load_pack(path))
    (failed,) = [r for r in results if not r.passed]
    assert failed.undetermined_missing == ("mini.website.police_filing",)


def test_a_rule_no_case_violates_fails_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every rule must be violated by some case and satisfied by some case."""
    overdue = (
        "    - {name: overdue, subject: site, set: {police_filing: null, security_systems: []},"
        " as_of: 2024-03-20,\n"
        "       violations: [mini.website.police_filing, mini.website.security_system]}\n"
    )
    path = _mini(tmp_path, overdue, "")
    pack = egovrules.load_pack(path)
    gaps = uncovered_rules(pack, run_pack_tests(pack))
    assert gaps == {"never_violated": ["mini.website.security_system"], "never_satisfied": []}
    assert main(["test", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL mini: rule mini.website.security_system is never violated by any case" in out
