"""A small scored demo book for the dashboard's tests, with a user per role."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from stethoscope.project import Project
from stethoscope.service.app import create_app
from stethoscope.service.web.session import MAX_AGE, SESSION_COOKIE, Sessions
from tests.conftest import built_once
from tests.service.conftest import TOKEN, build_api_book

END = dt.date(2025, 6, 30)
PASSWORD = "correct horse battery"
ROLES = ("admin", "editor", "viewer")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The API's scored book (tests/service: the demo book under the successscore preset,
    with groups and a gut-check input, scored 30 days before its end and on each of its
    last 8 days), with a user per role; the editor is named as the owner of the book's
    first account, so that "my book" finds accounts.

    Built once per test run, for all its processes (``built_once``); each test copies it."""
    api_book = built_once(tmp_path_factory, worker_id, "api-book", build_api_book)

    def build(folder: Path) -> None:
        shutil.copytree(api_book, folder, dirs_exist_ok=True)
        with Project.open(folder) as p:
            owner = p.scores(limit=1)[0].owner
            for role in ROLES:
                p.create_user(owner if role == "editor" else f"{role}@x.example", role, PASSWORD)

    return built_once(tmp_path_factory, worker_id, "web-book", build)


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

    def browser(self, role: str | None = None, *, through_form: bool = False) -> Browser:
        """A browser, signed in as the user of ``role`` if given: by a session opened in
        the store, as the sign-in form's answer opens one, unless ``through_form``. The
        form checks the password with Argon2 (a tenth of a second, seconds on a busy
        machine), which the tests of signing in (test_pages, test_sessions, test_today)
        prove; the pages' tests need only the session."""
        b = Browser(self.app)
        if role is None:
            return b
        if through_form:
            r = b.sign_in(user_name(self.project, role))
            assert r.status_code == 303, r.text
            return b
        user = next(u for u in self.project.users() if u.role == role)
        session = self.project.open_session(
            user.id, lasts=dt.timedelta(seconds=MAX_AGE), address=b.address
        )
        b.cookies.set(SESSION_COOKIE, Sessions(self.project).signer.dumps({"s": session}))
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


# -- a real browser: Debian's chromium through Playwright --------------------------------

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def needs_chromium() -> None:
    why = None
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        why = f"no browser at {CHROMIUM} (make install-test installs Debian's chromium as root)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            why = "Playwright is not installed (pip install -e '.[test]')"
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{why}; the browser tests must run on CI", pytrace=False)
        pytest.skip(why)


def needs_axe() -> None:
    """axe-core comes from the axe-playwright-python package (a test dependency), which
    vendors its script; without it the accessibility checks skip, and fail on CI."""
    needs_chromium()
    try:
        import axe_playwright_python  # noqa: F401
    except ImportError:
        why = "axe-playwright-python is not installed (make install-test)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{why}; the accessibility checks must run on CI", pytrace=False)
        pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` on a live server at a free port while the block runs; its base URL.
    ``localhost``: browsers keep Secure cookies from it over plain HTTP."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "the server stopped"
        assert time.monotonic() < deadline, "the server did not start"
        thread.join(0.02)
    try:
        yield f"http://localhost:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def served(fresh: Book) -> Iterator[str]:
    """The app of ``fresh`` on a live server; its base URL."""
    with serving(fresh.app) as url:
        yield url


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One Chromium for the module's tests; each test opens its own context (cookies and
    storage of its own), which costs milliseconds where a launch costs most of a second.
    Not one for the whole session: while sync Playwright runs, its event loop counts as
    running in this thread, so ``asyncio.run`` (``Browser`` here, and tests of other
    folders that the same worker runs next) would fail."""
    needs_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Callable[..., Any]]:
    """``new_page(viewport)``: a page in a new context of the module's Chromium (cookies
    and storage of its own, as a new browser would have); the contexts close after the
    test."""
    opened: list[Any] = []

    def new(viewport: dict[str, int], **options: Any) -> Any:
        ctx = chromium.new_context(viewport=viewport, **options)
        opened.append(ctx)
        return ctx.new_page()

    yield new
    for ctx in opened:
        ctx.close()


def watch(page: object, problems: list[str]) -> None:
    """Every console error, page error and failed request of the page goes to ``problems``."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}"))
