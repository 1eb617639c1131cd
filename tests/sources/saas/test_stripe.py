"""Stripe against its stand-in: newest-first lists, resumable cursors, churn from events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stethoscope.sources.saas.stripe import Stripe
from tests.sources.saas.cases import ConnectorContract, drain
from tests.sources.standins.base import serve
from tests.sources.standins.stripe import StripeState, make_app


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[StripeState, str, type]]:
    state = StripeState()
    for i in range(260):
        state.add("customers", f"cus_{i:04d}", name=f"Customer {i}", email=f"c{i}@example.com")
    state.subscribe("sub_a", "cus_0001", 5000, quantity=3)
    state.subscribe("sub_b", "cus_0002", 120000, interval="year")
    state.add(
        "invoices",
        "in_1",
        customer="cus_0001",
        status="paid",
        amount_due=15000,
        amount_paid=15000,
        currency="usd",
    )
    with serve(make_app(state)) as url:
        yield state, url, Stripe


class TestStripe(ConnectorContract):
    stream = "customers"
    key = "id"
    cursor_column = "created"
    good = {"api_key": "sk_test_51Standin"}  # noqa: RUF012
    bad = {"api_key": "sk_test_wrong"}  # noqa: RUF012

    def all_keys(self, state: Any) -> set[str]:
        return set(state.objects["customers"])

    def change(self, state: Any) -> set[str]:
        state.add("customers", "cus_new1", name="New 1")
        state.add("customers", "cus_new2", name="New 2")
        return {"cus_new1", "cus_new2"}

    def at_cursor(self, rows: list[dict[str, Any]], cursor: str) -> set[str]:
        # mid-read the cursor is resume:LOW:HIGH:TOP; HIGH, the oldest time read, is read again
        high = cursor.split(":")[2] if cursor.startswith("resume:") else cursor
        return {str(r[self.key]) for r in rows if r[self.cursor_column] == high}


def test_mappings_and_cancellations_as_churn(site: Any) -> None:
    state, url, _ = site
    state.faults.reset()
    conn = Stripe(url, {"api_key": state.api_key}, {})
    subs, _ = drain(conn, "subscriptions", None)
    assert sorted((r["id"], r["mrr"], r["quantity"], r["term_months"]) for r in subs) == [
        ("sub_a", "150.0", "3", "1"),
        ("sub_b", "100.0", "1", "12"),
    ]
    invoices, _ = drain(conn, "invoices", None)
    assert [(r["event"], r["message_id"]) for r in invoices] == [("invoice_paid", "in_1:paid")]
    churn, cursor = drain(conn, "cancellations", None)
    assert churn == []
    assert cursor is None
    state.cancel("sub_a")
    churn, cursor = drain(conn, "cancellations", cursor)
    assert [
        (
            r["id"],
            r["account_id"] if "account_id" in r else r["customer"],
            r["kind"],
            r["arr_change"],
        )
        for r in churn
    ] == [("sub_a:churned", "cus_0001", "churned", "-1800.0")]
    subs, _ = drain(conn, "subscriptions", None)
    ended = next(r for r in subs if r["id"] == "sub_a")
    assert ended["status"] == "canceled"
    assert ended["end_date"] >= ended["start_date"]
    again, _ = drain(conn, "cancellations", cursor)
    assert [r["id"] for r in again] == ["sub_a:churned"]  # only the one at the cursor
