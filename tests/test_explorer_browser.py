"""The law explorer as a person uses it, in a real headless Chromium (the browser and flags of
tests/test_diff_html.py): exported and opened from file://, and served by ``egovrules serve`` on
a loopback port. A lawyer clicks from the matrix to a concept, to an article, back to a rule,
switches the language; the keyboard reaches the skip link first; printing hides the chrome;
axe-core finds no serious or critical accessibility violation. Screenshots of the main pages
are saved under $EGOVRULES_ARTIFACTS (default: the test's tmp dir).

axe-core comes from the npm registry at test time (.ci/run installs it into .npm-test/, or
$EGOVRULES_AXE_JS names its axe.min.js): never a copy in the repository.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import egovrules
from egovrules.explorer import build, export
from tests.serving import start
from tests.test_diff_html import browser  # noqa: F401 - the one headless chromium fixture

ROOT = Path(__file__).resolve().parents[1]
AXE = Path(
    os.environ.get("EGOVRULES_AXE_JS")
    or ROOT / ".npm-test" / "node_modules" / "axe-core" / "axe.min.js"
)
CONCEPT = "website.designated_maintainer"


@pytest.fixture()
def artifacts(tmp_path: Path) -> Path:
    """Where the screenshots go."""
    out = Path(os.environ.get("EGOVRULES_ARTIFACTS") or tmp_path) / "explorer"
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The explorer of the bundled packs, exported."""
    out = tmp_path_factory.mktemp("explorer-site")
    export(build([egovrules.load_pack(p) for p in egovrules.available_packs()]), out)
    return out


