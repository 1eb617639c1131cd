"""An error nobody expected (here: the store broken under a running server) answers in the
error envelope, or as the dashboard's error page, with a request id that is in the
server's log, and the keep-alive connection goes on serving; on both stores, over HTTP
through the hot path, as `stethoscope serve` serves."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import httpx
import pytest

from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from stethoscope.service.app import create_app
from stethoscope.service.hot_path import HotPath
from stethoscope.service.read_model import ReadModel
from stethoscope.service.web.session import SESSION_COOKIE, Sessions
from tests.conftest import ACCOUNTS_CSV, STORES, open_project
from tests.service.conftest import TOKEN, bearer
from tests.serving import InThread


class Served:
    def __init__(self, project: Project) -> None:
        self.project = project
        project.model_path().write_text(preset_text("successscore"))
        folder = project.settings.project_dir
        (folder / "accounts.csv").write_text(ACCOUNTS_CSV)
        project.import_file("accounts", folder / "accounts.csv")
        self.keys = {r: project.create_key(r, r).secret for r in ("viewer", "ingest")}
        user = project.create_user("viewer@x.example", "viewer", "correct horse battery")
        session = project.open_session(user.id, lasts=dt.timedelta(hours=1), address="test")
        self.cookie = f"{SESSION_COOKIE}={Sessions(project).signer.dumps({'s': session})}"
        self.app = create_app(project, TOKEN)
        self.reads: ReadModel = self.app.state.read_model
        self.serving = InThread(self.app)
        self.client = httpx.Client(base_url=self.serving.__enter__(), timeout=30)

    def close(self) -> None:
        self.client.close()
        self.serving.__exit__()
        self.project.close()

    def get(self, url: str, role: str = "viewer") -> httpx.Response:
        return self.client.get(url, headers=bearer(self.keys[role]))

    def break_table(self, table: str) -> None:
        self.project.store.con.execute(f"ALTER TABLE {table} RENAME TO {table}_gone")


@pytest.fixture(params=STORES)
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    s = Served(open_project(request, request.param, tmp_path))
    yield s
    s.close()


def _port(r: httpx.Response) -> int:
    """The client's port of the connection that carried ``r``."""
    port: int = r.extensions["network_stream"].get_extra_info("client_addr")[1]
    return port


def _logged(caplog: pytest.LogCaptureFixture, request_id: str) -> logging.LogRecord:
    found = [r for r in caplog.records if request_id in r.getMessage()]
    assert len(found) == 1, [r.getMessage() for r in caplog.records]
    assert found[0].levelno == logging.ERROR
    assert found[0].exc_info is not None  # the traceback is in the log, not in the answer
    return found[0]


def test_an_unexpected_error_answers_the_envelope_and_keeps_the_connection(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="stethoscope")
    first = served.get("/api/runs")
    assert first.status_code == 200
    served.break_table("runs")

    r = served.get("/api/runs")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    request_id = r.headers["x-request-id"]
    assert body == {
        "ok": False,
        "status": 500,
        "type": "InternalError",
        "error": "an unexpected error stopped this request; it is in the server's log under "
        f"its request id {request_id}",
        "errors": [],
        "hint": "try again; if it happens again, give the request id to whoever runs the server",
        "more": 0,
        "request_id": request_id,
    }
    assert "runs" not in body["error"]  # nothing of the store's own message is shown
    assert "GET /api/runs" in _logged(caplog, request_id).getMessage()
    assert r.headers.get("connection") != "close"
    # the same connection serves the next request
    after = served.get("/healthz")
    assert after.status_code == 200
    assert _port(after) == _port(r) == _port(first)

    # a page: the error page, with the id; its JSON twin: the envelope
    page = served.client.get("/runs", headers={"Cookie": served.cookie})
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    page_id = page.headers["x-request-id"]
    assert page_id != request_id
    assert f"give the request id {page_id} to whoever runs the server" in page.text
    assert "<h1>Something went wrong</h1>" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    _logged(caplog, page_id)
    twin = served.client.get("/runs?format=json", headers={"Cookie": served.cookie})
    assert twin.status_code == 500
    assert twin.json()["request_id"] == twin.headers["x-request-id"]
    assert _port(twin) == _port(page) == _port(first)

    # the ingest endpoints too
    served.break_table("ingested_messages")
    call = {"type": "track", "userId": "u1", "event": "e", "messageId": "m1"}
    sent = served.client.post("/v1/track", json=call, headers=bearer(served.keys["ingest"]))
    assert sent.status_code == 500
    assert sent.json()["request_id"] == sent.headers["x-request-id"]
    _logged(caplog, sent.headers["x-request-id"])
    assert _port(sent) == _port(first)


def test_a_failing_hot_path_leaves_the_answer_to_the_application(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the read model, and so the hot path's answers, is the embedded store's
    served = Served(open_project(request, "duckdb", tmp_path))
    request.addfinalizer(served.close)
    assert served.reads.enabled
    caplog.set_level(logging.ERROR, logger="stethoscope")
    account = served.project.accounts(limit=1).items[0].id
    stored = served.get(f"/api/accounts/{account}")
    assert stored.status_code == 200
    served.reads.renew()

    def fails(*args: object) -> NoReturn:
        raise RuntimeError("a fault of the hot path")

    monkeypatch.setattr(HotPath, "answer", fails)
    r = served.get(f"/api/accounts/{account}")
    assert r.status_code == 200
    assert r.content == stored.content  # the application's own answer
    assert any("the hot path failed" in rec.getMessage() for rec in caplog.records)
    assert _port(r) == _port(stored)

    # and when the application fails as well (an account the copy does not hold, read
    # from a broken store): the envelope, on the same connection
    served.project.store.con.execute("DROP INDEX accounts_id")  # DuckDB renames no indexed table
    served.break_table("accounts")
    r = served.get("/api/accounts/no-such-account")
    assert r.status_code == 500
    assert r.json()["request_id"] == r.headers["x-request-id"]
    _logged(caplog, r.headers["x-request-id"])
    assert _port(r) == _port(stored)
    assert served.get("/healthz").status_code == 200
