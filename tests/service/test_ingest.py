"""The Segment-compatible ingest (docs/concepts/ingest.md): Segment's own Python library and
plain HTTP, against the real app served by uvicorn on a real project."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from segment.analytics import Client
from segment.analytics import request as segment_request
from segment.analytics.request import APIError

from stethoscope.errors import DataError
from stethoscope.project import Project
from stethoscope.service.app import create_app
from stethoscope.service.ingest import MAX_BATCH_BYTES
from stethoscope.service.ingest_calls import (
    MAX_CALL_BYTES,
    PayloadError,
    _call,
    _rough_size,
    _size,
    _track,
    parse_batch,
    parse_call,
)
from stethoscope.store.database import PostgresConnection, connect_postgres
from stethoscope.store.ingest import Membership, Track
from tests.conftest import ACCOUNTS_CSV, STORES, accounts_book, filled_project
from tests.service.conftest import TOKEN

GOLDEN = Path(__file__).parent.parent / "fixtures" / "golden"
T0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


class Server:
    """The app of the current test served by uvicorn in a thread, on a free port of this
    machine; ``headers`` holds the headers of every request the test's app received. One
    server serves a module's tests (``served``): starting and stopping uvicorn for each
    test cost a third of this module's time; each test still gets an app of its own over
    its own project (``server``)."""

    def __init__(self) -> None:
        self.app: Any = None
        self.headers: list[dict[str, str]] = []

        async def recording(scope: Any, receive: Any, send: Any) -> None:
            assert self.app is not None, "a request after its test ended"
            if scope["type"] == "http":
                self.headers.append({k.decode(): v.decode() for k, v in scope["headers"]})
            await self.app(scope, receive, send)

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(
            recording, log_level="warning", access_log=False, lifespan="off", ws="none"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]})

    def serve(self, project: Project) -> Server:
        """Serve a new app over ``project``, with no headers recorded yet."""
        self.app = create_app(project, TOKEN)
        self.headers = []
        return self

    def __enter__(self) -> Server:
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                return self
            self.thread.join(0.01)
        raise RuntimeError("the server did not start")

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture(scope="module")
def served() -> Iterator[Server]:
    with Server() as s:
        yield s


@pytest.fixture
def store() -> str:
    """The kind of store of ``project``: a test parametrizes it over STORES to run on both."""
    return "duckdb"


@pytest.fixture(scope="module")
def accounts_store(tmp_path_factory: pytest.TempPathFactory, empty_store: Path) -> tuple[Path, str]:
    """An embedded store holding the two accounts of ACCOUNTS_CSV and the ingest key
    "segment", closed, to copy; and that key's secret. An import and a key cost 0.1-0.2 s,
    a copy a few milliseconds."""
    folder = tmp_path_factory.mktemp("accounts-store")
    (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    shutil.copyfile(empty_store, folder / "stethoscope.duckdb")
    (folder / "accounts.csv").write_text(ACCOUNTS_CSV)
    with Project.open(folder) as p:
        p.import_file("accounts", folder / "accounts.csv")
        secret = p.create_key("segment", "ingest").secret
    return folder / "stethoscope.duckdb", secret


@pytest.fixture
def project(
    request: pytest.FixtureRequest,
    store: str,
    tmp_path: Path,
    write: Callable[[str, str], Path],
) -> Iterator[Project]:
    """A project holding two accounts, a1 and a2 (ACCOUNTS_CSV): on the embedded store a
    copy of ``accounts_store`` (with its ingest key), on Postgres a copy of a database they
    were imported into once."""
    if store == "duckdb":
        (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
        copy = request.getfixturevalue("accounts_store")[0]
        shutil.copyfile(copy, tmp_path / "stethoscope.duckdb")
        with Project.open(tmp_path) as p:
            yield p
        return
    with filled_project(request, store, tmp_path, "accounts", accounts_book) as p:
        yield p


@pytest.fixture
def book(project: Project) -> Project:
    """The project, with its two accounts, a1 and a2."""
    return project


@pytest.fixture
def server(served: Server, book: Project) -> Iterator[Server]:
    yield served.serve(book)
    served.app = None


@pytest.fixture
def key(request: pytest.FixtureRequest, store: str, project: Project) -> str:
    """The secret of the project's ingest key "segment": on the embedded store the one
    its copy holds, on Postgres a new one."""
    if store == "duckdb":
        return str(request.getfixturevalue("accounts_store")[1])
    return project.create_key("segment", "ingest").secret


# the server speaks plain HTTP: the clients share one TLS context, which httpx would
# otherwise build for each client, reading the certificate bundle (20 ms each)
PLAIN_HTTP = ssl.create_default_context()


@pytest.fixture
def http(server: Server, key: str) -> Iterator[httpx.Client]:
    """An HTTP client sending the ingest key as Segment's libraries do."""
    with httpx.Client(base_url=server.url, auth=(key, ""), verify=PLAIN_HTTP) as c:
        yield c


@pytest.fixture
def segment(server: Server, key: str) -> Iterator[Callable[..., Client]]:
    """segment(**options) -> a Client of Segment's library, sending to the server."""
    clients: list[Client] = []

    def make(**options: Any) -> Client:
        client = Client(write_key=options.pop("write_key", key), host=server.url, **options)
        clients.append(client)
        return client

    yield make
    for c in clients:
        if not c.sync_mode:
            c.shutdown()
    # the library keeps one HTTP session for the process: close its connections to this server
    segment_request._session.close()


