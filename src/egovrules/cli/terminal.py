"""What a person at a terminal sees, and a pipe never does: colour and progress, with ``rich``.

Colour is on when stdout is a terminal, unless ``--no-color`` is given or ``NO_COLOR`` is set
to anything but the empty string (https://no-color.org); the machine formats are never
coloured. The progress bar is drawn on stderr when stderr is a terminal: files done of all,
their rate and the time left. ``rich`` is imported only then: a run in CI or in a pre-commit
hook does not pay for it at start-up.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Protocol, TextIO

__all__ = [
    "PercentBar",
    "ProgressBar",
    "colour_wanted",
    "percent_bar",
    "progress_bar",
    "write_text",
]

# (pattern, style) over a text report (report/render/text.py), in English and Chinese.
_STYLES = (
    (r"(?m)^  (ERROR|错误) ", "bold red"),
    (r"(?m)^  (WARNING|警告) ", "bold yellow"),
    (r"(?m)^  (ADVISORY|提示) ", "bold blue"),
    (r"(?m)^  (EXPIRED WAIVER|豁免已过期)", "bold red"),
    (r"(?m)^  (UPCOMING|待办|WAIVED|已豁免|UNDETERMINED|无法判定)", "bold cyan"),
    (r": (compliant|合规) \[", "green"),
    (r": (\d+ violation\(s\)|\d+ 项违规) \[", "red"),
    (r"(?m)^    (law|依据): .*$", "dim"),
    (r"(?m)^\S.*(subject\(s\) checked|共检查).*$", "bold"),
)


def colour_wanted(no_color: bool = False, stream: TextIO | None = None) -> bool:
    """True when ``stream`` (stdout) is a terminal and neither ``--no-color`` nor a non-empty
    ``NO_COLOR`` turns colour off."""
    out = sys.stdout if stream is None else stream
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(out, "isatty", lambda: False)())


def write_text(text: str, colour: bool, stream: TextIO | None = None) -> None:
    """Write a text report, coloured when ``colour``: severities, statuses, the summary."""
    out = sys.stdout if stream is None else stream
    if not colour:
        out.write(text)
        return
    from rich.console import Console  # noqa: PLC0415 - only for a terminal
    from rich.text import Text  # noqa: PLC0415

    styled = Text(text)
    for pattern, style in _STYLES:
        for match in re.finditer(pattern, text):
            start, end = match.span(1) if match.re.groups else match.span()
            styled.stylize(style, start, end)
    console = Console(file=out, force_terminal=True, highlight=False, soft_wrap=True)
    console.print(styled, end="")


class ProgressBar(Protocol):
    """What ``run_check`` reports to: files done of all, subjects checked of those read."""

    def files(self, done: int, total: int) -> None:
        """After each file."""

    def rows(self, done: int, total: int) -> None:
        """Every few hundred subjects."""


def progress_bar(stream: TextIO | None = None) -> ProgressBar | None:
    """Two bars on ``stream`` (stderr) when it is a terminal, ``None`` when piped: the files,
    and the subjects (a JSON Lines file of 200,000 rows is one file), each with its rate and
    the time left."""
    out = sys.stderr if stream is None else stream
    if not getattr(out, "isatty", lambda: False)():
        return None
    from rich.console import Console  # noqa: PLC0415 - only for a terminal
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text  # noqa: PLC0415

    class _Rate(ProgressColumn):
        """Units a second."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            shown = f"{speed:.1f} {task.description}/s" if speed else ""
            return Text(shown, style="progress.data.speed")

    progress = Progress(
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TaskProgressColumn(),
        _Rate(),
        TimeRemainingColumn(),
        console=Console(file=out, force_terminal=True),
    )
    files = progress.add_task("files", total=None)
    subjects = progress.add_task("subjects", total=None)

    class _Bar:
        def files(self, done: int, total: int) -> None:
            if not progress.live.is_started:
                progress.start()
            progress.update(files, completed=done, total=total)
            if done >= total:
                progress.stop()

        def rows(self, done: int, total: int) -> None:
            if not progress.live.is_started:
                progress.start()
            progress.update(subjects, completed=done, total=total)

    return _Bar()


class PercentBar(Protocol):
    """What an audit reports to: the share of the query done."""

    def update(self, percent: float) -> None:
        """The query is ``percent`` (0-100) done."""

    def close(self) -> None:
        """The query is over: the bar goes."""


def percent_bar(stream: TextIO | None = None) -> PercentBar | None:
    """A bar of a percentage on ``stream`` (stderr) when it is a terminal, with the time spent
    and the time left; ``None`` when piped. It is cleared when closed."""
    out = sys.stderr if stream is None else stream
    if not getattr(out, "isatty", lambda: False)():
        return None
    from rich.console import Console  # noqa: PLC0415 - only for a terminal
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("auditing"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(file=out, force_terminal=True),
        transient=True,
    )
    task = progress.add_task("audit", total=100)

    class _Bar:
        def update(self, percent: float) -> None:
            if not progress.live.is_started:
                progress.start()
            progress.update(task, completed=max(0.0, min(100.0, percent)), refresh=True)

        def close(self) -> None:
            if progress.live.is_started:
                progress.stop()

    return _Bar()
