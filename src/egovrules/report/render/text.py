"""Text output for a person at a terminal: one block per subject, each finding with its
citation and quote, in the chosen language (English or Chinese)."""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence

from egovrules.law.citation import Citation
from egovrules.law.verdict import severity_reason_in
from egovrules.report.failures import InputFailure
from egovrules.report.model import Checked, NotApplicable
from egovrules.report.render.controls import visible

__all__ = ["render_text"]

_WORDS = {
    "en": {
        "compliant": "compliant",
        "violations": "{n} violation(s)",
        "as_of": "as of",
        "law": "law",
        "upcoming": "UPCOMING",
        "due": "due {due} ({n} day(s) left)",
        "open": "open, no time limit",
        "unknown": "running, last day not known ({bounds})",
        "awaiting": "awaiting",
        "undetermined": "UNDETERMINED",
        "summary": "{n} subject(s) checked, {ok} compliant, {v} violation(s)",
        "who": "who acts → answers to",
        "waived": "WAIVED  ",
        "until": "until",
        "expired": "EXPIRED WAIVER",
        "errors": ", {n} input error(s) (listed on stderr)",
        "skipped": ", {n} file(s) without a subject kind skipped",
        "error": "ERROR",
        "warning": "WARNING",
        "advisory": "ADVISORY",
        "note": "NOTE",
        "not_applicable": "NOT APPLICABLE",
    },
    "zh": {
        "compliant": "合规",
        "violations": "{n} 项违规",
        "as_of": "评估日",
        "law": "依据",
        "upcoming": "待办",
        "due": "截止 {due}(剩余 {n} 日)",
        "open": "尚未履行,无期限",
        "unknown": "期限未届满,截止日未知(节假日安排尚未公布;{bounds})",
        "awaiting": "待其办理",
        "undetermined": "无法判定",
        "summary": "共检查 {n} 个对象,{ok} 个合规,{v} 项违规",
        "who": "责任单位 → 主管机关",
        "waived": "已豁免",
        "until": "至",
        "expired": "豁免已过期",
        "errors": ",{n} 个输入错误(见标准错误输出)",
        "skipped": ",跳过 {n} 个无对象类型(kind)的文件",
        "error": "错误",
        "warning": "警告",
        "advisory": "提示",
        "note": "说明",
        "not_applicable": "不适用",
    },
}


def _cite(c: Citation, language: str) -> list[str]:
    """The citation, its quote in the reader's language, then the source's own words (or, for
    a reader of the source language, the English): a translation is marked, never in 「」."""
    w = _WORDS[language]
    lines = [f"    {w['law']}: {c.cite_in(language)}"]
    first = language if c.quote_in(language) else c.language
    lines.append(f"         {c.shown(first, language)}")
    second = c.language if first != c.language else ("en" if c.language != "en" else None)
    other = c.shown(second, language) if second else None
    if other:
        lines.extend(
            textwrap.wrap(other, 88, initial_indent="         ", subsequent_indent="          ")
        )
    return lines


def _pad(label: str, width: int) -> str:
    """``label`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    wide = sum(1 for ch in label if unicodedata.east_asian_width(ch) in ("W", "F"))
    return label + " " * max(width - len(label) - wide, 0)


def render_text(
    checked: Sequence[Checked],
    language: str = "en",
    failures: Sequence[InputFailure] = (),
    *,
    quiet: bool = False,
    skipped: int = 0,
) -> str:
    """All reports, then a one-line summary, in ``language`` (``en`` or ``zh``); the summary
    counts the ``failures`` (the command line prints them on stderr). ``quiet``: only the
    subjects that are not compliant, with their violations and expired waivers; the summary
    still counts the whole run. ``skipped``: files without a subject kind the run passed over,
    counted in the summary so that none goes unnoticed."""
    w = _WORDS.get(language, _WORDS["en"])
    lang = language if language in _WORDS else "en"
    out = []
    reports = [c.report for c in checked]
    for item in checked:
        r, source = item.report, item.source
        if quiet and r.compliant:
            continue
        where = f" ({source})" if source else ""
        status = w["compliant"] if r.compliant else w["violations"].format(n=len(r.violations))
        out.append(
            f"{r.subject_kind_in(lang)} {r.subject_id}{where}: {status} "
            f"[{r.pack_id} {r.pack_version}, {w['as_of']} {r.as_of.isoformat()}]"
        )
        for v in r.violations:
            loc = item.location(v.rule_id)
            at = f"  ({loc.file}:{loc.line})" if loc else ""
            out.append(f"  {_pad(w[v.severity.value], 8)} {v.rule_id}{at}")
            why = severity_reason_in(v.severity_reason, lang)
            if why:
                out.append(f"    ({why})")
            out.append(f"    {v.message_in(lang)}")
            out.extend(_cite(v.citation, lang))
        if quiet:
            out.extend(f"  {w['expired']} {x.rule}: {x.reason}" for x in r.expired_waivers)
            out.append("")
            continue
        for v, waiver in r.waived:
            out.append(
                f"  {w['waived']} {v.rule_id}: {waiver.reason} "
                f"({w['until']} {waiver.expires.isoformat()})"
            )
        for waiver in r.expired_waivers:
            out.append(
                f"  {w['expired']} {waiver.rule}: {waiver.reason} ({waiver.expires.isoformat()})"
            )
        for u in r.upcoming:
            if u.due is not None:
                due = w["due"].format(due=u.due.isoformat(), n=u.days_left)
            elif u.earliest_due is not None:
                due = w["unknown"].format(bounds=u.bounds(lang))
            else:
                due = w["open"]
            out.append(f"  {w['upcoming']} {u.rule_id}: {due}")
            who = [x for x in (u.actor, u.authority_in(lang)) if x]
            if who:
                out.append(f"    {w['who']}: {' → '.join(who)}")
            awaiting = u.awaiting_in(lang)
            if awaiting:
                out.append(f"    {w['awaiting']}: {awaiting}")
            out.append(f"    {u.message_in(lang)}")
            out.extend(_cite(u.citation, lang))
        for note in r.notes_in(lang):
            out.append(f"  {w['note']} {note}")
        # One block per scope: its rules share the reason and the words that name whom it binds.
        by_scope: dict[str, list[NotApplicable]] = {}
        for n in r.not_applicable:
            by_scope.setdefault(n.scope, []).append(n)
        for group in by_scope.values():
            out.append(f"  {w['not_applicable']} {group[0].reason_in(lang)}")
            out.extend(f"    {n.rule_id}" for n in group)
            out.extend(_cite(group[0].citation, lang))
        for d in r.undetermined:
            out.append(f"  {w['undetermined']} {d.rule_id}: {d.reason_in(lang)}")
            out.extend(_cite(d.citation, lang))
        out.append("")
    total = sum(len(r.violations) for r in reports)
    ok = sum(1 for r in reports if r.compliant)
    summary = w["summary"].format(n=len(reports), ok=ok, v=total)
    if failures:
        summary += w["errors"].format(n=len(failures))
    if skipped:
        summary += w["skipped"].format(n=skipped)
    out.append(summary)
    # Each entry is one line: a line break (or any control character) a subject's text holds
    # is shown escaped, never obeyed.
    return "\n".join(map(visible, out)) + "\n"
