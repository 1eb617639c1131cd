"""Intercom (API 2.11): companies, and conversations as support tickets.

Contacts are searched the same way (``POST /contacts/search``), each with its first company
as its account.

Authentication is an access token (secret ``access_token``) sent as a Bearer token, with
the ``Intercom-Version`` header (option ``api_version``). Companies are read whole with
the scroll API (``GET /companies/scroll``, ``scroll_param`` until a page comes back
empty): Intercom offers no filter on them. Conversations are searched
(``POST /conversations/search``) by ``updated_at`` ascending, paged by
``pages.next.starting_after``; the search has ``>`` but no ``>=`` on a time, so the
connector asks for ``updated_at > cursor - 1``, which reads the rows at the cursor again
rather than skip any.

A conversation names its contacts, not their company: its account is the company of its
first contact, looked up a page at a time (``POST /contacts/search`` by id, then each
new company's ``company_id`` with ``GET /companies/{id}``); or, with the option
``account_attribute``, a custom attribute of the conversation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from stethoscope.sources.connector import Stream
from stethoscope.sources.saas.rest import RestConnector, Row, dig, option, unix_iso

STATES = {"open": "open", "snoozed": "pending", "closed": "closed"}

STREAMS = (
    Stream(
        "companies",
        "accounts",
        "company_id",
        None,
        {
            "id": "company_id",
            "name": "name",
            "plan": "plan",
            "industry": "industry",
            "arr": "arr",
            "customer_since": "customer_since",
            "updated_at": "updated_at_iso",
        },
    ),
    Stream(
        "conversations",
        "tickets",
        "id",
        "updated_at",
        {
            "id": "id",
            "account_id": "account_id",
            "contact_id": "contact_id",
            "opened_at": "created_at",
            "closed_at": "closed_at",
            "priority": "priority",
            "status": "status",
            "csat": "rating",
        },
    ),
    Stream(
        "contacts",
        "contacts",
        "id",
        "updated_at",
        {
            "id": "contact_id",
            "account_id": "account_id",
            "email": "email",
            "name": "name",
            "created_at": "created_at",
        },
    ),
)


class Intercom(RestConnector):
    kind: ClassVar[str] = "intercom"
    default_base_url: ClassVar[str] = "https://api.intercom.io"
    check_path: ClassVar[str] = "me"

    def __init__(
        self, base_url: str | None, secrets: Mapping[str, str], options: Mapping[str, Any]
    ) -> None:
        super().__init__(base_url, secrets, options)
        self.version = str(option(self.options, "api_version", "2.11"))
        self._company_ids: dict[str, str | None] = {}

    def streams(self) -> Sequence[Stream]:
        return STREAMS

    def auth(self) -> Any:
        from dlt.sources.helpers.rest_client.auth import BearerTokenAuth

        return BearerTokenAuth(self.secrets.get("access_token", ""))

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Intercom-Version": self.version, **kwargs.pop("headers", {})}
        return super().request(method, path, headers=headers, **kwargs)

    def cursor_value(self, text_cursor: str) -> Any:
        return int(text_cursor)

    def endpoint(self, stream: Stream, cursor: str | None) -> dict[str, Any]:
        from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

        headers = {"Intercom-Version": self.version}
        if stream.name == "companies":
            return {
                "path": "companies/scroll",
                "headers": headers,
                "data_selector": "data",
                "paginator": JSONResponseCursorPaginator(
                    cursor_path="scroll_param",
                    cursor_param="scroll_param",
                    stop_after_empty_page=True,
                ),
            }
        start = int(cursor or 0)
        return {
            "path": f"{stream.name}/search",
            "method": "POST",
            "headers": headers,
            "json": {
                "query": {"field": "updated_at", "operator": ">", "value": start - 1},
                "sort": {"field": "updated_at", "order": "ascending"},
                "pagination": {"per_page": int(option(self.options, "page_size", 150))},
            },
            "data_selector": "conversations" if stream.name == "conversations" else "data",
            "paginator": JSONResponseCursorPaginator(
                cursor_path="pages.next.starting_after",
                cursor_body_path="pagination.starting_after",
            ),
            "incremental": {"cursor_path": "updated_at", "initial_value": start},
        }

    def flatten(self, stream: Stream, item: Row) -> Row | None:
        if stream.name == "companies":
            spend = item.get("monthly_spend")
            return {
                "company_id": item.get("company_id"),
                "intercom_id": item.get("id"),
                "name": item.get("name"),
                "plan": dig(item, "plan.name"),
                "industry": item.get("industry"),
                "user_count": item.get("user_count"),
                "arr": None if spend is None else float(spend) * 12,
                "customer_since": (
                    unix_iso(item.get("remote_created_at") or item.get("created_at")) or ""
                )[:10]
                or None,
                "updated_at_iso": unix_iso(item.get("updated_at")),
            }
        if stream.name == "contacts":
            linked = dig(item, "companies.data") or []
            return {
                "contact_id": item.get("external_id") or item["id"],
                "intercom_id": item["id"],
                "intercom_company_id": linked[0]["id"] if linked else None,
                "email": item.get("email"),
                "name": item.get("name"),
                "role": item.get("role"),
                "created_at": unix_iso(item.get("created_at")),
                "updated_at": item.get("updated_at"),
            }
        contacts = dig(item, "contacts.contacts") or []
        attribute = self.options.get("account_attribute")
        state = STATES.get(str(item.get("state")))
        return {
            "id": item["id"],
            "account_id": (item.get("custom_attributes") or {}).get(attribute)
            if attribute
            else None,
            "intercom_contact_id": contacts[0].get("id") if contacts else None,
            "contact_id": contacts[0].get("external_id") or contacts[0].get("id")
            if contacts
            else None,
            "title": item.get("title"),
            "created_at": unix_iso(item.get("created_at")),
            "closed_at": unix_iso(dig(item, "statistics.last_close_at"))
            if state == "closed"
            else None,
            "priority": "high" if item.get("priority") == "priority" else "normal",
            "status": state,
            "rating": dig(item, "conversation_rating.rating"),
            "updated_at": item.get("updated_at"),
        }

    def flatten_page(self, stream: Stream, items: Sequence[Row]) -> list[Row]:
        rows = super().flatten_page(stream, items)
        if stream.name == "contacts":
            ids = self.company_ids({r["intercom_company_id"] for r in rows} - {None})
            for r in rows:
                r["account_id"] = ids.get(r["intercom_company_id"])
            return rows
        if stream.name == "conversations" and not self.options.get("account_attribute"):
            companies = self.companies_of({r["intercom_contact_id"] for r in rows} - {None})
            for r in rows:
                r["account_id"] = companies.get(r["intercom_contact_id"])
        return rows

    def companies_of(self, contacts: set[str]) -> dict[str, str | None]:
        """Contact id -> the company_id of its first company."""
        first: dict[str, str] = {}
        ids = sorted(contacts)
        for i in range(0, len(ids), 150):
            body = {
                "query": {"field": "id", "operator": "IN", "value": ids[i : i + 150]},
                "pagination": {"per_page": 150},
            }
            response = self.request("POST", "contacts/search", json=body)
            self.raise_for(response, "looking up the conversations' contacts")
            for contact in response.json().get("data", []):
                linked = dig(contact, "companies.data") or []
                if linked:
                    first[contact["id"]] = linked[0]["id"]
        company_ids = self.company_ids(set(first.values()))
        return {c: company_ids.get(k) for c, k in first.items()}

    def company_ids(self, companies: set[str]) -> dict[str, str | None]:
        """Intercom's company id -> the company_id you gave it (GET /companies/{id}, once)."""
        for company in companies - set(self._company_ids):
            response = self.request("GET", f"companies/{company}")
            self.raise_for(response, "looking up a contact's company")
            self._company_ids[company] = response.json().get("company_id")
        return {c: self._company_ids.get(c) for c in companies}
