"""Query strings read strictly on ``/v1``: a parameter the endpoint does not take, or one that
takes a single value given more than once, is refused (400, E702), not passed over.

FastAPI ignores a parameter it was not told of and keeps the last of a repeated one: a client
writing ``?asof=2026-03-01`` for ``as_of`` was answered as of today, and ``?as_of=A&as_of=B``
judged as of B whatever a proxy in front of the server read. The names each endpoint takes are
read once from its declared query parameters (a list-typed one, ``only``, may repeat), and
found by the endpoint function the router put in the request's scope. The
explorer's pages outside ``/v1`` take none, and a browser's link may carry any: they are left
alone.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, get_origin

from fastapi import FastAPI, Request

from egovrules.service.errors import BAD_PARAMETER, refused_at
from egovrules.source.suggest import did_you_mean

__all__ = ["learn_queries", "strict_query"]

_SEQUENCES = (list, tuple, set, frozenset)


def learn_queries(app: FastAPI) -> None:
    """Record, once every route is added, the query parameters each ``/v1`` endpoint takes
    and which of them take several values."""
    known: dict[Any, tuple[frozenset[str], frozenset[str]]] = {}
    for route in app.routes:
        dependant = getattr(route, "dependant", None)
        if dependant is None or not getattr(route, "path", "").startswith("/v1/"):
            continue
        fields = dependant.query_params
        takes = frozenset(f.alias for f in fields)
        many = frozenset(
            f.alias for f in fields if get_origin(f.field_info.annotation) in _SEQUENCES
        )
        known[getattr(route, "endpoint", None)] = (takes, many)
    app.state.queries = known


async def strict_query(request: Request) -> None:
    """The dependency every endpoint runs first: ``ServiceError`` (400, E702) for a query
    parameter the endpoint does not take, or a single-valued one given more than once."""
    if not request.url.query:
        return
    # Every endpoint function is its route's own (no two routes share one).
    endpoint = getattr(request.app.state, "queries", {}).get(request.scope.get("endpoint"))
    if endpoint is None:
        return  # not a /v1 endpoint
    takes, many = endpoint
    given = Counter(name for name, _ in request.query_params.multi_items())
    for name, count in given.items():
        if name not in takes:
            hint = did_you_mean(name, takes)
            taken = ", ".join(sorted(takes)) or "none"
            message = f"query.{name}: the endpoint takes no such parameter (it takes: {taken})"
            _refuse(name, message + (f"; {hint}" if hint else ""))
        if count > 1 and name not in many:
            _refuse(name, f"query.{name}: given {count} times; it takes one value")


def _refuse(name: str, message: str) -> None:
    raise refused_at(400, BAD_PARAMETER, message, f"query.{name}")
