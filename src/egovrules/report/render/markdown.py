"""A Markdown summary for a pull-request comment: a table of subjects and the packs that judged
them (version, hash, holiday calendar), then each violation with its message, article and
quote."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from egovrules.law.verdict import severity_reason_in
from egovrules.report.failures import InputFailure
from egovrules.report.model import Checked, Report
from egovrules.report.render.controls import visible

__all__ = ["render_markdown"]

_WORDS = {
    "en": {
        "title": "{n} subject(s), {failing} not compliant, {v} violation(s)",
        "errors": ", {n} input error(s)",
        "unchecked": "Inputs that could not be checked",
        "failure_head": "| where | code | problem |",
        "head": "| subject | kind | city | as of | violations | upcoming | waived |",
        "error": "error",
        "warning": "warning",
        "advisory": "advisory",
        "expired": "expired waiver",
        "expired_on": "expired {date}",
        "upcoming": "upcoming",
        "not_applicable": "not applicable ({n})",
        "note": "note",
        "packs": "Judged on",
        "calendar": "holiday calendar",
    },
    "zh": {
        "title": "共 {n} 个对象,{failing} 个不合规,{v} 项违规",
        "errors": ",{n} 个输入错误",
        "unchecked": "无法检查的输入",
        "failure_head": "| 位置 | 代码 | 问题 |",
        "head": "| 对象 | 类型 | 城市 | 评估日 | 违规 | 待办 | 已豁免 |",
        "error": "错误",
        "warning": "警告",
        "advisory": "提示",
        "expired": "豁免已过期",
        "expired_on": "{date} 到期",
        "upcoming": "待办",
        "not_applicable": "不适用({n} 条)",
        "note": "说明",
        "packs": "评估依据",
        "calendar": "节假日历",
    },
}


def _cell(text: str) -> str:
    """Text of a pack or a subject, inert in Markdown: no raw HTML (``<script>``, a closing
    ``</details>``) passes through, no ``|`` ends a table cell, and no line ends in it: a line
    feed is a space, any other control character (a carriage return, which ends a Markdown
    line too) is shown as its escape (``report.render.controls.visible``)."""
    return html.escape(visible(text.replace("\n", " ")), quote=False).replace("|", "\\|")


def _code(text: str) -> str:
    """Text of a pack or a subject as a code span it cannot leave: fenced by one backtick more
    than its longest run of them (a lone backtick in an id ended the span, and what followed,
    an image or a link, was rendered), padded with a space when it starts or ends with one."""
    shown = _cell(text)
    fence = "`" * (max(map(len, re.findall("`+", shown)), default=0) + 1)
    pad = " " if shown[:1] == "`" or shown[-1:] == "`" else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def _where(f: InputFailure) -> str:
    parts = [str(x) for x in (f.file, f.line, f.column) if x is not None]
    return _code(":".join(parts)) if parts else "(no file)"


def _packs(reports: Sequence[Report], calendar: str) -> str:
    """Each pack of the run once, in the order first used: its id, version and the start of
    its content hash, and the holiday calendar for a pack that counts working days (as the
    JSON report's ``pack`` block has them in full)."""
    named: dict[str, str] = {}
    for r in reports:
        if r.pack_id in named:
            continue
        extra = f", {calendar}: {_cell(r.calendar)}" if r.calendar is not None else ""
        named[r.pack_id] = (
            f"{_code(r.pack_id)} {_cell(r.pack_version)} (sha256 `{r.pack_hash[:12]}`{extra})"
        )
    return "; ".join(named.values())


def render_markdown(
    checked: Sequence[Checked], language: str = "en", failures: Sequence[InputFailure] = ()
) -> str:
    """The summary table and the details; first, the inputs that could not be judged."""
    w = _WORDS.get(language, _WORDS["en"])
    reports = [c.report for c in checked]
    failing = sum(1 for r in reports if not r.compliant)
    total = sum(len(r.violations) for r in reports)
    icon = "✅" if not failing and not failures else "❌"
    errors = w["errors"].format(n=len(failures)) if failures else ""
    title = w["title"].format(n=len(reports), failing=failing, v=total)
    out = [f"## {icon} egovrules: {title}{errors}\n\n"]
    if failures:
        out.append(f"### {w['unchecked']}\n\n{w['failure_head']}\n")
        out.append("|---|---|---|\n")
        for f in failures:
            hint = f" (hint: {f.hint})" if f.hint else ""
            out.append(f"| {_where(f)} | {_code(f.code)} | {_cell(f.message + hint)} |\n")
        out.append("\n")
    out += [f"{w['head']}\n", "|---|---|---|---|---|---|---|\n"]
    for item in checked:
        r = item.report
        name = _code(r.subject_id) + (f" ({_cell(item.source)})" if item.source else "")
        out.append(
            f"| {name} | {r.subject_kind_in(language)} | {_cell(r.city_in(language))} | "
            f"{r.as_of.isoformat()} | "
            f"{len(r.violations) + len(r.expired_waivers)} | {len(r.upcoming)} | "
            f"{len(r.waived)} |\n"
        )
    if reports:
        out.append(f"\n{w['packs']}: {_packs(reports, w['calendar'])}\n")
    for item in checked:
        r = item.report
        notes = r.notes_in(language)
        if not (r.violations or r.expired_waivers or r.upcoming or r.not_applicable or notes):
            continue
        out.append(f"\n### {_code(r.subject_id)}\n\n")
        for v in r.violations:
            c = v.citation
            why = severity_reason_in(v.severity_reason, language)
            out.append(
                f"- **{w[v.severity.value]}** {_code(v.rule_id)}: {_cell(v.message_in(language))}"
                + (f" *({_cell(why)})*" if why else "")
                + f"\n  <details><summary>{_cell(c.cite_in(language))}</summary>\n\n"
                f"  > {_cell(c.quote)}\n"
            )
            english = c.shown("en", reader=language) if c.language != "en" else None
            if english:
                out.append(f"  >\n  > {_cell(english)}\n")
            out.append("\n  </details>\n")
        for x in r.expired_waivers:
            expired = w["expired_on"].format(date=x.expires.isoformat())
            out.append(f"- **{w['expired']}** {_code(x.rule)}: {_cell(x.reason)} ({expired})\n")
        for u in r.upcoming:
            out.append(
                f"- {w['upcoming']} {_code(u.rule_id)}: {_cell(u.status(language))} "
                f"— {_cell(u.message_in(language))}\n"
            )
        reasons: dict[str, list[str]] = {}  # one line per scope: its reason, then its rules
        for n in r.not_applicable:
            reasons.setdefault(n.reason_in(language), []).append(_code(n.rule_id))
        for reason, ids in reasons.items():
            out.append(
                f"- {w['not_applicable'].format(n=len(ids))}: {_cell(reason)} — {', '.join(ids)}\n"
            )
        out.extend(f"- {w['note']}: {_cell(note)}\n" for note in notes)
    return "".join(out)
