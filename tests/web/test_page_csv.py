"""The tables of the Accounts, Account, Model and Runs pages as CSV files
(service.web.page_csv): each has the rows its page shows, is linked beside its table, and
writes a cell that looks like a formula as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import Book, Browser


@pytest.fixture(scope="module")
def marked(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Book]:
    """The book with cells a spreadsheet would run as formulas: an account's name, a
    touchpoint's note, a run's error."""
    b = Book(built, tmp_path_factory.mktemp("csv") / "book")
    p = b.project
    account = p.scores(limit=1)[0].account_id
    with p._lock:
        p.store.con.execute("UPDATE accounts SET name = '=HYPERLINK(1)' WHERE id = ?", [account])
        p.store.con.execute(
            "UPDATE runs SET error = '@SUM(1)' WHERE id = (SELECT max(id) FROM runs)"
        )
    p.log_touchpoint(account, "note", author="user:csv", note="=HYPERLINK(2)")
    yield b
    b.project.close()


def _csv(b: Browser, url: str, name: str) -> list[dict[str, str]]:
    r = b.get(url)
    assert r.status_code == 200, (url, r.text[:300])
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert f'filename="{name}' in r.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(r.text)))


def _links(page: httpx.Response) -> str:
    assert page.status_code == 200
    return page.text


def test_the_accounts_listing_as_csv(marked: Book) -> None:
    b = marked.browser("viewer")
    query = "band=red&sort=arr&order=desc"
    data = b.get(f"/accounts?format=json&{query}").json()
    assert 0 < data["total"] <= data["limit"]  # one page: the CSV has every row it shows
    rows = _csv(b, f"/export/accounts?{query}", f"accounts-{data['as_of']}")
    assert [r["account_id"] for r in rows] == [i["account_id"] for i in data["items"]]
    assert [float(r["arr"] or 0) for r in rows] == [i["arr"] or 0 for i in data["items"]]
    assert f'href="/export/accounts?{query.replace("&", "&amp;")}"' in _links(
        b.get(f"/accounts?{query}")
    )
    # every account, beyond the page's 50: the whole book
    every = _csv(b, "/export/accounts", "accounts-")
    assert len(every) == b.get("/accounts?format=json").json()["total"]
    assert "'=HYPERLINK(1)" in [r["name"] for r in every]
    assert "=HYPERLINK(1)" not in [r["name"] for r in every]
    assert b.get("/export/accounts?sort=nope").status_code == 400
    assert Browser(marked.app).get("/export/accounts").status_code == 401


def test_every_table_of_the_account_page_as_csv(marked: Book) -> None:
    b = marked.browser("editor")
    account = marked.project.scores(limit=1)[0].account_id
    data = b.get(f"/accounts/{account}?format=json").json()
    page = _links(b.get(f"/accounts/{account}"))
    e = data["explanation"]
    expected = {
        "scores": [s["score_name"] for s in data["scores"]],
        "timeline": [t["as_of"] for t in data["timeline"][::-1]],
        "groups": [g["group"] for g in e["groups"]],
        "measures": [m["measure"] for m in e["measures"]],
        "change": [line["measure"] for line in data["change"]["lines"]],
        "usage": [u["week"] for u in data["activity"]["usage"][::-1]],
        "touchpoints": [t["id"] for t in data["relationship"]["touchpoints"]],
        "contacts": [c["id"] for c in data["relationship"]["contacts"]],
    }
    first = {
        "scores": "score_name", "timeline": "as_of", "groups": "group", "measures": "measure",
        "change": "measure", "usage": "week", "touchpoints": "id", "contacts": "id",
    }  # fmt: skip
    assert all(expected[t] for t in ("scores", "timeline", "measures", "change", "touchpoints"))
    for table, keys in expected.items():
        rows = _csv(b, f"/export/accounts/{account}?table={table}", f"account-{account}-{table}-")
        assert [r[first[table]] for r in rows] == [str(k) for k in keys], table
        if keys:
            assert f"/export/accounts/{account}?table={table}" in page, table
    notes = _csv(b, f"/export/accounts/{account}?table=touchpoints", "account-")
    assert notes[0]["note"] == "'=HYPERLINK(2)"
    # the change between the dates the page was asked for
    vs = data["timeline"][0]["as_of"]
    asked = b.get(f"/accounts/{account}?format=json&vs={vs}").json()["change"]
    rows = _csv(b, f"/export/accounts/{account}?table=change&vs={vs}", "account-")
    assert [float(r["change"]) for r in rows] == [line["change"] for line in asked["lines"]]
    bad = b.get(f"/export/accounts/{account}?table=nope")
    assert bad.status_code == 404
    assert bad.json()["hint"].startswith("tables: scores, timeline")
    assert b.get("/export/accounts/no-such-account?table=scores").status_code == 404


def test_the_runs_page_as_csv(marked: Book) -> None:
    b = marked.browser("viewer")
    data = b.get("/runs?format=json").json()
    rows = _csv(b, "/export/runs?status=&page=1", "runs-page-1")
    assert [r["id"] for r in rows] == [r["id"] for r in data["runs"]] != []
    assert "'@SUM(1)" in [r["error"] for r in rows]
    assert 'href="/export/runs?status=&amp;page=1"' in _links(b.get("/runs"))


def test_every_table_of_the_model_page_as_csv(fresh: Book) -> None:
    model = fresh.project.model_path()
    text = model.read_text()
    measure = "description: Active days in 30, 20 or more is full marks."
    assert measure in text
    model.write_text(text.replace(measure, "description: =HYPERLINK(3)"))
    b = fresh.browser("viewer")
    data = b.get("/model?format=json").json()
    page = _links(b.get("/model"))
    m = data["model"]
    expected = {
        "bands": [x["name"] for x in data["bands"]],
        "segments": [s["name"] for score in m["scores"] for s in score["segments"]],
        "measures": [x["name"] for x in m["measures"]],
        "inputs": [x["name"] for x in m["inputs"]],
        "versions": [v["version"] for v in data["versions"]],
    }
    assert all(expected.values())
    for table, names in expected.items():
        rows = _csv(b, f"/export/model?table={table}", f"model-{table}-")
        key = "version" if table == "versions" else "name"
        assert [r[key] for r in rows] == names, table
        assert f"/export/model?table={table}" in page, table
    measures = _csv(b, "/export/model?table=measures", "model-measures-")
    assert "'=HYPERLINK(3)" in [r["description"] for r in measures]
    assert b.get("/export/model?table=nope").status_code == 404
