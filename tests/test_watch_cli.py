"""``egovrules watch``: events in as JSON lines, violations out as JSON lines, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from egovrules.cli import main
from tests.conftest import FIXTURES, ROOT

ONLINE = [
    {
        "subject_id": "site-1",
        "subject_kind": "website",
        "type": "interactive_column_opened",
        "at": "2026-03-01",
    },
    {"subject_id": "site-1", "subject_kind": "website", "type": "online", "at": "2026-03-01"},
]
FILING = "wuhan.website.police_filing_15_days"


def _write(path: Path, events: list[Any]) -> Path:
    path.write_text(
        "".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in events),
        encoding="utf-8",
    )
    return path


def _alerts(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_watch_prints_the_deadline_violation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Replaying a site that went online on 1 March, with the clock moved to 22 March, prints
    the police-filing violation dated 17 March with its article, and exits 1."""
    events = _write(tmp_path / "events.jsonl", ONLINE)
    code = main(["watch", "--city", "wuhan", "--as-of", "2026-03-22", str(events)])
    assert code == 1
    filing = [a for a in _alerts(capsys.readouterr().out) if a["rule_id"] == FILING]
    assert len(filing) == 1
    assert filing[0]["at"] == "2026-03-17" and filing[0]["cause"] == "deadline"
    assert filing[0]["subject"] == {"id": "site-1", "kind": "website"}
    assert (filing[0]["citation"]["article"], filing[0]["citation"]["paragraph"]) == (15, 2)


def test_watch_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``-`` reads the events from standard input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(json.dumps(e) + "\n" for e in ONLINE)))
    assert main(["watch", "--city", "wuhan", "--as-of", "2026-03-22", "-"]) == 1
    assert FILING in {a["rule_id"] for a in _alerts(capsys.readouterr().out)}


def test_bad_lines_are_reported_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line that is not JSON, or not a valid event, is reported with its file and line on
    standard error; the other lines are still watched; the exit code is 2."""
    events = _write(
        tmp_path / "events.jsonl",
        [
            ONLINE[0],
            "not json",
            {"subject_id": "x", "subject_kind": "website", "type": "nope", "at": "2026-03-02"},
            "[" * 100_000 + "]" * 100_000,  # beyond the JSON decoder's recursion
            ONLINE[1],
        ],
    )
    code = main(["watch", "--city", "wuhan", "--as-of", "2026-03-22", str(events)])
    out, err = capsys.readouterr()
    assert code == 2
    assert f"{events}:2:1: error[E500]: not a JSON object" in err
    assert f"{events}:3:1: error[E500]" in err and "unknown website event type 'nope'" in err
    assert f"{events}:4:1: error[E500]: not an event: nested too deeply" in err
    assert FILING in {a["rule_id"] for a in _alerts(out)}
    assert "Traceback" not in err


def test_a_line_that_is_not_an_event_is_placed_where_it_goes_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A lone surrogate (E013) was at column 1 of its line: now at the string, or the key,
    that holds it. A line indented before its JSON had its syntax error (E500) that many
    columns early, and a byte that is not UTF-8 (E002) was placed by bytes, not characters,
    after Chinese text: both now at their column in the line as read. A key holding a lone
    half stopped the watch as an internal error where standard error is strict UTF-8."""
    site = '{"subject_id": "s", "subject_kind": "website", "type": "updated", "at": "2026-03-01"'
    lines = [
        site + ', "payload": {"set": {"name": "\\ud800"}}}',
        site + ', "payload": {"set": {"a\\udc00": 1}}}',
        '   {"subject_id": "s", "subject_kind": "website", "type": ]',
    ]
    chinese = '{"subject_id": "武汉", "x": "'
    raw = "".join(line + "\n" for line in lines).encode() + chinese.encode() + b'\xff"}\n'
    events = tmp_path / "events.jsonl"
    events.write_bytes(raw)
    assert main(["watch", "--city", "wuhan", str(events)]) == 2
    err = capsys.readouterr().err
    found = [line.split(": error[")[0] for line in err.splitlines() if ": error[" in line]
    at = [
        lines[0].index(r'"\ud800"'),  # the string
        lines[1].index(r'"a\udc00"'),  # the key
        lines[2].index("]"),  # where a value was expected, three spaces in
        len(chinese),  # the 0xff, 4 characters (8 bytes) after the Chinese name's first
    ]
    assert found == [f"{events}:{n}:{column + 1}" for n, column in enumerate(at, start=1)]
    assert "error[E013]: payload.set.name: a lone surrogate (U+D800)" in err
    # The key named with its half escaped: written out raw, it stopped the watch (exit 3)
    # where standard error does not replace what UTF-8 cannot encode.
    assert r"error[E013]: payload.set.a\udc00: a lone surrogate (U+DC00)" in err