def rows(project: Project, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Read through a connection of its own: it sees only what was committed."""
    if isinstance(project.store.con, PostgresConnection):
        other = connect_postgres(project.settings.database_url)
        try:
            return other.execute(sql, params or []).fetchall()
        finally:
            other.close()
    cursor = project.store.con.cursor()
    try:
        return cursor.execute(sql, params or []).fetchall()
    finally:
        cursor.close()


def events(project: Project) -> list[tuple[Any, ...]]:
    return rows(
        project,
        "SELECT account_id, user_id, event, timestamp, CAST(properties AS VARCHAR), message_id "
        "FROM events ORDER BY timestamp, message_id",
    )


def pending(project: Project) -> list[str]:
    return [r[0] for r in rows(project, "SELECT message_id FROM pending_events ORDER BY 1")]


def ok(r: httpx.Response) -> None:
    """The answer of a request that was taken: Segment's."""
    assert r.status_code == 200, r.text
    assert r.json() == {"success": True}


def naive(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC).replace(tzinfo=None)


def track(message_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "track",
        "userId": "u1",
        "event": "report_created",
        "timestamp": T0.isoformat(),
        "messageId": message_id,
        "context": {"groupId": "a1"},
        **fields,
    }


# -- Segment's Python library ----------------------------------------------------------


@pytest.mark.parametrize("store", STORES)
def test_segment_library_sends_track_identify_and_group(
    segment: Callable[..., Client], book: Project
) -> None:
    client = segment(sync_mode=True)
    client.track(
        "u1",
        "report_created",
        {"rows": 3, "format": "pdf"},
        context={"groupId": "a1"},
        timestamp=T0,
        message_id="m-track",
    )
    # a group call puts u2 in a2; identify traits put u3 in a1
    client.group("u2", "a2", {"name": "Beta"}, timestamp=T0)
    client.track("u2", "login", timestamp=T0 + dt.timedelta(minutes=1), message_id="m-login")
    client.identify("u3", {"email": "x@a1.example", "company": {"id": "a1", "name": "Acme"}})
    client.track("u3", "export", timestamp=T0 + dt.timedelta(minutes=2), message_id="m-export")
    got = events(book)
    assert [(r[0], r[1], r[2], r[5]) for r in got] == [
        ("a1", "u1", "report_created", "m-track"),
        ("a2", "u2", "login", "m-login"),
        ("a1", "u3", "export", "m-export"),
    ]
    assert json.loads(got[0][4]) == {"rows": 3, "format": "pdf"}
    # the library sends sentAt: the timestamp moves only by the time the request took
    assert abs(got[0][3] - naive(T0)) < dt.timedelta(seconds=5)
    assert rows(book, "SELECT kind, id, account_id, via FROM user_accounts ORDER BY id") == [
        ("user", "u2", "a2", "group"),
        ("user", "u3", "a1", "identify"),
    ]
    assert pending(book) == []


@pytest.mark.parametrize("store", STORES)
def test_segment_library_batches_with_gzip(
    segment: Callable[..., Client], server: Server, book: Project
) -> None:
    failures: list[Any] = []
    client = segment(
        gzip=True, upload_interval=0.05, on_error=lambda e, batch: failures.append((e, batch))
    )
    for i in range(30):
        client.track(f"u{i % 3}", "login", context={"groupId": "a2"}, message_id=f"g-{i}")
    client.flush()
    assert failures == []
    assert len(events(book)) == 30
    sent = [h for h in server.headers if h.get("content-encoding") == "gzip"]
    assert sent, "the library did not send gzip"
    assert all(h["authorization"].startswith("Basic ") for h in sent)


def test_segment_library_with_a_wrong_key_gets_401(segment: Callable[..., Client]) -> None:
    client = segment(sync_mode=True, write_key="sk_not-a-key")
    with pytest.raises(APIError) as e:
        client.track("u1", "login", context={"groupId": "a1"})
    assert e.value.status == 401


# -- HTTP: what a call becomes -----------------------------------------------------------


@pytest.mark.parametrize("store", STORES)
def test_answer_is_segments_and_every_endpoint_takes_its_call(
    http: httpx.Client, book: Project
) -> None:
    r = http.post("/v1/track", json=track("m1"))
    assert r.status_code == 200
    assert r.json() == {"success": True}
    assert http.post("/v1/group", json={"userId": "u7", "groupId": "a2"}).json() == {
        "success": True
    }
    assert http.post(
        "/v1/identify", json={"userId": "u8", "traits": {"account_id": "a1"}}
    ).is_success
    # /v1/import is analytics-ruby's and analytics-java's name for /v1/batch
    r = http.post("/v1/import", json={"batch": [track("m2", userId="u7", context={})]})
    assert r.json() == {"success": True}
    assert [(e[0], e[1], e[5]) for e in events(book)] == [("a1", "u1", "m1"), ("a2", "u7", "m2")]
    assert rows(book, "SELECT id, account_id FROM user_accounts ORDER BY id") == [
        ("u7", "a2"),
        ("u8", "a1"),
    ]


@pytest.mark.parametrize("store", STORES)
def test_account_of_a_track_call_in_order(http: httpx.Client, book: Project) -> None:
    ok(http.post("/v1/group", json={"userId": "u1", "groupId": "a2", "timestamp": T0.isoformat()}))
    ok(http.post("/v1/group", json={"anonymousId": "anon-1", "groupId": "a1"}))
    calls = [
        # groupId wins over context.groupId, which wins over the user's group
        track("by-group-id", groupId="a2", context={"groupId": "a1"}),
        track("by-context", context={"groupId": "a1"}),
        track("by-user", context={}),
        # no userId: the anonymousId's group
        {**track("by-anonymous", context={}), "userId": None, "anonymousId": "anon-1"},
    ]
    r = http.post("/v1/batch", json={"batch": calls})
    assert r.status_code == 200, r.json()
    # a batch's context applies to its calls
    calls = [{**track("by-batch-context", context=None), "userId": "u-new"}]
    r = http.post("/v1/batch", json={"batch": calls, "context": {"groupId": "a1"}})
    assert r.status_code == 200, r.json()
    placed = {e[5]: e[0] for e in events(book)}
    assert placed == {
        "by-group-id": "a2",
        "by-context": "a1",
        "by-user": "a2",
        "by-anonymous": "a1",
        "by-batch-context": "a1",
    }


@pytest.mark.parametrize(
    ("traits", "context", "account"),
    [
        ({"account_id": "a1", "accountId": "a2"}, {}, "a1"),
        ({"accountId": "a2", "groupId": "a1"}, {}, "a2"),
        ({"group_id": "a2", "groupId": "a1"}, {}, "a2"),
        ({"groupId": "a2", "company": {"id": "a1"}}, {}, "a2"),
        ({"company": {"id": "a2", "name": "Beta"}}, {"groupId": "a1"}, "a2"),
        ({"company": "Beta Inc."}, {"groupId": "a1"}, "a1"),
        ({"email": "x@example.com", "company": "Beta Inc."}, {}, None),
    ],
)
def test_identify_traits_that_name_the_account(
    http: httpx.Client,
    book: Project,
    traits: dict[str, Any],
    context: dict[str, Any],
    account: str | None,
) -> None:
    r = http.post("/v1/identify", json={"userId": "u1", "traits": traits, "context": context})
    assert r.status_code == 200, r.json()
    got = rows(book, "SELECT account_id FROM user_accounts WHERE id = 'u1'")
    assert got == ([(account,)] if account else [])


@pytest.mark.parametrize("store", STORES)
def test_the_latest_group_call_decides_the_users_account(http: httpx.Client, book: Project) -> None:
    late, early = T0.isoformat(), (T0 - dt.timedelta(days=1)).isoformat()
    ok(http.post("/v1/group", json={"userId": "u1", "groupId": "a1", "timestamp": late}))
    # delivered after, but happened before: it does not move the user back
    ok(http.post("/v1/group", json={"userId": "u1", "groupId": "a2", "timestamp": early}))
    assert rows(book, "SELECT account_id FROM user_accounts") == [("a1",)]
    later = (T0 + dt.timedelta(hours=1)).isoformat()
    ok(http.post("/v1/group", json={"userId": "u1", "groupId": "a2", "timestamp": later}))
    assert rows(book, "SELECT account_id FROM user_accounts") == [("a2",)]


def test_timestamps_as_segment_reckons_them(http: httpx.Client, book: Project) -> None:
    before = naive(dt.datetime.now(dt.UTC))
    # the device's clock is an hour fast; by it, the call happened 5 minutes before it was sent
    device_now = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    paris = dt.timezone(dt.timedelta(hours=1))
    skewed = {
        "originalTimestamp": (device_now - dt.timedelta(minutes=5)).astimezone(paris).isoformat(),
        "sentAt": device_now.isoformat(),
    }
    calls = [
        track("explicit", sentAt=None),
        {**track("original"), "timestamp": None, "originalTimestamp": "2026-03-01T08:00:00Z"},
        {**track("skewed"), "timestamp": None, **skewed},
        {**track("received"), "timestamp": None},
        # a zone-less time is UTC
        track("no-zone", timestamp="2026-03-02T09:30:00"),
    ]
    assert http.post("/v1/batch", json={"batch": calls}).status_code == 200
    after = naive(dt.datetime.now(dt.UTC))
    at = {e[5]: e[3] for e in events(book)}
    assert at["explicit"] == naive(T0)
    assert at["original"] == dt.datetime(2026, 3, 1, 8)
    assert before - dt.timedelta(minutes=5, seconds=5) <= at["skewed"]
    assert at["skewed"] <= after - dt.timedelta(minutes=5) + dt.timedelta(seconds=5)
    assert before <= at["received"] <= after
    assert at["no-zone"] == naive(T0)
    # a batch's sentAt applies to its calls: one an hour fast moves them back an hour
    sent = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    ok(http.post("/v1/batch", json={"batch": [track("batch-sent")], "sentAt": sent}))
    moved = {e[5]: e[3] for e in events(book)}["batch-sent"]
    assert abs(moved - (naive(T0) - dt.timedelta(hours=1))) < dt.timedelta(seconds=5)


def test_page_screen_and_alias_in_a_batch_are_left_out(http: httpx.Client, book: Project) -> None:
    calls = [
        {"type": "page", "userId": "u1", "name": "Home"},
        {"type": "screen", "anonymousId": "x", "name": "Settings"},
        {"type": "alias", "previousId": "x", "userId": "u1"},
        track("kept"),
    ]
    assert http.post("/v1/batch", json={"batch": calls}).status_code == 200
    assert [e[5] for e in events(book)] == ["kept"]


# -- at-least-once delivery --------------------------------------------------------------


@pytest.mark.parametrize("store", STORES)
def test_a_resent_message_id_is_stored_once(http: httpx.Client, book: Project) -> None:
    for _ in range(3):
        assert http.post("/v1/track", json=track("same")).status_code == 200
    batch = [track("same"), track("twice-in-batch"), track("twice-in-batch", event="other")]
    assert http.post("/v1/batch", json={"batch": batch}).status_code == 200
    assert [(e[2], e[5]) for e in events(book)] == [
        ("report_created", "same"),
        ("report_created", "twice-in-batch"),
    ]
    # the same across the pending events: waiting, re-sent, then attached, then re-sent
    waiting = track("waits", context={"groupId": "a9"})
    for _ in range(2):
        assert http.post("/v1/track", json=waiting).status_code == 200
    assert pending(book) == ["waits"]
    book.store.con.execute(
        "INSERT INTO accounts (id, name, customer_since) VALUES ('a9', 'Nine', DATE '2025-01-01')"
    ).fetchall()
    assert book.attach_pending() == 1
    assert http.post("/v1/track", json=waiting).status_code == 200
    assert pending(book) == []
    assert sum(e[5] == "waits" for e in events(book)) == 1


@pytest.mark.parametrize("store", STORES)
def test_a_request_with_a_resent_call_is_written_whole(http: httpx.Client, book: Project) -> None:
    """On DuckDB a request is first written claiming its message ids by a plain INSERT,
    which a re-sent one makes fail; the request is then written again: its group call
    counts once, and its new calls are stored, placed by that group call."""
    ok(http.post("/v1/track", json=track("old")))
    batch = [
        {"type": "group", "userId": "u7", "groupId": "a2", "timestamp": T0.isoformat()},
        track("old"),
        track("new-1", userId="u7", context={}),
        track("new-1", userId="u7", context={}, event="twice"),
        track("new-2", context={"groupId": "a9"}),
    ]
    ok(http.post("/v1/batch", json={"batch": batch}))
    assert [(e[0], e[1], e[2], e[5]) for e in events(book)] == [
        ("a2", "u7", "report_created", "new-1"),
        ("a1", "u1", "report_created", "old"),
    ]
    assert pending(book) == ["new-2"]
    assert rows(book, "SELECT kind, id, account_id FROM user_accounts") == [("user", "u7", "a2")]
    assert rows(book, "SELECT count(*) FROM ingested_messages") == [(3,)]


def test_a_call_without_message_id_gets_one(http: httpx.Client, book: Project) -> None:
    call = track("x")
    del call["messageId"]
    ok(http.post("/v1/track", json=call))
    (stored,) = events(book)
    assert len(stored[5]) == 36  # a UUID


@pytest.mark.parametrize("store", STORES)
def test_a_bad_call_is_refused_alone(http: httpx.Client, book: Project) -> None:
    """The good calls of a batch are committed, whatever else it holds: Segment's
    libraries drop a batch that is refused, they would be lost."""
    batch = [track("good-1"), track("bad", event=""), track("good-2")]
    r = http.post("/v1/batch", json={"batch": batch})
    assert r.status_code == 400
    answer = r.json()
    assert answer["error"] == "invalid batch: 1 call refused, 2 committed"
    assert answer["errors"] == [
        {"loc": ["batch[1]", "event"], "msg": 'expected a non-empty string, got ""'}
    ]
    assert [e[5] for e in events(book)] == ["good-1", "good-2"]
    assert pending(book) == []
    # a batch whose own fields are malformed is refused whole: its calls cannot be read
    r = http.post("/v1/batch", json={"batch": [track("good-3")], "sentAt": "soon"})
    assert (r.status_code, r.json()["error"]) == (400, "invalid batch")
    assert len(events(book)) == 2


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"])
def test_resent_while_the_first_is_running_is_stored_once_on_postgres(book: Project) -> None:
    """Processes sharing a Postgres store: requests carrying the same calls at once (a
    library retrying a slow request) store each call once, events and pending alike."""
    calls = [
        Track(f"m{i}", "login", naive(T0), user_id="u1", group_id="a1" if i % 2 else "a9")
        for i in range(300)
    ]
    others = [Project.open(book.settings.project_dir) for _ in range(4)]
    start = threading.Barrier(len(others))
    failures: list[BaseException] = []

    def send(p: Project) -> None:
        try:
            p.store  # noqa: B018  (connected before the race starts)
            start.wait()
            p.ingest(calls, received_at=naive(T0))
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=send, args=(p,)) for p in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for p in others:
        p.close()
    assert failures == []
    assert rows(book, "SELECT count(*), count(DISTINCT message_id) FROM events") == [(150, 150)]
    assert len(pending(book)) == 150


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"])
def test_a_write_outside_a_transaction_is_refused_on_postgres(book: Project) -> None:
    from stethoscope.errors import StoreError
    from stethoscope.store import ingest

    call = Track("m1", "login", naive(T0), user_id="u1", group_id="a1")
    with pytest.raises(StoreError, match=r"^the ingest writes inside a transaction"):
        ingest.write(book.store.con, [call], received_at=naive(T0))
    assert events(book) == []


