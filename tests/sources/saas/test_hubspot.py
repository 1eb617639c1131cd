"""HubSpot against its stand-in: reads, cursors, faults, and scores written back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stethoscope.sources.connector import ScoreUpdate
from stethoscope.sources.saas import hubspot
from stethoscope.sources.saas.hubspot import HubSpot
from stethoscope.sources.saas.writeback import write_back
from tests.sources.saas.cases import ConnectorContract, drain
from tests.sources.standins.base import serve
from tests.sources.standins.hubspot import HubSpotState, make_app

N = 250


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[HubSpotState, str, type]]:
    state = HubSpotState()
    state.owners = [
        {"id": str(i), "email": f"csm{i}@example.com", "firstName": "C"} for i in range(150)
    ]
    for i in range(N):
        state.put(
            "companies",
            str(1000 + i),
            name=f"Company {i}",
            industry="retail",
            hubspot_owner_id=str(i % 150),
            hs_lifecyclestage_customer_date="2023-05-01T00:00:00.000Z",
        )
    for i in range(30):
        state.put(
            "deals",
            str(5000 + i),
            dealname=f"Plan {i}",
            hs_mrr=str(100 + i),
            dealstage="closedwon" if i % 3 else "appointmentscheduled",
            closedate="2024-01-01T00:00:00.000Z",
        )
        # a secondary company first: the primary one is the account
        state.associations[("deals", str(5000 + i))] = [
            (str(1200 + i), False),
            (str(1000 + i), True),
        ]
    for i in range(12):
        state.put(
            "tickets",
            str(7000 + i),
            subject="help",
            hs_pipeline_stage=str(1 + i % 4),
            hs_ticket_priority="MEDIUM",
            hs_primary_company_id=str(1100 + i),
        )
        state.associations[("tickets", str(7000 + i))] = [(str(1000 + i), False)]
    state.put(
        "meetings",
        "9001",
        hs_timestamp="2024-02-01T15:00:00.000Z",
        hubspot_owner_id="3",
        hs_meeting_title="QBR",
        hs_meeting_body="Renewal looks safe",
    )
    state.associations[("meetings", "9001")] = [("1002", False)]
    state.put(
        "notes", "9002", hs_timestamp="2024-02-02T09:00:00.000Z", hs_note_body="Champion left"
    )
    state.associations[("notes", "9002")] = [("1004", False)]
    with serve(make_app(state)) as url:
        yield state, url, HubSpot


class TestHubSpot(ConnectorContract):
    stream = "companies"
    key = "id"
    cursor_column = "hs_lastmodifieddate"
    good = {"token": "pat-na1-test"}  # noqa: RUF012
    bad = {"token": "pat-na1-wrong"}  # noqa: RUF012
    options = {"max_attempts": 2, "backoff": 0.01, "page_size": 100}  # noqa: RUF012

    def all_keys(self, state: Any) -> set[str]:
        return set(state.objects["companies"])

    def change(self, state: Any) -> set[str]:
        state.put("companies", "1003", name="Renamed")
        state.put("companies", "9999", name="New Co")
        return {"1003", "9999"}


def test_mappings(site: Any) -> None:
    state, url, _ = site
    state.faults.reset()
    conn = HubSpot(url, {"token": state.token}, {})
    companies, _ = drain(conn, "companies", None)
    first = next(r for r in companies if r["id"] == "1001")
    assert (first["owner_email"], first["customer_since"]) == ("csm1@example.com", "2023-05-01")
    deals, _ = drain(conn, "deals", None)
    assert sorted(r["id"] for r in deals) == [str(5000 + i) for i in range(30) if i % 3]
    assert {(r["id"], r["company_id"]) for r in deals} == {
        (str(5000 + i), str(1000 + i)) for i in range(30) if i % 3
    }
    tickets, _ = drain(conn, "tickets", None)
    assert [r["company_id"] for r in tickets] == [str(1000 + i) for i in range(12)]
    by_property = HubSpot(
        url, {"token": state.token}, {"company_property": "hs_primary_company_id"}
    )
    assert [r["company_id"] for r in drain(by_property, "tickets", None)[0]] == [
        str(1100 + i) for i in range(12)
    ]
    assert [(r["status"], r["priority"]) for r in tickets[:4]] == [
        ("new", "normal"),
        ("pending", "normal"),
        ("open", "normal"),
        ("closed", "normal"),
    ]


def test_search_past_its_limit_restarts_from_the_last_time(
    site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HubSpot pages one search to 10,000 results; here the limit is 200 on both sides."""
    state, url, _ = site
    state.faults.reset()
    monkeypatch.setattr(state, "search_limit", 200)
    monkeypatch.setattr(hubspot, "SEARCH_LIMIT", 200)
    rows, _ = drain(HubSpot(url, {"token": state.token}, {"page_size": 100}), "companies", None)
    assert {r["id"] for r in rows} == set(state.objects["companies"])
    assert state.faults.served == 3  # 100, 100, then a new search from the last time


