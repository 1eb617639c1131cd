"""Take the dashboard screenshots shown in docs/dashboard.md (1280x800, Debian's chromium),
from the demo book of `make demo`, served: `make demo` (or `.venv/bin/stethoscope --project
.demo serve`) in one terminal, then

    .venv/bin/python docs/images/take.py [http://localhost:8765]

signs in as the demo user (.demo/demo-user, .demo/demo-password) and writes
docs/images/*.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).parent
DEMO = HERE.parent.parent / ".demo"


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8765"
    name = (DEMO / "demo-user").read_text().strip()
    password = (DEMO / "demo-password").read_text().strip()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base + "/signin")
        page.get_by_label("User name").fill(name)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(base + "/")
        page.screenshot(path=str(HERE / "portfolio.png"))
        # the user's red accounts, the biggest drop of the week first
        page.goto(base + "/accounts?mine=1&band=red&sort=change_7d")
        first = page.locator("table.book tbody tr td:first-child a").first
        first.click()
        page.screenshot(path=str(HERE / "account.png"))
        page.locator("#change").scroll_into_view_if_needed()
        page.screenshot(path=str(HERE / "account-change.png"))
        page.goto(base + "/model#measures")
        page.screenshot(path=str(HERE / "model.png"))
        browser.close()


if __name__ == "__main__":
    main()
