"""Ingest requests that wait for the writer together are written in one transaction: each
event stored once, a membership taking effect in its place, and one request's failure its
own. On DuckDB and on Postgres."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from stethoscope.project import Project
from stethoscope.store.ingest import Membership, Track, Written
from tests.conftest import ACCOUNTS_CSV, STORES, open_project

AT = dt.datetime(2026, 5, 1, 12)


@pytest.fixture
def project(request: pytest.FixtureRequest, store: str, tmp_path: Path) -> Any:
    p = open_project(request, store, tmp_path)
    (tmp_path / "accounts.csv").write_text(ACCOUNTS_CSV)
    p.import_file("accounts", tmp_path / "accounts.csv")
    yield p
    p.close()


@pytest.fixture
def store() -> str:
    return "duckdb"


def together(p: Project, requests: list[list[Track | Membership]]) -> list[Written | Exception]:
    """Send the requests from threads while the writer is busy, so that they wait together;
    what each got back."""
    out: list[Written | Exception | None] = [None] * len(requests)

    def send(i: int) -> None:
        try:
            out[i] = p.ingest(requests[i], received_at=AT + dt.timedelta(seconds=i))
        except Exception as e:
            out[i] = e

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
    with p._lock:  # the writer is busy: every request queues
        for i, t in enumerate(threads):
            t.start()
            while len(p._ingest_waiting) <= i:  # in this order
                time.sleep(0.005)
    for t in threads:
        t.join()
    assert all(r is not None for r in out)
    return [r for r in out if r is not None]


def track(message: str, user: str, group: str | None = None, props: str | None = None) -> Track:
    return Track(message, "login", AT, user_id=user, group_id=group, properties=props)


def events(p: Project) -> list[tuple[Any, ...]]:
    return p.store.con.execute(
        "SELECT message_id, account_id FROM events ORDER BY message_id"
    ).fetchall()


@pytest.mark.parametrize("store", STORES)
def test_requests_waiting_together_store_each_event_once(project: Project) -> None:
    p = project
    got = together(
        p,
        [
            [track("m1", "u1", "a1"), track("m2", "u2")],
            # u2 is put in a2 after the first request: its event m2 waits, m3 goes to a2
            [Membership("a2", "group", AT, user_id="u2")],
            [track("m3", "u2"), track("m1", "u1", "a1")],
            [track("m4", "u3", "a1"), track("m3", "u2")],
        ],
    )
    assert all(isinstance(r, Written) for r in got)
    stored = [(r.stored, r.pending, r.skipped) for r in got if isinstance(r, Written)]
    assert stored == [(1, 1, 0), (0, 0, 0), (1, 0, 1), (1, 0, 1)]
    # the waiting m2 was attached when u2 was put in a2
    assert events(p) == [("m1", "a1"), ("m2", "a2"), ("m3", "a2"), ("m4", "a1")]
    received = p.store.con.execute(
        "SELECT message_id, received_at FROM ingested_messages ORDER BY message_id"
    ).fetchall()
    # each id keeps the time of the request that first brought it
    assert [r[1] - AT for r in received] == [dt.timedelta(seconds=s) for s in (0, 0, 2, 3)]


@pytest.mark.parametrize("store", STORES)
def test_a_failing_request_fails_alone(project: Project) -> None:
    p = project
    got = together(
        p,
        [
            [track("m1", "u1", "a1")],
            [track("m2", "u1", "a1", props="{not json")],
            [track("m3", "u1", "a2")],
        ],
    )
    assert isinstance(got[0], Written)
    assert isinstance(got[1], Exception)
    assert isinstance(got[2], Written)
    assert events(p) == [("m1", "a1"), ("m3", "a2")]
    # the failed request's message id was not taken: sending it again, mended, stores it
    p.ingest([track("m2", "u1", "a1", props="{}")], received_at=AT)
    assert ("m2", "a1") in events(p)
