"""The IR in words a lawyer reads, in English and Chinese: what a rule requires and when it
applies, built from the conditions and the field words of ``rules/vocabulary/fields.yaml``
(``egovrules.packdata.phrases``). ``ir.describe`` keeps the expression for engineers; these
are the sentences beside it. Never parsed back.

The public API: ``rule_statement``, ``condition_words``, ``requirement_words``,
``expr_words`` and ``value_words``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import assert_never

from egovrules.ir.nodes import (
    All,
    Annual,
    AnyOf,
    Arith,
    AsOf,
    Awaiting,
    Compare,
    Cond,
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
    Not,
    Param,
    Present,
    RuleIR,
    Shift,
    Some,
    YearOf,
)
from egovrules.packdata.operators import NEGATE
from egovrules.packdata.phrases import FieldWords, Phrases, WordsLang, load_phrases

__all__ = [
    "WORDS_LANGS",
    "WordsLang",
    "condition_words",
    "expr_words",
    "fact_words",
    "requirement_words",
    "rule_statement",
    "subject_words",
    "value_words",
]

WORDS_LANGS: tuple[WordsLang, ...] = ("en", "zh")
"""The languages rules and witnesses are put into words in, in the order they are shown."""

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Units of a parameter (packdata.model.Unit) and of a date shift, after the number.
_UNITS: dict[str, tuple[str, str]] = {
    "calendar_days": ("days", "日"),
    "days": ("days", "日"),
    "working_days": ("working days", "个工作日"),
    "hours": ("hours", "小时"),
    "months": ("months", "个月"),
    "years": ("years", "年"),
}
_ORDER_WORDS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    # op: ((dates en, zh), (numbers en, zh))
    "le": (("on or before", "不晚于"), ("at most", "不超过")),
    "lt": (("before", "早于"), ("less than", "少于")),
    "ge": (("on or after", "不早于"), ("at least", "不少于")),
    "gt": (("after", "晚于"), ("more than", "超过")),
}


def rule_statement(rule: RuleIR, lang: WordsLang) -> str:
    """What ``rule`` requires, with whom it binds, when it applies and from when it is in
    force (and, for a rule on a dated act, which day decides whether the text applies):
    "For a website of government departments, where ...: it is required that ..."."""
    s = _Speaker(rule.subject, lang, load_phrases())
    subject = s.subject()
    scope = rule.scope.label_in(lang) if rule.scope is not None else None
    when = rule.own_when
    req = s.requirement(rule.requires)
    if lang == "en":
        head = f"For {_a(subject)}"
        if scope is not None:
            head += f" of {scope}"
        if when is not None:
            head += f", where {s.cond(when)}"
        body = req if isinstance(rule.requires, Deadline) else f"it is required that {req}"
        text = f"{head}: {body}."
        for cond, who in rule.pending:
            text += (
                f" While {s.cond(cond)}, it is not yet broken: it awaits {s.awaited(rule, who)}."
            )
        if rule.in_force_from is not None:
            text += f" In force from {_date(rule.in_force_from, lang)}"
            if rule.dated_by is not None:
                text += f"; the day that counts is {s.expr(rule.dated_by)}"
            text += "."
        return text
    head = f"适用于{scope}的{subject}" if scope is not None else f"凡{subject}"
    if when is not None:
        head += f"，如{s.cond(when)}"
    body = req if isinstance(rule.requires, Deadline) else f"须{req}"
    text = f"{head}：{body}。"
    for cond, who in rule.pending:
        text += f"如{s.cond(cond)}，尚不构成违反，有待{s.awaited(rule, who)}行事。"
    if rule.in_force_from is not None:
        text += f"自{_date(rule.in_force_from, lang)}起施行"
        if rule.dated_by is not None:
            text += f"，以{s.expr(rule.dated_by)}为准"
        text += "。"
    return text


def condition_words(cond: Cond, kind: str, lang: WordsLang) -> str:
    """A condition on a subject of ``kind`` (``website``) as a clause in ``lang``."""
    return _Speaker(kind, lang, load_phrases()).cond(cond)


def requirement_words(requires: Cond | Deadline, kind: str, lang: WordsLang) -> str:
    """A rule's requirement: a condition as a clause, a deadline as "X must be no later
    than Y"."""
    return _Speaker(kind, lang, load_phrases()).requirement(requires)


