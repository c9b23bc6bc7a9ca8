"""What the process exit status of every egovrules command means."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    """Exit status; when several apply, the highest wins (3 beats 2 beats 1 beats 0)."""

    OK = 0  # every subject compliant, every pack test passed, nothing to report
    VIOLATIONS = 1  # a subject violates a rule (at the --fail-on level), or a finding
    ERROR = 2  # bad usage or bad input: something could not be judged
    INTERNAL = 3  # a bug in egovrules: an unexpected exception (never 1, never a verdict)
