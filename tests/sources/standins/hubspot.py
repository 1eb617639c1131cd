"""A stand-in for HubSpot's CRM API v3, as developers.hubspot.com documents it.

- Private app token as ``Authorization: Bearer``; otherwise 401 with category
  INVALID_AUTHENTICATION.
- ``GET /crm/v3/objects/{type}`` and ``GET /crm/v3/owners``: ``limit`` (at most 100) and
  ``after``, answered with ``results`` and ``paging.next.after``.
- ``POST /crm/v3/objects/{type}/search``: ``filterGroups`` (``GTE``/``GT``/``EQ`` on a
  property; datetimes as Unix milliseconds), ``sorts``, ``properties``, ``limit`` (at most
  200) and ``after``; ``after`` past 10,000 is a 400, as HubSpot answers.
- ``POST /crm/v4/associations/{type}/companies/batch/read``: at most 1,000 inputs; answers
  each object's companies (``toObjectId``) with their association types (the primary
  one labelled ``Primary``); an object without companies is left out.
- ``POST /crm/v3/objects/companies/batch/update``: at most 100 inputs; an unknown id is a
  207 multi-status with an OBJECT_NOT_FOUND error naming it, the others are written.
- 429 with Retry-After and a JSON error (``category: RATE_LIMITS``), 500s: see ``Faults``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.sources.standins.base import Clock, Faults, bearer

TYPES = ("companies", "deals", "tickets", "calls", "meetings", "emails", "notes")


def iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class HubSpotState:
    token: str = "pat-na1-test"
    objects: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {t: {} for t in TYPES}
    )
    owners: list[dict[str, Any]] = field(default_factory=list)
    clock: Clock = field(default_factory=Clock)
    faults: Faults = field(default_factory=Faults)
    # how many times each company's properties were written by a batch update
    writes: dict[str, int] = field(default_factory=dict)
    # the search endpoint pages this many results at most (HubSpot: 10,000)
    search_limit: int = 10_000
    # (type, id) -> [(company id, primary)]
    associations: dict[tuple[str, str], list[tuple[str, bool]]] = field(default_factory=dict)

    def put(self, kind: str, oid: str, **props: Any) -> None:
        """Create or change an object: its properties and its modification time."""
        now = self.clock.tick()
        obj = self.objects[kind].setdefault(
            oid,
            {
                "id": oid,
                "properties": {"createdate": iso(now)},
                "createdAt": iso(now),
                "archived": False,
            },
        )
        obj["properties"].update({k: v for k, v in props.items()})
        obj["properties"]["hs_lastmodifieddate"] = iso(now)
        obj["properties"]["hs_object_id"] = oid
        obj["updatedAt"] = iso(now)


def _association(kind: str, primary: bool) -> dict[str, Any]:
    # HubSpot's defined association types to a company: deal 5 / 341, ticket 26 / 339
    ids = {
        "deals": (5, 341),
        "tickets": (26, 339),
        "calls": (182, 182),
        "meetings": (188, 188),
        "emails": (186, 186),
        "notes": (190, 190),
    }[kind]
    types: list[dict[str, Any]] = [{"category": "HUBSPOT_DEFINED", "typeId": ids[1], "label": None}]
    if primary:
        types.insert(0, {"category": "HUBSPOT_DEFINED", "typeId": ids[0], "label": "Primary"})
    return {"associationTypes": types}


def _error(status: int, category: str, message: str) -> JSONResponse:
    return JSONResponse(
        {
            "status": "error",
            "message": message,
            "category": category,
            "correlationId": "00000000-0000-0000-0000-000000000000",
        },
        status,
    )


def _ms(value: Any) -> int:
    if isinstance(value, int | float) or str(value).isdigit():
        return int(value)
    return int(dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp() * 1000)


def _view(obj: dict[str, Any], names: list[str] | None) -> dict[str, Any]:
    props = obj["properties"]
    keep = names or ["createdate", "hs_lastmodifieddate", "hs_object_id", "name"]
    return {**obj, "properties": {k: props.get(k) for k in keep}}


def make_app(state: HubSpotState) -> Starlette:
    def gate(request: Request, data: bool = True) -> Response | None:
        if bearer(request) != state.token:
            return _error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found.")
        fault = state.faults.gate(
            data,
            {
                "status": "error",
                "message": "You have reached your secondly limit.",
                "errorType": "RATE_LIMIT",
                "category": "RATE_LIMITS",
            },
            {"status": "error", "message": "internal error", "category": "INTERNAL_ERROR"},
        )
        return fault

    def page(
        items: list[dict[str, Any]],
        after: int,
        limit: int,
        names: list[str] | None,
        total: bool = False,
    ) -> JSONResponse:
        chunk = items[after : after + limit]
        body: dict[str, Any] = {"results": [_view(o, names) for o in chunk]}
        if total:
            body["total"] = len(items)
        if after + limit < len(items):
            nxt = str(after + limit)
            body["paging"] = {"next": {"after": nxt, "link": f"?after={nxt}"}}
        return JSONResponse(body)

    async def list_objects(request: Request) -> Response:
        if (fault := gate(request)) is not None:
            return fault
        kind = request.path_params["kind"]
        limit = int(request.query_params.get("limit", 10))
        if limit > 100:
            return _error(400, "VALIDATION_ERROR", "limit must be at most 100")
        props = request.query_params.get("properties")
        items = sorted(state.objects[kind].values(), key=lambda o: int(o["id"]))
        return page(
            items,
            int(request.query_params.get("after", 0)),
            limit,
            props.split(",") if props else None,
        )

    async def search(request: Request) -> Response:
        if (fault := gate(request)) is not None:
            return fault
        kind = request.path_params["kind"]
        body = await request.json()
        limit = int(body.get("limit", 10))
        after = int(body.get("after", 0) or 0)
        if limit > 200:
            return _error(400, "VALIDATION_ERROR", "limit must be at most 200")
        if after >= state.search_limit:
            return _error(
                400, "VALIDATION_ERROR", "The search endpoint pages to 10,000 results at most."
            )
        items = list(state.objects[kind].values())
        for group in body.get("filterGroups", [])[:1]:
            for f in group.get("filters", []):
                name, op, value = f["propertyName"], f["operator"], f.get("value")
                dated = name in ("hs_lastmodifieddate", "createdate")

                def keep(
                    o: dict[str, Any],
                    name: str = name,
                    op: str = op,
                    value: Any = value,
                    dated: bool = dated,
                ) -> bool:
                    have = o["properties"].get(name)
                    if have is None:
                        return False
                    a, b = (_ms(have), _ms(value)) if dated else (str(have), str(value))
                    return {"GTE": a >= b, "GT": a > b, "EQ": a == b}[op]

                items = [o for o in items if keep(o)]
        for s in reversed(body.get("sorts", [])):
            items.sort(
                key=lambda o, n=s["propertyName"]: o["properties"].get(n) or "",
                reverse=s.get("direction") == "DESCENDING",
            )
        return page(items, after, limit, body.get("properties"), total=True)

    async def owners(request: Request) -> Response:
        if (fault := gate(request, data=False)) is not None:
            return fault
        limit = int(request.query_params.get("limit", 100))
        after = int(request.query_params.get("after", 0))
        chunk = state.owners[after : after + limit]
        body: dict[str, Any] = {"results": chunk}
        if after + limit < len(state.owners):
            body["paging"] = {"next": {"after": str(after + limit)}}
        return JSONResponse(body)

    async def batch_update(request: Request) -> Response:
        if (fault := gate(request)) is not None:
            return fault
        inputs = (await request.json()).get("inputs", [])
        if len(inputs) > 100:
            return _error(400, "VALIDATION_ERROR", "at most 100 inputs in a batch")
        done, missing = [], []
        for one in inputs:
            oid = str(one["id"])
            if oid not in state.objects["companies"]:
                missing.append(oid)
                continue
            state.put("companies", oid, **one["properties"])
            state.writes[oid] = state.writes.get(oid, 0) + 1
            done.append(state.objects["companies"][oid])
        body: dict[str, Any] = {"status": "COMPLETE", "results": done}
        if missing:
            body["errors"] = [
                {
                    "status": "error",
                    "category": "OBJECT_NOT_FOUND",
                    "message": "Could not get some COMPANY objects, they may be "
                    "deleted or not exist.",
                    "context": {"ids": missing},
                }
            ]
            body["numErrors"] = 1
            return JSONResponse(body, 207)
        return JSONResponse(body)

    async def associations(request: Request) -> Response:
        if (fault := gate(request, data=False)) is not None:
            return fault
        kind = request.path_params["kind"]
        inputs = (await request.json()).get("inputs", [])
        if len(inputs) > 1000:
            return _error(400, "VALIDATION_ERROR", "at most 1000 inputs in a batch")
        results = []
        for one in inputs:
            linked = state.associations.get((kind, str(one["id"])), [])
            if linked:
                results.append(
                    {
                        "from": {"id": str(one["id"])},
                        "to": [
                            {"toObjectId": int(c), **_association(kind, primary)}
                            for c, primary in linked
                        ],
                    }
                )
        return JSONResponse({"status": "COMPLETE", "results": results})

    return Starlette(
        routes=[
            Route(
                "/crm/v4/associations/{kind:str}/companies/batch/read",
                associations,
                methods=["POST"],
            ),
            Route("/crm/v3/objects/{kind:str}", list_objects, methods=["GET"]),
            Route("/crm/v3/objects/companies/batch/update", batch_update, methods=["POST"]),
            Route("/crm/v3/objects/{kind:str}/search", search, methods=["POST"]),
            Route("/crm/v3/owners", owners, methods=["GET"]),
        ]
    )
