"""What a diff returns: typed, frozen records that other systems can read without the CLI.

A ``PackDiff`` holds one ``ConceptDiff`` per concept of either pack; a ``Matrix`` holds one
``MatrixRow`` per concept of any pack, with one ``MatrixCell`` per pack. Every rule shown keeps
its citations (article label, paragraph, item, quotes and the article texts) so that each cell
can be traced to the law. The renderers in ``egovrules.diffing.render`` only format these records;
nothing here is computed at render time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

__all__ = [
    "Act",
    "Aspect",
    "CellStatus",
    "CitationView",
    "ConceptDiff",
    "Matrix",
    "MatrixCell",
    "MatrixRow",
    "NoHistory",
    "PackDiff",
    "PackRef",
    "ParameterHistory",
    "ParameterView",
    "Presence",
    "Revision",
    "RuleView",
    "SideOutcome",
    "Step",
    "StepKind",
    "Timeline",
    "Verdict",
    "Witness",
    "WitnessSearch",
]


class Presence(StrEnum):
    """Which packs have rules for a concept."""

    BOTH = "both"
    ONLY_A = "only_a"
    ONLY_B = "only_b"


class Verdict(StrEnum):
    """How two packs' obligations on one concept (or one aspect of it) compare.

    ``STRICTER_A`` means: every subject pack B finds in violation, pack A finds in violation too
    (and A is not proved equal). It is stated only where it is *proved* from the compiled
    conditions (docs/diff.md, "The decision rule"); everything else is ``INCOMPARABLE``.
    """

    SAME = "same"
    STRICTER_A = "stricter_in_a"
    STRICTER_B = "stricter_in_b"
    INCOMPARABLE = "incomparable"


class CellStatus(StrEnum):
    """A matrix cell: the pack has no rule, a rule, or a rule stricter/looser than the others."""

    ABSENT = "absent"
    PRESENT = "present"
    STRICTER = "stricter"
    LOOSER = "looser"
    MIXED = "mixed"


@dataclass(frozen=True, slots=True)
class PackRef:
    """Which pack a side of a diff is: how it was named, and what it is."""

    label: str
    """How the user named it: ``wuhan``, ``rules/wuhan.yaml``, ``wuhan@HEAD``."""
    id: str
    city: str
    city_zh: str | None
    version: str
    content_hash: str
    effective: dt.date | None
    language: str
    """The language of the pack's primary source text (its quotes are the law's own words)."""


@dataclass(frozen=True, slots=True)
class CitationView:
    """A citation with the words of the law: the quote and the whole article, per language."""

    article: int
    label: str
    paragraph: int | None
    item: int | None
    quotes: tuple[tuple[str, str], ...]
    """(language, quoted words), in the pack's language order."""
    article_texts: tuple[tuple[str, str], ...]
    """(language, whole article text)."""
    original_language: str
    """The language the regulation was published in as the pack has it (its source)."""
    sources: tuple[str, ...] = ()
    """Every language whose quote is a source text's own words (empty: only the original);
    a quote in another language is the pack's translation."""

    def is_source(self, language: str) -> bool:
        """Whether the quote in ``language`` is a source's own words, not a translation."""
        return language in (self.sources or (self.original_language,))

    @property
    def where(self) -> str:
        """``第十五条 ¶2 item 1`` style locator."""
        out = self.label
        if self.paragraph is not None:
            out += f" ¶{self.paragraph}"
        if self.item is not None:
            out += f" item {self.item}"
        return out

    def quote_in(self, language: str) -> str | None:
        """The quote in ``language``, if the pack gives it."""
        return dict(self.quotes).get(language)

    def article_in(self, language: str) -> str | None:
        """The article text in ``language``, if the pack gives it."""
        return dict(self.article_texts).get(language)


@dataclass(frozen=True, slots=True)
class ParameterView:
    """A parameter a rule uses, with its value, unit and the article that fixes it."""

    name: str
    unit: str
    value: str
    """The value as a person reads it: ``15 calendar days``, ``09-30 each year``, ``0.1 ratio``."""
    raw: str | int | None
    """The value for machines: an integer, or a string (decimals, dates, month-days, ids)."""
    label: str | None
    citation: CitationView | None


@dataclass(frozen=True, slots=True)
class RuleView:
    """One rule of one side, as a lawyer reads it."""

    id: str
    subject: str
    severity: str
    confidence: str
    title: str | None
    applies_when: str
    requires: str
    deadline: str | None
    """The period or annual date of a deadline rule, in words; ``None`` for other rules."""
    parameters: tuple[ParameterView, ...]
    approvers: tuple[tuple[str, str], ...]
    """(authority id, its English name) the rule names: approvers, recipients, organisers."""
    citations: tuple[CitationView, ...]
    in_force_from: dt.date | None
    binds: str | None = None
    """Whom the rule's article binds (its scope, with the citation that names the bodies);
    ``None`` when the article binds any subject of its kind."""
    statement: tuple[tuple[str, str], ...] = ()
    """(language, sentence): what the rule requires in words, in English and Chinese
    (``egovrules.ir.words.rule_statement``); ``applies_when`` and ``requires`` keep the
    expression for engineers."""

    def statement_in(self, language: str) -> str:
        """The rule in words in ``language`` (``""`` when it has none)."""
        return dict(self.statement).get(language, "")


