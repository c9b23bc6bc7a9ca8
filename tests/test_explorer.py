"""The law explorer's generator, without a browser: every link of the exported site lands on a
page and an anchor that exist; every citation's quoted words are marked in its article, in
the paragraph it names; the matrix puts the concepts most cities regulate first; no chrome
label is left in English on the Chinese page; the server answers the same bytes as the
export; ``egovrules explore`` refuses a folder that holds files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest

import egovrules
from egovrules.cli import main
from egovrules.explorer import Site, build, export
from egovrules.explorer.labels import LABELS
from egovrules.explorer.paths import anchor, article_path, page_path
from tests.serving import start


@pytest.fixture(scope="module")
def packs() -> list[egovrules.Pack]:
    """The bundled packs, in the order a server loads them."""
    return [egovrules.load_pack(p) for p in egovrules.available_packs()]


@pytest.fixture(scope="module")
def site(packs: list[egovrules.Pack]) -> Site:
    """The explorer of the bundled packs."""
    return build(packs)


@pytest.fixture(scope="module")
def exported(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site written to a folder, as ``egovrules explore --out`` writes it."""
    out = tmp_path_factory.mktemp("explorer")
    export(site, out)
    return out


class _Page(HTMLParser):
    """The ids, links and marked words of one page (marks by the id of their paragraph)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.marks: dict[str, list[str]] = {}
        self._where: list[tuple[str, str | None]] = []  # (tag, id) of the open elements
        self._mark: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("href") is not None:
            self.links.append(str(a["href"]))
        if tag == "mark":
            self._mark = []
        if tag not in ("meta", "br", "link", "input"):
            self._where.append((tag, a.get("id")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self._mark is not None:
            words = "".join(self._mark)
            for _, element_id in self._where:
                if element_id:
                    self.marks.setdefault(element_id, []).append(words)
            self._mark = None
        while self._where:
            if self._where.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._mark is not None:
            self._mark.append(data)


def _parsed(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_every_link_lands_on_a_page_and_an_anchor(exported: Path, site: Site) -> None:
    """Each ``<a href>`` of each exported page is relative, names a file of the export and,
    with a fragment, an element of that page: the site works from file:// and links nowhere
    on the network."""
    pages = {p: _parsed(exported / p) for p in site.pages}
    checked, reached = 0, set()
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, f"{path}: {link} leaves the site"
            target = (
                (exported / path).parent / unquote(parts.path) if parts.path else exported / path
            ).resolve()
            assert target.is_file(), f"{path}: {link} names no file"
            relative = target.relative_to(exported.resolve()).as_posix()
            reached.add(relative)
            if parts.fragment:
                assert parts.fragment in pages[relative].ids, f"{path}: {link}: no such anchor"
            checked += 1
    assert checked > 5000
    assert set(site.pages) - reached == set()  # every page is linked to


def test_every_citation_is_marked_in_its_paragraph(
    exported: Path, packs: list[egovrules.Pack]
) -> None:
    """For every rule's citation, the article page marks the quoted words (in the language
    the pack's source prints) inside the paragraph or item the citation names, the anchor the
    rule's link goes to."""
    seen = 0
    for pack in packs:
        for rule in pack.rules:
            for c in rule.citations:
                page = _parsed(exported / article_path(pack.id, c.article))
                where = anchor(c.paragraph, c.item) or "main"
                words = re.sub(r"\s+", "", c.quote)
                marked = [re.sub(r"\s+", "", m) for m in page.marks.get(where, [])]
                assert any(words in m for m in marked), (
                    f"{rule.id}: {c.label} {where}: {c.quote!r} is not marked"
                )
                seen += 1
    assert seen > 200


def test_a_quote_the_text_does_not_hold_marks_nothing() -> None:
    """A translation the pack made itself is not the words of the article's translation: it
    is not forced onto some other words."""
    from egovrules.explorer.articles import Quote, article_html

    text = "Government departments shall designate a specialised body.\n(1) one item"
    html = article_html(text, [Quote("each department shall designate", 1, None)])
    assert "<mark>" not in html
    html = article_html(text, [Quote("designate a  specialised", 1, None)])
    assert "<mark>designate a specialised</mark>" in html
    assert 'id="para-1-item-1"' in html


def test_a_rule_reads_in_words_with_its_expression_behind_a_toggle(site: Site) -> None:
    """The rule page states the rule in words in both languages; the field expression is only
    in the engineers' <details>; a witness is told by its facts and each city's answer."""
    page = site.pages["rule/wuhan.website.designated_maintainer.html"]
    words, toggle = page.split('<details class="expr">', 1)
    assert "the designated maintainer is a specialised agency" in words
    assert "指定的运行维护者为专门机构" in words
    assert "maintainer.kind" not in words and "maintainer.kind = agency" in toggle
    assert "A website where" in page and "Hohhot accepts it; Wuhan rejects it (第十四条 ¶1)" in page


