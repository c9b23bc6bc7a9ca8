"""What the explorer shows, gathered once: the packs (their articles, rules, parameters and
tests), the concept vocabulary, the matrix and the diff of every pair of packs with its proofs
and witnesses, each concept's deadline timeline and each parameter's history over the pack
file's git revisions (read-only, for the bundled packs). Pure data from the public API of
``egovrules.diffing`` and ``engine``; nothing is rendered here, and nothing is read but the
packs given, their files' history and the bundled vocabulary."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from egovrules.diffing.compare import diff, matrix
from egovrules.diffing.history import parameter_history
from egovrules.diffing.model import (
    CellStatus,
    ConceptDiff,
    Matrix,
    MatrixRow,
    NoHistory,
    PackDiff,
    PackRef,
    ParameterHistory,
    Presence,
    Verdict,
    Witness,
)
from egovrules.diffing.timeline import Timeline, timeline
from egovrules.engine.pack import Pack
from egovrules.ir.nodes import ArticleIR, RuleIR
from egovrules.packdata.model import TestCaseModel
from egovrules.packdata.vocabulary import Concept, load_vocabulary
from egovrules.source.errors import UsageError

__all__ = ["Comparison", "Corpus", "gather"]

# A witness search per concept and pair: enough to find the usual counter-example, bounded so
# that a server builds its site in seconds.
WITNESS_CANDIDATES = 40


@dataclass(frozen=True, slots=True)
class Comparison:
    """One concept of pack ``here`` against pack ``other``, seen from ``here``."""

    other: str
    verdict: str
    """``stricter`` (here is), ``looser``, ``same``, ``incomparable`` or ``absent`` (the other
    pack has no rule on the concept)."""
    reason: str
    witnesses: tuple[Witness, ...]
    concept: ConceptDiff | None
    flipped: bool
    """``here`` is side b of ``concept``."""
    sides: tuple[PackRef, PackRef]
    """Sides a and b of the diff ``concept`` comes from."""


@dataclass(frozen=True)
class Corpus:
    """Everything the pages are built from."""

    packs: tuple[Pack, ...]
    matrix: Matrix
    diffs: Mapping[tuple[str, str], PackDiff]
    concepts: Mapping[str, Concept]
    _rules: dict[str, tuple[Pack, RuleIR]] = field(default_factory=dict)
    _timelines: dict[str, Timeline | None] = field(default_factory=dict)
    _histories: dict[tuple[str, str], ParameterHistory | NoHistory] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for pack in self.packs:
            for rule in pack.rules:
                self._rules[rule.id] = (pack, rule)

    def pack(self, pack_id: str) -> Pack:
        """The pack ``pack_id`` (``KeyError`` if the corpus has none)."""
        for pack in self.packs:
            if pack.id == pack_id:
                return pack
        raise KeyError(pack_id)

    def rule(self, rule_id: str) -> tuple[Pack, RuleIR]:
        """The rule ``rule_id`` and its pack."""
        return self._rules[rule_id]

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Every rule of every pack."""
        return tuple(self._rules)

    def rows(self) -> list[MatrixRow]:
        """The matrix rows as a lawyer wants them: the concepts most cities regulate first,
        then those with proved differences, then by id."""

        def key(row: MatrixRow) -> tuple[int, int, str]:
            present = sum(c.status is not CellStatus.ABSENT for c in row.cells)
            proved = sum(len(c.stricter_than) + len(c.looser_than) for c in row.cells)
            return (-present, -proved, row.concept)

        return sorted(self.matrix.rows, key=key)

    def row(self, concept: str) -> MatrixRow:
        """The matrix row of ``concept``."""
        return next(r for r in self.matrix.rows if r.concept == concept)

    def compare(self, here: str, other: str, concept: str) -> Comparison:
        """``concept`` in pack ``here`` against pack ``other``."""
        flipped = (other, here) in self.diffs
        d = self.diffs[(other, here) if flipped else (here, other)]
        found = next((c for c in d.concepts if c.concept == concept), None)
        if found is None or found.presence is not Presence.BOTH:
            return Comparison(other, "absent", "", (), found, flipped, (d.a, d.b))
        mine, theirs = (Verdict.STRICTER_B, Verdict.STRICTER_A)
        if not flipped:
            mine, theirs = theirs, mine
        verdict = {
            mine: "stricter",
            theirs: "looser",
            Verdict.SAME: "same",
        }.get(found.verdict or Verdict.INCOMPARABLE, "incomparable")
        return Comparison(other, verdict, found.reason, found.witnesses, found, flipped, (d.a, d.b))

    def timeline(self, concept: str) -> Timeline | None:
        """The deadline timeline of ``concept`` across the packs (``None``: no rule on it
        counts days or orders acts)."""
        if concept not in self._timelines:
            self._timelines[concept] = timeline(self.packs, concept)
        return self._timelines[concept]

    def history(self, pack_id: str, parameter: str) -> ParameterHistory | NoHistory:
        """``parameter`` of the bundled pack ``pack_id`` over its file's git revisions
        (``NoHistory`` outside a git checkout, with the reason)."""
        key = (pack_id, parameter)
        if key not in self._histories:
            try:
                self._histories[key] = parameter_history(pack_id, parameter)
            except UsageError as exc:  # a pack that is not a bundled one has no file to read
                self._histories[key] = NoHistory(pack_id, parameter, str(exc))
        return self._histories[key]

    def citing(self, pack_id: str, article: int) -> list[RuleIR]:
        """The rules of ``pack_id`` that cite ``article``, in pack order."""
        return [
            r for r in self.pack(pack_id).rules if any(c.article == article for c in r.citations)
        ]

    def article(self, pack_id: str, number: int) -> ArticleIR:
        """The article ``number`` of ``pack_id`` (``StopIteration`` if it has none)."""
        return next(a for a in self.pack(pack_id).ruleset.articles if a.number == number)

    def tests_of(self, pack_id: str, rule_id: str) -> list[tuple[TestCaseModel, str]]:
        """The pack's test cases that name ``rule_id``, each with the outcome it expects."""
        out = []
        for case in self.pack(pack_id).tests.cases:
            for outcome in ("violations", "pending", "undetermined", "not_applicable"):
                if rule_id in (getattr(case, outcome) or ()):
                    out.append((case, outcome))
        return out


def gather(packs: Sequence[Pack]) -> Corpus:
    """The corpus of ``packs``: their matrix, every pair's diff with witnesses, the
    vocabulary."""
    pairs = {
        (a.id, b.id): diff(a, b, max_candidates=WITNESS_CANDIDATES)
        for a, b in itertools.combinations(packs, 2)
    }
    return Corpus(
        packs=tuple(packs),
        matrix=matrix(list(packs)),
        diffs=pairs,
        concepts=load_vocabulary().concepts,
    )
