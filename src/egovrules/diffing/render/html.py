"""One self-contained HTML page per diff or matrix: inline CSS and JavaScript, no network, no
CDN, printable. Every text that comes from a pack is escaped with ``html.escape``.

The diff page shows the two packs side by side, one ``tbody.concept`` per concept (its first
row ``tr.concept-row``), filters by concept text, subject kind and presence, and the cited
articles in their original language and English behind ``<details>`` (the quote's English is
also the hover text). The matrix page is a grid of concepts × packs coloured by cell status,
with a legend and the same filters.
"""

from __future__ import annotations

import json
from html import escape

from egovrules._version import __version__
from egovrules.diffing.model import (
    Aspect,
    CitationView,
    ConceptDiff,
    Matrix,
    MatrixCell,
    MatrixRow,
    PackDiff,
    PackRef,
    Presence,
    RuleView,
    SideOutcome,
    Verdict,
    Witness,
)
from egovrules.diffing.render.history import history_table
from egovrules.diffing.render.svg import timeline_svg
from egovrules.diffing.render.words import CELL_MARKS, CELL_WORDS, presence_words, verdict_words
from egovrules.diffing.witness_words import witness_words
from egovrules.ir.words import WORDS_LANGS
from egovrules.law.citation import show_quote
from egovrules.subjects import SUBJECT_KINDS

__all__ = ["render_diff_html", "render_matrix_html"]

_LANGS = {"zh": "中文", "en": "English", "es": "Español"}