# -- events whose account is not known yet -----------------------------------------------


@pytest.mark.parametrize("store", STORES)
def test_an_event_for_an_unknown_account_waits_for_its_import(
    http: httpx.Client, book: Project, write: Callable[[str, str], Path]
) -> None:
    r = http.post("/v1/track", json=track("early", context={"groupId": "a3"}))
    assert r.json() == {"success": True}
    assert events(book) == []
    assert pending(book) == ["early"]
    more = "id,name,customer_since\na3,Gamma,2025-05-01\n"
    book.import_file("accounts", write("more.csv", more), mode="upsert")
    assert [(e[0], e[5]) for e in events(book)] == [("a3", "early")]
    assert pending(book) == []
    # the next call for it is stored at once (the ingest's copy of the accounts' ids is
    # read again after the import); and one for an erased account waits again
    r = http.post("/v1/track", json=track("later", context={"groupId": "a3"}))
    assert r.json() == {"success": True}
    assert [e[5] for e in events(book)] == ["early", "later"]
    book.forget(account_id="a3")
    r = http.post("/v1/track", json=track("after", context={"groupId": "a3"}))
    assert r.json() == {"success": True}
    assert pending(book) == ["after"]


@pytest.mark.parametrize("store", STORES)
def test_an_event_of_an_unmapped_user_waits_for_a_group_call(
    http: httpx.Client, book: Project
) -> None:
    ok(http.post("/v1/track", json=track("who", userId="u5", context={})))
    ok(
        http.post(
            "/v1/track", json={**track("anon", context={}), "userId": None, "anonymousId": "z"}
        )
    )
    assert pending(book) == ["anon", "who"]
    # identify without an account trait maps nobody
    ok(http.post("/v1/identify", json={"userId": "u5", "traits": {"plan": "pro"}}))
    assert pending(book) == ["anon", "who"]
    ok(http.post("/v1/group", json={"userId": "u5", "groupId": "a2"}))
    assert [(e[0], e[5]) for e in events(book)] == [("a2", "who")]
    ok(http.post("/v1/identify", json={"anonymousId": "z", "traits": {"company": {"id": "a1"}}}))
    assert [(e[0], e[5]) for e in events(book)] == [("a1", "anon"), ("a2", "who")]
    assert pending(book) == []


