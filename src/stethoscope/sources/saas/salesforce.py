"""Salesforce (REST API): accounts, opportunities, contracts and cases, read with SOQL.

Authentication is OAuth 2.0: an access token (secret ``access_token``), or a connected
app's client credentials (secrets ``client_id`` and ``client_secret``), exchanged at
``/services/oauth2/token`` for one. Each stream is one SOQL query on the query endpoint,
``WHERE SystemModstamp >= cursor ORDER BY SystemModstamp, Id``, paged by the answer's
``nextRecordsUrl`` (query locators of up to 2,000 records; the ``batch_size`` option sets
the ``Sforce-Query-Options`` header). Scores are written back to account fields with the
sObject Collections update (``PATCH /composite/sobjects``, 200 records a request).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from stethoscope.errors import SourceError
from stethoscope.sources.connector import ScoreUpdate, Stream, WriteResult
from stethoscope.sources.saas.rest import RestConnector, Row, dig, option
from stethoscope.sources.saas.writeback import batches, write_batches

MODSTAMP = "SystemModstamp"
EPOCH = "1970-01-01T00:00:00.000+0000"
# Case.Priority and Case.Status of a new org, in the contract's words
PRIORITIES = {"low": "low", "medium": "normal", "high": "high", "urgent": "urgent"}
STATUSES = {"new": "new", "working": "open", "escalated": "open", "closed": "closed"}
# Opportunity.Type of a won (or, for renewals, lost) opportunity -> an outcome
OUTCOMES = {
    ("Renewal", True): "renewed",
    ("Renewal", False): "churned",
    ("Existing Customer - Upgrade", True): "expanded",
    ("Existing Customer - Downgrade", True): "contracted",
}

SOQL = {
    "accounts": (
        "Account",
        [
            "Id",
            "Name",
            "Owner.Email",
            "Industry",
            "Type",
            "ParentId",
            "NumberOfEmployees",
            "CreatedDate",
        ],
    ),
    "opportunities": (
        "Opportunity",
        [
            "Id",
            "AccountId",
            "Name",
            "Type",
            "Amount",
            "CloseDate",
            "StageName",
            "IsClosed",
            "IsWon",
        ],
    ),
    "contracts": (
        "Contract",
        ["Id", "AccountId", "ContractNumber", "Status", "StartDate", "EndDate", "ContractTerm"],
    ),
    "cases": (
        "Case",
        ["Id", "AccountId", "ContactId", "CreatedDate", "ClosedDate", "Priority", "Status"],
    ),
}

STREAMS = (
    Stream(
        "accounts",
        "accounts",
        "Id",
        MODSTAMP,
        {
            "id": "Id",
            "name": "Name",
            "owner": "Owner.Email",
            "industry": "Industry",
            "parent_id": "ParentId",
            "customer_since": "customer_since",
            "updated_at": MODSTAMP,
        },
    ),
    Stream(
        "opportunities",
        "outcomes",
        "Id",
        MODSTAMP,
        {
            "id": "Id",
            "account_id": "AccountId",
            "kind": "outcome",
            "date": "CloseDate",
            "arr_change": "arr_change",
        },
    ),
    Stream(
        "contracts",
        "subscriptions",
        "Id",
        MODSTAMP,
        {
            "id": "Id",
            "account_id": "AccountId",
            "product": "ContractNumber",
            "start_date": "StartDate",
            "end_date": "EndDate",
            "term_months": "ContractTerm",
        },
    ),
    Stream(
        "cases",
        "tickets",
        "Id",
        MODSTAMP,
        {
            "id": "Id",
            "account_id": "AccountId",
            "contact_id": "ContactId",
            "opened_at": "CreatedDate",
            "closed_at": "ClosedDate",
            "priority": "priority",
            "status": "status",
        },
    ),
)


def soql_time(cursor: str) -> str:
    """A SystemModstamp value as a SOQL datetime literal, cut to the second (the filter is
    ``>=``, so cutting reads a few rows again and skips none)."""
    when = dt.datetime.strptime(cursor[:19], "%Y-%m-%dT%H:%M:%S")
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class Salesforce(RestConnector):
    kind: ClassVar[str] = "salesforce"
    default_base_url: ClassVar[str] = "https://login.salesforce.com"

    def __init__(
        self, base_url: str | None, secrets: Mapping[str, str], options: Mapping[str, Any]
    ) -> None:
        super().__init__(base_url, secrets, options)
        self.version = str(option(self.options, "api_version", "v60.0"))
        self._auth: Any = None

    @property
    def check_path(self) -> str:  # type: ignore[override]
        return f"services/data/{self.version}/limits"

    def streams(self) -> Sequence[Stream]:
        return STREAMS

    def auth(self) -> Any:
        if self._auth is None:
            from dlt.sources.helpers.rest_client.auth import (
                BearerTokenAuth,
                OAuth2ClientCredentials,
            )

            if self.secrets.get("access_token"):
                self._auth = BearerTokenAuth(self.secrets["access_token"])
            else:
                self._auth = OAuth2ClientCredentials(
                    access_token_url=self.base_url + "services/oauth2/token",
                    client_id=self.secrets.get("client_id", ""),
                    client_secret=self.secrets.get("client_secret", ""),
                    session=self.session(),
                )
        return self._auth

    def check(self) -> None:
        import requests

        try:
            super().check()
        except SourceError as e:
            cause = e.__cause__
            if isinstance(cause, requests.HTTPError) and cause.response is not None:
                self.raise_for(cause.response, "check (OAuth token)")
            raise

    def raise_for(self, response: Any, what: str) -> None:
        # the token endpoint answers bad client credentials with 400 invalid_client
        if response.status_code == 400 and "oauth2/token" in response.url:
            response.status_code = 401
        super().raise_for(response, what)

    def endpoint(self, stream: Stream, cursor: str | None) -> dict[str, Any]:
        from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator

        sobject, fields = SOQL[stream.name]
        fields = [*fields, MODSTAMP, *option(self.options, f"{stream.name}_fields", [])]
        start = cursor or EPOCH
        query = (
            f"SELECT {', '.join(fields)} FROM {sobject} WHERE {MODSTAMP} >= {soql_time(start)} "
            f"ORDER BY {MODSTAMP} ASC, Id ASC"
        )
        batch = int(option(self.options, "batch_size", 2000))
        return {
            "path": f"services/data/{self.version}/query",
            "params": {"q": query},
            "headers": {"Sforce-Query-Options": f"batchSize={batch}"},
            "data_selector": "records",
            "paginator": JSONLinkPaginator(next_url_path="nextRecordsUrl"),
            "incremental": {"cursor_path": MODSTAMP, "initial_value": start},
        }

    def flatten(self, stream: Stream, item: Row) -> Row | None:
        _, fields = SOQL[stream.name]
        extra = list(option(self.options, f"{stream.name}_fields", []))
        row: Row = {f: dig(item, f) for f in [*fields, MODSTAMP, *extra]}
        if stream.name == "accounts":
            row["customer_since"] = str(item.get("CreatedDate") or "")[:10] or None
        elif stream.name == "opportunities":
            kind = OUTCOMES.get((str(item.get("Type")), bool(item.get("IsWon"))))
            if kind is None or not item.get("IsClosed"):
                return None
            amount = float(item.get("Amount") or 0)
            row["outcome"] = kind
            row["arr_change"] = (
                -abs(amount)
                if kind in ("churned", "contracted")
                else (abs(amount) if kind == "expanded" else None)
            )
        elif stream.name == "cases":
            row["priority"] = PRIORITIES.get(str(item.get("Priority") or "").lower())
            row["status"] = STATUSES.get(str(item.get("Status") or "").lower())
        return row

    def write_scores(self, updates: Sequence[ScoreUpdate]) -> WriteResult:
        """Account fields through sObject Collections (PATCH, allOrNone false), 200 a batch."""
        score, band, reason = (
            option(self.options, "score_field", "Health_Score__c"),
            option(self.options, "band_field", "Health_Band__c"),
            option(self.options, "reason_field", "Health_Reason__c"),
        )
        path = f"services/data/{self.version}/composite/sobjects"

        def send(batch: Sequence[ScoreUpdate]) -> list[tuple[str, str]]:
            records = [
                {
                    "attributes": {"type": "Account"},
                    "id": u.account_id,
                    score: round(u.score, 1),
                    band: u.band,
                    reason: u.reason,
                }
                for u in batch
            ]
            response = self.request("PATCH", path, json={"allOrNone": False, "records": records})
            self.raise_for(response, "writing scores")
            failed = []
            for u, result in zip(batch, response.json(), strict=True):
                if not result.get("success"):
                    why = "; ".join(
                        f"{e.get('statusCode')}: {e.get('message')}" for e in result["errors"]
                    )
                    failed.append((u.account_id, why))
            return failed

        return write_batches(batches(updates, 200), send)