def test_a_line_is_placed_in_columns_from_its_first_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line's error is at its column counted from the line's first character, whatever
    comes before the value: whitespace JSON does not know before the event (U+3000, a form
    feed, U+00A0: the watch reads past it) stopped the watch as an internal error (exit 3) when
    the error was about a key not named in ASCII, or a lone surrogate; a line separator or a
    NEL written raw in a string put the column after it, as if a line began there."""
    site = '"subject_kind": "website", "type": "updated", "at": "2026-03-01"'
    lines = [
        '\u3000{"subject_id": "s", ' + site + ', "\\ud800": 1}',
        '\x0c{"subject_id": "s", ' + site + ', "payload": {"set": {}}, "名": 1}',
        '\u00a0{"subject_id": "s", ' + site + ', "payload": {"set": {"名称": 1}}}',
        '{"subject_id": "s\u2028x", ' + site + ', "payload": {"set": {"nme": 1}}}',
        '{"subject_id": "s\x85x", ' + site + ', "payload": {"set": {"name": "\\ud800"}}}',
    ]
    events = _write(tmp_path / "events.jsonl", lines)
    assert main(["watch", "--city", "wuhan", str(events)]) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err
    found = [line.split(": error[")[0] for line in err.splitlines() if ": error[" in line]
    at = [
        lines[0].index('"\\ud800"'),  # the key holding a lone half
        lines[1].index('"名"'),  # a key the event has not
        lines[2].index('"名称"'),  # a key the subject has not
        lines[3].index('"nme"'),
        lines[4].index('"\\ud800"'),
    ]
    assert found == [f"{events}:{n}:{column + 1}" for n, column in enumerate(at, start=1)]


def test_an_invalid_event_is_placed_at_its_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every E500 was at column 1, the date twice (once per branch of its union), named by
    pydantic's validator tags (``at.function-after[_to_china_time(), datetime]``)."""
    head = '{"subject_id": "s", "subject_kind": "website", "type": "online", '
    bad_day = head + '"at": "2026-02-30"}'
    extra = head + '"at": "2026-03-01", "x": 1}'
    events = tmp_path / "events.jsonl"
    events.write_text(bad_day + "\n" + extra + "\n", encoding="utf-8")
    code = main(["watch", "--city", "wuhan", "--as-of", "2026-03-22", str(events)])
    err = capsys.readouterr().err
    assert code == 2
    lines = [line for line in err.splitlines() if "error[E500]" in line]
    day_at = bad_day.index('"2026-02-30"') + 1
    key_at = extra.index('"x"') + 1
    assert lines == [
        f"{events}:1:{day_at}: error[E500]: at: Input should be a valid date or datetime, "
        "day value is outside expected range",
        f"{events}:2:{key_at}: error[E500]: unknown key 'x'",
    ]
    assert "function-after" not in err


