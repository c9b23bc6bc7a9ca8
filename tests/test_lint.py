"""egovrules lint and coverage: quotes tied to the regulation files, every article accounted
for, and the tampering a lint must catch."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

import egovrules
from egovrules.authoring.lint import coverage, lint_pack
from egovrules.cli import main
from egovrules.packdata.normalize import normalize
from egovrules.source.errors import Diagnostic
from tests.conftest import ROOT, SHARED


@pytest.mark.parametrize("name", egovrules.available_packs())
def test_bundled_packs_lint_clean(name: str) -> None:
    """Every bundled pack quotes its regulation faithfully and covers every article."""
    pack = egovrules.load_pack(name)
    assert [d.render() for d in lint_pack(pack)] == []
    assert all(row.rules or row.declaratory for row in coverage(pack))


def test_bundled_sources_are_the_shared_regulations() -> None:
    """rules/sources holds exact copies of the regulation texts the packs quote: each file has
    the sha256 recorded in rules/sources/SHA256SUMS when it was copied from
    shared/regulations, and, where the shared texts lie beside this checkout, is byte for
    byte the same as its original."""
    folder = ROOT / "rules" / "sources"
    recorded = dict(
        reversed(line.split()) for line in (folder / "SHA256SUMS").read_text().splitlines()
    )
    copies = {p.name: p.read_bytes() for p in folder.glob("*.txt")}
    assert sorted(copies) == sorted(recorded)
    for name, data in copies.items():
        assert hashlib.sha256(data).hexdigest() == recorded[name], name
        original = SHARED / "regulations" / name
        if original.exists():
            assert data == original.read_bytes(), name


def test_normalization() -> None:
    """Pinyin artifacts, traditional characters, full-width punctuation and line breaks fold
    away; nothing else changes."""
    assert normalize("網(wǎng)絡接入之日起15日內(nèi)", "zh") == "网络接入之日起15日内"
    assert normalize("市人民政府，公眾（門戶）", "zh") == "市人民政府,公众(门户)"
    assert normalize("within  seven\nworking days", "en") == "within seven working days"
    assert normalize("Article XV's", "en") != normalize("Article 15", "en")


def _tampered(tmp_path: Path, old: str, new: str, times: int = 2) -> Path:
    text = (ROOT / "rules" / "wuhan.yaml").read_text(encoding="utf-8")
    assert text.count(old) >= times, "the change must reach every place it is meant to"
    path = tmp_path / "wuhan.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _lint_tampered(tmp_path: Path, old: str, new: str) -> list[Diagnostic]:
    """Lint the Wuhan pack with ``old`` replaced by ``new`` once."""
    path = _tampered(tmp_path, old, new, times=1)
    return lint_pack(egovrules.load_pack(path), ROOT / "rules" / "sources")


def test_lint_catches_a_quote_changed_with_its_article(tmp_path: Path) -> None:
    """15 days turned into 30 in both the article text and the quote compiles, but lint
    finds that neither is the law's text any more."""
    pack = egovrules.load_pack(_tampered(tmp_path, "15日内", "30日内"))
    codes = sorted({d.code for d in lint_pack(pack, ROOT / "rules" / "sources")})
    assert codes == ["L002", "L003"]
    assert (
        main(["lint", "--sources", str(ROOT / "rules" / "sources"), str(tmp_path / "wuhan.yaml")])
        == 1
    )


def test_lint_rejects_a_quote_of_paragraph_2_cited_as_paragraph_1(tmp_path: Path) -> None:
    """第十五条 has two paragraphs; the police filing (必须在网络接入之日起15日内到市公安部门备案)
    is the second. Cited as paragraph 1 the quote is still in the article and in the file, so
    only a check of the cited place sees it: L003, pointing at the paragraph the words are in."""
    diagnostics = _lint_tampered(
        tmp_path,
        "      article: 15\n      paragraph: 2\n      item: null\n      quote:\n"
        '        zh: "发布党和政府重要信息',
        "      article: 15\n      paragraph: 1\n      item: null\n      quote:\n"
        '        zh: "发布党和政府重要信息',
    )
    assert [d.code for d in diagnostics] == ["L003"]
    assert "wuhan.website.police_filing_15_days: the zh quote is not in article 15 paragraph 1" in (
        diagnostics[0].message
    )
    assert diagnostics[0].hint == "it is in article 15 paragraph 2: cite that place"
    assert diagnostics[0].span is not None and diagnostics[0].span.file.endswith("wuhan.yaml")


def test_lint_rejects_a_quote_of_item_2_cited_as_item_3(tmp_path: Path) -> None:
    """第十条 lists what a department discloses: item (二) is 本部门内设机构及所属机构的地址、
    电话..., item (三) the licensing matters. The contacts quote cited as item 3 is in the
    right article and paragraph but not in the cited item."""
    diagnostics = _lint_tampered(
        tmp_path,
        '      paragraph: 1\n      item: 2\n      quote:\n        zh: "本部门内设机构',
        '      paragraph: 1\n      item: 3\n      quote:\n        zh: "本部门内设机构',
    )
    assert [(d.code, d.hint) for d in diagnostics] == [
        ("L003", "it is in article 10 paragraph 1 item 2: cite that place")
    ]
    assert "not in article 10 paragraph 1 item 3" in diagnostics[0].message


