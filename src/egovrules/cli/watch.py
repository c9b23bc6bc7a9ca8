"""``egovrules watch``: feed a stream of events (JSON lines) to a pack's monitor and print each
violation as it arises, as one JSON line.

The input is a file or ``-`` for standard input; ``--follow`` keeps reading as the file grows
(as ``tail -f`` does), until interrupted or, with ``--idle-exit``, until no line has come for
that many seconds. ``--as-of`` moves the monitor's clock to a date once the input is read, so
that the deadlines due by then fire. A line that is not a valid event (or not UTF-8) is
reported on standard error as ``file:line:col: error[CODE]: message`` and skipped. Each alert
names the input line whose processing raised it (``null`` for those of ``--as-of``).

The input is read as bytes and each line decoded here, so that byte offsets are exact. A line
is complete at its newline, and at the end of the input when not following; a follower waits
for the newline of a last line that may still be being written.

**Restarts lose no event** (``--checkpoint FILE``; a regular file only, never standard input).
The checkpoint holds the byte offset and number of the last line processed, an identity of the
input's bytes before that offset, and the monitor's state (``egovrules.monitoring.checkpoint``
has the format). A run that finds one checks that the input is the same (a truncated, rotated or
rewritten input is refused, exit 2), restores the monitor and carries on after that line,
numbering lines on. The checkpoint is written atomically and only at consistent points, once
the alerts of every line it covers are written and standard output flushed (and fsynced when
it is a file): every ``--checkpoint-every`` lines, each time a follower reaches the end of the
file with lines processed since the last one, and at exit. While a file is watched, SIGINT and
SIGTERM stop the run at the next line boundary: the checkpoint is written and the exit status
is the usual one, but ``--as-of`` is not applied (it is, at the real end of the input, by the
run that reaches it); a second signal ends it at once. After a hard kill the restart
reads again the lines after the last checkpoint, so an alert may be printed twice but is never
lost (at least once): a consumer that de-duplicates identifies an alert by (subject id, rule
id, ``at``, ``cause``, ``line``). egovrules never writes to the input; the checkpoint is the
only file it writes.

Exit status: 0 no violation arose, 1 violations arose, 2 a line (or the checkpoint) could not
be used.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any, cast

from egovrules.cli.common import add_holidays_option, calendar_of, iso_date
from egovrules.engine.exitcodes import ExitCode
from egovrules.engine.pack import Pack, load_pack
from egovrules.monitoring import checkpoint
from egovrules.monitoring.checkpoint import Checkpoint, Position
from egovrules.monitoring.monitor import Alert, Monitor
from egovrules.monitoring.state import StateError
from egovrules.report.render.json import citation_to_dict
from egovrules.source.document import (
    MAX_BYTES,
    escape_surrogates,
    lone_surrogate,
    surrogate_message,
)
from egovrules.source.errors import Diagnostic, EgovrulesError, InputError, UsageError
from egovrules.source.json_spans import JsonDocument
from egovrules.source.span import Span

__all__ = ["alert_to_dict", "register"]

_POLL_SECONDS = 0.2
_STOP_CHECK_SECONDS = 0.05  # how often a sleeping follower looks for a stop request
_AT_END = None  # what the reader yields at the end of the file, before a follower sleeps


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``watch`` command."""
    p = subparsers.add_parser(
        "watch",
        help="monitor a stream of events and print violations as they arise",
        description="Feed events (JSON lines: subject_id, subject_kind, type, at, payload) to a "
        "city's rules and print each violation as a JSON line when it arises; deadlines fire "
        "on the events' own dates. With --checkpoint, a restart carries on after the last line "
        "processed. See docs/monitor.md.",
    )
    p.add_argument("file", help="events file (JSON lines), or - for standard input")
    p.add_argument("--city", required=True, help="bundled pack id (or a pack file)")
    p.add_argument(
        "--as-of",
        type=iso_date,
        help="after the input, move the clock to this date (YYYY-MM-DD): the deadlines due "
        "by then fire",
    )
    p.add_argument("--follow", action="store_true", help="keep reading as the file grows")
    p.add_argument(
        "--idle-exit",
        type=float,
        metavar="SECONDS",
        help="with --follow, stop after SECONDS without a new line",
    )
    p.add_argument(
        "--checkpoint",
        type=Path,
        metavar="FILE",
        help="keep the position in the input and the monitor's state in FILE, and carry on "
        "from it when it exists (not with - for standard input)",
    )
    p.add_argument(
        "--checkpoint-every",
        type=int,
        default=1000,
        metavar="N",
        help="with --checkpoint, write it every N lines too (default: 1000)",
    )
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of messages")
    add_holidays_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> ExitCode:
    """Run ``egovrules watch``."""
    if args.checkpoint_every < 1:
        raise UsageError(f"--checkpoint-every must be at least 1, not {args.checkpoint_every}")
    if args.checkpoint is not None:
        _check_checkpoint_path(args.file, args.checkpoint)
    pack = load_pack(args.city).using(calendar_of(args))
    with _open(args.file) as stream:
        regular = _is_regular_file(stream)
        if args.checkpoint is not None and not regular:
            raise UsageError(
                f"--checkpoint needs a regular file: {args.file} cannot be read again from an "
                "offset"
            )
        saved = checkpoint.load(args.checkpoint) if args.checkpoint is not None else None
        position = saved.resume(args.file, stream) if saved is not None else Position()
        with _restore(pack, saved) as monitor, _StopSignals(install=regular) as stop:
            watch = _Watch(monitor, position, args)
            try:
                for raw in _lines(stream, args.follow and args.file != "-", args.idle_exit, stop):
                    if raw is _AT_END:
                        if watch.unsaved:
                            watch.save()
                        continue
                    watch.process(raw)
                ended = not stop()
            except KeyboardInterrupt:  # only where no handler is installed: stdin, a pipe
                ended = False
            except _TooLong:
                where = Span(args.file, watch.position.line + 1, 1)
                print(
                    Diagnostic(
                        "E502", f"a line longer than {MAX_BYTES} bytes: no event is", where
                    ).render(),
                    file=sys.stderr,
                )
                watch.bad += 1
                ended = False
            # --as-of moves the clock past every line: only at the real end of the input. At a
            # stop the lines not yet read would be judged late, on the restart, for nothing.
            if args.as_of is not None and ended:
                watch.raised += _emit(monitor.advance_to(args.as_of), args.lang, None)
            watch.save()
    if watch.bad:
        return ExitCode.ERROR
    return ExitCode.VIOLATIONS if watch.raised else ExitCode.OK


