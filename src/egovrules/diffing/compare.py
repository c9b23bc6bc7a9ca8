"""Pack × pack by concept: which concepts each pack has, how the shared ones differ, which is
stricter where that is provable, and the witnesses that show it.

``diff`` compares two packs; ``matrix`` compares any number on the concepts they hold, without
witnesses. Both return plain records (``egovrules.diffing.model``) and print nothing.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import assert_never

from egovrules.diffing.implication import (
    at_least_as_strict,
    canon,
    due_not_later,
    implies,
    param_uses,
)
from egovrules.diffing.model import (
    Aspect,
    CellStatus,
    ConceptDiff,
    Matrix,
    MatrixCell,
    MatrixRow,
    PackDiff,
    Presence,
    Verdict,
    Witness,
    WitnessSearch,
)
from egovrules.diffing.pictures import with_pictures
from egovrules.diffing.refs import load_ref
from egovrules.diffing.views import (
    authority_name,
    citation_view,
    concept_titles,
    pack_ref,
    param_value,
    rule_view,
)
from egovrules.diffing.witness import DEFAULT_MAX_CANDIDATES, Corpus, find_witnesses, rule_paths
from egovrules.engine.pack import Pack
from egovrules.ir.describe import describe, describe_expr
from egovrules.ir.nodes import (
    All,
    AnyOf,
    Compare,
    Cond,
    Const,
    Deadline,
    Every,
    Extremum,
    Not,
    Param,
    Present,
    RuleIR,
    Shift,
    Some,
)
from egovrules.ir.nodes import walk as ir_walk  # the local walk() below walks conditions
from egovrules.packdata.bundled import available_packs
from egovrules.source.errors import UsageError
from egovrules.source.suggest import did_you_mean
from egovrules.subjects import SUBJECT_KINDS

__all__ = ["PackLike", "compare_rules", "diff", "matrix"]

PackLike = Pack | str | os.PathLike[str]
"""A compiled pack, or what names one: ``"wuhan"``, a pack file, ``"wuhan@HEAD"``."""

_DAYS = ("calendar_days", "working_days")


def diff(
    pack_a: PackLike,
    pack_b: PackLike,
    *,
    witnesses: bool = True,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    seed: int = 0,
    kind: str | None = None,
    concepts: Sequence[str] | None = None,
    pictures: bool = False,
) -> PackDiff:
    """Compare two packs concept by concept.

    ``kind`` keeps the rules on one subject kind; ``concepts`` keeps the concepts matching any
    of the given ids, prefixes (``website``) or shell patterns (``website.*``). Witnesses are
    searched with at most ``max_candidates`` candidate subjects per concept, in an order fixed
    by ``seed``: the same packs and arguments give the same ``PackDiff``. ``pictures`` adds
    each concept's deadline timeline and the git history of the parameters it uses (read with
    ``git log`` and ``git show`` in the packs' folders: ``ConceptDiff.timeline`` and
    ``histories``).
    """
    a, label_a = _resolve(pack_a)
    b, label_b = _resolve(pack_b)
    # Where a side's history is read: how the caller named it (none for a pack object).
    named = tuple(
        None if isinstance(p, Pack) else label
        for p, label in ((pack_a, label_a), (pack_b, label_b))
    )
    if label_a == label_b:
        label_a, label_b = f"{label_a} (A)", f"{label_b} (B)"
    _check_kind(kind)
    names = _select([a, b], kind, concepts)
    corpus = Corpus()
    out = tuple(
        _concept_diff(
            c,
            (a, label_a),
            (b, label_b),
            kind=kind,
            witnesses=witnesses,
            max_candidates=max(max_candidates, 0),
            seed=seed,
            corpus=corpus,
        )
        for c in names
    )
    if pictures:
        sides = ((a, label_a, named[0]), (b, label_b, named[1]))
        out = tuple(with_pictures(c, sides) for c in out)
    return PackDiff(pack_ref(a, label_a), pack_ref(b, label_b), out, seed, max_candidates)


def matrix(
    packs: Sequence[PackLike] | None = None,
    *,
    kind: str | None = None,
    concepts: Sequence[str] | None = None,
) -> Matrix:
    """Every concept of the given packs (default: all bundled) × the packs. A cell is
    ``stricter`` when its pack is proved stricter than some other pack holding the concept and
    looser than none, ``looser`` the other way round, ``mixed`` when both, else ``present``."""
    resolved = [_resolve(p) for p in (packs if packs is not None else available_packs())]
    if not resolved:
        raise UsageError("no packs to compare")
    _check_kind(kind)
    names = _select([p for p, _ in resolved], kind, concepts)
    rows = []
    for concept in names:
        rules = [_rules(p, concept, kind) for p, _ in resolved]
        stricter: list[list[str]] = [[] for _ in resolved]
        looser: list[list[str]] = [[] for _ in resolved]
        for i in range(len(resolved)):
            for j in range(i + 1, len(resolved)):
                if not rules[i] or not rules[j]:
                    continue
                verdict, _ = compare_rules(rules[i], rules[j])
                if verdict is Verdict.STRICTER_A:
                    stricter[i].append(resolved[j][1])
                    looser[j].append(resolved[i][1])
                elif verdict is Verdict.STRICTER_B:
                    stricter[j].append(resolved[i][1])
                    looser[i].append(resolved[j][1])
        cells = []
        for i, (pack, label) in enumerate(resolved):
            if not rules[i]:
                status = CellStatus.ABSENT
            elif stricter[i] and looser[i]:
                status = CellStatus.MIXED
            elif stricter[i]:
                status = CellStatus.STRICTER
            elif looser[i]:
                status = CellStatus.LOOSER
            else:
                status = CellStatus.PRESENT
            cells.append(
                MatrixCell(
                    pack=label,
                    status=status,
                    rules=tuple(rule_view(pack, r) for r in rules[i]),
                    stricter_than=tuple(stricter[i]),
                    looser_than=tuple(looser[i]),
                )
            )
        title, title_zh = concept_titles(concept)
        rows.append(
            MatrixRow(
                concept=concept,
                title=title,
                title_zh=title_zh,
                kinds=_kinds(r for rs in rules for r in rs),
                cells=tuple(cells),
            )
        )
    return Matrix(tuple(pack_ref(p, label) for p, label in resolved), tuple(rows))


def compare_rules(
    a: Sequence[RuleIR], b: Sequence[RuleIR], label_a: str = "A", label_b: str = "B"
) -> tuple[Verdict, str]:
    """The verdict on one concept from the two packs' rules, and why.

    A is at least as strict as B when every rule of B has a rule of A that is at least as strict
    (``implication.at_least_as_strict``): then whatever B finds violated, A finds violated.
    """
    a_ge = all(any(at_least_as_strict(x, y) for x in a) for y in b)
    b_ge = all(any(at_least_as_strict(y, x) for y in b) for x in a)
    if a_ge and b_ge:
        same = sorted(map(_rule_key, a), key=repr) == sorted(map(_rule_key, b), key=repr)
        return Verdict.SAME, (
            "the compiled conditions are identical (only ids, wording and citations differ)"
            if same
            else "each side's rules imply the other's: the obligations are equivalent"
        )
    if a_ge:
        return Verdict.STRICTER_A, (
            f"every subject {label_b} finds in violation, {label_a} finds in violation too "
            "(proved from the compiled conditions); the converse was not proved"
        )
    if b_ge:
        return Verdict.STRICTER_B, (
            f"every subject {label_a} finds in violation, {label_b} finds in violation too "
            "(proved from the compiled conditions); the converse was not proved"
        )
    kinds_a, kinds_b = _kinds(a), _kinds(b)
    if kinds_a != kinds_b:
        return Verdict.INCOMPARABLE, (
            f"the obligation falls on different subjects ({', '.join(kinds_a)} / "
            f"{', '.join(kinds_b)})"
        )
    return Verdict.INCOMPARABLE, "neither side's rules were proved to imply the other's"


# ---- one concept -----------------------------------------------------------------------------


def _concept_diff(
    concept: str,
    side_a: tuple[Pack, str],
    side_b: tuple[Pack, str],
    *,
    kind: str | None,
    witnesses: bool,
    max_candidates: int,
    seed: int,
    corpus: Corpus,
) -> ConceptDiff:
    (a, la), (b, lb) = side_a, side_b
    ra, rb = _rules(a, concept, kind), _rules(b, concept, kind)
    title, title_zh = concept_titles(concept)
    kinds = _kinds([*ra, *rb])
    views_a = tuple(rule_view(a, r) for r in ra)
    views_b = tuple(rule_view(b, r) for r in rb)
    verdict: Verdict | None
    if ra and rb:
        presence = Presence.BOTH
        verdict, reason = compare_rules(ra, rb, la, lb)
        aspects = _aspects(side_a, ra, side_b, rb)
        want_a = verdict in (Verdict.INCOMPARABLE, Verdict.STRICTER_A)
        want_b = verdict in (Verdict.INCOMPARABLE, Verdict.STRICTER_B)
    else:
        presence = Presence.ONLY_A if ra else Presence.ONLY_B
        verdict = None
        reason = f"only {la if ra else lb} has a rule on this concept"
        aspects = ()
        want_a, want_b = bool(ra), bool(rb)
    found: list[Witness] = []
    tried = 0
    searched = witnesses and (want_a or want_b)
    if searched:
        for k in kinds:
            if tried >= max_candidates or not (want_a or want_b):
                break
            result = find_witnesses(
                concept,
                k,
                (la, a, ra),
                (lb, b, rb),
                want_a=want_a,
                want_b=want_b,
                max_candidates=max_candidates - tried,
                seed=seed,
                corpus=corpus,
            )
            tried += result.candidates
            found.extend(result.witnesses)
            want_a = want_a and not result.found_a
            want_b = want_b and not result.found_b
    found_a = any(w.rejected_by == "a" for w in found)
    found_b = any(w.rejected_by == "b" for w in found)
    if verdict is Verdict.INCOMPARABLE and found_a and found_b:
        reason += "; each rejects a subject the other accepts (see the witnesses)"
    note = _search_note(
        presence,
        verdict,
        searched=searched,
        enabled=witnesses,
        tried=tried,
        limit=max_candidates,
        found=(found_a, found_b),
        labels=(la, lb),
    )
    return ConceptDiff(
        concept=concept,
        title=title,
        title_zh=title_zh,
        kinds=kinds,
        presence=presence,
        verdict=verdict,
        reason=reason,
        rules_a=views_a,
        rules_b=views_b,
        aspects=aspects,
        witnesses=tuple(found),
        search=WitnessSearch(
            searched=searched,
            candidates=tried,
            limit=max_candidates,
            found_a=found_a,
            found_b=found_b,
            note=note,
        ),
    )


def _search_note(
    presence: Presence,
    verdict: Verdict | None,
    *,
    searched: bool,
    enabled: bool,
    tried: int,
    limit: int,
    found: tuple[bool, bool],
    labels: tuple[str, str],
) -> str:
    found_a, found_b = found
    la, lb = labels
    if verdict is Verdict.SAME:
        return "no witness can exist: the obligations are proved equivalent"
    if not enabled:
        return "witness search not run"
    if not searched:
        return "no search needed"
    n = f"{tried} candidate subject(s)"
    if presence is not Presence.BOTH:
        mine, other = (la, lb) if presence is Presence.ONLY_A else (lb, la)
        if found_a or found_b:
            return f"a subject {mine} rejects; {other} has no rule on it ({n} tried)"
        return f"no subject {mine}'s rules reject was found in {n}"
    parts = []
    if found_a:
        parts.append(f"found a subject {la} rejects and {lb} accepts")
    elif verdict is not Verdict.STRICTER_B:
        parts.append(f"no subject {la} rejects and {lb} accepts was found")
    if found_b:
        parts.append(f"found a subject {lb} rejects and {la} accepts")
    elif verdict is not Verdict.STRICTER_A:
        parts.append(f"no subject {lb} rejects and {la} accepts was found")
    if verdict is Verdict.STRICTER_A:
        parts.append(f"none exists the other way: {la} is proved at least as strict")
    elif verdict is Verdict.STRICTER_B:
        parts.append(f"none exists the other way: {lb} is proved at least as strict")
    text = "; ".join(parts) + f" ({n} tried, limit {limit})"
    if not found_a and not found_b:
        text = (
            f"no disagreement found in {n}: the rules may be equivalent on this concept as far "
            f"as the search reached (the search is bounded, not a proof; limit {limit})"
        )
    return text


# ---- aspects ---------------------------------------------------------------------------------


def _aspects(
    side_a: tuple[Pack, str], ra: Sequence[RuleIR], side_b: tuple[Pack, str], rb: Sequence[RuleIR]
) -> tuple[Aspect, ...]:
    (a, la), (b, lb) = side_a, side_b
    out: list[Aspect] = []
    kinds_a, kinds_b = _kinds(ra), _kinds(rb)
    if kinds_a != kinds_b:
        out.append(
            Aspect(
                "subject",
                ", ".join(kinds_a),
                ", ".join(kinds_b),
                Verdict.INCOMPARABLE,
                "the obligation falls on different kinds of subject",
                ("", ""),
            )
        )
    for x, y in _pair(ra, rb):
        if x is None and y is not None:
            out.append(
                Aspect(
                    "rule",
                    "—",
                    _rule_name(y),
                    None,
                    f"{lb} has this rule with no counterpart in {la}",
                    ("", y.id),
                )
            )
        elif y is None and x is not None:
            out.append(
                Aspect(
                    "rule",
                    _rule_name(x),
                    "—",
                    None,
                    f"{la} has this rule with no counterpart in {lb}",
                    (x.id, ""),
                )
            )
        elif x is not None and y is not None:
            out.extend(_pair_aspects((a, la, x), (b, lb, y)))
    return tuple(out)


def _rule_name(rule: RuleIR) -> str:
    return f"{rule.id}: {rule.title}" if rule.title else rule.id


def _pair(ra: Sequence[RuleIR], rb: Sequence[RuleIR]) -> list[tuple[RuleIR | None, RuleIR | None]]:
    """Match each rule of A with the rule of B on the same subject that reads the most fields
    in common (greedy, in rule order on ties); the rest stand alone."""
    paths_a = [set(rule_paths(r)) for r in ra]
    paths_b = [set(rule_paths(r)) for r in rb]
    scored = []
    for i, x in enumerate(ra):
        for j, y in enumerate(rb):
            if x.subject != y.subject:
                continue
            union = paths_a[i] | paths_b[j]
            overlap = len(paths_a[i] & paths_b[j]) / len(union) if union else 1.0
            same_form = isinstance(x.requires, Deadline) == isinstance(y.requires, Deadline)
            scored.append((-(overlap + (1.0 if same_form else 0.0)), i, j))
    scored.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[tuple[int | None, int | None]] = []
    for _, i, j in scored:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    pairs.extend((i, None) for i in range(len(ra)) if i not in used_a)
    pairs.extend((None, j) for j in range(len(rb)) if j not in used_b)
    pairs.sort(key=lambda p: (p[0] if p[0] is not None else len(ra), p[1] or 0))
    return [(ra[i] if i is not None else None, rb[j] if j is not None else None) for i, j in pairs]


def _pair_aspects(
    side_a: tuple[Pack, str, RuleIR], side_b: tuple[Pack, str, RuleIR]
) -> Iterator[Aspect]:
    a, la, x = side_a
    b, lb, y = side_b
    ids = (x.id, y.id)
    if (x.scope.values if x.scope else None) != (y.scope.values if y.scope else None):
        yield Aspect(
            "scope",
            _scope_text(x),
            _scope_text(y),
            None,
            "the texts bind different bodies; the verdict compares the obligations on a "
            "subject both bind",
            ids,
        )
    if canon(x.when) != canon(y.when):
        yield Aspect(
            "applies_when",
            describe(x.when),
            describe(y.when),
            *_ranked(
                implies(y.when, x.when),
                implies(x.when, y.when),
                (
                    f"{la} applies wherever {lb} does",
                    f"{lb} applies wherever {la} does",
                    "the conditions are equivalent, written differently",
                    "neither condition was proved to contain the other",
                ),
            ),
            ids,
        )
    if isinstance(x.requires, Deadline) and isinstance(y.requires, Deadline):
        if canon(x.requires) != canon(y.requires):
            yield _deadline_aspect(x, y, la, lb)
    elif canon(x.requires) != canon(y.requires):
        if isinstance(x.requires, Deadline) or isinstance(y.requires, Deadline):
            ranked: tuple[Verdict | None, str] = (
                Verdict.INCOMPARABLE,
                "one is a deadline, the other a standing requirement",
            )
        else:
            ranked = _ranked(
                implies(x.requires, y.requires),
                implies(y.requires, x.requires),
                (
                    f"{la} demands everything {lb} demands",
                    f"{lb} demands everything {la} demands",
                    "the requirements are equivalent, written differently",
                    "neither requirement was proved to contain the other",
                ),
            )
        yield Aspect("requires", describe(x.requires), describe(y.requires), *ranked, ids)
    yield from _param_aspects((a, la, x), (b, lb, y))
    approvers = _approver_aspect((a, la, x), (b, lb, y))
    if approvers is not None:
        yield approvers
    if x.severity != y.severity:
        yield Aspect(
            "severity",
            x.severity.value,
            y.severity.value,
            None,
            "severity says how a finding is reported, not what the law demands",
            ids,
        )
    if a.id == b.id:
        ca = [citation_view(a, c) for c in x.citations]
        cb = [citation_view(b, c) for c in y.citations]
        if ca != cb:
            yield Aspect(
                "citation",
                "; ".join(_cited(c.where, c.quotes) for c in ca),
                "; ".join(_cited(c.where, c.quotes) for c in cb),
                None,
                "the cited words changed",
                ids,
            )


def _scope_text(rule: RuleIR) -> str:
    sc = rule.scope
    return "any subject" if sc is None else f"{sc.label_in('en')} ({sc.citation})"


def _cited(where: str, quotes: tuple[tuple[str, str], ...]) -> str:
    return f"{where} 「{quotes[0][1]}」" if quotes else where


def _ranked(a_ge: bool, b_ge: bool, whys: tuple[str, str, str, str]) -> tuple[Verdict | None, str]:
    """The verdict from two proofs; ``whys``: A stricter, B stricter, the same, unproved."""
    why_a, why_b, why_same, why_not = whys
    if a_ge and b_ge:
        return Verdict.SAME, why_same
    if a_ge:
        return Verdict.STRICTER_A, why_a
    if b_ge:
        return Verdict.STRICTER_B, why_b
    return Verdict.INCOMPARABLE, why_not


def _deadline_aspect(x: RuleIR, y: RuleIR, la: str, lb: str) -> Aspect:
    dx, dy = x.requires, y.requires
    assert isinstance(dx, Deadline) and isinstance(dy, Deadline)
    text_a = f"{describe_expr(dx.done)} by {describe_expr(dx.due)}"
    text_b = f"{describe_expr(dy.done)} by {describe_expr(dy.due)}"
    if canon(dx.done) != canon(dy.done):
        return Aspect(
            "deadline",
            text_a,
            text_b,
            Verdict.INCOMPARABLE,
            "the two deadlines time different acts",
            (x.id, y.id),
        )
    verdict, reason = _ranked(
        due_not_later(dx.due, dy.due),
        due_not_later(dy.due, dx.due),
        (
            f"{la}'s last day is never later than {lb}'s",
            f"{lb}'s last day is never later than {la}'s",
            "the last days are the same",
            "the last days were not proved to be ordered",
        ),
    )
    units = {_unit_of(dx.due), _unit_of(dy.due)}
    if verdict is Verdict.INCOMPARABLE and units == {"days", "working_days"}:
        reason = (
            "n working days may end before or after m calendar days, depending on weekends and "
            "holidays: the periods cannot be ordered in general"
        )
    elif units == {"days", "working_days"} and verdict is not None:
        reason += " (the n-th working day after a date is never earlier than n calendar days)"
    return Aspect("deadline", text_a, text_b, verdict, reason, (x.id, y.id))


def _unit_of(e: object) -> str | None:
    return e.unit if isinstance(e, Shift) else None


def _effects(rule: RuleIR) -> dict[str, tuple[Param, int]]:
    """Each parameter of the rule (approvers aside) with its effect, 0 when its uses disagree."""
    out: dict[str, tuple[Param, int]] = {}
    for use in param_uses(rule):
        if use.param.unit == "approver":
            continue
        name = use.param.name
        if name in out and out[name][1] != use.effect:
            out[name] = (use.param, 0)
        else:
            out.setdefault(name, (use.param, use.effect))
    return out


def _family(unit: str) -> str:
    return "days" if unit in _DAYS else unit


def _param_aspects(
    side_a: tuple[Pack, str, RuleIR], side_b: tuple[Pack, str, RuleIR]
) -> Iterator[Aspect]:
    a, la, x = side_a
    b, lb, y = side_b
    ea, eb = _effects(x), _effects(y)
    pairs: list[tuple[str | None, str | None]] = [(n, n) for n in ea if n in eb]
    left_a = [n for n in ea if n not in eb]
    left_b = [n for n in eb if n not in ea]
    for family in dict.fromkeys(_family(ea[n][0].unit) for n in left_a):
        fa = [n for n in left_a if _family(ea[n][0].unit) == family]
        fb = [n for n in left_b if _family(eb[n][0].unit) == family]
        if len(fa) == 1 and len(fb) == 1:
            pairs.append((fa[0], fb[0]))
            left_a.remove(fa[0])
            left_b.remove(fb[0])
    pairs.extend((n, None) for n in left_a)
    pairs.extend((None, n) for n in left_b)
    ids = (x.id, y.id)
    for na, nb in pairs:
        pa = ea[na] if na is not None else None
        pb = eb[nb] if nb is not None else None
        text_a = _param_text(a, pa[0]) if pa else "—"
        text_b = _param_text(b, pb[0]) if pb else "—"
        if pa is None or pb is None:
            mine, other = (la, lb) if pa is not None else (lb, la)
            yield Aspect(
                "parameter", text_a, text_b, None, f"{mine} only: {other} has no such value", ids
            )
            continue
        (p, fa_), (q, fb_) = pa, pb
        if p.unit == q.unit and canon(p) == canon(q):
            continue
        yield Aspect(
            "parameter", text_a, text_b, *_param_verdict((p, fa_), (q, fb_), (la, lb)), ids
        )


def _param_text(pack: Pack, p: Param) -> str:
    return f"${p.name} = {param_value(pack, p)}"


def _param_verdict(
    use_a: tuple[Param, int], use_b: tuple[Param, int], labels: tuple[str, str]
) -> tuple[Verdict | None, str]:
    (p, ep), (q, eq) = use_a, use_b
    la, lb = labels
    if p.unit in ("text", "approver", "date") and q.unit == p.unit and ep == eq == 0:
        return None, "the values differ; they are not ordered"
    if ep != eq or ep == 0 or p.versions or q.versions:
        return Verdict.INCOMPARABLE, "the values act differently in the two rules, or not by size"
    lower_is_stricter = ep < 0
    if p.unit == q.unit:
        try:
            a_first = bool(p.value < q.value)
            b_first = bool(q.value < p.value)
        except TypeError:
            return Verdict.INCOMPARABLE, "the values cannot be ordered"
        if not a_first and not b_first:
            return Verdict.SAME, "the same value"
        word = "lower" if lower_is_stricter else "higher"
        if a_first == lower_is_stricter:
            return Verdict.STRICTER_A, f"{la}'s value is {word}, which is stricter here"
        return Verdict.STRICTER_B, f"{lb}'s value is {word}, which is stricter here"
    units = {p.unit, q.unit}
    if units == set(_DAYS) and lower_is_stricter:
        cal, work = (p, q) if p.unit == "calendar_days" else (q, p)
        if cal.value <= work.value:
            winner = la if cal is p else lb
            return (
                Verdict.STRICTER_A if cal is p else Verdict.STRICTER_B,
                f"{winner}'s {cal.value} calendar days end no later than {work.value} working "
                "days would",
            )
        return Verdict.INCOMPARABLE, (
            f"{work.value} working days may end before or after {cal.value} calendar days, "
            "depending on weekends and holidays"
        )
    return Verdict.INCOMPARABLE, "the units differ"


def _approvers(rule: RuleIR, authorities: frozenset[str]) -> tuple[frozenset[str], bool]:
    """The authority ids a rule's conditions name (``approver`` parameters, and literals that
    are ids of the pack's authorities), and whether each is simply required: reached through
    ``all``, ``some ... where`` and ``every ... require`` of ``requires`` only, one at a time."""
    ids: set[str] = set()
    simple = True

    def named(node: object) -> list[str]:
        match node:
            case Param(unit="approver", value=v, versions=()):
                return [str(v)]
            case Const(value=str() as v) if v in authorities:
                return [v]
            case Const(value=frozenset() as vs):
                return sorted(str(v) for v in vs if v in authorities)
        return []

    def walk(c: Cond | None, plain: bool) -> None:
        nonlocal simple
        if c is None:
            return
        match c:
            case All(items=items):
                for i in items:
                    walk(i, plain)
            case AnyOf(items=items):
                for i in items:
                    walk(i, plain and len(items) == 1)
            case Not(item=i):
                walk(i, False)
            case Some(where=w):
                walk(w, plain)
            case Every(where=w, require=r):
                walk(w, False)
                walk(r, plain)
            case Compare(op=op, left=left, right=right):
                for node in (left, right):
                    found = named(node)
                    if found:
                        ids.update(found)
                        simple = simple and plain and op in ("eq", "contains", "contains_all")
                    for x in ir_walk(node):
                        if isinstance(x, Extremum):
                            # A body that only selects the act an order is measured against
                            # is not simply required: a project without that act passes.
                            walk(x.where, False)
            case Present():
                pass  # a presence test names no authority
            case _:
                assert_never(c)

    walk(rule.when, False)
    if not isinstance(rule.requires, Deadline):
        walk(rule.requires, True)
    return frozenset(ids), simple


def _approver_aspect(
    side_a: tuple[Pack, str, RuleIR], side_b: tuple[Pack, str, RuleIR]
) -> Aspect | None:
    a, la, x = side_a
    b, lb, y = side_b
    ia, sa = _approvers(x, _authorities(a))
    ib, sb = _approvers(y, _authorities(b))
    if ia == ib:
        return None
    text_a = ", ".join(f"{authority_name(a, i)} ({i})" for i in sorted(ia)) or "none named"
    text_b = ", ".join(f"{authority_name(b, i)} ({i})" for i in sorted(ib)) or "none named"
    if not (sa and sb):
        verdict, reason = (
            Verdict.INCOMPARABLE,
            "some bodies are alternatives or conditions of applicability: naming more of "
            "them need not demand more",
        )
    elif ib < ia:
        verdict, reason = Verdict.STRICTER_A, f"{la} requires every body {lb} does, and more"
    elif ia < ib:
        verdict, reason = Verdict.STRICTER_B, f"{lb} requires every body {la} does, and more"
    else:
        verdict, reason = Verdict.INCOMPARABLE, "different bodies are named"
    return Aspect("approvers", text_a, text_b, verdict, reason, (x.id, y.id))


def _authorities(pack: Pack) -> frozenset[str]:
    return frozenset(pack.model.meta.authorities) if pack.model is not None else frozenset()


# ---- selection -------------------------------------------------------------------------------


def _resolve(p: PackLike) -> tuple[Pack, str]:
    if isinstance(p, Pack):
        return p, p.id
    text = os.fspath(p)
    return load_ref(text), text


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in SUBJECT_KINDS:
        raise UsageError(f"unknown subject kind {kind!r}; kinds: {', '.join(SUBJECT_KINDS)}")


def _rules(pack: Pack, concept: str, kind: str | None) -> tuple[RuleIR, ...]:
    """The pack's rules on ``concept``, each with its own applicability only: whom each text
    binds is a ``scope`` aspect of its own, and the verdict and the witnesses compare the
    obligations on a subject both bind (one that records no standing is presumed inside)."""
    return tuple(
        replace(r, when=r.own_when)
        for r in pack.rules
        if r.concept == concept and (kind is None or r.subject == kind)
    )


def _kinds(rules: Iterator[RuleIR] | Sequence[RuleIR]) -> tuple[str, ...]:
    present = {r.subject for r in rules}
    return tuple(k for k in SUBJECT_KINDS if k in present)


def _rule_key(rule: RuleIR) -> object:
    return canon((rule.subject, rule.when, rule.requires))


def _select(packs: Sequence[Pack], kind: str | None, patterns: Sequence[str] | None) -> list[str]:
    """The concepts of the packs (on ``kind``), filtered by ``patterns``, sorted."""
    every = sorted({r.concept for p in packs for r in p.rules if kind is None or r.subject == kind})
    if not patterns:
        return every
    chosen = [c for c in every if any(_matches(c, pat) for pat in patterns)]
    if not chosen:
        guess = did_you_mean(patterns[0], every)
        hint = f"; {guess}" if guess else ""
        raise UsageError(
            f"no concept matches {', '.join(repr(p) for p in patterns)}"
            + (f" for subject kind {kind!r}" if kind else "")
            + hint
        )
    return chosen


def _matches(concept: str, pattern: str) -> bool:
    return (
        concept == pattern
        or concept.startswith(pattern.rstrip(".") + ".")
        or fnmatch.fnmatchcase(concept, pattern)
    )
