"""The frame of every explorer page: the head with its inline style and script (no network, no
file beside the page), the skip link, the navigation, the language switch and the footer.

The language switch shows one of the two spans each bilingual text is written as (``labels``):
``<html data-ui="zh">`` shows the Chinese ones. The choice is kept in ``localStorage``, rides
on the links to the other pages and can be given in the address (``?lang=en``); without script
the page shows Chinese, the language of the law. Fonts: the CJK faces a government desktop
has (Noto Sans CJK / Source Han Sans on Linux, PingFang on macOS, Microsoft YaHei on Windows).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from egovrules._version import __version__
from egovrules.explorer.labels import ui
from egovrules.explorer.paths import HOME, city_path, href

__all__ = ["DEFAULT_LANGUAGE", "page"]

DEFAULT_LANGUAGE = "zh"

_CSS = """
:root { --ink:#1b2330; --muted:#4d5766; --line:#c9d0da; --bg:#f6f7f9; --card:#fff;
  --link:#0b4f9c; --focus:#d35400; --mark:#ffe58a;
  --absent:#ffffff; --present:#c7d3e3; --stricter:#e8897c; --looser:#7fb2e0; --mixed:#f2c14e; }
* { box-sizing: border-box; }
html[data-ui=en] .l[lang=zh], html[data-ui=zh] .l[lang=en] { display: none; }
html[data-ui=en] [data-for=zh], html[data-ui=zh] [data-for=en] { display: none; }
body { margin: 0; color: var(--ink); background: var(--bg); font: 15px/1.6 system-ui,
  -apple-system, "Segoe UI", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
  "Source Han Sans CN", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei",
  sans-serif; }
a { color: var(--link); }
a:focus-visible, button:focus-visible, summary:focus-visible, [tabindex]:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: #fff; padding: 8px 12px; }
.skip:focus { left: 8px; z-index: 10; }
header.site { background: #1f3350; color: #fff; padding: 10px 20px; display: flex;
  flex-wrap: wrap; gap: 8px 20px; align-items: center; }
header.site a { color: #fff; }
header.site .brand { font-weight: 700; text-decoration: none; }
header.site nav ul { display: flex; flex-wrap: wrap; gap: 4px 14px; list-style: none; margin: 0;
  padding: 0; }
header.site button { margin-left: auto; font: inherit; padding: 3px 12px; border-radius: 4px;
  border: 1px solid #fff; background: #fff; color: #1f3350; cursor: pointer; }
main { padding: 16px 20px 32px; max-width: 84em; }
h1 { font-size: 24px; margin: 6px 0 10px; } h2 { font-size: 19px; margin: 22px 0 8px; }
h3 { font-size: 16px; margin: 14px 0 6px; }
.muted, .crumbs { color: var(--muted); }
.id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
  word-break: break-all; }
table { border-collapse: collapse; background: var(--card); }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
thead th { background: #e9edf2; }
table.heat td.cell { text-align: center; min-width: 7.5em; }
td.cell a { display: block; color: var(--ink); text-decoration: none; }
td.cell a:hover, td.cell a:focus-visible { text-decoration: underline; }
.absent { background: var(--absent); color: var(--muted); } .present { background: var(--present); }
.stricter { background: var(--stricter); } .looser { background: var(--looser); }
.mixed { background: var(--mixed); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; list-style: none; padding: 0; }
.legend li { display: flex; gap: 6px; align-items: center; }
.swatch { display: inline-block; min-width: 2em; text-align: center;
  border: 1px solid var(--line); }
.sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(16em, 1fr)); gap: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px;
  padding: 8px 12px; }
.card h3 { margin-top: 4px; }
.law { background: var(--card); border: 1px solid var(--line); border-radius: 6px;
  padding: 8px 14px; margin: 8px 0; }
.law.translation { border-style: dashed; }
.para { position: relative; padding-left: 2em; }
.para:target, li:target { background: #fff6d5; }
.pnum { position: absolute; left: 0; color: var(--muted); font-size: 12px; }
ol.items { list-style: none; padding-left: 1em; }
mark { background: var(--mark); color: inherit; }
.tag { display: inline-block; font-size: 12px; border: 1px solid var(--line); border-radius: 9px;
  padding: 0 7px; background: #eef1f5; }
details.expr pre { white-space: pre-wrap; background: #eef1f5; padding: 6px; }
ul.plain { padding-left: 1.2em; }
.picture { overflow-x: auto; max-width: 100%; }
.picture svg { display: block; }
table.history caption { text-align: left; color: var(--muted); }
footer { color: var(--muted); padding: 8px 20px 20px; font-size: 13px; }
@media print {
  header.site nav, header.site button, .skip, details.expr { display: none !important; }
  header.site { background: none; color: #000; padding: 0; }
  header.site a { color: #000; }
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  a { color: #000; text-decoration: none; }
  .card, .law, table, .picture { break-inside: avoid; }
  .picture svg { max-width: 100%; height: auto; }
  td, th { border-color: #777; }
  .absent, .present, .stricter, .looser, .mixed { -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
}
"""

_SCRIPT = r"""
(function () {
  var root = document.documentElement, key = "egovrules-explorer-lang", chosen = null;
  function set(lang, keep) {
    root.setAttribute("data-ui", lang);
    root.setAttribute("lang", lang);
    if (keep) { try { localStorage.setItem(key, lang); } catch (e) {} }
  }
  // A chosen language rides on the links to the other pages (?lang=en): the next page need
  // not wait for the storage, which a browser may share between pages late (file://).
  function carry(lang) {
    var links = document.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href"), at = href.search(/[?#]|$/);
      if (/^[a-z]+:/i.test(href) || !/\.html$/.test(href.slice(0, at))) { continue; }
      var hash = href.indexOf("#") >= 0 ? href.slice(href.indexOf("#")) : "";
      links[i].setAttribute("href", href.slice(0, at) + "?lang=" + lang + hash);
    }
  }
  var asked = new URLSearchParams(location.search).get("lang"), kept = null;
  try { kept = localStorage.getItem(key); } catch (e) {}
  if (asked === "en" || asked === "zh") { set(asked, true); chosen = asked; }
  else if (kept === "en" || kept === "zh") { set(kept, false); chosen = kept; }
  document.addEventListener("DOMContentLoaded", function () {
    if (chosen) { carry(chosen); }
    document.getElementById("switch").addEventListener("click", function () {
      chosen = root.getAttribute("data-ui") === "zh" ? "en" : "zh";
      set(chosen, true);
      carry(chosen);
    });
  });
})();
"""


def page(here: str, title: tuple[str, str], body: str, cities: Sequence[tuple[str, str]]) -> str:
    """The whole page at path ``here``: ``title`` (English, Chinese), its ``body``, and the
    ``cities`` the navigation links to (pack id, name as HTML)."""
    links = "".join(
        f'<li><a href="{href(here, city_path(c))}">{name}</a></li>' for c, name in cities
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{DEFAULT_LANGUAGE}" data-ui="{DEFAULT_LANGUAGE}">'
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="egovrules {escape(__version__)}">'
        f"<title>{escape(title[1])} · {escape(title[0])}</title>"
        f"<style>{_CSS}</style><script>{_SCRIPT}</script></head><body>"
        f'<a class="skip" href="#main">{ui("skip")}</a>'
        '<header class="site">'
        f'<a class="brand" href="{href(here, HOME)}">{ui("site")}</a>'
        f'<nav aria-label="site"><ul><li><a href="{href(here, HOME)}">{ui("home")}</a></li>'
        f"{links}</ul></nav>"
        f'<button type="button" id="switch">{ui("switch")}</button>'
        "</header>"
        f'<main id="main" tabindex="-1">{body}</main>'
        f"<footer>{ui('generated')} {escape(__version__)}</footer>"
        "</body></html>\n"
    )
