"""A ``Timeline`` as one inline SVG a lawyer reads: accessible (``role="img"``, a ``<title>``
and a ``<desc>`` that states every step in words), every label real text, in English or
Chinese, no external font, script or link.

Two panels. *The sequence*: one row per act, in the order the steps allow, one column per
city; where a city's rule times an act, a dot on the city's line and what the rule says
("not before: approval · 第六条 ¶1", "within 7 working days of: application received"). *Days
on one axis*: every period counted in days or hours, one bar per rule on a shared day scale
(hours as fractions of a day; working days drawn at their count, hatched: their calendar length
is at least that), and every annual date on one January–December axis. Periods in months or
years are stated in the sequence only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Literal

from egovrules.diffing.model import PackRef
from egovrules.diffing.timeline import Act, Step, Timeline

__all__ = ["step_words", "timeline_svg"]

Lang = Literal["en", "zh"]

_FONT = 'system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif'
_ACT_W = 230
_CITY_W = 240
_LINE_H = 15
_TOP = 58
_BAR_W = 520

_UNITS: dict[str, tuple[str, str]] = {
    "calendar_days": ("calendar days", "日"),
    "working_days": ("working days", "个工作日"),
    "hours": ("hours", "小时"),
    "months": ("months", "个月"),
    "years": ("year(s)", "年"),
}

_WORDS: dict[str, tuple[str, str]] = {
    "sequence": ("The sequence of acts", "行为顺序"),
    "days": ("Periods on one axis (days)", "期限（日）"),
    "annual": ("Annual dates (January–December)", "年度日期（1月至12月）"),
    "act": ("Act", "行为"),
    "none": ("no step", "无"),
    "working": (
        "Working days are drawn at their count (hatched): their calendar length is longer.",
        "工作日按天数绘制（斜线）：实际日历天数更长。",
    ),
}


def _w(key: str, lang: Lang) -> str:
    en, zh = _WORDS[key]
    return zh if lang == "zh" else en


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _city(p: PackRef, lang: Lang, t: Timeline) -> str:
    """The pack's city, and its label where two of the packs are the same city's (two
    revisions)."""
    city = (p.city_zh or p.city) if lang == "zh" else p.city
    return f"{city} ({p.label})" if sum(q.city == p.city for q in t.packs) > 1 else city


def _amount(s: Step, lang: Lang) -> str:
    en, zh = _UNITS.get(s.unit or "", (s.unit or "", s.unit or ""))
    return f"{s.amount}{zh}" if lang == "zh" else f"{s.amount} {en}"


def _annual(s: Step, lang: Lang) -> str:
    assert s.month_day is not None
    m, d = s.month_day
    plan = (s.year_of or "").endswith("plan_year")
    year_en: dict[int | None, str] = {
        -1: "the year before the plan year" if plan else f"the year before {s.year_of}",
        0: "the plan year" if plan else f"the year of {s.year_of}",
    }
    year_zh: dict[int | None, str] = {
        -1: "计划年度前一年" if plan else f"{s.year_of}前一年",
        0: "计划年度" if plan else f"{s.year_of}当年",
    }
    offset = s.year_offset
    if lang == "zh":
        year = year_zh.get(offset, "每年")
        return f"{year}{m}月{d}日前"
    year = year_en.get(offset, "each year")
    return f"by {m:02d}-{d:02d} of {year}"


def step_words(s: Step, lang: Lang) -> str:
    """What the step says of its ``after`` act, in words, with the article that decides it."""
    before = s.before.label(lang) if s.before is not None else ""
    if s.kind == "annual":
        text = _annual(s, lang)
    elif s.kind == "within":
        text = (
            f"{before}后{_amount(s, lang)}内"
            if lang == "zh"
            else f"within {_amount(s, lang)} of: {before}"
        )
    elif lang == "zh":
        text = f"{'晚于' if s.strict else '不早于'}{before}"
    else:
        text = f"{'after' if s.strict else 'not before'}: {before}"
    if s.citation is not None:
        text += f" · {s.citation.where}"
    return text


def _wrap(text: str, lang: Lang, width_px: int) -> list[str]:
    """Lines of ``text`` that fit ``width_px`` at the panel's 12 px (a CJK character is about
    twice as wide as a Latin one)."""
    limit = max(8, width_px // 7)
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[\u3000-\u9fff\uff00-\uffef]|\S+\s*", text):
        wide = 2 if re.match(r"[\u3000-\u9fff\uff00-\uffef]", token) else 1
        if line and _width(line) + wide * len(token.rstrip()) > limit:
            lines.append(line.rstrip())
            line = ""
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _width(text: str) -> int:
    return sum(2 if re.match(r"[\u3000-\u9fff\uff00-\uffef]", ch) else 1 for ch in text)


def _text(x: int, y: int, lines: Sequence[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else _LINE_H}">{_e(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y}"{attr}>{spans}</text>'


def _slug(text: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]+", "-", text).strip("-") or "t"


def _description(t: Timeline, lang: Lang) -> str:
    parts = []
    for p in t.packs:
        steps = t.steps_of(p)
        if not steps:
            parts.append(f"{_city(p, lang, t)}: {_w('none', lang)}.")
            continue
        said = "; ".join(f"{s.after.label(lang)} — {step_words(s, lang)}" for s in steps)
        parts.append(f"{_city(p, lang, t)}: {said}.")
    return " ".join(parts)


def _sequence(t: Timeline, lang: Lang, y0: int) -> tuple[list[str], int]:
    """The acts × cities panel from ``y0``; its elements and the y below it."""
    out = [f'<text x="8" y="{y0}" class="h">{_e(_w("sequence", lang))}</text>']
    y = y0 + 22
    out.append(f'<text x="8" y="{y}" class="th">{_e(_w("act", lang))}</text>')
    for i, p in enumerate(t.packs):
        x = _ACT_W + i * _CITY_W + 8
        out.append(f'<text x="{x}" y="{y}" class="th">{_e(_city(p, lang, t))}</text>')
        if not t.steps_of(p):
            out.append(f'<text x="{x}" y="{y + 14}" class="note">{_e(_w("none", lang))}</text>')
    y += 18
    rows: list[tuple[Act, int, list[list[str]]]] = []
    for act in t.acts:
        cells = []
        for p in t.packs:
            said = [step_words(s, lang) for s in t.steps_of(p) if s.after == act]
            cells.append([line for w in said for line in _wrap(w, lang, _CITY_W - 26)])
        label = _wrap(act.label(lang), lang, _ACT_W - 16)
        height = max(len(label), *(len(c) for c in cells)) * _LINE_H + 10
        rows.append((act, height, cells))
    spans: list[list[int]] = [[] for _ in t.packs]
    for act, height, cells in rows:
        out.append(f'<line x1="0" x2="100%" y1="{y}" y2="{y}" class="grid"/>')
        label = _wrap(act.label(lang), lang, _ACT_W - 16)
        out.append(_text(8, y + 15, label, "act"))
        for i, p in enumerate(t.packs):
            x = _ACT_W + i * _CITY_W + 10
            touches = any(act in (s.before, s.after) for s in t.steps_of(p))
            if cells[i]:
                out.append(f'<circle cx="{x}" cy="{y + 11}" r="5" class="dot"/>')
                out.append(_text(x + 12, y + 15, cells[i]))
            elif touches:
                out.append(f'<circle cx="{x}" cy="{y + 11}" r="5" class="start"/>')
            if touches:
                spans[i].append(y + 11)
        y += height
    for i, ys in enumerate(spans):
        if len(ys) > 1:
            x = _ACT_W + i * _CITY_W + 10
            out.insert(1, f'<line x1="{x}" x2="{x}" y1="{ys[0]}" y2="{ys[-1]}" class="city"/>')
    out.append(f'<line x1="0" x2="100%" y1="{y}" y2="{y}" class="grid"/>')
    return out, y + 28


def _days(t: Timeline, lang: Lang, y0: int, ident: str) -> tuple[list[str], int]:
    """The periods in days or hours on one axis; nothing when there are none."""
    timed = [s for s in t.steps if s.kind == "within" and s.unit in _ON_THE_AXIS]
    if not timed:
        return [], y0

    def length(s: Step) -> float:
        assert s.amount is not None
        return s.amount / 24 if s.unit == "hours" else float(s.amount)

    top = max(length(s) for s in timed)
    scale = _BAR_W / top if top else 0.0
    x0 = _ACT_W + 40
    out = [f'<text x="8" y="{y0}" class="h">{_e(_w("days", lang))}</text>']
    y = y0 + 16
    for s in timed:
        who = f"{_city(s.pack, lang, t)}: {s.after.label(lang)}"
        out.append(_text(8, y + 12, _wrap(who, lang, x0 - 16)))
        width = max(2.0, length(s) * scale)
        # Working days hatched: the pattern of this very picture, named in the element's own
        # style (a page embedding two pictures shares their style sheets).
        hatch = f' style="fill:url(#{ident}-hatch)"' if s.unit == "working_days" else ""
        out.append(
            f'<rect x="{x0}" y="{y + 2}" width="{width:.1f}" height="14" class="bar"{hatch}/>'
        )
        out.append(f'<text x="{x0 + width + 6:.1f}" y="{y + 13}">{_e(step_words(s, lang))}</text>')
        y += 26
    for frac in (0.0, 0.5, 1.0):
        x = x0 + _BAR_W * frac
        tick = f"{top * frac:g}"
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + 5}" class="axis"/>')
        out.append(f'<text x="{x:.1f}" y="{y + 17}" class="tick">{_e(tick)}</text>')
    out.append(f'<line x1="{x0}" x2="{x0 + _BAR_W}" y1="{y}" y2="{y}" class="axis"/>')
    y += 30
    if any(s.unit == "working_days" for s in timed):
        out.append(f'<text x="8" y="{y}" class="note">{_e(_w("working", lang))}</text>')
        y += 22
    return out, y + 10


_ON_THE_AXIS = ("calendar_days", "working_days", "hours")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _annuals(t: Timeline, lang: Lang, y0: int) -> tuple[list[str], int]:
    """Every annual date on one January–December axis; nothing when there are none."""
    dated = [s for s in t.steps if s.kind == "annual" and s.month_day is not None]
    if not dated:
        return [], y0
    x0 = _ACT_W + 40
    out = [f'<text x="8" y="{y0}" class="h">{_e(_w("annual", lang))}</text>']
    y = y0 + 16
    for s in dated:
        assert s.month_day is not None
        m, d = s.month_day
        x = x0 + _BAR_W * (sum(_MONTH_DAYS[: m - 1]) + d) / 365
        who = f"{_city(s.pack, lang, t)}: {s.after.label(lang)}"
        out.append(_text(8, y + 12, _wrap(who, lang, x0 - 16)))
        out.append(f'<line x1="{x0}" x2="{x0 + _BAR_W}" y1="{y + 9}" y2="{y + 9}" class="grid"/>')
        out.append(f'<circle cx="{x:.1f}" cy="{y + 9}" r="5" class="dot"/>')
        out.append(f'<text x="{x0 + _BAR_W + 8}" y="{y + 13}">{_e(step_words(s, lang))}</text>')
        y += 26
    for m in range(12):
        x = x0 + _BAR_W * sum(_MONTH_DAYS[:m]) / 365
        label = f"{m + 1}月" if lang == "zh" else f"{m + 1:02d}"
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + 5}" class="axis"/>')
        out.append(f'<text x="{x:.1f}" y="{y + 17}" class="tick">{_e(label)}</text>')
    out.append(f'<line x1="{x0}" x2="{x0 + _BAR_W}" y1="{y}" y2="{y}" class="axis"/>')
    return out, y + 40


def timeline_svg(t: Timeline, lang: Lang) -> str:
    """``t`` as one self-contained ``<svg>`` element in ``lang`` (``en`` or ``zh``)."""
    title = t.title_zh if lang == "zh" else t.title_en
    ident = f"tl-{_slug(t.name)}-{lang}"
    seq, y = _sequence(t, lang, _TOP)
    days, y = _days(t, lang, y, ident)
    annual, y = _annuals(t, lang, y)
    said = [step_words(s, lang) for s in t.steps if s.kind != "order"]
    text_w = max((_width(w) * 7 for w in said), default=0)
    width = max(_ACT_W + len(t.packs) * _CITY_W, _ACT_W + 40 + _BAR_W + 16 + text_w)
    # Every selector scoped to the timelines: an HTML page that embeds one shares its styles.
    rules = {
        "text": f"font:12px {_FONT};fill:#1d2430",
        ".h": "font-weight:700;font-size:14px",
        ".th": "font-weight:700",
        ".act": "fill:#374151",
        ".tick,.note": "fill:#5c6675;font-size:11px",
        ".grid": "stroke:#e3e7ec",
        ".axis": "stroke:#5c6675",
        ".city": "stroke:#9aa5b1;stroke-width:2",
        ".dot": "fill:#1f5fa8",
        ".start": "fill:#fff;stroke:#1f5fa8;stroke-width:2",
        ".bar": "fill:#1f5fa8",
    }
    style = " ".join(
        ",".join(f"svg.timeline {sel}" for sel in sels.split(",")) + f"{{{decl}}}"
        for sels, decl in rules.items()
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="timeline" lang="{lang}"'
        f' width="{width}" height="{y}" viewBox="0 0 {width} {y}"'
        f' aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{_e(title)}</title>'
        f'<desc id="{ident}-desc">{_e(_description(t, lang))}</desc>'
        f"<defs><style>{style}</style>"
        f'<pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="6" height="6" fill="#cfe0f3"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#1f5fa8" stroke-width="3"/></pattern></defs>'
        f'<text x="8" y="24" class="h" style="font-size:16px">{_e(title)}</text>'
        f'<text x="8" y="42" class="note">{_e(t.name)}</text>'
        + "".join(seq + days + annual)
        + "</svg>"
    )
