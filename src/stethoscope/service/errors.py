"""One error envelope for every error the service answers.

{"ok": false, "status": 400, "type": "DataError", "error": "...",
 "errors": [{"loc": ["accounts.csv row 3", "arr"], "msg": "..."}], "hint": "...", "more": 0}
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from stethoscope.errors import (
    AuthError,
    ConfigError,
    ForbiddenError,
    StethoscopeError,
    StoreBusyError,
)


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


# what an /api route declares besides its answer: any 4xx (a request that fails validation
# is a 400, not FastAPI's 422, which declaring 4XX leaves out) and a store busy with a run
RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorEnvelope, "description": "The request was refused: why, and where."},
    503: {"model": ErrorEnvelope, "description": "The store is busy; try again later."},
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
) -> JSONResponse:
    body = {
        "ok": False,
        "status": status,
        "type": type,
        "error": error,
        "errors": errors or [],
        "hint": hint,
        "more": more,
    }
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


def install(app: FastAPI) -> None:
    @app.exception_handler(StethoscopeError)
    async def _domain(_: Request, e: StethoscopeError) -> JSONResponse:
        errors = [
            {"loc": [p.where, *([p.column] if p.column else [])], "msg": p.message}
            for p in e.problems
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

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(err["loc"]), "msg": err["msg"]} for err in e.errors()]
        return envelope(400, "invalid request", type="RequestError", errors=errors)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, e: HTTPException) -> JSONResponse:
        return envelope(e.status_code, str(e.detail), type="HTTPError")
