"""Zendesk against its stand-in: the incremental export, ratings, cursors, faults."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stethoscope.sources.saas.zendesk import Zendesk
from tests.sources.saas.cases import ConnectorContract, drain
from tests.sources.standins.base import serve
from tests.sources.standins.zendesk import ZendeskState, make_app


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[ZendeskState, str, type]]:
    state = ZendeskState()
    statuses = ["new", "open", "pending", "hold", "solved", "closed", "deleted"]
    for i in range(1, 351):
        state.put_ticket(
            i,
            organization_id=100 + i % 20,
            requester_id=9000 + i,
            status=statuses[i % 7],
            priority="high" if i % 5 == 0 else None,
        )
    for i in range(1, 6):
        state.put_rating(
            i,
            ticket_id=i,
            requester_id=9000 + i,
            score=["good", "bad", "offered", "good", "bad"][i - 1],
            comment="ok",
        )
    for org in range(100, 120):
        state.organizations[org] = {"id": org, "name": f"Org {org}", "external_id": f"001{org}"}
    with serve(make_app(state)) as url:
        yield state, url, Zendesk


class TestZendesk(ConnectorContract):
    stream = "tickets"
    key = "id"
    cursor_column = "updated_at"
    good = {"email": "agent@example.com", "api_token": "zd-token"}  # noqa: RUF012
    bad = {"email": "agent@example.com", "api_token": "nope"}  # noqa: RUF012
    options = {"max_attempts": 2, "backoff": 0.01, "page_size": 100}  # noqa: RUF012

    def all_keys(self, state: Any) -> set[str]:
        return {str(t["id"]) for t in state.tickets.values() if t["status"] != "deleted"}

    def change(self, state: Any) -> set[str]:
        state.put_ticket(8, status="solved")
        state.put_ticket(999, organization_id=101, status="new")
        return {"8", "999"}


def test_mappings(site: Any) -> None:
    state, url, _ = site
    state.faults.reset()
    conn = Zendesk(url, {"access_token": "zd-oauth"}, {})
    tickets, _ = drain(conn, "tickets", None)
    by_id = {r["id"]: r for r in tickets}
    assert by_id["3"]["status"] == "on-hold"
    assert by_id["5"]["priority"] == "high"
    assert by_id["4"]["closed_at"] == by_id["4"]["updated_at"]
    assert by_id["1"]["closed_at"] is None
    ratings, cursor = drain(conn, "satisfaction_ratings", None)
    assert [(r["id"], r["csat"], r["organization_id"]) for r in ratings] == [
        ("1", "5", "101"),
        ("2", "1", "102"),
        ("4", "5", "104"),
        ("5", "1", "105"),
    ]
    state.put_rating(2, ticket_id=2, score="good")
    again, _ = drain(conn, "satisfaction_ratings", cursor)
    assert {(r["id"], r["csat"]) for r in again} >= {("2", "5")}


def test_subdomain_is_required_without_a_base_url() -> None:
    from stethoscope.errors import SourceError

    with pytest.raises(SourceError, match="subdomain"):
        Zendesk(None, {}, {})
    assert Zendesk(None, {}, {"subdomain": "acme"}).base_url == "https://acme.zendesk.com/"


def test_accounts_by_the_organizations_external_id(site: Any) -> None:
    state, url, _ = site
    state.faults.reset()
    conn = Zendesk(url, {"access_token": "zd-oauth"}, {"account_key": "external_id"})
    tickets, _ = drain(conn, "tickets", None)
    assert {r["account_id"] for r in tickets} == {f"001{o}" for o in range(100, 120)}
    first = next(r for r in tickets if r["id"] == "1")
    assert (first["organization_id"], first["account_id"]) == ("101", "001101")
    ratings, _ = drain(conn, "satisfaction_ratings", None)
    assert {r["account_id"] for r in ratings} >= {"001101", "001104"}


def test_a_cursor_less_than_a_minute_old_starts_a_minute_back(site: Any) -> None:
    import datetime as dt

    state, url, _ = site
    state.faults.reset()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows, cursor = drain(Zendesk(url, {"access_token": "zd-oauth"}, {}), "tickets", now)
    assert rows == []
    assert cursor == now
