"""What a rule says of a subject (``Outcome``) and how much a broken rule matters
(``Severity``): the words every stage above, from the IR to the renderers, shares."""

from __future__ import annotations

from enum import IntEnum, StrEnum

__all__ = ["Outcome", "Severity"]


class Severity(StrEnum):
    """How much a broken rule matters."""

    ERROR = "error"
    WARNING = "warning"
    ADVISORY = "advisory"


class Outcome(IntEnum):
    """What one rule says of one subject (the values are the compiled code's return codes)."""

    NOT_APPLICABLE = 0
    SATISFIED = 1
    VIOLATED = 2
    PENDING = 3
    UNDETERMINED = 4
    NOT_IN_FORCE = 5

    @property
    def label(self) -> str:
        """The lower-case name used in outputs."""
        return self.name.lower()
