"""The read model (service.read_model) and the hot path (service.hot_path): GET
/api/accounts/{id} answered from memory says byte for byte what the store says, a write
makes the copy stale at once, the credential rules are those of every endpoint, and HTTP
(keep-alive, pipelining, HTTP/1.0) works as it does for the application's answers."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest

from stethoscope.errors import AuthError
from stethoscope.project import Project
from stethoscope.service.read_model import ReadModel
from stethoscope.store.ingest import Track
from tests.service.conftest import TOKEN, Book, bearer
from tests.serving import InThread, Serving

END = dt.date(2025, 6, 30)


class Served(Book):
    """A copy of the book served as the server serves it (over HTTP, behind the hot
    path), with a key per role."""

    def __init__(self, built: Path, folder: Path) -> None:
        super().__init__(built, folder)
        self.reads: ReadModel = self.app.state.read_model
        self.ids = sorted(a.id for a in self.project.accounts(limit=1000).items)
        self.client.close()
        self.serving = InThread(self.app)
        self.url = self.serving.__enter__()
        self.client = httpx.Client(base_url=self.url, timeout=30)

    def close(self) -> None:
        self.client.close()
        self.serving.__exit__()
        self.project.close()

    def fetch(self, account_id: str, secret: str | None = None) -> Any:
        return self.client.get(
            f"/api/accounts/{account_id}", headers=bearer(secret or self.keys["viewer"])
        )

    def from_memory(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Make reading an account from the store fail: what still answers, answers from
        the copy."""

        def no(*args: object, **kwargs: object) -> NoReturn:
            raise AssertionError("read from the store")

        monkeypatch.setattr(self.project, "account", no)
        monkeypatch.setattr(self.project, "current_scores", no)


@pytest.fixture
def served(built: Path, tmp_path: Path) -> Iterator[Served]:
    s = Served(built, tmp_path / "book")
    yield s
    s.close()