class _Watch:
    """One run over the input: processes lines, counts alerts and bad lines, keeps the
    position, and writes the checkpoint at the consistent points."""

    def __init__(self, monitor: Monitor, position: Position, args: argparse.Namespace) -> None:
        self.monitor = monitor
        self.position = position
        self.raised = 0
        self.bad = 0
        self.unsaved = 0  # lines processed since the checkpoint was last written
        self._name = "<stdin>" if args.file == "-" else args.file
        self._input: str = args.file
        self._path: Path | None = args.checkpoint
        self._every: int = args.checkpoint_every
        self._lang: str = args.lang

    def process(self, raw: bytes) -> None:
        """Feed one complete line (its bytes as read, newline included) and print its alerts;
        a line that cannot be used is reported and skipped. Then the line counts as processed,
        and the checkpoint is written if ``--checkpoint-every`` lines have been since."""
        number = self.position.line + 1
        text, data = "", None
        try:
            text = _decode(raw, self._name, number)
            if text.strip():
                data = _parse(text, self._name, number)
                _no_lone_surrogate(data)
                alerts = self.monitor.feed(data)
                self.raised += _emit(alerts, self._lang, number)
        except OutputClosed:
            raise
        except EgovrulesError as exc:
            self.bad += 1
            print(_positioned(exc, self._name, number, text, data), file=sys.stderr)
        self.position.advance(raw)
        self.unsaved += 1
        if self.unsaved >= self._every:
            self.save()

    def save(self) -> None:
        """Write the checkpoint (if one was asked for), once the alerts printed so far are
        out of this process: standard output flushed, and fsynced when it is a file."""
        if self._path is None:
            return
        _sync_stdout()
        state = checkpoint.record(self._input, self.position, self.monitor.snapshot())
        try:
            checkpoint.save(self._path, state)
        except OSError as exc:
            raise UsageError(
                f"cannot write the checkpoint {self._path}: {exc.strerror or exc}"
            ) from None
        self.unsaved = 0


