"""The server's log: one JSON object a line on standard error, for the access log and for
everything else the server says (uvicorn's own lines included).

An access line names the request (id, method, path, status, sizes, duration, client), never
what the body holds, at any level: subjects are about government systems and the people who
run them. The query string is left out too (only rule patterns and dates, but a path is
enough to count and trace requests by).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

__all__ = ["ACCESS", "LOG", "JsonFormatter", "log_config"]

ACCESS = logging.getLogger("egovrules.access")
"""One line a request: ``event: "request"`` and its fields."""
LOG = logging.getLogger("egovrules.service")
"""Everything else: start, packs loaded, internal errors (with their request id)."""

_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "color_message",  # uvicorn's terminal colours
}


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger, message, and the ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        out.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        if record.exc_info:
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def log_config(level: str = "info") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the server (uvicorn's ``log_config``): every logger
    in JSON on standard error; uvicorn's own access log off (``egovrules.access`` replaces it)."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"stderr": handler},
        "loggers": {
            name: {"handlers": ["stderr"], "level": level.upper(), "propagate": False}
            for name in ("uvicorn", "uvicorn.error", "egovrules")
        }
        | {"uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False}},
    }
