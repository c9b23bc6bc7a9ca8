"""What is shown as law is law: a quote in a source language (``meta.sources``) is the law's own
words and is shown in 「」; a quote in any other language is the pack's translation and every
output marks it as one (译文 / translation), never in 「」."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import egovrules
from egovrules.authoring.pages import city_page
from egovrules.cli import main
from egovrules.diffing.render.html import render_diff_html
from tests.conftest import ROOT

HOHHOT = str(ROOT / "examples" / "hohhot" / "network-access-filed-not-approved.yaml")
WUHAN = str(ROOT / "examples" / "wuhan" / "website-late-police-filing.yaml")
TIANJIN = str(ROOT / "examples" / "tianjin" / "website-catalogue-not-on-portal.yaml")
# Hohhot Art. 20: the pack's Chinese is its own translation of the English source.
HOHHOT_ZH = "单独接入互联网的单位应当向市信息化主管部门提出申请，经批准后方可接入"
HOHHOT_EN = "the unit that accesses the Internet alone should apply"
# Wuhan 第十五条 ¶2: the English is a gloss of the Chinese text.
WUHAN_ZH = "发布党和政府重要信息以及设立交互式栏目的网站"
WUHAN_EN = "Websites that publish important Party and government information"


def _run(capsys: pytest.CaptureFixture[str], city: str, path: str, *options: str) -> str:
    main(["check", "--city", city, "--as-of", "2026-03-22", *options, path])
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("run", "marked", "translated", "source"),
    [
        # Hohhot in Chinese: the Chinese is 译文, the English source is in 「」.
        (("hohhot", HOHHOT, "zh"), f"译文:“{HOHHOT_ZH}”", HOHHOT_ZH, HOHHOT_EN),
        # Wuhan in English: the English gloss is a translation, the Chinese is in 「」.
        (("wuhan", WUHAN, "en"), f"translation: “{WUHAN_EN}", WUHAN_EN, WUHAN_ZH),
    ],
)
def test_text_marks_the_translation_and_quotes_the_source(
    capsys: pytest.CaptureFixture[str],
    run: tuple[str, str, str],
    marked: str,
    translated: str,
    source: str,
) -> None:
    """``check --lang`` in the pack's translated language marks the quote in that language as
    a translation and shows the source's own words in 「」."""
    city, path, lang = run
    out = _run(capsys, city, path, "--lang", lang)
    assert marked in out
    assert f"「{translated}" not in out
    assert f"「{source}" in out


@pytest.mark.parametrize(
    ("city", "path", "sources", "translations"),
    [
        ("hohhot", HOHHOT, ["en"], ["zh"]),
        ("wuhan", WUHAN, ["zh"], ["en"]),
        ("tianjin", TIANJIN, ["en", "es"], ["zh"]),
    ],
)
def test_json_says_which_quotes_are_translations(
    capsys: pytest.CaptureFixture[str],
    city: str,
    path: str,
    sources: list[str],
    translations: list[str],
) -> None:
    """Each JSON citation lists its source languages and the languages that are translations."""
    (report,) = json.loads(_run(capsys, city, path, "--format", "json"))["reports"]
    citation = report["violations"][0]["citation"]
    assert citation["source_languages"] == sources
    assert sorted(citation["translations"]) == translations


