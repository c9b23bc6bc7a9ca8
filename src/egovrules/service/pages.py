"""The law explorer over HTTP: the pages ``egovrules explore`` writes, answered at ``/``
(docs/explorer.md), outside ``/v1`` and outside the OpenAPI document (they are pages for people,
not an API), behind the same bearer token as every endpoint but the health checks.

A page is answered at its path with or without ``.html`` (``/city/wuhan/article/15``); the
site is built once, from the packs the server holds, on the first page asked for. Only pages
the site holds, its CSV downloads and the source texts its packs name are answered: no path
reads a file.
"""

from __future__ import annotations

import threading
from typing import TypeVar

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from egovrules.explorer import Site, build
from egovrules.service.errors import UNKNOWN_PAGE, ServiceError
from egovrules.service.loading import LoadedPacks

__all__ = ["page_routes"]

_T = TypeVar("_T")


class _OneSite:
    """The site of the server's packs, built by the first request that needs it."""

    def __init__(self, packs: LoadedPacks) -> None:
        self.packs = packs
        self.lock = threading.Lock()
        self.site: Site | None = None

    def get(self) -> Site:
        packs = self.packs.all()  # 503 (E705) while they are compiled
        with self.lock:
            if self.site is None:
                self.site = build(list(packs.values()))
            return self.site


def _found(value: _T | None, path: str) -> _T:
    """``value``, or 404 (E720) for ``path`` when the site has nothing there."""
    if value is None:
        raise ServiceError(404, UNKNOWN_PAGE, f"the explorer has no page {path!r}")
    return value


def page_routes(app: FastAPI, packs: LoadedPacks) -> None:
    """Add the explorer's pages, downloads and source texts to ``app``."""
    site = _OneSite(packs)

    async def built() -> Site:
        return await run_in_threadpool(site.get)

    async def answer(path: str) -> HTMLResponse:
        return HTMLResponse(_found((await built()).page(path), path))

    @app.get("/", include_in_schema=False)
    async def home() -> HTMLResponse:
        return await answer("/")

    @app.get("/index.html", include_in_schema=False)
    async def index() -> HTMLResponse:
        return await answer("/index.html")

    @app.get("/concept/{name}", include_in_schema=False)
    async def concept(name: str) -> HTMLResponse:
        return await answer(f"/concept/{name}")

    @app.get("/city/{name}", include_in_schema=False)
    async def city(name: str) -> HTMLResponse:
        return await answer(f"/city/{name}")

    @app.get("/city/{name}/article/{number}", include_in_schema=False)
    async def article(name: str, number: str) -> HTMLResponse:
        return await answer(f"/city/{name}/article/{number}")

    @app.get("/rule/{name}", include_in_schema=False)
    async def rule(name: str) -> HTMLResponse:
        return await answer(f"/rule/{name}")

    @app.get("/downloads/{name}", include_in_schema=False)
    async def download(name: str) -> Response:
        path = f"/downloads/{name}"
        text = _found((await built()).download(path), path)
        return Response(text, media_type="text/csv; charset=utf-8")

    @app.get("/sources/{name}", include_in_schema=False)
    async def source(name: str) -> FileResponse:
        path = f"/sources/{name}"
        file = _found((await built()).source(path), path)
        return FileResponse(file, media_type="text/plain; charset=utf-8")
