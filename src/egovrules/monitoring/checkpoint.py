"""Checkpoints of ``egovrules watch --checkpoint``: how far into its input a watch had got, and
the monitor's state there, so that a restart carries on from that line and loses no event.

A checkpoint is one JSON object (``FORMAT`` names its layout; keys are written sorted)::

    {"format": "egovrules.watch-checkpoint/1",
     "input": "events.jsonl",                  # as given on the command line
     "resolved": "/srv/feeds/events.jsonl",    # its absolute path: a restart must name it
     "offset": 18342,                          # bytes, just after the last line processed
     "line": 120,                              # lines processed (the next one is line 121)
     "identity": {"head_bytes": 4096, "head_sha256": "...",
                  "tail_bytes": 4096, "tail_sha256": "..."},
     "monitor": {...}}                         # Monitor.snapshot() (egovrules.monitoring.state)

**Identity.** ``head`` is the first (up to) 4096 bytes of the input and ``tail`` the (up to)
4096 bytes before ``offset``, both as they were read and processed, hashed with sha256. Both
lie before the offset, so appending to the input never changes them. A restart refuses
(``E512``) an input that is shorter than the offset or whose bytes there differ: a truncated,
rotated or rewritten file, whose lines after the offset do not continue those the monitor saw.

**Atomic writes.** ``save`` writes a temporary file in the checkpoint's directory, flushes and
fsyncs it, renames it over the checkpoint (``os.replace``) and fsyncs the directory: a crash at
any moment leaves the previous checkpoint or the new one, whole, never a mixture.

Errors are ``CheckpointError`` (an ``InputError``) positioned in the checkpoint file, each with
a hint saying what to do: ``E510`` a checkpoint that cannot be read or is not one (its monitor
state included), ``E511`` one taken with another pack (at the value of ``monitor.pack`` that
differs), ``E512`` an input that has changed (at the ``resolved`` path, the ``offset`` or the
identity hash that no longer holds). An
``E510`` about one value is placed at it (``monitor.subjects.3.violated.0``); a key written twice
is one (a checkpoint is the monitor's memory: ``json.loads`` would keep the later value, and
the watch carry on from a state no monitor ever had).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from egovrules.source.document import surrogate_message
from egovrules.source.errors import Diagnostic, InputError
from egovrules.source.json_faults import DuplicateKey, json_faults
from egovrules.source.json_spans import JsonDocument
from egovrules.source.lines import line_starts, position
from egovrules.source.span import Span

__all__ = [
    "FORMAT",
    "IDENTITY_BYTES",
    "Checkpoint",
    "CheckpointError",
    "Position",
    "load",
    "record",
    "save",
]

FORMAT = "egovrules.watch-checkpoint/1"
IDENTITY_BYTES = 4096


class CheckpointError(InputError):
    """A checkpoint that cannot be used: unreadable, not a checkpoint, of another pack, or of
    an input that has changed since it was written."""


class Position:
    """How far into the input the watch has got: the byte offset just after the last line
    processed, the number of lines processed, and the bytes the identity hashes (the first
    ``IDENTITY_BYTES`` of the input and the last ``IDENTITY_BYTES`` before the offset)."""

    def __init__(
        self, offset: int = 0, line: int = 0, head: bytes = b"", tail: bytes = b""
    ) -> None:
        self.offset = offset
        self.line = line
        self._head = bytearray(head)
        self._tail = bytearray(tail)

    def advance(self, raw: bytes) -> None:
        """One more line processed: its bytes as read, newline included."""
        self.offset += len(raw)
        self.line += 1
        if len(self._head) < IDENTITY_BYTES:
            self._head += raw[: IDENTITY_BYTES - len(self._head)]
        self._tail += raw[-IDENTITY_BYTES:]
        del self._tail[:-IDENTITY_BYTES]

    def identity(self) -> dict[str, Any]:
        """The identity of the input's bytes before the offset."""
        return _identity(bytes(self._head), bytes(self._tail))


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A checkpoint as read from its file (``path``), and the file's text and data, to place
    an error about one of its values."""

    path: Path
    input: str
    resolved: str
    offset: int
    line: int
    identity: dict[str, Any]
    monitor: dict[str, Any]
    text: str = field(default="{}", repr=False, compare=False)
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def resume(self, input_path: str, stream: IO[bytes]) -> Position:
        """The position to carry on from in ``stream`` (the input, open in binary), once it is
        checked to be the input the checkpoint was written for, unchanged up to the offset
        (``E512`` otherwise). Leaves the stream at the offset."""
        resolved = str(Path(input_path).resolve())
        if resolved != self.resolved:
            raise self.error(
                "E512",
                f"the checkpoint was written for the input {self.resolved}, not {resolved}",
                f"watch {self.resolved} with it, or give this input a checkpoint of its own",
                ("resolved",),
            )
        size = os.fstat(stream.fileno()).st_size
        if size < self.offset:
            raise self.error(
                "E512",
                f"{input_path} is {size} bytes long, shorter than the {self.offset} bytes "
                f"already watched (line {self.line}): it was truncated, rotated or rewritten",
                self._start_over(),
                ("offset",),
            )
        tail_start = max(self.offset - IDENTITY_BYTES, 0)
        stream.seek(0)
        head = stream.read(min(self.offset, IDENTITY_BYTES))
        stream.seek(tail_start)
        tail = stream.read(self.offset - tail_start)
        found = _identity(head, tail)
        if found != self.identity:
            # At the first saved hash (or length) that the input's bytes do not match.
            differs = next((k for k in sorted(found) if self.identity.get(k) != found[k]), None)
            raise self.error(
                "E512",
                f"the bytes of {input_path} before offset {self.offset} (line {self.line}) are "
                "not those already watched: it was rotated or rewritten",
                self._start_over(),
                ("identity",) if differs is None else ("identity", differs),
            )
        stream.seek(self.offset)
        return Position(self.offset, self.line, head, tail)

    def error(
        self,
        code: str,
        message: str,
        hint: str | None = None,
        where: tuple[Any, ...] | None = None,
    ) -> CheckpointError:
        """An error about this checkpoint, positioned at its file, or at the value at ``where``
        (keys and indexes, ``("monitor", "clock")``) in it."""
        span = None if where is None else _span(self.path, self.text, self.data, where)
        return error(self.path, code, message, span, hint)

    def _start_over(self) -> str:
        return (
            "a rotated input is a new input: watch the new file with a new checkpoint; or "
            f"delete {self.path} to watch {self.input} again from its first line (the alerts "
            "already printed are printed again)"
        )


def record(input_path: str, position: Position, monitor: dict[str, Any]) -> dict[str, Any]:
    """The checkpoint of a watch of ``input_path`` that has processed the lines up to
    ``position``, its monitor in the state ``monitor`` (``Monitor.snapshot()``)."""
    return {
        "format": FORMAT,
        "input": input_path,
        "resolved": str(Path(input_path).resolve()),
        "offset": position.offset,
        "line": position.line,
        "identity": position.identity(),
        "monitor": monitor,
    }


def load(path: Path) -> Checkpoint | None:
    """The checkpoint in ``path``, or None when there is none yet (``E510`` when the file
    cannot be read or is not a checkpoint)."""
    hint = f"delete {path} to start over from the first line of the input"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise error(path, "E510", "not a checkpoint: not UTF-8", hint=hint) from None
    except OSError as exc:
        raise error(path, "E510", f"cannot read the checkpoint: {exc.strerror}") from None
    try:
        try:
            data = json.loads(text, object_pairs_hook=_mapping)
        except _Duplicate:
            json.loads(text)  # all of it JSON (else that error, below) before faults are sought
            raise _fault(path, text, hint) from None
    except json.JSONDecodeError as exc:
        where = Span(str(path), exc.lineno, exc.colno)
        raise error(path, "E510", f"not a checkpoint: {exc.msg}", where, hint) from None
    except RecursionError:
        raise error(path, "E510", "not a checkpoint: nested too deeply", hint=hint) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        where = _span(path, text, data, ("format",))  # or the mapping without it, the value
        message = f"not a checkpoint of format {FORMAT!r} (format: {found!r})"
        raise error(path, "E510", message, where, hint)
    try:
        checkpoint = Checkpoint(
            path=path,
            input=_get(data, "input", str),
            resolved=_get(data, "resolved", str),
            offset=_get(data, "offset", int),
            line=_get(data, "line", int),
            identity=_get(data, "identity", dict),
            monitor=_get(data, "monitor", dict),
            text=text,
            data=data,
        )
    except _Wrong as exc:
        where = _span(path, text, data, (exc.key,))
        raise error(path, "E510", f"not a valid checkpoint: {exc}", where, hint) from None
    for key in ("offset", "line"):
        if data[key] < 0:
            where = _span(path, text, data, (key,))
            raise error(path, "E510", f"not a valid checkpoint: a negative {key}", where, hint)
    return checkpoint


def save(path: Path, checkpoint: dict[str, Any]) -> None:
    """Write ``checkpoint`` to ``path`` atomically: a temporary file in the same directory,
    flushed and fsynced, renamed over ``path``, the directory fsynced. A crash leaves the old
    checkpoint or the new one, never a mixture. ``OSError`` when it cannot be written."""
    text = json.dumps(checkpoint, ensure_ascii=False, sort_keys=True) + "\n"
    directory = path.parent
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(directory)


def error(
    path: Path, code: str, message: str, span: Span | None = None, hint: str | None = None
) -> CheckpointError:
    """An error about the checkpoint in ``path`` (at its start unless ``span`` says where)."""
    return CheckpointError([Diagnostic(code, message, span or Span(str(path), 1, 1), hint)])


def _identity(head: bytes, tail: bytes) -> dict[str, Any]:
    return {
        "head_bytes": len(head),
        "head_sha256": hashlib.sha256(head).hexdigest(),
        "tail_bytes": len(tail),
        "tail_sha256": hashlib.sha256(tail).hexdigest(),
    }


class _Wrong(ValueError):
    """A key of the checkpoint whose value is missing or of the wrong type."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def _get(data: dict[str, Any], key: str, kind: type) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _Wrong(key, f"{key!r} should be a {kind.__name__}, not {str(value)[:60]!r}")
    return value


class _Duplicate(ValueError):
    """A mapping of the checkpoint has a key twice."""


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Duplicate
    return out


def _fault(path: Path, text: str, hint: str) -> CheckpointError:
    """The error for the first key written twice in ``text`` (or the lone surrogate before
    it, which ends ``json_faults``' walk), at its place."""
    fault = json_faults(text)[0]
    lines = line_starts(text)
    where = Span(str(path), *position(lines, fault.at))
    if isinstance(fault, DuplicateKey):
        first = Span(str(path), *position(lines, fault.first_at))
        message = (
            f"duplicate key {fault.key!r} (first defined at line {first.line}, column "
            f"{first.col}): a checkpoint that was tampered with or corrupted"
        )
    else:
        message = surrogate_message(fault.char)
    return error(path, "E510", f"not a checkpoint: {message}", where, hint)


def _span(path: Path, text: str, data: dict[str, Any], where: tuple[Any, ...]) -> Span:
    """The span of the value at ``where`` in the checkpoint (or of its nearest ancestor)."""
    return JsonDocument(str(path), text, data).span(where)


def _sync_directory(directory: Path) -> None:
    """Make the rename durable where a directory can be opened and fsynced (POSIX)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
