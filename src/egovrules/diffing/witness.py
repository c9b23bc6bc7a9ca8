"""Witnesses: concrete subjects one pack rejects and the other accepts on a concept.

The method is a bounded, deterministic search over candidate subjects built from the IR of the
two packs' rules on the concept (docs/diff.md, "Witnesses"):

1. **Bases**: the fixtures of both packs' ``tests:`` sections, then the subjects of the test
   cases that touch the concept (fixture + the case's ``set``), then an empty subject.
2. **Mutations** of a base, read off the rules: every literal and parameter a field is compared
   with, the values just around ordered bounds (one day, one unit, one part in ten thousand),
   both truth values of booleans, every choice of an enumeration, null, an empty list, an item
   appended to a list with the values its ``where`` asks for, a date set one day before, on and
   after the other date it is compared with, a deadline's act done the day before, on and after
   each pack's last day (and, undone, the as-of date moved there), and numbers solved for the
   boundary of an arithmetic threshold (one secant step).
3. **Order**: bases unchanged, then one mutation at a time, then pairs of mutations in an order
   shuffled by a seeded generator; the search stops after ``max_candidates`` valid subjects, or
   as soon as it has found what it looks for.
4. **Proof**: each candidate is validated as a subject and *both packs are run on it with
   ``Pack.check``*; it is a witness only when the concept's outcome is ``violated`` in one pack
   and ``satisfied``, ``not_applicable`` or "no rule" in the other.

The search is sound (every witness printed is a real disagreement) and incomplete (finding none
shows only that none was found among the candidates tried). It must never print a candidate
that was not re-run through both packs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, assert_never

from pydantic import ValidationError

from egovrules.diffing.model import SideOutcome, Witness
from egovrules.engine.pack import Pack
from egovrules.ir.interpret import date_that_matters, eval_expr
from egovrules.ir.nodes import (
    All,
    Annual,
    AnyOf,
    Arith,
    AsOf,
    Compare,
    Const,
    DayOf,
    DaysBetween,
    Deadline,
    Every,
    Expr,
    Extremum,
    Field,
    HoursBetween,
    Len,
    Node,
    Not,
    Param,
    Present,
    RuleIR,
    Shift,
    Some,
    YearOf,
    children,
)
from egovrules.law.calendar import CalendarGap
from egovrules.law.verdict import Outcome
from egovrules.packdata.operators import CompareOp
from egovrules.subjects import SubjectBase, validate_subject

__all__ = [
    "DEFAULT_MAX_CANDIDATES",
    "Corpus",
    "SearchResult",
    "clone_data",
    "find_witnesses",
    "item_templates",
    "rule_paths",
]

DEFAULT_MAX_CANDIDATES = 400
_DEFAULT_AS_OF = dt.date(2024, 12, 31)
_ACCEPTING = frozenset({"satisfied", "not_applicable", "no_rule"})
_MAX_ITEMS = 2  # list items mutated per list (plus one appended item)

Path = tuple[str | int, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class _Side:
    label: str
    pack: Pack
    rules: tuple[RuleIR, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class _Base:
    label: str
    data: dict[str, Any]
    as_of: dt.date
    changes: tuple[tuple[str, str], ...]


@dataclasses.dataclass(frozen=True, slots=True)
class _Mutation:
    path: Path
    """Where to set the value; ``("@as_of",)`` moves the evaluation date."""
    value: Any
    template: dict[str, Any] | None = None
    """For a path ending in a new list index: the item to append before setting."""


@dataclasses.dataclass(frozen=True, slots=True)
class SearchResult:
    """The witnesses found and how many candidates were tried."""

    witnesses: tuple[Witness, ...]
    candidates: int
    found_a: bool
    found_b: bool


def find_witnesses(
    concept: str,
    kind: str,
    a: tuple[str, Pack, Sequence[RuleIR]],
    b: tuple[str, Pack, Sequence[RuleIR]],
    *,
    want_a: bool,
    want_b: bool,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    seed: int = 0,
    corpus: Corpus | None = None,
) -> SearchResult:
    """Search for a subject of ``kind`` that pack A rejects and B accepts (``want_a``) and one
    that B rejects and A accepts (``want_b``) on ``concept``; see the module docstring.
    ``corpus`` shares the packs' bases between the searches of one diff."""
    side_a = _Side(a[0], a[1], tuple(r for r in a[2] if r.subject == kind))
    side_b = _Side(b[0], b[1], tuple(r for r in b[2] if r.subject == kind))
    rules = (*side_a.rules, *side_b.rules)
    rng = random.Random(f"{seed}:{concept}:{kind}")
    found: dict[str, Witness] = {}
    seen: set[str] = set()
    tried = 0
    corpus = corpus if corpus is not None else Corpus()
    for data, as_of, base, changes in _candidates(
        kind, side_a, side_b, rules, rng=rng, corpus=corpus
    ):
        if len(found) == int(want_a) + int(want_b) or tried >= max_candidates:
            break
        key = json.dumps([data, as_of], sort_keys=True, default=str)
        if key in seen:
            continue
        seen.add(key)
        try:
            subject = validate_subject(data)
        except (ValidationError, ValueError):
            continue
        tried += 1
        out_a = _outcome(side_a, subject, as_of)
        out_b = _outcome(side_b, subject, as_of)
        direction = None
        if out_a.outcome == "violated" and out_b.outcome in _ACCEPTING:
            direction = "a"
        elif out_b.outcome == "violated" and out_a.outcome in _ACCEPTING:
            direction = "b"
        if direction is None or direction in found:
            continue
        if (direction == "a" and not want_a) or (direction == "b" and not want_b):
            continue
        found[direction] = Witness(
            rejected_by="a" if direction == "a" else "b",
            kind=kind,
            as_of=as_of,
            base=base,
            changes=changes,
            subject=_dump(subject),
            facts=_facts(subject.model_dump(mode="json"), rules),
            a=out_a,
            b=out_b,
        )
    ordered = tuple(found[d] for d in ("a", "b") if d in found)
    return SearchResult(ordered, tried, "a" in found, "b" in found)