def test_loader_counts_items_as_part_of_their_paragraph(tmp_path: Path) -> None:
    """第十条 is one paragraph (政府各部门应当...公开下列信息) with three items on four lines:
    a citation of its paragraph 3 names no place and does not load (E106), as lint counts."""
    path = _tampered(
        tmp_path,
        '      paragraph: 1\n      item: 2\n      quote:\n        zh: "本部门内设机构',
        '      paragraph: 3\n      item: null\n      quote:\n        zh: "本部门内设机构',
        times=1,
    )
    with pytest.raises(egovrules.PackError) as info:
        egovrules.load_pack(path)
    assert [d.code for d in info.value.diagnostics] == ["E106"]
    assert "article 10 has 1 paragraph(s); there is no paragraph 3" in str(info.value)


def test_lint_accepts_each_item_and_paragraph_where_its_words_are() -> None:
    """The places lint checks against: an article opening with its items has them in
    paragraph 1; a line after the items opens paragraph 2 (Tianjin 第十四条); a stray line
    between items (the Spanish source's ``p>``) stays in the item before it."""
    from egovrules.packdata.places import cited_place, paragraphs

    text = "下列信息：\n（一）甲；\n（二）乙；\np>\n（三）丙。\n各行政机关应当编制目录。"
    assert [len(p.items) for p in paragraphs(text)] == [3, 0]
    assert cited_place(text, 1, 2) == "（二）乙；\np>"
    assert cited_place(text, 1, 3) == "（三）丙。"
    assert cited_place(text, 2, None) == "各行政机关应当编制目录。"
    assert cited_place(text, 1, 4) is None and cited_place(text, 3, None) is None
    assert cited_place("(i) a;\n(ii) b.", 1, 2) == "(ii) b."


def test_lint_flags_a_stale_concept_named_in_a_note(tmp_path: Path) -> None:
    """A note that names a concept the vocabulary no longer has (here the police filing under
    an old id) is L009 at the note, with the id it probably means; rule ids, field paths and
    ``meta.notes`` in notes are not concepts."""
    diagnostics = _lint_tampered(
        tmp_path,
        '      - "The date that matters is the network access date:',
        '      - "Compare website.police_filling, see meta.notes and police_filing.date,'
        " wuhan.website.police_filing_15_days. The date that matters is the network access date:",
    )
    assert [d.code for d in diagnostics] == ["L009"]
    assert "concept 'website.police_filling'" in diagnostics[0].message
    assert diagnostics[0].hint is not None and "website.police_filing" in diagnostics[0].hint


def test_lint_catches_an_uncovered_article(tmp_path: Path) -> None:
    """An article neither cited nor declaratory is reported."""
    diagnostics = _lint_tampered(
        tmp_path,
        'declaratory: "scope clause',
        'notes: [] # "scope clause',
    )
    assert [d.code for d in diagnostics] == ["L005"]
    assert "article 2 (第二条)" in diagnostics[0].message


_POLICE_DAYS = "  police_filing_days:\n    value: 15\n"