@pytest.mark.parametrize("fmt", ["sarif", "junit", "markdown"])
def test_ci_formats_mark_wuhans_english_as_a_translation(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """SARIF, JUnit and Markdown show the Chinese as the law and mark the English gloss."""
    out = _run(capsys, "wuhan", WUHAN, "--format", fmt)
    assert "translation: “" + WUHAN_EN in out
    assert f"「{WUHAN_EN}" not in out and f'"{WUHAN_EN}' not in out


def test_diff_marks_the_english_of_a_chinese_text(capsys: pytest.CaptureFixture[str]) -> None:
    """The diff's text shows Wuhan's English quotes as translations, Hohhot's as the source."""
    main(["diff", "wuhan", "hohhot", "--format", "text"])
    out = capsys.readouterr().out
    assert "translation: “" in out
    assert "「the unit that accesses the Internet alone" in out


def test_diff_html_marks_translated_quotes() -> None:
    """In the HTML diff a translated quote is labelled (translation), a source quote is not."""
    page = render_diff_html(egovrules.diff("wuhan", "hohhot"))
    assert '<div class="quote translation" lang="zh">' in page
    assert '<div class="quote translation" lang="en">' in page
    assert "(translation): <q>" in page


def test_city_page_marks_translations() -> None:
    """docs/cities: Hohhot's Chinese quotes are marked as translations, its English is in 「」."""
    page = city_page(egovrules.load_pack("hohhot"))
    assert f"- zh: translation: “{HOHHOT_ZH}" in page
    assert f"- en: 「{HOHHOT_EN}" in page


def test_tianjin_disclosure_rules_quote_the_whole_chapeau_and_say_the_reading() -> None:
    """Tianjin Art. 14 ¶1's chapeau says the organ 'thinks should be disclosed voluntarily' (es
    'creen que debe divulgarse por iniciativa propia'): the nine disclosure rules quote it whole,
    qualifier included (not cut to 'should be disclosed'), and their message gives the words as
    the sources have them and the pack's mandatory reading of them."""
    pack = egovrules.load_pack("tianjin")
    rules = [r for r in pack.rules if r.id.startswith("tianjin.website.disclose_")]
    assert len(rules) == 9
    site = {"kind": "website", "id": "s", "owner_type": "municipal_department"}
    report = pack.check(site, as_of=dt.date(2026, 3, 22))
    messages = {v.rule_id: v for v in report.violations}
    for rule in rules:
        quotes = [text for c in rule.citations for _, text in c.quotes]
        assert (
            "the following information belongs to the government information that the "
            "administrative organ thinks should be disclosed voluntarily" in quotes
        ), rule.id
        assert (
            "La siguiente información es información gubernamental que las agencias "
            "administrativas creen que debe divulgarse por iniciativa propia" in quotes
        ), rule.id
        message = messages[rule.id].message
        assert "'creen que debe divulgarse por iniciativa propia'" in message, rule.id
        assert "thinks should be disclosed voluntarily" in message, rule.id
        assert "must disclose on its own initiative" in message, rule.id
        assert "应当主动公开" in messages[rule.id].message_in("zh")


def test_wuhan_preliminary_review_is_undergone_not_passed() -> None:
    """Wuhan 第四条: 未经…初审 is 'has not undergone' the preliminary review, not 'has not
    passed' it (the rule checks that the review took place, not its result)."""
    rule = next(
        r
        for r in egovrules.load_pack("wuhan").rules
        if r.id == "wuhan.project.preliminary_review_before_construction"
    )
    (cite,) = rule.citations
    assert cite.is_source("zh") and not cite.is_source("en")
    assert "未经市信息产业部门初审" in cite.quote
    english = cite.quote_in("en") or ""
    assert "has not undergone the preliminary review" in english
    assert "passed" not in english


def test_explain_quotes_the_source_marks_the_translation_and_says_whom_the_rule_binds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``egovrules explain`` shows Wuhan 第九条 in 「」, its English marked as a translation, and
    the scope: 政府各部门, with the words of 第九条 that name them."""
    rule = "wuhan.website.portal_column_and_link"
    main(["explain", "--city", "wuhan", "--as-of", "2026-03-22", WUHAN, rule])
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "  「应当在其网站设立专门栏目,并与市人民政府公众门户网站链接」"
    assert lines[2].startswith("  translation: “shall set up a special column")
    assert lines[3].startswith("  binds: government departments")
    assert "(以下称政府各部门)」" in lines[3]


@pytest.mark.parametrize(("city", "translated"), [("wuhan", True), ("hohhot", False)])
def test_audit_rows_say_whether_the_english_is_a_translation(city: str, translated: bool) -> None:
    """The audit's violation table marks Wuhan's English quote as a translation (its source is
    Chinese) and Hohhot's as the source's words."""
    site = {"kind": "website", "id": "w", "owner_type": "municipal_department"}
    rows = egovrules.audit(city, [site], as_of=dt.date(2026, 3, 22)).to_pylist()
    assert rows
    assert {r["quote_en_translated"] for r in rows} == {translated}