_CSS = """
:root { --ink:#1d2430; --muted:#5c6675; --line:#d7dce3; --bg:#f7f8fa; --card:#fff;
  --a:#1f5fa8; --b:#8a3b9e; --same:#2e7d32; --stricter:#c0392b; --looser:#2471a3;
  --present:#7f8c8d; --mixed:#b9770e; --absent:#fbfbfc;
  --c-present:#d5dbe3; --c-stricter:#f0b4ad; --c-looser:#b3d3ef; --c-mixed:#f5d38a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC",
  "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--ink); background: var(--bg); }
header, nav.filters, main, footer { padding: 12px 20px; }
header h1 { margin: 0 0 6px; font-size: 22px; }
header .vs { color: var(--muted); font-weight: normal; }
.packs { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0; }
.pack { background: var(--card); border: 1px solid var(--line); border-radius: 6px;
  padding: 6px 10px; }
.pack .tag { font-weight: 700; margin-right: 6px; }
.note { color: var(--muted); max-width: 70em; }
nav.filters { position: sticky; top: 0; z-index: 2; background: #fffffff0;
  border-bottom: 1px solid var(--line); display: flex; gap: 16px; align-items: center;
  flex-wrap: wrap; }
nav.filters input[type=search] { width: 22em; padding: 4px 6px; font: inherit; }
nav.filters select { padding: 3px; font: inherit; }
#shown { color: var(--muted); }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { border: 1px solid var(--line); padding: 6px 8px; vertical-align: top;
  text-align: left; }
thead th { background: #eef1f5; position: sticky; top: 46px; z-index: 1; }
table.diff { table-layout: fixed; }
table.diff col.c { width: 22%; } table.diff col.s { width: 39%; }
tbody.concept { border-top: 3px solid #c9d0da; }
.cid { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px;
  word-break: break-all; }
.title-zh { color: var(--muted); }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px;
  color: #fff; background: var(--present); margin: 2px 4px 2px 0; white-space: nowrap; }
.badge.same { background: var(--same); } .badge.stricter_in_a { background: var(--a); }
.badge.stricter_in_b { background: var(--b); } .badge.incomparable { background: var(--mixed); }
.badge.only_a { background: var(--a); } .badge.only_b { background: var(--b); }
.badge.both { background: var(--present); } .badge.kind { background: #4b5563; }
.badge.violated { background: var(--stricter); } .badge.satisfied,
.badge.not_applicable, .badge.no_rule { background: var(--same); }
.reason { color: var(--muted); margin: 4px 0 0; }
.rule { margin-bottom: 8px; } .rule + .rule { border-top: 1px dashed var(--line);
  padding-top: 6px; }
.rule .sev { font-size: 12px; color: var(--muted); }
.rule dl { margin: 4px 0; display: grid; grid-template-columns: minmax(0, max-content)
  minmax(0, 1fr); gap: 2px 8px; } .rule dt { color: var(--muted); } .rule dd { margin: 0; }
td, th, dt, dd, pre { overflow-wrap: anywhere; }
.absent { color: var(--muted); font-style: italic; }
details { margin: 3px 0; } summary { cursor: pointer; }
q { quotes: "“" "”" "‘" "’"; } q:lang(zh) { quotes: "「" "」" "『" "』"; }
.article { border-left: 3px solid var(--line); padding: 2px 8px; margin: 4px 0;
  white-space: pre-wrap; }
.article h4 { margin: 0; font-size: 12px; color: var(--muted); white-space: normal; }
.detail-row td { background: #fbfcfd; }
table.aspects { margin: 4px 0 8px; } table.aspects th { background: #f0f2f5;
  position: static; overflow-wrap: normal; white-space: nowrap; }
.witness { border: 1px solid var(--line); border-left: 4px solid var(--stricter);
  border-radius: 4px; padding: 6px 10px; margin: 6px 0; background: var(--card); }
.witness pre { white-space: pre-wrap; font-size: 12px; }
.search { color: var(--muted); font-style: italic; }
table.matrix { table-layout: fixed; } table.matrix col.c { width: 20%; }
td.cell.absent { background: var(--absent); color: #9aa3ad; text-align: center; }
td.cell.present { background: var(--c-present); }
td.cell.stricter { background: var(--c-stricter); }
td.cell.looser { background: var(--c-looser); } td.cell.mixed { background: var(--c-mixed); }
td.cell .mark { font-weight: 700; margin-right: 4px; }
td.cell .arts { display: block; color: var(--muted); font-size: 12px; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; margin: 8px 0; }
.legend span.sw { display: inline-block; width: 14px; height: 14px; border: 1px solid #999;
  vertical-align: middle; margin-right: 4px; }
.sw.absent { background: var(--absent); } .sw.present { background: var(--c-present); }
.sw.stricter { background: var(--c-stricter); } .sw.looser { background: var(--c-looser); }
.sw.mixed { background: var(--c-mixed); }
[hidden] { display: none !important; }
footer { color: var(--muted); font-size: 12px; }
figure.pictures { margin: 10px 0; }
.timeline-scroll { overflow-x: auto; }
svg.timeline { max-width: none; }
table.history { width: auto; margin: 8px 0; font-size: 12.5px; }
table.history th { white-space: nowrap; }
table.history caption { text-align: left; font-weight: 700; padding: 4px 0; }
table.history tr.changed td { background: #fff7e0; }
.no-history { color: var(--muted); }
figcaption { color: var(--muted); font-size: 12px; }
@media print {
  @page { margin: 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 9.5pt; }
  nav.filters, button, input, select, details[lang="zh"] { display: none; }
  thead th { position: static; }
  tbody.concept { break-inside: avoid; }
  tbody.concept + tbody.concept { break-before: page; }
  .timeline-scroll { overflow: visible; }
  svg.timeline { max-width: 100%; height: auto; }
  tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""

_JS = """
(function () {
  var q = document.getElementById('q');
  var kind = document.getElementById('kind');
  var show = document.getElementById('show');
  var out = document.getElementById('shown');
  var items = Array.prototype.slice.call(document.querySelectorAll('[data-concept]'));
  function has(el, name, value) {
    return (' ' + el.getAttribute(name) + ' ').indexOf(' ' + value + ' ') >= 0;
  }
  function apply() {
    var text = q.value.trim().toLowerCase();
    var k = kind.value;
    var s = show ? show.value : '';
    var n = 0;
    items.forEach(function (el) {
      var ok = (!text || el.getAttribute('data-search').indexOf(text) >= 0) &&
        (!k || has(el, 'data-kinds', k)) &&
        (!s || (s === 'differs' ? el.getAttribute('data-differs') === 'true'
                                : has(el, 'data-show', s)));
      el.hidden = !ok;
      if (ok) { n += 1; }
    });
    out.textContent = n + ' of ' + items.length + ' concepts shown';
  }
  q.addEventListener('input', apply);
  kind.addEventListener('change', apply);
  if (show) { show.addEventListener('change', apply); }
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = [];
    document.querySelectorAll('details:not([open])').forEach(function (d) {
      d.open = true; opened.push(d);
    });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
  });
  apply();
})();
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="egovrules">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{body}\n"
        f'<footer>Generated by egovrules {_e(__version__)}. The method (what "stricter" '
        "means, how witnesses are found) is described in docs/diff.md.</footer>\n"
        f"<script>{_JS}</script>\n</body>\n</html>\n"
    )


