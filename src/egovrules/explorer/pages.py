"""The explorer's pages, each a function of the corpus and the page's own path: the home page
(the matrix as a heat map), a concept (the cities side by side), a city (its articles in
order), an article (its text, translations marked, the rules citing it) and a rule (in words,
its parameters, the pack's tests of it, the other cities with proof and witness).

Every text that comes from a pack is escaped; every link is relative (``paths.href``).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from egovrules.diffing.model import CellStatus, MatrixCell
from egovrules.diffing.render.csv import render_diff_csv, render_matrix_csv
from egovrules.diffing.render.history import history_table
from egovrules.diffing.render.svg import timeline_svg
from egovrules.diffing.views import rule_params
from egovrules.engine.pack import Pack
from egovrules.explorer.articles import Quote, article_html
from egovrules.explorer.corpus import Comparison, Corpus
from egovrules.explorer.labels import bi, ui
from egovrules.explorer.layout import page
from egovrules.explorer.paths import (
    HOME,
    anchor,
    article_path,
    city_path,
    concept_path,
    download_path,
    href,
    rule_path,
    source_path,
)
from egovrules.explorer.words import (
    Lang,
    parameter_value,
    proof_zh,
    rule_title,
    statement,
    witness_text,
)
from egovrules.ir.describe import describe, describe_expr
from egovrules.ir.nodes import ArticleIR, Deadline, Param, RuleIR
from egovrules.law.citation import TRANSLATION_WORDS, Citation, show_quote

__all__ = ["article_page", "city_page", "concept_page", "home_page", "rule_page"]

_MARKS = {
    CellStatus.ABSENT: "·",
    CellStatus.PRESENT: "●",
    CellStatus.STRICTER: "▲",
    CellStatus.LOOSER: "▼",
    CellStatus.MIXED: "◆",
}
_VERDICTS = {
    "stricter": "v_stricter_here",
    "looser": "v_looser_here",
    "same": "v_same",
    "incomparable": "v_incomparable",
    "absent": "v_absent",
}
_LANGS: tuple[Lang, ...] = ("en", "zh")
_OUTCOMES = {
    "violations": "outcome_violated",
    "pending": "outcome_pending",
    "undetermined": "outcome_undetermined",
    "not_applicable": "outcome_not_applicable",
}


# ---- small parts -----------------------------------------------------------------------------


def _city_names(pack: Pack) -> tuple[str, str | None]:
    model = pack.model
    if model is None:
        return pack.id, None
    return model.meta.city.en or pack.id, model.meta.city.zh


def _zh(pack: Pack) -> str:
    """The city's Chinese name (its English one, then the pack id, when the pack has none)."""
    en, zh = _city_names(pack)
    return zh or en


def _city(pack: Pack) -> str:
    return bi(*_city_names(pack))


def _nav(corpus: Corpus) -> list[tuple[str, str]]:
    return [(p.id, _city(p)) for p in corpus.packs]


def _frame(corpus: Corpus, here: str, title: tuple[str, str], body: str) -> str:
    return page(here, title, body, _nav(corpus))


def _concept_title(corpus: Corpus, concept: str) -> tuple[str, str | None]:
    entry = corpus.concepts.get(concept)
    if entry is None:
        return concept, None
    return entry.title.en or concept, entry.title.zh


def _where(c: Citation) -> str:
    out = c.label
    if c.paragraph is not None:
        out += f" ¶{c.paragraph}"
    if c.item is not None:
        out += f" ({c.item})"
    return out


def _cite_link(here: str, pack_id: str, c: Citation) -> str:
    target = href(here, article_path(pack_id, c.article), anchor(c.paragraph, c.item))
    return f'<a class="cite" href="{escape(target)}">{escape(_where(c))}</a>'


def _rule_link(here: str, corpus: Corpus, rule: RuleIR) -> str:
    pack, _ = corpus.rule(rule.id)
    title = bi(rule_title(pack, rule, "en"), rule_title(pack, rule, "zh"))
    return f'<a href="{escape(href(here, rule_path(rule.id)))}">{title}</a>'


def _statement(rule: RuleIR) -> str:
    return f'<p class="statement">{bi(statement(rule, "en"), statement(rule, "zh"))}</p>'


