"""Today (``/today``): a CSM's accounts that changed this week with why in words, their open
tasks and their weak renewals, as the store has them; the count of open tasks in every
page's navigation; where signing in lands."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from markupsafe import escape

from stethoscope.model.loader import parse_model
from stethoscope.model.presets import preset_text
from stethoscope.model_words import change_reason, measure_value
from stethoscope.rows import BookRow, Change, ChangeLine, Explanation, MeasureLine
from tests.web.conftest import PASSWORD, Book, Browser, user_name
from tests.web.test_tasks import with_tasks


def _book_of(book: Book, owner: str, day: dt.date) -> dict[str, BookRow]:
    rows = book.project.book_page(as_of=day, owner=owner, limit=10_000).items
    return {r.account_id: r for r in rows}


def _ids(html: str, kind: str) -> list[str]:
    return re.findall(rf'<tr id="{kind}-([^"]+)">', html)


def test_today_lists_my_changes_tasks_and_renewals_as_the_store_has_them(fresh: Book) -> None:
    me = with_tasks(fresh)
    p = fresh.project
    day = p.latest_as_of()
    assert day is not None
    since = day - dt.timedelta(days=7)
    now, before = _book_of(fresh, me, day), _book_of(fresh, me, since)
    b = fresh.browser("editor")
    data = b.get("/today", params={"format": "json"}).json()
    assert (data["owner"], data["as_of"], data["since"]) == (me, str(day), str(since))
    assert data["owned_accounts"] == p.accounts(owner=me, limit=1).total

    def urgency(r: BookRow) -> tuple[Any, ...]:
        return (-(r.arr or 0), r.renewal_date or dt.date.max, r.account_id)

    def moved(r: BookRow, then: BookRow) -> bool:
        scores = (r.score, then.score)
        return r.band != then.band or (None not in scores and scores[0] < scores[1])

    changed = sorted(
        (r for a, r in now.items() if a in before and moved(r, before[a])), key=urgency
    )
    assert changed, "the demo book has an account of this owner that moved this week"
    assert [c["account_id"] for c in data["changes"]] == [r.account_id for r in changed]
    for c in data["changes"]:
        a = c["account_id"]
        assert (c["band"], c["band_before"]) == (now[a].band, before[a].band)
        assert c["change"] == pytest.approx(now[a].score - before[a].score)  # type: ignore[operator]
        # why, in words: the measure that moved it most the way it went, as it stands now
        why = p.explain_change(a, vs=since, as_of=day)
        if why.moved:
            assert c["reason"].startswith(f"the model moved it ({why.moved[0]})"), c
            continue
        falling = (why.change or 0) < 0
        head = next(ln for ln in why.lines if ln.change != 0 and (ln.change < 0) == falling)
        line = next(m for m in p.explain(a, as_of=day).measures if m.measure == head.measure)
        assert c["reason"].startswith(measure_value(p.load_model(), line)), c

    tasks = p.tasks(owner=me, status="open", limit=10_000)
    assert len(data["tasks"]) == len(tasks) > 0
    arr = {found.id: found.arr for t in tasks if (found := p.account(t.account_id))}
    expected = sorted(tasks, key=lambda t: (-(arr[t.account_id] or 0), t.due_on, t.id))
    assert [t["id"] for t in data["tasks"]] == [t.id for t in expected]
    for t in data["tasks"]:
        if t["account_id"] in now:
            scored = now[t["account_id"]]
            assert (t["score"], t["band"]) == (scored.score, scored.band)

    renewing = sorted(
        (
            r
            for r in now.values()
            if r.band in ("red", "yellow")
            and r.renewal_date is not None
            and day < r.renewal_date <= day + dt.timedelta(days=90)
        ),
        key=urgency,
    )
    assert data["renewal_bands"] == ["red", "yellow"]
    assert [r["account_id"] for r in data["renewals"]] == [r.account_id for r in renewing]

    # the page shows what its JSON twin has, in the same order, in the site's formats
    html = b.get("/today").text
    assert "<h1>Today" in html
    assert '<a href="/today" aria-current="page">Today</a>' in html
    assert _ids(html, "change") == [c["account_id"] for c in data["changes"]]
    assert _ids(html, "task") == [str(t["id"]) for t in data["tasks"]]
    assert _ids(html, "renewal") == [r["account_id"] for r in data["renewals"]]
    for c in data["changes"]:
        assert f'<td class="reason">{escape(c["reason"])}</td>' in html
    top = data["tasks"][0]
    exact = f"{top['arr']:.2f}".removesuffix(".00")
    assert f'<data value="{exact}"' in html
    assert f'<time datetime="{top["due_on"]}"' in html


def test_the_navigation_counts_my_open_tasks_on_every_page(fresh: Book) -> None:
    me = with_tasks(fresh)
    b = fresh.browser("editor")
    mine = fresh.project.tasks(owner=me, status="open", limit=10_000)
    account = mine[0].account_id
    for path in ("/", "/accounts", f"/accounts/{account}", "/model", "/runs", "/tasks", "/today"):
        html = b.get(path).text
        assert f'<span class="count" id="nav-open-tasks">{len(mine)}</span>' in html, path
    fresh.project.update_task(mine[0].id, "done", actor="test")
    assert f'id="nav-open-tasks">{len(mine) - 1}<' in b.get("/").text
    # a user without tasks: no count at all
    assert 'class="count"' not in fresh.browser("viewer").get("/").text


def _sign_in(book: Book, name: str, **form: str) -> str:
    b = Browser(book.app)
    token = b.csrf()
    r = b.post("/signin", data={"csrf_token": token, "name": name, "password": PASSWORD, **form})
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def test_signing_in_lands_an_owner_on_today_and_anyone_else_on_the_portfolio(book: Book) -> None:
    editor = user_name(book.project, "editor")  # owns accounts
    assert book.project.owned_accounts(editor) > 0
    assert book.project.owned_accounts("viewer@x.example") == 0
    assert 'name="next" value=""' in Browser(book.app).get("/signin").text
    assert _sign_in(book, editor) == "/today"
    assert _sign_in(book, editor, next="") == "/today"
    assert _sign_in(book, "viewer@x.example") == "/"
    assert _sign_in(book, editor, next="/accounts") == "/accounts"  # a page asked for
    assert _sign_in(book, editor, next="/") == "/"
    b = book.browser("editor")
    assert b.get("/signin").headers["location"] == "/today"


def test_today_without_accounts_keeps_the_frame_and_says_what_to_do(book: Book) -> None:
    b = book.browser("viewer")
    r = b.get("/today")
    assert r.status_code == 200
    assert '<a class="skip" href="#content">' in r.text
    assert 'nav aria-label="Pages"' in r.text
    assert 'id="no-accounts"' in r.text
    assert "is your user name, <strong>viewer@x.example</strong>" in r.text
    data = b.get("/today", params={"format": "json"}).json()
    assert (data["owned_accounts"], data["changes"], data["tasks"], data["renewals"]) == (
        0,
        [],
        [],
        [],
    )
    assert Browser(book.app).get("/today", params={"format": "json"}).status_code == 401


def test_a_measure_and_a_change_in_words() -> None:
    model = parse_model(preset_text("four-signals"))

    def line(measure: str, value: Any, age: int | None = None) -> MeasureLine:
        metric = model.measures[measure].metric
        return MeasureLine(
            measure=measure,
            group=None,
            metric=metric,
            value=value,
            grade=0.0,
            weight=0.2,
            contribution=0.0,
            age_days=age,
        )

    def moved(
        measure: str,
        values: tuple[Any, Any],
        grades: tuple[float, float],
        contributions: tuple[float, float],
    ) -> ChangeLine:
        return ChangeLine(
            measure=measure,
            value_from=values[0],
            value_to=values[1],
            grade_from=grades[0],
            grade_to=grades[1],
            contribution_from=contributions[0],
            contribution_to=contributions[1],
            change=contributions[1] - contributions[0],
        )

    nps, tickets = line("nps", 5, 161), line("tickets", 17, 3)
    assert measure_value(model, nps) == "NPS 5 answered 161 days ago, detractor"
    assert measure_value(model, tickets) == "17 tickets in 90 days"
    assert measure_value(model, line("nps", None)) == "no NPS"
    now = Explanation(
        account_id="a",
        account_name=None,
        as_of=dt.date(2025, 6, 30),
        score_name="health",
        model_version=model.version,
        score=40.0,
        band="red",
        coverage=1.0,
        segment=None,
        scorecard=None,
        floor=0.0,
        measures=[nps, tickets],
        groups=[],
        trends={},
    )
    change = Change(
        account_id="a",
        score_name="health",
        date_from=dt.date(2025, 6, 23),
        date_to=dt.date(2025, 6, 30),
        score_from=55.0,
        score_to=40.0,
        change=-15.0,
        lines=[
            moved("nps", (8, 5), (50.0, 0.0), (1.0, 0.0)),
            moved("tickets", (9, 17), (50.0, 0.0), (0.5, 0.0)),
            moved("usage", (3, 9), (0.0, 50.0), (0.0, 0.5)),
        ],
    )
    assert change_reason(model, change, now) == (
        "NPS 5 answered 161 days ago, detractor (was 8); 17 tickets in 90 days (was 9)"
    )


def test_today_shows_the_first_tasks_and_renewals_and_links_to_the_rest(
    fresh: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stethoscope.service.web import today_page

    me = with_tasks(fresh)
    day = fresh.project.latest_as_of()
    assert day is not None
    fresh.project.store.con.execute(  # every account of mine renews within the 90 days
        "UPDATE accounts SET renewal_date = ? WHERE owner = ?", [day + dt.timedelta(days=30), me]
    )
    b = fresh.browser("editor")
    whole = b.get("/today", params={"format": "json"}).json()
    monkeypatch.setattr(today_page, "SHOWN", 1)
    data = b.get("/today", params={"format": "json"}).json()
    count = fresh.project.open_task_count(me)
    assert (data["tasks_total"], len(data["tasks"])) == (count, 1)
    assert count > 1
    # the first row of the worklist by ARR: the page it links to, in the same order
    worklist = b.get(data["tasks_link"] + "&format=json").json()
    assert worklist["total"] == count == len(worklist["tasks"])
    assert [t["id"] for t in data["tasks"]] == [worklist["tasks"][0]["id"]]
    assert (data["renewals_total"], data["renewals"]) == (
        len(whole["renewals"]),
        whole["renewals"][:1],
    )
    assert data["renewals_total"] > 1
    html = b.get("/today").text
    assert _ids(html, "task") == [str(data["tasks"][0]["id"])]
    assert f'<a id="all-tasks" href="/tasks?sort=arr&amp;order=desc">all {count} tasks</a>' in html
    assert f"The 1 with the most ARR of {data['renewals_total']}: the CSV has them all" in html
    # a table's CSV holds all its rows, in the page's order
    tasks_csv = b.get("/today", params={"format": "csv", "table": "tasks"}).text
    assert [r["id"] for r in csv.DictReader(io.StringIO(tasks_csv))] == [
        str(t["id"]) for t in worklist["tasks"]
    ]
    renewals_csv = b.get("/today", params={"format": "csv", "table": "renewals"}).text
    assert [r["account_id"] for r in csv.DictReader(io.StringIO(renewals_csv))] == [
        r["account_id"] for r in whole["renewals"]
    ]
