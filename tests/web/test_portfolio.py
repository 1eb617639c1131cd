"""The portfolio's breakdowns, bands over time and "my book", against the facade's book."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from stethoscope.service.app import create_app
from tests.service.conftest import TOKEN
from tests.web.conftest import END, PASSWORD, Book, Browser, user_name


def test_breakdowns_by_segment_and_owner_add_up(book: Book) -> None:
    data = book.browser("viewer").get("/?format=json").json()
    rows = book.project.scores()
    for key, listed in (("segment", data["segments"]), ("owner", data["owners"])):
        expected = Counter((getattr(r, key), r.band) for r in rows)
        for k in listed:
            assert k["accounts"] == sum(n for (v, _), n in expected.items() if v == k["key"])
            assert k["bands"] == {b: n for (v, b), n in expected.items() if v == k["key"]}
            arr = sum(r.arr or 0 for r in rows if getattr(r, key) == k["key"])
            assert k["arr"] == pytest.approx(arr)
            risk = sum(r.arr or 0 for r in rows if getattr(r, key) == k["key"] and r.band == "red")
            assert k["at_risk"] == pytest.approx(risk)
        # the most ARR at risk first
        assert [k["at_risk"] for k in listed] == sorted(
            (k["at_risk"] for k in listed), reverse=True
        )
    assert len(data["segments"]) == len({r.segment for r in rows})
    assert data["owners_total"] == len({r.owner for r in rows})


def test_bands_over_time_are_the_stored_history(book: Book) -> None:
    b = book.browser("viewer")
    data = b.get("/?format=json").json()
    p = book.project
    # scored 30 days before the end, then each of its last 8 days: of the weekly dates
    # back from the end, the end and a week before were scored
    days = [END - dt.timedelta(days=7), END]
    assert [h["as_of"] for h in data["history"]] == [str(d) for d in days]
    for h in data["history"]:
        day = dt.date.fromisoformat(h["as_of"])
        assert h["counts"] == dict(Counter(r.band for r in p.scores(as_of=day)))
    html = b.get("/").text
    assert html.count('<rect x="') == sum(len(h["counts"]) for h in data["history"])
    assert f"{days[0]}: red " in html  # each bar says its date, band and count


def test_my_portfolio_is_the_owners_book(book: Book) -> None:
    owner = user_name(book.project, "editor")
    data = book.browser("editor").get("/?mine=1&format=json").json()
    mine = [r for r in book.project.scores() if r.owner == owner]
    assert data["owner"] == owner
    assert data["accounts"] == len(mine) > 0
    assert {d["account_id"] for d in data["drops"]} <= {r.account_id for r in mine}
    assert [o["key"] for o in data["owners"]] == [owner]
    assert sum(sum(h["counts"].values()) for h in data["history"][-1:]) == len(mine)
    assert 'href="/">The whole book' in book.browser("editor").get("/?mine=1").text


def test_charts_start_at_the_first_scored_week(book: Book) -> None:
    data = book.browser("viewer").get("/?format=json").json()
    first = END - dt.timedelta(days=30)  # the book's first scored date
    assert data["history_from"] == str(first)
    assert data["history_dates"][0] >= str(first)
    assert data["history_dates"][0] < str(first + dt.timedelta(days=7))


def test_a_young_book_says_from_when_its_trends_exist(tmp_path: Path) -> None:
    from stethoscope.model.presets import preset_text
    from stethoscope.project import Project
    from stethoscope.service.web import views

    (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    (tmp_path / "model.yaml").write_text(preset_text("four-signals"))
    with Project.open(tmp_path) as p:
        p.load_demo(accounts=20, months=2, end=END)
        p.run(start=END - dt.timedelta(days=9), end=END)
        page = views.accounts(p)
        first = END - dt.timedelta(days=9)
        # 10 days of history: the 7-day change exists, the 30-day one from day 30
        assert page["first_scored"] == first
        assert page["trends_from"] == {"change_30d": first + dt.timedelta(days=30)}
        assert all(r.change_30d is None for r in page["items"])
        folio = views.portfolio(p)
        assert folio["history_dates"] == [END - dt.timedelta(days=7), END]
        p.create_user("v@x.example", "viewer", PASSWORD)
        browser = Browser(create_app(p, TOKEN))
        assert browser.sign_in("v@x.example").status_code == 303
        html = browser.get("/accounts").text
        assert (
            f"Scored since {first}: the 30-day change is available from "
            f"{first + dt.timedelta(days=30)}. Until then its column is empty."
        ) in " ".join(html.split())