def _expression(rule: RuleIR) -> str:
    lines = [f"when: {describe(rule.when)}"] if rule.when is not None else []
    lines.append(f"requires: {describe(rule.requires)}")
    if isinstance(rule.requires, Deadline):
        lines.append(f"last day: {describe_expr(rule.requires.due)}")
    return (
        f'<details class="expr"><summary>{ui("expression")}</summary>'
        f'<pre lang="en">{escape(chr(10).join(lines))}</pre></details>'
    )


def _quotes(c: Citation) -> str:
    """Each quote: the source text's words in 「」; a translation marked as one in the
    reader's language (译文 on the Chinese page, translation on the English one)."""
    shown = []
    for lang, words in c.quotes or ((c.language, c.quote),):
        if lang in (c.sources or (c.language,)):
            text = escape(show_quote(words, source=True))
        else:
            marks = "".join(
                f'<span class="mark-word" data-for="{reader}" lang="{reader}">'
                f"{escape(TRANSLATION_WORDS[reader])}{sep}</span>"
                for reader, sep in (("en", ": "), ("zh", ":"))
            )
            text = f"{marks}“{escape(words)}”"
        shown.append(f'<span class="quote" lang="{escape(lang)}">{text}</span>')
    return " ".join(shown)


def _cell_words(status: CellStatus) -> str:
    return f'<span aria-hidden="true">{_MARKS[status]}</span> {ui("cell_" + status.value)}'


# ---- home: the matrix ------------------------------------------------------------------------


def home_page(corpus: Corpus) -> str:
    """The matrix as a heat map: a row per concept, a column per city."""
    here = HOME
    heads = "".join(f'<th scope="col">{_city(p)}</th>' for p in corpus.packs)
    rows = []
    for row in corpus.rows():
        title = bi(*_concept_title(corpus, row.concept))
        link = href(here, concept_path(row.concept))
        cells = "".join(_heat_cell(here, row.concept, cell) for cell in row.cells)
        count = sum(c.status is not CellStatus.ABSENT for c in row.cells)
        rows.append(
            f'<tr data-concept="{escape(row.concept)}"><th scope="row">'
            f'<a href="{escape(link)}">{title}</a> <span class="id">{escape(row.concept)}</span>'
            f"</th>{cells}<td>{count}</td></tr>"
        )
    legend = "".join(
        f'<li><span class="swatch {s.value}" aria-hidden="true">{_MARKS[s]}</span>'
        f"{ui(s.value)}</li>"
        for s in CellStatus
    )
    files = [("matrix.csv", ui("matrix_csv"))] + [
        (f"{a}-vs-{b}.csv", f"{_city(corpus.pack(a))} {ui('vs_short')} {_city(corpus.pack(b))}")
        for a, b in corpus.diffs
    ]
    links = "".join(
        f'<li><a href="{escape(href(here, download_path(name)))}" download>{words}</a> '
        f'<span class="id">{escape(name)}</span></li>'
        for name, words in files
    )
    body = (
        f"<h1>{ui('site')}</h1><p>{ui('matrix_intro')}</p>"
        f'<h2 id="legend">{ui("legend")}</h2><ul class="legend">{legend}</ul>'
        f'<table class="heat" aria-describedby="legend"><thead><tr>'
        f'<th scope="col">{ui("concept")}</th>{heads}<th scope="col">{ui("cities_count")}</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f'<h2>{ui("downloads")}</h2><p>{ui("downloads_note")}</p><ul class="plain">{links}</ul>'
    )
    return _frame(corpus, here, ("Law explorer", "法规浏览"), body)


def _heat_cell(here: str, concept: str, cell: MatrixCell) -> str:
    words = _cell_words(cell.status)
    if cell.status is CellStatus.ABSENT:
        return f'<td class="cell absent" data-status="absent">{words}</td>'
    target = href(here, concept_path(concept), f"city-{cell.pack}")
    return (
        f'<td class="cell {cell.status.value}" data-status="{cell.status.value}">'
        f'<a href="{escape(target)}">{words}</a></td>'
    )


