"""HubSpot CRM (API v3): companies, deals, tickets, and calls, meetings, emails and notes as
touchpoints; owners name each company's CSM and each engagement's author.

Authentication is a private app's access token (secret ``token``), sent as a Bearer token.
Objects are read through the CRM search endpoint (``POST /crm/v3/objects/{type}/search``)
sorted by ``hs_lastmodifieddate`` ascending with a ``GTE`` filter on it, paged by
``paging.next.after``: the cursor is the last modification time read. One search answers at
most 10,000 results; past that the connector starts a new search from the last
modification time it read (``_SearchPaginator``), as HubSpot's documentation advises.

The search endpoint returns no associations, so each page of deals or tickets has its
companies read with the associations API (``POST /crm/v4/associations/{type}/companies/
batch/read``), the primary one first; or, with the option ``company_property``, from a
property holding the company id. Scores are written back with the companies batch update.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from stethoscope.sources.connector import ScoreUpdate, Stream, WriteResult
from stethoscope.sources.saas.rest import RestConnector, Row, option
from stethoscope.sources.saas.writeback import batches, write_batches

SEARCH_LIMIT = 10_000
MODIFIED = "hs_lastmodifieddate"
EPOCH = "1970-01-01T00:00:00.000Z"

# the default pipeline's ticket stages (hs_pipeline_stage) in the contract's words
TICKET_STAGES = {"1": "new", "2": "pending", "3": "open", "4": "closed"}
PRIORITIES = {"LOW": "low", "MEDIUM": "normal", "HIGH": "high", "URGENT": "urgent"}

STREAMS = (
    Stream(
        "companies",
        "accounts",
        primary_key="id",
        cursor_field=MODIFIED,
        columns={
            "id": "id",
            "name": "name",
            "owner": "owner_email",
            "industry": "industry",
            "customer_since": "customer_since",
            "updated_at": MODIFIED,
        },
    ),
    Stream(
        "deals",
        "subscriptions",
        primary_key="id",
        cursor_field=MODIFIED,
        columns={
            "id": "id",
            "account_id": "company_id",
            "product": "dealname",
            "mrr": "hs_mrr",
            "start_date": "closedate",
        },
    ),
    Stream(
        "tickets",
        "tickets",
        primary_key="id",
        cursor_field=MODIFIED,
        columns={
            "id": "id",
            "account_id": "company_id",
            "opened_at": "createdate",
            "closed_at": "closed_date",
            "priority": "priority",
            "status": "status",
        },
    ),
    *(
        Stream(
            engagement,
            "touchpoints",
            primary_key="id",
            cursor_field=MODIFIED,
            columns={
                "id": "id",
                "account_id": "company_id",
                "kind": "kind",
                "occurred_at": "hs_timestamp",
                "author": "owner_email",
                "note": "note",
            },
        )
        for engagement in ("calls", "meetings", "emails", "notes")
    ),
)
# an engagement's kind in the contract's words, and the properties holding its text
ENGAGEMENTS = {
    "calls": ("call", ("hs_call_title", "hs_call_body")),
    "meetings": ("meeting", ("hs_meeting_title", "hs_meeting_body")),
    "emails": ("email", ("hs_email_subject", "hs_email_text")),
    "notes": ("note", ("hs_note_body",)),
}

PROPERTIES = {
    "companies": [
        "name",
        "industry",
        "hubspot_owner_id",
        "createdate",
        "hs_lifecyclestage_customer_date",
        MODIFIED,
    ],
    "deals": ["dealname", "dealstage", "amount", "hs_mrr", "closedate", MODIFIED],
    **{
        name: ["hs_timestamp", "hubspot_owner_id", *texts, MODIFIED]
        for name, (_, texts) in ENGAGEMENTS.items()
    },
    "tickets": [
        "subject",
        "hs_pipeline_stage",
        "hs_ticket_priority",
        "createdate",
        "closed_date",
        MODIFIED,
    ],
}


def _ms(iso: str) -> int:
    """An ISO time as the Unix milliseconds HubSpot's search filters take."""
    when = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return int(when.timestamp() * 1000)


def _search_paginator() -> Any:
    from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

    class SearchPaginator(JSONResponseCursorPaginator):
        """``after`` paging, restarted from the last modification time before 10,000."""

        def __init__(self) -> None:
            super().__init__(cursor_path="paging.next.after", cursor_body_path="after")
            self.restart_from: str | None = None

        def update_state(self, response: Any, data: list[Any] | None = None) -> None:
            super().update_state(response, data)
            if self._next_reference and data and int(self._next_reference) >= SEARCH_LIMIT:
                self.restart_from = data[-1]["properties"][MODIFIED]
                self._next_reference = "0"

        def update_request(self, request: Any) -> None:
            super().update_request(request)
            if self.restart_from is not None:
                request.json["filterGroups"][0]["filters"][0]["value"] = _ms(self.restart_from)
                request.json.pop("after", None)
                self.restart_from = None

    return SearchPaginator()


