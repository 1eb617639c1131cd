"""A stand-in for Stripe's API v1, as docs.stripe.com/api documents it.

- A secret key as ``Authorization: Bearer``; a wrong one is 401 with
  ``{"error": {"type": "invalid_request_error", "message": "Invalid API Key provided..."}}``.
- ``GET /v1/customers``, ``/v1/subscriptions`` (``status``: the default leaves out
  canceled ones, ``all`` keeps them), ``/v1/invoices``, ``/v1/events`` (``type``): newest
  first; ``limit`` (1 to 100), ``starting_after`` / ``ending_before`` (an object id),
  ``created[gt|gte|lt|lte]``; answers ``{"object": "list", "data": [...], "has_more",
  "url"}``.
- Canceling a subscription sets its status, ``canceled_at`` and ``ended_at`` and records a
  ``customer.subscription.deleted`` event holding it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.sources.standins.base import Clock, Faults, bearer

LISTS = ("customers", "subscriptions", "invoices", "events")


@dataclass
class StripeState:
    api_key: str = "sk_test_51Standin"
    objects: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {k: {} for k in LISTS}
    )
    clock: Clock = field(default_factory=Clock)
    faults: Faults = field(default_factory=Faults)
    _seq: Any = field(default_factory=itertools.count)

    def add(self, kind: str, oid: str, **fields: Any) -> dict[str, Any]:
        created = int(self.clock.tick().timestamp())
        obj = {
            "id": oid,
            "object": kind.rstrip("s"),
            "created": created,
            "livemode": False,
            "_seq": next(self._seq),
            **fields,
        }
        self.objects[kind][oid] = obj
        return obj

    def subscribe(
        self, sid: str, customer: str, amount: int, interval: str = "month", quantity: int = 1
    ) -> None:
        self.add(
            "subscriptions",
            sid,
            customer=customer,
            status="active",
            start_date=int(self.clock.now.timestamp()),
            ended_at=None,
            canceled_at=None,
            items={
                "object": "list",
                "data": [
                    {
                        "id": f"si_{sid}",
                        "quantity": quantity,
                        "price": {
                            "id": f"price_{interval}",
                            "product": "prod_Platform",
                            "unit_amount": amount,
                            "recurring": {"interval": interval, "interval_count": 1},
                        },
                    }
                ],
            },
        )

    def cancel(self, sid: str) -> None:
        sub = self.objects["subscriptions"][sid]
        now = int(self.clock.tick().timestamp())
        sub.update(status="canceled", canceled_at=now, ended_at=now)
        public = {k: v for k, v in sub.items() if not k.startswith("_")}
        self.add(
            "events", f"evt_{sid}", type="customer.subscription.deleted", data={"object": public}
        )


def make_app(state: StripeState) -> Starlette:
    def gate(request: Request, data: bool = True) -> Response | None:
        key = bearer(request)
        if key != state.api_key:
            shown = (key or "")[:8] + "*" * 4
            return JSONResponse(
                {
                    "error": {
                        "type": "invalid_request_error",
                        "message": f"Invalid API Key provided: {shown}",
                    }
                },
                401,
            )
        return state.faults.gate(
            data,
            {
                "error": {
                    "type": "rate_limit_error",
                    "code": "rate_limit",
                    "message": "Too many requests hit the API too quickly.",
                }
            },
            {"error": {"type": "api_error", "message": "An unknown error occurred"}},
        )

    def listing(kind: str) -> Any:
        async def handler(request: Request) -> Response:
            if (fault := gate(request)) is not None:
                return fault
            q = request.query_params
            limit = int(q.get("limit", 10))
            if not 1 <= limit <= 100:
                return JSONResponse(
                    {"error": {"type": "invalid_request_error", "param": "limit"}}, 400
                )
            items = sorted(
                state.objects[kind].values(), key=lambda o: (o["created"], o["_seq"]), reverse=True
            )
            ops = {"gt": int.__gt__, "gte": int.__ge__, "lt": int.__lt__, "lte": int.__le__}
            for op, test in ops.items():
                if (v := q.get(f"created[{op}]")) is not None:
                    items = [o for o in items if test(o["created"], int(v))]
            if kind == "subscriptions" and q.get("status", "") != "all":
                wanted = q.get("status")
                items = [
                    o
                    for o in items
                    if (o["status"] == wanted if wanted else o["status"] != "canceled")
                ]
            if kind == "events" and q.get("type"):
                items = [o for o in items if o["type"] == q["type"]]
            ids = [o["id"] for o in items]
            if (after := q.get("starting_after")) is not None:
                if after not in ids:
                    return JSONResponse(
                        {
                            "error": {
                                "type": "invalid_request_error",
                                "message": f"No such object: '{after}'",
                            }
                        },
                        400,
                    )
                items = items[ids.index(after) + 1 :]
            elif (before := q.get("ending_before")) is not None:
                items = items[: ids.index(before)][-limit:]
            page = items[:limit]
            return JSONResponse(
                {
                    "object": "list",
                    "url": f"/v1/{kind}",
                    "has_more": len(items) > limit,
                    "data": [{k: v for k, v in o.items() if not k.startswith("_")} for o in page],
                }
            )

        return handler

    return Starlette(routes=[Route(f"/v1/{k}", listing(k)) for k in LISTS])
