"""Observations anchored at each account's term ends (backtest --anchor renewal), and the
calendar dates of a backtest ending on its --to, on a small hand-built book, on both stores.

The book (every account a customer from 2024-01-01; events from 2024-01-02 to 2025-08-31):

- ``annual``: a line from 2024-02-10 to 2025-02-09 billed yearly (its first term ends on
  its end date, one term end); churned 2025-02-09;
- ``monthly``: an open monthly line from 2024-11-01 (terms end on the day before the same
  day of a later month: Nov 30, Dec 31, Jan 31, Feb 28, Mar 31, ...); churned 2025-04-02;
- ``renewal``: no line; renewal date 2025-06-15, so term ends on every June 15;
- ``no_term``: a line stating no term; renewal date 2024-09-20;
- ``late``: a customer from 2025-05-01 with renewal date 2025-03-01 (only 2026-03-01 comes
  after it starts, outside the span).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from stethoscope.errors import DataError
from stethoscope.project import Project
from tests.conftest import STORES, open_project

MODEL = """
name: tiny
bands:
  - {name: red, below: 50}
  - {name: green}
metrics:
  events_30d: {table: events, aggregate: count, window: 30d}
measures:
  activity: {metric: events_30d, linear: [0, 8]}
scorecards:
  main: {activity: 1}
scores:
  health:
    segments:
      - {name: all, scorecard: main}
"""

ACCOUNTS = """id,name,customer_since,renewal_date
annual,Annual,2024-01-01,2031-01-01
monthly,Monthly,2024-01-01,
renewal,Renewal,2024-01-01,2025-06-15
no_term,No term,2024-01-01,2024-09-20
late,Late,2025-05-01,2025-03-01
"""

SUBSCRIPTIONS = """account_id,product,mrr,start_date,end_date,term_months
annual,core,100,2024-02-10,2025-02-09,12
monthly,core,50,2024-11-01,,1
no_term,core,70,2024-03-01,,
"""

OUTCOMES = """account_id,kind,date,arr_change
annual,churned,2025-02-09,-1200
monthly,churned,2025-04-02,-600
"""

# horizon 30 days, lead 5 days, observations from 2024-06-01 to 2025-06-30
EXPECTED = [
    ("2024-06-10", "renewal", 0.0),
    ("2024-09-15", "no_term", 0.0),
    ("2024-11-25", "monthly", 0.0),
    ("2024-12-26", "monthly", 0.0),
    ("2025-01-26", "monthly", 0.0),
    ("2025-02-04", "annual", 1.0),
    ("2025-02-23", "monthly", 0.0),
    ("2025-03-26", "monthly", 1.0),
    ("2025-06-10", "renewal", 0.0),
]


def _events() -> str:
    lines = ["account_id,user_id,event,timestamp"]
    day = dt.date(2024, 1, 2)
    while day <= dt.date(2025, 8, 31):
        for i, account in enumerate(("annual", "monthly", "renewal", "no_term", "late")):
            # a few events a week, more for some accounts, so scores differ
            if (day.toordinal() + i) % (2 + i) == 0:
                lines.append(f"{account},u{i},login,{day.isoformat()}T10:00:00Z")
        day += dt.timedelta(days=1)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module", params=STORES)
def book(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Project]:
    folder: Path = tmp_path_factory.mktemp(request.param)
    p = open_project(request, request.param, folder)
    (folder / "model.yaml").write_text(MODEL)
    for table, text in (
        ("accounts", ACCOUNTS),
        ("subscriptions", SUBSCRIPTIONS),
        ("events", _events()),
        ("outcomes", OUTCOMES),
    ):
        (folder / f"{table}.csv").write_text(text)
        p.import_file(table, folder / f"{table}.csv")
    yield p
    p.close()


def _pairs(rows: dict[str, list[object]]) -> list[tuple[object, ...]]:
    return list(zip(rows["as_of"], rows["account_id"], rows["label"], strict=True))


def test_each_account_is_observed_before_each_of_its_term_ends(book: Project) -> None:
    b = book.backtest(
        start=dt.date(2024, 6, 1),
        end=dt.date(2025, 6, 30),
        horizon=30,
        lead=5,
        anchor="renewal",
        save=False,
    ).to_json()
    assert _pairs(b["rows"]) == EXPECTED
    assert b["settings"]["anchor"] == "renewal"
    assert b["settings"]["every"] is None
    assert b["dates"] == sorted({d for d, _, _ in EXPECTED})
    # each is scored as of its own date, as a calendar backtest of that one date scores it
    for i in (3, 6):
        day, account = EXPECTED[i][0], EXPECTED[i][1]
        one = book.backtest(
            start=dt.date.fromisoformat(day),
            end=dt.date.fromisoformat(day),
            horizon=30,
            save=False,
        ).to_json()["rows"]
        assert one["score"][one["account_id"].index(account)] == b["rows"]["score"][i]
    assert len(set(b["rows"]["score"])) > 2


def test_calibrate_reads_the_same_anchored_observations(book: Project, tmp_path: Path) -> None:
    r = book.calibrate(
        tmp_path / "fitted.yaml",
        start=dt.date(2024, 6, 1),
        end=dt.date(2025, 6, 30),
        horizon=30,
        lead=5,
        anchor="renewal",
    )
    assert r["settings"]["anchor"] == "renewal"
    assert (r["settings"]["from"], r["settings"]["to"]) == (EXPECTED[0][0], EXPECTED[-1][0])


def test_an_anchored_backtest_needs_a_horizon_that_reaches_the_term_end(book: Project) -> None:
    with pytest.raises(DataError, match=r"^--horizon 3d ends before the term end"):
        book.backtest(horizon=3, lead=5, anchor="renewal", save=False)
    with pytest.raises(DataError, match=r"^--anchor renewal observes accounts at their own"):
        book.backtest(lead=5, anchor="renewal", level="parent", save=False)


def test_calendar_dates_end_on_the_to_date(book: Project) -> None:
    """Without --from the dates count back from --to, so --to is observed; with --from they
    count on from it, calendar months clamped to the month's end."""
    # (before, twelve dates counted on from 30 days into the data ended on 2024-09-28)
    days = book.backtest(end=dt.date(2024, 9, 30), every=30, horizon=30, save=False)
    assert days.settings.dates[-1] == dt.date(2024, 9, 30)
    assert days.settings.dates[0] >= dt.date(2024, 2, 1)
    back = book.backtest(end=dt.date(2025, 3, 31), every="1mo", horizon=30, save=False)
    assert back.to_json()["dates"][-3:] == ["2025-01-31", "2025-02-28", "2025-03-31"]
    assert len(back.settings.dates) == 12
    on = book.backtest(
        start=dt.date(2024, 8, 31), end=dt.date(2024, 12, 15), every="1mo", horizon=30, save=False
    )
    assert [d.isoformat() for d in on.settings.dates] == [
        "2024-08-31",
        "2024-09-30",
        "2024-10-31",
        "2024-11-30",
    ]
    assert on.to_json()["settings"]["every"] == "1mo"