def alert_to_dict(alert: Alert, language: str = "en", line: int | None = None) -> dict[str, Any]:
    """An alert as the JSON object ``watch`` prints; ``line`` is the input line whose
    processing raised it (None for the alerts of ``--as-of``). With line numbers carried on
    across restarts, (subject id, rule id, at, cause, line) identifies an alert: a consumer
    that de-duplicates what a restart after a crash prints again keys on it. Without the line,
    a violation cured and arising again on the same day would look like a repeat."""
    v = alert.violation
    return {
        "subject": {"id": alert.subject_id, "kind": alert.subject_kind},
        "at": alert.at.isoformat(),
        "cause": alert.cause,
        "line": line,
        "rule_id": v.rule_id,
        "concept": v.concept,
        "severity": v.severity.value,
        "message": v.message_in(language),
        "messages": dict(v.messages),
        "actor": v.actor,
        "authority": dict(v.authority) or None,
        "citation": citation_to_dict(v.citation),
        "citations": [citation_to_dict(c) for c in v.citations],
    }


class OutputClosed(UsageError):
    """Standard output was closed by its reader: the alerts written from then on reach no one,
    so watching stops, before a checkpoint could say they were delivered."""


def _emit(alerts: tuple[Alert, ...], language: str, line: int | None) -> int:
    for alert in alerts:
        data = alert_to_dict(alert, language, line)
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    if getattr(sys.stdout, "cut", False):  # the command line's stream (cli.stdout.CutStdout)
        raise OutputClosed(
            "standard output was closed: watching stopped"
            + (f" at line {line}" if line is not None else "")
            + "; a checkpoint covers only the alerts written before"
        )
    return len(alerts)


def _sync_stdout() -> None:
    """Flush standard output, and fsync it when it is a file, so that the alerts a checkpoint
    covers survive a crash of the machine as well as the checkpoint does."""
    sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a stream with no descriptor
        return
    if stat.S_ISREG(os.fstat(fd).st_mode):
        os.fsync(fd)


def _decode(raw: bytes, name: str, number: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The column in characters, as every other column (the bytes before it are UTF-8).
        column = len(raw[: exc.start].decode("utf-8")) + 1
        raise _LineError(
            Diagnostic(
                "E002",
                f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
                Span(name, number, column),
                "write events as UTF-8",
            )
        ) from None


def _parse(text: str, name: str, number: int) -> Any:
    """The JSON value of a line (``text``, which holds more than whitespace), its errors at
    their columns in the line as read (the whitespace before the value counted)."""
    line = text.strip()
    lead = _lead(text)
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        where = Span(name, number, lead + exc.colno)
        raise _LineError(Diagnostic("E500", f"not a JSON object: {exc.msg}", where)) from None
    except RecursionError:  # thousands of nested brackets
        raise _LineError(
            Diagnostic("E500", "not an event: nested too deeply", Span(name, number, lead + 1))
        ) from None
    return data


def _lead(text: str) -> int:
    """How many characters of whitespace come before the JSON of the line ``text`` (any
    whitespace ``str.strip`` removes, U+3000 and a form feed included, not only JSON's)."""
    return len(text) - len(text.lstrip())


def _no_lone_surrogate(data: Any) -> None:
    """Refuse (E013) JSON that holds a lone surrogate (``"\\ud800"``: valid JSON, but no text
    could hold it), at its string, or its key."""
    lone = lone_surrogate(data)
    if lone is not None:
        path, char, key = lone
        where = escape_surrogates(".".join(map(str, path))) or "(top level)"
        message = f"{where}: {surrogate_message(char)}"
        raise InputError([Diagnostic("E013", message, path=path, key=key)])


class _LineError(EgovrulesError):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(diagnostic.render())


def _positioned(
    exc: EgovrulesError, name: str, number: int, text: str = "", data: Any = None
) -> str:
    """The error with the file, line and column of the event it is about: the column of the
    value (or key) in the line (``text``, read as ``data``) that the error is about when it
    names one, else of the event's first character. Columns are counted in characters from
    the line's first: a line separator written raw in a string does not start one."""
    if isinstance(exc, _LineError):
        return exc.diagnostic.render()
    diagnostics = getattr(exc, "diagnostics", None)
    if not diagnostics:
        return f"{name}:{number}:1: {exc}"
    lead = _lead(text)
    event = JsonDocument(name, text[lead:], data) if data is not None else None

    def span(d: Diagnostic) -> Span:
        if event is None:
            return Span(name, number, 1)
        path = d.path if d.path is not None else ()
        return Span(name, number, lead + event.offset(path, key=d.key) + 1)

    return "\n".join(Diagnostic(d.code, d.message, span(d), d.hint).render() for d in diagnostics)


def _check_checkpoint_path(file: str, path: Path) -> None:
    """Refuse what a checkpoint cannot work with, before anything is read."""
    if file == "-":
        raise UsageError(
            "--checkpoint needs an events file: standard input cannot be read again from an offset"
        )
    if path.resolve() == Path(file).resolve():
        raise UsageError(f"--checkpoint {path} is the input itself; egovrules never writes to it")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write the checkpoint {path}: no directory {path.parent}")


def _restore(pack: Pack, saved: Checkpoint | None) -> Monitor:
    """A new monitor, or the checkpoint's (its errors as errors about the checkpoint file)."""
    if saved is None:
        return Monitor(pack)
    try:
        return Monitor(pack, saved.monitor)
    except StateError as exc:
        d = exc.diagnostics[0]
        if d.code == "E511":
            hint = (
                f"watch with the pack it was written with, or delete {saved.path} to watch "
                f"{saved.input} again from its first line with this one"
            )
        else:
            hint = f"delete {saved.path} to watch {saved.input} again from its first line"
        where = None if d.path is None else ("monitor", *d.path)
        raise saved.error(d.code, d.message, hint, where) from None


def _is_regular_file(stream: IO[bytes]) -> bool:
    try:
        return stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):  # a stream with no descriptor
        return False


