"""The sources at /api/sources and on the dashboard's /sources page (and its JSON twin),
and the syncs the server's schedules make."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stethoscope.project import Project
from stethoscope.service.app import create_app
from stethoscope.service.schedule import Scheduler
from stethoscope.service.source_schedule import SourceScheduler
from stethoscope.sources import registry
from tests.service.conftest import TOKEN, Api, bearer
from tests.sources.fake import FakeConnector
from tests.sources.test_sync import company
from tests.web.conftest import Book, Browser, user_name

SOURCES = """
[sources.crm]
kind = "hubspot"
secrets = { token = "env:FAKE_CRM_TOKEN" }
[sources.crm.tables.accounts]

[sources.billing]
kind = "stripe"
schedule = "*/15 * * * *"
[sources.billing.tables.accounts]
stream = "companies"

[sources.lake]
kind = "files"
[sources.lake.tables.tickets]
path = "tickets.parquet"
"""


@pytest.fixture
def served(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Book, FakeConnector]]:
    folder = tmp_path / "book"
    shutil.copytree(built, folder)
    with (folder / "stethoscope.toml").open("a") as f:
        f.write(SOURCES)
    fake = FakeConnector()
    fake.records["companies"] = [company(i, f"2025-01-0{i}") for i in range(1, 4)]
    monkeypatch.setattr(
        registry, "connector_classes", lambda: dict.fromkeys(("hubspot", "stripe"), lambda *a: fake)
    )
    monkeypatch.setenv("FAKE_CRM_TOKEN", "t0ken-of-the-crm")
    book = Book.__new__(Book)
    book.project = Project.open(folder)
    book.app = create_app(book.project, TOKEN)
    yield book, fake
    book.project.close()


def test_api_and_page_show_each_sources_last_sync(served: tuple[Book, FakeConnector]) -> None:
    book, fake = served
    p = book.project
    said: list[str] = []
    # before a scheduled run: the sources without a schedule of their own (crm)
    Scheduler(p, "0 2 * * *", say=said.append).sync_sources()
    assert said == ["schedule: synced source crm: 3 rows in " + said[0].split(" in ")[1]]
    fake.fail_after = ("companies", 0)
    assert not _sync(p, "billing", said)

    api = Api(book.app)
    assert api.get("/api/sources").status_code == 401
    body = api.get("/api/sources", headers=bearer(TOKEN)).json()
    by_name: dict[str, Any] = {s["name"]: s for s in body["sources"]}
    assert list(by_name) == ["crm", "billing", "lake"]
    crm, billing, lake = by_name["crm"], by_name["billing"], by_name["lake"]
    assert (crm["state"], crm["kind"], crm["schedule"]) == ("ok", "hubspot", None)
    assert crm["last_sync"]["tables"] == {"accounts": 3}
    assert crm["last_sync"]["trigger"] == "schedule"
    assert 0 <= crm["freshness_seconds"] < 60
    assert billing["state"] == "failed"
    assert "HTTP 500 on page 1 of companies" in billing["last_sync"]["error"]
    assert billing["last_ok"] is None
    assert billing["freshness_seconds"] is None
    assert (lake["state"], lake["in_place"], lake["tables"]) == (
        "in place",
        True,
        {"tickets": "tickets.parquet"},
    )
    assert "t0ken" not in str(body)

    editor = book_browser(book, "editor")
    html = editor.get("/sources").text
    assert '<a href="/sources" aria-current="page">Sources</a>' in html
    assert 'id="source-crm"' in html
    assert "HTTP 500 on page 1 of companies" in html
    twin = editor.get("/sources?format=json").json()
    # the same, but for the seconds since the last good sync, which went on passing
    assert [{**s, "freshness_seconds": None} for s in twin["sources"]] == [
        {**s, "freshness_seconds": None} for s in body["sources"]
    ]
    assert [s["source"] for s in twin["syncs"]] == ["billing", "crm"]

    viewer = book_browser(book, "viewer")
    assert viewer.get("/sources").status_code == 403
    assert 'href="/sources"' not in viewer.get("/runs").text


def _sync(p: Project, name: str, said: list[str]) -> bool:
    from stethoscope.service.schedule import sync_source

    return sync_source(p, name, said.append)


def book_browser(book: Book, role: str) -> Browser:
    b = Browser(book.app)
    r = b.sign_in(user_name(book.project, role))
    assert r.status_code == 303, r.text
    return b


def test_sources_with_a_schedule_sync_on_its_ticks(served: tuple[Book, FakeConnector]) -> None:
    book, _ = served
    s = SourceScheduler.from_settings(book.project)
    assert s is not None
    assert s.schedules == {"billing": "*/15 * * * *"}
    at, due = s.next_ticks(dt.datetime(2025, 7, 1, 9, 7, tzinfo=dt.UTC))
    assert (at, due) == (dt.datetime(2025, 7, 1, 9, 15, tzinfo=dt.UTC), ["billing"])