def _outcome(side: _Side, subject: SubjectBase, as_of: dt.date) -> SideOutcome:
    """Run the whole pack on the subject and read the concept's rules off the report."""
    if not side.rules:
        return SideOutcome("no_rule", (), (), ())
    report = side.pack.check(subject, as_of=as_of)
    outcomes = report.outcomes
    ids = [r.id for r in side.rules]
    codes = [outcomes[i] for i in ids]
    summary = "not_applicable"
    for code, name in (
        (Outcome.VIOLATED, "violated"),
        (Outcome.UNDETERMINED, "undetermined"),
        (Outcome.PENDING, "pending"),
        (Outcome.NOT_IN_FORCE, "not_in_force"),
        (Outcome.SATISFIED, "satisfied"),
    ):
        if code in codes:
            summary = name
            break
    violations = [v for v in report.violations if v.rule_id in ids]
    return SideOutcome(
        outcome=summary,
        rules=tuple((i, c.label) for i, c in zip(ids, codes, strict=True)),
        messages=tuple(f"{v.rule_id}: {v.message}" for v in violations),
        articles=tuple(
            dict.fromkeys(
                f"{v.citation.label}"
                + (f" ¶{v.citation.paragraph}" if v.citation.paragraph else "")
                for v in violations
            )
        ),
    )


def _dump(subject: SubjectBase) -> dict[str, Any]:
    data: dict[str, Any] = subject.model_dump(mode="json", exclude_defaults=True)
    data["kind"] = subject.kind
    return data


