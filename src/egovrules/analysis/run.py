"""The analysis of one pack: each rule alone, then each pair of rules on the same subjects.

Every claim of impossibility is an unsatisfiable z3 query under the sound encoding of
``analysis.smt``; every claim that something can happen (two rules apply together, a rule
applies) is a subject the Python backend was run on (``analysis.witness``). A query the solver
cannot decide, or a rule outside the encoding, is "not proved" and claims nothing.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Mapping, Sequence

import z3

from egovrules.analysis.findings import Finding, Kind, PackAnalysis, Status, Witness
from egovrules.analysis.smt import Encoder, Unsupported
from egovrules.analysis.statics import duplicates, unused_articles, unused_parameters
from egovrules.analysis.witness import build_witness
from egovrules.engine.pack import Pack
from egovrules.ir.nodes import RuleIR
from egovrules.law.verdict import Outcome
from egovrules.subjects import SUBJECT_MODELS

__all__ = ["DEFAULT_TIMEOUT_MS", "analyze_pack"]

DEFAULT_TIMEOUT_MS = 5000
_ALONE = frozenset({Kind.NEVER_APPLIES, Kind.NOT_IN_FORCE_EVER, Kind.NEVER_MET})
_APPLY = frozenset({Outcome.SATISFIED, Outcome.VIOLATED, Outcome.PENDING})


class _Query:
    """One satisfiability question over a fresh encoder."""

    def __init__(self, pack: Pack, kind: str, timeout_ms: int) -> None:
        self.pack = pack
        self.kind = kind
        self.enc = Encoder(SUBJECT_MODELS[kind])
        self.timeout_ms = timeout_ms
        self.solver: z3.Solver | None = None

    def check(self, *formulas: z3.BoolRef) -> tuple[z3.CheckSatResult, z3.ModelRef | None]:
        solver = z3.Solver()
        solver.set("timeout", self.timeout_ms)
        solver.add(*formulas, *self.enc.finish())
        result = solver.check()
        self.solver = solver
        return result, solver.model() if result == z3.sat else None

    def witness(
        self,
        model: z3.ModelRef,
        rules: tuple[str, ...],
        expect: Callable[[Mapping[str, Outcome]], bool],
    ) -> Witness | None:
        return build_witness(
            self.pack, self.kind, self.enc, model, rules=rules, expect=expect, solver=self.solver
        )


class _Analysis:
    def __init__(self, pack: Pack, timeout_ms: int) -> None:
        self.pack = pack
        self.timeout_ms = timeout_ms
        self.findings: list[Finding] = []
        self.undecided: dict[str, str] = {}
        self.queries = 0

    def ask(
        self, rules: Sequence[RuleIR], build: Callable[[Encoder], Iterable[z3.BoolRef]]
    ) -> tuple[z3.CheckSatResult, _Query | None, z3.ModelRef | None]:
        """Build a query's formulas and check them; ``unknown`` when a rule is outside the
        encoding (recorded once per rule)."""
        q = _Query(self.pack, rules[0].subject, self.timeout_ms)
        try:
            formulas = list(build(q.enc))
        except Unsupported as exc:
            for r in rules:
                self.undecided.setdefault(r.id, str(exc))
            return z3.unknown, None, None
        self.queries += 1
        result, model = q.check(*formulas)
        return result, q, model

    def alone(self, rule: RuleIR) -> bool:
        """Can the rule apply, and be met? Records the finding; True when both can."""
        result, q, model = self.ask([rule], lambda e: [e.applies(rule)])
        if result == z3.unknown:
            return False
        if result == z3.unsat:
            shadow, _, _ = self.ask([rule], lambda e: [e.when_only(rule)])
            kind = Kind.NOT_IN_FORCE_EVER if shadow == z3.sat else Kind.NEVER_APPLIES
            text = (
                "its conditions hold only on dates before the law is in force"
                if kind is Kind.NOT_IN_FORCE_EVER
                else "no subject on any date satisfies its conditions"
            )
            self.add(kind, (rule.id,), f"{rule.id} never applies: {text}", rule)
            return False
        result, _, _ = self.ask([rule], lambda e: [e.satisfied(rule)])
        if result == z3.sat and q is not None and model is not None:
            self.never_unmet(rule, q, model)
        if result == z3.unsat and q is not None and model is not None:
            w = q.witness(model, (rule.id,), lambda o: o[rule.id] in _APPLY)
            if w is None:
                self.undecided.setdefault(rule.id, "no subject found that the rule applies to")
                return False
            self.add(
                Kind.NEVER_MET,
                (rule.id,),
                f"{rule.id} can never be met: every subject it applies to violates it",
                rule,
                w,
            )
            return False
        return bool(result == z3.sat)

    def never_unmet(self, rule: RuleIR, q: _Query, model: z3.ModelRef) -> None:
        """Is the rule met by every subject it applies to? Then it can never report anything
        (its ``requires`` follows from its ``when``, or always holds)."""
        result, _, _ = self.ask([rule], lambda e: [e.unmet(rule)])
        if result != z3.unsat:
            return
        w = q.witness(model, (rule.id,), lambda o: o[rule.id] in _APPLY)
        if w is None:
            self.undecided.setdefault(rule.id, "no subject found that the rule applies to")
            return
        self.add(
            Kind.NEVER_VIOLATED,
            (rule.id,),
            f"{rule.id} can never be violated: every subject it applies to meets it",
            rule,
            w,
        )

    def pair(self, a: RuleIR, b: RuleIR) -> None:
        result, _, _ = self.ask([a, b], lambda e: [e.satisfied(a), e.satisfied(b)])
        if result == z3.unsat and self.each_can_be_met(a, b):
            both, q, model = self.ask([a, b], lambda e: [e.applies(a), e.applies(b)])
            if both == z3.sat and q is not None and model is not None:
                w = q.witness(
                    model, (a.id, b.id), lambda o: o[a.id] in _APPLY and o[b.id] in _APPLY
                )
                if w is not None:
                    self.add(
                        Kind.CONTRADICTION,
                        (a.id, b.id),
                        f"{a.id} and {b.id} contradict: no subject they both apply to can "
                        "meet both",
                        a,
                        w,
                    )
        if a.severity != b.severity:
            return
        for x, y in ((a, b), (b, a)):
            self.redundant(x, y)

    def each_can_be_met(self, a: RuleIR, b: RuleIR) -> bool:
        """Each rule can be met on some subject the other applies to. Without this, "never
        both met" only says that one rule applies where the other is broken (a fallback such
        as "a late declaration unless it is a special one on a valid ground"): no conflict."""
        for x, y in ((a, b), (b, a)):
            result, _, _ = self.ask([x, y], _met_while_applies(x, y))
            if result != z3.sat:
                return False
        return True

    def redundant(self, x: RuleIR, y: RuleIR) -> None:
        """Is every violation of ``x`` also one of ``y``? (Only ``x`` is reported.)"""
        alone, _, _ = self.ask([x, y], lambda e: [e.violated(x), e.violated(y, positive=False)])
        if alone != z3.unsat:
            return
        result, q, model = self.ask([x, y], lambda e: [e.violated(x)])
        if result != z3.sat or q is None or model is None:
            return
        w = q.witness(
            model,
            (x.id, y.id),
            lambda o: o[x.id] == Outcome.VIOLATED and o[y.id] == Outcome.VIOLATED,
        )
        if w is None:
            return
        self.add(
            Kind.REDUNDANT,
            (x.id, y.id),
            f"{x.id} is redundant: every subject that violates it also violates {y.id} "
            f"({y.severity.value})",
            x,
            w,
        )

    def add(
        self,
        kind: Kind,
        subjects: tuple[str, ...],
        message: str,
        rule: RuleIR,
        witness: Witness | None = None,
    ) -> None:
        self.findings.append(Finding(kind, subjects, message, Status.PROVED, rule.span, witness))


def _met_while_applies(x: RuleIR, y: RuleIR) -> Callable[[Encoder], list[z3.BoolRef]]:
    return lambda e: [e.satisfied(x), e.applies(y)]


def analyze_pack(
    pack: Pack, *, timeout_ms: int = DEFAULT_TIMEOUT_MS, focus: frozenset[str] | None = None
) -> PackAnalysis:
    """Analyse one pack: see ``docs/analyze.md`` for what is looked for and how it is proved.
    With ``focus`` (rule ids), only those rules are analysed alone, and only the pairs with one
    of them (the other rules of their subject kinds are still checked to be live)."""
    started = time.perf_counter()
    run = _Analysis(pack, timeout_ms)
    run.findings.extend(unused_parameters(pack))
    run.findings.extend(unused_articles(pack))
    dup = duplicates(pack)
    run.findings.extend(dup)
    twins = {f.subjects for f in dup}
    kinds = {r.subject for r in pack.rules if focus is None or r.id in focus}
    live = [r for r in pack.rules if r.subject in kinds and run.alone(r)]
    if focus is not None:
        run.findings = [f for f in run.findings if f.kind not in _ALONE or set(f.subjects) & focus]
    for kind in sorted(kinds):
        rules = [r for r in live if r.subject == kind]
        for a, b in itertools.combinations(rules, 2):
            if (a.id, b.id) in twins or (b.id, a.id) in twins:
                continue
            if focus is not None and a.id not in focus and b.id not in focus:
                continue
            run.pair(a, b)
    document = pack.document
    return PackAnalysis(
        pack_id=pack.id,
        pack_hash=pack.ruleset.content_hash,
        file=document.file if document is not None else None,
        rules=len(pack.rules),
        findings=tuple(run.findings),
        undecided=tuple(sorted(run.undecided.items())),
        queries=run.queries,
        seconds=time.perf_counter() - started,
    )