def test_lint_warns_of_a_parameter_with_no_value_after_the_pack_is_in_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Wuhan is in force from 2004-08-01; a first version of the police filing period from
    2010-01-01 leaves the rule that reads it comparing with null from 2004-08-01 to
    2009-12-31 (a late filing there is no finding): a warning at the parameter, naming it, the
    two days and the rules (the filing authority's open case reads it too, since Wuhan
    1.3.2)."""
    versions = "  police_filing_days:\n    values: [{from: 2010-01-01, value: 15}]\n"
    path = _tampered(tmp_path, _POLICE_DAYS, versions, times=1)
    pack = egovrules.load_pack(path)
    site = {
        "kind": "website",
        "id": "w",
        "network_access_date": "2005-03-01",
        "has_interactive_columns": True,
    }
    rule = "wuhan.website.police_filing_15_days"
    assert rule not in {v.rule_id for v in pack.check(site, as_of=dt.date(2006, 1, 1)).violations}
    (d,) = lint_pack(pack, ROOT / "rules" / "sources")
    assert (d.code, d.level) == ("L010", "warning")
    assert d.message.startswith(
        "parameter $police_filing_days has no value before its first version, from 2010-01-01, "
        "and the pack is in force from 2004-08-01: before 2010-01-01 rule(s) "
        f"{rule}, wuhan.website.police_filing_authority read it as null"
    )
    line = path.read_text(encoding="utf-8").splitlines().index("  police_filing_days:") + 1
    assert str(d.span) == f"{path}:{line}:3"
    assert d.render().startswith(f"{path}:{line}:3: warning[L010]: parameter $police_filing_days")
    assert d.hint is not None and "a version from 2004-08-01" in d.hint
    assert main(["lint", str(path)]) == 1
    assert "1 finding(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "versions",
    [
        # the first version on the day the pack comes into force: a value every day
        "[{from: 2004-08-01, value: 15}, {from: 2010-01-01, value: 10}]",
        # or before it
        "[{from: 2001-01-01, value: 15}, {from: 2010-01-01, value: 10}]",
    ],
)
def test_lint_is_silent_on_a_parameter_valued_from_the_day_the_pack_is_in_force(
    tmp_path: Path, versions: str
) -> None:
    """An amendment written as a later version of a parameter valued since the pack came into
    force is no finding."""
    path = _tampered(
        tmp_path, _POLICE_DAYS, f"  police_filing_days:\n    values: {versions}\n", times=1
    )
    assert lint_pack(egovrules.load_pack(path), ROOT / "rules" / "sources") == []


def test_lint_warns_when_the_pack_has_no_effective_date(tmp_path: Path) -> None:
    """Tianjin gives no meta.effective, so its rules apply on any day: any first version
    leaves the days before it without a value."""
    text = (ROOT / "rules" / "tianjin.yaml").read_text(encoding="utf-8")
    old = "  confidential_network:\n    value: intranet\n"
    assert text.count(old) == 1 and "  effective: null\n" in text
    new = "  confidential_network:\n    values: [{from: 2001-01-01, value: intranet}]\n"
    path = tmp_path / "tianjin.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    (d,) = lint_pack(egovrules.load_pack(path), ROOT / "rules" / "sources")
    assert d.code == "L010" and d.message.startswith(
        "parameter $confidential_network has no value before its first version, from "
        "2001-01-01, and the pack gives no effective date (meta.effective), so its rules apply "
        "on any day: before 2001-01-01 rule(s) tianjin.network.confidential_on_intranet"
    )


def test_coverage_command(capsys: pytest.CaptureFixture[str]) -> None:
    """egovrules coverage prints every article with its rules or reason."""
    assert main(["coverage", "wuhan"]) == 0
    out = capsys.readouterr().out
    assert "  15  第十五条" in out and "wuhan.website.police_filing_15_days" in out
    assert "declaratory: " in out
    last = out.strip().splitlines()[-1]
    assert last == "wuhan: 24 articles, 19 cited, 5 declaratory, 0 not covered"


def test_generated_pages_are_current() -> None:
    """docs/cities/*.md and docs/concepts.md are what `egovrules docs` generates."""
    assert main(["docs", "--check", "--out", str(ROOT / "docs")]) == 0


def test_docs_check_fails_on_a_stale_page(tmp_path: Path) -> None:
    """--check reports a page that differs, and writes nothing."""
    assert main(["docs", "--out", str(tmp_path)]) == 0
    page = tmp_path / "cities" / "wuhan.md"
    page.write_text(page.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    assert main(["docs", "--check", "--out", str(tmp_path)]) == 1
    assert page.read_text(encoding="utf-8").endswith("edited\n")


def test_vocabulary_defines_exactly_the_concepts_in_use() -> None:
    """Every concept a rule uses is defined (in English and Chinese), and none is unused."""
    from egovrules.packdata.vocabulary import load_vocabulary

    vocabulary = load_vocabulary().concepts
    used = {r.concept for n in egovrules.available_packs() for r in egovrules.load_pack(n).rules}
    assert set(vocabulary) == used
    for concept in vocabulary.values():
        assert concept.title.en and concept.title.zh
        assert concept.definition.en and concept.definition.zh


def test_lint_reports_a_concept_outside_the_vocabulary(tmp_path: Path) -> None:
    """A misspelt concept is a finding with a did-you-mean."""
    path = _tampered(
        tmp_path, "concept: website.police_filing\n", "concept: website.police_filling\n", times=1
    )
    (d,) = lint_pack(egovrules.load_pack(path), ROOT / "rules" / "sources")
    assert d.code == "L006" and d.hint == "did you mean 'website.police_filing'?"


def test_a_pack_file_is_linted_against_the_sources_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fifth city's author keeps its texts beside its pack, as rules/sources is beside the
    bundled packs: `egovrules lint five/pack.yaml` reads five/sources/ (it read the bundled
    folder, where a new city's texts are not: L001). Without such a folder, the bundled one."""
    five = tmp_path / "five"
    five.mkdir()
    (five / "tianjin.yaml").write_text(
        (ROOT / "rules" / "tianjin.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert main(["lint", str(five / "tianjin.yaml")]) == 0  # the bundled texts
    (five / "sources").mkdir()
    for name in ("tianjin.en.txt", "tianjin.es.txt"):
        text = (ROOT / "rules" / "sources" / name).read_text(encoding="utf-8")
        (five / "sources" / name).write_text(text.replace("e-government", "e-gov"), "utf-8")
    capsys.readouterr()
    assert main(["lint", str(five / "tianjin.yaml")]) == 1  # the texts beside it, changed
    assert "L00" in capsys.readouterr().out