@pytest.mark.parametrize("store", STORES)
def test_a_mapping_to_an_unknown_account_waits_too(
    http: httpx.Client, book: Project, write: Callable[[str, str], Path]
) -> None:
    ok(http.post("/v1/group", json={"userId": "u6", "groupId": "a4"}))
    ok(http.post("/v1/track", json=track("mapped-early", userId="u6", context={})))
    assert pending(book) == ["mapped-early"]
    book.import_file("accounts", write("a4.csv", "id,name,customer_since\na4,D,2025-01-01\n"))
    assert [(e[0], e[5]) for e in events(book)] == [("a4", "mapped-early")]


@pytest.mark.parametrize("store", STORES)
def test_a_contact_import_places_its_users_events(
    http: httpx.Client, book: Project, write: Callable[[str, str], Path]
) -> None:
    ok(http.post("/v1/track", json=track("by-contact", userId="c-17", context={})))
    assert pending(book) == ["by-contact"]
    book.import_file("contacts", write("contacts.csv", "id,account_id\nc-17,a2\n"))
    assert [(e[0], e[1], e[5]) for e in events(book)] == [("a2", "c-17", "by-contact")]


def test_a_run_attaches_what_waits_first(tmp_path: Path) -> None:
    shutil.copy(GOLDEN / "model.yaml", tmp_path / "model.yaml")
    with Project.open(tmp_path) as project:
        project.import_file("accounts", GOLDEN / "accounts.csv")
        call = track("before-run", context={"groupId": "g6"}, timestamp="2024-06-20T10:00:00Z")
        project.ingest(parse_call(call, "track", naive(T0)), received_at=naive(T0))
        assert pending(project) == ["before-run"]
        # the account arrives by a way that has no hook: only the run will attach the event
        project.store.con.execute(
            "INSERT INTO accounts (id, name, segment, customer_since) "
            "VALUES ('g6', 'Six', 'smb', DATE '2023-01-01')"
        ).fetchall()
        project.run(as_of=dt.date(2024, 6, 30))
        assert pending(project) == []
        assert [(e[0], e[5]) for e in events(project) if e[5]] == [("g6", "before-run")]