class _open:
    """The input stream, in binary: a file, or standard input for ``-`` (not closed)."""

    def __init__(self, file: str) -> None:
        self._file = file
        self._stream: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        if self._file == "-":
            buffer = getattr(sys.stdin, "buffer", None)
            return buffer if buffer is not None else cast(IO[bytes], _Encoded(sys.stdin))
        try:
            self._stream = Path(self._file).open("rb")
        except OSError as exc:
            raise UsageError(f"cannot read {self._file}: {exc.strerror}") from None
        return self._stream

    def __exit__(self, *exc: object) -> None:
        if self._stream is not None:
            self._stream.close()


class _Encoded(io.RawIOBase):
    """Standard input replaced by a text stream with no binary buffer (an embedding
    application's, a test's): its lines, encoded back to UTF-8."""

    def __init__(self, text: IO[str]) -> None:
        self._text = text

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1, /) -> bytes:
        return self._text.readline().encode("utf-8")


class _StopSignals:
    """While a file is watched, SIGINT and SIGTERM ask the run to stop at the next line
    boundary (a handler sets a flag the reader checks between lines and while it sleeps);
    a second signal ends it at once, as a hard kill would. The previous handlers are put back
    afterwards. Not installed for standard input or a pipe, whose reads block: there an
    interrupt still ends the read at once (``KeyboardInterrupt``), as without a checkpoint;
    nor outside the main thread, where Python cannot install handlers."""

    def __init__(self, install: bool) -> None:
        self.requested = False
        self._install = install and threading.current_thread() is threading.main_thread()
        self._previous: dict[signal.Signals, Any] = {}

    def __enter__(self) -> _StopSignals:
        if self._install:
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)

    def __call__(self) -> bool:
        return self.requested

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise SystemExit(128 + signum)
        self.requested = True


def _lines(
    stream: IO[bytes], follow: bool, idle_exit: float | None, stop: Callable[[], bool]
) -> Iterator[bytes | None]:
    """Complete lines, as read (newline included), until the end of the input or a stop
    request; when following, ``_AT_END`` each time the end of the file is reached, then a
    wait for more. A follower leaves a last line without its newline unread: it may still be
    being written."""
    pending = b""
    idle_since = time.monotonic()
    while not stop():
        chunk = stream.readline(MAX_BYTES + 1 - len(pending))
        if chunk:
            pending += chunk
            if pending.endswith(b"\n"):
                line, pending = pending, b""
                idle_since = time.monotonic()
                yield line
            elif len(pending) > MAX_BYTES:  # /dev/zero, or no event at all: read no further
                raise _TooLong
            continue
        if not follow:
            if pending:
                yield pending
            return
        yield _AT_END
        if idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
            return
        _sleep(_POLL_SECONDS, stop)  # waiting for the file to grow, not for a deadline


class _TooLong(Exception):
    """A line past the size limit: the watch stops before it, its memory bounded."""


def _sleep(seconds: float, stop: Callable[[], bool]) -> None:
    """Sleep, waking up early for a stop request."""
    end = time.monotonic() + seconds
    while not stop():
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, _STOP_CHECK_SECONDS))
