"""Intercom against its stand-in: companies by scroll, conversations searched by time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stethoscope.sources.saas.intercom import Intercom
from tests.sources.saas.cases import ConnectorContract, drain
from tests.sources.standins.base import serve
from tests.sources.standins.intercom import IntercomState, make_app


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[IntercomState, str, type]]:
    state = IntercomState()
    for i in range(120):
        state.put_company(
            f"acme-{i}",
            name=f"Acme {i}",
            plan={"type": "plan", "name": "pro"},
            monthly_spend=100 + i,
            remote_created_at=1_600_000_000,
        )
    for i in range(400):
        # the contact's company, and another in a custom attribute
        state.put_contact(f"u{i}", f"x{i}", f"acme-{i % 120}")
        state.put_conversation(
            f"c{i}",
            custom_attributes={"account": f"acme-{(i + 1) % 120}"},
            state=["open", "snoozed", "closed"][i % 3],
            contacts={
                "type": "contact.list",
                "contacts": [{"type": "contact", "id": f"u{i}", "external_id": f"x{i}"}],
            },
            statistics={"last_close_at": 1_704_100_000},
            conversation_rating={"rating": 1 + i % 5},
        )
    with serve(make_app(state)) as url:
        yield state, url, Intercom


class TestIntercom(ConnectorContract):
    stream = "conversations"
    key = "id"
    cursor_column = "updated_at"
    good = {"access_token": "dG9rOmludGVyY29t"}  # noqa: RUF012
    bad = {"access_token": "expired"}  # noqa: RUF012

    def all_keys(self, state: Any) -> set[str]:
        return set(state.conversations)

    def change(self, state: Any) -> set[str]:
        state.put_conversation("c7", state="closed")
        state.put_conversation("c-new", custom_attributes={"company_id": "acme-1"})
        return {"c7", "c-new"}


def test_companies_scrolled_and_mapped(site: Any) -> None:
    state, url, _ = site
    state.faults.reset()
    rows, cursor = drain(Intercom(url, {"access_token": state.token}, {}), "companies", None)
    assert cursor is None  # read whole every time
    assert sorted(r["company_id"] for r in rows) == sorted(state.companies)
    first = next(r for r in rows if r["company_id"] == "acme-1")
    assert (first["plan"], first["arr"], first["customer_since"]) == ("pro", "1212.0", "2020-09-13")


def test_conversations_mapped(site: Any) -> None:
    state, url, _ = site
    state.faults.reset()
    rows, _ = drain(Intercom(url, {"access_token": state.token}, {}), "conversations", None)
    assert {r["account_id"] for r in rows if r["contact_id"]} == set(state.companies)
    c2 = next(r for r in rows if r["id"] == "c2")
    assert (c2["account_id"], c2["contact_id"], c2["status"], c2["rating"]) == (
        "acme-2",
        "x2",
        "closed",
        "3",
    )
    assert c2["closed_at"] == "2024-01-01T09:06:40Z"
    by_attribute = Intercom(url, {"access_token": state.token}, {"account_attribute": "account"})
    rows, _ = drain(by_attribute, "conversations", None)
    assert next(r for r in rows if r["id"] == "c2")["account_id"] == "acme-3"


def test_contacts_with_their_company_and_only_the_changed_again(site: Any) -> None:
    state, url, _ = site
    state.faults.reset()
    conn = Intercom(url, {"access_token": state.token}, {})
    rows, cursor = drain(conn, "contacts", None)
    assert len(rows) == len(state.contacts)
    u5 = next(r for r in rows if r["intercom_id"] == "u5")
    assert (u5["contact_id"], u5["account_id"], u5["email"]) == ("x5", "acme-5", "x5@example.com")
    state.put_contact("u5", "x5", "acme-9")
    again, _ = drain(conn, "contacts", cursor)
    assert ("x5", "acme-9") in [(r["contact_id"], r["account_id"]) for r in again]
    # and besides it only the contact at the cursor, read again
    assert [r["updated_at"] for r in again if r["contact_id"] != "x5"] == [cursor]
