"""A small scored demo book for the dashboard's tests, with a user per role."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from stethoscope.service.app import create_app
from tests.service.conftest import TOKEN

END = dt.date(2025, 6, 30)
PASSWORD = "correct horse battery"
ROLES = ("admin", "editor", "viewer")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo book under the successscore preset (groups, a gut-check input), scored 30
    days before its end and on each of its last 8 days, with a user per role; the editor is
    named as the owner of the book's first account, so that "my book" finds accounts."""
    folder = tmp_path_factory.mktemp("web-book")
    (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    (folder / "model.yaml").write_text(preset_text("successscore"))
    with Project.open(folder) as p:
        p.load_demo(accounts=40, months=4, end=END)
        p.run(as_of=END - dt.timedelta(days=30))
        p.run(start=END - dt.timedelta(days=7), end=END)
        owner = p.scores(limit=1)[0]["owner"]
        for role in ROLES:
            p.create_user(owner if role == "editor" else f"{role}@x.example", role, PASSWORD)
    return folder


def user_name(project: Project, role: str) -> str:
    return next(u.name for u in project.users() if u.role == role)


class Browser:
    """The real app through httpx's ASGI transport, keeping cookies like a browser. The
    base URL is https, as the session cookies are Secure."""

    def __init__(self, app: FastAPI, address: str = "127.0.0.1") -> None:
        self.app = app
        self.address = address  # the client's, as the server sees it
        self.cookies = httpx.Cookies()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=(self.address, 123))
            async with httpx.AsyncClient(
                transport=transport, base_url="https://test", cookies=self.cookies
            ) as c:
                r = await c.request(method, url, **kwargs)
                self.cookies = httpx.Cookies(c.cookies)
                return r

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def csrf(self, url: str = "/signin") -> str:
        """The CSRF token of the form on page ``url``."""
        r = self.get(url)
        m = re.search(r'name="csrf_token" value="([^"]+)"', r.text)
        assert m, r.text
        return m.group(1)

    def sign_in(self, name: str, password: str = PASSWORD) -> httpx.Response:
        token = self.csrf()
        return self.post(
            "/signin", data={"csrf_token": token, "name": name, "password": password, "next": "/"}
        )


class Book:
    def __init__(self, built: Path, folder: Path) -> None:
        shutil.copytree(built, folder)
        self.project = Project.open(folder)
        self.app = create_app(self.project, TOKEN)

    def browser(self, role: str | None = None) -> Browser:
        b = Browser(self.app)
        if role is not None:
            r = b.sign_in(user_name(self.project, role))
            assert r.status_code == 303, r.text
        return b


@pytest.fixture(scope="module")
def book(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Book]:
    """For tests that only read."""
    b = Book(built, tmp_path_factory.mktemp("read") / "book")
    yield b
    b.project.close()


@pytest.fixture
def fresh(built: Path, tmp_path: Path) -> Iterator[Book]:
    """For tests that write."""
    b = Book(built, tmp_path / "book")
    yield b
    b.project.close()
