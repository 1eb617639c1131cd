"""Stripe (API v1): customers, subscriptions, invoices, and cancellations as churn.

Authentication is a secret (or restricted) key (secret ``api_key``) sent as a Bearer
token. Every list is read with ``limit`` and ``starting_after`` (the last object's id)
while ``has_more``, filtered by ``created[gte]``; Stripe lists newest first, so the cursor
after a page cannot simply be the newest time read: a read that stops halfway must still
read everything older. Mid-read the cursor is ``resume:LOW:HIGH:TOP``: the read that
resumes asks for ``created[gte]=LOW&created[lte]=HIGH`` (HIGH, the oldest time read so
far, is read again, so nothing at it is lost), and when it completes the cursor becomes
TOP, the newest time read (Unix seconds, like Stripe's own ``created``).

Stripe lists filter by creation only: a change to an object already read (a customer's
name) waits for a full refresh. Cancellations do not: they are read from the events list
(``customer.subscription.deleted``), and become ``outcomes`` rows of kind churned. Stripe
keeps events for 30 days: sync more often than that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar

from stethoscope.sources.connector import Page, Stream
from stethoscope.sources.saas.rest import RestConnector, Row, option, rows_table, unix_iso

# months per Stripe price interval
MONTHS = {"month": 1, "year": 12}
PER_MONTH = {"day": 365 / 12, "week": 52 / 12, "month": 1, "year": 1 / 12}

STREAMS = (
    Stream(
        "customers",
        "accounts",
        "id",
        "created",
        {
            "id": "id",
            "name": "name",
            "customer_since": "customer_since",
        },
    ),
    Stream(
        "subscriptions",
        "subscriptions",
        "id",
        "created",
        {
            "id": "id",
            "account_id": "customer",
            "product": "product",
            "mrr": "mrr",
            "quantity": "quantity",
            "start_date": "start_date",
            "end_date": "end_date",
            "term_months": "term_months",
        },
    ),
    Stream(
        "invoices",
        "events",
        "id",
        "created",
        {
            "account_id": "customer",
            "event": "event",
            "timestamp": "created_at",
            "message_id": "message_id",
        },
    ),
    Stream(
        "cancellations",
        "outcomes",
        "id",
        "created",
        {
            "id": "id",
            "account_id": "customer",
            "kind": "kind",
            "date": "date",
            "arr_change": "arr_change",
        },
    ),
)
PATHS = {
    "customers": ("v1/customers", {}),
    "subscriptions": ("v1/subscriptions", {"status": "all"}),
    "invoices": ("v1/invoices", {}),
    "cancellations": ("v1/events", {"type": "customer.subscription.deleted"}),
}


def parse(cursor: str | None) -> tuple[int, int | None, int | None]:
    """(low, high, top) of a cursor: ``TOP`` or ``resume:LOW:HIGH:TOP``."""
    if cursor is None:
        return 0, None, None
    if cursor.startswith("resume:"):
        low, high, top = cursor.split(":")[1:]
        return int(low), int(high), int(top)
    return int(cursor), None, None


def _day(unix: Any) -> str | None:
    return None if unix is None else dt.datetime.fromtimestamp(int(unix), dt.UTC).date().isoformat()


def _paginator() -> Any:
    from dlt.sources.helpers.rest_client.paginators import BasePaginator

    class StartingAfter(BasePaginator):
        """``starting_after`` = the last object's id while ``has_more``."""

        def __init__(self) -> None:
            super().__init__()
            self.last: str | None = None

        def update_state(self, response: Any, data: list[Any] | None = None) -> None:
            body = response.json()
            objects = body.get("data") or []
            self._has_next_page = bool(body.get("has_more")) and bool(objects)
            self.last = objects[-1]["id"] if objects else None

        def update_request(self, request: Any) -> None:
            request.params["starting_after"] = self.last

    return StartingAfter()


def mrr(sub: Row) -> float:
    total = 0.0
    for item in (sub.get("items") or {}).get("data", []):
        price = item.get("price") or {}
        recurring = price.get("recurring") or {}
        per = PER_MONTH.get(recurring.get("interval", "month"), 1) / int(
            recurring.get("interval_count") or 1
        )
        total += (price.get("unit_amount") or 0) / 100 * (item.get("quantity") or 1) * per
    return round(total, 2)


