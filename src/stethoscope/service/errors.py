"""One error envelope for every error the service answers.

{"ok": false, "status": 400, "type": "DataError", "error": "...",
 "errors": [{"loc": ["accounts.csv row 3", "arr"], "msg": "..."}], "hint": "...", "more": 0}

An error nobody expected (a bug, a store that fails under the server) is a 500 in the same
envelope, with a ``request_id`` that is also in the server's log beside the traceback, or,
for a dashboard page, the error page saying that id (``Unexpected``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stethoscope.errors import (
    AuthError,
    ConfigError,
    ForbiddenError,
    StethoscopeError,
    StoreBusyError,
)
from stethoscope.logs import REQUEST_ID, new_request_id
from stethoscope.service.auth import check_before_body


class ErrorLine(BaseModel):
    loc: list[str | int]
    msg: str


class ErrorEnvelope(BaseModel):
    """The body of every error the service answers."""

    ok: Literal[False]
    status: int
    type: str
    error: str
    errors: list[ErrorLine]
    hint: str | None
    more: int
    request_id: str | None = None  # a 500's: the same id is in the server's log


# what an /api route declares besides its answer: any 4xx (a request that fails validation
# is a 400, not FastAPI's 422, which declaring 4XX leaves out) and a store busy with a run
RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorEnvelope, "description": "The request was refused: why, and where."},
    503: {"model": ErrorEnvelope, "description": "The store is busy; try again later."},
    500: {
        "model": ErrorEnvelope,
        "description": "An unexpected error; its request_id is in the server's log.",
    },
}


def envelope(
    status: int,
    error: str,
    *,
    type: str = "Error",
    errors: list[dict[str, Any]] | None = None,
    hint: str | None = None,
    more: int = 0,
    headers: dict[str, str] | None = None,
    request_id: str | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "ok": False,
        "status": status,
        "type": type,
        "error": error,
        "errors": errors or [],
        "hint": hint,
        "more": more,
    }
    if request_id is not None:
        body["request_id"] = request_id
    return JSONResponse(body, status_code=status, headers=headers)


def status_of(e: StethoscopeError) -> int:
    if isinstance(e, ForbiddenError):
        return 403
    if isinstance(e, AuthError):
        return 401
    if isinstance(e, StoreBusyError):
        return 503
    if isinstance(e, ConfigError):
        return 500
    return 400


log = logging.getLogger(__name__)
# where a request wants JSON whatever it is: the API, the ingest, the health check
JSON_PATHS = ("/api/", "/v1/", "/healthz", "/readyz", "/metrics")


class Unexpected:
    """ASGI middleware answering any exception no handler took: a 500 in the envelope (a
    page: the error page), with a request id logged beside the traceback.

    Starlette's own last resort (ServerErrorMiddleware) answers a plain-text 500 and raises
    the exception again, to the server, which then closes the connection; this one answers
    and does not raise, so a keep-alive connection goes on serving. An exception after the
    answer has started (a body streamed half-way) still goes to the server: what was sent
    cannot be taken back, and closing the connection is how the client learns it is cut."""

    def __init__(self, app: ASGIApp, page: Callable[[str], Response]) -> None:
        self.app = app
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            # the id every log line of the request carries (service.metrics.Observed)
            request_id = REQUEST_ID.get() or new_request_id()
            log.exception(
                "unexpected error answering %s %s (request id %s)",
                scope.get("method"),
                scope.get("path"),
                request_id,
            )
            if started:
                raise
            response: Response = unexpected(request_id)
            if not wants_json(scope):
                try:
                    response = self.page(request_id)
                except Exception:  # the envelope says it all the same
                    log.exception("the error page failed (request id %s)", request_id)
            response.headers["X-Request-ID"] = request_id
            await response(scope, receive, send)


def wants_json(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    return path.startswith(JSON_PATHS) or b"format=json" in scope.get("query_string", b"")


def unexpected(request_id: str) -> JSONResponse:
    return envelope(
        500,
        "an unexpected error stopped this request; it is in the server's log under its "
        f"request id {request_id}",
        type="InternalError",
        hint="try again; if it happens again, give the request id to whoever runs the server",
        request_id=request_id,
    )


def domain(e: StethoscopeError) -> JSONResponse:
    """The envelope of a domain error."""
    errors = [
        {"loc": [p.where, *([p.column] if p.column else [])], "msg": p.message} for p in e.problems
    ]
    status = status_of(e)
    return envelope(
        status,
        e.message,
        type=type(e).__name__,
        errors=errors,
        hint=e.hint,
        more=e.more,
        # a 401 names the scheme to use (RFC 9110)
        headers={"WWW-Authenticate": "Bearer"} if status == 401 else None,
    )


def install(app: FastAPI, page: Callable[[str], Response]) -> None:
    """The envelope for every error of ``app``; ``page(request_id)``: the dashboard's page
    for an unexpected error."""
    app.add_middleware(Unexpected, page=page)

    @app.exception_handler(StethoscopeError)
    async def _domain(_: Request, e: StethoscopeError) -> JSONResponse:
        return domain(e)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError) -> JSONResponse:
        if any(err["loc"][:1] == ("body",) for err in e.errors()):
            try:  # who may send it, before what was sent (auth.check_before_body)
                await run_in_threadpool(check_before_body, request)
            except StethoscopeError as refused:
                return domain(refused)
        errors = [{"loc": list(err["loc"]), "msg": err["msg"]} for err in e.errors()]
        return envelope(400, "invalid request", type="RequestError", errors=errors)

    _install_store_lost(app)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, e: HTTPException) -> JSONResponse:
        headers = dict(e.headers or {})
        if e.status_code == 405:
            # every method of the path, not only those of the first route Starlette tried
            headers["Allow"] = ", ".join(allowed(app, request.scope))
        return envelope(e.status_code, str(e.detail), type="HTTPError", headers=headers or None)


def _install_store_lost(app: FastAPI) -> None:
    """A Postgres store that failed under a request (its session ended by a restart, or no
    session to be had) answers 503, as a busy store does: the request did nothing that
    was acknowledged, and a client tries again (Segment's libraries retry a 5xx, and drop
    a batch refused with a 4xx). The next request opens a new session (store.database)."""
    try:
        import psycopg
    except ImportError:  # an embedded store only
        return

    @app.exception_handler(psycopg.OperationalError)
    async def _lost(_: Request, e: psycopg.OperationalError) -> JSONResponse:
        log.warning("the Postgres store failed a request: %s", str(e).strip())
        return envelope(
            503,
            "the store could not be reached; nothing of this request was stored",
            type="StoreBusyError",
            hint="try again shortly (the database server may be restarting)",
        )


def allowed(app: FastAPI, scope: Scope) -> list[str]:
    """The methods the routes at the request's path answer (RFC 9110: a 405 says them).
    Asked of each route as Starlette's router asks, method by method: a route may be a
    whole included router, which answers whether any of its routes matches."""
    found = []
    for method in METHODS:
        asked = {**scope, "method": method}
        if any(
            isinstance(r, BaseRoute) and r.matches(asked)[0] == Match.FULL
            for r in app.router.routes
        ):
            found.append(method)
    return found


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