def _filters(show_options: list[tuple[str, str]] | None) -> str:
    kinds = "".join(f'<option value="{k}">{k}</option>' for k in SUBJECT_KINDS)
    out = [
        '<nav class="filters" aria-label="filters">',
        '<label>Concept <input id="q" type="search" autocomplete="off" '
        'placeholder="filter by concept, title or rule id"></label>',
        f'<label>Subject <select id="kind"><option value="">all kinds</option>{kinds}'
        "</select></label>",
    ]
    if show_options:
        opts = "".join(f'<option value="{_e(v)}">{_e(t)}</option>' for v, t in show_options)
        out.append(f'<label>Show <select id="show">{opts}</select></label>')
    out.append('<span id="shown" aria-live="polite"></span></nav>')
    return "".join(out)


def _pack_card(tag: str, p: PackRef) -> str:
    effective = p.effective.isoformat() if p.effective else "no effective date stated"
    city = p.city + (f" {p.city_zh}" if p.city_zh else "")
    return (
        f'<div class="pack"><span class="tag">{_e(tag)}</span><b>{_e(p.label)}</b> — '
        f"{_e(city)}, pack {_e(p.version)} <code>{_e(p.content_hash[:12])}</code>, "
        f"{_e('in force from ' + effective if p.effective else effective)}</div>"
    )


def _search_text(*parts: str | None) -> str:
    return " ".join(p for p in parts if p).lower()


def _citation(c: CitationView) -> str:
    original = c.quote_in(c.original_language) or (c.quotes[0][1] if c.quotes else "")
    english = c.quote_in("en")
    hover = (
        f' title="{_e(show_quote(english, source=c.is_source("en")))}"'
        if english and c.original_language != "en"
        else ""
    )
    out = [
        f'<details class="cite"><summary><b>{_e(c.where)}</b> '
        f'<q lang="{_e(c.original_language)}"{hover}>{_e(original)}</q></summary>'
    ]
    for lang, text in c.quotes:
        if lang != c.original_language:
            kind = "source" if c.is_source(lang) else "translation"
            out.append(
                f'<div class="quote {kind}" lang="{_e(lang)}">{_e(_LANGS.get(lang, lang))} '
                f"({kind}): <q>{_e(text)}</q></div>"
            )
    ordered = sorted(c.article_texts, key=lambda t: (t[0] != c.original_language, t[0]))
    for lang, text in ordered:
        mark = "original" if c.is_source(lang) else "translation"
        out.append(
            f'<div class="article" lang="{_e(lang)}"><h4>{_e(c.label)} — '
            f"{_e(_LANGS.get(lang, lang))} ({mark})</h4>{_e(text)}</div>"
        )
    out.append("</details>")
    return "".join(out)


def _rule(r: RuleView) -> str:
    out = [
        f'<div class="rule sev-{_e(r.severity)}"><div><code class="cid">{_e(r.id)}</code> '
        f'<span class="sev">{_e(r.severity)} · confidence {_e(r.confidence)}</span></div>'
    ]
    if r.title:
        out.append(f'<div class="rule-title">{_e(r.title)}</div>')
    out.extend(
        f'<p class="words" lang="{lang}">{_e(said)}</p>'
        for lang in WORDS_LANGS
        if (said := r.statement_in(lang))
    )
    out.append("<dl>")
    if r.binds:
        out.append(f"<dt>binds</dt><dd>{_e(r.binds)}</dd>")
    # The expression the words come from, for engineers, behind a toggle.
    expression = (
        f"when: {r.applies_when}; requires: {r.requires}"
        if r.applies_when != "always"
        else f"requires: {r.requires}"
    )
    out.append(
        "<dt>expression</dt><dd><details><summary>show the expression</summary>"
        f"<code>{_e(expression)}</code></details></dd>"
    )
    for p in r.parameters:
        where = f" ({_e(p.citation.where)})" if p.citation is not None else ""
        label = f"{_e(p.label)}: " if p.label else ""
        out.append(
            f"<dt><code>${_e(p.name)}</code></dt><dd>{label}<b>{_e(p.value)}</b>{where}</dd>"
        )
    out.append("</dl>")
    out.extend(_citation(c) for c in r.citations)
    out.append("</div>")
    return "".join(out)


