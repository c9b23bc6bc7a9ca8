"""The HTML diff and matrix pages as a person sees them: opened from disk in a real headless
browser (Debian's chromium), the concept rows render, the filters hide rows, and a screenshot
is saved with the test's output. Nothing is served on the network."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import egovrules
from egovrules.diffing.render.html import render_diff_html, render_matrix_html
from egovrules.diffing.render.pdf import HEADLESS_FLAGS

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[Any]:
    """A headless chromium driven by selenium, with a throw-away profile."""
    chromium = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or CHROMIUM)
    driver_path = (
        CHROMEDRIVER if CHROMEDRIVER.exists() else Path(shutil.which("chromedriver") or "")
    )
    if not chromium.is_file() or not driver_path.is_file():
        if os.environ.get("CI"):  # .ci/run installs them: a CI run without them is broken
            pytest.fail("chromium and chromedriver are missing on a CI run (.ci/run installs them)")
        pytest.skip(
            "chromium and chromedriver are not installed (Debian: apt-get install chromium "
            "chromium-driver; .ci/run does this): the browser test of the HTML diff cannot run"
        )
    from selenium import webdriver  # a test extra: its absence is an error, not a skip
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for arg in (
        *HEADLESS_FLAGS,
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(driver_path)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _visible(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return [e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


def test_diff_page_renders_rows_and_filters(browser: Any, tmp_path: Path) -> None:
    """Wuhan vs Hohhot: every concept has a visible row; typing a concept into the filter hides
    the others; choosing a subject kind hides the rows of other kinds; a screenshot is saved."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    result = egovrules.diff("wuhan", "hohhot", max_candidates=60)
    page = tmp_path / "wuhan-vs-hohhot.html"
    page.write_text(render_diff_html(result), encoding="utf-8")
    browser.get(page.as_uri())

    rows = _visible(browser, "tr.concept-row")
    assert len(rows) == len(result.concepts) > 20
    assert "wuhan.website.designated_maintainer" in browser.page_source
    shown = browser.find_element(By.ID, "shown").text
    assert shown == f"{len(result.concepts)} of {len(result.concepts)} concepts shown"
    browser.save_screenshot(str(tmp_path / "diff-all.png"))

    box = browser.find_element(By.ID, "q")
    box.send_keys("designated_maintainer")
    visible = _visible(browser, "tbody.concept")
    assert [e.get_attribute("data-concept") for e in visible] == ["website.designated_maintainer"]
    assert "STRICTER IN WUHAN" in visible[0].text.upper()
    browser.save_screenshot(str(tmp_path / "diff-filtered.png"))

    box.clear()
    box.send_keys(" ")  # clear() sends no input event; a blank query shows everything
    Select(browser.find_element(By.ID, "kind")).select_by_value("network")
    kinds = {e.get_attribute("data-kinds") for e in _visible(browser, "tbody.concept")}
    assert kinds and all("network" in k.split() for k in kinds)
    assert len(_visible(browser, "tr.concept-row")) < len(result.concepts)
    assert (tmp_path / "diff-all.png").stat().st_size > 10_000

    # printed: the filters are hidden
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not browser.find_element(By.CSS_SELECTOR, "nav.filters").is_displayed()


def test_article_text_opens_in_both_languages(browser: Any, tmp_path: Path) -> None:
    """A citation opens to the article in the original language and in English."""
    from selenium.webdriver.common.by import By

    result = egovrules.diff("wuhan", "hohhot", concepts=["website.designated_maintainer"])
    page = tmp_path / "one.html"
    page.write_text(render_diff_html(result), encoding="utf-8")
    browser.get(page.as_uri())
    summary = browser.find_element(By.CSS_SELECTOR, "td.side.a details.cite summary")
    assert "第十四条" in summary.text
    summary.click()
    opened = browser.find_element(By.CSS_SELECTOR, "td.side.a details.cite[open]")
    texts = opened.find_elements(By.CSS_SELECTOR, ".article")
    assert [t.get_attribute("lang") for t in texts] == ["zh", "en"]
    assert "专门机构" in texts[0].text and "specialised body" in texts[1].text
    browser.save_screenshot(str(tmp_path / "diff-article.png"))


def test_matrix_page_is_a_coloured_grid(browser: Any, tmp_path: Path) -> None:
    """The matrix page shows one row per concept with a cell per pack, coloured by status, a
    legend, and a working filter."""
    from selenium.webdriver.common.by import By

    result = egovrules.matrix()
    page = tmp_path / "matrix.html"
    page.write_text(render_matrix_html(result), encoding="utf-8")
    browser.get(page.as_uri())
    rows = _visible(browser, "tr.concept-row")
    assert len(rows) == len(result.rows)
    police = browser.find_element(By.CSS_SELECTOR, 'tr[data-concept="website.police_filing"]')
    cells = police.find_elements(By.CSS_SELECTOR, "td.cell")
    assert [c.get_attribute("class").split()[1] for c in cells] == [
        "absent",
        "absent",
        "absent",
        "present",
    ]
    colours = {c.value_of_css_property("background-color") for c in cells}
    assert len(colours) == 2  # absent and present look different
    assert browser.find_element(By.CSS_SELECTOR, ".legend").is_displayed()
    browser.find_element(By.ID, "q").send_keys("police")
    assert {e.get_attribute("data-concept") for e in _visible(browser, "tr.concept-row")} == {
        "website.police_filing",
        "website.police_filing_authority",
    }
    browser.save_screenshot(str(tmp_path / "matrix.png"))


def test_deadline_pictures_are_in_the_page(browser: Any, tmp_path: Path) -> None:
    """A concept with a deadline shows its timeline (an accessible SVG, English first, Chinese
    behind a toggle) and the history of its parameter; printed, each concept begins a page and
    the filters and the Chinese copy are left out."""
    from selenium.webdriver.common.by import By

    result = egovrules.diff(
        "wuhan",
        "shantou",
        concepts=["website.police_filing", "project.approval_processing_time_limit"],
        witnesses=False,
        pictures=True,
    )
    page = tmp_path / "pictures.html"
    page.write_text(render_diff_html(result), encoding="utf-8")
    browser.get(page.as_uri())
    police = browser.find_element(By.CSS_SELECTOR, 'tbody[data-concept="website.police_filing"]')
    svgs = police.find_elements(By.CSS_SELECTOR, "svg.timeline")
    assert [s.get_attribute("lang") for s in svgs] == ["en", "zh"]
    en, zh = svgs
    assert en.is_displayed() and not zh.is_displayed()
    assert en.get_attribute("role") == "img"
    title = en.find_element(By.CSS_SELECTOR, "title")
    assert en.get_attribute("aria-labelledby").split()[0] == title.get_attribute("id")
    # Wuhan 第十五条 ¶2: "网络接入之日起15日内到市公安部门备案".
    assert "within 15 calendar days of: network access · 第十五条 ¶2" in en.text
    police.find_element(By.CSS_SELECTOR, "figure.pictures details summary").click()
    assert zh.is_displayed() and "联网后15日内" in zh.text
    caption = police.find_element(By.CSS_SELECTOR, "table.history caption")
    assert "police_filing_days" in caption.text and "wuhan.yaml" in caption.text
    browser.save_screenshot(str(tmp_path / "diff-pictures.png"))

    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    second = browser.find_elements(By.CSS_SELECTOR, "tbody.concept")[1]
    assert second.value_of_css_property("break-before") == "page"
    assert not browser.find_element(By.CSS_SELECTOR, "nav.filters").is_displayed()
    assert en.is_displayed() and not zh.is_displayed()
