"""The VP's week: gross and net revenue retention from outcomes (a book worked by hand, on
both stores), ARR at risk week by week agreeing with the scored book, and every table of
the Portfolio as a CSV file, escaped so that no cell runs as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from stethoscope.project import Project
from tests.conftest import STORES, filled_project
from tests.web.conftest import Book

ACCOUNTS = """\
id,name,owner,segment,arr,customer_since,renewal_date
a1,Grows,=evil(),smb,1000,2024-01-01,2025-12-01
a2,Leaves,dana,smb,500,2024-01-01,2025-12-01
a3,Shrinks,dana,enterprise,2000,2024-01-01,2025-12-01
a4,New,dana,enterprise,900,2025-02-01,2026-02-01
a5,Gone,lee,smb,700,2023-01-01,2024-12-01
"""
OUTCOMES = """\
account_id,kind,date,arr_change
a1,expanded,2025-03-01,200
a2,churned,2025-03-01,-500
a3,contracted,2025-04-01,-300
a4,expanded,2025-05-01,100
a5,churned,2024-06-01,-700
"""
END = dt.date(2025, 6, 30)


def _kept(p: Project) -> None:
    for table, text in (("accounts", ACCOUNTS), ("outcomes", OUTCOMES)):
        path = p.settings.project_dir / f"{table}.csv"
        path.write_text(text)
        p.import_file(table, path)


@pytest.fixture(params=STORES)
def kept(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    with filled_project(request, request.param, tmp_path, "week-outcomes", _kept) as p:
        yield p


def test_retention_from_outcomes_by_hand(kept: Project) -> None:
    rows = {(r["by"], r["key"]): r for r in kept.retention(END)}
    book = rows[(None, None)]
    # customers on 2024-06-30: a1 (800 then: 1,000 now less its expansion), a2 (500, then
    # churned), a3 (2,300: 2,000 now, its contraction put back); a4 came later, a5 left
    assert (book["accounts"], book["churned_accounts"]) == (3, 1)
    assert (book["start_arr"], book["churned_arr"], book["contracted_arr"]) == (3600, 500, 300)
    assert book["expanded_arr"] == 200
    assert book["grr"] == pytest.approx(2800 / 3600)
    assert book["nrr"] == pytest.approx(3000 / 3600)
    smb = rows[("segment", "smb")]
    assert (smb["start_arr"], smb["grr"], smb["nrr"]) == (1300, 800 / 1300, 1000 / 1300)
    assert rows[("owner", "dana")]["grr"] == pytest.approx((2800 - 500 - 300 + 500 - 500) / 2800)
    assert rows[("owner", "=evil()")]["nrr"] == pytest.approx(1000 / 800)


def test_arr_at_risk_by_week_is_the_scored_books(book: Book) -> None:
    p = book.project
    day = p.latest_as_of()
    assert day is not None
    worst = p.load_model().bands[0].name
    weeks = [day - dt.timedelta(days=7), day]
    rows = p.risk_weeks(weeks)
    for d in weeks:
        scored = p.scores(as_of=d, band=worst)
        [whole] = [r for r in rows if r["by"] is None and r["as_of"] == d]
        assert whole["at_risk_accounts"] == len(scored)
        assert whole["at_risk"] == pytest.approx(sum(r.arr or 0 for r in scored))
        near = [
            r for r in scored if r.renewal_date and d < r.renewal_date <= d + dt.timedelta(days=90)
        ]
        assert whole["red_renewals"] == len(near)
        owners = [r for r in rows if r["by"] == "owner" and r["as_of"] == d]
        assert sum(r["at_risk"] for r in owners) == pytest.approx(whole["at_risk"])


def test_every_portfolio_table_is_a_csv_file(fresh: Book) -> None:
    p = fresh.project
    account = p.scores(limit=1)[0].account_id
    # an owner that a spreadsheet would run as a formula
    with p._lock:
        p.store.con.execute("UPDATE accounts SET owner = '=HYPERLINK(1)' WHERE id = ?", [account])
    vp = fresh.browser("viewer")
    data = vp.get("/?format=json").json()
    page = vp.get("/").text
    names = [
        "bands", "history", "renewals", "renewals_due", "drops", "segments", "owners",
        "risk_weeks", "risk_segments", "risk_owners", "retention_segments",
        "retention_owners", "forecast_segments", "forecast_owners", "forecast_months",
    ]  # fmt: skip
    for name in names:
        r = vp.get(f"/?format=csv&table={name}")
        assert r.status_code == 200, (name, r.text)
        assert r.headers["content-type"] == "text/csv; charset=utf-8"
        assert (
            f'filename="portfolio-{name}-{data["as_of"]}.csv"' in r.headers["content-disposition"]
        )
        if name not in ("bands", "forecast_segments", "forecast_owners", "forecast_months"):
            assert f"table={name}" in page, name  # the page links to it
    owners = list(csv.reader(io.StringIO(vp.get("/?format=csv&table=owners").text)))
    assert owners[0][0] == "owner"
    assert [r[0] for r in owners[1:]] == [
        "'=HYPERLINK(1)" if o["key"] == "=HYPERLINK(1)" else (o["key"] or "")
        for o in data["owners"]
    ]
    assert "'=HYPERLINK(1)" in [r[0] for r in owners[1:]]
    assert [float(r[-1]) for r in owners[1:]] == [o["at_risk"] for o in data["owners"]]
    bad = vp.get("/?format=csv&table=nope")
    assert bad.status_code == 404
    assert "tables: bands, history" in bad.json()["hint"]


def test_today_explains_the_changes_with_the_most_arr_and_counts_the_rest(
    book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stethoscope.facade import today

    p = book.project
    owner = next(u.name for u in p.users() if u.role == "editor")
    day = p.latest_as_of()
    assert day is not None
    asked = {
        "as_of": day,
        "since": day - dt.timedelta(days=7),
        "renew_until": day + dt.timedelta(days=90),
        "renewal_bands": ["red", "yellow"],
    }
    whole = p.owner_day(owner, **asked)
    assert whole["changes_total"] == len(whole["changes"]) > 1
    monkeypatch.setattr(today, "CHANGES_LIMIT", 1)
    first = p.owner_day(owner, **asked)
    assert (first["changes_total"], len(first["changes"])) == (whole["changes_total"], 1)
    assert first["changes"][0]["change"] == whole["changes"][0]["change"]
    page = book.browser("editor").get("/today").text
    assert f"The 1 with the most ARR of {whole['changes_total']}: the others are on" in page


def test_today_and_the_worklist_as_csv(fresh: Book) -> None:
    from tests.web.test_tasks import TWO_RULES, with_tasks

    with_tasks(fresh, TWO_RULES)
    b = fresh.browser("editor")
    day = b.get("/today?format=json").json()
    page = b.get("/today").text
    for table, key in (("changes", "account_id"), ("tasks", "id"), ("renewals", "account_id")):
        r = b.get(f"/today?format=csv&table={table}")
        assert r.status_code == 200, r.text
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert [row[key] for row in rows] == [str(x[key]) for x in day[table]]
        if day[table]:
            assert f"/today?format=csv&amp;table={table}" in page
    assert day["tasks"]
    assert b.get("/today?format=csv&table=nope").status_code == 404
    listed = b.get("/tasks?format=json&owner=%2A&sort=arr&order=desc").json()
    r = b.get("/tasks?format=csv&owner=%2A&sort=arr&order=desc")
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == listed["total"] > 0
    assert [int(x["id"]) for x in rows[: len(listed["tasks"])]] == [
        t["id"] for t in listed["tasks"]
    ]
    assert "format=csv" in b.get("/tasks?owner=%2A").text
