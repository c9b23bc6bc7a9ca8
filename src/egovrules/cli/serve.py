"""``egovrules serve``: the HTTP service (docs/serve.md), with the ``serve`` extra."""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import socket
import sys

from egovrules.cli.common import add_holidays_option
from egovrules.engine.exitcodes import ExitCode
from egovrules.source.errors import UsageError, require

__all__ = ["register"]

_DEFAULT_PORT = 8080


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``serve`` to the command line."""
    p = subparsers.add_parser(
        "serve",
        help="serve the packs over HTTP (needs the 'serve' extra)",
        description="Serve checks, explanations, diffs and subject schemas over HTTP under "
        "/v1, with /openapi.json, /healthz and /readyz (docs/serve.md), and the law explorer's "
        "pages at / (docs/explorer.md). Binds to loopback "
        "unless told otherwise. Needs pip install 'egovrules[serve]'.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument(
        "--port", type=int, default=_DEFAULT_PORT, help=f"port (default {_DEFAULT_PORT})"
    )
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument(
        "--packs",
        action="append",
        metavar="PACK",
        help="a bundled pack to load at start (repeatable; default: every bundled pack)",
    )
    p.add_argument(
        "--token-file",
        metavar="FILE",
        help="require 'Authorization: Bearer TOKEN' on every endpoint but the health checks, "
        "TOKEN being this file's content",
    )
    p.add_argument(
        "--max-body-bytes",
        type=int,
        default=8 * 1024 * 1024,
        metavar="N",
        help="largest request body, refused unread past it (default 8 MiB)",
    )
    p.add_argument(
        "--max-batch",
        type=int,
        default=1000,
        metavar="N",
        help="most subjects one check request holds (default 1000)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="answer 503 to a request not answered by then (default 30)",
    )
    add_holidays_option(p)
    p.add_argument(
        "--log-level",
        choices=("debug", "info", "warning", "error"),
        default="info",
        help="the JSON log's level (default info)",
    )
    p.set_defaults(run=_run)


def _stopped(signum: int, frame: object) -> None:
    """A stop asked for (SIGTERM, SIGINT): uvicorn catches it, finishes the requests in flight
    (for up to ``--timeout`` seconds), restores this handler and raises the signal again; the
    command then ends with status 0, its logs flushed, not killed by the signal. It does not
    wait for a computation still running in a worker thread past that time (a request already
    answered 503): Python cannot stop a thread, and its exit would wait for it. The exit
    handlers run first (the logs flushed, a coverage measurement saved), as at any exit."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(int(ExitCode.OK))


def _run(args: argparse.Namespace) -> ExitCode:
    require("fastapi", "serve", "egovrules serve")
    require("orjson", "serve", "egovrules serve")
    uvicorn = require("uvicorn", "serve", "egovrules serve")
    from egovrules.service.config import (  # noqa: PLC0415
        ENVIRONMENT,
        ServiceConfig,
        read_calendar,
        read_token,
    )
    from egovrules.service.logs import log_config  # noqa: PLC0415

    config = ServiceConfig(
        packs=tuple(args.packs or ()),
        max_body_bytes=args.max_body_bytes,
        max_batch=args.max_batch,
        timeout_seconds=args.timeout,
        token_file=os.path.abspath(args.token_file) if args.token_file else None,
        holidays=tuple(os.path.abspath(f) for f in args.holidays),
    )
    if config.token_file:
        read_token(config.token_file)  # a bad token file stops here, before the port is bound
    read_calendar(tuple(args.holidays))  # so does a refused notice (E800-E807, positioned)
    if args.workers < 1:
        raise UsageError("--workers must be 1 or more")
    _check_address(args.host, args.port)
    os.environ[ENVIRONMENT] = config.to_json()
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, _stopped)
    uvicorn.run(
        "egovrules.service.app:create_app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=log_config(args.log_level),
        access_log=False,
        timeout_graceful_shutdown=max(args.timeout, 1.0),
        server_header=False,
    )
    return ExitCode.OK


def _check_address(host: str, port: int) -> None:
    """``UsageError`` when ``host:port`` cannot be listened on (in use, not allowed, not an
    address of this machine), said before uvicorn tries (it would exit 3, "a bug")."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind((host, port))
    except (OSError, OverflowError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"cannot listen on {host}:{port}: {reason}") from None