def _facts(data: dict[str, Any], rules: Sequence[RuleIR]) -> tuple[tuple[str, str], ...]:
    """The values, in the witness (defaults included), of the fields the rules read; a list
    is shown whole, a record through its fields."""
    out: dict[str, str] = {}
    for rule in rules:
        for path in rule_paths(rule):
            node: Any = data
            shown: list[str] = []
            for part in path:
                if isinstance(node, list) or not isinstance(node, dict):
                    break
                shown.append(part)
                node = node.get(part)
            key = ".".join(shown)
            if key and key not in out and not isinstance(node, dict):
                out[key] = _text(node)  # a record is shown by the fields read in it
    return tuple(out.items())


# ---- candidates ------------------------------------------------------------------------------


Candidate = tuple[dict[str, Any], dt.date, str, tuple[tuple[str, str], ...]]


class Corpus:
    """The bases of the packs one diff compares: each pack's fixtures and test-case subjects
    of each kind, built once and shared by the searches of that diff (never global)."""

    __slots__ = ("_bases", "_templates")

    def __init__(self) -> None:
        self._bases: dict[tuple[int, str], tuple[list[_Base], list[_CaseBase]]] = {}
        self._templates: dict[tuple[int, int, str], dict[tuple[str, ...], dict[str, Any]]] = {}

    def bases(self, pack: Pack, kind: str) -> tuple[list[_Base], list[_CaseBase]]:
        """The pack's fixtures of ``kind`` and the subjects of its cases on them."""
        key = (id(pack), kind)
        if key not in self._bases:
            self._bases[key] = (_fixture_bases(pack, kind), _case_bases(pack, kind))
        return self._bases[key]

    def templates(self, a: Pack, b: Pack, kind: str) -> dict[tuple[str, ...], dict[str, Any]]:
        """A first item of each list of records in either pack's bases of ``kind``."""
        key = (id(a), id(b), kind)
        if key not in self._templates:
            bases: list[_Base] = []
            for pack in (a, b):
                fixtures, cases = self.bases(pack, kind)
                bases.extend(fixtures)
                bases.extend(c.base for c in cases)
            self._templates[key] = item_templates(b.data for b in bases)
        return self._templates[key]


@dataclasses.dataclass(frozen=True, slots=True)
class _CaseBase:
    base: _Base
    violations: frozenset[str]
    roots: frozenset[str]
    """The first segments of the paths the case sets."""


def _candidates(
    kind: str, a: _Side, b: _Side, rules: Sequence[RuleIR], *, rng: random.Random, corpus: Corpus
) -> Iterator[Candidate]:
    ids = {r.id for r in rules}
    roots = {p[0] for r in rules for p in rule_paths(r)}
    fixtures: list[_Base] = []
    cases: list[_Base] = []
    for side in (a, b):
        mine, theirs = corpus.bases(side.pack, kind)
        fixtures.extend(mine)
        # cases that touch the concept: they violate one of its rules or set a field it reads
        cases.extend(c.base for c in theirs if ids & c.violations or roots & c.roots)
    templates = corpus.templates(a.pack, b.pack, kind)
    empty = _Base(f"an empty {kind}", {"kind": kind, "id": f"{kind}-0"}, _DEFAULT_AS_OF, ())
    for group in (fixtures, cases):
        for base in group:
            yield base.data, base.as_of, base.label, base.changes
    singles: dict[int, list[_Mutation]] = {}
    for group in (fixtures, cases):
        for base in group:
            muts = _mutations(base, rules, templates)
            singles[id(base)] = muts
            for m in muts:
                if (c := _apply(base, (m,))) is not None:
                    yield c
    for group in (fixtures, cases):
        for base in group:
            muts = singles[id(base)]
            pairs = [
                (i, j)
                for i in range(len(muts))
                for j in range(i + 1, len(muts))
                if muts[i].path != muts[j].path
            ]
            rng.shuffle(pairs)
            for i, j in pairs:
                if (c := _apply(base, (muts[i], muts[j]))) is not None:
                    yield c
    yield empty.data, empty.as_of, empty.label, ()
    for m in _mutations(empty, rules, templates):
        if (c := _apply(empty, (m,))) is not None:
            yield c


