"""The deadline timeline of a concept or a concept family: the acts a lawyer follows (project
declaration → review → approval → construction → acceptance; network access → police filing)
and, per city, what its rules say of the time between them.

Each ``Step`` is one rule's constraint between two acts, read from the compiled conditions of
its ``requires`` (never from its words), traced to the rule id and its citation:

- ``within``: a deadline counted from an act (``deadline: {start, done, within}``), a date on
  or before another shifted by a period (``{field: b, le: {shift: [a, $p]}}``) or hours or days
  between two acts at most a number;
- ``annual``: a deadline on a month-day each year (``due: {annual: [$d, ...]}``);
- ``order``: one act on or before another (``{field: a, le: b}``, also inside a ``some``).

A comparison under a ``not`` states no order and is left out. ``timeline_names`` lists the
concepts and families (the part of a concept id before its first dot, from the vocabulary) that
have at least one step; ``timeline`` builds one; ``render/svg.py`` draws it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from egovrules.diffing.model import Act, PackRef, Step, StepKind, Timeline
from egovrules.diffing.views import citation_view, concept_titles, pack_ref
from egovrules.engine.pack import Pack
from egovrules.ir.nodes import (
    All,
    Annual,
    AnyOf,
    Arith,
    Compare,
    Const,
    DaysBetween,
    Deadline,
    Every,
    Expr,
    Extremum,
    Field,
    HoursBetween,
    Node,
    Not,
    Param,
    RuleIR,
    Shift,
    Some,
    asked_values,
)
from egovrules.packdata.phrases import load_phrases
from egovrules.packdata.vocabulary import load_vocabulary
from egovrules.source.errors import UsageError
from egovrules.source.suggest import did_you_mean

__all__ = [
    "Act",
    "Step",
    "StepKind",
    "Timeline",
    "timeline",
    "timeline_names",
]

# The acts' names, in English and Chinese, and their stage in the life of a project, a plan or a
# network (what orders acts no step orders: construction before acceptance), by the key of the
# date that records them. An act not named here gets its key in words in both languages and the
# last stage (tests/test_timeline.py checks that every act of the bundled packs is named).
_ACT_NAMES: dict[str, tuple[str, str, int]] = {
    "declaration.submitted_date": ("annual declaration submitted", "年度项目申报", 1),
    "project_call_date": ("call for projects issued", "发出项目征集通知", 0),
    "approval_application.received_date": ("application for approval received", "受理审批申请", 3),
    "approval_application.decision_date": ("approval decided", "作出审批决定", 4),
    "approval_application.submitted_date": (
        "application for approval submitted",
        "提交审批申请",
        3,
    ),
    "approval_application.copied_to_finance_date": (
        "approval copied to finance",
        "审批抄送财政",
        4,
    ),
    "evaluation_opinion.date": ("evaluation opinion issued", "出具评审意见", 2),
    "approvals.date": ("approval", "批准", 4),
    "reviews.date": ("review", "评审", 2),
    "procurement.date": ("procurement or bidding", "采购或招标", 5),
    "contract_signed_date": ("contract signed", "签订合同", 6),
    "construction_start_date": ("construction begins", "开工建设", 7),
    "completion_date": ("construction completed", "建成", 8),
    "trial_operation_end_date": ("trial operation ends", "试运行结束", 9),
    "acceptance.applied_date": ("acceptance applied for", "申请验收", 10),
    "acceptance.date": ("acceptance passed", "通过验收", 11),
    "operation_start_date": ("put into operation or use", "投入运行或使用", 12),
    "payments.date": ("payment made", "拨付资金", 12),
    "investment_increase_date": ("investment increased", "追加投资", 13),
    "major_programme_change_date": ("major change of the programme", "建设方案重大变更", 13),
    "network_access_date": ("network access", "联网", 7),
    "police_filing.date": ("police filing", "公安备案", 8),
    "go_live_date": ("goes live", "开通使用", 12),
    "approval.date": ("approval", "批准", 4),
    "filing.date": ("filing", "备案", 4),
    "plans.approved_date": ("plan approved", "规划批准", 4),
    "plans.filed_date": ("plan filed", "规划备案", 4),
    "plans.implemented_date": ("plan implemented", "规划实施", 7),
    "exchange_plan.approved_date": ("exchange plan approved", "交换方案批准", 4),
    "exchange_plan.implemented_date": ("exchange plan implemented", "交换方案实施", 7),
    "info_officers.training_passed_date": ("training passed", "培训合格", 4),
    "info_officers.post_start_date": ("takes up the post", "上岗", 7),
    "incidents.detected_at": ("case detected", "发现案件", 1),
    "incidents.reported_at": ("case reported", "报告案件", 2),
    "resource_catalogue.date": ("catalogue compiled", "编制资源目录", 1),
    "resource_catalogue.last_updated": ("catalogue last updated", "资源目录最近更新", 2),
}


_LAST_STAGE = 99

# The families' titles (the part of a concept id before its first dot).
_FAMILY_TITLES: dict[str, tuple[str, str]] = {
    "assessment": ("Assessment", "考核"),
    "network": ("E-government networks", "电子政务网络"),
    "org": ("Organisation and funding", "组织与经费"),
    "plan": ("E-government plans", "电子政务规划"),
    "project": ("E-government projects", "电子政务项目"),
    "resources": ("Information resources", "信息资源"),
    "security": ("Information security", "信息安全"),
    "training": ("Training", "培训"),
    "website": ("Government websites", "政府网站"),
}


def timeline_names(packs: Sequence[Pack]) -> tuple[str, ...]:
    """Every concept id and family of the vocabulary that has a step in ``packs``, sorted."""
    concepts = {s.concept for p in packs for s in _pack_steps(p)}
    families = {c.partition(".")[0] for c in concepts}
    return tuple(sorted(concepts | families))


def timeline(
    packs: Sequence[Pack], concept_or_family: str, *, labels: Sequence[str] | None = None
) -> Timeline | None:
    """The timeline of a concept (``website.police_filing``) or a family (``project``: every
    concept whose id starts with ``project.``) across ``packs``; ``None`` when the name is known
    but none of the packs' rules on it orders acts or counts days. A name that is neither a
    concept of the vocabulary nor a family of one is a ``UsageError``. ``labels`` name the
    packs (``wuhan@HEAD~1``; their ids by default, numbered where two are the same)."""
    refs = _refs(packs, labels)
    known = set(load_vocabulary().concepts) | {c for p in packs for c in _concepts(p)}
    families = {c.partition(".")[0] for c in known}
    name = concept_or_family
    if name not in known and name not in families:
        hint = did_you_mean(name, sorted(known | families)) or "see egovrules docs concepts"
        raise UsageError(f"no concept or concept family {name!r}; {hint}")
    steps = tuple(s for p, ref in zip(packs, refs, strict=True) for s in _pack_steps(p, ref, name))
    if not steps:
        return None
    if name in known:
        title_en, title_zh = concept_titles(name)
    else:
        title_en, title_zh = _FAMILY_TITLES.get(name, (name, None))
    return Timeline(
        name=name,
        title_en=title_en,
        title_zh=title_zh or title_en,
        packs=refs,
        acts=_ordered_acts(steps),
        steps=steps,
    )


def _concepts(pack: Pack) -> set[str]:
    return {r.concept for r in pack.ruleset.rules}


def _refs(packs: Sequence[Pack], labels: Sequence[str] | None) -> tuple[PackRef, ...]:
    names = list(labels) if labels is not None else [p.id for p in packs]
    if len(names) != len(packs):
        raise UsageError(f"{len(packs)} packs but {len(names)} labels")
    given = list(names)
    names = [f"{n} ({i + 1})" if given.count(n) > 1 else n for i, n in enumerate(given)]
    return tuple(pack_ref(p, n) for p, n in zip(packs, names, strict=True))


def _pack_steps(pack: Pack, ref: PackRef | None = None, name: str = "") -> Iterator[Step]:
    """The steps of the pack's rules on the concept or family ``name`` (every rule's: "")."""
    ref = ref or pack_ref(pack)
    for rule in pack.ruleset.rules:
        if name and rule.concept != name and not rule.concept.startswith(name + "."):
            continue
        cite = citation_view(pack, rule.citations[0]) if rule.citations else None
        for raw in dict.fromkeys(_rule_steps(rule)):
            kind, before, after, amount, unit, md, offset, year_of, param, strict = raw
            yield Step(
                pack=ref,
                rule_id=rule.id,
                concept=rule.concept,
                kind=kind,
                before=_which_item(before, rule.subject) if before is not None else None,
                after=_which_item(after, rule.subject),
                amount=amount,
                unit=unit,
                month_day=md,
                year_offset=offset,
                year_of=year_of,
                parameter=param,
                citation=cite,
                strict=strict,
            )


_Raw = tuple[
    StepKind,
    Act | None,
    Act,
    int | None,
    str | None,
    tuple[int, int] | None,
    int | None,
    str | None,
    str | None,
    bool,
]
# The lists enclosing a node: (item scope, list path, what the ``where`` asks of an item).
_Context = tuple[tuple[int, str, str], ...]


def _rule_steps(rule: RuleIR) -> Iterator[_Raw]:
    req = rule.requires
    if isinstance(req, Deadline):
        done = _act(req.done, ())
        if done is None:
            return
        due = req.due
        if isinstance(due, Shift):
            start = _act(due.date, ())
            amount, param = _amount(due.amount)
            if start is not None and amount is not None:
                unit = _SHIFT_UNITS[due.unit]
                yield ("within", start, done, amount, unit, None, None, None, param, False)
        elif isinstance(due, Annual) and isinstance(due.month_day, Param):
            md = due.month_day.value
            offset, year_of = _year_offset(due.year)
            name = due.month_day.name
            yield ("annual", None, done, None, None, (md[0], md[1]), offset, year_of, name, False)
        return
    yield from _cond_steps(req, ())


_SHIFT_UNITS = {
    "days": "calendar_days",
    "working_days": "working_days",
    "months": "months",
    "years": "years",
}


def _cond_steps(node: Node, ctx: _Context) -> Iterator[_Raw]:
    match node:
        case Not():
            return  # a negated comparison orders nothing
        case All(items=items) | AnyOf(items=items):
            for item in items:
                yield from _cond_steps(item, ctx)
        case Some(where=where) if where is not None:
            inner = (*ctx, (node.item_scope, ".".join(node.field.path), _asks(node)))
            yield from _cond_steps(where, inner)
        case Every(require=require):
            inner = (*ctx, (node.item_scope, ".".join(node.field.path), _asks(node)))
            yield from _cond_steps(require, inner)
        case Compare(op=op, left=left, right=right) if op in ("le", "lt", "ge", "gt"):
            if op in ("ge", "gt"):
                left, right = right, left
            yield from _compare_step(left, right, ctx, strict=op in ("lt", "gt"))
        case _:
            return


def _compare_step(left: Expr, right: Expr, ctx: _Context, *, strict: bool) -> Iterator[_Raw]:
    """``left`` on or before (at most) ``right``."""
    if isinstance(right, Shift) and right.unit in _SHIFT_UNITS:
        start, done = _act(right.date, ctx), _act(left, ctx)
        amount, param = _amount(right.amount)
        if start is not None and done is not None and amount is not None:
            unit = _SHIFT_UNITS[right.unit]
            yield ("within", start, done, amount, unit, None, None, None, param, False)
        return
    if isinstance(left, (HoursBetween, DaysBetween)):
        start, done = _act(left.start, ctx), _act(left.end, ctx)
        amount, param = _amount(right)
        unit = "hours" if isinstance(left, HoursBetween) else "calendar_days"
        if start is not None and done is not None and amount is not None:
            yield ("within", start, done, amount, unit, None, None, None, param, False)
        return
    first, second = _act(left, ctx), _act(right, ctx)
    if first is not None and second is not None and first != second:
        yield ("order", first, second, None, None, None, None, None, None, strict)


def _asks(node: Some | Every) -> str:
    if isinstance(node, Every):
        node = Some(node.field, node.item_scope, node.where)
    parts = []
    for c in asked_values(node):
        assert isinstance(c.left, Field)
        assert isinstance(c.right, (Const, Param))
        value = c.right.value
        parts.append(f"{'.'.join(c.left.path)}={value}")
    return ",".join(parts)


def _act(expr: Expr, ctx: _Context) -> Act | None:
    """The act a date expression records, or ``None`` when it is not one act's date."""
    if isinstance(expr, Extremum) and isinstance(expr.of, Field):
        where = ""
        if expr.where is not None:
            where = _asks(Some(expr.field, expr.item_scope, expr.where))
        return _named(".".join(expr.field.path), where, ".".join(expr.of.path))
    if not isinstance(expr, Field) or expr.type.kind not in ("date", "datetime"):
        return None
    if expr.scope == 0:
        return _named("", "", ".".join(expr.path))
    enclosing = [(path, where) for scope, path, where in ctx if scope == expr.scope]
    if not enclosing:
        return None
    path, where = enclosing[-1]
    return _named(path, where, ".".join(expr.path))


