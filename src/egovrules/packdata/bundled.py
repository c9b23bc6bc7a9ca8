"""The packs that ship with egovrules: where they are, and their ids."""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["available_packs", "bundled_dir", "sources_dir"]


def bundled_dir() -> Path:
    """Where the bundled packs are: inside the installed package, else the checkout's rules/."""
    # The package's own folder (as importlib.resources would give it for an installed wheel,
    # without the 18 ms of importing importlib.resources at every start).
    packaged = Path(__file__).resolve().parents[1] / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rules"


def sources_dir() -> Path:
    """Where the regulation texts the bundled packs quote are kept."""
    return bundled_dir() / "sources"


def available_packs() -> list[str]:
    """Ids of the bundled packs."""
    return list(_bundled_ids())


@cache
def _bundled_ids() -> tuple[str, ...]:
    """The bundled folder is read once: it is part of the installed package, and every
    subject whose ``city`` names a pack is checked against it."""
    return tuple(sorted(p.stem for p in bundled_dir().glob("*.yaml")))
