"""``egovrules watch --checkpoint``: a watch stopped and started again (cleanly, by SIGTERM, or
by SIGKILL) prints what one uninterrupted watch prints; an input that changed underneath, a
checkpoint of another pack or a broken one is refused, clearly, and nothing is written to the
input.

The events are tests/fixtures/events/wuhan.jsonl: 226 life-cycle events of 18 Wuhan websites,
8 projects, 4 Internet egress requests and 6 departments, in date order from January to June
2026, built on the compliant examples in examples/wuhan with some steps late, wrong or missing
(police filings late or never made, an illegal case reported after 24 hours, systems used
before acceptance, officers in post before training, egresses opened without filing). Each
registration and rename carries Chinese names, so byte offsets and character counts differ.
One uninterrupted watch with ``--as-of 2026-07-31`` prints 72 alerts (~140 KB).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import egovrules
from egovrules.cli import main, watch
from tests.conftest import FIXTURES, ROOT

EVENTS = FIXTURES / "events" / "wuhan.jsonl"
LINES = EVENTS.read_bytes().splitlines(keepends=True)
AS_OF = "2026-07-31"
WUHAN = ["watch", "--city", "wuhan"]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*WUHAN, *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _packs_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-process runs share compiled packs (a ``Pack`` is immutable): the many short
    runs here would otherwise spend most of their time compiling the same pack."""
    monkeypatch.setattr(watch, "load_pack", _load_pack)


@functools.cache
def _load_pack(name: str) -> egovrules.Pack:
    return egovrules.load_pack(name)


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What one uninterrupted watch of the whole file prints, with ``--as-of``."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([*WUHAN, "--as-of", AS_OF, str(EVENTS)])
    assert code == 1
    return out.getvalue()


def _saved(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as f:
        f.write(data)


# -- restarts, in process ----------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 61, 140, len(LINES)])
def test_a_restart_carries_on_after_the_last_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], single: str, n: int
) -> None:
    """A watch of the first n lines, then one of the whole file after more were appended:
    the two outputs, one after the other, are byte for byte one watch of the whole file."""
    events, ckpt = tmp_path / "events.jsonl", tmp_path / "watch.ckpt"
    events.write_bytes(b"".join(LINES[:n]))
    _, first, err = _run(capsys, "--checkpoint", str(ckpt), str(events))
    assert err == ""
    assert (_saved(ckpt)["line"], _saved(ckpt)["offset"]) == (n, len(b"".join(LINES[:n])))
    _append(events, b"".join(LINES[n:]))
    _, second, err = _run(capsys, "--checkpoint", str(ckpt), "--as-of", AS_OF, str(events))
    assert err == ""
    assert first + second == single
    assert (_saved(ckpt)["line"], _saved(ckpt)["offset"]) == (len(LINES), EVENTS.stat().st_size)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.jsonl", "watch.ckpt"]


def test_ten_restarts_print_what_one_watch_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], single: str
) -> None:
    """The file arrives in 11 random pieces, a watch runs after each (checkpoint every 7
    lines): the outputs, concatenated, are one watch's; each run numbers its lines on."""
    events, ckpt = tmp_path / "events.jsonl", tmp_path / "watch.ckpt"
    cuts = sorted(random.Random(20260731).sample(range(1, len(LINES)), 10))
    out = []
    for start, end in zip([0, *cuts], [*cuts, len(LINES)], strict=True):
        _append(events, b"".join(LINES[start:end]))
        as_of = ["--as-of", AS_OF] if end == len(LINES) else []
        args = ["--checkpoint", str(ckpt), "--checkpoint-every", "7", *as_of, str(events)]
        _, printed, err = _run(capsys, *args)
        assert err == ""
        assert _saved(ckpt)["line"] == end
        out.append(printed)
    assert "".join(out) == single