def expr_words(expr: Expr, kind: str, lang: WordsLang) -> str:
    """An expression (a field, a parameter with its unit, a date) as a noun phrase."""
    return _Speaker(kind, lang, load_phrases()).expr(expr)


def fact_words(kind: str, path: Sequence[str], value: object, lang: WordsLang) -> str:
    """What a subject of ``kind`` holds at ``path`` (its data as JSON gives it: ``None``, a
    truth value, an ISO date, a text, a number, a list) as a clause: "the site has no
    interactive columns", "the day of approval is not on record", "there is a review for
    which its kind is an expert review and its date is 1 March 2024"."""
    return _Speaker(kind, lang, load_phrases()).fact(".".join((kind, *path)), value)


def subject_words(kind: str, lang: WordsLang) -> str:
    """The name of a subject kind: "website", "网站"."""
    return _Speaker(kind, lang, load_phrases()).subject()


def value_words(value: object, lang: WordsLang, key: str | None = None) -> str:
    """A value in words: a date in ``lang``'s style, a number, an id by its words (among the
    values of the field ``key`` first, then the shared ones)."""
    phrases = load_phrases()
    words = phrases.fields.get(key) if key is not None else None
    return _Speaker("", lang, phrases).value(value, words)


@dataclass
class _Speaker:
    """Puts the nodes of one subject kind into one language."""

    kind: str
    lang: WordsLang
    phrases: Phrases
    scopes: dict[int, str] = field(default_factory=dict)

    def pick(self, en: str, zh: str) -> str:
        return en if self.lang == "en" else zh

    def awaited(self, rule: RuleIR, who: Awaiting) -> str:
        """Who must act while the obligation is open: the rule's actor or its authority."""
        if who == "authority":
            named = dict(rule.authority).get(self.lang)
            if named is not None:
                return self.pick(f"the {named}", named)
            return self.pick("the competent authority", "主管部门")
        if rule.actor is not None and not _names_the_subject(rule.actor):
            return self.expr(rule.actor)
        return self.pick(f"the {self.subject()}", self.subject())

    def subject(self) -> str:
        p = self.phrases.subjects.get(self.kind)
        return p.get(self.lang) if p is not None else self.kind

    # ---- fields ------------------------------------------------------------------------------

    def key(self, f: Field) -> str:
        base = self.scopes.get(f.scope, self.kind) if f.scope else self.kind
        return ".".join((base, *f.path))

    def words(self, f: Field) -> FieldWords | None:
        return self.phrases.fields.get(self.key(f))

    def noun(self, f: Field, *, bare: bool = False) -> str:
        w = self.words(f)
        noun = w.noun.get(self.lang) if w is not None and w.noun is not None else self.key(f)
        if bare:
            return noun
        if f.scope:
            return self.pick(f"its {noun}", f"其{noun}")
        return self.pick(f"the {noun}", noun)

    def item(self, f: Field) -> str:
        w = self.words(f)
        return w.item.get(self.lang) if w is not None and w.item is not None else self.key(f)

    def inner(self, f: Field, item_scope: int) -> _Speaker:
        scopes = dict(self.scopes)
        scopes[item_scope] = self.key(f) + "[]"
        return _Speaker(self.kind, self.lang, self.phrases, scopes)

    # ---- facts: a field with the value a subject holds ---------------------------------------

    def fact(self, key: str, value: object, *, item: bool = False) -> str:
        w = self.phrases.fields.get(key)
        noun = w.noun.get(self.lang) if w is not None and w.noun is not None else key
        the = self.pick("its " if item else "the ", "其" if item else "")
        if isinstance(value, bool) and w is not None and w.affirmative and w.negative:
            return (w.affirmative if value else w.negative).get(self.lang)
        if isinstance(value, list):
            return self.listed(key, w, value)
        if value is None:
            return self.pick(f"{the}{noun} is not on record", f"{the}{noun}没有记录")
        shown = self.value(_parsed(value), w)
        return self.pick(f"{the}{noun} is {shown}", f"{the}{noun}为{shown}")

    def listed(self, key: str, w: FieldWords | None, items: list[object]) -> str:
        each = w.item.get(self.lang) if w is not None and w.item is not None else key
        if not items:
            return self.pick(f"there is no {each}", f"没有任何{each}")
        if not all(isinstance(x, dict) for x in items):
            shown = self.all_of(Const(frozenset(map(str, items))), w)
            noun = w.noun.get(self.lang) if w is not None and w.noun is not None else key
            return self.pick(f"the {noun} are {shown}", f"{noun}为{shown}")
        out = []
        for x in items:
            assert isinstance(x, dict)
            inner = [
                self.fact(f"{key}[].{k}", v, item=True)
                for k, v in x.items()
                if f"{key}[].{k}" in self.phrases.fields
            ]
            head = self.pick(f"there is {_a(each)}", f"有一项{each}")
            if inner:
                # commas inside an item, semicolons between items
                last = self.pick(" and ", "，且")
                listed = self.pick(", ", "，").join(inner[:-1])
                head += self.pick(" for which ", "，") + (
                    f"{listed}{last}{inner[-1]}" if listed else inner[-1]
                )
            out.append(head)
        return self.pick("; ".join(out), "；".join(out))

    # ---- values and expressions --------------------------------------------------------------

    def value(self, v: object, words: FieldWords | None = None) -> str:
        if isinstance(v, frozenset):
            return self.alternatives([self.value(x, words) for x in sorted(v, key=str)])
        if isinstance(v, bool):
            return self.pick("yes" if v else "no", "是" if v else "否")
        if isinstance(v, (dt.date, dt.datetime)):
            return _date(v, self.lang)
        if isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, int) for x in v):
            return _month_day(v[0], v[1], self.lang)
        if isinstance(v, (int, Decimal, float)):
            return _number(v)
        text = str(v)
        if words is not None and text in words.values:
            return words.values[text].get(self.lang)
        shared = self.phrases.values.get(text)
        if shared is not None:
            return shared.get(self.lang)
        # a name the subject or the pack gives (a host, a reviewer), quoted as written
        return f"“{text}”"

    def param(self, p: Param, words: FieldWords | None = None) -> str:
        """A parameter's value with its unit; one an amendment changed, each value with the
        day it took effect, latest first, and none before the first."""
        if not p.versions:
            return self.amount(p.value, p.unit, words)
        first = _date(p.versions[0][0], self.lang)
        spans = [(_date(d, self.lang), self.amount(v, p.unit, words)) for d, v in p.versions]
        if self.lang == "en":
            return "; ".join(f"{v} from {d}" for d, v in reversed(spans)) + f"; none before {first}"
        return "；".join(f"自{d}起{v}" for d, v in reversed(spans)) + f"；{first}前无"

    def amount(self, v: object, unit: str, words: FieldWords | None = None) -> str:
        if unit == "ratio" and isinstance(v, (int, Decimal, float)):
            return (
                f"{_number(Decimal(str(v)) * 100)} %"
                if self.lang == "en"
                else f"{_number(Decimal(str(v)) * 100)}%"
            )
        if unit in _UNITS:
            en, zh = _UNITS[unit]
            if v == 1:
                en = en.replace("days", "day").replace("hours", "hour").replace("months", "month")
                en = en.replace("years", "year")
            return self.pick(f"{_number_of(v)} {en}", f"{_number_of(v)}{zh}")
        return self.value(v, words)

    def expr(self, e: Expr, words: FieldWords | None = None) -> str:
        match e:
            case Const(value=v):
                return self.value(v, words)
            case Param() as p:
                return self.param(p, words)
            case AsOf():
                return self.pick("the date of the check", "检查之日")
            case Field() as f:
                return self.noun(f)
            case Arith(op="mul", left=a, right=Param(unit="ratio") as r):
                return self.pick(
                    f"{self.param(r)} of {self.expr(a)}", f"{self.expr(a)}的{self.param(r)}"
                )
            case Arith(op="sub", left=a, right=Const(value=1)) if _is_year(a):
                return self.pick(f"the year before {self.expr(a)}", f"{self.expr(a)}的上一年")
            case Arith(op=op, left=a, right=b):
                en = {"add": "plus", "sub": "minus", "mul": "times", "div": "divided by"}[op]
                zh = {"add": "加", "sub": "减", "mul": "乘以", "div": "除以"}[op]
                return self.pick(
                    f"{self.expr(a)} {en} {self.expr(b)}", f"{self.expr(a)}{zh}{self.expr(b)}"
                )
            case DaysBetween(start=a, end=b):
                return self.pick(
                    f"the number of days from {self.expr(a)} to {self.expr(b)}",
                    f"自{self.expr(a)}至{self.expr(b)}的天数",
                )
            case HoursBetween(start=a, end=b):
                return self.pick(
                    f"the number of hours from {self.expr(a)} to {self.expr(b)}",
                    f"自{self.expr(a)}至{self.expr(b)}的小时数",
                )
            case Shift(date=d, amount=Param() as n):
                return self.pick(
                    f"{self.param(n)} after {self.expr(d)}", f"{self.expr(d)}后{self.param(n)}"
                )
            case Shift(date=d, amount=n, unit=unit):
                shown = self.amount(n.value if isinstance(n, Const) else self.expr(n), unit)
                return self.pick(f"{shown} after {self.expr(d)}", f"{self.expr(d)}后{shown}")
            case Annual(month_day=md, year=y):
                return self.pick(
                    f"{self.expr(md)} of {self.expr(y)}", f"{self.expr(y)}的{self.expr(md)}"
                )
            case YearOf(date=d):
                return self.pick(f"the year of {self.expr(d)}", f"{self.expr(d)}所在年度")
            case DayOf(moment=m):
                return self.pick(f"the day of {self.expr(m)}", f"{self.expr(m)}当日")
            case Len(field=f):
                return self.pick(
                    f"the number of {self.noun(f, bare=True)}", f"{self.noun(f)}的数量"
                )
            case Extremum(op=op, field=f, item_scope=n, where=w, of=of):
                sub = self.inner(f, n)
                what = sub.noun(of, bare=True) if isinstance(of, Field) else sub.expr(of)
                among = self.noun(f)
                if self.lang == "en":
                    text = f"the {op} {what} among {among}"
                    return text if w is None else f"{text} for which {sub.cond(w)}"
                ext = "最早" if op == "earliest" else "最晚"
                filt = "" if w is None else f"（{sub.cond(w)}）"
                return f"{among}中{filt}{ext}的{what}"
            case _:
                assert_never(e)

    # ---- conditions --------------------------------------------------------------------------

    def requirement(self, r: Cond | Deadline) -> str:
        if isinstance(r, Deadline):
            return self.pick(
                f"{self.expr(r.done)} must be no later than {self.expr(r.due)}",
                f"{self.expr(r.done)}不得晚于{self.expr(r.due)}",
            )
        return self.cond(r)

    def cond(self, c: Cond) -> str:
        match c:
            case All(items=items):
                return self.conjunction([self.group(i) for i in _unsaid(items)])
            case AnyOf(items=items):
                return self.alternatives([self.group(i) for i in items], clauses=True)
            case Not(item=item):
                return self.negated(item)
            case Present(expr=e):
                return self.present(e, yes=True)
            case Compare() as cmp:
                return self.compare(cmp)
            case Some(field=f, item_scope=n, where=w):
                return self.some(f, n, w)
            case Every(field=f, item_scope=n, where=w, require=r):
                sub = self.inner(f, n)
                each = self.item(f)
                if self.lang == "en":
                    filt = "" if w is None else f" for which {sub.cond(w)}"
                    return f"for every {each}{filt}, {sub.cond(r)}"
                filt = "" if w is None else f"凡{sub.cond(w)}的"
                return (
                    f"每一项{each}，{filt}，{sub.cond(r)}"
                    if filt
                    else f"每一项{each}，{sub.cond(r)}"
                )
            case _:
                assert_never(c)

    def group(self, c: Cond) -> str:
        """``c`` as an item of a conjunction or alternative: in brackets when it holds a list
        of its own, so that its "and" and "or" do not run into those around it."""
        text = self.cond(c)
        return self.pick(f"({text})", f"（{text}）") if _compound(c) else text

    def conjunction(self, parts: Sequence[str]) -> str:
        if len(parts) <= 2:
            return self.pick(" and ".join(parts), "，且".join(parts))
        return self.pick(
            "; ".join(parts[:-1]) + "; and " + parts[-1], "；".join(parts[:-1]) + "；且" + parts[-1]
        )

    def alternatives(self, parts: Sequence[str], *, clauses: bool = False) -> str:
        if len(parts) == 1:
            return parts[0]
        if not clauses:
            return self.pick(
                ", ".join(parts[:-1]) + " or " + parts[-1], "、".join(parts[:-1]) + "或" + parts[-1]
            )
        if len(parts) == 2:
            return self.pick(f"either {parts[0]} or {parts[1]}", f"{parts[0]}，或者{parts[1]}")
        return self.pick(
            "one of: " + "; ".join(parts[:-1]) + "; or " + parts[-1],
            "以下之一：" + "；".join(parts[:-1]) + "；或者" + parts[-1],
        )

    def present(self, e: Expr, *, yes: bool) -> str:
        if isinstance(e, Field):
            w = self.words(e)
            if w is not None and w.item is not None:
                item = w.item.get(self.lang)
                return (
                    self.pick(f"there is at least one {item}", f"至少有一项{item}")
                    if yes
                    else self.pick(f"there is no {item}", f"没有任何{item}")
                )
        what = self.expr(e)
        if yes:
            return self.pick(f"{what} is on record", f"{what}已有记录")
        return self.pick(f"{what} is not on record", f"{what}没有记录")

    def some(self, f: Field, n: int, w: Cond | None, *, yes: bool = True) -> str:
        item = self.item(f)
        sub = self.inner(f, n)
        if self.lang == "en":
            head = f"there is {_a(item)}" if yes else f"there is no {item}"
            return head if w is None else f"{head} for which {sub.cond(w)}"
        head = f"至少有一项{item}" if yes else f"没有任何一项{item}"
        return head if w is None else f"{head}，{sub.cond(w)}"

    def compare(self, c: Compare, *, negated: bool = False) -> str:
        """A comparison as a clause; ``negated`` (for an order only) says it does not hold:
        "is not after", 并非晚于 (a missing value holds no order, so the order is not flipped)."""
        left, right, op = c.left, c.right, c.op
        words = self.words(left) if isinstance(left, Field) else None
        if isinstance(right, Const) and right.value is None and op in ("eq", "ne"):
            return self.present(left, yes=op == "ne")
        if (
            words is not None
            and words.affirmative is not None
            and words.negative is not None
            and isinstance(right, Const)
            and isinstance(right.value, bool)
            and op in ("eq", "ne")
        ):
            affirmative = right.value == (op == "eq")
            return (words.affirmative if affirmative else words.negative).get(self.lang)
        if op in _ORDER_WORDS and (growth := _growth(left)) is not None:
            # (new - old) / old compared with a ratio: "new exceeds old by more than 10 %".
            new, old = (self.expr(x) for x in growth)
            en, zh = _ORDER_WORDS[op][1]
            r = self.expr(right)
            if negated:
                return self.pick(
                    f"{new} does not exceed {old} by {en} {r}", f"{new}超出{old}的比例并非{zh}{r}"
                )
            return self.pick(f"{new} exceeds {old} by {en} {r}", f"{new}超出{old}的比例{zh}{r}")
        a = self.expr(left)
        b = self.expr(right, words)
        if isinstance(right, Const) and isinstance(left, (DaysBetween, HoursBetween)):
            b = self.amount(right.value, "days" if isinstance(left, DaysBetween) else "hours")
        match op:
            case "eq" | "in":
                return self.pick(f"{a} is {b}", f"{a}为{b}")
            case "not_in" if isinstance(right, Const) and isinstance(right.value, frozenset):
                return self.none_of(a, right.value, words)
            case "ne" | "not_in":
                return self.pick(f"{a} is not {b}", f"{a}不是{b}")
            case "contains":
                return self.pick(f"{a} include {b}", f"{a}包括{b}")
            case "contains_all":
                return self.pick(
                    f"{a} include {self.all_of(right, words)}",
                    f"{a}包括{self.all_of(right, words)}",
                )
            case "le" | "lt" | "ge" | "gt":
                dates, numbers = _ORDER_WORDS[op]
                en, zh = dates if _temporal(left) or _temporal(right) else numbers
                if negated:
                    return self.pick(f"{a} is not {en} {b}", f"{a}并非{zh}{b}")
                return self.pick(f"{a} is {en} {b}", f"{a}{zh}{b}")
            case _:
                assert_never(op)

    def none_of(self, a: str, values: frozenset[object], words: FieldWords | None) -> str:
        """``a`` outside a set of values: "is neither x nor y", "is none of x, y and z" (not
        "is not x or y", which reads as well "is not x, or is y")."""
        parts = [self.value(x, words) for x in sorted(values, key=str)]
        if len(parts) == 1:
            return self.pick(f"{a} is not {parts[0]}", f"{a}不是{parts[0]}")
        if len(parts) == 2:
            x, y = parts
            return self.pick(f"{a} is neither {x} nor {y}", f"{a}既不是{x}也不是{y}")
        listed = self.pick(", ".join(parts[:-1]) + " and " + parts[-1], "、".join(parts))
        return self.pick(f"{a} is none of {listed}", f"{a}不是{listed}中的任何一个")

    def all_of(self, e: Expr, words: FieldWords | None) -> str:
        v = e.value if isinstance(e, Const) else None
        if not isinstance(v, frozenset):
            return self.expr(e, words)
        parts = [self.value(x, words) for x in sorted(v, key=str)]
        if len(parts) == 1:
            return parts[0]
        return self.pick(
            ", ".join(parts[:-1]) + " and " + parts[-1], "、".join(parts[:-1]) + "和" + parts[-1]
        )

    def negated(self, c: Cond) -> str:
        match c:
            case Not(item=inner):
                return self.cond(inner)
            case Present(expr=e):
                return self.present(e, yes=False)
            case Compare(op="le", left=left, right=AsOf()) if _temporal(left):
                # An act not yet done on the date of the check (``present`` of a date): not
                # on record, or dated after it; not "is not on or before", a double negation.
                (en, zh), _ = _ORDER_WORDS["gt"]
                absent, day = self.present(left, yes=False), self.expr(c.right)
                return self.pick(f"{absent} or is {en} {day}", f"{absent}或{zh}{day}")
            case Compare(op=op) if op in NEGATE and not (
                isinstance(c.right, Const) and isinstance(c.right.value, bool)
            ):
                if isinstance(c.right, Const) and c.right.value is None:
                    return self.present(c.left, yes=op == "eq")
                if op in ("eq", "ne"):
                    return self.unless_absent(c, Compare(NEGATE[op], c.left, c.right))
                return self.compare(c, negated=True)
            case Compare(op="eq" | "ne") as cmp:
                return self.unless_absent(cmp, Compare(NEGATE[cmp.op], cmp.left, cmp.right))
            case Compare(op="in") as cmp:
                return self.compare(Compare("not_in", cmp.left, cmp.right))
            case Compare(op="not_in") as cmp:
                return self.unless_absent(cmp, Compare("in", cmp.left, cmp.right))
            case Compare(op="contains" | "contains_all") as cmp:
                a = self.expr(cmp.left)
                words = self.words(cmp.left) if isinstance(cmp.left, Field) else None
                b = self.all_of(cmp.right, words)
                return self.pick(f"{a} do not include {b}", f"{a}不包括{b}")
            case AnyOf(items=items):
                return self.conjunction([self.group_not(i) for i in items])
            case All(items=items):
                return self.alternatives([self.group_not(i) for i in items], clauses=True)
            case Some(field=f, item_scope=n, where=w):
                return self.some(f, n, w, yes=False)
            case Every(field=f, item_scope=n, where=w, require=r):
                return self.some(f, n, All((*(() if w is None else (w,)), Not(r))))
            case _:
                return self.pick(f"it is not so that {self.cond(c)}", f"并非{self.cond(c)}")

    def unless_absent(self, c: Compare, flipped: Compare) -> str:
        """The negation of ``c`` told as ``flipped``: a comparison with a value not on record
        is false both ways (ir.interpret), so "not (x is not v)" also holds when x is not on
        record, and says so; "not (x is v)" reads "x is not v", which an absent x satisfies."""
        text = self.compare(flipped)
        if flipped.op not in ("eq", "in"):
            return text
        absent = self.present(c.left, yes=False)
        return self.pick(f"{text}, or {absent}", f"{text}，或者{absent}")

    def group_not(self, c: Cond) -> str:
        text = self.negated(c)
        return self.pick(f"({text})", f"（{text}）") if _compound(c) else text