def _named(list_path: str, where: str, field: str) -> Act:
    base = f"{list_path}.{field}" if list_path else field
    key = f"{list_path}[{where}].{field}" if where else base
    if base in _ACT_NAMES:
        en, zh, stage = _ACT_NAMES[base]
    else:
        words = base.replace(".", " ").replace("_", " ").removesuffix(" date")
        en, zh, stage = words, words, _LAST_STAGE
    return Act(key=key, en=en, zh=zh, stage=stage)


def _which_item(act: Act, kind: str) -> Act:
    """``act`` named with what its rule asks of the item, when it is an item of a list: the
    words of the first value asked (``approval (project establishment)``, ``批准（立项审批）``)
    from the field words of the vocabulary (rules/vocabulary/fields.yaml), or the value as the
    pack spells it."""
    if "[" not in act.key:
        return act
    list_path, _, rest = act.key.partition("[")
    field, _, value = rest.partition("]")[0].split(",", maxsplit=1)[0].partition("=")
    phrases = load_phrases()
    words = phrases.fields.get(f"{kind}.{list_path}[].{field}")
    phrase = (words.values.get(value) if words is not None else None) or phrases.values.get(value)
    spelt = value.replace("_", " ")
    en = _ARTICLE.sub("", phrase.en) if phrase is not None else spelt
    zh = phrase.zh if phrase is not None else spelt
    return replace(act, en=f"{act.en} ({en})", zh=f"{act.zh}（{zh}）")


