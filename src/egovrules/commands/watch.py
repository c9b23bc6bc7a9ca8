"""``egovrules watch``: feed a stream of events (JSON lines) to a pack's monitor and print each
violation as it arises, as one JSON line.

The input is a file or ``-`` for standard input; ``--follow`` keeps reading as the file grows
(as ``tail -f`` does), until interrupted or, with ``--idle-exit``, until no line has come for
that many seconds. ``--as-of`` moves the monitor's clock to a date once the input is read, so
that the deadlines due by then fire. A line that is not a valid event is reported on standard
error as ``file:line:col: error[CODE]: message`` and skipped.

Exit status: 0 no violation arose, 1 violations arose, 2 a line could not be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from egovrules.errors import Diagnostic, EgovrulesError, UsageError
from egovrules.exitcodes import ExitCode
from egovrules.monitor import Alert
from egovrules.pack import load_pack
from egovrules.report.render.json import citation_to_dict
from egovrules.source import Span

__all__ = ["alert_to_dict", "register"]

_POLL_SECONDS = 0.2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``watch`` command."""
    p = subparsers.add_parser(
        "watch",
        help="monitor a stream of events and print violations as they arise",
        description="Feed events (JSON lines: subject_id, subject_kind, type, at, payload) to a "
        "city's rules and print each violation as a JSON line when it arises; deadlines fire "
        "on the events' own dates. See docs/monitor.md.",
    )
    p.add_argument("file", help="events file (JSON lines), or - for standard input")
    p.add_argument("--city", required=True, help="bundled pack id (or a pack file)")
    p.add_argument(
        "--as-of",
        type=_date,
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
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of messages")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> ExitCode:
    """Run ``egovrules watch``."""
    pack = load_pack(args.city)
    name = "<stdin>" if args.file == "-" else args.file
    raised = bad = 0
    with pack.monitor() as monitor, _open(args.file) as stream:
        try:
            for number, line in _lines(stream, args.follow and args.file != "-", args.idle_exit):
                try:
                    raised += _emit(monitor.feed(_parse(line, name, number)), args.lang)
                except EgovrulesError as exc:
                    bad += 1
                    print(_positioned(exc, name, number), file=sys.stderr)
        except KeyboardInterrupt:
            pass
        if args.as_of is not None:
            raised += _emit(monitor.advance_to(args.as_of), args.lang)
    if bad:
        return ExitCode.ERROR
    return ExitCode.VIOLATIONS if raised else ExitCode.OK


def alert_to_dict(alert: Alert, language: str = "en") -> dict[str, Any]:
    """An alert as the JSON object ``watch`` prints."""
    v = alert.violation
    return {
        "subject": {"id": alert.subject_id, "kind": alert.subject_kind},
        "at": alert.at.isoformat(),
        "cause": alert.cause,
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


def _emit(alerts: tuple[Alert, ...], language: str) -> int:
    for alert in alerts:
        sys.stdout.write(json.dumps(alert_to_dict(alert, language), ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return len(alerts)


def _parse(line: str, name: str, number: int) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise _LineError(
            Diagnostic("E500", f"not a JSON object: {exc.msg}", Span(name, number, exc.colno))
        ) from None


class _LineError(EgovrulesError):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(diagnostic.render())


def _positioned(exc: EgovrulesError, name: str, number: int) -> str:
    """The error with the file and line of the event it is about."""
    if isinstance(exc, _LineError):
        return exc.diagnostic.render()
    diagnostics = getattr(exc, "diagnostics", None)
    if not diagnostics:
        return f"{name}:{number}:1: {exc}"
    return "\n".join(
        Diagnostic(d.code, d.message, Span(name, number, 1), d.hint).render() for d in diagnostics
    )


class _open:
    """The input stream: a file, or standard input for ``-`` (not closed)."""

    def __init__(self, file: str) -> None:
        self._file = file
        self._stream: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if self._file == "-":
            return sys.stdin
        try:
            self._stream = Path(self._file).open(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read {self._file}: {exc.strerror}") from None
        return self._stream

    def __exit__(self, *exc: object) -> None:
        if self._stream is not None:
            self._stream.close()


def _lines(stream: IO[str], follow: bool, idle_exit: float | None) -> Iterator[tuple[int, str]]:
    """Numbered non-blank lines; when following, wait for more at the end of the file."""
    number = 0
    pending = ""
    idle_since = time.monotonic()
    while True:
        chunk = stream.readline()
        if chunk:
            pending += chunk
            if not pending.endswith("\n") and follow:
                continue  # a line still being written
            number += 1
            line, pending = pending.strip(), ""
            idle_since = time.monotonic()
            if line:
                yield number, line
            continue
        if not follow:
            if pending.strip():
                yield number + 1, pending.strip()
            return
        if idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
            return
        time.sleep(_POLL_SECONDS)  # waiting for the file to grow, not for a deadline


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
