"""Take the dashboard screenshots shown in docs/dashboard.md (Debian's chromium), at 1440 px
(a wide screen) and at 390 px (a phone), from the demo book of `make demo`, served: `make
demo` (or `.venv/bin/stethoscope --project .demo serve`) in one terminal, then

    .venv/bin/python docs/images/take.py [http://localhost:8765]

signs in as the demo user (.demo/demo-user, .demo/demo-password) and writes
docs/images/*.png: NAME.png at 1440 px, NAME-phone.png at 390 px. For Today and Tasks to
hold tasks and the Portfolio its forecast, give the demo book the starting alert rules and a
backtest first (docs/dashboard.md, "Screenshots").
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).parent
DEMO = HERE.parent.parent / ".demo"
WIDE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def sign_in(page: Page, base: str) -> None:
    name = (DEMO / "demo-user").read_text().strip()
    password = (DEMO / "demo-password").read_text().strip()
    page.goto(base + "/signin")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/today")  # the demo user owns accounts: they land on Today


def shoot(page: Page, base: str, phone: bool) -> None:
    suffix = "-phone" if phone else ""

    def shot(name: str) -> None:
        page.screenshot(path=str(HERE / f"{name}{suffix}.png"))

    page.goto(base + "/today")
    shot("today")
    page.goto(base + "/tasks?sort=arr&order=desc")
    shot("tasks")
    page.goto(base + "/")
    shot("portfolio")
    # the VP's week: ARR at risk by week, the forecast, retention
    page.locator("#risk-trends").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('risk-trends').scrollIntoView()")
    shot("portfolio-week")
    page.evaluate("document.getElementById('forecast').scrollIntoView()")
    shot("portfolio-forecast")
    if phone:  # the menu, open
        page.evaluate("window.scrollTo(0, 0)")
        page.get_by_text("Menu", exact=True).click()
        shot("menu")
    # the user's red accounts, the biggest drop of the week first
    page.goto(base + "/accounts?mine=1&band=red&sort=change_7d")
    shot("accounts")
    first = page.locator("table.book tbody tr td:first-child a").first
    first.click()
    shot("account")
    page.evaluate(
        "document.getElementById('tasks') && document.getElementById('tasks').scrollIntoView()"
    )
    shot("account-tasks")
    if not phone:
        page.locator("#change").scroll_into_view_if_needed()
        shot("account-change")
        page.goto(base + "/model#measures")
        shot("model")


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8765"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        for viewport in (WIDE, PHONE):
            page = browser.new_page(viewport=viewport)
            sign_in(page, base)
            shoot(page, base, phone=viewport is PHONE)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
