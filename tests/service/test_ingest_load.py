"""The ingest under load, against `stethoscope serve` as a real process (issue 4): Segment's
library sends 100,000 events and each is stored once; a server killed with SIGKILL in the
middle of a load keeps every event it acknowledged."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from segment.analytics import Client
from segment.analytics import request as segment_request

from stethoscope.project import Project
from tests.serving import Serving

ACCOUNTS = [f"a{i}" for i in range(1, 6)]
ACCOUNTS_CSV = "id,name,customer_since\n" + "".join(
    f"{a},Account {a},2024-01-01\n" for a in ACCOUNTS
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A project on an embedded database holding five accounts, with no scheduled runs."""
    (tmp_path / "stethoscope.toml").write_text(
        'database_url = "stethoscope.duckdb"\nschedule = ""\n'
    )
    (tmp_path / "accounts.csv").write_text(ACCOUNTS_CSV)
    with Project.open(tmp_path) as p:
        p.import_file("accounts", tmp_path / "accounts.csv")
    return tmp_path


@pytest.fixture
def key(folder: Path) -> str:
    with Project.open(folder) as p:
        return p.create_key("segment", "ingest").secret


@pytest.fixture
def segment_session() -> Iterator[None]:
    yield
    # the library keeps one HTTP session for the process: close its connections
    segment_request._session.close()


def stored(folder: Path) -> tuple[int, int, int, set[str]]:
    """Of the events in the project's database: their count, their distinct message ids,
    the number of pending events, and the set of message ids. Read once the server is gone."""
    con = duckdb.connect(str(folder / "stethoscope.duckdb"), read_only=True)
    try:
        count, distinct = con.execute(
            "SELECT count(*), count(DISTINCT message_id) FROM events"
        ).fetchone() or (0, 0)
        (pending,) = con.execute("SELECT count(*) FROM pending_events").fetchone() or (0,)
        ids = {r[0] for r in con.execute("SELECT message_id FROM events").fetchall()}
    finally:
        con.close()
    return count, distinct, pending, ids


def track(message_id: str, n: int) -> dict[str, Any]:
    return {
        "type": "track",
        "userId": f"u{n % 97}",
        "event": "report_created",
        "properties": {"n": n},
        "timestamp": "2026-03-02T09:30:00Z",
        "messageId": message_id,
        "context": {"groupId": ACCOUNTS[n % len(ACCOUNTS)]},
    }


@pytest.mark.slow
def test_the_segment_library_sends_100000_events_each_stored_once(
    folder: Path, key: str, segment_session: None
) -> None:
    n = 100_000
    ids = [f"load-{i}" for i in range(n)]
    failures: list[Any] = []
    with Serving(folder) as server:
        client = Client(
            write_key=key,
            host=server.lease.url,
            max_queue_size=n + 10_000,
            # about 1,000 calls of ~250 bytes stay under the library's 475 KB per batch
            upload_size=1_000,
            upload_interval=0.05,
            on_error=lambda e, batch: failures.append((e, len(batch))),
        )
        try:
            for i, message_id in enumerate(ids):
                queued, _ = client.track(
                    f"u{i % 97}",
                    "report_created",
                    {"n": i},
                    context={"groupId": ACCOUNTS[i % len(ACCOUNTS)]},
                    message_id=message_id,
                )
                assert queued, f"the library's queue refused {message_id}"
            client.flush()
            # a client that did not see the answers sends the same messages again
            for i in range(0, n, 7):
                client.track(
                    f"u{i % 97}",
                    "report_created",
                    {"n": i},
                    context={"groupId": ACCOUNTS[i % len(ACCOUNTS)]},
                    message_id=ids[i],
                )
            client.flush()
        finally:
            client.shutdown()
        # the same batch posted twice, as a retry after a lost answer
        batch = json.dumps({"batch": [track(ids[i], i) for i in range(500, 1500)]})
        with httpx.Client(base_url=server.lease.url, auth=(key, ""), timeout=60) as http:
            for _ in range(2):
                r = http.post("/v1/batch", content=batch)
                assert r.status_code == 200, r.text
    assert server.returncode == 0, server.stderr
    assert failures == []
    count, distinct, pending, got = stored(folder)
    assert (count, distinct, pending) == (n, n, 0)
    assert got == set(ids)


def _batches(count: int, size: int) -> list[tuple[list[str], bytes]]:
    """``count`` batches of ``size`` track calls: each one's message ids and body."""
    out = []
    for b in range(count):
        calls = [track(f"kill-{b}-{i}", b * size + i) for i in range(size)]
        out.append(([c["messageId"] for c in calls], json.dumps({"batch": calls}).encode()))
    return out


def _post_all(url: str, key: str, batches: list[tuple[list[str], bytes]]) -> None:
    with httpx.Client(base_url=url, auth=(key, ""), timeout=60) as http:
        for _, body in batches:
            r = http.post("/v1/batch", content=body)
            assert r.status_code == 200, r.text


@pytest.mark.slow
def test_a_server_killed_mid_load_keeps_every_acknowledged_event(folder: Path, key: str) -> None:
    batches = _batches(count=120, size=200)
    acked: list[list[str]] = []
    refused: list[str] = []
    lock = threading.Lock()
    next_batch = iter(range(len(batches)))
    killed = threading.Event()

    def sender(url: str) -> None:
        with httpx.Client(base_url=url, auth=(key, ""), timeout=60) as http:
            while not killed.is_set():
                with lock:
                    b = next(next_batch, None)
                if b is None:
                    return
                ids, body = batches[b]
                try:
                    r = http.post("/v1/batch", content=body)
                except httpx.TransportError:
                    continue  # not acknowledged: the server is gone
                with lock:
                    if r.is_success:
                        acked.append(ids)
                    else:
                        refused.append(r.text)

    with Serving(folder) as server:
        senders = [threading.Thread(target=sender, args=(server.lease.url,)) for _ in range(3)]
        for t in senders:
            t.start()
        deadline = time.monotonic() + 120
        while len(acked) < 40:
            assert time.monotonic() < deadline, "the server acknowledged too little"
            assert all(t.is_alive() for t in senders), "the load ended before the kill"
            time.sleep(0.005)
        server.process.kill()
        # reaped, the process is gone, so its lease is stale
        server.process.wait(30)
        killed.set()
        for t in senders:
            t.join(60)
    assert server.returncode == -9
    assert refused == []
    acknowledged = {m for ids in acked for m in ids}
    assert 40 * 200 <= len(acknowledged) < len(batches) * 200, "the kill came after the load"

    # the project opens as a user would: the lock is released and the stale lease ignored
    with Project.open(folder) as p:
        rows = p.store.con.execute(
            "SELECT message_id, count(*) FROM events GROUP BY message_id"
        ).fetchall()
    counts = dict(rows)
    assert acknowledged <= counts.keys(), "an acknowledged event was lost"
    assert [m for m, c in counts.items() if c != 1] == []

    # restarted, the server takes everything again, and still stores each event once
    with Serving(folder) as server:
        _post_all(server.lease.url, key, batches)
    assert server.returncode == 0, server.stderr
    everything = {m for ids, _ in batches for m in ids}
    count, distinct, pending, got = stored(folder)
    assert (count, distinct, pending) == (len(everything), len(everything), 0)
    assert got == everything
