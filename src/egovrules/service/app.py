"""The HTTP service: the FastAPI application ``egovrules serve`` runs (docs/serve.md).

Every endpoint calls the code the command line calls: a check body is read as
``egovrules check`` reads a file (``service.body``: plain JSON at ``json.loads``' speed, any
other body, or any error, by the positioned reader), each subject is checked by
``engine.run.check_loaded`` and the answer is the document ``report.render.json`` builds for
``egovrules check --format json``, without its indentation (written by orjson:
``service.answer``); explain and diff are the commands' code too.
CPU work runs in the thread pool, so that the event loop keeps answering (and timing out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BeforeValidator
from pydantic.json_schema import models_json_schema
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from egovrules._version import __version__
from egovrules.diffing.compare import diff
from egovrules.diffing.render import render as render_diff
from egovrules.diffing.witness import DEFAULT_MAX_CANDIDATES
from egovrules.engine.explaining import explain_rules, rules_named
from egovrules.engine.pack import Pack, today_in_china
from egovrules.engine.run import RunOptions, check_loaded, check_only
from egovrules.law.dates import written_date
from egovrules.service.answer import check_answer
from egovrules.service.body import BODY_NAME, batch_too_large, subjects_of_body
from egovrules.service.catalog import pack_detail, pack_summary
from egovrules.service.config import ServiceConfig, read_calendar, read_token
from egovrules.service.errors import (
    BAD_PARAMETER,
    NO_ROUTE,
    NOT_APPLICABLE,
    UNKNOWN_RULE,
    ServiceError,
    error_body,
    from_input_error,
    refused_at,
)
from egovrules.service.guard import HEALTH_PATHS, Guard
from egovrules.service.head import HeadAsGet
from egovrules.service.loading import LoadedPacks
from egovrules.service.models import (
    CheckDocument,
    ErrorBody,
    Explanations,
    Health,
    PackDetail,
    PackList,
    Problem,
    Readiness,
)
from egovrules.service.pages import page_routes
from egovrules.service.query import learn_queries, strict_query
from egovrules.source.errors import EgovrulesError, InputError, InternalError, UsageError
from egovrules.subjects import SUBJECT_KINDS, SUBJECT_MODELS

__all__ = ["BODY_NAME", "create_app", "create_app_from_environment"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": why}
    for status, why in (
        (400, "a parameter or a body that is not a readable document (E0xx, E702)"),
        (401, "the bearer token is missing or wrong (E704)"),
        (404, "no such pack, rule, endpoint or explorer page (E700, E703, E707, E720)"),
        (405, "the endpoint does not take this method (E707)"),
        (413, "the body or the batch is too large (E001, E701)"),
        (422, "a subject that does not validate (E300-E306), or explain on another kind"),
        (500, "an internal error: a bug, its request id in the server's log (E799)"),
        (503, "the packs are not compiled yet (E705), or no answer in time (E706)"),
    )
}
_SUBJECT_REF = {
    "anyOf": [{"$ref": f"#/components/schemas/{m.__name__}"} for m in SUBJECT_MODELS.values()]
}
_Kind = Literal["project", "website", "network", "department"]
_Language = Literal["en", "zh"]


def _body(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    }


def create_app_from_environment() -> FastAPI:
    """The application for the configuration ``egovrules serve`` hands its workers."""
    return create_app(ServiceConfig.from_environment())


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The application: the packs of ``config`` compiled in the background at start."""
    config = config or ServiceConfig()
    token = read_token(config.token_file) if config.token_file else None
    packs = LoadedPacks(config.pack_ids, read_calendar(config.holidays))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        packs.start()
        yield

    app = FastAPI(
        # A path with a trailing slash is no endpoint (404, as data): not a redirect built
        # from the request's Host header.
        redirect_slashes=False,
        title="egovrules",
        version=__version__,
        description="Chinese municipal e-government regulations as executable, citable "
        "policy: check subjects against a city's rule pack, with citations (docs/serve.md). "
        "Every GET endpoint answers HEAD too: the same status and headers, no body.",
        lifespan=lifespan,
        dependencies=[Depends(strict_query)],
        docs_url=None,
        redoc_url=None,
        responses=_ERRORS,
    )
    app.add_middleware(HeadAsGet)  # inside the guard, whose log line says HEAD
    app.add_middleware(Guard, config=config, token=token)
    _handle_errors(app)
    _health(app, packs)
    _pack_routes(app, packs, config)
    _tool_routes(app, packs)
    page_routes(app, packs)
    learn_queries(app)
    app.openapi = lambda: _openapi(app, config.pack_ids, token is not None)  # type: ignore[method-assign]
    return app


