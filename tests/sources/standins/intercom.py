"""A stand-in for Intercom's REST API 2.11, as developers.intercom.com documents it.

- ``Authorization: Bearer`` access token; a wrong one is 401 with
  ``{"type": "error.list", "errors": [{"code": "unauthorized", ...}]}``. ``GET /me``
  answers the admin.
- ``GET /companies/scroll``: pages of ``data`` with a ``scroll_param`` to pass back; an
  empty ``data`` ends the scroll.
- ``POST /conversations/search`` and ``POST /contacts/search``: ``query`` (one
  ``field``/``operator``/``value``: ``>``, ``<``, ``=`` on ``updated_at``, or ``IN`` on
  ``id``), ``sort``, ``pagination.per_page`` (up to 150) and ``pagination.starting_after``;
  answers ``conversations`` (or ``data``), ``total_count`` and ``pages`` with
  ``next.starting_after`` while there are more. Contacts hold their ``companies``
  (Intercom's own company ids); ``GET /companies/{id}`` answers one, with its ``company_id``.
"""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.sources.standins.base import Clock, Faults, bearer


@dataclass
class IntercomState:
    token: str = "dG9rOmludGVyY29t"
    companies: dict[str, dict[str, Any]] = field(default_factory=dict)
    conversations: dict[str, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    clock: Clock = field(default_factory=Clock)
    faults: Faults = field(default_factory=Faults)
    scrolls: dict[str, int] = field(default_factory=dict)
    _ids: Any = field(default_factory=itertools.count)

    def put_company(self, company_id: str, **fields: Any) -> None:
        now = int(self.clock.tick().timestamp())
        c = self.companies.setdefault(
            company_id,
            {
                "type": "company",
                "id": f"ic{next(self._ids)}",
                "company_id": company_id,
                "created_at": now,
            },
        )
        c.update(fields, updated_at=now)

    def put_contact(self, cid: str, external_id: str, company_id: str, **fields: Any) -> None:
        company = self.companies[company_id]["id"]
        now = int(self.clock.tick().timestamp())
        self.contacts[cid] = {
            "type": "contact",
            "id": cid,
            "external_id": external_id,
            "role": "user",
            "email": f"{external_id}@example.com",
            "name": f"User {external_id}",
            "created_at": self.contacts.get(cid, {}).get("created_at", now),
            "updated_at": now,
            **fields,
            "companies": {
                "type": "list",
                "data": [{"type": "company", "id": company, "url": f"/companies/{company}"}],
                "url": f"/contacts/{cid}/companies",
                "total_count": 1,
                "has_more": False,
            },
        }

    def put_conversation(self, cid: str, **fields: Any) -> None:
        now = int(self.clock.tick().timestamp())
        c = self.conversations.setdefault(
            cid,
            {
                "type": "conversation",
                "id": cid,
                "created_at": now,
                "state": "open",
                "priority": "not_priority",
                "custom_attributes": {},
                "contacts": {"type": "contact.list", "contacts": []},
            },
        )
        c.update(fields, updated_at=now)


def make_app(state: IntercomState) -> Starlette:
    def gate(request: Request, data: bool = True) -> Response | None:
        if bearer(request) != state.token:
            return JSONResponse(
                {
                    "type": "error.list",
                    "request_id": "r0",
                    "errors": [{"code": "unauthorized", "message": "Access Token Invalid"}],
                },
                401,
            )
        return state.faults.gate(
            data,
            {
                "type": "error.list",
                "errors": [{"code": "rate_limit_exceeded", "message": "Rate Limit Exceeded"}],
            },
            {"type": "error.list", "errors": [{"code": "server_error", "message": "Server Error"}]},
        )

    async def me(request: Request) -> Response:
        if (fault := gate(request, data=False)) is not None:
            return fault
        return JSONResponse({"type": "admin", "id": "1", "email": "admin@example.com"})

    async def scroll(request: Request) -> Response:
        if (fault := gate(request)) is not None:
            return fault
        token = request.query_params.get("scroll_param")
        if token is None:
            token = f"scroll-{next(state._ids)}"
            state.scrolls[token] = 0
        elif token not in state.scrolls:
            return JSONResponse(
                {
                    "type": "error.list",
                    "errors": [{"code": "not_found", "message": "scroll parameter not found"}],
                },
                404,
            )
        at = state.scrolls[token]
        items = sorted(state.companies.values(), key=lambda c: c["id"])[at : at + 50]
        state.scrolls[token] = at + len(items)
        return JSONResponse(
            {
                "type": "list",
                "data": items,
                "pages": None,
                "total_count": None,
                "scroll_param": token,
            }
        )

    def searcher(kind: str) -> Any:
        """``POST /{kind}/search``: one query (``>``, ``<``, ``=`` on a time, ``IN`` on
        ids), a sort, and pages of ``per_page`` (up to 150) by ``starting_after``."""
        held = state.conversations if kind == "conversations" else state.contacts
        tests = {">": int.__gt__, "<": int.__lt__, "=": int.__eq__}

        async def search(request: Request) -> Response:
            # the contacts search is also the conversations' lookup: count its pages apart
            if (fault := gate(request, data=kind == "conversations")) is not None:
                return fault
            body = await request.json()
            q = body.get("query", {})
            items = list(held.values())
            if q.get("operator") == "IN":
                items = [held[i] for i in q["value"] if i in held]
            elif q:
                test = tests[q["operator"]]
                items = [c for c in items if test(int(c[q["field"]]), int(q["value"]))]
            sort = body.get("sort") or {"field": "updated_at", "order": "descending"}
            items.sort(
                key=lambda c: (c[sort["field"]], c["id"]),
                reverse=sort.get("order") == "descending",
            )
            pagination = body.get("pagination") or {}
            per = min(150, int(pagination.get("per_page", 20)))
            after = pagination.get("starting_after")
            at = int(base64.b64decode(after).decode()) if after else 0
            pages: dict[str, Any] = {
                "type": "pages",
                "page": at // per + 1,
                "per_page": per,
                "total_pages": -(-len(items) // per),
            }
            if at + per < len(items):
                pages["next"] = {
                    "page": at // per + 2,
                    "starting_after": base64.b64encode(str(at + per).encode()).decode(),
                }
            key = "conversations" if kind == "conversations" else "data"
            return JSONResponse(
                {
                    "type": "conversation.list" if kind == "conversations" else "list",
                    key: items[at : at + per],
                    "total_count": len(items),
                    "pages": pages,
                }
            )

        return search

    async def company(request: Request) -> Response:
        if (fault := gate(request, data=False)) is not None:
            return fault
        cid = request.path_params["cid"]
        for c in state.companies.values():
            if c["id"] == cid:
                return JSONResponse(c)
        return JSONResponse(
            {
                "type": "error.list",
                "errors": [{"code": "company_not_found", "message": "Company Not Found"}],
            },
            404,
        )

    return Starlette(
        routes=[
            Route("/me", me),
            Route("/companies/scroll", scroll),
            Route("/companies/{cid}", company),
            Route("/contacts/search", searcher("contacts"), methods=["POST"]),
            Route("/conversations/search", searcher("conversations"), methods=["POST"]),
        ]
    )
