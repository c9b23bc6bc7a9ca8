"""The values a message's placeholders show: any value as a message writes it
(``format_value``), and what ``{@missing}`` and ``{@failing}`` name, read from the subject by
the reference interpreter (``egovrules.ir.interpret``).

The interpreted messages (``egovrules.engine.findings.render_messages``) and the compiled ones
(``egovrules.backends.messages``) both format their values here, so that the two write the same
text byte for byte.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from egovrules.ir.interpret import eval_cond, eval_expr
from egovrules.ir.nodes import Field, Placeholder, Some, asked_values, walk

__all__ = ["failing", "format_value", "missing"]


def missing(
    part: Placeholder, subject: Any, as_of: dt.date, on: dt.date, language: str = "en"
) -> list[str] | None:
    """What ``{@missing}`` names: the values each ``contains`` or ``contains_all`` of the
    rule requires and the subject's list or set lacks (a required set in sorted order), and
    for each ``some`` no item meets, the values it asks of an item (``to
    municipal_finance_department``), each once; ``None`` when nothing is missing (the
    fallback, or "none", is shown). In a Chinese message, ids and fields are named in the
    placeholder's words (``报送对象为市财政部门``)."""
    words = dict(part.words)
    nouns = dict(part.nouns)
    out: list[str] = []
    for c in part.lacks:
        if isinstance(c, Some):
            if not eval_cond(c, (subject,), as_of, on):
                asked = (
                    _named(
                        a.left, eval_expr(a.right, (subject,), as_of, on), language, words, nouns
                    )
                    for a in asked_values(c)
                    if isinstance(a.left, Field)
                )
                out.extend(x for x in asked if x not in out)
            continue
        have = eval_expr(c.left, (subject,), as_of, on) or ()
        wanted = eval_expr(c.right, (subject,), as_of, on)
        values = (wanted or ()) if c.op == "contains_all" else (wanted,)
        if isinstance(values, (frozenset, set)):  # a set has no order of its own: sort it
            values = sorted(values, key=str)
        for value in values:
            shown = format_value(value, None, language, words)
            if value is not None and value not in have and shown not in out:
                out.append(shown)
    return out or None


def _named(
    field: Field, value: Any, language: str, words: dict[str, str], nouns: dict[str, str]
) -> str:
    """A field and its value as ``{@missing}`` and ``{@failing}`` name them: ``to
    municipal_finance_department``; in a Chinese message, by the words of the field and of
    its ids (``报送对象为市财政部门``)."""
    path = ".".join(field.path)
    if path in nouns:
        return f"{nouns[path]}为{format_value(value, None, language, words)}"
    return f"{path} {format_value(value, None, language, words)}"


def failing(
    part: Placeholder, subject: Any, as_of: dt.date, on: dt.date, language: str
) -> list[str] | None:
    """What ``{@failing}`` names: each item that an ``every`` of the rule selects and that
    breaks its requirement, by its position in the list (from 1) and the item's values the
    rule reads (``#2 (kind balance, date 2026-01-15)``; in a Chinese message by the words of
    the fields and their ids, ``第2项 (类别为尾款, 拨付日期为2026-01-15)``); ``None`` when no item
    fails."""
    words = dict(part.words)
    nouns = dict(part.nouns)
    out: list[str] = []
    for e in part.items:
        read = tuple(
            dict.fromkeys(n for n in walk(e) if isinstance(n, Field) and n.scope == e.item_scope)
        )
        for i, item in enumerate(eval_expr(e.field, (subject,), as_of, on) or (), 1):
            scopes = (subject, item)
            if e.where is not None and not eval_cond(e.where, scopes, as_of, on):
                continue
            if eval_cond(e.require, scopes, as_of, on):
                continue
            values = ", ".join(
                _named(f, eval_expr(f, scopes, as_of, on), language, words, nouns) for f in read
            )
            label = f"第{i}项" if language == "zh" else f"#{i}"
            out.append(f"{label} ({values})" if values else label)
    return out or None


def _worded(value: Any, words: dict[str, str]) -> Any:
    """``value`` with each id that ``words`` has in its words; any other value as it is."""

    def one(x: Any) -> Any:
        return words.get(x, x) if isinstance(x, str) else x

    if isinstance(value, (frozenset, set)):
        return frozenset(map(one, value))
    if isinstance(value, list):
        return [one(x) for x in value]
    return one(value)


def format_value(
    value: Any,
    fallback: str | None = None,
    language: str = "en",
    words: dict[str, str] | None = None,
) -> str:
    """A value as a message shows it: ISO dates, plain decimals, sorted sets; each id that
    ``words`` has (a Chinese placeholder's, ``Placeholder.words``) in its words."""
    zh = language == "zh"
    if words and value is not None:
        value = _worded(value, words)
    if value is None:
        return fallback if fallback is not None else ("无" if zh else "none")
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (frozenset, set)):
        return ("、" if zh else ", ").join(sorted(map(str, value))) or ("无" if zh else "none")
    if isinstance(value, list):  # names in a meaningful order ({@missing})
        return ("、" if zh else ", ").join(map(str, value))
    if isinstance(value, tuple):
        return f"{len(value)}项" if zh else f"{len(value)} item(s)"
    return str(value)