@dataclass(frozen=True, slots=True)
class Aspect:
    """One difference between the two sides of a concept: what each says, and which is
    stricter taken alone (``None``: the aspect is informational, it ranks nothing)."""

    name: str
    """``subject``, ``scope`` (whom each text binds), ``applies_when``, ``requires``,
    ``deadline``, ``parameter``, ``approvers``, ``severity``, ``citation`` or ``rule`` (a rule
    with no counterpart)."""
    a: str
    b: str
    verdict: Verdict | None
    reason: str
    rules: tuple[str, str]
    """The rule ids compared (``""`` on a side with no counterpart)."""


@dataclass(frozen=True, slots=True)
class SideOutcome:
    """What one pack says of a witness subject on the concept."""

    outcome: str
    """``violated``, ``satisfied``, ``not_applicable`` or ``no_rule`` (the pack has no rule
    for this concept and subject kind)."""
    rules: tuple[tuple[str, str], ...]
    """(rule id, outcome) for each of the pack's rules on the concept for this kind."""
    messages: tuple[str, ...]
    """The violation messages (English), each prefixed with its rule id."""
    articles: tuple[str, ...]
    """Article locators of the violated rules."""


@dataclass(frozen=True, slots=True)
class Witness:
    """A concrete subject that one pack rejects and the other accepts, proved by running
    both packs on it with ``Pack.check``."""

    rejected_by: Literal["a", "b"]
    kind: str
    as_of: dt.date
    base: str
    """Where the subject came from: a fixture or a test case of one of the packs."""
    changes: tuple[tuple[str, str], ...]
    """(dotted path, value as text) applied to the base; ``@as_of`` for the evaluation date."""
    subject: Mapping[str, Any]
    """The subject as JSON-ready data (``parse_subject`` reads it back)."""
    facts: tuple[tuple[str, str], ...]
    """(dotted path, value as text) of the fields the concept's rules read, in the subject."""
    a: SideOutcome
    b: SideOutcome

    @property
    def description(self) -> str:
        """``hohhot fixture website_ok with maintainer.kind = person``."""
        if not self.changes:
            return self.base
        return f"{self.base} with " + ", ".join(f"{p} = {v}" for p, v in self.changes)


@dataclass(frozen=True, slots=True)
class WitnessSearch:
    """How far the witness search went on a concept."""

    searched: bool
    """False when no search was run (equivalence proved, or witnesses not asked for)."""
    candidates: int
    """Valid candidate subjects both packs were run on."""
    limit: int
    found_a: bool
    """A subject was found that pack A rejects and pack B accepts."""
    found_b: bool
    """A subject was found that pack B rejects and pack A accepts."""
    note: str
    """The result in words, honest about the search's reach."""


@dataclass(frozen=True, slots=True)
class ConceptDiff:
    """One concept across the two packs."""

    concept: str
    title: str
    title_zh: str | None
    kinds: tuple[str, ...]
    presence: Presence
    verdict: Verdict | None
    """``None`` when the concept is in one pack only."""
    reason: str
    """Why the verdict holds (or why none could be proved)."""
    rules_a: tuple[RuleView, ...]
    rules_b: tuple[RuleView, ...]
    aspects: tuple[Aspect, ...]
    witnesses: tuple[Witness, ...]
    search: WitnessSearch
    timeline: Timeline | None = None
    """The concept's acts and each side's days between them, when it has any and the diff was
    asked for pictures (``diff(..., pictures=True)``; the HTML diff shows it)."""
    histories: tuple[ParameterHistory | NoHistory, ...] = ()
    """With pictures: the history of each parameter the timeline's steps use, per side."""

    @property
    def differs(self) -> bool:
        """True unless both packs have the concept with the same obligation and no aspect
        differs."""
        return (
            self.presence is not Presence.BOTH
            or self.verdict is not Verdict.SAME
            or any(self.aspects)
        )


@dataclass(frozen=True, slots=True)
class PackDiff:
    """Two packs compared concept by concept."""

    a: PackRef
    b: PackRef
    concepts: tuple[ConceptDiff, ...]
    seed: int
    max_candidates: int

    def concept(self, concept: str) -> ConceptDiff:
        """The diff of one concept; ``KeyError`` if neither pack has it."""
        for c in self.concepts:
            if c.concept == concept:
                return c
        raise KeyError(concept)

    def count(self, presence: Presence | None = None, verdict: Verdict | None = None) -> int:
        """How many concepts have this presence and/or verdict."""
        return sum(
            1
            for c in self.concepts
            if (presence is None or c.presence is presence)
            and (verdict is None or c.verdict is verdict)
        )


