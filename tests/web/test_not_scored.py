"""An account before its first score: its page shows the account, its data and when the
schedule scores next, as HTML and as JSON, on both stores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stethoscope.project import Project
from stethoscope.service.app import create_app
from stethoscope.service.schedule import next_run
from stethoscope.service.web.session import SESSION_COOKIE, Sessions
from tests.conftest import ACCOUNTS_CSV, STORES, open_project
from tests.service.conftest import TOKEN
from tests.web.conftest import PASSWORD, Browser

TICKETS = "id,account_id,opened_at,priority,status\nt1,a1,{day},high,open\n"
# a small model: the page computes an explanation on the fly (no stored score), and a
# preset's dozen metrics take seconds to compile on a busy machine
MODEL = """\
name: small
metrics:
  seats: {attribute: seats}
  tickets_90d: {table: tickets, aggregate: count, window: 90d}
measures:
  seats: {metric: seats, linear: [0, 100]}
  tickets: {metric: tickets_90d, linear: [5, 0]}
scorecards:
  standard: {seats: 1, tickets: 1}
scores:
  health:
    segments:
      - {name: everyone, scorecard: standard}
"""


def _signed_in(p: Project) -> Browser:
    """A browser with a viewer's session (opened in the store: signing in through the
    form hashes the password, seconds on a busy machine, and tests/web/test_pages.py
    covers it)."""
    user = p.create_user("viewer@x.example", "viewer", PASSWORD)
    session = p.open_session(user.id, lasts=dt.timedelta(hours=1), address="test")
    b = Browser(create_app(p, TOKEN))
    b.cookies.set(SESSION_COOKIE, Sessions(p).signer.dumps({"s": session}))
    return b


@pytest.mark.parametrize("store", STORES)
def test_an_account_not_scored_yet_shows_its_data_and_the_next_run(
    request: pytest.FixtureRequest, store: str, tmp_path: Path
) -> None:
    with open_project(request, store, tmp_path) as p:
        p.model_path().write_text(MODEL)
        (tmp_path / "accounts.csv").write_text(ACCOUNTS_CSV)
        p.import_file("accounts", tmp_path / "accounts.csv")
        yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
        (tmp_path / "tickets.csv").write_text(TICKETS.format(day=f"{yesterday}T10:00:00"))
        p.import_file("tickets", tmp_path / "tickets.csv")
        b = _signed_in(p)
        coming = next_run(p.settings)
        assert coming is not None

        page = b.get("/accounts/a1")
        assert page.status_code == 200, page.text
        assert "<h1>Acme</h1>" in page.text
        assert "dana@x.example" in page.text
        said = (
            f"Not scored yet: next run at {coming.at:%Y-%m-%d %H:%M} UTC, "
            f"scoring as of {coming.as_of}."
        )
        assert f'<p class="headline headline-sub" id="not-scored">{said}' in page.text
        assert page.text.count("Not scored yet") == 2  # the head, and the scores' card
        assert "high, open" in page.text  # its ticket, in the recent activity

        data = b.get("/accounts/a1?format=json").json()
        assert data["account"]["name"] == "Acme"
        assert data["head"] is None
        assert data["scores"] == []
        assert data["next_run"]["at"] == coming.at.isoformat()
        assert data["next_run"]["as_of"] == coming.as_of.isoformat()
        assert data["next_run"]["schedule"] == p.settings.schedule
        assert [i["kind"] for i in data["activity"]["items"]] == ["ticket"]

        # scored, the page leads with the score and says nothing of the next run
        p.run(as_of=yesterday)
        data = b.get("/accounts/a1?format=json").json()
        assert data["head"]["score_name"] == "health"
        assert data["head"]["as_of"] == yesterday.isoformat()
        assert "Not scored yet" not in b.get("/accounts/a1").text


def test_with_scheduled_runs_off_the_page_says_how_to_score(tmp_path: Path) -> None:
    (tmp_path / "stethoscope.toml").write_text(
        'database_url = "stethoscope.duckdb"\nschedule = ""\n'
    )
    with Project.open(tmp_path) as p:
        p.model_path().write_text(MODEL)
        (tmp_path / "accounts.csv").write_text(ACCOUNTS_CSV)
        p.import_file("accounts", tmp_path / "accounts.csv")
        b = _signed_in(p)
        page = b.get("/accounts/a2")
        assert page.status_code == 200, page.text
        assert "Not scored yet: scheduled runs are off" in page.text
        assert b.get("/accounts/a2?format=json").json()["next_run"] is None