def test_the_as_of_clock_is_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--as-of`` is part of the state a checkpoint keeps: its deadline alerts are not printed
    again by the next run, which has nothing new to say (exit 0)."""
    events, ckpt = tmp_path / "events.jsonl", tmp_path / "watch.ckpt"
    events.write_bytes(b"".join(LINES[:40]))
    code, out, _ = _run(capsys, "--checkpoint", str(ckpt), "--as-of", "2026-03-31", str(events))
    filings = [json.loads(x) for x in out.splitlines() if "police_filing_15_days" in x]
    assert code == 1 and filings and {a["cause"] for a in filings} == {"deadline"}
    assert _saved(ckpt)["monitor"]["clock"] == "2026-03-31"
    assert _run(capsys, "--checkpoint", str(ckpt), str(events)) == (0, "", "")


def test_an_alert_is_identified_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A violation cured and arising again on the same day is alerted twice, with the same
    subject, rule, date and cause: the input line tells the two apart, so a consumer that
    de-duplicates on (subject id, rule id, at, cause, line) keeps both. The deadline alerts of
    ``--as-of`` have no line."""
    events = tmp_path / "events.jsonl"
    duty = "wuhan.website.realtime_service_on_duty"

    def on_duty(value: bool) -> bytes:
        update = {
            "subject_id": "wh-site-03",
            "subject_kind": "website",
            "type": "updated",
            "at": "2026-01-20",
            "payload": {"set": {"consultation.staff_on_duty": value}},
        }
        return (json.dumps(update) + "\n").encode()

    events.write_bytes(b"".join(LINES[:16]) + on_duty(False) + on_duty(True) + on_duty(False))
    _, out, err = _run(capsys, "--as-of", "2026-03-31", str(events))
    assert err == ""
    alerts = [json.loads(x) for x in out.splitlines()]
    recurring = [(a["at"], a["cause"], a["line"]) for a in alerts if a["rule_id"] == duty]
    assert recurring == [("2026-01-20", "event", 17), ("2026-01-20", "event", 19)]
    keys = [(a["subject"]["id"], a["rule_id"], a["at"], a["cause"], a["line"]) for a in alerts]
    assert len(set(keys)) == len(keys)
    of_as_of = [a for a in alerts if a["line"] is None]
    assert of_as_of and all(a["at"] > "2026-01-20" for a in of_as_of)


# -- offsets and UTF-8 -------------------------------------------------------------------------


def test_offsets_are_bytes_of_multibyte_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Chinese payloads take 3 bytes a character: the offset counts bytes, so a restart
    starts exactly at the next line (a character offset would land inside a later line)."""
    events, ckpt = tmp_path / "events.jsonl", tmp_path / "watch.ckpt"
    head = b"".join(LINES[:10])
    assert len(head) > len(head.decode("utf-8"))
    events.write_bytes(head)
    _run(capsys, "--checkpoint", str(ckpt), str(events))
    assert _saved(ckpt)["offset"] == len(head)
    renamed = {
        "subject_id": "wh-site-01",
        "subject_kind": "website",
        "type": "updated",
        "at": "2026-01-20",
        "payload": {"set": {"name": "武汉市民政局门户网站（适老化改版）"}},
    }
    line = (json.dumps(renamed, ensure_ascii=False) + "\n").encode("utf-8")
    _append(events, line)
    code, _, err = _run(capsys, "--checkpoint", str(ckpt), str(events))
    assert err == "" and code in (0, 1)
    assert (_saved(ckpt)["line"], _saved(ckpt)["offset"]) == (11, len(head) + len(line))
    subjects = {s["subject"]["id"]: s["subject"] for s in _saved(ckpt)["monitor"]["subjects"]}
    assert subjects["wh-site-01"]["name"] == "武汉市民政局门户网站（适老化改版）"


def test_a_line_that_is_not_utf8_is_reported_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A GBK-encoded line is an E002 at its line and the column of its first bad byte; it is
    skipped and counted as read, and the next lines are watched (exit 2)."""
    events, ckpt = tmp_path / "events.jsonl", tmp_path / "watch.ckpt"
    gbk = '{"subject_id": "x", "name": "武汉"}\n'.encode("gbk")
    events.write_bytes(b"".join(LINES[:5]) + gbk + b"".join(LINES[5:40]))
    code, out, err = _run(capsys, "--checkpoint", str(ckpt), str(events))
    assert code == 2
    col = gbk.index("武汉".encode("gbk")) + 1
    assert f"{events}:6:{col}: error[E002]: not UTF-8: byte 0x{gbk[col - 1]:02x}" in err
    assert "Traceback" not in err
    assert _saved(ckpt)["line"] == 41
    clean = tmp_path / "clean.jsonl"
    clean.write_bytes(b"".join(LINES[:40]))
    got = [json.loads(x) for x in out.splitlines()]
    want = [json.loads(x) for x in _run(capsys, str(clean))[1].splitlines()]
    assert [a["line"] for a in got] == [n + (n >= 6) for n in (a["line"] for a in want)]
    assert [{**a, "line": 0} for a in got] == [{**a, "line": 0} for a in want]