def test_write_back_retried_and_partly_failed(site: Any) -> None:
    state, url, _ = site
    state.faults.reset()
    state.writes.clear()
    conn = HubSpot(
        url,
        {"token": state.token},
        {"max_attempts": 3, "backoff": 0.01, "score_property": "cs_health"},
    )
    ids = sorted(state.objects["companies"])[:230]
    updates = [ScoreUpdate(a, 50 + i % 40, "green", f"logins up {i}") for i, a in enumerate(ids)]
    updates.append(ScoreUpdate("404404", 10, "red", "unknown company"))
    state.faults.fail_at, state.faults.fail_times = 1, 2  # the second batch: 500, 500, then ok
    result = conn.write_scores(updates)
    assert result.written == 230
    assert [a for a, _ in result.failed] == ["404404"]
    assert "OBJECT_NOT_FOUND" in result.failed[0][1]
    for u in updates[:-1]:
        props = state.objects["companies"][u.account_id]["properties"]
        assert (props["cs_health"], props["health_band"], props["health_reason"]) == (
            f"{u.score:.1f}",
            u.band,
            u.reason,
        )
    assert set(state.writes.values()) == {1}, "every changed score held once"
    assert len(state.writes) == 230


def test_only_changed_scores_are_written_again(site: Any) -> None:
    state, url, _ = site
    state.faults.reset()
    state.writes.clear()
    conn = HubSpot(url, {"token": state.token}, {})
    ids = sorted(state.objects["companies"])[:40]
    scores = [ScoreUpdate(a, 70.04, "green", "steady usage") for a in ids]
    result, written = write_back(conn, scores, {})
    assert (result.written, len(written)) == (40, 40)
    # 70.04 -> 70.01 is the same score to one decimal; two accounts really changed
    scores = [ScoreUpdate(a, 70.01, "green", "steady usage") for a in ids]
    scores[3] = ScoreUpdate(ids[3], 41.5, "yellow", "fewer logins")
    scores[7] = ScoreUpdate(ids[7], 70.0, "green", "more tickets")
    served = state.faults.served
    result, written = write_back(conn, scores, written)
    assert result.written == 2
    assert state.faults.served == served + 1  # one batch
    assert {a for a, n in state.writes.items() if n == 2} == {ids[3], ids[7]}
    props = state.objects["companies"][ids[3]]["properties"]
    assert (props["health_score"], props["health_band"]) == ("41.5", "yellow")
    result, _ = write_back(conn, scores, written)
    assert result.written == 0
    assert state.faults.served == served + 1  # nothing sent


def test_engagements_as_touchpoints(site: Any) -> None:
    state, url, _ = site
    state.faults.reset()
    conn = HubSpot(url, {"token": state.token}, {})
    meetings, _ = drain(conn, "meetings", None)
    notes, _ = drain(conn, "notes", None)
    calls, _ = drain(conn, "calls", None)
    got = [
        (r["id"], r["company_id"], r["kind"], r["hs_timestamp"], r["owner_email"], r["note"])
        for r in meetings + notes
    ]
    assert got == [
        (
            "9001",
            "1002",
            "meeting",
            "2024-02-01T15:00:00.000Z",
            "csm3@example.com",
            "QBR\n\nRenewal looks safe",
        ),
        ("9002", "1004", "note", "2024-02-02T09:00:00.000Z", None, "Champion left"),
    ]
    assert calls == []