# -- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "loc", "msg"),
    [
        ("/v1/track", {**track("m"), "event": None}, ["body", "event"], "a value is required"),
        (
            "/v1/track",
            {**track("m"), "event": 42},
            ["body", "event"],
            "expected a non-empty string, got 42",
        ),
        (
            "/v1/track",
            {**track("m"), "timestamp": "yesterday"},
            ["body", "timestamp"],
            'expected an ISO 8601 date-time like 2026-05-01T12:00:00Z, got "yesterday"',
        ),
        (
            "/v1/track",
            {**track("m"), "properties": [1, 2]},
            ["body", "properties"],
            "expected a JSON object, got a list",
        ),
        (
            "/v1/track",
            {**track("m"), "userId": None},
            ["body", "userId"],
            "a userId or an anonymousId is required",
        ),
        (
            "/v1/track",
            {**track("m"), "userId": {"id": 1}},
            ["body", "userId"],
            "expected a string or a number, got an object",
        ),
        (
            "/v1/track",
            {**track("m"), "type": "identify"},
            ["body", "type"],
            "expected 'track' (or no type) at /v1/track, got \"identify\"",
        ),
        (
            "/v1/track",
            {**track("m"), "context": {"groupId": True}},
            ["body", "context.groupId"],
            "expected a string or a number, got true",
        ),
        (
            "/v1/track",
            # in UTC this is before year 1
            {**track("m"), "timestamp": "0001-01-01T00:00:00+01:00"},
            ["body", "timestamp"],
            "expected an ISO 8601 date-time like 2026-05-01T12:00:00Z, "
            'got "0001-01-01T00:00:00+01:00"',
        ),
        (
            "/v1/group",
            {"userId": "u1"},
            ["body", "groupId"],
            "a groupId (the account's id) is required",
        ),
        (
            "/v1/identify",
            {"userId": "u1", "traits": {"account_id": ["a1"]}},
            ["body", "traits.account_id"],
            "expected a string or a number, got a list",
        ),
        ("/v1/batch", {"batch": {}}, ["body", "batch"], "expected a list of calls, got an object"),
        (
            "/v1/batch",
            {"batch": [{**track("m"), "type": "purchase"}]},
            ["batch[0]", "type"],
            'expected one of track, identify, group, page, screen, alias, got "purchase"',
        ),
        ("/v1/batch", {"batch": ["track"]}, ["batch[0]"], 'expected a JSON object, got "track"'),
        ("/v1/track", [track("m")], ["body"], "expected a JSON object, got a list"),
    ],
)
def test_a_malformed_call_gets_400_naming_the_field(
    http: httpx.Client, book: Project, path: str, body: Any, loc: list[str], msg: str
) -> None:
    r = http.post(path, json=body)
    assert r.status_code == 400, r.text
    answer = r.json()
    assert answer["ok"] is False
    assert answer["type"] == "DataError"
    assert {"loc": loc, "msg": msg} in answer["errors"]
    assert events(book) == []


def test_every_problem_of_a_batch_is_listed(http: httpx.Client) -> None:
    batch = [track("ok"), {**track("m"), "event": ""}, {**track("n"), "timestamp": 5}]
    answer = http.post("/v1/batch", json={"batch": batch}).json()
    assert answer["error"] == "invalid batch: 2 calls refused, 1 committed"
    assert [e["loc"] for e in answer["errors"]] == [
        ["batch[1]", "event"],
        ["batch[2]", "timestamp"],
    ]
    assert answer["hint"] == (
        "the committed calls are stored and need not be sent again; fix the refused ones: "
        "see docs/concepts/ingest.md for the fields each call takes"
    )


