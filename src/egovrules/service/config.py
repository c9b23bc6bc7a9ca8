"""How a server is set up: which packs, which limits, which token. One value, handed to every
worker process (``--workers``) through one environment variable, as JSON."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path

from egovrules.law.calendar import CHINA, WorkCalendar
from egovrules.law.notice import load_calendar
from egovrules.packdata.bundled import available_packs
from egovrules.source.errors import UsageError

__all__ = ["ENVIRONMENT", "ServiceConfig", "read_calendar", "read_token"]

ENVIRONMENT = "EGOVRULES_SERVE_CONFIG"
"""The variable ``egovrules serve`` sets for the worker processes it starts."""


@dataclass(frozen=True)
class ServiceConfig:
    """What ``egovrules serve``'s options set (docs/serve.md: "Configure")."""

    packs: tuple[str, ...] = ()
    """Bundled pack ids loaded at start; empty: every bundled pack."""
    max_body_bytes: int = 8 * 1024 * 1024
    """A larger body is refused (413) before it is read whole."""
    max_batch: int = 1000
    """Subjects one check request may hold."""
    timeout_seconds: float = 30.0
    """A request not answered by then is answered 503 (E706)."""
    token_file: str | None = None
    """A file holding the bearer token every endpoint but the health checks requires."""
    holidays: tuple[str, ...] = ()
    """State Council holiday notices (``--holidays FILE``) for years chinese-calendar does not
    cover: every pack counts working days on them, and the reports cite them."""

    def __post_init__(self) -> None:
        unknown = [p for p in self.packs if p not in available_packs()]
        if unknown:
            raise UsageError(
                f"--packs: no bundled pack {', '.join(map(repr, unknown))}; "
                f"available: {', '.join(available_packs())}"
            )
        if self.max_body_bytes < 1 or self.max_batch < 1 or self.timeout_seconds <= 0:
            raise UsageError("--max-body-bytes, --max-batch and --timeout must be positive")

    @property
    def pack_ids(self) -> tuple[str, ...]:
        """The packs to load: those asked for, or every bundled one."""
        return self.packs or tuple(available_packs())

    def to_json(self) -> str:
        """The configuration as the worker processes read it."""
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_environment(cls) -> ServiceConfig:
        """The configuration ``egovrules serve`` left in ``ENVIRONMENT`` (defaults without)."""
        raw = os.environ.get(ENVIRONMENT)
        if not raw:
            return cls()
        data = json.loads(raw)
        return cls(
            **{
                **data,
                "packs": tuple(data.get("packs", ())),
                "holidays": tuple(data.get("holidays", ())),
            }
        )


def read_token(path: str) -> str:
    """The token in ``path`` (surrounding whitespace and a byte-order mark dropped);
    ``UsageError`` when the file cannot be read, is empty or holds a token no client could
    send (a line break or a control character inside it)."""
    try:
        token = Path(path).read_text(encoding="utf-8-sig").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--token-file {path}: cannot read: {exc}") from None
    if not token:
        raise UsageError(f"--token-file {path}: the file is empty")
    if not token.isprintable() or not token.isascii():
        raise UsageError(
            f"--token-file {path}: the token must be one line of printable ASCII characters"
        )
    return token


def read_calendar(paths: tuple[str, ...]) -> WorkCalendar:
    """The working-day calendar of ``--holidays``: the package's, plus the notices of
    ``paths`` (``CalendarError``, with positions, when one is refused). A report cites each
    notice by its title, date and URL and the file by its name alone: the server's folders
    are not the client's business."""
    if not paths:
        return CHINA
    notices = load_calendar(paths).notices
    return WorkCalendar(tuple(dataclasses.replace(n, file=Path(n.file).name) for n in notices))