class Stripe(RestConnector):
    kind: ClassVar[str] = "stripe"
    default_base_url: ClassVar[str] = "https://api.stripe.com"
    check_path: ClassVar[str] = "v1/customers?limit=1"

    def streams(self) -> Sequence[Stream]:
        return STREAMS

    def auth(self) -> Any:
        from dlt.sources.helpers.rest_client.auth import BearerTokenAuth

        return BearerTokenAuth(self.secrets.get("api_key", ""))

    def endpoint(self, stream: Stream, cursor: str | None) -> dict[str, Any]:
        path, params = PATHS[stream.name]
        low, high, _ = parse(cursor)
        incremental: dict[str, Any] = {
            "cursor_path": "created",
            "initial_value": low,
            "start_param": "created[gte]",
            "row_order": "desc",
        }
        if high is not None:
            incremental |= {"end_value": high, "end_param": "created[lte]", "range_end": "closed"}
        return {
            "path": path,
            "params": {**params, "limit": int(option(self.options, "page_size", 100))},
            "data_selector": "data",
            "paginator": _paginator(),
            "incremental": incremental,
        }

    def cursor_value(self, text_cursor: str) -> Any:
        return int(text_cursor)

    def next_cursor(self, stream: Stream, start: str | None, rows: Sequence[Row]) -> str | None:
        """``resume:LOW:HIGH:TOP`` after a page; ``page(final=True)`` turns it into TOP."""
        low, high, top = parse(start)
        if start is not None and not start.startswith("resume:"):
            low = int(start)
        for row in rows:
            created = int(row["created"])
            top = created if top is None else max(top, created)
            high = created if high is None else min(high, created)
        if top is None:
            return start
        return f"resume:{low}:{high}:{top}"

    def page(self, rows: Sequence[Row], cursor: str | None, *, final: bool = False) -> Page:
        if final and cursor is not None and cursor.startswith("resume:"):
            cursor = cursor.rsplit(":", 1)[1]
        return Page(rows=rows_table(rows), cursor=cursor)

    def flatten(self, stream: Stream, item: Row) -> Row | None:
        created = int(item["created"])
        if stream.name == "customers":
            return {
                "id": item["id"],
                "name": item.get("name") or item.get("email") or item["id"],
                "email": item.get("email"),
                "customer_since": _day(created),
                "created": created,
                "metadata": item.get("metadata") or None,
            }
        if stream.name == "subscriptions":
            first = ((item.get("items") or {}).get("data") or [{}])[0]
            recurring = (first.get("price") or {}).get("recurring") or {}
            start = _day(item.get("start_date") or created)
            ended = item.get("ended_at")
            # ended_at is the moment it ended; the contract's end_date is the last day in force
            end = None
            if ended is not None:
                end = max(
                    start or "",
                    (dt.date.fromisoformat(_day(ended) or "") - dt.timedelta(days=1)).isoformat(),
                )
            months = MONTHS.get(recurring.get("interval", ""))
            return {
                "id": item["id"],
                "customer": item.get("customer"),
                "product": (first.get("price") or {}).get("product"),
                "mrr": mrr(item),
                "quantity": first.get("quantity"),
                "start_date": start,
                "end_date": end,
                "term_months": months * int(recurring.get("interval_count") or 1)
                if months
                else None,
                "status": item.get("status"),
                "created": created,
            }
        if stream.name == "invoices":
            status = item.get("status")
            return {
                "id": item["id"],
                "customer": item.get("customer"),
                "event": f"invoice_{status}",
                "created_at": unix_iso(created),
                "message_id": f"{item['id']}:{status}",
                "amount_due": item.get("amount_due"),
                "amount_paid": item.get("amount_paid"),
                "currency": item.get("currency"),
                "created": created,
            }
        sub = (item.get("data") or {}).get("object") or {}
        return {
            "id": f"{sub.get('id')}:churned",
            "event_id": item["id"],
            "customer": sub.get("customer"),
            "kind": "churned",
            "date": _day(sub.get("ended_at") or sub.get("canceled_at") or created),
            "arr_change": -round(mrr(sub) * 12, 2),
            "created": created,
        }
