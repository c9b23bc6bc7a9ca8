"""Witnesses in words (``egovrules.diffing.witness_words``): the subject by the facts the
concept's rules read, then each city's verdict with the articles that reject it, in English
and Chinese, with no field path or id left for a lawyer to decode."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re

import pytest

import egovrules
from egovrules.diffing.model import PackDiff, SideOutcome, Witness
from egovrules.diffing.render import render
from egovrules.diffing.witness_words import witness_words
from tests.test_words import unreadable


@pytest.fixture(scope="module")
def wuhan_hohhot() -> PackDiff:
    return egovrules.diff("wuhan", "hohhot")


@pytest.fixture(scope="module")
def shantou_tianjin() -> PackDiff:
    return egovrules.diff("shantou", "tianjin")


def test_a_site_kept_by_a_person(wuhan_hohhot: PackDiff) -> None:
    """Wuhan 第十四条 (应指定专门机构负责其网站的运行维护) wants a body; Hohhot 第十五条
    (指定专门机构或者人员) accepts a person: the witness says so, not "wuhan fixture ..."."""
    c = wuhan_hohhot.concept("website.designated_maintainer")
    (w,) = c.witnesses
    assert witness_words(w, wuhan_hohhot.a, wuhan_hohhot.b, "en") == (
        "A website where a body or person is designated to operate and maintain the site;"
        " the designated maintainer is a person, checked on 1 March 2026:"
        " Wuhan rejects it (第十四条 ¶1); Hohhot accepts it."
    )
    assert witness_words(w, wuhan_hohhot.a, wuhan_hohhot.b, "zh") == (
        "网站，已指定机构或人员负责网站运行维护；指定的运行维护者为个人，于2026年3月1日检查："
        "武汉不接受（第十四条第1款）；呼和浩特接受。"
    )


def _names_removed(text: str) -> str:
    """Names the subject holds (a reviewer, a host), quoted as written, are not words to
    decode: they are left out of the check."""
    return re.sub(r"“[^”]*”", "", text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_witness_reads_in_words(
    wuhan_hohhot: PackDiff, shantou_tianjin: PackDiff, lang: str
) -> None:
    """Every witness of two diffs that together cover the four cities."""
    bad = {}
    count = 0
    for d in (wuhan_hohhot, shantou_tianjin):
        for c in d.concepts:
            for w in c.witnesses:
                count += 1
                text = witness_words(w, d.a, d.b, lang)  # type: ignore[arg-type]
                if found := unreadable(_names_removed(text), lang):
                    bad[(c.concept, w.description)] = found
    assert count > 20
    assert bad == {}


def test_each_verdict_in_words(wuhan_hohhot: PackDiff) -> None:
    """Not applicable and no rule read as such; two packs of one city are told apart by
    their labels; an article's paragraph and item read as Chinese writes them."""
    w = wuhan_hohhot.concept("website.designated_maintainer").witnesses[0]
    a = dataclasses.replace(wuhan_hohhot.a, label="wuhan@HEAD~1")
    b = dataclasses.replace(wuhan_hohhot.a, label="wuhan")
    rejected = SideOutcome("violated", (), (), ("第十五条 ¶2 item 1",))
    other = dataclasses.replace(w, a=rejected, b=SideOutcome("not_applicable", (), (), ()))
    en = witness_words(other, a, b, "en")
    assert en.endswith(
        ": wuhan@HEAD~1 rejects it (第十五条 ¶2 item 1); wuhan's rules do not apply to it."
    )
    assert witness_words(other, a, b, "zh").endswith(
        "：wuhan@HEAD~1不接受（第十五条第2款第1项）；wuhan的规定不适用。"
    )
    none = dataclasses.replace(w, b=SideOutcome("no_rule", (), (), ()))
    assert witness_words(none, wuhan_hohhot.a, wuhan_hohhot.b, "en").endswith(
        "Hohhot has no rule on it."
    )
    assert witness_words(none, wuhan_hohhot.a, wuhan_hohhot.b, "zh").endswith("呼和浩特无此规定。")


def test_list_items_are_told_item_by_item() -> None:
    """A list the rules read is told item by item, each by its fields (commas inside an item,
    semicolons between items); an empty list as "no ..."."""
    w = Witness(
        rejected_by="a",
        kind="project",
        as_of=dt.date(2026, 3, 1),
        base="test",
        changes=(),
        subject={},
        facts=(
            ("payments", '[{"kind": "balance", "date": "2025-12-18"}]'),
            ("reviews", "[]"),
        ),
        a=SideOutcome("violated", (), (), ("第十一条 ¶1",)),
        b=SideOutcome("satisfied", (), (), ()),
    )
    d = egovrules.diff("hohhot", "wuhan", witnesses=False, concepts=["project.final_accounts"])
    en = witness_words(w, d.a, d.b, "en")
    assert en.startswith(
        "A project where there is a payment for which its kind is the balance and its date is"
        " 18 December 2025; there is no review, checked on"
    )
    zh = witness_words(w, d.a, d.b, "zh")
    assert zh.startswith(
        "项目，有一项拨付，其类别为尾款，且其拨付日期为2025年12月18日；没有任何评审，于"
    )


@pytest.fixture(scope="module")
def maintainer_diff() -> PackDiff:
    return egovrules.diff("wuhan", "hohhot", concepts=["website.designated_maintainer"])


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_the_renderers_tell_the_witness_and_the_rules_in_words(
    maintainer_diff: PackDiff, fmt: str
) -> None:
    """Each renderer gives the witness in both languages instead of where its subject came
    from, each rule's sentence in both languages, and still the expression (for engineers)."""
    out = render(fmt, maintainer_diff)
    flat = " ".join(out.split())
    if fmt == "html":
        flat = html.unescape(flat)
    for words in (
        "Wuhan rejects it (第十四条 ¶1); Hohhot accepts it",
        "武汉不接受（第十四条第1款）；呼和浩特接受",
    ):
        assert words in flat.replace("\n", "")
    assert "the designated maintainer is a specialised agency or a person" in flat
    assert "maintainer.kind in {agency, person}" in flat  # the expression stays
    headline = next(line for line in out.splitlines() if "itness" in line)
    assert "fixture" not in headline


def test_json_adds_the_words_and_keeps_the_description(maintainer_diff: PackDiff) -> None:
    data = json.loads(render("json", maintainer_diff))
    (concept,) = data["concepts"]
    (w,) = concept["witnesses"]
    assert "fixture website_ok" in w["description"]
    assert set(w["words"]) == {"en", "zh"}
    assert w["words"]["en"].endswith("Wuhan rejects it (第十四条 ¶1); Hohhot accepts it.")
    (rule,) = concept["rules_a"]
    assert rule["requires"] == "maintainer.designated = true AND maintainer.kind = agency"
    assert rule["statement"]["zh"].endswith("指定的运行维护者为专门机构。自2004年8月1日起施行。")
