"""What the REST API's routers share: the page of a listing, the query parameters that page
and sort it, and errors that name the request field they are about.

Every listing answers ``{"items": [...], "total": N, "limit": L, "offset": O,
"next_offset": O + L or null}``. Every error is the service's one envelope
(``service.errors``); an ``ApiProblem`` puts the field's location in it as FastAPI does for
a request that fails validation: ``["query", "as_of"]``, ``["path", "account_id"]``,
``["body", "rows", 3, "arr"]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Query, Request, Response
from fastapi.routing import APIRoute
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field

from stethoscope.contract.schema import FIRST_DATE, LAST_DATE
from stethoscope.errors import StethoscopeError
from stethoscope.service.errors import envelope

T = TypeVar("T", bound=BaseModel)

MAX_LIMIT = 1000
# the largest integer every JSON reader keeps exactly; a larger one also overflows the
# store's 64-bit OFFSET
MAX_OFFSET = 2**53 - 1
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page.")]
Offset = Annotated[
    int,
    Query(ge=0, le=MAX_OFFSET, description="Rows to skip: the `next_offset` of a page."),
]
Order = Annotated[Literal["asc", "desc"], Query(description="Sort direction.")]
Loc = Sequence[str | int]

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    """Only text written YYYY-MM-DD is a date: pydantic would take 0, or the JSON number
    1714521600, as seconds since 1970 (?as_of=0 was 1970-01-01)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DAY.fullmatch(value):
        return value
    raise ValueError("expected a date written YYYY-MM-DD, like 2026-05-01")


def _sane_day(day: date) -> date:
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(f"expected a date from {FIRST_DATE} to {LAST_DATE}")
    return day


# a date a request sends, in a query or a body (docs/reference/api.md)
Day = Annotated[date, BeforeValidator(_iso_day), AfterValidator(_sane_day)]


def iso_day(text: str) -> date:
    """A date a form sends, as ``Day`` reads one; a ValueError if it is not one."""
    return _sane_day(date.fromisoformat(_iso_day(text)))


def _utc(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


# the store keeps times in UTC without a zone; OpenAPI's date-time (RFC 3339) needs one
UtcDateTime = Annotated[datetime, AfterValidator(_utc)]


class Page(BaseModel, Generic[T]):
    """One page of a listing."""

    items: list[T]
    total: int = Field(description="Rows of the whole listing, on every page.")
    limit: int
    offset: int
    next_offset: int | None = Field(description="The offset of the next page; null on the last.")


def page(
    model: type[T], rows: Sequence[T | dict[str, Any]], total: int, limit: int, offset: int
) -> dict[str, Any]:
    """The fields of a ``Page[model]`` of ``rows``, typed already or not (for
    ``Page[model](**...)`` or a subclass)."""
    return {
        "items": [model.model_validate(r) for r in rows],
        "total": total,
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if offset + limit < total else None,
    }


class ApiProblem(Exception):
    """An error about one field of the request (or the whole ``["body"]``)."""

    def __init__(
        self,
        status: int,
        message: str,
        loc: Loc,
        *,
        type: str = "RequestError",
        hint: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        more: int = 0,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.hint = hint
        self.errors = errors if errors is not None else [{"loc": list(loc), "msg": message}]
        self.more = more

    @classmethod
    def of(cls, e: StethoscopeError, loc: Loc, status: int = 400) -> ApiProblem:
        """A domain error raised by the facade, placed at ``loc``."""
        msgs = [str(p) for p in e.problems] or [e.message]
        return cls(
            status,
            e.message,
            loc,
            type=type(e).__name__,
            hint=e.hint,
            errors=[{"loc": list(loc), "msg": m} for m in msgs],
            more=e.more,
        )


def not_found(what: str, value: str, loc: Loc) -> ApiProblem:
    return ApiProblem(404, f"no {what} '{value}'", loc, type="NotFoundError")


class EnvelopeRoute(APIRoute):
    """A route that answers an ``ApiProblem`` with the error envelope."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except ApiProblem as e:
                return envelope(
                    e.status, e.message, type=e.type, errors=e.errors, hint=e.hint, more=e.more
                )

        return route