def _fixture_bases(pack: Pack, kind: str) -> list[_Base]:
    tests = pack.tests
    out = []
    for name, data in tests.fixtures.items():
        if data.get("kind") != kind:
            continue
        cases = [c for c in tests.cases if c.subject == name]
        plain = [c for c in cases if not c.set]
        as_of = (plain or cases)[0].as_of if cases else _DEFAULT_AS_OF
        out.append(_Base(f"{pack.id} fixture {name}", _neutral(data), as_of, ()))
    return out


def _case_bases(pack: Pack, kind: str) -> list[_CaseBase]:
    """The subject of every case that changes a fixture of ``kind``."""
    tests = pack.tests
    out = []
    for case in tests.cases:
        fixture = tests.fixtures.get(case.subject)
        if fixture is None or fixture.get("kind") != kind or not case.set:
            continue
        data = _neutral(fixture)
        changes = []
        ok = True
        for dotted, value in case.set.items():
            parts: list[str | int] = [int(p) if p.isdigit() else p for p in dotted.split(".")]
            ok = ok and _set(data, tuple(parts), clone_data(value), None)
            changes.append((dotted, _text(value)))
        if ok:
            label = f"{pack.id} fixture {case.subject} (test case “{case.name}”)"
            base = _Base(label, data, case.as_of, tuple(changes))
            touched = frozenset(k.split(".")[0] for k in case.set)
            out.append(_CaseBase(base, frozenset(case.violations), touched))
    return out


def _neutral(data: dict[str, Any]) -> dict[str, Any]:
    """A fixture's data without the city it was written for (a witness is judged by both)."""
    out: dict[str, Any] = clone_data(data)
    out.pop("city", None)
    return out


def clone_data(value: Any) -> Any:
    """A copy of raw subject data: dicts and lists copied, scalars (immutable) shared."""
    if isinstance(value, dict):
        return {k: clone_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone_data(v) for v in value]
    return value


