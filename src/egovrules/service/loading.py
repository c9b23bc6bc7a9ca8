"""The packs a server holds: compiled in the background once it starts, so that ``/healthz``
answers at once and ``/readyz`` says ready only when every pack asked for is compiled.

Only bundled packs are loaded, by id (``load_bundled_pack``): no request ever names a file.
The holiday notices are the operator's (``--holidays``), read once at start.

Once compiled, what the process holds for its lifetime (the packs, FastAPI's and pydantic's
models) is moved out of the collector's reach (``gc.freeze``): a full collection, which a
batch's thousands of findings set off, no longer walks it. A 1,000-subject batch costs the
server about 15 ms of CPU less (116-120 ms against 130-135 ms; docs/benchmarks.md).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Sequence

from egovrules.engine.pack import Pack, load_bundled_pack
from egovrules.law.calendar import CHINA, WorkCalendar
from egovrules.service.errors import NOT_READY, UNKNOWN_PACK, ServiceError, refused_at
from egovrules.service.logs import LOG
from egovrules.source.suggest import did_you_mean

__all__ = ["LoadedPacks"]


class LoadedPacks:
    """The packs of ``ids``, once ``load`` has compiled them."""

    def __init__(self, ids: Sequence[str], calendar: WorkCalendar = CHINA) -> None:
        self.ids = tuple(ids)
        self.calendar = calendar
        """The working-day calendar every pack counts on (``--holidays``)."""
        self._packs: dict[str, Pack] = {}
        self._ready = threading.Event()

    def load(self) -> None:
        """Compile every pack (in the thread ``start`` runs); ready when all are."""
        start = time.perf_counter()
        try:
            for pack_id in self.ids:
                self._packs[pack_id] = load_bundled_pack(pack_id, calendar=self.calendar)
        except Exception:  # a bug in a bundled pack: the server stays not ready, and says why
            LOG.exception("packs not loaded", extra={"event": "packs_failed"})
            return
        gc.collect()  # the compilation's garbage, not to be frozen
        gc.freeze()
        self._ready.set()
        LOG.info(
            "packs loaded",
            extra={
                "event": "ready",
                "packs": list(self.ids),
                "seconds": round(time.perf_counter() - start, 3),
            },
        )

    def start(self) -> None:
        """Load in a background thread."""
        threading.Thread(target=self.load, name="egovrules-packs", daemon=True).start()

    @property
    def ready(self) -> bool:
        """Every pack is compiled."""
        return self._ready.is_set()

    @property
    def loaded(self) -> list[str]:
        """The ids compiled so far."""
        return list(self._packs)

    def all(self) -> dict[str, Pack]:
        """Every pack by id; 503 (E705) before they are compiled."""
        if not self.ready:
            raise ServiceError(503, NOT_READY, "the packs are still being compiled: see /readyz")
        return self._packs

    def get(self, pack_id: str, location: str = "path.pack") -> Pack:
        """The pack ``pack_id``; 404 (E700) when this server holds no such pack, at the
        parameter that named it (``location``)."""
        packs = self.all()
        if pack_id not in packs:
            hint = did_you_mean(pack_id, packs)
            raise refused_at(
                404,
                UNKNOWN_PACK,
                f"no pack {pack_id!r} on this server; packs: {', '.join(packs)}"
                + (f"; {hint}" if hint else ""),
                location,
            )
        return packs[pack_id]