def test_a_last_line_without_newline_is_complete_at_the_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ``--follow`` the end of the input ends its last line: it is watched, and the
    checkpoint is after it."""
    events, ckpt = tmp_path / "events.jsonl", tmp_path / "watch.ckpt"
    data = b"".join(LINES[:12]).rstrip(b"\n")
    events.write_bytes(data)
    _run(capsys, "--checkpoint", str(ckpt), str(events))
    assert (_saved(ckpt)["line"], _saved(ckpt)["offset"]) == (12, len(data))


# -- refusals ----------------------------------------------------------------------------------


def _checkpointed(tmp_path: Path, capsys: pytest.CaptureFixture[str], n: int) -> tuple[Path, Path]:
    events, ckpt = tmp_path / "events.jsonl", tmp_path / "watch.ckpt"
    events.write_bytes(b"".join(LINES[:n]))
    _run(capsys, "--checkpoint", str(ckpt), str(events))
    return events, ckpt


def _rewrite_first_site(data: bytes) -> bytes:
    return data.replace(b"wh-site-01", b"wh-site-99", 1)


def _rewrite_last_line(data: bytes) -> bytes:
    at = data.rindex(b'"at": "2026-') + len(b'"at": "2026-')
    return data[:at] + b"12" + data[at + 2 :]


def _value_column(text: str, key: str) -> int:
    """The column of the value of ``key`` (named once) in a one-line checkpoint."""
    assert text.count(f'"{key}": ') == 1
    return text.index(f'"{key}": ') + len(f'"{key}": ') + 1


@pytest.mark.parametrize(
    ("change", "says", "at"),
    [
        (lambda d: d[: len(d) // 2], "shorter than the", "offset"),  # truncated
        (lambda d: b"", "shorter than the", "offset"),  # emptied, as by logrotate's copytruncate
        (_rewrite_first_site, "are not those already watched", "head_sha256"),  # first 4 KiB
        (_rewrite_last_line, "are not those already watched", "tail_sha256"),  # last 4 KiB
        (lambda d: LINES[100] + d, "are not those already watched", "head_sha256"),  # new file
    ],
    ids=["truncated", "emptied", "head-rewritten", "tail-rewritten", "rotated"],
)
def test_a_changed_input_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[bytes], bytes],
    says: str,
    at: str,
) -> None:
    """An input truncated, rotated or rewritten since the checkpoint: exit 2, an E512 at the
    checkpoint's value that no longer holds (the offset past the input's end, the hash its
    bytes no longer have; review: all were at 1:1 of the checkpoint's one long line), saying
    what happened and what to do; input and checkpoint left as they are."""
    events, ckpt = _checkpointed(tmp_path, capsys, 120)
    changed = change(events.read_bytes())
    events.write_bytes(changed)
    saved = ckpt.read_bytes()
    code, out, err = _run(capsys, "--checkpoint", str(ckpt), str(events))
    assert (code, out) == (2, "")
    column = _value_column(saved.decode(), at)
    assert err.startswith(f"{ckpt}:1:{column}: error[E512]: "), err
    assert says in err and "hint: a rotated input is a new input" in err
    assert f"delete {ckpt} to watch {events} again from its first line" in err
    assert "Traceback" not in err
    assert events.read_bytes() == changed and ckpt.read_bytes() == saved


def test_a_checkpoint_of_another_pack_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A checkpoint written by a watch with the engine-test pack, used with the Wuhan pack:
    exit 2, E511 naming both packs, at the pack id the state was taken with (review: at 1:1
    of the checkpoint's one long line); nothing changed."""
    events, ckpt = tmp_path / "events.jsonl", tmp_path / "watch.ckpt"
    events.write_bytes(b"".join(LINES[:30]))
    mini = str(FIXTURES / "packs" / "mini.yaml")
    main(["watch", "--city", mini, "--checkpoint", str(ckpt), str(events)])
    capsys.readouterr()
    before = events.read_bytes(), ckpt.read_bytes()
    code, out, err = _run(capsys, "--checkpoint", str(ckpt), str(events))
    assert (code, out) == (2, "")
    text = ckpt.read_text(encoding="utf-8")
    assert text.count('"pack": {"id": "mini"') == 1
    column = text.index('"pack": {"id": "mini"') + len('"pack": {"id": ') + 1
    assert err.startswith(f"{ckpt}:1:{column}: error[E511]: the state was taken with pack mini ")
    assert "not with this pack wuhan" in err and "hint: watch with the pack it was written" in err
    assert "Traceback" not in err
    assert (events.read_bytes(), ckpt.read_bytes()) == before