# ---- a concept: the cities side by side ------------------------------------------------------


def concept_page(corpus: Corpus, concept: str) -> str:
    """The cities side by side on ``concept``, and each pair of cities compared."""
    here = concept_path(concept)
    row = corpus.row(concept)
    en, zh = _concept_title(corpus, concept)
    entry = corpus.concepts.get(concept)
    definition = (
        f"<h2>{ui('definition')}</h2><p>{bi(entry.definition.en or '', entry.definition.zh)}</p>"
        if entry is not None
        else ""
    )
    cards = []
    for pack, cell in zip(corpus.packs, row.cells, strict=True):
        inner = [
            f'<h3><a href="{escape(href(here, city_path(pack.id)))}">{_city(pack)}</a></h3>',
            f'<p class="tag {cell.status.value}"><span aria-hidden="true">'
            f"{_MARKS[cell.status]}</span> {ui(cell.status.value)}</p>",
        ]
        if not cell.rules:
            inner.append(f"<p>{ui('no_rule')}</p>")
        for view in cell.rules:
            _, rule = corpus.rule(view.id)
            cites = ", ".join(_cite_link(here, pack.id, c) for c in rule.citations)
            params = {q.name: q for q in rule_params(pack, rule)}
            values = "".join(
                f"<li>{_parameter_label(pack, p.name)}: {_value(pack, rule, params[p.name])}</li>"
                for p in view.parameters
                if p.unit != "text" and p.name in params
            )
            inner.append(
                f"<h4>{_rule_link(here, corpus, rule)}</h4>{_statement(rule)}"
                + (f'<ul class="plain">{values}</ul>' if values else "")
                + f"<p>{ui('cites')}: {cites}</p>"
            )
        cards.append(
            f'<section class="card" id="city-{escape(pack.id)}">{"".join(inner)}</section>'
        )
    body = (
        f'<p class="crumbs"><a href="{escape(href(here, HOME))}">{ui("home")}</a> › '
        f"{ui('concept')}</p>"
        f'<h1>{bi(en, zh)}</h1><p class="id">{escape(concept)}</p>{definition}'
        f'<h2>{ui("side_by_side")}</h2><div class="sides">{"".join(cards)}</div>'
        f"{_timeline(corpus, concept)}{_pairs(corpus, here, concept)}"
    )
    return _frame(corpus, here, (en, zh or en), body)


def _timeline(corpus: Corpus, concept: str) -> str:
    t = corpus.timeline(concept)
    if t is None:
        return ""
    return f"<h2>{ui('timeline')}</h2>" + "".join(
        f'<div class="picture l" lang="{lang}">{timeline_svg(t, lang)}</div>' for lang in _LANGS
    )


def _pairs(corpus: Corpus, here: str, concept: str) -> str:
    rows = []
    present = [p for p, c in zip(corpus.packs, corpus.row(concept).cells, strict=True) if c.rules]
    for i, a in enumerate(present):
        for b in present[i + 1 :]:
            rows.append(_comparison_row(corpus, here, a, corpus.compare(a.id, b.id, concept)))
    return _comparisons("comparisons", rows) if rows else ""


