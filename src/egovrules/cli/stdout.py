"""Standard output whose reader may go away (``egovrules check ... | head``): what is written
after the pipe closes is dropped, and the command runs to its end, so that its exit code is
its verdict and never 0 because its output was cut."""

from __future__ import annotations

import io
import os
from typing import Any, TextIO

__all__ = ["CutBytes", "CutStdout"]


class CutStdout:
    """Standard output whose reader may go away: a write or flush that finds the pipe closed
    (``BrokenPipeError``) drops it and everything after, and the stream's file is pointed at
    the null device, so that the buffered rest does not fail again when it is flushed at
    exit. The command's verdict stays its exit code (never 0 because its output was cut)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.cut = False

    def write(self, text: str) -> int:
        if not self.cut:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._cut()
        return len(text)

    def flush(self) -> None:
        if not self.cut:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._cut()

    def _cut(self) -> None:
        self.cut = True
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._stream.fileno())
            os.close(null)
        except (OSError, ValueError, io.UnsupportedOperation):
            pass  # not a file (a test's capture): nothing is flushed to it at exit

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)  # isatty, fileno, encoding: the stream's own

    @property
    def buffer(self) -> CutBytes:
        return CutBytes(self)

    def binary(self, data: bytes) -> None:
        """Write bytes (a PDF) after the text written so far."""
        if self.cut:
            return
        try:
            self._stream.flush()
            self._stream.buffer.write(data)
            self._stream.buffer.flush()
        except BrokenPipeError:
            self._cut()


class CutBytes:
    """``sys.stdout.buffer`` of ``CutStdout``: bytes dropped likewise once the reader is gone."""

    def __init__(self, text: CutStdout) -> None:
        self._text = text

    def write(self, data: bytes) -> int:
        self._text.binary(data)
        return len(data)

    def flush(self) -> None:
        self._text.flush()