@pytest.mark.parametrize(
    ("content", "headers", "reason"),
    [
        (b"{not json", {}, "Expecting property name enclosed in double quotes"),
        (b'{"batch": [NaN]}', {}, "NaN is not a JSON number"),
        (b"\xff\xfe\x00", {}, "codec can't decode"),
        (b"not gzip at all", {"Content-Encoding": "gzip"}, "incorrect header check"),
        (
            gzip.compress(b'{"batch": []}', mtime=0)[:-6],
            {"Content-Encoding": "gzip"},
            "it ends too early",
        ),
    ],
)
def test_a_body_that_is_not_json_gets_400(
    http: httpx.Client, content: bytes, headers: dict[str, str], reason: str
) -> None:
    r = http.post("/v1/batch", content=content, headers=headers)
    assert r.status_code == 400
    (problem,) = r.json()["errors"]
    assert problem["loc"] == ["body"]
    assert reason in problem["msg"]


def test_a_batch_in_gzip(http: httpx.Client, book: Project) -> None:
    body = json.dumps({"batch": [track(f"z{i}") for i in range(50)]}).encode()
    r = http.post("/v1/batch", content=gzip.compress(body), headers={"Content-Encoding": "gzip"})
    assert r.status_code == 200, r.text
    assert len(events(book)) == 50
    # several gzip members in one body are read one after the other
    body = json.dumps({"batch": [track(f"y{i}") for i in range(50)]}).encode()
    two = gzip.compress(body[:1000]) + gzip.compress(body[1000:])
    r = http.post("/v1/batch", content=two, headers={"Content-Encoding": "gzip"})
    assert r.status_code == 200, r.text
    assert len(events(book)) == 100


def test_an_unknown_encoding_gets_415(http: httpx.Client) -> None:
    r = http.post("/v1/track", content=b"x", headers={"Content-Encoding": "br"})
    assert r.status_code == 415
    assert r.json()["error"] == "the body is encoded as 'br'"


def _padded(message_id: str, size: int) -> dict[str, Any]:
    """A track call whose compact JSON takes exactly ``size`` bytes."""
    call = track(message_id, properties={"pad": ""})
    room = size - len(json.dumps(call, separators=(",", ":")).encode())
    call["properties"]["pad"] = "x" * room
    return call


def test_limits_get_413(http: httpx.Client, book: Project) -> None:
    # at the limit is taken
    at_limit = json.dumps(_padded("at-limit", MAX_CALL_BYTES), separators=(",", ":"))
    assert http.post("/v1/track", content=at_limit).status_code == 200
    over = json.dumps(_padded("over", MAX_CALL_BYTES + 1), separators=(",", ":"))
    r = http.post("/v1/track", content=over)
    assert r.status_code == 413
    answer = r.json()
    assert answer["error"] == "the body is larger than 32 KB, the most a call may take"
    assert answer["type"] == "PayloadError"
    # a batch may take 500 KB, each of its calls 32 KB
    calls = [_padded(f"b{i}", 30_000) for i in range(17)]
    r = http.post("/v1/batch", json={"batch": calls})
    assert r.status_code == 200, r.text[:300]
    big = [_padded(f"c{i}", 30_000) for i in range(18)]
    assert len(json.dumps({"batch": big}).encode()) > MAX_BATCH_BYTES
    r = http.post("/v1/batch", json={"batch": big})
    assert r.status_code == 413
    assert r.json()["error"] == "the body is larger than 500 KB, the most a batch may take"
    # measured as UTF-8 holds it, a lone surrogate (which it cannot) as 3 bytes
    lone = _padded("lone", MAX_CALL_BYTES)
    lone["properties"]["pad"] = "\ud800" + lone["properties"]["pad"][3:]
    r = http.post("/v1/batch", content=json.dumps({"batch": [lone]}).encode())
    assert r.status_code == 400, r.text  # under the limit, and refused for its surrogate
    lone["properties"]["pad"] += "x"
    r = http.post("/v1/batch", content=json.dumps({"batch": [lone]}).encode())
    assert r.status_code == 413
    assert r.json()["errors"] == [
        {"loc": ["batch[0]"], "msg": "the call takes 32,769 bytes, more than 32,768"}
    ]
    one_too_big = [track("small"), _padded("large", MAX_CALL_BYTES + 1)]
    r = http.post("/v1/batch", json={"batch": one_too_big})
    assert r.status_code == 413
    assert r.json()["errors"] == [
        {"loc": ["batch[1]"], "msg": "the call takes 32,769 bytes, more than 32,768"}
    ]
    # a body sent in chunks, without a Content-Length, is cut off as it passes the limit
    chunks = (b" " * 65_536 for _ in range(10))
    r = http.post("/v1/batch", content=chunks)
    assert r.status_code == 413
    # a small gzip body that unzips to more than the limit
    bomb = gzip.compress(b'{"batch": [' + b" " * (MAX_BATCH_BYTES * 4) + b"]}")
    assert len(bomb) < 10_000
    r = http.post("/v1/batch", content=bomb, headers={"Content-Encoding": "gzip"})
    assert r.status_code == 413
    assert {e[5] for e in events(book)} == {"at-limit"} | {f"b{i}" for i in range(17)}


# -- credentials -------------------------------------------------------------------------


def test_ingest_wants_an_ingest_or_admin_key(server: Server, project: Project) -> None:
    with httpx.Client(base_url=server.url, verify=PLAIN_HTTP) as anonymous:
        r = anonymous.post("/v1/track", json=track("m"))
        assert r.status_code == 401
        assert r.json()["error"] == "a credential is required"
        r = anonymous.post("/v1/batch", json={"batch": []}, auth=("sk_unknown", ""))
        assert r.status_code == 401
        for role in ("viewer", "editor"):
            secret = project.create_key(f"{role}-key", role).secret
            r = anonymous.post("/v1/track", json=track("m"), auth=(secret, ""))
            assert r.status_code == 403, role
            assert r.json()["type"] == "ForbiddenError"
        admin = project.create_key("admin-key", "admin").secret
        r = anonymous.post("/v1/track", json=track("by-admin"), auth=(admin, ""))
        assert r.status_code == 200
        r = anonymous.post(
            "/v1/track", json=track("by-bearer"), headers={"Authorization": f"Bearer {admin}"}
        )
        assert r.status_code == 200
    assert {e[5] for e in events(project)} == {"by-admin", "by-bearer"}


