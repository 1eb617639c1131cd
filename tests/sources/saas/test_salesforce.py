"""Salesforce against its stand-in: OAuth, SOQL pages, cursors, faults, write-back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stethoscope.errors import SourceError
from stethoscope.sources.connector import ScoreUpdate
from stethoscope.sources.saas.salesforce import Salesforce
from tests.sources.saas.cases import ConnectorContract, drain
from tests.sources.standins.base import serve
from tests.sources.standins.salesforce import SalesforceState, make_app


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[SalesforceState, str, type]]:
    state = SalesforceState()
    for i in range(650):
        state.put(
            "Account",
            f"001{i:05d}",
            Name=f"Account {i}",
            Industry="Retail",
            **{"Owner.Email": f"csm{i % 7}@example.com"},
        )
    kinds = [
        ("Renewal", True),
        ("Renewal", False),
        ("New Customer", True),
        ("Existing Customer - Upgrade", True),
    ]
    for i, (kind, won) in enumerate(kinds):
        state.put(
            "Opportunity",
            f"006{i:05d}",
            AccountId=f"001{i:05d}",
            Type=kind,
            IsWon=won,
            IsClosed=True,
            Amount=1200.0,
            CloseDate="2024-03-01",
        )
    state.put("Case", "500001", AccountId="00100001", Priority="Medium", Status="Working")
    with serve(make_app(state)) as url:
        yield state, url, Salesforce


class TestSalesforce(ConnectorContract):
    stream = "accounts"
    key = "Id"
    cursor_column = "SystemModstamp"
    good = {"client_id": "3MVG9-client", "client_secret": "s3cret"}  # noqa: RUF012
    bad = {"client_id": "3MVG9-client", "client_secret": "wrong"}  # noqa: RUF012
    options = {"max_attempts": 2, "backoff": 0.01, "batch_size": 200}  # noqa: RUF012

    def all_keys(self, state: Any) -> set[str]:
        return set(state.objects["Account"])

    def change(self, state: Any) -> set[str]:
        state.put("Account", "00100005", Name="Renamed")
        state.put("Account", "001NEW", Name="New")
        return {"00100005", "001NEW"}


def test_access_token_and_a_bad_one(site: Any) -> None:
    state, url, _ = site
    state.faults.reset()
    Salesforce(url, {"access_token": "00D-static-token"}, {}).check()
    with pytest.raises(SourceError, match=r"refused the credentials \(HTTP 401"):
        Salesforce(url, {"access_token": "expired"}, {}).check()


def test_mappings(site: Any) -> None:
    state, url, _ = site
    state.faults.reset()
    conn = Salesforce(url, {"access_token": "00D-static-token"}, {})
    accounts, _ = drain(conn, "accounts", None)
    assert accounts[1]["Owner.Email"] == "csm1@example.com"
    assert accounts[1]["customer_since"] == "2024-01-01"
    outcomes, _ = drain(conn, "opportunities", None)
    assert sorted((r["outcome"], r["arr_change"]) for r in outcomes) == [
        ("churned", "-1200.0"),
        ("expanded", "1200.0"),
        ("renewed", None),
    ]
    cases, _ = drain(conn, "cases", None)
    assert [(r["priority"], r["status"]) for r in cases] == [("normal", "open")]


def test_write_back_retried_and_partly_failed(site: Any) -> None:
    state, url, _ = site
    state.faults.reset()
    state.writes.clear()
    conn = Salesforce(
        url,
        {"access_token": "00D-static-token"},
        {"max_attempts": 3, "backoff": 0.01, "band_field": "CS_Band__c"},
    )
    ids = sorted(state.objects["Account"])[:450]
    updates = [ScoreUpdate(a, 40 + i % 50, "yellow", f"tickets up {i}") for i, a in enumerate(ids)]
    updates.insert(10, ScoreUpdate("001MISSING", 12, "red", "gone"))
    state.faults.rate_limit, state.faults.retry_after = 1, 1
    state.faults.fail_at, state.faults.fail_times = 1, 1  # the second batch: one 500
    result = conn.write_scores(updates + updates[:5])  # the repeats are written once
    assert result.written == 450
    assert [a for a, _ in result.failed] == ["001MISSING"]
    for u in updates:
        if u.account_id != "001MISSING":
            rec = state.objects["Account"][u.account_id]
            assert (rec["Health_Score__c"], rec["CS_Band__c"], rec["Health_Reason__c"]) == (
                round(u.score, 1),
                u.band,
                u.reason,
            )
    assert len(state.writes) == 450
    assert set(state.writes.values()) == {1}
