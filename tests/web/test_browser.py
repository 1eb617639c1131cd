"""The dashboard in a real browser: Debian's chromium, driven by Playwright, against the
app served by uvicorn on a free port. Any error in the browser's console fails the test.
Screenshots (1280x800) go to tests/output/screenshots/.

Without chromium (or Playwright) the test skips, saying why; on CI (CI=true) it fails."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from tests.web.conftest import PASSWORD, Book, user_name

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
SCREENSHOTS = Path(__file__).parent.parent / "output" / "screenshots"


def _needs_chromium() -> None:
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(fresh: Book) -> Iterator[str]:
    """The app on a live server; its base URL. ``localhost``: browsers keep Secure cookies
    from it over plain HTTP."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(fresh.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "the server stopped"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://localhost:{port}"
    server.should_exit = True
    thread.join(10)


def test_sign_in_filter_open_add_a_gut_check_sign_out(fresh: Book, served: str) -> None:
    _needs_chromium()
    from playwright.sync_api import expect, sync_playwright

    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    problems: list[str] = []
    editor = user_name(fresh.project, "editor")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))

            def shot(name: str) -> None:
                page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

            page.goto(served + "/")
            expect(page).to_have_url(served + "/signin?next=%2F")
            shot("1-signin")
            page.get_by_label("User name").fill(editor)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()

            expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
            expect(page.locator("#arr-at-risk")).not_to_be_empty()
            shot("2-portfolio")

            page.get_by_role("link", name="Accounts", exact=True).click()
            page.get_by_label("Band").select_option("red")
            page.get_by_role("button", name="Filter").click()
            expect(page).to_have_url(
                f"{served}/accounts?q=&band=red&owner=&segment=&sort=score&order=asc"
            )
            bands = page.locator("table.book tbody td:nth-child(7)").all_inner_texts()
            assert bands, "no red accounts listed"
            assert set(bands) == {"red"}, bands
            shot("3-red-accounts")

            first = page.locator("table.book tbody tr td:first-child a").first
            name = first.inner_text()
            first.click()
            expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
            shot("4-account")

            page.get_by_label("Input", exact=True).select_option("gut_check")
            page.get_by_label("Value").fill("2")
            page.get_by_label("Reason").fill("renewal call went badly")
            page.get_by_role("button", name="Add input").click()
            row = page.locator("section[aria-labelledby=inputs] tbody tr").first
            expect(row).to_contain_text("renewal call went badly")
            expect(row).to_contain_text(f"user:{editor}")
            shot("5-input-added")

            page.get_by_role("button", name="Sign out").click()
            expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
            page.goto(served + "/accounts")
            expect(page).to_have_url(served + "/signin?next=%2Faccounts")
            shot("6-signed-out")
        finally:
            browser.close()
    assert problems == []
    assert len(list(SCREENSHOTS.glob("*.png"))) == 6
    [added] = [i for i in fresh.project.inputs() if i["reason"] == "renewal call went badly"]
    assert added["value_number"] == 2.0