# -- the parser, on anything a client may send ---------------------------------------------

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    # lone surrogates too: JSON's \ud800 escapes make them
    | st.text(st.characters(exclude_categories=()), max_size=3),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
_fields = st.sampled_from(
    [
        "type",
        "userId",
        "anonymousId",
        "event",
        "groupId",
        "properties",
        "traits",
        "context",
        "timestamp",
        "originalTimestamp",
        "sentAt",
        "messageId",
    ]
)
_offsets = st.timedeltas(min_value=dt.timedelta(hours=-23), max_value=dt.timedelta(hours=23))
# date-times of any year, with or without a zone, as ISO 8601 text
_times = st.datetimes(timezones=st.none() | st.builds(dt.timezone, _offsets)).map(
    lambda t: t.isoformat()
)
_calls = st.dictionaries(
    _fields, _json_values | _times | st.sampled_from(["track", "group", "identify"])
)


def _outcome(parse: Callable[[], list[Track | Membership]]) -> list[Track | Membership] | DataError:
    try:
        return parse()
    except DataError as e:
        return e


def _strict(text: str) -> Any:
    """JSON as DuckDB reads it: no NaN or infinity, valid UTF-8."""
    text.encode("utf-8")

    def refuse(constant: str) -> None:
        raise AssertionError(constant)

    return json.loads(text, parse_constant=refuse)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["track", "identify", "group"]), payload=_calls | _json_values)
def test_the_parser_takes_or_refuses_any_call(kind: str, payload: Any) -> None:
    outcome = _outcome(lambda: parse_call(payload, kind, naive(T0)))
    if isinstance(outcome, DataError):
        assert outcome.problems
        assert not isinstance(outcome, PayloadError)
        return
    for call in outcome:
        for value in (call.user_id, call.anonymous_id):
            assert value is None or value.encode("utf-8")
        assert call.user_id or call.anonymous_id
        if isinstance(call, Track):
            assert call.event.strip()
            assert call.event.encode("utf-8")
            assert call.properties is None or isinstance(_strict(call.properties), dict)
        else:
            assert call.account_id.encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(batch=st.lists(_calls, max_size=5), sent_at=st.none() | st.text() | _times)
def test_the_parser_takes_or_refuses_any_batch(batch: list[Any], sent_at: Any) -> None:
    outcome = _outcome(lambda: parse_batch({"batch": batch, "sentAt": sent_at}, naive(T0)))
    if isinstance(outcome, DataError):
        assert not isinstance(outcome, PayloadError), "no call here is over 32 KB"
        assert outcome.problems
        assert all(p.where.startswith(("batch[", "body")) for p in outcome.problems)
    else:
        assert len(outcome) <= len(batch)


_plain_ids = st.none() | st.sampled_from(["", "u1", "a1", "é", "\ud800"])
_track_calls = st.fixed_dictionaries(
    {"type": st.just("track")},
    optional={
        "userId": _plain_ids | _json_values,
        "anonymousId": _plain_ids,
        "messageId": _plain_ids,
        "event": st.sampled_from(["login", " ", "", "\ud800"]) | _json_values,
        "groupId": _plain_ids | st.integers(),
        "context": st.none() | st.fixed_dictionaries({}, optional={"groupId": _plain_ids}),
        "properties": st.none() | st.dictionaries(st.text(), _json_values, max_size=3),
        "timestamp": st.none() | _times | st.text(max_size=5),
        "originalTimestamp": st.none() | _times,
        "sentAt": st.none() | _times,
    },
)


@settings(max_examples=400, deadline=None)
@given(
    call=_track_calls,
    sent_at=st.none() | st.datetimes(),
    context=st.fixed_dictionaries({}, optional={"groupId": _plain_ids}),
)
def test_the_fast_reading_of_a_track_call_is_the_full_one(
    call: dict[str, Any], sent_at: dt.datetime | None, context: dict[str, Any]
) -> None:
    """A track call the fast path takes is read as the full path reads it; any other it
    leaves to the full path."""
    fast = _track(call, sent_at, context, naive(T0), {})
    problems: list[Any] = []
    full = _call(call, "batch[0]", None, sent_at, context, naive(T0), problems)
    if fast is not None:
        assert problems == []
        assert fast == full


@settings(max_examples=300, deadline=None)
@given(value=_json_values)
def test_a_call_measured_roughly_is_measured_within_a_third(value: Any) -> None:
    """A batch's calls are measured exactly only where the rough measure says they may
    be over half the limit: so no call over it is missed."""
    exact = _size(value)
    assert exact == len(
        json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass"
        )
    )
    assert 3 * _rough_size(value) >= 2 * exact
    assert _rough_size(value) <= 2 * exact


# -- values no store keeps, limits and times (docs/concepts/ingest.md#what-is-refused) ----------

NUL = "holds the character U+0000 (NUL), which no store keeps: remove it"


@pytest.mark.parametrize("store", STORES)
def test_a_nul_character_loses_no_good_call_of_segments_batch(
    segment: Callable[..., Client], book: Project
) -> None:
    """Postgres cannot hold U+0000 (it answered a plain 500, and Segment's library retried,
    then dropped the whole batch): the calls holding it are refused, the others stored."""
    failures: list[APIError] = []
    client = segment(upload_size=100, on_error=lambda e, batch: failures.append(e))
    bad = {
        10: {"event": "log\x00in"},
        20: {"user_id": "u\x001"},
        30: {"properties": {"k\x00": 1}},
        40: {"properties": {"plan": {"name": "pro\x00"}}},
    }
    for i in range(100):
        call = {"user_id": "u1", "event": "login", "properties": {"n": i}, **bad.get(i, {})}
        client.track(**call, context={"groupId": "a1"}, message_id=f"n{i:03}")
    client.flush()
    assert [e[5] for e in events(book)] == [f"n{i:03}" for i in range(100) if i not in bad]
    assert {e.status for e in failures} == {400}
    # the library may send the calls in more than one batch: each call's place varies
    refused = [err for e in failures for err in json.loads(e.message)["errors"]]
    assert sorted((err["loc"][1], err["msg"]) for err in refused) == [
        ("event", NUL),
        ("properties", f'the key "k\\u0000" {NUL}'),
        ("properties", f'the value of "plan.name" {NUL}'),
        ("userId", NUL),
    ]