# ---- errors ----------------------------------------------------------------------------------


def _request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "-"))


def _error(request: Request, error: ServiceError) -> JSONResponse:
    return JSONResponse(
        error_body(error, _request_id(request)).model_dump(),
        status_code=error.status,
        headers=error.headers,
    )


def _handle_errors(app: FastAPI) -> None:
    async def service_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ServiceError)
        return _error(request, exc)

    async def bad_parameter(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = [
            Problem(
                code=BAD_PARAMETER,
                message=f"{'.'.join(map(str, e['loc']))}: {e['msg']}",
                location=".".join(map(str, e["loc"])),
            )
            for e in exc.errors()
        ]
        message = problems[0].message if problems else "a bad parameter"
        return _error(request, ServiceError(400, BAD_PARAMETER, message, problems))

    async def no_route(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        status = exc.status_code if exc.status_code in (404, 405) else 400
        message = {404: "no such endpoint", 405: "the endpoint does not take this method"}
        headers = dict(exc.headers or {})
        error = ServiceError(status, NO_ROUTE, message.get(status, str(exc.detail)), [], headers)
        return _error(request, error)

    async def usage_error(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, InternalError):
            raise exc  # a bug: the guard answers 500 and logs it
        if isinstance(exc, InputError):
            return _error(request, from_input_error([exc]))
        return _error(request, ServiceError(400, BAD_PARAMETER, str(exc)))

    app.add_exception_handler(ServiceError, service_error)
    app.add_exception_handler(EgovrulesError, usage_error)  # a bad argument the API refused
    app.add_exception_handler(RequestValidationError, bad_parameter)
    app.add_exception_handler(HTTPException, no_route)


# ---- health ----------------------------------------------------------------------------------


def _health(app: FastAPI, packs: LoadedPacks) -> None:
    @app.get("/healthz", tags=["health"], summary="the process answers")
    def healthz() -> Health:
        return Health(status="ok")

    @app.get(
        "/readyz",
        tags=["health"],
        summary="ready once every pack is compiled",
        responses={503: {"model": Readiness, "description": "still compiling the packs"}},
    )
    def readyz() -> Any:
        if packs.ready:
            return Readiness(status="ready", packs=packs.loaded)
        return JSONResponse(Readiness(status="loading", packs=packs.loaded).model_dump(), 503)


# ---- packs: list, describe, check, explain ---------------------------------------------------


def _pack_routes(app: FastAPI, packs: LoadedPacks, config: ServiceConfig) -> None:
    @app.get("/v1/packs", tags=["packs"], summary="the packs this server holds")
    def list_packs() -> PackList:
        return PackList(packs=[pack_summary(p) for p in packs.all().values()])

    @app.get("/v1/packs/{pack}", tags=["packs"], summary="one pack's rules, parameters, articles")
    def describe_pack(pack: str) -> PackDetail:
        return pack_detail(packs.get(pack))

    batch = {"type": "array", "items": _SUBJECT_REF, "maxItems": config.max_batch}

    @app.post(
        "/v1/packs/{pack}/check",
        tags=["check"],
        summary="check one subject or a batch",
        description="The body is one subject (a JSON object with its `kind`) or a list of at "
        f"most {config.max_batch} (`--max-batch`), read as `egovrules check` reads a file; "
        "waivers are the subjects' own `waivers`. The answer is the document "
        "`egovrules check --format json` prints (docs/output-json.md), on one line, each subject's "
        "`source` and each finding's `location` in the file `request`. A batch is checked "
        "whole or refused whole: any subject that does not validate refuses the request (422), "
        "which lists every such subject at its JSON path.",
        response_model=CheckDocument,
        openapi_extra=_body("a subject, or a list of subjects", {"anyOf": [_SUBJECT_REF, batch]}),
    )
    async def check(
        pack: str,
        request: Request,
        *,
        as_of: Annotated[
            _AsOf | None, Query(description="evaluation date (default: today in Shanghai)")
        ] = None,
        lang: Annotated[_Language, Query(description="language of each message")] = "en",
        only: Annotated[
            list[str], Query(description="only rules whose id or concept matches (glob)")
        ] = [],  # noqa: B006 - FastAPI copies a default list
        skip: Annotated[
            list[str], Query(description="leave out rules whose id or concept matches (glob)")
        ] = [],  # noqa: B006
        explain: Annotated[bool, Query(description="add each finding's trace")] = False,
    ) -> Response:
        compiled = packs.get(pack)
        try:
            check_only(only, [compiled])  # before the body is read (400, E702)
        except UsageError as exc:
            raise refused_at(400, BAD_PARAMETER, str(exc), "query.only") from None
        body = await request.body()
        options = RunOptions(
            city=compiled.id, as_of=as_of, only=tuple(only), skip=tuple(skip), explain=explain
        )
        text = await run_in_threadpool(_check, compiled, body, options, lang, config.max_batch)
        return Response(text, media_type="application/json")

    @app.post(
        "/v1/packs/{pack}/explain",
        tags=["check"],
        summary="the evaluation trace of a rule on a subject",
        description="The trace `egovrules explain --format json` prints, for the rule whose id "
        "is `rule` or for every rule of the concept `rule`, on the body's one subject (a JSON "
        "object; a list, even of one subject, is refused: 422, E708).",
        openapi_extra=_body("one subject", _SUBJECT_REF),
    )
    async def explain_rule(
        pack: str,
        request: Request,
        rule: Annotated[str, Query(min_length=1, description="a rule id or a concept")],
        as_of: Annotated[_AsOf | None, Query(description="evaluation date")] = None,
    ) -> Explanations:
        compiled = packs.get(pack)
        body = await request.body()
        traces = await run_in_threadpool(_explain, compiled, body, rule, as_of)
        return Explanations(explanations=traces)


# The date as YYYY-MM-DD only, as the command line takes it (``law.dates.written_date``).
_AsOf = Annotated[dt.date, BeforeValidator(written_date)]


def _check(pack: Pack, body: bytes, options: RunOptions, lang: str, max_batch: int) -> bytes:
    subjects = subjects_of_body(pack, body, most=max_batch)
    if len(subjects) > max_batch:
        raise batch_too_large(len(subjects), max_batch)
    packs = {pack.id: pack}
    options = options.dated()  # one day for the whole batch
    checked = [check_loaded(loaded, options, packs) for loaded in subjects]
    return check_answer(checked, lang)


def _explain(pack: Pack, body: bytes, rule: str, as_of: dt.date | None) -> list[dict[str, Any]]:
    subjects = subjects_of_body(pack, body)
    if len(subjects) != 1 or subjects[0].path:  # a list, even of one (its path is its index)
        message = "explain takes one subject (a JSON object), not a list"
        raise refused_at(422, NOT_APPLICABLE, message, "$")
    try:
        rules = rules_named(pack, rule)
    except UsageError as exc:
        raise refused_at(404, UNKNOWN_RULE, str(exc), "query.rule") from None
    try:
        return explain_rules(rules, subjects[0].subject, as_of or today_in_china())
    except UsageError as exc:  # a rule of another kind than the subject's
        raise refused_at(422, NOT_APPLICABLE, str(exc), "query.rule") from None


# ---- diff, schemas ---------------------------------------------------------------------------


def _tool_routes(app: FastAPI, packs: LoadedPacks) -> None:
    @app.get(
        "/v1/diff",
        tags=["packs"],
        summary="two packs compared concept by concept",
        description="The document `egovrules diff A B --format json` prints (docs/diff.md).",
        response_model=dict[str, Any],
    )
    async def diff_packs(
        *,
        a: Annotated[str, Query(description="pack A: the id of a pack this server holds")],
        b: Annotated[str, Query(description="pack B")],
        witnesses: Annotated[bool, Query(description="search witness subjects")] = True,
        max_candidates: Annotated[
            int, Query(ge=0, le=10 * DEFAULT_MAX_CANDIDATES, description="per concept")
        ] = DEFAULT_MAX_CANDIDATES,
        seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
        kind: Annotated[_Kind | None, Query(description="only rules on this kind")] = None,
        concept: Annotated[
            list[str], Query(description="only concepts matching (id, prefix or glob)")
        ] = [],  # noqa: B006
    ) -> Response:
        pack_a, pack_b = packs.get(a, "query.a"), packs.get(b, "query.b")

        def run() -> str:
            try:
                result = diff(
                    pack_a,
                    pack_b,
                    witnesses=witnesses,
                    max_candidates=max_candidates,
                    seed=seed,
                    kind=kind,
                    concepts=concept or None,
                )
            except UsageError as exc:  # the packs and the kind are known: no concept matches
                raise refused_at(400, BAD_PARAMETER, str(exc), "query.concept") from None
            return render_diff("json", result)

        return Response(await run_in_threadpool(run), media_type="application/json")

    @app.get("/v1/schemas", tags=["schemas"], summary="the subject kinds")
    def schema_kinds() -> list[str]:
        return list(SUBJECT_KINDS)

    @app.get(
        "/v1/schemas/{kind}",
        tags=["schemas"],
        summary="the JSON Schema of a subject kind",
        description="What `egovrules schema KIND` prints.",
        response_model=dict[str, Any],
    )
    def subject_schema(kind: str) -> Any:
        if kind not in SUBJECT_MODELS:
            message = f"unknown subject kind {kind!r}; kinds: {', '.join(SUBJECT_KINDS)}"
            raise refused_at(404, "E303", message, "path.kind")
        return SUBJECT_MODELS[kind].model_json_schema()


# ---- the OpenAPI document --------------------------------------------------------------------


_PACK_PARAMETERS = frozenset({"pack", "a", "b"})


def _openapi(app: FastAPI, pack_ids: tuple[str, ...], with_token: bool) -> dict[str, Any]:
    """The generated document, with the subject models a check body holds, the server's pack
    ids as the values of each pack parameter (read as any string all the same, so that another
    is answered 404 with the nearest id) and, when the server requires a token, the bearer
    scheme on every endpoint but the health checks."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    _, subjects = models_json_schema(
        [(m, "validation") for m in SUBJECT_MODELS.values()],
        ref_template="#/components/schemas/{model}",
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    clash = set(schemas) & set(subjects["$defs"])
    if clash:  # pragma: no cover - a model renamed into a clash is caught by the tests
        raise RuntimeError(f"OpenAPI schema names used twice: {sorted(clash)}")
    for model in SUBJECT_MODELS.values():  # a body names its kind: no --kind over HTTP
        required = subjects["$defs"][model.__name__].setdefault("required", [])
        required[:0] = [] if "kind" in required else ["kind"]
    schemas.update(subjects["$defs"])
    for operations in doc["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] in _PACK_PARAMETERS:
                    parameter["schema"]["enum"] = list(pack_ids)
                elif parameter["name"] == "kind" and parameter["in"] == "path":
                    parameter["schema"]["enum"] = list(SUBJECT_KINDS)
    if with_token:
        doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        for path, operations in doc["paths"].items():
            if path not in HEALTH_PATHS:
                for operation in operations.values():
                    operation["security"] = [{"bearer": []}]
    app.openapi_schema = doc
    return doc