@pytest.mark.parametrize(
    ("content", "says", "column"),
    [
        # where the text stops being JSON
        ('{"format": "egovrules.watch-checkpoint/1", "offset": ', "not a checkpoint", 54),
        # the format named, not the checkpoint's first brace (review: at 1:1)
        ('{"input": "x", "format": "something else"}', "not a checkpoint of format", 26),
        (' ["egovrules.watch-checkpoint/1"]', "(format: 'list')", 2),  # the value
        # a key missing: the mapping that lacks it
        ('{"format": "egovrules.watch-checkpoint/1"}', "'input' should be a str", 1),
    ],
)
def test_a_broken_checkpoint_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, says: str, column: int
) -> None:
    """A checkpoint that is not one: exit 2, E510 at the place in the checkpoint that is
    wrong, no traceback."""
    events, ckpt = tmp_path / "events.jsonl", tmp_path / "watch.ckpt"
    events.write_bytes(b"".join(LINES[:5]))
    ckpt.write_text(content, encoding="utf-8")
    code, _, err = _run(capsys, "--checkpoint", str(ckpt), str(events))
    assert code == 2 and says in err and "Traceback" not in err
    assert err.startswith(f"{ckpt}:1:{column}: error[E510]: "), err


@pytest.mark.parametrize(
    ("was", "now"),
    [
        ('"id": "wh-site-01"', '"id": "wh-site-01", "id": "wh-site-01"'),  # the same id twice
        ('"id": "wh-site-01"', '"id": "wh-site-01", "id": "wh-site-99"'),
        ('"line": 30', '"line": 30, "line": 29'),
    ],
    ids=["same-id", "other-id", "line"],
)
def test_a_key_written_twice_in_a_checkpoint_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], was: str, now: str
) -> None:
    """A checkpoint with a key twice (a subject's id, the line) was read with the later value
    and the watch carried on from a state no monitor had (exit 0): now exit 2, E510 at the
    second key, nothing printed, nothing written."""
    events, ckpt = _checkpointed(tmp_path, capsys, 30)
    text = ckpt.read_text(encoding="utf-8")
    assert text.count(was) == 1
    text = text.replace(was, now)
    ckpt.write_text(text, encoding="utf-8")
    code, out, err = _run(capsys, "--checkpoint", str(ckpt), str(events))
    assert (code, out) == (2, "")
    second = text.index(now) + len(now) - len(was) + 1
    key = was.split(":", maxsplit=1)[0]
    assert err.startswith(f"{ckpt}:1:{second}: error[E510]: not a checkpoint: duplicate key ")
    assert f"{key[1:-1]!r} (first defined at line 1, column {text.index(now) + 1})" in err
    assert "Traceback" not in err and ckpt.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("change", "at", "says"),
    [
        (
            lambda c: c["monitor"]["subjects"][3]["violated"].append("no.such"),
            '"no.such"',
            "no project rule 'no.such' in the pack",
        ),
        (
            lambda c: c["monitor"]["subjects"][2]["subject"].update(name=5),
            '"name": 5',
            "subjects.2: name: Input should be a valid string",
        ),
        (
            lambda c: c["monitor"]["timers"].append(["2026-12-01", "ghost"]),
            '"ghost"',
            "for unknown subject 'ghost'",
        ),
        (
            lambda c: c["monitor"].update(clock="March"),
            '"clock": "March"',
            "clock: Input should be",
        ),
        (lambda c: c.update(offset="12"), '"offset": "12"', "'offset' should be a int"),
        (lambda c: c.update(line=-1), '"line": -1', "a negative line"),
    ],
    ids=["rule", "subject-field", "timer", "clock", "offset", "negative-line"],
)
def test_an_error_deep_in_a_checkpoint_is_placed_at_its_value(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[dict[str, Any]], None],
    at: str,
    says: str,
) -> None:
    """An E510 about one value of a checkpoint was at 1:1 of its one long line: now at the
    value's column."""
    events, ckpt = _checkpointed(tmp_path, capsys, 30)
    saved = _saved(ckpt)
    change(saved)
    text = json.dumps(saved, ensure_ascii=False, sort_keys=True)
    ckpt.write_text(text, encoding="utf-8")
    code, out, err = _run(capsys, "--checkpoint", str(ckpt), str(events))
    assert (code, out) == (2, "")
    assert text.count(at) == 1
    column = text.index(at) + 1 + (at.index(": ") + 2 if ": " in at else 0)  # at the value
    assert err.startswith(f"{ckpt}:1:{column}: error[E510]: "), err
    assert says in err and "Traceback" not in err


