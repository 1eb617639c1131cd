"""A stand-in for Zendesk Support's API v2, as developer.zendesk.com documents it.

- HTTP basic with ``{email}/token:{api_token}``, or ``Authorization: Bearer``; a wrong one is
  401 ``{"error": "Couldn't authenticate you"}``. ``/api/v2/users/me.json`` answers the user.
- ``GET /api/v2/incremental/tickets/cursor.json``: ``start_time`` (Unix seconds; tickets
  updated at or after it) on the first request, ``cursor`` on the next; ``per_page`` up to
  1,000; a ``start_time`` less than a minute old is a 400; answers ``tickets``,
  ``after_cursor``, ``after_url``, ``before_cursor`` and ``end_of_stream``. Tickets come
  in order of ``updated_at``.
- ``GET /api/v2/satisfaction_ratings.json``: ``start_time``, ``page[size]`` (up to 100) and
  ``page[after]``; answers ``satisfaction_ratings``, ``meta.has_more``, ``meta.after_cursor``
  and ``links.next``.
- ``GET /api/v2/tickets/show_many.json?ids=1,2`` and
  ``/api/v2/organizations/show_many.json?ids=1,2``: at most 100 ids.
- 429 with Retry-After (Zendesk sends it), 500s: see ``Faults``.
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.sources.standins.base import Clock, Faults, bearer

EXPORT = "api/v2/incremental/tickets/cursor.json"


def iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _unix(value: str) -> int:
    return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


@dataclass
class ZendeskState:
    email: str = "agent@example.com"
    api_token: str = "zd-token"
    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    ratings: dict[int, dict[str, Any]] = field(default_factory=dict)
    organizations: dict[int, dict[str, Any]] = field(default_factory=dict)
    clock: Clock = field(default_factory=Clock)
    faults: Faults = field(default_factory=Faults)
    # tickets generated on the fly for the benchmark: ticket i (0-based) of `bulk`
    bulk: int = 0

    def put_ticket(self, tid: int, **fields: Any) -> None:
        now = iso(self.clock.tick())
        t = self.tickets.setdefault(
            tid, {"id": tid, "created_at": now, "status": "new", "priority": "normal"}
        )
        t.update(fields)
        t["updated_at"] = now

    def put_rating(self, rid: int, **fields: Any) -> None:
        now = iso(self.clock.tick())
        r = self.ratings.setdefault(rid, {"id": rid, "created_at": now})
        r.update(fields)
        r["updated_at"] = now


def _bulk_ticket(i: int) -> dict[str, Any]:
    at = iso(dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=i))
    return {
        "id": i + 1,
        "organization_id": 1 + i % 100_000,
        "requester_id": 10 * i,
        "subject": f"Ticket {i}",
        "status": "open",
        "priority": "normal",
        "created_at": at,
        "updated_at": at,
        "url": f"/api/v2/tickets/{i + 1}.json",
        "tags": ["billing"],
        "via": {"channel": "email"},
    }


def make_app(state: ZendeskState) -> Starlette:
    def authed(request: Request) -> bool:
        if bearer(request) == "zd-oauth":
            return True
        value = request.headers.get("authorization", "")
        if not value.startswith("Basic "):
            return False
        user = base64.b64decode(value[6:]).decode()
        return user == f"{state.email}/token:{state.api_token}"

    def gate(request: Request, data: bool = True) -> Response | None:
        if not authed(request):
            return JSONResponse({"error": "Couldn't authenticate you"}, 401)
        return state.faults.gate(
            data,
            {"error": "TooManyRequests", "description": "Rate limit exceeded"},
            {"error": "InternalError", "description": "Something went wrong"},
        )

    async def me(request: Request) -> Response:
        if (fault := gate(request, data=False)) is not None:
            return fault
        return JSONResponse({"user": {"id": 1, "email": state.email, "role": "admin"}})

    async def export(request: Request) -> Response:
        if (fault := gate(request)) is not None:
            return fault
        q = request.query_params
        size = min(1000, int(q.get("per_page", 1000)))
        if "cursor" in q:
            position = int(base64.b64decode(q["cursor"]).decode())
        elif "start_time" in q and int(q["start_time"]) > time.time() - 60:
            return JSONResponse(
                {
                    "error": "InvalidValue",
                    "description": "Too recent start_time. Use a start_time older than 1 minute",
                },
                400,
            )
        elif "start_time" in q:
            position = -int(q["start_time"]) - 1  # resolved below
        else:
            return JSONResponse(
                {
                    "error": "InvalidPaginationParameter",
                    "description": "start_time or cursor is required",
                },
                400,
            )
        if state.bulk:
            total = state.bulk
            if position < 0:
                start = -position - 1
                base = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp())
                position = max(0, start - base)
            chunk = [_bulk_ticket(i) for i in range(position, min(total, position + size))]
        else:
            order = sorted(state.tickets.values(), key=lambda t: (t["updated_at"], t["id"]))
            if position < 0:
                start = -position - 1
                position = next(
                    (n for n, t in enumerate(order) if _unix(t["updated_at"]) >= start), len(order)
                )
            total = len(order)
            chunk = order[position : position + size]
        after = position + len(chunk)
        cursor = base64.b64encode(str(after).encode()).decode()
        return JSONResponse(
            {
                "tickets": chunk,
                "after_cursor": cursor,
                "after_url": f"{request.base_url}{EXPORT}?cursor={cursor}",
                "before_cursor": None,
                "before_url": None,
                "end_of_stream": after >= total,
            }
        )

    async def ratings(request: Request) -> Response:
        if (fault := gate(request)) is not None:
            return fault
        q = request.query_params
        size = min(100, int(q.get("page[size]", 100)))
        since = int(q.get("start_time", 0))
        order = sorted(
            (r for r in state.ratings.values() if _unix(r["updated_at"]) >= since),
            key=lambda r: (r["updated_at"], r["id"]),
        )
        position = int(base64.b64decode(q["page[after]"]).decode()) if "page[after]" in q else 0
        chunk = order[position : position + size]
        more = position + size < len(order)
        cursor = base64.b64encode(str(position + size).encode()).decode()
        return JSONResponse(
            {
                "satisfaction_ratings": chunk,
                "meta": {
                    "has_more": more,
                    "after_cursor": cursor if more else None,
                    "before_cursor": None,
                },
                "links": {"next": f"?page[after]={cursor}" if more else None, "prev": None},
            }
        )

    async def show_many(request: Request) -> Response:
        if (fault := gate(request, data=False)) is not None:
            return fault
        ids = [int(i) for i in request.query_params.get("ids", "").split(",") if i]
        if len(ids) > 100:
            return JSONResponse({"error": "InvalidValue", "description": "100 ids at most"}, 400)
        return JSONResponse({"tickets": [state.tickets[i] for i in ids if i in state.tickets]})

    async def organizations(request: Request) -> Response:
        if (fault := gate(request, data=False)) is not None:
            return fault
        ids = [int(i) for i in request.query_params.get("ids", "").split(",") if i]
        if len(ids) > 100:
            return JSONResponse({"error": "InvalidValue", "description": "100 ids at most"}, 400)
        found = [state.organizations[i] for i in ids if i in state.organizations]
        return JSONResponse({"organizations": found})

    return Starlette(
        routes=[
            Route("/api/v2/users/me.json", me),
            Route("/api/v2/incremental/tickets/cursor.json", export),
            Route("/api/v2/satisfaction_ratings.json", ratings),
            Route("/api/v2/tickets/show_many.json", show_many),
            Route("/api/v2/organizations/show_many.json", organizations),
        ]
    )