def item_templates(datas: Iterable[dict[str, Any]]) -> dict[tuple[str, ...], dict[str, Any]]:
    """A first item for each list of records seen in the raw subjects ``datas``, keyed by the
    list's path without indices, to append new items from."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}

    def walk(value: Any, path: tuple[str, ...]) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*path, str(k)))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out.setdefault(path, clone_data(value[0]))
            for item in value:
                walk(item, path)

    for data in datas:
        walk(data, ())
    return out


def _apply(base: _Base, muts: Sequence[_Mutation]) -> Candidate | None:
    data = clone_data(base.data)
    as_of = base.as_of
    changes = list(base.changes)
    for m in muts:
        if m.path == ("@as_of",):
            as_of = m.value
        elif not _set(data, m.path, m.value, m.template):
            return None
        changes.append((_label(m.path), _text(m.value)))
    return data, as_of, base.label, tuple(changes)


def _set(data: Any, path: Path, value: Any, template: dict[str, Any] | None) -> bool:
    """Set ``value`` at ``path`` in raw subject data, creating records and appending a list
    item from ``template`` where the path asks for one; False when the path cannot exist."""
    node = data
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(part, int):
            if not isinstance(node, list):
                return False
            if part == len(node) and template is not None:
                node.append(clone_data(template))
            if part >= len(node):
                return False
            if last:
                node[part] = value
                return True
            node = node[part]
            continue
        if not isinstance(node, dict):
            return False
        if last:
            node[part] = value
            return True
        nxt = path[i + 1]
        if node.get(part) is None:
            node[part] = [] if isinstance(nxt, int) else {}
        node = node[part]
    return False


def _label(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_json_default)
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


# ---- mutations read off the rules ------------------------------------------------------------


def rule_paths(rule: RuleIR) -> Iterator[tuple[str, ...]]:
    """Absolute field paths a rule reads (items of lists as the list's path)."""
    for field, lists in _fields(rule):
        if field.scope == 0:
            yield field.path
        elif field.scope <= len(lists):
            yield (*lists[field.scope - 1], *field.path)


def _fields(rule: RuleIR) -> Iterator[tuple[Field, tuple[tuple[str, ...], ...]]]:
    """Every field of the rule with the stack of list paths of the enclosing ``some``/``every``
    (absolute paths, so a field of scope n reads items of the n-th)."""
    for node, lists in _nodes(rule):
        if isinstance(node, Field):
            yield node, lists


Lists = tuple[tuple[str, ...], ...]


def _nodes(rule: RuleIR) -> Iterator[tuple[Node, Lists]]:
    for root in (rule.when, rule.requires, rule.open_while):
        if root is not None:
            yield from _walk(root, ())


def _walk(node: Node, lists: Lists) -> Iterator[tuple[Node, Lists]]:
    yield node, lists
    match node:
        case Some() | Every() | Extremum():
            field = node.field
            yield field, lists
            path = field.path if field.scope == 0 else (*lists[field.scope - 1], *field.path)
            inner = (*lists, path)
            for child in (
                node.where,
                node.require if isinstance(node, Every) else None,
                node.of if isinstance(node, Extremum) else None,
            ):
                if child is not None:
                    yield from _walk(child, inner)
        case _:
            for sub in children(node):
                yield from _walk(sub, lists)


def _mutations(
    base: _Base, rules: Sequence[RuleIR], templates: dict[tuple[str, ...], dict[str, Any]]
) -> list[_Mutation]:
    """Single changes to ``base`` suggested by the rules, in rule order, without repeats."""
    try:
        subject: SubjectBase | None = validate_subject(base.data)
    except (ValidationError, ValueError):
        subject = None
    out: dict[str, _Mutation] = {}

    def add(path: Path, value: Any, template: dict[str, Any] | None = None) -> None:
        key = json.dumps([list(path), value], default=_json_default, sort_keys=True)
        out.setdefault(key, _Mutation(path, value, template))

    for rule in rules:
        for node, lists in _nodes(rule):
            for target in _targets(node, lists, base.data, templates):
                path, template, ftype_field = target
                for value in _values_for(node, ftype_field, _get(base.data, path)):
                    add(path, value, template)
            if subject is not None:
                for path, value in _relative_dates(node, lists, base, subject):
                    add(path, value)
                for path, value in _secant(node, base, subject):
                    add(path, value)
        if subject is not None and isinstance(rule.requires, Deadline):
            for path, value in _deadline_moves(rule, base, subject):
                add(path, value)
    return list(out.values())


def _targets(
    node: Any,
    lists: tuple[tuple[str, ...], ...],
    data: dict[str, Any],
    templates: dict[tuple[str, ...], dict[str, Any]],
) -> Iterator[tuple[Path, dict[str, Any] | None, Field]]:
    """The concrete paths in the base a node's own field stands for: the field itself at
    scope 0, or the field in the first items of its list and in one appended item."""
    field = _own_field(node)
    if field is None:
        return
    if field.scope == 0:
        yield field.path, None, field
        return
    if field.scope != len(lists):
        return
    list_path = lists[-1]
    items = _get(data, list_path)
    if field.scope > 1 and not isinstance(items, list):
        # Items of a list inside another list's items: too many combinations for a bounded
        # search. A list reached from the subject (an absolute path, as the approvals an
        # earliest date is taken from inside 'some reviews') is mutated like any other.
        return
    count = len(items) if isinstance(items, list) else 0
    for i in range(min(count, _MAX_ITEMS)):
        yield (*list_path, i, *field.path), None, field
    template = templates.get(list_path)
    if template is not None:
        yield (*list_path, count, *field.path), template, field


def _own_field(node: Node) -> Field | None:
    match node:
        case Compare(left=Field() as f) | Compare(right=Field() as f):
            return f
        case Present(expr=Field() as f):
            return f
        case Some(field=f) | Every(field=f) | Extremum(field=f):
            return f
        case Compare() | Present() | All() | AnyOf() | Not() | Deadline():
            return None
        case Const() | Param() | AsOf() | Field() | Arith() | DaysBetween() | HoursBetween():
            return None
        case Shift() | Annual() | YearOf() | DayOf() | Len():
            return None
        case _:
            assert_never(node)


def _bound_value(e: Expr) -> Any:
    match e:
        case Const(value=v):
            return v
        case Param(value=v):
            return v
    return _MISSING


_MISSING = object()


def _values_for(node: Any, field: Field, current: Any) -> Iterator[Any]:
    """Values worth trying for ``field`` given the node it appears in."""
    ftype = field.type
    if ftype.kind == "bool":
        yield not bool(current)
    if ftype.choices:
        yield from ftype.choices
    if ftype.nullable:
        yield None
    if ftype.kind in ("list", "set"):
        yield []
    match node:
        case Compare(op=op, left=Field() as left, right=right) if left is field:
            yield from _around(op, _bound_value(right), ftype.kind, current)
        case Compare(op=op, left=left, right=Field() as right) if right is field:
            yield from _around(op, _bound_value(left), ftype.kind, current)


def _around(op: CompareOp, bound: Any, kind: str, current: Any) -> Iterator[Any]:
    if bound is _MISSING or bound is None:
        return
    match op:
        case "in" | "not_in":
            yield from sorted(bound, key=str)
        case "contains" | "contains_all":
            items = set(current) if isinstance(current, (list, set, frozenset)) else set()
            wanted = set(bound) if op == "contains_all" else {bound}
            yield sorted(items | wanted, key=str)
            for w in sorted(wanted, key=str):
                yield sorted(items - {w}, key=str)
        case "eq" | "ne" | "lt" | "le" | "gt" | "ge":
            yield from _around_value(bound, kind)
        case _:
            assert_never(op)


def _around_value(bound: Any, kind: str) -> Iterator[Any]:
    """The bound of an equality or order, and the values just around it."""
    if isinstance(bound, (bool, str)):
        yield bound
    elif isinstance(bound, dt.date) and not isinstance(bound, dt.datetime):
        for k in (-1, 0, 1):
            if (moved := _moved(bound, k)) is not None:
                yield moved
    elif isinstance(bound, (int, Decimal)):
        if kind == "int":
            for k in (-1, 0, 1):
                yield int(bound) + k
        else:
            step = max(abs(Decimal(bound)) / 10000, Decimal("0.01"))
            for k in (-1, 0, 1):
                yield Decimal(bound) + k * step


def _get(data: Any, path: Sequence[str | int]) -> Any:
    node = data
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None
            node = node[part]
        else:
            if not isinstance(node, dict):
                return None
            node = node.get(part)
    return node


def _moved(day: Any, days: int) -> Any:
    """``day`` moved by ``days`` (a date, a date-time or a number), or None past the ends of
    the calendar (a candidate no subject can hold)."""
    try:
        return day + (dt.timedelta(days=days) if isinstance(day, dt.date) else days)
    except OverflowError:
        return None


def _scalar_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _relative_dates(
    node: Any, lists: tuple[tuple[str, ...], ...], base: _Base, subject: SubjectBase
) -> Iterator[tuple[Path, Any]]:
    """A date field compared with another date expression: the day before, on and after it;
    compared with the evaluation date (an act done by then: ``present`` of a date), also the
    evaluation date moved to the act's day and the day after."""
    if not isinstance(node, Compare) or node.op not in ("lt", "le", "gt", "ge", "eq", "ne"):
        return
    for mine, other in ((node.left, node.right), (node.right, node.left)):
        if not isinstance(mine, Field) or mine.type.kind != "date":
            continue
        if isinstance(other, AsOf):
            # Both packs read an act dated after the evaluation date as not yet done: what
            # tells them apart is the act on either side of that date, reached by moving the
            # evaluation date to the act's day and the day after (the act's own date moved
            # around the evaluation date would only multiply the candidates).
            act = _get_attr(subject, mine.path) if mine.scope == 0 else None
            if isinstance(act, dt.date) and not isinstance(act, dt.datetime):
                for k in (0, 1):
                    if (moved := _moved(act, k)) is not None:
                        yield ("@as_of",), moved
            continue
        if _bound_value(other) is not _MISSING:
            continue
        for scopes, prefix in _scope_choices(mine, other, lists, subject):
            try:
                day = eval_expr(other, scopes, base.as_of)
            except (CalendarGap, TypeError, ValueError, AttributeError):
                continue
            if not _scalar_date(day):
                continue
            path = mine.path if mine.scope == 0 else (*prefix, *mine.path)
            for k in (-1, 0, 1):
                if (moved := _moved(day, k)) is not None:
                    yield path, moved


def _scope_choices(
    mine: Field, other: Expr, lists: tuple[tuple[str, ...], ...], subject: SubjectBase
) -> Iterator[tuple[tuple[Any, ...], Path]]:
    """Scopes to evaluate ``other`` in: the subject alone, or with each of the first items of
    the (single) enclosing list, together with the path prefix of that item."""
    if not lists:
        yield (subject,), ()
        return
    if len(lists) > 1:
        return
    items = _get_attr(subject, lists[0]) or ()
    for i, item in enumerate(tuple(items)[:_MAX_ITEMS]):
        yield (subject, item), (*lists[0], i)


def _get_attr(obj: Any, path: Sequence[str]) -> Any:
    for name in path:
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


def _deadline_moves(rule: RuleIR, base: _Base, subject: SubjectBase) -> Iterator[tuple[Path, Any]]:
    """The act done the day before, on and after the last day; or not done, judged then."""
    deadline = rule.requires
    assert isinstance(deadline, Deadline)
    try:
        on = date_that_matters(rule, subject, base.as_of)
        due = eval_expr(deadline.due, (subject,), base.as_of, on)
    except (CalendarGap, TypeError, ValueError, AttributeError):
        return
    if not _scalar_date(due):
        return
    done = deadline.done
    if isinstance(done, Field) and done.scope == 0:
        for k in (-1, 0, 1):
            if (moved := _moved(due, k)) is not None:
                yield done.path, moved
        yield done.path, None
    for k in (0, 1):
        if (moved := _moved(due, k)) is not None:
            yield ("@as_of",), moved


def _secant(node: Any, base: _Base, subject: SubjectBase) -> Iterator[tuple[Path, Any]]:
    """A number solving ``expression = bound`` for an arithmetic threshold, found by one secant
    step on each number field of the expression, and the values just around it."""
    if not isinstance(node, Compare) or node.op not in ("lt", "le", "gt", "ge"):
        return
    bound = _bound_value(node.right)
    expr = node.left
    if not isinstance(expr, Arith) or not isinstance(bound, (int, Decimal)):
        return
    for field in _arith_fields(expr):
        if field.scope != 0 or field.type.kind not in ("int", "decimal"):
            continue
        start = _get(base.data, field.path)
        if not isinstance(start, (int, float, Decimal)) or isinstance(start, bool):
            continue
        try:
            x0 = Decimal(str(start))
            y0 = eval_expr(expr, (subject,), base.as_of)
            data = clone_data(base.data)
            _set(data, field.path, x0 + 1, None)
            y1 = eval_expr(expr, (validate_subject(data),), base.as_of)
            if y0 is None or y1 is None or y1 == y0:
                continue
            root = x0 + (Decimal(bound) - Decimal(y0)) / (Decimal(y1) - Decimal(y0))
        except (ValidationError, ValueError, ArithmeticError, InvalidOperation, TypeError):
            continue
        if field.type.kind == "int":
            for k in (-1, 0, 1):
                yield field.path, int(root) + k
        else:
            step = max(abs(root) / 10000, Decimal("0.01"))
            for k in (-1, 0, 1):
                yield field.path, (root + k * step).quantize(Decimal("0.01"))


def _arith_fields(e: Expr) -> Iterator[Field]:
    if isinstance(e, Field):
        yield e
    elif isinstance(e, Arith):
        yield from _arith_fields(e.left)
        yield from _arith_fields(e.right)
