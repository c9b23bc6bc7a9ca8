"""Conditions that docs/pack-format.md does not allow: each is a load error with its stable code,
at the line of the offending condition, and the other errors of the file are still reported.

Each case replaces one line of the valid mini pack (the police rule's ``when`` or its
``deadline``) with a condition the language forbids, and names the code it must produce.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import egovrules
from tests.conftest import FIXTURES

MINI = (FIXTURES / "packs" / "mini.yaml").read_text(encoding="utf-8")
WHEN = "    when: {field: has_interactive_columns, eq: true}\n"
DEADLINE = (
    "      deadline: {start: network_access_date, done: police_filing.date, "
    "within: $police_filing_days}\n"
)

# (line replaced, replacement, the one code expected, a fragment of the message)
CASES: dict[str, tuple[str, str, str, str]] = {
    "condition not a mapping": (WHEN, "    when: [1, 2]\n", "E210", "must be a mapping"),
    "empty all": (WHEN, "    when: {all: []}\n", "E211", "non-empty list"),
    "every without require": (
        WHEN,
        "    when: {every: incidents, where: {present: reported_at}}\n",
        "E212",
        "'every' needs 'require'",
    ),
    "deadline inside when": (
        WHEN,
        "    when: {all: [{deadline: {due: network_access_date, done: network_access_date}}]}\n",
        "E213",
        "only be the whole of a rule's 'requires'",
    ),
    "extra key beside not": (
        WHEN,
        "    when: {not: {present: url}, also: 1}\n",
        "E214",
        "unexpected key 'also'",
    ),
    "misspelt operator": (
        WHEN,
        "    when: {field: has_interactive_columns, equals: true}\n",
        "E215",
        "unknown condition key 'equals'",
    ),
    "comparison without operator": (
        WHEN,
        "    when: {field: has_interactive_columns}\n",
        "E216",
        "exactly one operator",
    ),
    "in without a list": (
        WHEN,
        "    when: {field: owner_type, in: district_government}\n",
        "E217",
        "'in' takes a list",
    ),
    "in with a computed value": (
        WHEN,
        "    when: {field: network_access_date, in: [{add_days: [network_access_date, 1]}]}\n",
        "E218",
        "literal values or parameters",
    ),
    "contains on a boolean": (
        WHEN,
        "    when: {field: has_interactive_columns, contains: true}\n",
        "E219",
        "needs a set or list",
    ),
    "some over a string": (
        WHEN,
        "    when: {some: url, where: {present: reported_at}}\n",
        "E220",
        "needs a list of records",
    ),
    "ordering against null": (
        WHEN,
        "    when: {field: network_access_date, lt: null}\n",
        "E221",
        "only 'eq' and 'ne' compare with null",
    ),
    "boolean compared with a number": (
        WHEN,
        "    when: {field: has_interactive_columns, eq: 3}\n",
        "E223",
        "cannot compare a bool with an int",
    ),
    "field path not a name": (
        WHEN,
        "    when: {field: 3, eq: true}\n",
        "E201",
        "a field path must be a dotted name",
    ),
    "unknown @ reference": (
        WHEN,
        "    when: {value: '@today', eq: 1}\n",
        "E205",
        "unknown reference '@today'",
    ),
    "unknown expression": (
        WHEN,
        "    when: {value: {plus: [1, 2]}, eq: 3}\n",
        "E206",
        "unknown expression 'plus'",
    ),
    "len of a string": (WHEN, "    when: {value: {len: url}, gt: 1}\n", "E207", "'len' needs"),
    "binary operator with one operand": (
        WHEN,
        "    when: {value: {add: [1]}, eq: 1}\n",
        "E208",
        "a list of two operands",
    ),
    "arithmetic on a string": (
        WHEN,
        "    when: {value: {add: [url, 1]}, eq: 1}\n",
        "E209",
        "'add' needs numbers",
    ),
    "arithmetic on a date compared with a date": (
        WHEN,
        "    when: {field: network_access_date, gt: {add: [network_access_date, 1]}}\n",
        "E209",
        "'add' needs numbers, operand 1 is a date",
    ),
    "working days counted with a calendar-days parameter": (
        WHEN,
        "    when: {value: {add_working_days: [network_access_date, $police_filing_days]},"
        " eq: 2024-01-01}\n",
        "E235",
        "counts working days",
    ),
    "deadline not a mapping": (DEADLINE, "      deadline: 3\n", "E230", "takes a mapping"),
    "deadline without done": (
        DEADLINE,
        "      deadline: {start: network_access_date, within: $police_filing_days}\n",
        "E231",
        "'deadline' needs 'done'",
    ),
    "deadline start not a date": (
        DEADLINE,
        "      deadline: {start: has_interactive_columns, done: police_filing.date, within: 15}\n",
        "E232",
        "deadline 'start' must be a date",
    ),
    "deadline within an approver": (
        DEADLINE,
        "      deadline: {start: network_access_date, done: police_filing.date, within: $police}\n",
        "E233",
        "needs a calendar_days or working_days parameter",
    ),
    "earliest without among": (
        WHEN,
        "    when: {value: {earliest: {of: detected_at}}, le: '@as_of'}\n",
        "E236",
        "takes a mapping {of: <date path>, among: <list>",
    ),
    "earliest of a text": (
        WHEN,
        "    when: {value: {earliest: {of: kind, among: incidents}}, le: '@as_of'}\n",
        "E237",
        "'of' must be a date or date-time, not a str",
    ),
    "latest among a string": (
        WHEN,
        "    when: {value: {latest: {of: date, among: url}}, le: '@as_of'}\n",
        "E220",
        "'latest' needs a list of records",
    ),
    "earliest with a stray key": (
        WHEN,
        "    when: {present: {earliest: {of: detected_at, among: incidents, when: x}}}\n",
        "E214",
        "unexpected key 'when'",
    ),
    "deadline within text": (
        DEADLINE,
        "      deadline: {start: network_access_date, done: police_filing.date, within: soon}\n",
        "E234",
        "whole number of days",
    ),
}


def _pack_with(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    assert MINI.count(old) == 1
    text = MINI.replace(old, new)
    line = text[: text.index(new)].count("\n") + 1
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    return path, line


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_forbidden_condition_is_a_positioned_error(case: str, tmp_path: Path) -> None:
    """The pack fails to load with exactly the case's code, on the replaced line."""
    old, new, code, fragment = CASES[case]
    path, line = _pack_with(tmp_path, old, new)
    with pytest.raises(egovrules.PackError) as info:
        egovrules.load_pack(path)
    found = [(d.code, d.span.line if d.span else None) for d in info.value.diagnostics]
    assert found[0] == (code, line)
    assert fragment in info.value.diagnostics[0].message
    assert found == [(code, line)]  # one mistake, one error: no cascade into E223


def test_did_you_mean_for_a_misspelt_operator(tmp_path: Path) -> None:
    """A misspelt comparison operator is answered with the operator meant."""
    new = "    when: {field: security_systems, contain: info_security_mgmt}\n"
    path, _ = _pack_with(tmp_path, WHEN, new)
    with pytest.raises(egovrules.PackError) as info:
        egovrules.load_pack(path)
    (diagnostic,) = info.value.diagnostics
    assert (diagnostic.code, diagnostic.hint) == ("E215", "did you mean 'contains'?")


def test_every_error_of_a_file_at_once(tmp_path: Path) -> None:
    """Two forbidden conditions in one pack are both reported, in file order."""
    text = MINI.replace(WHEN, CASES["empty all"][1]).replace(
        DEADLINE, CASES["deadline not a mapping"][1]
    )
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(egovrules.PackError) as info:
        egovrules.load_pack(path)
    assert [d.code for d in info.value.diagnostics] == ["E211", "E230"]
