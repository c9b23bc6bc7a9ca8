"""What ``egovrules analyze`` reports: findings about one pack, each with its proof status."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum
from typing import Any

from egovrules.source.span import Span

__all__ = ["LEVELS", "Finding", "Kind", "PackAnalysis", "Status", "Witness"]


class Kind(StrEnum):
    """The defects ``analyze`` looks for."""

    NEVER_APPLIES = "never-applies"
    """No subject and no date make the rule apply (its ``when`` can never hold)."""
    NOT_IN_FORCE_EVER = "never-in-force"
    """The rule's ``when`` can hold, but never on a date the law is in force."""
    NEVER_MET = "never-met"
    """The rule applies to some subject, but no subject it applies to can meet it."""
    NEVER_VIOLATED = "never-violated"
    """The rule applies to some subject, and every subject it applies to meets it."""
    CONTRADICTION = "contradiction"
    """Two rules apply together to some subject, and no subject meets both."""
    REDUNDANT = "redundant"
    """Every violation of the rule is also a violation of another rule of the same severity."""
    DUPLICATE = "duplicate"
    """Two rules say exactly the same thing of the same subjects."""
    SHADOWED_BY_WAIVER = "shadowed-by-waiver"
    """A waivers-file entry waives the rule for every subject."""
    UNUSED_PARAMETER = "unused-parameter"
    UNUSED_ARTICLE = "unused-article"
    UNUSED_CONCEPT = "unused-concept"


class Status(StrEnum):
    """How a finding is known."""

    PROVED = "proved"
    """By z3 (an unsatisfiable formula under a sound encoding) or by a static fact, together
    with a witness where the finding also claims that something can happen."""
    NOT_PROVED = "not proved"
    """The solver could not decide (a construct outside the encoding, or a time-out)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Witness:
    """A subject and date the Python backend judged as the finding says."""

    subject: dict[str, Any]
    as_of: dt.date
    outcomes: tuple[tuple[str, str], ...]
    """The outcome of each rule of the finding, as the Python backend gave it."""


LEVELS: dict[Kind, str] = {
    Kind.NEVER_APPLIES: "error",
    Kind.NOT_IN_FORCE_EVER: "error",
    Kind.NEVER_MET: "error",
    Kind.NEVER_VIOLATED: "error",
    Kind.CONTRADICTION: "error",
    Kind.REDUNDANT: "warning",
    Kind.DUPLICATE: "warning",
    Kind.SHADOWED_BY_WAIVER: "warning",
    Kind.UNUSED_PARAMETER: "note",
    Kind.UNUSED_ARTICLE: "note",
    Kind.UNUSED_CONCEPT: "note",
}
"""How much each kind of finding matters (``--fail-on`` compares against it)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    """One defect of one pack."""

    kind: Kind
    subjects: tuple[str, ...]
    """The rule ids (or parameter names, article numbers, concept ids) it is about."""
    message: str
    status: Status
    span: Span | None
    witness: Witness | None = None

    @property
    def level(self) -> str:
        """``error``, ``warning`` or ``note``."""
        return LEVELS[self.kind]


@dataclasses.dataclass(frozen=True, slots=True)
class PackAnalysis:
    """Everything ``analyze`` found in one pack, and what it could not decide."""

    pack_id: str
    pack_hash: str
    file: str | None
    rules: int
    findings: tuple[Finding, ...]
    undecided: tuple[tuple[str, str], ...]
    """(rule id, why) for each rule the solver could not follow."""
    queries: int
    seconds: float