def test_a_nul_character_is_refused_naming_its_field(http: httpx.Client, book: Project) -> None:
    base = {"userId": "u1", "event": "login", "timestamp": T0.isoformat()}
    bad = [
        ({"type": "track", "anonymousId": "x\x00"}, "anonymousId"),
        ({"type": "track", "messageId": "m\x00"}, "messageId"),
        ({"type": "track", "groupId": "a\x001"}, "groupId"),
        ({"type": "track", "context": {"groupId": "a\x00"}}, "context.groupId"),
        ({"type": "group", "groupId": "a\x001"}, "groupId"),
        ({"type": "identify", "traits": {"account_id": "a\x00"}}, "traits.account_id"),
    ]
    batch = [track("good"), *({**base, **call} for call, _ in bad)]
    r = http.post("/v1/batch", json={"batch": batch})
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {"loc": [f"batch[{i}]", field], "msg": NUL} for i, (_, field) in enumerate(bad, 1)
    ]
    assert [e[5] for e in events(book)] == ["good"]


@pytest.mark.parametrize("store", STORES)
def test_the_store_refuses_a_nul_character_on_both_stores(book: Project) -> None:
    """What the endpoints refuse first, the store refuses to whoever calls it, the same
    on both stores (DuckDB would keep it, Postgres fail)."""
    calls = [Track("m1", "login", naive(T0), "u1", group_id="a1", properties='{"k":"\\u0000"}')]
    with pytest.raises(DataError, match=r"^call 0 holds the character U\+0000"):
        book.ingest(calls, received_at=naive(T0))
    with pytest.raises(DataError, match=r"^call 1 holds"):
        book.ingest(
            [Track("m0", "login", naive(T0), "u1"), Membership("a\x00", "group", naive(T0), "u1")],
            received_at=naive(T0),
        )
    book.ingest([Track("m2", "login", naive(T0), "u1", group_id="a1")], received_at=naive(T0))
    assert [e[5] for e in events(book)] == ["m2"]


def test_ids_and_event_names_have_a_length_limit(http: httpx.Client, book: Project) -> None:
    at_limit = track("m" * 255, userId="u" * 255, event="e" * 1000)
    batch = [
        at_limit,
        track("m" * 256),
        track("long-user", userId="u" * 256),
        track("long-event", event="e" * 1001),
    ]
    r = http.post("/v1/batch", json={"batch": batch})
    assert r.json()["errors"] == [
        {"loc": ["batch[1]", "messageId"], "msg": "holds 256 characters, more than 255"},
        {"loc": ["batch[2]", "userId"], "msg": "holds 256 characters, more than 255"},
        {"loc": ["batch[3]", "event"], "msg": "holds 1,001 characters, more than 1,000"},
    ]
    assert [e[5] for e in events(book)] == ["m" * 255]


def test_times_outside_the_window_are_refused_with_the_reason(
    http: httpx.Client, book: Project
) -> None:
    now = dt.datetime.now(dt.UTC)
    last = now.replace(year=now.year + 5)
    batch = [
        track("1969", timestamp="1969-12-31T23:59:59Z"),
        track("far", timestamp=(last + dt.timedelta(days=2)).isoformat()),
        track("ahead", timestamp=(now + dt.timedelta(days=30)).isoformat()),
        track("zero", timestamp=0),
    ]
    errors = http.post("/v1/batch", json={"batch": batch}).json()["errors"]
    window = f"expected a time from 1970-01-01 to {last.date()}, got "
    assert errors == [
        {"loc": ["batch[0]", "timestamp"], "msg": window + '"1969-12-31T23:59:59Z"'},
        {"loc": ["batch[1]", "timestamp"], "msg": window + json.dumps(batch[1]["timestamp"])},
        {
            "loc": ["batch[3]", "timestamp"],
            "msg": "expected an ISO 8601 date-time like 2026-05-01T12:00:00Z, got 0",
        },
    ]
    # a time ahead but in the window is the sender's to say
    assert [e[5] for e in events(book)] == ["ahead"]


def test_a_sent_at_may_not_move_an_event_a_day_ahead(http: httpx.Client, book: Project) -> None:
    now = dt.datetime.now(dt.UTC)
    when = (now - dt.timedelta(hours=1)).isoformat()
    # the sender's clock is 3 days behind: its events are moved 3 days ahead
    behind = (now - dt.timedelta(days=3)).isoformat()
    r = http.post("/v1/batch", json={"batch": [track("x", timestamp=when)], "sentAt": behind})
    [error] = r.json()["errors"]
    assert error["loc"] == ["batch[0]", "sentAt"]
    assert error["msg"].startswith("correcting the timestamp by sentAt (the sender's clock is 3 ")
    assert error["msg"].endswith(
        "behind) puts the event more than a day after it arrived: check the sender's clock"
    )
    # half a day behind is corrected, as Segment does
    half = (now - dt.timedelta(hours=12)).isoformat()
    ok(http.post("/v1/batch", json={"batch": [track("y", timestamp=when)], "sentAt": half}))
    # a clock far ahead would move it before 1970
    r = http.post(
        "/v1/track", json={**track("z", timestamp=when), "sentAt": "9000-01-01T00:00:00Z"}
    )
    assert r.json()["errors"][0]["msg"].endswith(
        "ahead) puts the event before 1970-01-01: check the sender's clock"
    )
    assert [e[5] for e in events(book)] == ["y"]