@dataclass(frozen=True, slots=True)
class MatrixCell:
    """How one pack handles one concept."""

    pack: str
    status: CellStatus
    rules: tuple[RuleView, ...]
    stricter_than: tuple[str, ...]
    """Labels of the packs this one is proved stricter than on the concept."""
    looser_than: tuple[str, ...]

    @property
    def summary(self) -> str:
        """The parameters (or, without any, the first rule's requirement) in a few words."""
        params = [f"{p.value}" for r in self.rules for p in r.parameters if p.unit != "text"]
        if params:
            return "; ".join(dict.fromkeys(params))
        return self.rules[0].requires if self.rules else ""

    @property
    def articles(self) -> tuple[str, ...]:
        """Article locators cited by the cell's rules, in order, without repeats."""
        return tuple(dict.fromkeys(c.where for r in self.rules for c in r.citations))


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One concept across every pack."""

    concept: str
    title: str
    title_zh: str | None
    kinds: tuple[str, ...]
    cells: tuple[MatrixCell, ...]


@dataclass(frozen=True, slots=True)
class Matrix:
    """Concepts × packs."""

    packs: tuple[PackRef, ...]
    rows: tuple[MatrixRow, ...]


# ---- pictures: a deadline timeline and a parameter's history ----------------------------------

StepKind = Literal["within", "annual", "order"]


@dataclass(frozen=True, slots=True)
class Act:
    """One act on the timeline: the date field that records it, and its name in words."""

    key: str
    """The date it is read from: ``construction_start_date``, ``approvals[kind=expert_review]
    .date`` (an item of a list, with what its ``where`` asks of the item)."""
    en: str
    zh: str
    stage: int
    """Where the act comes in the life of what it concerns (a project, a plan, a network):
    acts no step orders are shown in this order."""

    def label(self, language: Literal["en", "zh"]) -> str:
        """The act's name in ``language``."""
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True, slots=True)
class Step:
    """What one rule of one city says of the time between two acts."""

    pack: PackRef
    rule_id: str
    concept: str
    kind: StepKind
    before: Act | None
    """The act the period runs from, or that must come first (``None``: an annual date)."""
    after: Act
    """The act that must come in time, or second."""
    amount: int | None
    """The length of a ``within`` period, in ``unit``; ``None`` otherwise."""
    unit: str | None
    """``calendar_days``, ``working_days``, ``hours``, ``months`` or ``years`` (``within``)."""
    month_day: tuple[int, int] | None
    """(month, day) of an ``annual`` deadline."""
    year_offset: int | None
    """The year of an annual deadline relative to the year ``year_of`` holds (-1: the year
    before the plan year); ``None`` when it is not that simple."""
    year_of: str | None
    """The field the annual deadline's year is counted from (``declaration.plan_year``)."""
    parameter: str | None
    """The pack parameter that fixes the period or the date, if any."""
    citation: CitationView | None
    """The rule's first citation (the article that decides the step)."""
    strict: bool = False
    """An ``order`` step whose ``after`` must fall strictly after ``before`` (not the same
    day); ``False``: on the same day or later."""

    @property
    def days(self) -> int | None:
        """The period in days when it is counted in days (calendar or working), else None."""
        return self.amount if self.unit in ("calendar_days", "working_days") else None


@dataclass(frozen=True, slots=True)
class Timeline:
    """A concept's or a family's acts in the order a lawyer follows them, and every city's
    steps between them."""

    name: str
    """The concept id or the family asked for."""
    title_en: str
    title_zh: str
    packs: tuple[PackRef, ...]
    acts: tuple[Act, ...]
    """Every act a step names, ordered so that each step's ``before`` comes before its
    ``after`` wherever the steps allow it (first seen first otherwise)."""
    steps: tuple[Step, ...]

    def steps_of(self, pack: PackRef) -> tuple[Step, ...]:
        """The steps of one of the packs (by its label: two revisions of one city are two)."""
        return tuple(s for s in self.steps if s.pack.label == pack.label)


@dataclass(frozen=True, slots=True)
class Revision:
    """The parameter at one revision of the pack file."""

    revision: str
    """The full commit id (or the revision as the caller gave it, when git cannot resolve it
    to one)."""
    short: str
    date: dt.date | None
    """The commit's date (committer date)."""
    subject: str
    """The commit message's first line."""
    value: str | None
    """The value as the pack file writes it (an amended parameter's dated values as
    ``from 2004-08-01: 15; from 2020-01-01: 10``); ``None`` where the parameter is absent."""
    unit: str | None
    absent: str | None = None
    """Why there is no value: ``no such parameter``, ``no pack file``, ``not a pack file``."""


@dataclass(frozen=True, slots=True)
class ParameterHistory:
    """A parameter over the pack file's revisions, oldest first."""

    ref: str
    parameter: str
    file: str
    """The pack file's path as git names it, relative to its folder."""
    revisions: tuple[Revision, ...]

    def changes(self) -> tuple[Revision, ...]:
        """The revisions whose value differs from the one before (the first always)."""
        out: list[Revision] = []
        for r in self.revisions:
            if not out or out[-1].value != r.value:
                out.append(r)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class NoHistory:
    """No history could be read: the pack is not in a git checkout (an installed package),
    git is not installed, or git has no commit of the file."""

    ref: str
    parameter: str
    reason: str