def _side(rules: tuple[RuleView, ...]) -> str:
    if not rules:
        return '<div class="absent">no rule on this concept</div>'
    return "".join(_rule(r) for r in rules)


def _aspects(aspects: tuple[Aspect, ...], d: PackDiff) -> str:
    if not aspects:
        return ""
    rows = []
    for a in aspects:
        verdict = (
            f'<span class="badge {_e(a.verdict.value)}">{_e(verdict_words(a.verdict, d))}</span>'
            if a.verdict is not None
            else ""
        )
        rows.append(
            f"<tr><th>{_e(a.name.replace('_', ' '))}</th><td>{_e(a.a)}</td><td>{_e(a.b)}</td>"
            f"<td>{verdict}{_e(a.reason)}</td></tr>"
        )
    return (
        '<table class="aspects"><thead><tr><th>aspect</th>'
        f"<th>{_e(d.a.label)}</th><th>{_e(d.b.label)}</th><th>comparison</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _side_outcome(s: SideOutcome, label: str) -> str:
    words = "no rule" if s.outcome == "no_rule" else s.outcome.replace("_", " ")
    arts = f" ({_e(', '.join(s.articles))})" if s.articles else ""
    msgs = "".join(f"<li>{_e(m)}</li>" for m in s.messages)
    return (
        f'<li><b>{_e(label)}</b>: <span class="badge {_e(s.outcome)}">{_e(words)}</span>{arts}'
        + (f"<ul>{msgs}</ul>" if msgs else "")
        + "</li>"
    )


def _witness(w: Witness, d: PackDiff) -> str:
    rejecter = d.a.label if w.rejected_by == "a" else d.b.label
    facts = "; ".join(f"{p} = {v}" for p, v in w.facts)
    subject = json.dumps(dict(w.subject), ensure_ascii=False, indent=2, sort_keys=True)
    return (
        f'<div class="witness"><div><b>Witness</b> ({_e(w.kind)}, as of '
        f"{_e(w.as_of.isoformat())}), rejected by <b>{_e(rejecter)}</b>:</div>"
        + "".join(
            f'<p class="words" lang="{lang}">{_e(witness_words(w, d.a, d.b, lang))}</p>'
            for lang in WORDS_LANGS
        )
        + (
            "<details><summary>the facts and where the subject came from</summary>"
            f"<div>where {_e(facts)}</div><div>from {_e(w.description)}</div></details>"
            if facts
            else f"<details><summary>where the subject came from</summary>{_e(w.description)}"
            "</details>"
        )
        + f"<ul>{_side_outcome(w.a, d.a.label)}{_side_outcome(w.b, d.b.label)}</ul>"
        f"<details><summary>the subject (JSON)</summary><pre>{_e(subject)}</pre></details>"
        "</div>"
    )


def _pictures(c: ConceptDiff) -> str:
    """The concept's deadline timeline (English, and Chinese behind a toggle) and the history
    of the parameters it uses, when the diff was made with pictures."""
    if c.timeline is None:
        return ""
    out = [
        '<figure class="pictures">',
        f'<div class="timeline-scroll">{timeline_svg(c.timeline, "en")}</div>',
        f'<details lang="zh"><summary>中文</summary><div class="timeline-scroll">'
        f"{timeline_svg(c.timeline, 'zh')}</div></details>",
    ]
    out.extend(history_table(h, "en", changes_only=True) for h in c.histories)
    out.append(
        f"<figcaption>Deadlines and order of acts: {_e(c.title)} "
        "(each step from a rule's conditions, with its article)</figcaption></figure>"
    )
    return "".join(out)


def _concept(c: ConceptDiff, d: PackDiff) -> str:
    shows = [c.presence.value] + ([c.verdict.value] if c.verdict is not None else [])
    search = _search_text(
        c.concept,
        c.title,
        c.title_zh,
        *(r.id for r in (*c.rules_a, *c.rules_b)),
        *(r.title for r in (*c.rules_a, *c.rules_b)),
    )
    badges = [f'<span class="badge {_e(c.presence.value)}">{_e(presence_words(c, d))}</span>']
    if c.verdict is not None:
        badges.append(
            f'<span class="badge {_e(c.verdict.value)}">{_e(verdict_words(c.verdict, d))}</span>'
        )
    badges.extend(f'<span class="badge kind">{_e(k)}</span>' for k in c.kinds)
    head = (
        f'<td class="concept-cell"><code class="cid">{_e(c.concept)}</code>'
        f'<div class="title">{_e(c.title)}</div>'
        + (f'<div class="title-zh" lang="zh">{_e(c.title_zh)}</div>' if c.title_zh else "")
        + f"<div>{''.join(badges)}</div>"
        + (f'<p class="reason">{_e(c.reason)}</p>' if c.presence is Presence.BOTH else "")
        + "</td>"
    )
    details = _aspects(c.aspects, d) + "".join(_witness(w, d) for w in c.witnesses) + _pictures(c)
    if c.search.searched or c.verdict is Verdict.SAME:
        details += f'<p class="search">Search: {_e(c.search.note)}</p>'
    detail_row = f'<tr class="detail-row"><td colspan="3">{details}</td></tr>' if details else ""
    return (
        f'<tbody class="concept" id="{_e(c.concept)}" data-concept="{_e(c.concept)}" '
        f'data-kinds="{_e(" ".join(c.kinds))}" data-show="{_e(" ".join(shows))}" '
        f'data-differs="{str(c.differs).lower()}" data-search="{_e(search)}">'
        f'<tr class="concept-row">{head}<td class="side a">{_side(c.rules_a)}</td>'
        f'<td class="side b">{_side(c.rules_b)}</td></tr>{detail_row}</tbody>'
    )


def render_diff_html(d: PackDiff) -> str:
    """The diff as one self-contained HTML page."""
    summary = (
        f"{len(d.concepts)} concept(s): {d.count(Presence.BOTH)} in both "
        f"({d.count(verdict=Verdict.SAME)} same, "
        f"{d.count(verdict=Verdict.STRICTER_A)} stricter in {d.a.label}, "
        f"{d.count(verdict=Verdict.STRICTER_B)} stricter in {d.b.label}, "
        f"{d.count(verdict=Verdict.INCOMPARABLE)} incomparable), "
        f"{d.count(Presence.ONLY_A)} only in {d.a.label}, "
        f"{d.count(Presence.ONLY_B)} only in {d.b.label}."
    )
    header = (
        f"<header><h1>{_e(d.a.label)} <span class='vs'>vs</span> {_e(d.b.label)}</h1>"
        f'<div class="packs">{_pack_card("A", d.a)}{_pack_card("B", d.b)}</div>'
        f'<p class="summary">{_e(summary)}</p>'
        '<p class="note">Verdicts compare the obligations while both texts are in force. '
        "<b>Stricter</b> is stated only where it is proved from the compiled conditions; "
        "<b>incomparable</b> means no such proof was found. Every witness is a subject both "
        "packs were run on. Click an article to read it in the original language and in "
        "English; hover a quote for its English.</p></header>"
    )
    show = [
        ("", "all concepts"),
        ("differs", "differences only"),
        ("both", "in both"),
        ("only_a", f"only in {d.a.label}"),
        ("only_b", f"only in {d.b.label}"),
        ("stricter_in_a", f"stricter in {d.a.label}"),
        ("stricter_in_b", f"stricter in {d.b.label}"),
        ("incomparable", "incomparable"),
    ]
    table = (
        '<main><table class="diff"><colgroup><col class="c"><col class="s"><col class="s">'
        f"</colgroup><thead><tr><th>concept</th><th>A: {_e(d.a.label)}</th>"
        f"<th>B: {_e(d.b.label)}</th></tr></thead>"
        + "".join(_concept(c, d) for c in d.concepts)
        + "</table></main>"
    )
    return _page(f"egovrules diff: {d.a.label} vs {d.b.label}", header + _filters(show) + table)


def _cell(c: MatrixCell) -> str:
    if not c.rules:
        return (
            f'<td class="cell absent" title="{_e(c.pack)}: no rule">'
            f'<span class="mark">{CELL_MARKS[c.status]}</span></td>'
        )
    hover = [f"{c.pack}: {CELL_WORDS[c.status]}"]
    if c.stricter_than:
        hover.append(f"stricter than {', '.join(c.stricter_than)}")
    if c.looser_than:
        hover.append(f"looser than {', '.join(c.looser_than)}")
    for r in c.rules:
        hover.append(f"{r.id}: {r.requires}")
        for cite in r.citations:
            english = cite.quote_in("en")
            if english:
                hover.append(f"{cite.where}: {show_quote(english, source=cite.is_source('en'))}")
    cites = "".join(_citation(cite) for r in c.rules for cite in r.citations)
    return (
        f'<td class="cell {_e(c.status.value)}" title="{_e(chr(10).join(hover))}">'
        f'<span class="mark">{CELL_MARKS[c.status]}</span>{_e(c.summary)}'
        f'<span class="arts">{_e(", ".join(c.articles))}</span>'
        f"<details><summary>articles</summary>{cites}</details></td>"
    )


def _row(r: MatrixRow) -> str:
    search = _search_text(
        r.concept, r.title, r.title_zh, *(rule.id for c in r.cells for rule in c.rules)
    )
    statuses = " ".join(dict.fromkeys(c.status.value for c in r.cells))
    return (
        f'<tr class="concept-row" data-concept="{_e(r.concept)}" '
        f'data-kinds="{_e(" ".join(r.kinds))}" data-show="{_e(statuses)}" '
        f'data-search="{_e(search)}"><th scope="row"><code class="cid">{_e(r.concept)}</code>'
        f'<div class="title">{_e(r.title)}</div>'
        + (f'<div class="title-zh" lang="zh">{_e(r.title_zh)}</div>' if r.title_zh else "")
        + "</th>"
        + "".join(_cell(c) for c in r.cells)
        + "</tr>"
    )


def render_matrix_html(m: Matrix) -> str:
    """The matrix as one self-contained HTML page: a coloured grid with a legend."""
    legend = "".join(
        f'<span><span class="sw {_e(s.value)}"></span>{CELL_MARKS[s]} <b>{_e(s.value)}</b>: '
        f"{_e(CELL_WORDS[s])}</span>"
        for s in CELL_MARKS
    )
    header = (
        "<header><h1>Concepts × packs</h1>"
        f'<div class="packs">{"".join(_pack_card(str(i + 1), p) for i, p in enumerate(m.packs))}'
        f'</div><div class="legend">{legend}</div>'
        '<p class="note">A cell is <b>stricter</b> when its pack is proved stricter than another '
        "pack holding the concept and looser than none (and <b>looser</b> the other way round); "
        "the proof is from the compiled conditions (docs/diff.md). Hover a cell for its rules "
        "and the English of the quotes; open <i>articles</i> for the texts.</p></header>"
    )
    show = [("", "all statuses")] + [(s.value, f"some pack {s.value}") for s in CELL_MARKS]
    heads = "".join(f"<th>{_e(p.label)}</th>" for p in m.packs)
    width = 80 / max(len(m.packs), 1)
    cols = '<col class="c">' + f'<col style="width:{width:.2f}%">' * len(m.packs)
    table = (
        f'<main><table class="matrix"><colgroup>{cols}</colgroup>'
        f"<thead><tr><th>concept</th>{heads}</tr></thead><tbody>"
        + "".join(_row(r) for r in m.rows)
        + "</tbody></table></main>"
    )
    return _page("egovrules matrix: concepts × packs", header + _filters(show) + table)