def test_a_bad_payload_field_is_placed_at_its_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A payload field of the wrong type was placed at the payload object (its ``{``), and
    named ``payload: Value error, authority: ...``; an unknown payload key likewise."""
    head = '{"subject_id": "s", "subject_kind": "website", "type": "police_filed", '
    wrong = head + '"at": "2026-03-01", "payload": {"authority": 3}}'
    unknown = head + '"at": "2026-03-01", "payload": {"authority": "x", "bogus": 1}}'
    events = tmp_path / "events.jsonl"
    events.write_text(wrong + "\n" + unknown + "\n", encoding="utf-8")
    assert main(["watch", "--city", "wuhan", str(events)]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if "error[" in line]
    value_at = wrong.index("3}") + 1
    key_at = unknown.index('"bogus"') + 1
    assert lines == [
        f"{events}:1:{value_at}: error[E500]: payload.authority: Input should be a valid string",
        f"{events}:2:{key_at}: error[E500]: unknown key 'bogus'",
    ]


def test_an_event_that_cannot_apply_is_placed_at_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every E501 (an event its subject cannot take) was at column 1: now at the ``set`` key
    that cannot be assigned, the value that makes the subject invalid, the ``subject_kind``
    that differs from the subject's; at the event's first character when no part of it is
    to blame (an indented line: not column 1)."""
    site = '{"subject_id": "s", "subject_kind": "website", '
    lines = [
        site + '"type": "online", "at": "2026-03-01"}',
        site + '"type": "updated", "at": "2026-03-02", "payload": {"set": {"id": "t"}}}',
        site + '"type": "updated", "at": "2026-03-02", "payload": {"set": {"name.x": 1}}}',
        site + '"type": "updated", "at": "2026-03-02", '
        '"payload": {"set": {"consultation.column": "maybe"}}}',
        site + '"type": "updated", "at": "2026-03-02", '
        '"payload": {"set": {"consultation.column": true, "consultation.column.x": 1}}}',
        '{"subject_id": "s", "subject_kind": "project", "type": "paid", "at": "2026-03-02", '
        '"payload": {"kind": "om"}}',
        '  {"subject_id": "t", "subject_kind": "website", "type": "registered", '
        '"at": "2026-03-02", "payload": {"attributes": {"name": ["x"]}}}',
        "  " + site + '"type": "incident_reported", "at": "2026-03-02"}',
    ]
    events = _write(tmp_path / "events.jsonl", lines)
    assert main(["watch", "--city", "wuhan", str(events)]) == 2
    err = capsys.readouterr().err
    found = [line.split(": error[E501]")[0] for line in err.splitlines() if "error[E501]" in line]
    places = [(2, '"id"'), (3, '"name.x"'), (4, '"maybe"'), (5, '"consultation.column.x"')]
    places += [(6, '"project"'), (7, '["x"]')]
    assert found == [f"{events}:{n}:{lines[n - 1].index(part) + 1}" for n, part in places] + [
        f"{events}:8:3"
    ]
    assert "cannot set consultation.column.x: consultation.column is not a record" in err


def test_a_payload_value_the_subject_cannot_hold_is_placed_at_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A payload value the event model takes and the subject's field does not (a year out of
    the calendar's, an amount past what every backend holds exactly), written by an event of
    its own type rather than by ``set`` or ``attributes``, was an E501 at the event's first
    character: now at the value, whether the subject's field is named as the payload's
    (``declaration.plan_year``) or ends in its name (``approved_total_investment``). So is an
    incident report of a kind with no unreported incident: at its ``kind``."""
    cases = [
        ("project", "declared", '{"plan_year": 0}', "0"),
        ("project", "paid", '{"kind": "om", "amount": "0.0000001"}', '"0.0000001"'),
        ("project", "approved", '{"total_investment": "1e30"}', '"1e30"'),
        ("project", "budget_adjusted", '{"total_investment": "1e30"}', '"1e30"'),
        ("project", "reapproved", '{"total_investment": "0.0000001"}', '"0.0000001"'),
        ("department", "funds_arranged", '{"year": 0}', "0"),
        ("department", "project_call_issued", '{"plan_year": 10000}', "10000"),
        ("website", "incident_detected", '{"kind": "illegal_case"}', None),
        ("website", "incident_reported", '{"kind": "security_incident"}', '"security_incident"'),
    ]
    lines = [
        f'{{"subject_id": "s{n}", "subject_kind": "{kind}", "type": "{type_}", '
        f'"at": "2026-03-02", "payload": {payload}}}'
        for n, (kind, type_, payload, _) in enumerate(cases)
    ]
    lines[-1] = lines[-1].replace('"s8"', '"s7"')  # the site of the illegal case
    events = _write(tmp_path / "events.jsonl", lines)
    assert main(["watch", "--city", "wuhan", str(events)]) == 2
    err = capsys.readouterr().err
    found = [line.split(": error[E501]")[0] for line in err.splitlines() if "error[E501]" in line]
    payload_at = [line.rindex(payload) for line, (*_, payload, _) in zip(lines, cases, strict=True)]
    assert found == [
        f"{events}:{n + 1}:{payload_at[n] + cases[n][2].rindex(value) + 1}"
        for n, (*_, value) in enumerate(cases)
        if value is not None
    ]
    assert "no unreported security_incident to report" in err


def test_a_field_the_subject_has_not_is_placed_at_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A field the subject model does not have (pydantic's extra_forbidden) is wrong in its
    key, as a subject file's unknown key is placed: the ``set`` key ``police_filing.dat``, the
    key ``dat`` in a record an update or a registration gives, a misspelt attribute. They
    were placed at the value written (a valid date), unlike ``approvals.0.date`` (at its key)."""
    site = '{"subject_id": "s", "subject_kind": "website", '
    lines = [
        site + '"type": "online", "at": "2026-03-01"}',
        site + '"type": "updated", "at": "2026-03-02", '
        '"payload": {"set": {"police_filing.dat": "2026-03-02"}}}',
        site + '"type": "updated", "at": "2026-03-02", '
        '"payload": {"set": {"police_filing": {"dat": "2026-03-02"}}}}',
        '{"subject_id": "t", "subject_kind": "website", "type": "registered", '
        '"at": "2026-03-02", "payload": {"attributes": {"polic_filing": {"date": "2026-03-02"}}}}',
    ]
    events = _write(tmp_path / "events.jsonl", lines)
    assert main(["watch", "--city", "wuhan", str(events)]) == 2
    err = capsys.readouterr().err
    found = [line.split(": error[E501]")[0] for line in err.splitlines() if "error[E501]" in line]
    places = [(2, '"police_filing.dat"'), (3, '"dat"'), (4, '"polic_filing"')]
    assert found == [f"{events}:{n}:{lines[n - 1].index(part) + 1}" for n, part in places]


def test_a_quiet_stream_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Events that break no rule print nothing and exit 0."""
    events = _write(
        tmp_path / "events.jsonl",
        [
            {
                "subject_id": "n",
                "subject_kind": "network",
                "type": "requested",
                "at": "2024-01-01",
                "payload": {"request_type": "platform_access"},
            }
        ],
    )
    assert main(["watch", "--city", str(FIXTURES / "packs" / "mini.yaml"), str(events)]) == 0
    assert capsys.readouterr().out == ""


def test_a_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A file that cannot be read exits 2 with a message, not a traceback."""
    assert main(["watch", "--city", "wuhan", "/nonexistent/events.jsonl"]) == 2
    assert "cannot read /nonexistent/events.jsonl" in capsys.readouterr().err


def test_follow_reads_lines_appended_later(tmp_path: Path) -> None:
    """With ``--follow`` the command keeps reading as the file grows: a violation raised by a
    line appended after start is printed."""
    events = _write(tmp_path / "events.jsonl", ONLINE)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "egovrules",
            "watch",
            "--city",
            "wuhan",
            "--follow",
            "--idle-exit",
            "3",
            str(events),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)  # let it reach the end of the file (the test asserts no timing)
    with events.open("a", encoding="utf-8") as f:
        f.write(
            json.dumps(
                {
                    "subject_id": "site-1",
                    "subject_kind": "website",
                    "type": "updated",
                    "at": "2026-03-30",
                    "payload": {"set": {"name": "x"}},
                }
            )
            + "\n"
        )
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    filing = [a for a in _alerts(out) if a["rule_id"] == FILING]
    assert [(a["at"], a["cause"]) for a in filing] == [("2026-03-17", "deadline")]


