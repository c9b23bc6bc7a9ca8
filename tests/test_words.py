"""Rules in words (``egovrules.ir.words``) from the field words of
``rules/vocabulary/fields.yaml``: every field a bundled pack reads has its words in both
languages, no sentence shows a field path, a brace or a logical operator, and chosen rules read
as the article they cite says (the expected sentences were written from the law)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

import egovrules
from egovrules.authoring.pages import concepts_page
from egovrules.cli import main
from egovrules.ir.nodes import (
    All,
    AsOf,
    Compare,
    Cond,
    Const,
    DaysBetween,
    Every,
    Extremum,
    Field,
    Len,
    Node,
    Not,
    Param,
    RuleIR,
    Shift,
    Some,
    YearOf,
    children,
    walk,
)
from egovrules.ir.words import condition_words, expr_words, rule_statement, value_words
from egovrules.packdata.phrases import load_phrases
from egovrules.packdata.vocabulary import load_vocabulary
from egovrules.source.errors import PackError
from egovrules.subjects import SUBJECT_MODELS
from egovrules.subjects.paths import FieldType, resolve_path
from egovrules.subjects.website import OnlineService
from tests.conftest import FIXTURES

PACKS = ("hohhot", "shantou", "tianjin", "wuhan")
EXAMPLE = Path(__file__).parents[1] / "examples" / "wuhan" / "website-late-police-filing.yaml"
# The subject kinds whose fields have their words so far.
KINDS = ("department", "network", "project", "website")


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


def _missing(words: Collection[str]) -> list[str]:
    """The fields some bundled rule reads that ``words`` does not name."""
    return sorted({k for r in _rules() for k in _read(r)} - set(words))


def test_every_field_a_pack_reads_has_words_in_both_languages() -> None:
    """A field with no words would show as its path: each is named in en and zh (the loader
    refuses an empty phrase), as a statement for a yes-or-no field, else as a noun."""
    words = load_phrases().fields
    assert _missing(words) == []
    for r in _rules():
        for key in _read(r):
            w = words[key]
            assert (w.affirmative is not None) or (w.noun is not None), key


def test_a_field_left_out_of_the_words_is_found() -> None:
    """The check above can fail: a field a rule reads, taken out of the words, is reported
    (the field of a list's items by its ``[]`` key)."""
    words = set(load_phrases().fields)
    assert _missing(words - {"website.maintainer.kind"}) == ["website.maintainer.kind"]
    assert _missing(words - {"project.reviews[].chaired_by"}) == ["project.reviews[].chaired_by"]


# ASCII word boundaries: a Chinese character next to a path is a boundary too.
_FIELD_PATH = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z_]+\.[a-z_]+\b", re.ASCII)
_HOST = re.compile(r"\bwww(?:\.[a-z]+)+\b", re.ASCII)


def unreadable(text: str, lang: str) -> list[str]:
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
        if (found := unreadable(rule_statement(r, lang), lang))  # type: ignore[arg-type]
    }
    assert bad == {}


def test_the_check_of_unreadable_words_can_fail() -> None:
    assert unreadable("maintainer.kind = agency", "en") == ["maintainer.kind"]
    assert unreadable("网站 owner_type 为 {a}", "zh") == ["owner_type", "{", "}", "owner", "type"]
    assert unreadable("www.wuhan.gov.cn", "zh") == []


# Each case names the words of the article it rests on (``law``), then the sentences.
STATEMENTS = yaml.safe_load((FIXTURES / "words" / "statements.yaml").read_text(encoding="utf-8"))


def test_the_chosen_rules_cover_the_cities_and_the_node_kinds() -> None:
    """At least twelve rules, every city, and among them every kind of node the packs use."""
    chosen = [
        next(r for r in egovrules.load_pack(c["pack"]).rules if r.id == c["rule"])
        for c in STATEMENTS
    ]
    assert len(chosen) >= 12
    assert {c["pack"] for c in STATEMENTS} == set(PACKS)
    kinds = {
        type(n).__name__
        for r in chosen
        for root in (r.when, r.requires)
        if root is not None
        for n in walk(root)
    }
    used = {
        type(n).__name__
        for r in _rules()
        for root in (r.when, r.requires)
        if root is not None
        for n in walk(root)
    }
    assert used - kinds == set()


