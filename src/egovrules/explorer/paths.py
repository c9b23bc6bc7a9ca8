"""Where each page of the explorer lives, and how one page links to another.

A page's path is a file path in the exported folder (``city/wuhan/article/15.html``); the
server answers the same path with or without ``.html`` (``/city/wuhan/article/15``), and ``/``
for ``index.html``. Links are relative (``../../../rule/x.html``): the directory part of a
path is the same with or without the suffix, so one link works from ``file://``, from
``/city/wuhan/article/15`` and from ``/city/wuhan/article/15.html`` alike.
"""

from __future__ import annotations

import posixpath
import re

__all__ = [
    "HOME",
    "anchor",
    "article_path",
    "city_path",
    "concept_path",
    "download_path",
    "href",
    "page_path",
    "rule_path",
    "source_path",
]

HOME = "index.html"
_SAFE = re.compile(r"[A-Za-z0-9_.-]+")


def _checked(part: str) -> str:
    # ids come from the packs (validated by their schema); a path part is never anything else
    if not _SAFE.fullmatch(part) or part.startswith("."):
        raise ValueError(f"not a page name: {part!r}")
    return part


def concept_path(concept: str) -> str:
    """``concept/website.police_filing.html``."""
    return f"concept/{_checked(concept)}.html"


def city_path(city: str) -> str:
    """``city/wuhan.html``."""
    return f"city/{_checked(city)}.html"


def article_path(city: str, article: int) -> str:
    """``city/wuhan/article/15.html``: the article's real number, whatever its label."""
    return f"city/{_checked(city)}/article/{int(article)}.html"


def rule_path(rule_id: str) -> str:
    """``rule/wuhan.website.police_filing_15_days.html``."""
    return f"rule/{_checked(rule_id)}.html"


def source_path(file: str) -> str:
    """``sources/wuhan.zh.txt``: a regulation's text file as the pack names it."""
    return f"sources/{_checked(file)}"


def download_path(name: str) -> str:
    """``downloads/wuhan-vs-hohhot.csv``: a file for a spreadsheet."""
    return f"downloads/{_checked(name)}"


def anchor(paragraph: int | None, item: int | None = None) -> str:
    """``para-2``, ``para-1-item-3`` (an item without a paragraph is in paragraph 1)."""
    if paragraph is None and item is None:
        return ""
    out = f"para-{paragraph or 1}"
    return f"{out}-item-{item}" if item is not None else out


def href(here: str, target: str, fragment: str = "") -> str:
    """The relative link from the page ``here`` to ``target`` (both page paths)."""
    rel = posixpath.relpath(target, posixpath.dirname(here) or ".")
    return f"{rel}#{fragment}" if fragment else rel


def page_path(url_path: str) -> str:
    """The page path a served URL path names: ``/city/wuhan/article/15`` and
    ``/city/wuhan/article/15.html`` alike, ``/`` the home page."""
    path = url_path.strip("/")
    if not path:
        return HOME
    if path.startswith(("sources/", "downloads/")):
        return path
    return path if path.endswith(".html") else f"{path}.html"
