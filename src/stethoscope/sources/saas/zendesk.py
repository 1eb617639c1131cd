"""Zendesk Support (API v2): tickets, and satisfaction ratings as CSAT answers.

Authentication is an API token (secrets ``email`` and ``api_token``, sent as HTTP basic
``{email}/token:{api_token}``) or an OAuth token (secret ``access_token``). The base URL
is ``https://{subdomain}.zendesk.com`` (option ``subdomain``) unless one is given.

Tickets come from the cursor-based incremental export
(``/api/v2/incremental/tickets/cursor.json``): the first request gives ``start_time`` (the
stored cursor, ``updated_at``, as Unix seconds), the next ones the answer's
``after_cursor``, until ``end_of_stream``. Satisfaction ratings are listed with
``start_time`` and cursor pagination (``page[size]``, ``meta.after_cursor``,
``meta.has_more``); a rating names its ticket, not its organization, so each page's
tickets are looked up (``/api/v2/tickets/show_many.json``) for their organization. An
account is an organization: its Zendesk id, or with the option ``account_key =
"external_id"`` the organization's ``external_id`` (where a CRM's account id is usually
kept), looked up a page at a time (``/api/v2/organizations/show_many.json``).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from stethoscope.errors import SourceError
from stethoscope.sources.connector import Stream
from stethoscope.sources.saas.rest import RestConnector, Row, option

EPOCH = "1970-01-01T00:00:00Z"
STATUSES = {
    "new": "new",
    "open": "open",
    "pending": "pending",
    "hold": "on-hold",
    "solved": "solved",
    "closed": "closed",
}
# Zendesk's CSAT is good or bad; the contract's CSAT is 1 to 5
SCORES = {"good": 5, "bad": 1}

STREAMS = (
    Stream(
        "tickets",
        "tickets",
        "id",
        "updated_at",
        {
            "id": "id",
            "account_id": "account_id",
            "contact_id": "requester_id",
            "opened_at": "created_at",
            "closed_at": "closed_at",
            "priority": "priority",
            "status": "status",
        },
    ),
    Stream(
        "satisfaction_ratings",
        "surveys",
        "id",
        "updated_at",
        {
            "id": "id",
            "account_id": "account_id",
            "contact_id": "requester_id",
            "kind": "kind",
            "score": "csat",
            "responded_at": "created_at",
            "comment": "comment",
        },
    ),
)


def unix(iso: str) -> int:
    return int(dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


def start_time(iso: str) -> int:
    """The export's ``start_time`` for a cursor: Zendesk refuses one less than a minute old,
    so a cursor that recent starts a minute back (reading a few rows again)."""
    return min(unix(iso), int(time.time()) - 61)


def _export_paginator() -> Any:
    from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

    class ExportPaginator(JSONResponseCursorPaginator):
        """``after_cursor`` until ``end_of_stream``; the cursor replaces ``start_time``."""

        def __init__(self) -> None:
            super().__init__(cursor_path="after_cursor", cursor_param="cursor")

        def update_state(self, response: Any, data: list[Any] | None = None) -> None:
            super().update_state(response, data)
            if response.json().get("end_of_stream"):
                self._has_next_page = False

        def update_request(self, request: Any) -> None:
            super().update_request(request)
            request.params.pop("start_time", None)

    return ExportPaginator()


class Zendesk(RestConnector):
    kind: ClassVar[str] = "zendesk"
    default_base_url: ClassVar[str] = "https://{subdomain}.zendesk.com"
    check_path: ClassVar[str] = "api/v2/users/me.json"

    def __init__(
        self, base_url: str | None, secrets: Mapping[str, str], options: Mapping[str, Any]
    ) -> None:
        if base_url is None:
            if not options.get("subdomain"):
                raise SourceError("zendesk: set the option subdomain (or a base_url)")
            base_url = self.default_base_url.format(subdomain=options["subdomain"])
        super().__init__(base_url, secrets, options)

    def streams(self) -> Sequence[Stream]:
        return STREAMS

    def auth(self) -> Any:
        from dlt.sources.helpers.rest_client.auth import BearerTokenAuth, HttpBasicAuth

        if self.secrets.get("access_token"):
            return BearerTokenAuth(self.secrets["access_token"])
        return HttpBasicAuth(
            f"{self.secrets.get('email', '')}/token", self.secrets.get("api_token", "")
        )

    def check(self) -> None:
        # /users/me answers an anonymous user, not a 401, to a request without credentials
        response = self.request("GET", self.check_path)
        self.raise_for(response, "check")
        if (response.json().get("user") or {}).get("id") is None:
            response.status_code = 401
            self.raise_for(response, "check")

    def endpoint(self, stream: Stream, cursor: str | None) -> dict[str, Any]:
        from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

        start = cursor or EPOCH
        incremental = {"cursor_path": "updated_at", "initial_value": start}
        if stream.name == "tickets":
            return {
                "path": "api/v2/incremental/tickets/cursor.json",
                "params": {
                    "start_time": start_time(start),
                    "per_page": int(option(self.options, "page_size", 1000)),
                },
                "data_selector": "tickets",
                "paginator": _export_paginator(),
                "incremental": incremental,
            }
        return {
            "path": "api/v2/satisfaction_ratings.json",
            "params": {
                "start_time": start_time(start),
                "sort": "updated_at",
                "page[size]": int(option(self.options, "page_size", 100)),
            },
            "data_selector": "satisfaction_ratings",
            "paginator": JSONResponseCursorPaginator(
                cursor_path="meta.after_cursor",
                cursor_param="page[after]",
                has_more_path="meta.has_more",
            ),
            "incremental": incremental,
        }

    def flatten_page(self, stream: Stream, items: Sequence[Row]) -> list[Row]:
        rows = self._rows(stream, items)
        external = option(self.options, "account_key", "id") == "external_id"
        keys = self._external_ids({str(r["organization_id"]) for r in rows}) if external else {}
        for r in rows:
            org = r["organization_id"]
            r["account_id"] = keys.get(str(org)) if external else org
        return rows

    def _rows(self, stream: Stream, items: Sequence[Row]) -> list[Row]:
        if stream.name == "tickets":
            return [r for r in map(self._ticket, items) if r is not None]
        ratings = [i for i in items if i.get("score") in SCORES]
        orgs = self._organizations({str(i["ticket_id"]) for i in ratings if i.get("ticket_id")})
        return [
            {
                "id": i["id"],
                "ticket_id": i.get("ticket_id"),
                "requester_id": i.get("requester_id"),
                "organization_id": orgs.get(str(i.get("ticket_id"))),
                "kind": "csat",
                "rating": i["score"],
                "csat": SCORES[i["score"]],
                "comment": i.get("comment"),
                "created_at": i.get("created_at"),
                "updated_at": i.get("updated_at"),
            }
            for i in ratings
        ]

    def _ticket(self, t: Row) -> Row | None:
        status = STATUSES.get(str(t.get("status")))
        if status is None:  # deleted tickets are in the export too
            return None
        done = status in ("solved", "closed")
        return {
            "id": t["id"],
            "organization_id": t.get("organization_id"),
            "requester_id": t.get("requester_id"),
            "subject": t.get("subject"),
            "created_at": t.get("created_at"),
            "updated_at": t.get("updated_at"),
            # the ticket holds no solved time; its last update is when it was solved or closed
            "closed_at": t.get("updated_at") if done else None,
            "priority": t.get("priority"),
            "status": status,
        }

    def _external_ids(self, organizations: set[str]) -> dict[str, Any]:
        """Organization id -> its external_id (the id your CRM gave it), 100 a request."""
        out: dict[str, Any] = {}
        ids = sorted(o for o in organizations if o != "None")
        for i in range(0, len(ids), 100):
            response = self.request(
                "GET",
                "api/v2/organizations/show_many.json",
                params={"ids": ",".join(ids[i : i + 100])},
            )
            self.raise_for(response, "looking up organizations")
            for o in response.json().get("organizations", []):
                out[str(o["id"])] = o.get("external_id")
        return out

    def _organizations(self, tickets: set[str]) -> dict[str, Any]:
        """Ticket id -> organization id, 100 tickets a request (show_many)."""
        out: dict[str, Any] = {}
        ids = sorted(tickets)
        for i in range(0, len(ids), 100):
            response = self.request(
                "GET", "api/v2/tickets/show_many.json", params={"ids": ",".join(ids[i : i + 100])}
            )
            self.raise_for(response, "looking up the rated tickets")
            for t in response.json().get("tickets", []):
                out[str(t["id"])] = t.get("organization_id")
        return out
