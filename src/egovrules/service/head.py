"""HEAD answered wherever GET is (RFC 9110, 9.3.2): the request is routed as a GET and its
answer sent without its body, with the very status and headers (``Content-Length`` too) the
GET would have. One middleware, so that every GET endpoint (the API, the health checks, the
explorer's pages, ``/openapi.json``) answers it alike, and a method only POST takes is answered
405 (E707, ``Allow: POST``) as to a GET. The OpenAPI document says so in its description
rather than repeating each GET operation as a HEAD one.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HeadAsGet"]


class HeadAsGet:
    """The middleware (``app.add_middleware(HeadAsGet)``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