_ARTICLE = re.compile(r"^(a|an|the) ")


def _amount(expr: Expr) -> tuple[int | None, str | None]:
    if isinstance(expr, Param) and isinstance(expr.value, int) and not isinstance(expr.value, bool):
        return expr.value, expr.name
    if isinstance(expr, Const) and isinstance(expr.value, int):
        return expr.value, None
    return None, None


def _year_offset(expr: Expr) -> tuple[int | None, str | None]:
    if isinstance(expr, Field):
        return 0, ".".join(expr.path)
    if (
        isinstance(expr, Arith)
        and expr.op in ("add", "sub")
        and isinstance(expr.left, Field)
        and isinstance(expr.right, Const)
        and isinstance(expr.right.value, int)
    ):
        sign = -1 if expr.op == "sub" else 1
        return sign * expr.right.value, ".".join(expr.left.path)
    return None, None


def _ordered_acts(steps: Sequence[Step]) -> tuple[Act, ...]:
    """The acts in an order that puts each step's ``before`` first where the steps allow it
    (Kahn's algorithm, the earliest stage first, then the first seen; acts on a cycle keep
    that order)."""
    seen: dict[Act, int] = {}
    for s in steps:
        for a in (s.before, s.after):
            if a is not None:
                seen.setdefault(a, len(seen))
    incoming: dict[Act, set[Act]] = {a: set() for a in seen}
    for s in steps:
        if s.before is not None and s.before != s.after:
            incoming[s.after].add(s.before)
    out: list[Act] = []
    left = dict(incoming)
    while left:
        ready = [a for a, deps in left.items() if not deps - set(out)]
        pick = min(ready or left, key=lambda a: (a.stage, seen[a]))
        out.append(pick)
        del left[pick]
    return tuple(out)