def test_a_checkpoint_of_another_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same checkpoint given with another events file: E512 naming both, at the input
    the checkpoint names (review: at 1:1)."""
    events, ckpt = _checkpointed(tmp_path, capsys, 20)
    other = tmp_path / "other.jsonl"
    other.write_bytes(events.read_bytes())
    code, _, err = _run(capsys, "--checkpoint", str(ckpt), str(other))
    assert code == 2
    column = _value_column(ckpt.read_text(encoding="utf-8"), "resolved")
    assert err.startswith(f"{ckpt}:1:{column}: error[E512]: "), err
    assert f"error[E512]: the checkpoint was written for the input {events.resolve()}" in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--checkpoint", "{ckpt}", "-"], "--checkpoint needs an events file: standard input"),
        (["--checkpoint", "{events}", "{events}"], "is the input itself"),
        (["--checkpoint", "{tmp}/no/such/dir/c.json", "{events}"], "no directory"),
        (["--checkpoint", "{ckpt}", "--checkpoint-every", "0", "{events}"], "at least 1"),
    ],
)
def test_checkpoint_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    """A checkpoint for standard input (which cannot be read again from an offset), one that
    would overwrite the input, or in no directory: a usage error, exit 2, nothing written."""
    events, ckpt = tmp_path / "events.jsonl", tmp_path / "watch.ckpt"
    events.write_bytes(b"".join(LINES[:5]))
    names = {"ckpt": str(ckpt), "events": str(events), "tmp": str(tmp_path)}
    code, out, err = _run(capsys, *(a.format(**names) for a in args))
    assert (code, out) == (2, "")
    assert says in err and "Traceback" not in err
    assert events.read_bytes() == b"".join(LINES[:5]) and not ckpt.exists()


# -- signals, in a separate process ------------------------------------------------------------


@contextlib.contextmanager
def _watching(events: Path, ckpt: Path, *extra: str) -> Iterator[subprocess.Popen[bytes]]:
    """A follower with a checkpoint, in its own process; killed if a test fails while it
    runs (a follower never ends by itself)."""
    command = [sys.executable, "-m", "egovrules", *WUHAN, "--follow", "--checkpoint", str(ckpt)]
    proc = subprocess.Popen(
        [*command, *extra, str(events)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _wait_for(done: Callable[[], bool], proc: subprocess.Popen[bytes]) -> None:
    """Poll until ``done`` (a wait with a generous limit, not a timing assertion)."""
    limit = time.monotonic() + 60
    while not done():
        assert proc.poll() is None, f"the watch ended early: {proc.returncode}"
        assert time.monotonic() < limit, "the watch made no progress in 60 s"
        time.sleep(0.05)


def _checkpoint_line(ckpt: Path) -> int:
    try:
        return int(_saved(ckpt)["line"])
    except FileNotFoundError:
        return -1


class _Reader:
    """Reads the watch's output line by line in a thread, and can pause: the pipe then fills
    up and the watch blocks on its next alert, mid-stream, with lines still unread."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.lines: list[bytes] = []
        self.go = threading.Event()
        self.go.set()
        self._stream = stream
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while self.go.wait() and (line := self._stream.readline()):
            self.lines.append(line)

    def join(self) -> str:
        """All the watch printed (call once it has ended)."""
        self.go.set()
        self._thread.join(timeout=60)
        return b"".join(self.lines).decode("utf-8")


