"""The whole explorer as files: every page the renderer writes (``pages.every_page``) and the
regulation text files the packs name, by path. The server answers from a ``Site``; ``export``
writes one to a folder. Both hold the same bytes for a page: there is one renderer.

Only the packs given are read, and the source files their own ``meta.sources`` name, from the
bundled sources folder: nothing a request or a page names is read from disk.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from egovrules.engine.pack import Pack
from egovrules.explorer.corpus import Corpus, gather
from egovrules.explorer.pages import downloads, every_page
from egovrules.explorer.paths import page_path, source_path
from egovrules.packdata.bundled import sources_dir
from egovrules.source.errors import UsageError

__all__ = ["NOT_EMPTY", "Site", "build", "export"]

NOT_EMPTY = "E721"
"""``egovrules explore --out DIR`` on a folder that holds files, without ``--force``."""


@dataclass(frozen=True)
class Site:
    """Every page (path → HTML), every download (path → CSV text) and every source text
    (path → file on disk)."""

    pages: Mapping[str, str]
    sources: Mapping[str, Path]
    downloads: Mapping[str, str]

    def page(self, url_path: str) -> str | None:
        """The HTML a served path names (``/city/wuhan/article/15`` or with ``.html``)."""
        return self.pages.get(page_path(url_path))

    def download(self, url_path: str) -> str | None:
        """The CSV a served path names (``/downloads/matrix.csv``)."""
        return self.downloads.get(url_path.strip("/"))

    def source(self, url_path: str) -> Path | None:
        """The source text file a served path names (``/sources/wuhan.zh.txt``)."""
        return self.sources.get(url_path.strip("/"))


def build(packs: Sequence[Pack]) -> Site:
    """The site of ``packs``."""
    return site_of(gather(packs))


def site_of(corpus: Corpus) -> Site:
    """The site of a gathered corpus."""
    folder = sources_dir()
    sources = {
        source_path(s.file): folder / s.file
        for pack in corpus.packs
        if pack.model is not None
        for s in pack.model.meta.sources
        if (folder / s.file).is_file()
    }
    return Site(pages=dict(every_page(corpus)), sources=sources, downloads=dict(downloads(corpus)))


def export(site: Site, out: Path, *, force: bool = False) -> int:
    """Write ``site`` under ``out`` (created if missing); the number of files written. A
    folder that holds anything is refused (``UsageError``, E721) unless ``force``."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"error[{NOT_EMPTY}]: {out} is not a folder")
    try:
        holds = out.is_dir() and any(out.iterdir())
    except OSError as exc:
        raise UsageError(f"cannot read {out}: {exc.strerror or exc}") from None
    if holds and not force:
        raise UsageError(
            f"error[{NOT_EMPTY}]: {out} is not empty; choose an empty folder, or --force to "
            "write the site into it (files of the same name are replaced)"
        )
    try:
        for path, html in site.pages.items():
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        for path, text in site.downloads.items():
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="")
        for path, source in site.sources.items():
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    except OSError as exc:
        raise UsageError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    return len(site.pages) + len(site.downloads) + len(site.sources)