def test_concept_and_rule_pages_embed_their_pictures(site: Site) -> None:
    """A concept whose rules count days has its deadline timeline, drawn once per language
    (an accessible SVG); a concept without any has none; a rule page gives each parameter's
    history over the pack file's revisions (or why there is none), in both languages."""
    police = site.pages["concept/website.police_filing.html"]
    svgs = re.findall(r'<div class="picture l" lang="(en|zh)"><svg [^>]*role="img"', police)
    assert svgs == ["en", "zh"]
    assert "<svg" not in site.pages["concept/website.designated_maintainer.html"]
    rule = site.pages["rule/wuhan.website.police_filing_15_days.html"]
    for name in ("police_filing_days", "police_filing_authority"):
        assert f'<span class="id">{name}</span> · ' in rule
    tables = re.findall(
        r'<div class="picture l" lang="(en|zh)"><(?:table class="history"|p class="no-history")',
        rule,
    )
    assert tables == ["en", "zh", "en", "zh"]


def test_the_matrix_puts_the_concepts_most_cities_regulate_first(site: Site) -> None:
    """Home rows run from the concept the most cities regulate to those only one has (not
    alphabetically: "only in wuhan" trivia come last)."""
    home = site.pages["index.html"]
    rows = re.findall(r'<tr data-concept="([^"]+)">(.*?)</tr>', home)
    counts = [len(re.findall(r'data-status="(?!absent)', row)) for _, row in rows]
    assert len(rows) == len(egovrules.matrix().rows) > 100
    assert counts == sorted(counts, reverse=True)
    assert counts[0] >= 3 and counts[-1] == 1
    assert [c for c, _ in rows] != sorted(c for c, _ in rows)


_CHROME = re.compile(
    r"<(header|footer|thead|h2|dt|p class=\"crumbs\"|ul class=\"legend\"|button)[ >].*?</\1>",
    re.S,
)


def test_no_chrome_label_is_left_in_english_on_the_chinese_page(site: Site) -> None:
    """Every chrome label has a Chinese form; with the English spans hidden (what the switch
    does), the header, footer, table heads, section heads, crumbs and legend of every page
    hold no English word but the tool's name and the source files' names (the pictures, a
    timeline and a parameter's history, are drawn once per language)."""
    for key, (en, zh) in LABELS.items():
        assert en and zh and en != zh, key
    assert all(re.search(r"[\u4e00-\u9fff]", zh) for k, (_, zh) in LABELS.items() if k != "switch")
    english_words = {w for en, _ in LABELS.values() for w in re.findall(r"[A-Za-z]{4,}", en)}
    for path, html in site.pages.items():
        shown = re.sub(r'<span class="(?:ui )?l" lang="en">[^<]*</span>', "", html)
        shown = re.sub(r'<div class="picture l" lang="en">.*?</div>', "", shown, flags=re.S)
        for region in _CHROME.finditer(shown):
            text = re.sub(r"<[^>]+>", " ", region.group(0))
            text = re.sub(r"\S+\.txt|egovrules", "", text)
            left = set(re.findall(r"[A-Za-z]{4,}", text)) & english_words
            assert not left, f"{path}: {sorted(left)} in {text.strip()[:80]!r}"


def test_served_pages_are_the_exported_pages(site: Site, exported: Path, tmp_path: Path) -> None:
    """A real ``egovrules serve --token-file``: each page, at its path with or without
    ``.html``, is the bytes ``egovrules explore`` wrote, and so is a CSV download; a source
    text is the file; an unknown page is 404 (E720); without the bearer token a page is 401
    (the health checks need none); and the pages are not in the OpenAPI document."""
    token = tmp_path / "token"
    token.write_text("s3cret\n", encoding="utf-8")
    server = start(tmp_path / "serve.log", "--token-file", str(token))
    try:
        with httpx.Client(
            base_url=server.url, headers={"Authorization": "Bearer s3cret"}, timeout=60
        ) as client:
            for url in (
                "/",
                "/index.html",
                "/city/wuhan/article/15",
                "/city/wuhan/article/15.html",
                "/city/tianjin",
                "/concept/website.designated_maintainer",
                "/rule/wuhan.website.police_filing_15_days.html",
            ):
                answer = client.get(url)
                assert answer.status_code == 200, url
                assert answer.headers["content-type"].startswith("text/html")
                assert answer.content == (exported / page_path(url)).read_bytes(), url
            csv = client.get("/downloads/hohhot-vs-wuhan.csv")
            assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
            assert csv.content == (exported / "downloads" / "hohhot-vs-wuhan.csv").read_bytes()
            assert csv.content.startswith("\ufeff".encode()) and "第十四条".encode() in csv.content
            text = client.get("/sources/wuhan.zh.txt")
            assert text.status_code == 200
            assert text.content == (exported / "sources" / "wuhan.zh.txt").read_bytes()
            for missing in ("/city/nowhere", "/sources/wuhan.yaml", "/sources/..%2Fwuhan.yaml"):
                assert client.get(missing).status_code == 404, missing
            assert client.get("/city/nowhere").json()["error"]["code"] == "E720"
            paths = client.get("/openapi.json").json()["paths"]
            assert not [p for p in paths if not p.startswith(("/v1", "/healthz", "/readyz"))]
        assert httpx.get(f"{server.url}/city/wuhan", timeout=30).status_code == 401
        assert httpx.get(f"{server.url}/healthz", timeout=30).status_code == 200
    finally:
        server.stop()