# Alerts of the lines after the 63rd: ~79 KB, more than a pipe holds (64 KiB on Linux); the
# alerts up to it, ~54 KB, fit (each alert's citations say which quotes are translations).
MIDSTREAM = 63  # a checkpoint line (9 x 7) the watch reaches before its output can block


def test_sigterm_stops_at_a_line_boundary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], single: str
) -> None:
    """A follower with a checkpoint reads 80 lines and half of the 81st, and checkpoints at
    the end of the file: after line 80, the half line left for later. It is fed the rest
    while its output is not read, so it blocks mid-stream, and gets SIGTERM there. It stops
    at a line boundary, checkpoints, exits normally. The second watch's output follows the
    first's exactly: one watch's output, nothing lost, nothing twice."""
    events, ckpt = tmp_path / "events.jsonl", tmp_path / "watch.ckpt"
    events.write_bytes(b"".join(LINES[:80]) + LINES[80][:37])
    with _watching(events, ckpt, "--checkpoint-every", "7") as proc:
        assert proc.stdout is not None and proc.stderr is not None
        reader = _Reader(proc.stdout)
        _wait_for(lambda: _checkpoint_line(ckpt) == 80, proc)  # no multiple of 7: at the end
        assert _saved(ckpt)["offset"] == len(b"".join(LINES[:80]))  # the half line unread
        reader.go.clear()
        _append(events, LINES[80][37:] + b"".join(LINES[81:]))
        _wait_for(lambda: _checkpoint_line(ckpt) >= MIDSTREAM, proc)
        proc.send_signal(signal.SIGTERM)
        reader.go.set()
        assert proc.wait(timeout=60) == 1
        first = reader.join()
        assert proc.stderr.read() == b""  # no traceback, no message
    stopped = _checkpoint_line(ckpt)
    assert MIDSTREAM <= stopped < len(LINES)  # mid-stream, at a line boundary
    _, second, err = _run(capsys, "--checkpoint", str(ckpt), "--as-of", AS_OF, str(events))
    assert err == ""
    assert first + second == single