def test_a_reader_that_stops_reading_stops_the_watch_before_its_checkpoint(
    tmp_path: Path,
) -> None:
    """With standard output closed the alerts were dropped and the checkpoint written all the
    same: a restart from it delivered none of them (a review of the change found it). Now the
    watch stops (exit 2) and a restart from its checkpoint delivers every alert."""
    import os

    sites = [
        {**event, "subject_id": f"site-{n}", "at": f"2026-03-{n:02d}"}
        for n in range(1, 5)
        for event in ONLINE
    ]
    later = {"subject_id": "other", "subject_kind": "website", "type": "registered"}
    events = _write(tmp_path / "events.jsonl", [*sites, {**later, "at": "2026-04-30"}])
    state = tmp_path / "watch.json"
    alone = [sys.executable, "-m", "egovrules", "watch", "--city", "wuhan", str(events)]
    command = [*alone[:-1], "--checkpoint", str(state), "--checkpoint-every", "1", str(events)]
    read, write = os.pipe()
    os.close(read)
    try:
        cut = subprocess.run(
            command, check=False, stdout=write, stderr=subprocess.PIPE, timeout=120
        )
    finally:
        os.close(write)
    assert cut.returncode == 2
    assert b"standard output was closed" in cut.stderr
    again = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)
    fresh = subprocess.run(alone, check=False, capture_output=True, text=True, timeout=120)
    late = {a["subject"]["id"] for a in _alerts(fresh.stdout) if a["rule_id"] == FILING}
    assert late == {"site-1", "site-2", "site-3", "site-4"}
    assert {a["subject"]["id"] for a in _alerts(again.stdout) if a["rule_id"] == FILING} == late


def test_an_indented_event_is_placed_at_its_value_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The column was counted from the line with its leading spaces stripped: 3 short."""
    line = '   {"subject_id": "s", "subject_kind": "website", "type": "online", "at": "2026-02-30"}'
    events = tmp_path / "events.jsonl"
    events.write_text(line + "\n", encoding="utf-8")
    assert main(["watch", "--city", "wuhan", str(events)]) == 2
    column = line.index('"2026-02-30"') + 1
    assert f"{events}:1:{column}: error[E500]: at:" in capsys.readouterr().err