@pytest.fixture()
def wrote(tmp_path: Path) -> Iterator[Path]:
    """A folder that already holds a file."""
    out = tmp_path / "site"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    yield out


def test_explore_refuses_a_folder_that_holds_files(
    wrote: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``egovrules explore --out DIR``: a non-empty DIR is refused (exit 2, E721, the file
    untouched) unless --force; an unknown pack is refused; with --force the site is written
    beside what was there."""
    assert main(["explore", "--out", str(wrote), "--packs", "wuhan"]) == 2
    err = capsys.readouterr().err
    assert "E721" in err and "--force" in err and "Traceback" not in err
    assert sorted(p.name for p in wrote.iterdir()) == ["notes.txt"]
    assert main(["explore", "--out", str(wrote), "--force", "--packs", "nowhere"]) == 2
    assert "no bundled pack 'nowhere'" in capsys.readouterr().err
    assert main(["explore", "--out", str(wrote), "--force", "--packs", "wuhan"]) == 0
    assert (wrote / "index.html").is_file() and (wrote / "notes.txt").read_text() == "mine"
    assert (wrote / "city" / "wuhan" / "article" / "15.html").is_file()
    assert (wrote / "sources" / "wuhan.zh.txt").is_file()
    notes = wrote / "notes.txt"
    assert main(["explore", "--out", str(notes), "--packs", "wuhan"]) == 2
    assert f"{notes} is not a folder" in capsys.readouterr().err


def test_a_folder_that_cannot_be_read_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder the user may not list (review: it ended as exit 3, an internal error) is
    refused as a usage error, before a page is written."""
    out = tmp_path / "site"
    out.mkdir()

    def refuse(self: Path) -> Iterator[Path]:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", refuse)
    with pytest.raises(egovrules.UsageError, match=r"cannot read .*Permission denied"):
        export(Site(pages={"index.html": "<p>x</p>"}, sources={}, downloads={}), out)
    assert not (out / "index.html").exists()


def test_a_translation_is_marked_in_the_readers_language(site: Site) -> None:
    """Wuhan's English quotes are the pack's glosses of the Chinese text: the rule page marks
    one as 译文 on the Chinese page and as translation on the English one (the page switches
    which is shown), and keeps the source's own words in 「」 (第十五条第二款)."""
    page = site.page("rule/wuhan.website.police_filing_15_days.html")
    assert page is not None
    assert "「发布党和政府重要信息以及设立交互式栏目的网站,必须在网络接入之日起15日内" in page
    gloss = '<span class="quote" lang="en"><span class="mark-word" data-for="en" lang="en">'
    assert gloss + "translation: </span>" in page
    assert '<span class="mark-word" data-for="zh" lang="zh">译文:</span>“Websites' in page
    assert "「Websites" not in page


def test_a_parameter_reads_in_the_page_language(site: Site) -> None:
    """A parameter's value in both languages, one shown at a time: Wuhan 第十五条第二款's 15日
    (the English page: 15 calendar days), Shantou 第十六条第二款's 七个工作日 (7个工作日), and an
    approver named in Chinese."""
    wuhan = site.page("rule/wuhan.website.police_filing_15_days.html") or ""
    assert (
        '<span class="l" lang="en">15 calendar days</span><span class="l" lang="zh">15日</span>'
        in wuhan
    )
    assert '<span class="l" lang="zh">市公安部门</span>' in wuhan
    shantou = site.page("rule/shantou.project.approval_within_7_working_days.html") or ""
    assert '<span class="l" lang="zh">7个工作日</span>' in shantou


def test_every_proof_reads_in_chinese_with_its_sides_kept(
    site: Site, packs: list[egovrules.Pack]
) -> None:
    """Each comparison's proof is given in Chinese too, and says the same thing: "every subject
    hohhot finds in violation, wuhan finds in violation too" is 凡呼和浩特认定违反的对象，武汉亦认定
    违反 — the looser city first — never the sides swapped."""
    zh = {p.id: p.model.meta.city.zh for p in packs if p.model is not None}
    pair = re.compile(
        r'<span class="l" lang="en">every subject (\w+) finds in violation, (\w+) finds in '
        r'violation too [^<]*</span><span class="l" lang="zh">凡(\w+?)认定违反的对象，(\w+?)亦认定'
    )
    seen = 0
    for html in site.pages.values():
        assert not re.search(r'<td><span lang="en">(every|neither|the compiled|each side)', html)
        for loose, strict, loose_zh, strict_zh in pair.findall(html):
            assert (zh[loose], zh[strict]) == (loose_zh, strict_zh)
            seen += 1
    assert seen >= 4
