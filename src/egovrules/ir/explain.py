"""Explanations: the evaluation trace of one rule on one subject, every sub-condition with the
actual values it compared and whether it held.

The trace is built on the reference interpreter (``egovrules.ir.interpret``): each node's
truth is what the interpreter says of that node, so an explanation can never disagree with
the semantics it explains.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, assert_never

from egovrules.ir.describe import describe, describe_expr
from egovrules.ir.interpret import (
    date_that_matters,
    deadline_facts,
    eval_cond,
    eval_expr,
    evaluate_rule,
    unknown_last_day,
)
from egovrules.ir.nodes import (
    All,
    AnyOf,
    Compare,
    Cond,
    Const,
    Deadline,
    Every,
    Expr,
    Extremum,
    Node,
    Not,
    Present,
    RuleIR,
    Some,
    children,
    deadline_bounds,
)
from egovrules.ir.words import WORDS_LANGS, rule_statement
from egovrules.law.calendar import CalendarGap

__all__ = ["explain_rule", "render_explanation"]


def _show(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (frozenset, set)):
        return sorted(map(str, value))
    if isinstance(value, tuple) and value and hasattr(value[0], "model_dump"):
        return f"{len(value)} item(s)"
    return str(value)


def explain_rule(rule: RuleIR, subject: Any, as_of: dt.date) -> dict[str, Any]:
    """The trace of ``rule`` on ``subject``, as JSON-ready data."""
    on = date_that_matters(rule, subject, as_of)
    scopes = (subject,)
    c = rule.citations[0]
    out: dict[str, Any] = {
        "rule_id": rule.id,
        "concept": rule.concept,
        "citation": str(c),
        "quote": c.quote,
        "translation": c.shown("en") if not c.is_source("en") else None,
        "statement": {lang: rule_statement(rule, lang) for lang in WORDS_LANGS},
        "scope": None
        if rule.scope is None
        else {
            "name": rule.scope.name,
            "binds": rule.scope.label_in("en"),
            "citation": str(rule.scope.citation),
            "quote": rule.scope.citation.quote,
        },
        "as_of": as_of.isoformat(),
        "date_that_matters": on.isoformat(),
        "in_force_from": rule.in_force_from.isoformat() if rule.in_force_from else None,
        "outcome": evaluate_rule(rule, subject, as_of).label,
        "when": None if rule.when is None else _node(rule.when, scopes, as_of, on),
    }
    if isinstance(rule.requires, Deadline):
        out["requires"] = _deadline(rule.requires, scopes, as_of, on)
    else:
        out["requires"] = _node(rule.requires, scopes, as_of, on)
    if rule.open_while is not None:
        out["pending"] = _node(rule.open_while, scopes, as_of, on)
    return out


def _value(e: Expr, scopes: tuple[Any, ...], as_of: dt.date, on: dt.date) -> Any:
    """An operand's value as the trace shows it; "undetermined" for one that counts working
    days in a year the calendar lacks (a trace never fails on it: the rule's verdict may not
    depend on it, when another operand decides)."""
    try:
        return _show(eval_expr(e, scopes, as_of, on))
    except CalendarGap:
        return "undetermined"


def _truth(c: Cond, scopes: tuple[Any, ...], as_of: dt.date, on: dt.date) -> bool | str:
    try:
        return eval_cond(c, scopes, as_of, on)
    except CalendarGap:
        return "undetermined"


def _node(c: Cond, scopes: tuple[Any, ...], as_of: dt.date, on: dt.date) -> dict[str, Any]:
    node: dict[str, Any] = {"condition": describe(c), "holds": _truth(c, scopes, as_of, on)}
    match c:
        case All(items=items) | AnyOf(items=items):
            node["parts"] = [_node(i, scopes, as_of, on) for i in items]
        case Not(item=item):
            node["parts"] = [_node(item, scopes, as_of, on)]
        case Compare(left=left, right=right):
            node["values"] = {
                describe_expr(e): _value(e, scopes, as_of, on)
                for e in (left, right)
                if not isinstance(e, Const)
            }
            _among(node, (left, right), scopes, as_of, on)
        case Present(expr=e):
            node["values"] = {describe_expr(e): _value(e, scopes, as_of, on)}
            _among(node, (e,), scopes, as_of, on)
        case Some(field=f, where=where) | Every(field=f, where=where):
            items = eval_expr(f, scopes, as_of, on) or ()
            inner = where if isinstance(c, Some) else c.require
            node["items"] = []
            for i, item in enumerate(items):
                entry: dict[str, Any] = {"item": i}
                if isinstance(c, Every) and where is not None:
                    entry["selected"] = _node(where, (*scopes, item), as_of, on)
                if inner is not None:
                    entry.update(_node(inner, (*scopes, item), as_of, on))
                node["items"].append(entry)
        case _:
            assert_never(c)
    return node


def _among(
    node: dict[str, Any],
    operands: tuple[Expr, ...],
    scopes: tuple[Any, ...],
    as_of: dt.date,
    on: dt.date,
) -> None:
    """For each earliest/latest date an operand takes, the items it was taken from: whether
    each was selected (its ``where``, traced) and its date, so that a reader sees which act
    was first or last."""
    traces = []
    for x in (x for e in operands for x in _outer_extrema(e)):
        items = eval_expr(x.field, scopes, as_of, on) or ()
        entries: list[dict[str, Any]] = []
        for i, item in enumerate(items):
            inner = (*scopes[: x.item_scope], item)
            entry: dict[str, Any] = {"item": i}
            if x.where is not None:
                entry["selected"] = _node(x.where, inner, as_of, on)
            entry["values"] = {describe_expr(x.of): _value(x.of, inner, as_of, on)}
            entries.append(entry)
        traces.append({"expression": describe_expr(x), "items": entries})
    if traces:
        node["among"] = traces


def _outer_extrema(e: Node) -> list[Extremum]:
    """The earliest/latest dates in ``e`` read in the scopes at hand (not those inside
    another one's items, which only its own items give a meaning to)."""
    if isinstance(e, Extremum):
        return [e]
    return [x for child in children(e) for x in _outer_extrema(child)]


def _deadline(d: Deadline, scopes: tuple[Any, ...], as_of: dt.date, on: dt.date) -> dict[str, Any]:
    try:
        facts = deadline_facts(d, scopes, as_of, on)
    except CalendarGap as gap:
        return {"condition": describe(d), "holds": "undetermined", "reason": str(gap)}
    values: dict[str, Any] = {
        "last day in time": _show(facts.due),
        describe_expr(d.done): _act(eval_expr(d.done, scopes, as_of, on), as_of),
        "days elapsed": facts.elapsed,
        "days late": facts.late,
    }
    bounds = deadline_bounds(d)
    if facts.bounded and bounds is not None:
        # decided without the last day, which falls in a year the calendar does not know
        values["last day in time"] = "not known (a year without a published holiday notice)"
        values["earliest possible last day"] = _show(eval_expr(bounds[0], scopes, as_of, on))
        values["latest possible last day"] = _show(eval_expr(bounds[1], scopes, as_of, on))
    elif facts.bounded:  # counted past 9999-12-31 with the weekday fallback
        values["last day in time"] = unknown_last_day(facts, "en")
    return {"condition": describe(d), "holds": facts.outcome.label, "values": values}


def _act(done: Any, as_of: dt.date) -> Any:
    """A deadline's act as the trace shows it: one dated after the as-of date is said to be
    not done yet on it (``ir.interpret.act_by``)."""
    if isinstance(done, dt.date) and done > as_of:
        return f"{_show(done)} (after the as-of date: not done yet)"
    return _show(done)


def render_explanation(trace: dict[str, Any]) -> str:
    """The trace as an indented tree for a terminal."""
    lines = [
        f"{trace['rule_id']} — {trace['citation']}",
        f"  「{trace['quote']}」",
        *([f"  {trace['translation']}"] if trace.get("translation") else []),
        *(
            [f"  binds: {sc['binds']} — {sc['citation']} 「{sc['quote']}」"]
            if (sc := trace.get("scope"))
            else []
        ),
        *(f"  in words ({lang}): {said}" for lang, said in trace.get("statement", {}).items()),
        f"  as of {trace['as_of']}; date that matters {trace['date_that_matters']}"
        + (f"; in force from {trace['in_force_from']}" if trace["in_force_from"] else ""),
        f"  outcome: {trace['outcome']}",
    ]
    for key in ("when", "requires", "pending"):
        if trace.get(key) is not None:
            lines.append(f"  {key}:")
            _tree(trace[key], 2, lines)
    return "\n".join(lines) + "\n"


def _mark(holds: Any) -> str:
    return (
        {True: "✓", False: "✗"}.get(holds, f"? {holds}")
        if isinstance(holds, bool)
        else (f"[{holds}]")
    )


def _word(value: Any) -> Any:
    if isinstance(value, list):  # a set, shown sorted (``_show``)
        return "{" + ", ".join(map(str, value)) + "}"
    if isinstance(value, bool):  # not by a dict: 1 == True and 0 == False (a day late, none)
        return "true" if value else "false"
    return "null" if value is None else value


def _tree(node: dict[str, Any], depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    lines.append(f"{pad}{_mark(node.get('holds'))} {node['condition']}")
    for name, value in node.get("values", {}).items():
        lines.append(f"{pad}    {name} = {_word(value)}")
    for among in node.get("among", []):
        lines.append(f"{pad}    {among['expression']}, from:")
        for item in among["items"]:
            values = ", ".join(f"{k} = {_word(v)}" for k, v in item["values"].items())
            chosen = item.get("selected", {}).get("holds", True)
            skipped = "" if chosen is True else " (not selected)"
            lines.append(f"{pad}      item {item['item']}: {values}{skipped}")
            if "selected" in item:
                _tree(item["selected"], depth + 4, lines)
    for part in node.get("parts", []):
        _tree(part, depth + 1, lines)
    for item in node.get("items", []):
        lines.append(f"{pad}    item {item['item']}:")
        if "selected" in item:
            _tree(item["selected"], depth + 3, lines)
        if "condition" in item:
            _tree(item, depth + 3, lines)