def test_sigkill_loses_no_alert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], single: str
) -> None:
    """A follower whose output is not read blocks mid-stream, past its last checkpoint, and
    is killed with SIGKILL. The restart prints again exactly the alerts of the lines after
    that checkpoint: every alert of one watch is printed, and the only ones printed twice are
    of lines after the last checkpoint."""
    events, ckpt = tmp_path / "events.jsonl", tmp_path / "watch.ckpt"
    events.write_bytes(b"".join(LINES[:200]))
    with _watching(events, ckpt, "--checkpoint-every", "7") as proc:
        assert proc.stdout is not None
        _wait_for(lambda: _checkpoint_line(ckpt) >= MIDSTREAM, proc)
        proc.kill()
        proc.wait(timeout=60)
        raw = proc.stdout.read()
    first = raw[: raw.rfind(b"\n") + 1].decode("utf-8").splitlines(keepends=True)  # whole lines
    line = _checkpoint_line(ckpt)
    assert MIDSTREAM <= line < 200  # it was stopped mid-stream
    through = tmp_path / "through.jsonl"
    through.write_bytes(b"".join(LINES[:line]))
    covered = _run(capsys, str(through))[1].splitlines(keepends=True)  # what it covers
    _append(events, b"".join(LINES[200:]))
    _, second, err = _run(capsys, "--checkpoint", str(ckpt), "--as-of", AS_OF, str(events))
    assert err == ""
    expected = single.splitlines(keepends=True)
    assert first == expected[: len(first)]  # what the killed watch printed, in order
    assert len(first) >= len(covered)  # it had printed all its checkpoint covers
    assert covered + second.splitlines(keepends=True) == expected  # nothing lost
    duplicates = first[len(covered) :]  # printed twice: only alerts of lines after it
    assert duplicates == second.splitlines(keepends=True)[: len(duplicates)]


# -- stopped by signal at random lines, --as-of on every run -----------------------------------


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stops=st.lists(st.integers(0, len(LINES) - 1), min_size=1, max_size=4, unique=True))
def test_signal_stops_with_as_of_put_end_to_end_are_one_watch(
    tmp_path_factory: pytest.TempPathFactory, single: str, stops: list[int]
) -> None:
    """Every run is given ``--as-of`` (as a daily job would be) and is stopped as SIGTERM
    stops it, at a line boundary drawn at random; the last run reaches the end. The outputs,
    put end to end, are one uninterrupted watch's. Failed before ``--as-of`` was kept for the
    real end of the input: the stopped run moved the clock past the unread lines (510 false
    violations over a 10,962-line feed in the review)."""
    tmp = tmp_path_factory.mktemp("stops")
    ckpt = tmp / "watch.ckpt"
    outputs = []
    for stop_at in [*sorted(stops), None]:
        start = _saved(ckpt)["line"] if ckpt.exists() else 0
        outputs.append(_watch_stopped_after(None if stop_at is None else stop_at - start, ckpt))
    assert "".join(outputs) == single


def _watch_stopped_after(lines: int | None, ckpt: Path) -> str:
    """One watch of the whole file with ``--as-of``, whose stop request (what the SIGTERM
    handler sets) comes after ``lines`` more lines; None: never."""
    calls = 0

    def requested(self: object) -> bool:
        nonlocal calls
        calls += 1
        return lines is not None and calls > max(lines, 0)

    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
        patch.setattr(watch._StopSignals, "__call__", requested)
        patch.setattr(watch, "load_pack", _load_pack)
        main([*WUHAN, "--checkpoint", str(ckpt), "--as-of", AS_OF, str(EVENTS)])
    return out.getvalue()