def test_the_copy_answers_byte_for_byte_what_the_store_answers(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert served.reads.enabled
    # no copy yet (the server makes one when it starts): the store answers
    stored = {a: served.fetch(a) for a in served.ids}
    assert all(r.status_code == 200 for r in stored.values())
    copy = served.reads.renew()
    assert copy is not None
    assert sorted(copy.bodies) == served.ids
    served.from_memory(monkeypatch)
    for secret in (served.keys["viewer"], served.keys["admin"], TOKEN):
        for a in served.ids:
            got = served.fetch(a, secret)
            assert got.status_code == 200
            assert got.content == stored[a].content
            assert got.headers["content-type"] == stored[a].headers["content-type"]
            assert got.headers["content-length"] == stored[a].headers["content-length"]
    body = served.fetch(served.ids[0]).json()
    assert {s["score_name"] for s in body["scores"]} == {"health", "expansion"}
    assert body["model_version"] == served.project.load_model().version


def test_a_write_makes_the_copy_stale_at_once(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = served.ids[0]
    served.reads.renew()
    before = served.fetch(account).json()
    generation = served.project.generation
    row = {k: before[k] for k in ("id", "name", "customer_since")} | {"arr": 4321.5}
    r = served.client.put(
        "/api/tables/accounts/rows", json={"rows": [row]}, headers=bearer(served.keys["editor"])
    )
    assert r.status_code == 200, r.json()
    assert served.project.generation > generation
    assert served.fetch(account).json()["arr"] == 4321.5  # from the store: the copy is stale

    # a run replaces the current scores: as of an earlier date, the scores' date moves
    served.reads.renew()
    served.project.run(as_of=END + dt.timedelta(days=1))
    got = served.fetch(account).json()
    assert {s["as_of"] for s in got["scores"]} == {(END + dt.timedelta(days=1)).isoformat()}

    # an erased account is gone, from the copy too
    served.reads.renew()
    served.project.forget(account_id=account)
    assert served.fetch(account).status_code == 404

    # a renewed copy holds what the store holds now
    stored = served.fetch(served.ids[1]).content
    served.reads.renew()
    served.from_memory(monkeypatch)
    assert served.fetch(served.ids[1]).content == stored


def test_an_ingest_keeps_the_copy(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    served.reads.renew()
    generation = served.project.generation
    at = dt.datetime(2025, 6, 30, 12)
    call = Track("m-1", "login", at, user_id="u1", group_id=served.ids[0])
    served.project.ingest([call], received_at=at)
    assert served.project.generation == generation
    served.from_memory(monkeypatch)
    assert served.fetch(served.ids[0]).status_code == 200


def test_a_changed_model_file_is_not_answered_from_the_copy(served: Served) -> None:
    served.reads.renew()
    old = served.fetch(served.ids[0]).json()["model_version"]
    model = served.folder / "model.yaml"
    text = model.read_text()
    assert "\nname: successscore\n" in text
    model.write_text(text.replace("\nname: successscore\n", "\nname: successscore-2\n", 1))
    new = served.project.load_model().version
    assert new != old
    got = served.fetch(served.ids[0]).json()
    # nothing was scored under the new version yet: no current scores
    assert (got["model_version"], got["scores"]) == (new, [])


def test_credentials_are_checked_on_the_hot_path(served: Served) -> None:
    served.reads.renew()
    account = served.ids[0]
    assert served.fetch(account).status_code == 200  # the viewer key, now known
    nobody = served.client.get(f"/api/accounts/{account}")
    assert (nobody.status_code, nobody.json()["error"]) == (401, "a credential is required")
    basic = served.client.get(f"/api/accounts/{account}", headers={"Authorization": "Basic eDo="})
    assert basic.status_code == 401
    assert served.fetch(account, "sk_not_a_key").status_code == 401
    ingest = served.fetch(account, served.keys["ingest"])
    assert (ingest.status_code, ingest.json()["type"]) == (403, "ForbiddenError")
    missing = served.fetch("nobody")
    assert (missing.status_code, missing.json()["error"]) == (404, "no account 'nobody'")
    # a revoked key is refused at once, though it was known a moment ago
    viewer = next(k for k in served.project.keys(revoked=False) if k.name == "viewer-key")
    served.project.revoke_key(viewer.id)
    assert served.fetch(account).status_code == 401
    # other requests under the prefix go on to the application
    history = served.client.get(
        f"/api/accounts/{served.ids[1]}/history", headers=bearer(served.keys["admin"])
    )
    assert history.status_code == 200
    assert history.json()["total"] > 0


def test_the_protocol_answers_over_keep_alive_pipelined_and_http_1_0_connections(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    served.reads.renew()
    a, b = served.ids[:2]
    expected = {x: served.fetch(x).content for x in (a, b)}  # the viewer key is known now

    # from here the application refuses every credential it checks: what still answers
    # 200 was answered by the protocol (service.hot_path), before the application
    def refused(secret: str) -> NoReturn:
        raise AuthError("checked by the application")

    monkeypatch.setattr(served.app.state.credentials, "principal", refused)
    for x in (a, b, a):  # one kept-alive connection
        got = served.fetch(x)
        assert (got.status_code, got.content) == (200, expected[x])
        assert got.headers["content-type"] == "application/json"
        assert "date" in got.headers

    def request(account: str, version: str = "1.1", url: str = "") -> bytes:
        return (
            f"GET {url or '/api/accounts/' + account} HTTP/{version}\r\nHost: test\r\n"
            f"Authorization: Bearer {served.keys['viewer']}\r\n\r\n"
        ).encode()

    host, port = served.url.removeprefix("http://").split(":")
    # two requests in one write: both answered, in order, on the connection
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(request(a) + request(b))
        data = b""
        while data.count(b"HTTP/1.1 200 OK") < 2 or not data.endswith(expected[b]):
            data += raw.recv(65536)
        assert data.index(expected[a]) < data.index(expected[b])
    # HTTP/1.0 asks for no keep-alive: answered, then closed
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(request(a, "1.0"))
        data = b""
        while chunk := raw.recv(65536):
            data += chunk
        assert data.startswith(b"HTTP/1.1 200 OK\r\n")
        assert data.endswith(b"\r\n\r\n" + expected[a])

    # what the protocol leaves to the application, which refuses the credential or the
    # method: a query string, an id with an escape, HEAD, a path below the account's
    leaves = [
        served.client.get(
            f"/api/accounts/{a}", params={"x": "1"}, headers=bearer(served.keys["viewer"])
        ),
        served.fetch(f"%{ord(a[0]):02X}{a[1:]}"),
        served.client.head(f"/api/accounts/{a}", headers=bearer(served.keys["viewer"])),
        served.client.get(f"/api/accounts/{a}/history", headers=bearer(served.keys["viewer"])),
    ]
    assert [r.status_code for r in leaves] == [401, 401, 405, 401]
    assert leaves[0].json()["error"] == "checked by the application"


def test_no_copy_where_other_processes_write_or_when_turned_off(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "stethoscope.toml").write_text(
        'database_url = "postgresql://postgres@127.0.0.1:5432/test"\n'
    )
    off = tmp_path / "off"
    off.mkdir()
    (off / "stethoscope.toml").write_text("read_model = false\n")
    for folder in (shared, off):
        project = Project.open(folder)
        reads = ReadModel(project, lambda account, scores, version: b"")
        assert not reads.enabled
        assert reads.renew() is None
        assert reads.get("a1", "v1") is None


def test_a_running_server_makes_its_copy_and_keeps_it_through_reads_and_ingest(
    built: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "served"
    shutil.copytree(built, folder)
    with (folder / "stethoscope.toml").open("a") as f:
        f.write('schedule = ""\n')
    with Project.open(folder) as p:
        viewer = p.create_key("viewer", "viewer").secret
        writer = p.create_key("writer", "ingest").secret
        account = p.accounts(limit=1).items[0].id
    with Serving(folder) as s, httpx.Client(base_url=s.lease.url, timeout=30) as c:

        def state() -> dict[str, Any]:
            r = c.get("/api/status", headers=bearer(viewer))
            return r.raise_for_status().json()["read_model"]  # type: ignore[no-any-return]

        deadline = time.monotonic() + 30
        while not state()["exact"]:
            assert time.monotonic() < deadline, state()
            time.sleep(0.1)
        assert state()["accounts"] == 40
        event = {"type": "track", "event": "login", "userId": "u1", "groupId": account}
        r = c.post("/v1/track", json=event, headers=bearer(writer))
        assert r.status_code == 200, r.text
        for _ in range(20):
            assert c.get(f"/api/accounts/{account}", headers=bearer(viewer)).status_code == 200
        assert state()["exact"]


def test_what_the_hot_path_answers_is_counted_under_its_route(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    served.reads.renew()
    served.from_memory(monkeypatch)  # the hot path answers, or the request fails
    for account in served.ids[:3]:
        assert served.fetch(account, TOKEN).status_code == 200
    r = served.client.get("/metrics", headers=bearer(TOKEN))
    route = 'route="/api/accounts/{account_id}"'
    counted = [
        line
        for line in r.text.splitlines()
        if line.startswith("stethoscope_http_requests_total{") and route in line
    ]
    assert counted == [
        'stethoscope_http_requests_total{method="GET",route="/api/accounts/{account_id}",'
        'status="200"} 3.0'
    ]
