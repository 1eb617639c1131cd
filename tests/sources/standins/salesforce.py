"""A stand-in for Salesforce's REST API, as developer.salesforce.com documents it.

- OAuth 2.0: ``POST /services/oauth2/token`` (client credentials flow) answers an
  ``access_token`` and ``instance_url``, or 400 ``invalid_client``; every other call needs
  ``Authorization: Bearer`` and answers 401 ``INVALID_SESSION_ID`` without it.
- ``GET /services/data/vXX.X/query?q=SOQL``: the SOQL this stand-in understands is what a
  connector sends, ``SELECT fields FROM Object [WHERE SystemModstamp >= datetime] ORDER BY
  SystemModstamp ASC, Id ASC``; relationship fields (``Owner.Email``) come back nested.
  Answers ``totalSize``, ``done``, ``records`` (each with ``attributes``) and, while not
  done, ``nextRecordsUrl`` (``/services/data/vXX.X/query/LOCATOR-OFFSET``); the batch is
  2,000 records or the ``Sforce-Query-Options: batchSize=N`` header (200 to 2,000).
- ``PATCH /services/data/vXX.X/composite/sobjects``: at most 200 records; answers one
  result per record, in order; an unknown id fails with ``INVALID_CROSS_REFERENCE_KEY``.
- ``GET /services/data/vXX.X/limits``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.sources.standins.base import Clock, Faults, bearer

QUERY = re.compile(
    r"^SELECT (?P<fields>.+?) FROM (?P<obj>\w+)"
    r"(?: WHERE SystemModstamp >= (?P<since>\S+))?"
    r" ORDER BY SystemModstamp ASC, Id ASC$"
)


def stamp(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


@dataclass
class SalesforceState:
    client_id: str = "3MVG9-client"
    client_secret: str = "s3cret"
    objects: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    clock: Clock = field(default_factory=Clock)
    faults: Faults = field(default_factory=Faults)
    tokens: set[str] = field(default_factory=lambda: {"00D-static-token"})
    locators: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    writes: dict[str, int] = field(default_factory=dict)
    _ids: Any = field(default_factory=itertools.count)

    def put(self, obj: str, oid: str, **fields: Any) -> None:
        now = self.clock.tick()
        rec = self.objects.setdefault(obj, {}).setdefault(
            oid, {"Id": oid, "CreatedDate": stamp(now)}
        )
        rec.update(fields)
        rec["SystemModstamp"] = stamp(now)


def make_app(state: SalesforceState, version: str = "v60.0") -> Starlette:
    def gate(request: Request, data: bool = True) -> Response | None:
        if bearer(request) not in state.tokens:
            return JSONResponse(
                [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}], 401
            )
        return state.faults.gate(
            data,
            [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
            [{"message": "An unexpected error occurred.", "errorCode": "UNKNOWN_EXCEPTION"}],
        )

    async def token(request: Request) -> Response:
        form = await request.form()
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret")) != (
            "client_credentials",
            state.client_id,
            state.client_secret,
        ):
            return JSONResponse(
                {"error": "invalid_client", "error_description": "invalid client credentials"}, 400
            )
        tok = f"00D!{next(state._ids)}"
        state.tokens.add(tok)
        return JSONResponse(
            {
                "access_token": tok,
                "instance_url": str(request.base_url)[:-1],
                "token_type": "Bearer",
                "issued_at": "0",
                "signature": "x",
            }
        )

    def record(obj: str, rec: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "attributes": {
                "type": obj,
                "url": f"/services/data/{version}/sobjects/{obj}/{rec['Id']}",
            }
        }
        for f in fields:
            if "." in f:
                rel, sub = f.split(".", 1)
                out[rel] = {"attributes": {"type": "User"}, sub: rec.get(f)}
            else:
                out[f] = rec.get(f)
        return out

    def batch(request: Request, locator: str, offset: int) -> JSONResponse:
        rows = state.locators[locator]
        opts = request.headers.get("sforce-query-options", "")
        size = int(m.group(1)) if (m := re.search(r"batchSize=(\d+)", opts)) else 2000
        size = max(200, min(2000, size))
        chunk = rows[offset : offset + size]
        body: dict[str, Any] = {
            "totalSize": len(rows),
            "done": offset + size >= len(rows),
            "records": chunk,
        }
        if not body["done"]:
            body["nextRecordsUrl"] = f"/services/data/{version}/query/{locator}-{offset + size}"
        return JSONResponse(body)

    async def query(request: Request) -> Response:
        if (fault := gate(request)) is not None:
            return fault
        m = QUERY.match(request.query_params.get("q", ""))
        if m is None:
            return JSONResponse(
                [{"message": "unexpected token", "errorCode": "MALFORMED_QUERY"}], 400
            )
        fields = [f.strip() for f in m["fields"].split(",")]
        recs = list(state.objects.get(m["obj"], {}).values())
        if m["since"]:
            since = dt.datetime.fromisoformat(m["since"].replace("Z", "+00:00"))
            recs = [
                r
                for r in recs
                if dt.datetime.strptime(r["SystemModstamp"], "%Y-%m-%dT%H:%M:%S.000+0000").replace(
                    tzinfo=dt.UTC
                )
                >= since
            ]
        recs.sort(key=lambda r: (r["SystemModstamp"], r["Id"]))
        locator = f"01g{next(state._ids)}"
        state.locators[locator] = [record(m["obj"], r, fields) for r in recs]
        return batch(request, locator, 0)

    async def more(request: Request) -> Response:
        if (fault := gate(request)) is not None:
            return fault
        locator, offset = request.path_params["locator"].rsplit("-", 1)
        return batch(request, locator, int(offset))

    async def limits(request: Request) -> Response:
        if (fault := gate(request, data=False)) is not None:
            return fault
        return JSONResponse({"DailyApiRequests": {"Max": 15000, "Remaining": 14998}})

    async def collections(request: Request) -> Response:
        if (fault := gate(request)) is not None:
            return fault
        records = (await request.json())["records"]
        if len(records) > 200:
            return JSONResponse(
                [{"message": "more than 200 records", "errorCode": "EXCEEDED_ID_LIMIT"}], 400
            )
        out = []
        for r in records:
            oid = r["id"]
            if oid not in state.objects.get(r["attributes"]["type"], {}):
                out.append(
                    {
                        "id": oid,
                        "success": False,
                        "errors": [
                            {
                                "statusCode": "INVALID_CROSS_REFERENCE_KEY",
                                "message": "invalid cross reference id",
                                "fields": [],
                            }
                        ],
                    }
                )
                continue
            state.put(
                r["attributes"]["type"],
                oid,
                **{k: v for k, v in r.items() if k not in ("attributes", "id")},
            )
            state.writes[oid] = state.writes.get(oid, 0) + 1
            out.append({"id": oid, "success": True, "errors": []})
        return JSONResponse(out)

    base = f"/services/data/{version}"
    return Starlette(
        routes=[
            Route("/services/oauth2/token", token, methods=["POST"]),
            Route(f"{base}/query", query),
            Route(f"{base}/query/{{locator}}", more),
            Route(f"{base}/limits", limits),
            Route(f"{base}/composite/sobjects", collections, methods=["PATCH"]),
        ]
    )
