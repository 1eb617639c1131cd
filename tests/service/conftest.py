from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from httpx import Response

from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from stethoscope.service.app import create_app
from tests.conftest import built_once

with warnings.catch_warnings():
    # Starlette asks for the httpx2 fork for its test client; httpx still works, and is
    # what the project depends on
    warnings.filterwarnings("ignore", r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

# the server's local token, as its lease would hold it
TOKEN = "local-token-of-the-test-server"


class Api:
    """The real app, called through httpx's ASGI transport: whole requests, no socket."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                return await c.request(method, url, **kwargs)

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def app(project: Project) -> FastAPI:
    return create_app(project, TOKEN)


@pytest.fixture
def api(app: FastAPI) -> Api:
    return Api(app)


# -- a scored book: the demo book under the successscore preset (two scores, groups, a
# gut-check input), scored 30 days before its end and on each of its last 8 days

END = dt.date(2025, 6, 30)
START = END - dt.timedelta(days=30)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The scored book, closed: each fixture below works on its own copy of it. Built once
    for the test run (3-4 s), not once per module that reads it (test_api, test_metrics,
    test_read_model) nor per process; the dashboard's book starts from it (tests/web): no
    test opens this folder itself."""
    return built_once(tmp_path_factory, worker_id, "api-book", build_api_book)


def build_api_book(folder: Path) -> None:
    (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    (folder / "model.yaml").write_text(preset_text("successscore"))
    with Project.open(folder) as p:
        p.load_demo(accounts=40, months=4, end=END)
        p.run(as_of=START)
        p.run(start=END - dt.timedelta(days=7), end=END)


class Book:
    """A copy of the book, its app and a key per role."""

    def __init__(self, built: Path, folder: Path) -> None:
        shutil.copytree(built, folder)
        self.folder = folder
        self.project = Project.open(folder)
        self.app = create_app(self.project, TOKEN)
        self.client: TestClient | httpx.Client = TestClient(self.app)
        self.keys = {
            role: self.project.create_key(f"{role}-key", role).secret
            for role in ("admin", "editor", "viewer", "ingest")
        }

    def get(self, url: str, role: str = "viewer", **params: Any) -> Response:
        return self.client.get(url, params=params, headers=bearer(self.keys[role]))

    def ok(self, url: str, **params: Any) -> Any:
        r = self.get(url, **params)
        assert r.status_code == 200, r.json()
        return r.json()

    def send(self, method: str, url: str, role: str = "editor", **kwargs: Any) -> Response:
        return self.client.request(method, url, headers=bearer(self.keys[role]), **kwargs)

    def close(self) -> None:
        self.client.close()
        self.project.close()