def _unsaid(items: tuple[Cond, ...]) -> tuple[Cond, ...]:
    """The items of a conjunction less those another item already says: "X is on record" next
    to a comparison of X with a value (a comparison with an absent value fails, so the
    comparison holds only where X is on record)."""
    compared = {
        side
        for c in items
        if isinstance(c, Compare)
        and c.op in ("eq", "lt", "le", "gt", "ge")
        and not (isinstance(c.right, Const) and c.right.value is None)
        for side in (c.left, c.right)
    }
    kept = tuple(c for c in items if not (isinstance(c, Present) and c.expr in compared))
    return kept or items


def _names_the_subject(actor: Expr) -> bool:
    """Whether the actor is the subject's own ``name``: the body that must act is the subject
    itself (a department), said as the subject, not as the field that holds its name."""
    return isinstance(actor, Field) and actor.scope == 0 and actor.path == ("name",)


def _compound(c: Cond) -> bool:
    """Whether the words of ``c`` hold a list of clauses: a conjunction or alternative, or a
    ``some``/``every`` whose condition is one."""
    match c:
        case All(items=items):
            return len(_unsaid(items)) > 1
        case AnyOf(items=items):
            return len(items) > 1
        case Not(item=item):
            return _compound(item)
        case Some(where=w):
            return w is not None and _compound(w)
        case Every(where=w, require=r):
            return (w is not None and _compound(w)) or _compound(r)
    return False


