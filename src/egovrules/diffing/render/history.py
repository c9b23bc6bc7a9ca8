"""A ``ParameterHistory`` as an HTML table a lawyer reads (one row per revision, oldest first,
a changed value marked), or a ``NoHistory`` as one sentence saying why there is none. English
or Chinese; every value escaped; no script."""

from __future__ import annotations

from html import escape
from typing import Literal

from egovrules.diffing.model import NoHistory, ParameterHistory
from egovrules.diffing.refs import split_ref

__all__ = ["history_table"]

_WORDS: dict[str, tuple[str, str]] = {
    "caption": ("History of {p} in {f}", "{f} 中 {p} 的修订历史"),
    "until": (", up to {r}", "（截至 {r}）"),
    "revision": ("Revision", "修订"),
    "date": ("Date", "日期"),
    "change": ("Commit", "提交说明"),
    "value": ("Value", "取值"),
    "changed": ("changed", "已变更"),
    "none": ("No history of {p}: {why}.", "{p} 无修订历史：{why}。"),
    "absent": ("absent ({why})", "无（{why}）"),
}


def _w(key: str, lang: Literal["en", "zh"], **kw: str) -> str:
    en, zh = _WORDS[key]
    return (zh if lang == "zh" else en).format(**kw)


def history_table(
    h: ParameterHistory | NoHistory, lang: Literal["en", "zh"], *, changes_only: bool = False
) -> str:
    """``h`` as a ``<table class="history">`` (or, without history, a ``<p class=
    "no-history">``); ``changes_only``: only the revisions where the value changed."""
    if isinstance(h, NoHistory):
        text = _w("none", lang, p=h.parameter, why=h.reason)
        return f'<p class="no-history">{escape(text)}</p>'
    rows = h.changes() if changes_only else h.revisions
    body = []
    previous: str | None = None
    for i, r in enumerate(h.revisions):
        changed = i > 0 and r.value != previous
        previous = r.value
        if r not in rows:
            continue
        value = r.value if r.value is not None else _w("absent", lang, why=r.absent or "")
        unit = f" {r.unit}" if r.unit and r.value is not None else ""
        mark = f' <strong class="changed">{escape(_w("changed", lang))}</strong>' if changed else ""
        cls = ' class="changed"' if changed else ""
        body.append(
            f"<tr{cls}>"
            f"<td><code>{escape(r.short)}</code></td>"
            f"<td>{escape(r.date.isoformat() if r.date else '')}</td>"
            f"<td>{escape(r.subject)}</td>"
            f"<td>{escape(value + unit)}{mark}</td></tr>"
        )
    head = "".join(
        f'<th scope="col">{escape(_w(k, lang))}</th>'
        for k in ("revision", "date", "change", "value")
    )
    caption = _w("caption", lang, p=h.parameter, f=h.file)
    _, until = split_ref(h.ref)
    if until is not None:
        caption += _w("until", lang, r=until)
    caption = escape(caption)
    return (
        f'<table class="history" lang="{lang}"><caption>{caption}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