@pytest.mark.parametrize("case", STATEMENTS, ids=[c["rule"] for c in STATEMENTS])
def test_rules_read_as_the_law(case: dict[str, str]) -> None:
    rule = next(r for r in egovrules.load_pack(case["pack"]).rules if r.id == case["rule"])
    assert rule_statement(rule, "en") == case["en"]
    assert rule_statement(rule, "zh") == case["zh"]


def test_a_department_that_must_act_itself_is_named_as_the_department() -> None:
    """Hohhot Art. 17 ¶1 binds the department itself (「provide, maintain and update the
    government information of the department」): its actor is the department's own name, and
    the open case awaits the department, not "the name of the department"."""
    rule = next(
        r
        for r in egovrules.load_pack("hohhot").rules
        if r.id == "hohhot.department.resource_catalogue_maintained"
    )
    assert rule_statement(rule, "en").endswith("it is not yet broken: it awaits the department.")
    assert rule_statement(rule, "zh").endswith("尚不构成违反，有待部门行事。")


def test_a_negated_condition_reads_naturally() -> None:
    """No "NOT": a negated yes-or-no field takes its negative statement, a negated list "no"."""
    rule = next(r for r in _rules() if r.id == "wuhan.website.online_service_information")
    every = rule.requires
    assert isinstance(every, Every)
    some = Some(every.field, every.item_scope, every.require)
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


def test_values_read_in_each_language_s_style() -> None:
    """Dates as each language writes them, a ratio in per cent, a count of days with its unit,
    an id by its words, a parameter an amendment changed with the day it took effect."""
    assert value_words(dt.date(2004, 8, 1), "en") == "1 August 2004"
    assert value_words(dt.date(2004, 8, 1), "zh") == "2004年8月1日"
    assert value_words("municipal_egov_authority", "zh") == "市电子政务主管部门"
    assert value_words("agency", "en", "website.maintainer.kind") == "a specialised agency"
    ratio = Param("budget_variance_ratio", Decimal("0.1"), "ratio")
    assert expr_words(ratio, "project", "en") == "10 %"
    assert expr_words(ratio, "project", "zh") == "10%"
    days = Param("approval_working_days", 15, "working_days")
    assert expr_words(days, "project", "en") == "15 working days"
    assert expr_words(days, "project", "zh") == "15个工作日"
    amended = Param(
        "d", 10, "calendar_days", ((dt.date(2005, 3, 1), 15), (dt.date(2010, 1, 1), 10))
    )
    assert expr_words(amended, "website", "en") == (
        "10 days from 1 January 2010; 15 days from 1 March 2005; none before 1 March 2005"
    )
    assert expr_words(amended, "website", "zh") == (
        "自2010年1月1日起10日；自2005年3月1日起15日；2005年3月1日前无"
    )


def _choices(model: type[BaseModel], prefix: str) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(key, choices) of every field of fixed values under ``model``, lists' items included."""
    for name in model.model_fields:
        ftype, _ = resolve_path(model, (name,))
        key = f"{prefix}.{name}"
        if ftype.choices:
            yield key, ftype.choices
        if ftype.model is not None:
            yield from _choices(ftype.model, key)
        if ftype.item is not None and ftype.item.model is not None:
            yield from _choices(ftype.item.model, key + "[]")


def test_every_value_of_a_worded_field_has_words() -> None:
    """A witness may hold any value of a field, not only those the rules compare with: each
    choice of a field that has words is named, by the field or among the shared values."""
    phrases = load_phrases()
    missing = [
        (key, c)
        for kind, model in SUBJECT_MODELS.items()
        for key, choices in _choices(model, kind)
        if key in phrases.fields
        for c in choices
        if c not in phrases.fields[key].values and c not in phrases.values
    ]
    assert missing == []