def _axe(driver: Any) -> list[dict[str, Any]]:
    """The serious and critical violations axe-core finds in the page."""
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core is missing on a CI run ({AXE}; .ci/run installs it)")
        pytest.skip(f"axe-core is not installed ({AXE}): npm install --prefix .npm-test axe-core")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(done, e => done({error: String(e)}));"
    )
    assert "error" not in result, result
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _shown(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return [e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


def test_a_lawyer_walks_the_exported_site(
    browser: Any,  # noqa: F811 - the fixture imported above
    site_dir: Path,
    artifacts: Path,
) -> None:
    """From file://: the matrix (Chinese first), a click to a concept with four cities side
    by side, a click on Wuhan's citation to 第十四条 with the quoted words marked, a click back
    to the rule, the switch to English (kept on the next page), the skip link first under
    the keyboard, print without the chrome, and no serious accessibility violation."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get((site_dir / "index.html").as_uri())
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh"
    h1 = browser.find_element(By.TAG_NAME, "h1")
    assert h1.text == "法规浏览：四市电子政务规定"
    fonts = h1.value_of_css_property("font-family")
    assert all(f in fonts for f in ("Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei"))
    rows = _shown(browser, "table.heat tbody tr")
    assert len(rows) > 100
    first = rows[0].find_elements(By.CSS_SELECTOR, "td.cell")
    assert sum(c.get_attribute("data-status") != "absent" for c in first) >= 3
    colours = {
        c.value_of_css_property("background-color")
        for r in rows[:12]
        for c in r.find_elements(By.CSS_SELECTOR, "td.cell")
    }
    assert len(colours) >= 4  # a heat map: the statuses look different
    assert _axe(browser) == []
    browser.save_screenshot(str(artifacts / "home-zh.png"))

    # keyboard: the first Tab reaches the skip link, which shows itself
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("class") == "skip" and focused.is_displayed()
    assert focused.text == "跳到正文"
    assert focused.value_of_css_property("outline-style") == "solid"  # the focus is visible
    focused.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"

    browser.find_element(By.CSS_SELECTOR, f'tr[data-concept="{CONCEPT}"] th a').click()
    assert browser.current_url.endswith(f"concept/{CONCEPT}.html")
    assert browser.find_element(By.TAG_NAME, "h1").text == "指定网站运行维护机构或人员"
    assert len(_shown(browser, ".sides section.card")) == 4
    pairs = [r.text for r in _shown(browser, "table tbody tr")]
    looser = [t for t in pairs if t.startswith("呼和浩特 经证明宽于 武汉")]
    assert looser and "指定的运行维护者为个人" in looser[0], pairs  # the witness, in words
    assert "呼和浩特接受；武汉不接受（第十四条第1款）" in looser[0]
    wuhan = browser.find_element(By.ID, "city-wuhan")
    assert "指定的运行维护者为专门机构" in wuhan.text  # the rule in words, not its expression
    assert "maintainer.kind" not in wuhan.text
    assert "武汉" in wuhan.text
    assert _axe(browser) == []
    browser.save_screenshot(str(artifacts / "concept-zh.png"))

    wuhan.find_element(By.CSS_SELECTOR, "a.cite").click()
    assert browser.current_url.endswith("city/wuhan/article/14.html#para-1")
    marks = _shown(browser, "#para-1 mark")
    assert any("专门机构" in m.text for m in marks)
    translation = browser.find_element(By.CSS_SELECTOR, "section.translation")
    assert "译文" in translation.text and translation.get_attribute("lang") == "en"
    assert _axe(browser) == []
    browser.save_screenshot(str(artifacts / "article-zh.png"))

    browser.find_element(By.CSS_SELECTOR, "#cited-by + ul a").click()
    assert "/rule/wuhan.website." in browser.current_url
    assert _shown(browser, "table")  # parameters, tests, the other cities
    browser.find_element(By.ID, "switch").click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.find_element(By.CSS_SELECTOR, "nav a").text == "Matrix"
    assert "Other cities on this concept" in browser.find_element(By.TAG_NAME, "main").text
    assert "对照总表" not in browser.find_element(By.TAG_NAME, "header").text
    assert _axe(browser) == []
    browser.save_screenshot(str(artifacts / "rule-en.png"))

    home = browser.find_element(By.CSS_SELECTOR, "nav a")
    assert home.get_attribute("href").endswith("index.html?lang=en")  # the choice rides along
    home.click()  # the language is kept
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Law explorer")
    browser.save_screenshot(str(artifacts / "home-en.png"))

    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not browser.find_element(By.CSS_SELECTOR, "header nav").is_displayed()
    assert not browser.find_element(By.ID, "switch").is_displayed()
    assert (artifacts / "home-zh.png").stat().st_size > 10_000


def test_the_served_explorer_answers_a_pasted_link(
    browser: Any,  # noqa: F811 - the fixture imported above
    artifacts: Path,
    tmp_path: Path,
) -> None:
    """``egovrules serve``: the link a lawyer pastes in a memo, /city/wuhan/article/15#para-2,
    opens the article at paragraph 2 with the 15-day filing duty marked; its relative links
    work from the served path (to the rule, with each parameter's history, and from there to
    the home page); the concept's deadline timeline is drawn; a city lists its articles by
    their real numbers; axe finds nothing serious on any of them."""
    from selenium.webdriver.common.by import By

    server = start(tmp_path / "serve.log")
    try:
        browser.get(f"{server.url}/city/wuhan/article/15#para-2")
        target = browser.execute_script("return document.querySelector(':target').id")
        assert target == "para-2"
        marked = " ".join(m.text for m in _shown(browser, "#para-2 mark"))
        assert "15日内到市公安部门备案" in marked
        assert _axe(browser) == []
        browser.save_screenshot(str(artifacts / "served-article.png"))
        link = browser.find_element(
            By.CSS_SELECTOR, '#cited-by + ul a[href$="police_filing_15_days.html"]'
        )
        link.click()
        assert browser.current_url == f"{server.url}/rule/wuhan.website.police_filing_15_days.html"
        assert "15" in browser.find_element(By.CSS_SELECTOR, "table").text
        history = _shown(browser, ".picture")  # a parameter's history, one per parameter
        assert [h.get_attribute("lang") for h in history] == ["zh", "zh"]
        assert all("police_filing" in h.text for h in history)
        assert _axe(browser) == []
        browser.save_screenshot(str(artifacts / "served-rule.png"))
        browser.get(f"{server.url}/concept/website.police_filing")
        (timeline,) = _shown(browser, ".picture svg")  # the Chinese one
        assert timeline.get_attribute("lang") == "zh" and "15" in timeline.text
        assert _axe(browser) == []
        browser.save_screenshot(str(artifacts / "served-concept-timeline.png"))
        browser.get(f"{server.url}/city/tianjin")  # articles in order, by their real numbers
        article = browser.find_element(By.ID, "article-10")
        assert article.text.startswith("第十条 (Tenth)")
        assert _axe(browser) == []
        browser.save_screenshot(str(artifacts / "served-city.png"))
        browser.find_element(By.CSS_SELECTOR, "header a.brand").click()
        assert browser.current_url == f"{server.url}/index.html"
        assert len(_shown(browser, "table.heat tbody tr")) > 100
    finally:
        server.stop()
