"""``egovrules diff`` and ``egovrules matrix`` as people and scripts use them: formats, exit
codes, stable JSON, 80-column text, packs at git revisions, and usage errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from egovrules.cli import main
from egovrules.diffing.render.words import width
from tests.conftest import FIXTURES, ROOT

CONCEPTS = [
    "--concept",
    "website.designated_maintainer",
    "--concept",
    "website.police_filing",
    "--concept",
    "project.acceptance_before_payment",
]


def test_text_fits_80_columns(capsys: pytest.CaptureFixture[str]) -> None:
    """The whole Wuhan–Hohhot diff, Chinese quotes included, fits an 80-column terminal; it
    exits 1 because the packs differ."""
    assert main(["diff", "wuhan", "hohhot", "--max-candidates", "50"]) == 1
    out = capsys.readouterr().out
    too_wide = [line for line in out.splitlines() if width(line) > 80]
    assert not too_wide
    assert "website.designated_maintainer" in out and "STRICTER IN wuhan" in out
    assert "第十四条 ¶1" in out and "maintainer.kind = person" in out


def test_json_is_stable_and_documented(capsys: pytest.CaptureFixture[str]) -> None:
    """Two runs give the same bytes; keys are sorted; the documented fields are there."""
    assert main(["diff", "wuhan", "hohhot", "--format", "json", *CONCEPTS]) == 1
    first = capsys.readouterr().out
    assert main(["diff", "wuhan", "hohhot", "--format", "json", *CONCEPTS]) == 1
    assert capsys.readouterr().out == first
    data = json.loads(first)
    assert first == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert data["format"] == "egovrules-diff/1"
    assert (data["a"]["label"], data["b"]["label"]) == ("wuhan", "hohhot")
    assert [c["concept"] for c in data["concepts"]] == sorted(
        [
            "website.designated_maintainer",
            "website.police_filing",
            "project.acceptance_before_payment",
        ]
    )
    maintainer = next(
        c for c in data["concepts"] if c["concept"] == "website.designated_maintainer"
    )
    assert maintainer["verdict"] == "stricter_in_a" and maintainer["presence"] == "both"
    (witness,) = maintainer["witnesses"]
    assert witness["rejected_by"] == "a" and witness["subject"]["maintainer"]["kind"] == "person"
    assert witness["a"]["outcome"] == "violated" and witness["b"]["outcome"] == "satisfied"
    cite = maintainer["rules_a"][0]["citations"][0]
    assert cite["label"] == "第十四条" and "专门机构" in cite["quotes"]["zh"]
    assert set(cite["article_texts"]) == {"zh", "en"}
    assert data["summary"]["stricter_in_a"] == 1 and data["summary"]["only_a"] == 1


def test_markdown_and_html_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--out writes the document; HTML is one file with no external resource."""
    md = tmp_path / "diff.md"
    assert main(["diff", "shantou", "wuhan", "--format", "markdown", "--out", str(md)]) == 1
    text = md.read_text("utf-8")
    assert text.startswith("# shantou vs wuhan") and "## In both" in text
    assert "### `website.designated_maintainer`" in text
    html = tmp_path / "diff.html"
    assert (
        main(["diff", "shantou", "wuhan", "--format", "html", "--out", str(html), *CONCEPTS]) == 1
    )
    page = html.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script>" in page and "<style>" in page
    for external in ('src="http', 'href="http', "<link", "@import", "cdn"):
        assert external not in page
    assert f"wrote {html}" in capsys.readouterr().err


def test_html_escapes_pack_text(tmp_path: Path) -> None:
    """Text from a pack (here an article text carrying markup) cannot inject markup."""
    text = (FIXTURES / "packs" / "mini.yaml").read_text("utf-8")
    marked = text.replace(
        "approval shall be sought again.",
        "approval shall be sought again <script>alert(1)</script>.",
    )
    assert marked != text
    pack = tmp_path / "mini.yaml"
    pack.write_text(marked, encoding="utf-8")
    out = tmp_path / "mini.html"
    main(["matrix", str(pack), "--format", "html", "--out", str(out)])
    page = out.read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_filters_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    """--kind and --concept narrow the diff; an unknown concept, kind or pack exits 2 with a
    message and no traceback."""
    assert main(["diff", "wuhan", "hohhot", "--kind", "network", "--no-witnesses"]) == 1
    out = capsys.readouterr().out
    assert "network.separate_internet_egress" in out and "website." not in out
    assert main(["diff", "wuhan", "hohhot", "--concept", "website.police_filling"]) == 2
    err = capsys.readouterr().err
    assert "no concept matches" in err and "did you mean" in err and "Traceback" not in err
    assert main(["diff", "wuhan", "atlantis"]) == 2
    assert "no bundled pack 'atlantis'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["diff", "wuhan", "hohhot", "--kind", "building"])
    assert exc.value.code == 2


def test_same_pack_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    """No difference, exit 0."""
    assert main(["diff", "tianjin", "tianjin", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["same"] == data["summary"]["concepts"] > 0


needs_git = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(),
    reason="git and a git checkout are needed to read a pack at a revision",
)


@needs_git
def test_pack_at_head(capsys: pytest.CaptureFixture[str]) -> None:
    """``wuhan@HEAD`` reads the committed Wuhan pack through git and diffs it."""
    code = main(["diff", "wuhan@HEAD", "wuhan", "--format", "json", "--no-witnesses"])
    assert code in (0, 1)  # 1 only if someone has uncommitted changes to rules/wuhan.yaml
    data = json.loads(capsys.readouterr().out)
    assert data["a"]["label"] == "wuhan@HEAD" and data["a"]["id"] == "wuhan"
    assert data["summary"]["concepts"] > 40


@needs_git
def test_unknown_revision_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A revision git does not know exits 2 with the reason, never a traceback."""
    assert main(["diff", "wuhan@no-such-revision-3f9c", "hohhot"]) == 2
    err = capsys.readouterr().err
    assert "cannot read wuhan.yaml at revision 'no-such-revision-3f9c'" in err
    assert "Traceback" not in err
    assert main(["diff", "wuhan@-p", "hohhot"]) == 2  # never passed to git as an option


def test_matrix_formats(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The matrix in text (80 columns, a legend and the cells' articles), JSON and HTML."""
    assert main(["matrix"]) == 0
    out = capsys.readouterr().out
    assert all(width(line) <= 80 for line in out.splitlines())
    police = next(line for line in out.splitlines() if line.startswith("website.police_filing "))
    assert police.split()[1:] == ["·", "·", "·", "●"]
    assert "▲ stricter" in out and "● wuhan: 15 calendar days" in out
    assert main(["matrix", "wuhan", "hohhot", "--format", "json", "--concept", "website"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "egovrules-matrix/1"
    assert [p["label"] for p in data["packs"]] == ["wuhan", "hohhot"]
    assert all(r["concept"].startswith("website.") for r in data["rows"])
    page = tmp_path / "m.html"
    assert main(["matrix", "--format", "html", "--out", str(page)]) == 0
    assert 'class="legend"' in page.read_text("utf-8")