def test_explain_gives_the_rule_in_words_beside_the_expression(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``egovrules explain`` prints the rule in both languages, and still the expression tree
    (for engineers); its JSON has the sentences under ``statement``."""
    args = ["explain", "--as-of", "2026-03-22", str(EXAMPLE), "wuhan.website.police_filing_15_days"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "  in words (en): For a website, where either the site publishes" in out
    assert "  in words (zh): 凡网站，如网站发布党和政府重要信息" in out
    assert "publishes_important_party_gov_info = true OR has_interactive_columns = true" in out
    assert main([*args, "--format", "json"]) == 0
    trace = json.loads(capsys.readouterr().out)
    assert trace["statement"]["zh"].endswith(
        "网站向公安部门备案之日不得晚于网站网络接入之日后15日。自2004年8月1日起施行，以网站网络接入之日为准。"
    )


def _field_type(key: str) -> FieldType:
    """The type of the field a words key names (``kind.path``, list items as ``list[]``)."""
    kind, *steps = key.split(".")
    model: type[BaseModel] = SUBJECT_MODELS[kind]
    ftype: FieldType | None = None
    for step in steps:
        name = step.removesuffix("[]")
        ftype, _ = resolve_path(model, (name,))
        if step.endswith("[]"):
            assert ftype.item is not None and ftype.item.model is not None, key
            model = ftype.item.model
        elif ftype.model is not None:
            model = ftype.model
    assert ftype is not None, key
    return ftype


def test_every_entry_names_a_field_and_fits_its_type() -> None:
    """No stale or misspelt key: each names a field of a subject model (``resolve_path``
    raises for one that does not), a yes-or-no field has statements, any other a noun, a list
    or set the item it holds, and no value is named that the field cannot hold."""
    for key, w in load_phrases().fields.items():
        ftype = _field_type(key)
        if ftype.kind == "bool":
            assert w.affirmative is not None, key
        else:
            assert w.noun is not None, key
        if ftype.kind in ("list", "set"):
            assert w.item is not None, key
        if ftype.choices is not None:
            assert set(w.values) <= set(ftype.choices), key


def _field(kind: str, *path: str, scope: int = 0, model: type[BaseModel] | None = None) -> Field:
    ftype, nullable = resolve_path(model or SUBJECT_MODELS[kind], path)
    return Field(path, scope, ftype, nullable)


ACCESS = _field("website", "network_access_date")
FILED = _field("website", "police_filing", "date")
SERVICES = _field("website", "online_services")
BASIS = _field("website", "basis", scope=1, model=OnlineService)

# Nodes no bundled rule uses (or not in this shape), each with the sentences it must give.
NODES: list[tuple[str, Cond, str, str]] = [
    (
        "website",
        Compare("le", DaysBetween(ACCESS, FILED), Const(15)),
        "the number of days from the day the site was connected to the network to the day of the"
        " site's filing with the public security department is at most 15 days",
        "自网站网络接入之日至网站向公安部门备案之日的天数不超过15日",
    ),
    (
        "website",
        Compare("ge", Len(SERVICES), Const(3)),
        "the number of matters handled online through the site is at least 3",
        "网站网上办理事项的数量不少于3",
    ),
    (
        "website",
        Compare("lt", FILED, Shift(ACCESS, Const(2), "months")),
        "the day of the site's filing with the public security department is before 2 months"
        " after the day the site was connected to the network",
        "网站向公安部门备案之日早于网站网络接入之日后2个月",
    ),
    (
        "website",
        Compare("eq", YearOf(FILED), Const(2024)),
        "the year of the day of the site's filing with the public security department is 2024",
        "网站向公安部门备案之日所在年度为2024",
    ),
    (
        "website",
        Not(Every(SERVICES, 1, None, Compare("eq", BASIS, Const(True)))),
        "there is a matter handled online for which its legal basis for handling is not published",
        "至少有一项网上办理事项，其办理依据未公布",
    ),
    (
        "website",
        Not(
            All(
                (
                    Compare("eq", _field("website", "portal_column"), Const(True)),
                    Compare("eq", _field("website", "links_to_portal"), Const(True)),
                )
            )
        ),
        "either the department has no column on the municipal government portal or the site does"
        " not link to the municipal government portal",
        "部门未在市政府门户网站设栏目，或者网站未与市政府门户网站链接",
    ),
    (
        "website",
        Not(Compare("contains", _field("website", "disclosure_items"), Const("plans"))),
        "the kinds of information the site discloses do not include plans and programmes",
        "网站主动公开的信息类别不包括规划和计划",
    ),
    (
        "website",
        Compare("not_in", _field("website", "maintainer", "kind"), Const(frozenset({"person"}))),
        "the designated maintainer is not a person",
        "指定的运行维护者不是个人",
    ),
    # A comparison with a value not on record is false both ways (ir.interpret), so the
    # negation of "is not" or "is not one of" also holds when the value is not on record.
    (
        "website",
        Not(Compare("ne", _field("website", "maintainer", "kind"), Const("person"))),
        "the designated maintainer is a person, or the designated maintainer is not on record",
        "指定的运行维护者为个人，或者指定的运行维护者没有记录",
    ),
    (
        "website",
        Not(
            Compare("not_in", _field("website", "maintainer", "kind"), Const(frozenset({"person"})))
        ),
        "the designated maintainer is a person, or the designated maintainer is not on record",
        "指定的运行维护者为个人，或者指定的运行维护者没有记录",
    ),
    (
        "website",
        Compare("le", FILED, AsOf()),
        "the day of the site's filing with the public security department is on or before the"
        " date of the check",
        "网站向公安部门备案之日不晚于检查之日",
    ),
    (
        "website",
        Not(Compare("gt", FILED, ACCESS)),
        "the day of the site's filing with the public security department is not after the day"
        " the site was connected to the network",
        "网站向公安部门备案之日并非晚于网站网络接入之日",
    ),
]


@pytest.mark.parametrize(("kind", "cond", "en", "zh"), NODES)
def test_every_node_kind_reads(kind: str, cond: Cond, en: str, zh: str) -> None:
    assert condition_words(cond, kind, "en") == en
    assert condition_words(cond, kind, "zh") == zh


def _keys(model: type[BaseModel], prefix: str) -> Iterator[str]:
    """The words key of every field under ``model`` (a list's item fields as ``list[].f``)."""
    for name in model.model_fields:
        if name in ("kind", "id", "city", "waivers"):  # what a subject is, not what it did
            continue
        ftype, _ = resolve_path(model, (name,))
        key = f"{prefix}.{name}"
        yield key
        if ftype.kind == "list" and ftype.item is not None and ftype.item.model is not None:
            yield from _keys(ftype.item.model, key + "[]")
        elif ftype.model is not None:
            yield from _keys(ftype.model, key)


def test_every_subject_field_has_words() -> None:
    """A pack of one's own may read any field, not only those the bundled packs read."""
    words = load_phrases().fields
    missing = [k for kind, m in SUBJECT_MODELS.items() for k in _keys(m, kind) if k not in words]
    assert missing == []


def test_the_concepts_page_gives_each_city_s_rules_in_words() -> None:
    """``egovrules docs`` writes, under each concept's definition, every city's rule on it in
    words, with the article it cites."""
    packs = [egovrules.load_pack(p) for p in PACKS]
    page = concepts_page(packs, load_vocabulary())
    section = page.split("### website.designated_maintainer")[1].split("\n### ")[0]
    assert "- **wuhan** · `designated_maintainer` · 第十四条第一款: For a website of" in section
    assert "且指定的运行维护者为专门机构或个人。" in section  # Hohhot, 第十五条
