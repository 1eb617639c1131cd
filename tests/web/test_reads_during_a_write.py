"""Issue 17 item 5: reads never wait for a run. While a write holds the store (a run's
transaction, here held open on purpose with rows written and not committed), every page and
every GET of the API answers at once from a reading connection, and sees only what was
committed."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from stethoscope.project import Project
from tests.service.conftest import TOKEN, bearer
from tests.web.conftest import END, Book, Browser

# what a read may take while the store is held: far less than the write it must not wait for
PATIENCE = 20.0


@pytest.fixture
def editor(fresh: Book) -> Browser:
    """The editor, signed in before the write is held (signing in writes a session)."""
    return fresh.browser("editor")


@pytest.fixture
def held(fresh: Book, editor: Browser) -> Iterator[Book]:
    """The book with its store held by a write: the write lock taken, a transaction open on
    the writer's connection, and an account renamed in it (not committed)."""
    project = fresh.project
    ready, done = threading.Event(), threading.Event()
    # a read before the write, as a server has answered before a run starts: the project
    # makes its reading connections on its first read, under the write lock, so a first read
    # made while the write is held waited for the write to end (120 s, the writer's timeout)
    # and then read nothing that was held
    account = first(project)

    def write() -> None:
        with project._lock:
            con = project.store.con
            con.begin()
            con.execute("UPDATE accounts SET name = 'uncommitted' WHERE id = ?", [account])
            ready.set()
            done.wait(120)
            con.rollback()

    writer = threading.Thread(target=write)
    writer.start()
    assert ready.wait(30)
    yield fresh
    done.set()
    writer.join(30)


def first(project: Project) -> str:
    return str(project.scores(limit=1, as_of=END)[0].account_id)


def within(call: Callable[[], Any]) -> Any:
    """``call()``'s result, failing if it takes longer than PATIENCE (it waited on the write)."""
    out: list[Any] = []
    errors: list[BaseException] = []

    def go() -> None:
        try:
            out.append(call())
        except BaseException as e:
            errors.append(e)

    t = threading.Thread(target=go, daemon=True)
    start = time.monotonic()
    t.start()
    t.join(PATIENCE)
    assert not t.is_alive(), f"still waiting after {PATIENCE:.0f}s: the read waited for the write"
    if errors:
        raise errors[0]
    assert time.monotonic() - start < PATIENCE
    return out[0]


def test_the_facade_reads_while_a_run_holds_the_store(held: Book) -> None:
    p = held.project
    account = first(p)
    week = END - dt.timedelta(days=7)
    assert within(lambda: p.explain(account, as_of=END)).measures
    assert within(lambda: p.account(account)).name != "uncommitted"  # only what committed
    assert within(lambda: p.explain_change(account, as_of=END, vs=week)).lines
    version = p.load_model().version
    assert within(lambda: p.diff(p.stored_model(version), as_of=END)).accounts > 0
    assert within(lambda: p.book_overview(as_of=END))["summary"]
    assert within(lambda: p.book_page(as_of=END)).total > 0
    assert within(lambda: p.measure_coverage(as_of=END))
    assert within(lambda: p.activity(account, start=week, end=END)) is not None
    assert within(lambda: p.account_scores(account, start=week, end=END))
    assert within(lambda: p.account_audit(account)) is not None
    assert within(lambda: p.alerts()) is not None
    assert within(lambda: p.tasks()) is not None
    assert within(lambda: p.export_scores(fmt="csv")).startswith('"account_id",')
    assert within(lambda: p.latest_backtest()) is None


def test_every_page_and_get_answers_while_a_run_holds_the_store(
    held: Book, editor: Browser
) -> None:
    account = first(held.project)
    browser = editor
    for url in ["/", "/accounts", f"/accounts/{account}", "/tasks", "/model", "/runs"]:
        r = within(lambda url=url: browser.get(url))
        assert r.status_code == 200, (url, r.text[:300])
        assert "uncommitted" not in r.text
    version = held.project.load_model().version

    def api(url: str) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=held.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                return await c.get(url, headers=bearer(TOKEN))

        return asyncio.run(send())

    for url in [
        f"/api/accounts/{account}",
        f"/api/accounts/{account}/history",
        f"/api/accounts/{account}/explain",
        "/api/scores",
        "/api/alerts",
        "/api/tasks",
        "/api/export",
        f"/api/models/diff?old={version}",
        "/api/runs",
    ]:
        r = within(lambda url=url: api(url))
        assert r.status_code == 200, (url, r.text[:300])
