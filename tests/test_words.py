"""Rules in words (``egovrules.ir.words``) from the field words of
``rules/vocabulary/fields.yaml``: every field a bundled pack reads has its words in both
languages, no sentence shows a field path, a brace or a logical operator, and chosen rules read
as the article they cite says (the expected sentences were written from the law)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import egovrules
from egovrules.ir.nodes import Every, Extremum, Field, Node, RuleIR, Some, children
from egovrules.ir.words import condition_words, rule_statement
from egovrules.packdata.phrases import load_phrases
from egovrules.source.errors import PackError

PACKS = ("hohhot", "shantou", "tianjin", "wuhan")
# The subject kinds whose fields have their words so far.
KINDS = ("website",)


def _rules() -> list[RuleIR]:
    return [r for p in PACKS for r in egovrules.load_pack(p).rules if r.subject in KINDS]


def _fields(node: Node | None, kind: str, scopes: dict[int, str]) -> set[str]:
    """The keys (``kind.path``, a list item's fields ``kind.list[].field``) of every field
    ``node`` reads."""
    if node is None:
        return set()
    if isinstance(node, Field):
        base = scopes[node.scope] if node.scope else kind
        return {".".join((base, *node.path))}
    found: set[str] = set()
    if isinstance(node, (Some, Every, Extremum)):
        found |= _fields(node.field, kind, scopes)
        inner = {**scopes, node.item_scope: ".".join(_fields(node.field, kind, scopes)) + "[]"}
        for child in children(node)[1:]:
            found |= _fields(child, kind, inner)
        return found
    for child in children(node):
        found |= _fields(child, kind, scopes)
    return found


def _read(rule: RuleIR) -> set[str]:
    roots = (rule.when, rule.requires, *(c for c, _ in rule.pending))
    return set().union(*(_fields(r, rule.subject, {}) for r in roots))


def test_every_field_a_pack_reads_has_words_in_both_languages() -> None:
    """A field with no words would show as its path: each is named in en and zh (the loader
    refuses an empty phrase), as a statement for a yes-or-no field, else as a noun."""
    words = load_phrases().fields
    missing = sorted({k for r in _rules() for k in _read(r)} - set(words))
    assert missing == []
    for r in _rules():
        for key in _read(r):
            w = words[key]
            assert (w.affirmative is not None) or (w.noun is not None), key


def test_a_field_left_out_of_the_words_is_found() -> None:
    """The check above can fail: a rule reading a field with no words is reported."""
    rule = next(r for r in _rules() if r.id == "wuhan.website.designated_maintainer")
    assert "website.maintainer.kind" in _read(rule)
    assert "website.maintainer.kind" in load_phrases().fields


# ASCII word boundaries: a Chinese character next to a path is a boundary too.
_FIELD_PATH = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z_]+\.[a-z_]+\b", re.ASCII)
_HOST = re.compile(r"\bwww(?:\.[a-z]+)+\b", re.ASCII)


def _unreadable(text: str, lang: str) -> list[str]:
    """What a lawyer should not meet in a sentence: a field path or an id with underscores, a
    brace, AND/OR, and in Chinese any English word but a host name (a proper name)."""
    bare = _HOST.sub("", text)
    found = _FIELD_PATH.findall(bare)
    found += [t for t in ("{", "}", "$") if t in bare]
    found += re.findall(r"\b(?:AND|OR|NOT)\b", bare, re.ASCII)
    if lang == "zh":
        found += re.findall(r"[A-Za-z]{2,}", bare)
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_rule_reads_like_code(lang: str) -> None:
    bad = {
        r.id: found
        for r in _rules()
        if (found := _unreadable(rule_statement(r, lang), lang))  # type: ignore[arg-type]
    }
    assert bad == {}


def test_the_check_of_unreadable_words_can_fail() -> None:
    assert _unreadable("maintainer.kind = agency", "en") == ["maintainer.kind"]
    assert _unreadable("网站 owner_type 为 {a}", "zh") == ["owner_type", "{", "}", "owner", "type"]
    assert _unreadable("www.wuhan.gov.cn", "zh") == []


def _statement(pack: str, rule_id: str, lang: str) -> str:
    rule = next(r for r in egovrules.load_pack(pack).rules if r.id == rule_id)
    return rule_statement(rule, lang)  # type: ignore[arg-type]


# Each case: the words of the article, then the sentences the rule must read as.
EXPECTED = [
    # Wuhan 第十四条: 政府各部门应指定专门机构负责其网站的运行维护 — a body, not a person.
    (
        "wuhan",
        "wuhan.website.designated_maintainer",
        "For a website of government departments (district people's governments, departments"
        " of the Municipal People's Government, the two development-zone management"
        " committees): it is required that a body or person is designated to operate and"
        " maintain the site and the designated maintainer is a specialised agency."
        " In force from 1 August 2004.",
        "适用于政府各部门(各区人民政府、市人民政府各部门、两个开发区管委会)的网站：须已指定机构或人员"
        "负责网站运行维护，且指定的运行维护者为专门机构。自2004年8月1日起施行。",
    ),
    # Hohhot 第二十二条: 指定专门机构或人员负责网站的运行维护 — a body or a person.
    (
        "hohhot",
        "hohhot.website.designated_maintainer",
        'For a website of the "departments" of Art. 12 (county and urban-area people\'s'
        " governments, commissions and bureaus, development-zone administrative committees):"
        " it is required that a body or person is designated to operate and maintain the site"
        " and the designated maintainer is a specialised agency or a person.",
        "适用于第十二条所称各部门(各县区人民政府、各委办局、各开发区管理委员会)的网站：须已指定机构或"
        "人员负责网站运行维护，且指定的运行维护者为专门机构或个人。",
    ),
    # Wuhan 第十五条 ¶2: 发布党和政府重要信息以及设立交互式栏目的网站 ... 自网络接入之日起
    # 15日内 ... 备案 — either class of site; 15 calendar days from network access.
    (
        "wuhan",
        "wuhan.website.police_filing_15_days",
        "For a website, where either the site publishes important Party and government"
        " information or the site has interactive columns: the day of the site's filing with"
        " the public security department must be no later than 15 days after the day the site"
        " was connected to the network. In force from 1 August 2004.",
        "凡网站，如网站发布党和政府重要信息，或者网站设有交互式栏目：网站向公安部门备案之日不得晚于"
        "网站网络接入之日后15日。自2004年8月1日起施行。",
    ),
]


@pytest.mark.parametrize(("pack", "rule_id", "en", "zh"), EXPECTED)
def test_rules_read_as_the_law(pack: str, rule_id: str, en: str, zh: str) -> None:
    assert _statement(pack, rule_id, "en") == en
    assert _statement(pack, rule_id, "zh") == zh


def test_a_negated_condition_reads_naturally() -> None:
    """No "NOT": a negated yes-or-no field takes its negative statement, a negated list "no"."""
    rule = next(r for r in _rules() if r.id == "wuhan.website.online_service_information")
    every = rule.requires
    assert isinstance(every, Every)
    some = Some(every.field, every.item_scope, every.require)
    from egovrules.ir.nodes import Not

    assert condition_words(Not(some), "website", "en").startswith(
        "there is no matter handled online for which its legal basis for handling is published"
    )
    assert condition_words(Not(some), "website", "zh").startswith(
        "没有任何一项网上办理事项，其办理依据已公布"
    )


def test_a_malformed_words_file_is_refused_with_its_position(tmp_path: Path) -> None:
    bad = tmp_path / "fields.yaml"
    bad.write_text(
        "format: 1\nsubjects: {}\nvalues: {}\nfields:\n"
        "  website.portal_column:\n    affirmative: {en: has a column, zh: ''}\n",
        encoding="utf-8",
    )
    with pytest.raises(PackError) as info:
        load_phrases(bad)
    text = str(info.value)
    assert "E130" in text
    assert "fields.yaml:5:" in text or "fields.yaml:6:" in text
