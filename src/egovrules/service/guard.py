"""What every request passes through before and after its endpoint, as one ASGI middleware:
its id, the bearer token, the body-size limit, the timeout, the answer to an internal error,
and its line in the access log.

* The id is the caller's ``X-Request-ID`` when it is a short token of letters, digits and
  dashes, else a new one; every answer carries it back, every error body and log line too.
* The token (``--token-file``) is compared in constant time (``hmac.compare_digest``); the
  health checks (``/healthz``, ``/readyz``) need none.
* A body whose ``Content-Length`` passes the limit is refused at once, unread; a body sent in
  chunks is refused (413, E001) at the first chunk past the limit: never is more than the limit
  read.
* A request not answered within the timeout is answered 503 (E706). An exception no handler
  knew is a bug: answered 500 (E799) with the request id, logged with its traceback and the
  same id; the answer never holds a traceback.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import ClientDisconnect

from egovrules.service.config import ServiceConfig
from egovrules.service.errors import (
    INTERNAL,
    TIMEOUT,
    UNAUTHORIZED,
    ServiceError,
    error_body,
)
from egovrules.service.logs import ACCESS, LOG

__all__ = ["HEALTH_PATHS", "Guard", "error_response_parts"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEALTH_PATHS = frozenset({"/healthz", "/readyz"})
_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


def error_response_parts(error: ServiceError, request_id: str) -> tuple[int, bytes]:
    """The status and JSON body answering ``error``."""
    return error.status, error_body(error, request_id).model_dump_json().encode()


class Guard:
    """The middleware (``app.add_middleware(Guard, config=..., token=...)``)."""

    def __init__(self, app: ASGIApp, config: ServiceConfig, token: str | None) -> None:
        self.app = app
        self.config = config
        self.expected = None if token is None else token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v for k, v in scope.get("headers", [])}
        given = headers.get("x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        seen: dict[str, Any] = {"status": 0, "in": 0, "out": 0, "started": False}
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"], seen["started"] = message["status"], True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            elif message["type"] == "http.response.body":
                seen["out"] += len(message.get("body", b""))
            await send(message)

        async def bounded_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen["in"] += len(message.get("body", b""))
                if seen["in"] > self.config.max_body_bytes:
                    raise self._too_large()
            return message

        try:
            refusal = self._refusal(scope["path"], headers)
            if refusal is not None:
                await _answer(send_with_id, refusal, request_id)
            else:
                async with asyncio.timeout(self.config.timeout_seconds):
                    await self.app(scope, bounded_receive, send_with_id)
        except TimeoutError:
            if not seen["started"]:
                message = f"no answer within {self.config.timeout_seconds:g} s (--timeout)"
                await _answer(send_with_id, ServiceError(503, TIMEOUT, message), request_id)
        except ClientDisconnect:
            # The client went away before its body was read: nobody to answer, and no bug.
            seen["status"] = 499  # "client closed request", as the access logs of proxies say
        except Exception:
            LOG.exception("internal error", extra={"request_id": request_id})
            if not seen["started"]:
                message = (
                    f"internal error (a bug in egovrules: please report it with the request id "
                    f"{request_id}, which the server's log holds too)"
                )
                await _answer(send_with_id, ServiceError(500, INTERNAL, message), request_id)
        finally:
            ACCESS.info(
                "request",
                extra={
                    "event": "request",
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": scope["path"],
                    "status": seen["status"],
                    "bytes_in": seen["in"],
                    "bytes_out": seen["out"],
                    "duration_ms": round((time.perf_counter() - start) * 1000, 3),
                    "client": (scope.get("client") or ("", 0))[0],
                },
            )

    def _refusal(self, path: str, headers: dict[str, bytes]) -> ServiceError | None:
        if self.expected is not None and path not in HEALTH_PATHS:
            # RFC 7235: the scheme is case-insensitive ("bearer" as well as "Bearer").
            scheme, _, given = headers.get("authorization", b"").partition(b" ")
            if scheme.lower() != b"bearer" or not hmac.compare_digest(given.strip(), self.expected):
                return ServiceError(
                    401,
                    UNAUTHORIZED,
                    "a bearer token is required: Authorization: Bearer <the token of --token-file>",
                    headers={"www-authenticate": "Bearer"},
                )
        length = headers.get("content-length", b"")
        if length.isdigit() and int(length) > self.config.max_body_bytes:
            return self._too_large()
        return None

    def _too_large(self) -> ServiceError:
        limit = self.config.max_body_bytes
        return ServiceError(
            413, "E001", f"the body is more than {limit} bytes (the limit, --max-body-bytes)"
        )


async def _answer(send: Send, error: ServiceError, request_id: str) -> None:
    status, body = error_response_parts(error, request_id)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.encode(), v.encode()) for k, v in error.headers.items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