def _growth(e: Expr) -> tuple[Expr, Expr] | None:
    """``new`` and ``old`` of ``(new - old) / old``, the relative increase of ``old``."""
    match e:
        case Arith(op="div", left=Arith(op="sub", left=new, right=old), right=base) if old == base:
            return new, old
    return None


def _is_year(e: Expr) -> bool:
    """A year: of a date, or a field of whole numbers that holds one (a plan or fiscal year)."""
    return isinstance(e, YearOf) or (
        isinstance(e, Field) and e.type.kind == "int" and "year" in e.path[-1]
    )


def _parsed(value: object) -> object:
    """A date or date-time as JSON writes it (``2024-03-15``), back to a date."""
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value)
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def _temporal(e: Expr) -> bool:
    match e:
        case Field(type=t):
            return t.kind in ("date", "datetime")
        case Const(value=v):
            return isinstance(v, (dt.date, dt.datetime))
        case Param(unit=unit):
            return unit in ("date", "month_day")
        case AsOf() | Shift() | Annual() | DayOf():
            return True
        case Extremum(of=of):
            return _temporal(of)
    return False


def _a(noun: str) -> str:
    vowel = noun[:1].lower() in "aeiou" and not noun.lower().startswith(("use", "uni", "eu"))
    return f"an {noun}" if vowel else f"a {noun}"


def _number(v: object) -> str:
    if isinstance(v, Decimal):
        return (
            format(v.normalize(), "f") if v == v.to_integral_value() else format(v, "f").rstrip("0")
        )
    return str(v)


def _number_of(v: object) -> str:
    return v if isinstance(v, str) else _number(v)


def _date(d: dt.date, lang: WordsLang) -> str:
    if lang == "en":
        text = f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    else:
        text = f"{d.year}年{d.month}月{d.day}日"
    if isinstance(d, dt.datetime):
        text += f" {d:%H:%M}"
    return text


def _month_day(month: int, day: int, lang: WordsLang) -> str:
    return f"{day} {_MONTHS[month - 1]}" if lang == "en" else f"{month}月{day}日"