class HubSpot(RestConnector):
    kind: ClassVar[str] = "hubspot"
    default_base_url: ClassVar[str] = "https://api.hubapi.com"
    check_path: ClassVar[str] = "crm/v3/objects/companies?limit=1"

    def __init__(
        self, base_url: str | None, secrets: Mapping[str, str], options: Mapping[str, Any]
    ) -> None:
        super().__init__(base_url, secrets, options)
        self._owners: dict[str, str] | None = None

    def streams(self) -> Sequence[Stream]:
        return STREAMS

    def auth(self) -> Any:
        from dlt.sources.helpers.rest_client.auth import BearerTokenAuth

        return BearerTokenAuth(self.secrets.get("token", ""))

    def properties(self, stream: str) -> list[str]:
        extra = list(option(self.options, f"{stream}_properties", []))
        company = self.options.get("company_property")
        return PROPERTIES[stream] + ([company] if company and stream != "companies" else []) + extra

    def endpoint(self, stream: Stream, cursor: str | None) -> dict[str, Any]:
        start = cursor or EPOCH
        return {
            "path": f"crm/v3/objects/{stream.name}/search",
            "method": "POST",
            "json": {
                "filterGroups": [
                    {
                        "filters": [
                            {"propertyName": MODIFIED, "operator": "GTE", "value": _ms(start)}
                        ]
                    }
                ],
                "sorts": [{"propertyName": MODIFIED, "direction": "ASCENDING"}],
                "properties": self.properties(stream.name),
                "limit": int(option(self.options, "page_size", 100)),
            },
            "data_selector": "results",
            "paginator": _search_paginator(),
            "incremental": {"cursor_path": f"properties.{MODIFIED}", "initial_value": start},
        }

    def owners(self) -> dict[str, str]:
        """Owner id -> email, read once per connector (GET /crm/v3/owners, paged by after)."""
        if self._owners is None:
            owners: dict[str, str] = {}
            after: str | None = None
            while True:
                params: dict[str, Any] = {"limit": 100}
                if after:
                    params["after"] = after
                response = self.request("GET", "crm/v3/owners", params=params)
                self.raise_for(response, "reading owners")
                body = response.json()
                for o in body.get("results", []):
                    owners[str(o["id"])] = o.get("email") or ""
                after = (body.get("paging") or {}).get("next", {}).get("after")
                if not after:
                    break
            self._owners = owners
        return self._owners

    def flatten(self, stream: Stream, item: Row) -> Row | None:
        p = dict(item.get("properties") or {})
        row: Row = {"id": item["id"], **p}
        company = self.options.get("company_property")
        if stream.name == "companies":
            row["owner_email"] = self.owners().get(str(p.get("hubspot_owner_id") or ""))
            row["customer_since"] = _day(p.get("hs_lifecyclestage_customer_date")) or _day(
                p.get("createdate")
            )
        elif stream.name == "deals":
            won = option(self.options, "won_stages", ["closedwon"])
            if p.get("dealstage") not in won:
                return None
            row["company_id"] = p.get(company) if company else None
            row["closedate"] = _day(p.get("closedate"))
        elif stream.name in ENGAGEMENTS:
            kind, texts = ENGAGEMENTS[stream.name]
            row["company_id"] = p.get(company) if company else None
            row["kind"] = kind
            row["owner_email"] = self.owners().get(str(p.get("hubspot_owner_id") or ""))
            row["note"] = "\n\n".join(str(p[t]) for t in texts if p.get(t)) or None
        else:
            row["company_id"] = p.get(company) if company else None
            row["status"] = TICKET_STAGES.get(str(p.get("hs_pipeline_stage")))
            row["priority"] = PRIORITIES.get(str(p.get("hs_ticket_priority") or "").upper())
        return row

    def flatten_page(self, stream: Stream, items: Sequence[Row]) -> list[Row]:
        rows = super().flatten_page(stream, items)
        if stream.name != "companies" and not self.options.get("company_property"):
            companies = self.companies_of(stream.name, [str(r["id"]) for r in rows])
            for r in rows:
                r["company_id"] = companies.get(str(r["id"]))
        return rows

    def companies_of(self, kind: str, ids: Sequence[str]) -> dict[str, str]:
        """Object id -> its company (the one labelled Primary, else the first), by the
        associations API, 1,000 ids a request."""
        out: dict[str, str] = {}
        for i in range(0, len(ids), 1000):
            inputs = [{"id": x} for x in ids[i : i + 1000]]
            response = self.request(
                "POST", f"crm/v4/associations/{kind}/companies/batch/read", json={"inputs": inputs}
            )
            if response.status_code not in (200, 207):
                self.raise_for(response, f"reading the companies of {kind}")
            for result in response.json().get("results", []):
                to = sorted(
                    result.get("to", []),
                    key=lambda t: (
                        not any(a.get("label") == "Primary" for a in t.get("associationTypes", []))
                    ),
                )
                if to:
                    out[str(result["from"]["id"])] = str(to[0]["toObjectId"])
        return out

    def write_scores(self, updates: Sequence[ScoreUpdate]) -> WriteResult:
        """Company properties through /crm/v3/objects/companies/batch/update, 100 a batch."""
        fields = (
            option(self.options, "score_property", "health_score"),
            option(self.options, "band_property", "health_band"),
            option(self.options, "reason_property", "health_reason"),
        )

        def send(batch: Sequence[ScoreUpdate]) -> list[tuple[str, str]]:
            body = {
                "inputs": [
                    {"id": u.account_id, "properties": dict(zip(fields, _values(u), strict=True))}
                    for u in batch
                ]
            }
            response = self.request("POST", "crm/v3/objects/companies/batch/update", json=body)
            if response.status_code not in (200, 207):
                self.raise_for(response, "writing scores")
            failed: list[tuple[str, str]] = []
            for error in response.json().get("errors", []):
                for account in (error.get("context") or {}).get("ids", []):
                    failed.append((account, f"{error.get('category')}: {error.get('message')}"))
            return failed

        return write_batches(batches(updates, 100), send)


def _values(u: ScoreUpdate) -> tuple[str, str, str]:
    return (f"{u.score:.1f}", u.band, u.reason)


def _day(value: Any) -> str | None:
    return str(value)[:10] if value else None