def _comparisons(heading: str, rows: list[str]) -> str:
    return (
        f"<h2>{ui(heading)}</h2><table><thead><tr>"
        f'<th scope="col">{ui("city")}</th><th scope="col">{ui("verdict")}</th>'
        f'<th scope="col">{ui("vs")}</th><th scope="col">{ui("proof")}</th>'
        f'<th scope="col">{ui("witness")}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _comparison_row(corpus: Corpus, here: str, pack: Pack, cmp: Comparison) -> str:
    other = corpus.pack(cmp.other)
    theirs = [r for r in other.rules if cmp.concept and r.concept == cmp.concept.concept]
    rules = "".join(f"<li>{_rule_link(here, corpus, r)}</li>" for r in theirs)
    return (
        f'<tr><td><a href="{escape(href(here, city_path(pack.id)))}">{_city(pack)}</a></td>'
        f"<td>{ui(_VERDICTS[cmp.verdict])}</td>"
        f'<td><a href="{escape(href(here, city_path(other.id)))}">{_city(other)}</a>'
        + (f'<ul class="plain">{rules}</ul>' if rules else "")
        + "</td>"
        f"<td>{_proof(cmp, pack, other)}</td>"
        f"<td>{_witnesses(cmp)}</td></tr>"
    )


def _proof(cmp: Comparison, pack: Pack, other: Pack) -> str:
    if not cmp.reason:  # the other city has no rule on the concept: nothing was compared
        return ""
    return bi(cmp.reason, proof_zh(cmp.verdict, cmp.reason, _zh(pack), _zh(other)))


def _witnesses(cmp: Comparison) -> str:
    if not cmp.witnesses:
        return ui("no_witness") if cmp.verdict in ("stricter", "looser") else ""
    items = "".join(
        f"<li>{bi(witness_text(w, cmp.sides, 'en'), witness_text(w, cmp.sides, 'zh'))}</li>"
        for w in cmp.witnesses
    )
    return f'<ul class="plain">{items}</ul>'


# ---- a city: its articles in order -----------------------------------------------------------


def city_page(corpus: Corpus, pack_id: str) -> str:
    """The city's regulation: its articles in order, each with the rules citing it."""
    here = city_path(pack_id)
    pack = corpus.pack(pack_id)
    model = pack.model
    title = bi(model.meta.title.en or pack.id, model.meta.title.zh) if model else ""
    sources = "".join(
        f'<li><a href="{escape(href(here, source_path(s.file)))}">{escape(s.file)}</a> '
        f'<span class="muted" lang="en">{escape(s.note or "")}</span></li>'
        for s in (model.meta.sources if model else ())
    )
    items = []
    chapter = None
    for article in pack.ruleset.articles:
        printed = _article_chapter(pack, article.number)
        if printed and printed != chapter:
            chapter = printed
            items.append(f'<li class="chapter"><h3 lang="zh">{escape(printed)}</h3></li>')
        rules = corpus.citing(pack_id, article.number)
        cited = (
            "".join(f"<li>{_rule_link(here, corpus, r)}</li>" for r in rules)
            if rules
            else f'<li class="muted">{ui("not_cited")}</li>'
        )
        link = href(here, article_path(pack_id, article.number))
        items.append(
            f'<li id="article-{article.number}"><a href="{escape(link)}">'
            f"{escape(_article_label(pack, article))}</a> "
            f'<span class="muted">{escape(_first_words(article, pack))}</span>'
            f'<ul class="plain">{cited}</ul></li>'
        )
    effective = pack.ruleset.effective.isoformat() if pack.ruleset.effective else "—"
    body = (
        f'<p class="crumbs"><a href="{escape(href(here, HOME))}">{ui("home")}</a> › '
        f"{ui('city')}</p><h1>{_city(pack)}: {title}</h1>"
        f"<p>{ui('effective')}: {effective} · {ui('version')}: {escape(pack.ruleset.version)}</p>"
        f'<h2>{ui("source_file")}</h2><ul class="plain">{sources}</ul>'
        f'<h2>{ui("articles")}</h2><ol class="plain articles" style="list-style:none">'
        f"{''.join(items)}</ol>"
    )
    en, zh = _city_names(pack)
    return _frame(corpus, here, (en, zh or en), body)


def _article_chapter(pack: Pack, number: int) -> str | None:
    model = pack.model
    found = next((a for a in model.articles if a.number == number), None) if model else None
    return found.chapter if found else None


def _article_label(pack: Pack, article: ArticleIR) -> str:
    """``第十条 (printed: Tenth)`` when the source prints another label."""
    model = pack.model
    found = next((a for a in model.articles if a.number == article.number), None) if model else None
    printed = found.label_as_printed if found else None
    if printed and printed != article.label:
        return f"{article.label} ({printed})"
    return article.label


def _first_words(article: ArticleIR, pack: Pack) -> str:
    text = dict(article.texts).get(pack.ruleset.language) or ""
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= 60 else line[:60] + "…"


# ---- an article: the text, translations marked, the rules citing it -------------------------


def article_page(corpus: Corpus, pack_id: str, number: int) -> str:
    """The article in its source language (anchors ``para-N``) and its translations, the
    quoted words marked, and every rule citing it."""
    pack = corpus.pack(pack_id)
    article = corpus.article(pack_id, number)
    here = article_path(pack_id, number)
    rules = corpus.citing(pack_id, number)
    cites = [c for r in rules for c in r.citations if c.article == number]
    model = pack.model
    sources = {s.language: s.file for s in model.meta.sources} if model else {}
    original = pack.ruleset.language
    texts = sorted(article.texts, key=lambda t: (t[0] != original, t[0]))
    blocks = []
    for lang, text in texts:
        quotes = [
            Quote(words, c.paragraph, c.item)
            for c in cites
            for ql, words in (c.quotes or ((c.language, c.quote),))
            if ql == lang
        ]
        prefix = "" if lang == original else f"{lang}-"
        if lang in sources:
            link = href(here, source_path(sources[lang]))
            head = f'{ui("original")} <a href="{escape(link)}">{escape(sources[lang])}</a>'
            kind = "law"
        else:
            head = f'<span class="tag">{ui("translation")}</span> {ui("translation_note")}'
            kind = "law translation"
        blocks.append(
            f'<section class="{kind}" lang="{escape(lang)}" data-lang="{escape(lang)}">'
            f'<h2 class="text-head">{head}</h2>'
            f"{article_html(text, quotes, prefix=prefix)}</section>"
        )
    cited = "".join(
        f"<li>{_rule_link(here, corpus, r)} — "
        + ", ".join(_cite_link(here, pack_id, c) for c in r.citations if c.article == number)
        + "</li>"
        for r in rules
    )
    body = (
        f'<p class="crumbs"><a href="{escape(href(here, HOME))}">{ui("home")}</a> › '
        f'<a href="{escape(href(here, city_path(pack_id)))}">{_city(pack)}</a> › '
        f"{ui('article')}</p>"
        f"<h1>{_city(pack)} {escape(_article_label(pack, article))}</h1>{''.join(blocks)}"
        f'<h2 id="cited-by">{ui("cited_by")}</h2>'
        + (f'<ul class="plain">{cited}</ul>' if cited else f"<p>{ui('not_cited')}</p>")
    )
    en, zh = _city_names(pack)
    return _frame(corpus, here, (f"{en} {article.label}", f"{zh or en} {article.label}"), body)


# ---- a rule ----------------------------------------------------------------------------------


def rule_page(corpus: Corpus, rule_id: str) -> str:
    """The rule in words, its citations, parameters and tests, and the other cities on its
    concept with the proof and the witness."""
    pack, rule = corpus.rule(rule_id)
    here = rule_path(rule_id)
    en, zh = rule_title(pack, rule, "en"), rule_title(pack, rule, "zh")
    c_en, c_zh = _concept_title(corpus, rule.concept)
    cites = "".join(f"<li>{_cite_link(here, pack.id, c)} {_quotes(c)}</li>" for c in rule.citations)
    in_force = rule.in_force_from.isoformat() if rule.in_force_from else "—"
    body = (
        f'<p class="crumbs"><a href="{escape(href(here, HOME))}">{ui("home")}</a> › '
        f'<a href="{escape(href(here, city_path(pack.id)))}">{_city(pack)}</a> › '
        f'<a href="{escape(href(here, concept_path(rule.concept)))}">{bi(c_en, c_zh)}</a></p>'
        f'<h1>{bi(en, zh)}</h1><p class="id">{escape(rule.id)}</p>'
        f'<p><span class="tag">{ui("severity")}: {ui("severity_" + rule.severity.value)}</span> '
        f'<span class="tag">{ui("subject")}: {ui("kind_" + rule.subject)}</span> '
        f'<span class="tag">{ui("in_force")}: {in_force}</span></p>'
        f"<h2>{ui('statement')}</h2>{_statement(rule)}{_expression(rule)}"
        f'<h2>{ui("cites")}</h2><ul class="plain">{cites}</ul>'
        f"{_parameters(corpus, here, pack, rule)}{_tests(corpus, pack, rule)}"
        f"{_others(corpus, here, pack, rule)}"
    )
    return _frame(corpus, here, (en, zh), body)


def _parameters(corpus: Corpus, here: str, pack: Pack, rule: RuleIR) -> str:
    params = rule_params(pack, rule)
    if not params:
        return f"<h2>{ui('parameters')}</h2><p>{ui('no_parameters')}</p>"
    model = pack.model
    rows = []
    for p in params:
        source = model.parameters.get(p.name) if model else None
        label = _parameter_label(pack, p.name) if source and source.label else ""
        fixed = ""
        if source is not None:
            target = href(
                here, article_path(pack.id, source.cite.article), anchor(source.cite.paragraph)
            )
            label_of = next(
                (a.label for a in pack.ruleset.articles if a.number == source.cite.article), ""
            )
            fixed = f'<a href="{escape(target)}">{escape(label_of)}</a>'
        rows.append(
            f'<tr><td><span class="id">{escape(p.name)}</span> {label}</td>'
            f"<td>{_value(pack, rule, p)}</td><td>{fixed}</td></tr>"
        )
    histories = "".join(
        f'<h3><span class="id">{escape(p.name)}</span> · {ui("history")}</h3>'
        + "".join(
            f'<div class="picture l" lang="{lang}">'
            f"{history_table(corpus.history(pack.id, p.name), lang, changes_only=True)}</div>"
            for lang in _LANGS
        )
        for p in params
    )
    return (
        f'<h2>{ui("parameters")}</h2><table><thead><tr><th scope="col">{ui("parameter")}</th>'
        f'<th scope="col">{ui("value")}</th><th scope="col">{ui("fixed_by")}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{histories}"
    )


def _value(pack: Pack, rule: RuleIR, p: Param) -> str:
    return bi(parameter_value(pack, rule, p, "en"), parameter_value(pack, rule, p, "zh"))


def _parameter_label(pack: Pack, name: str) -> str:
    """The parameter's label in both languages (its name when the pack gives none)."""
    source = pack.model.parameters.get(name) if pack.model else None
    if source is None or source.label is None:
        return f'<span class="id">{escape(name)}</span>'
    return bi(source.label.en or name, source.label.zh)


def _tests(corpus: Corpus, pack: Pack, rule: RuleIR) -> str:
    cases = corpus.tests_of(pack.id, rule.id)
    if not cases:
        return f"<h2>{ui('tests')}</h2><p>{ui('no_tests')}</p>"
    rows = "".join(
        f'<tr><td lang="en">{escape(case.name)}</td>'
        f"<td>{case.as_of.isoformat()}</td><td>{ui(_OUTCOMES[outcome])}</td></tr>"
        for case, outcome in cases
    )
    return (
        f'<h2>{ui("tests")}</h2><table><thead><tr><th scope="col">{ui("case")}</th>'
        f'<th scope="col">{ui("as_of")}</th><th scope="col">{ui("expects")}</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _others(corpus: Corpus, here: str, pack: Pack, rule: RuleIR) -> str:
    rows = [
        _comparison_row(corpus, here, pack, corpus.compare(pack.id, other.id, rule.concept))
        for other in corpus.packs
        if other.id != pack.id
    ]
    return _comparisons("compared", rows)


def downloads(corpus: Corpus) -> Iterable[tuple[str, str]]:
    """The files for a spreadsheet (path, CSV): the matrix and each pair of cities' diff."""
    yield download_path("matrix.csv"), render_matrix_csv(corpus.matrix)
    for (a, b), d in corpus.diffs.items():
        yield download_path(f"{a}-vs-{b}.csv"), render_diff_csv(d)


def every_page(corpus: Corpus) -> Iterable[tuple[str, str]]:
    """Every page of the site: (path, HTML)."""
    yield HOME, home_page(corpus)
    for row in corpus.matrix.rows:
        yield concept_path(row.concept), concept_page(corpus, row.concept)
    for pack in corpus.packs:
        yield city_path(pack.id), city_page(corpus, pack.id)
        for article in pack.ruleset.articles:
            yield (
                article_path(pack.id, article.number),
                article_page(corpus, pack.id, article.number),
            )
    for rule_id in corpus.rule_ids:
        yield rule_path(rule_id), rule_page(corpus, rule_id)
