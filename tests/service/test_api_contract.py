"""Over HTTP: an upsert of accounts keeps the values it replaces, and a file import reads
exclusive end dates when asked."""

from __future__ import annotations

import datetime as dt

from stethoscope.project import Project
from tests.service.conftest import TOKEN, Api, bearer


def test_an_upsert_of_accounts_keeps_the_values_it_replaces(api: Api, project: Project) -> None:
    row = {"id": "x", "name": "X", "segment": "smb", "customer_since": "2024-01-01"}
    for sent in (row, row | {"segment": "ent", "updated_at": "2024-06-01T00:00:00Z"}):
        r = api.request(
            "PUT", "/api/tables/accounts/rows", json={"rows": [sent]}, headers=bearer(TOKEN)
        )
        assert r.status_code == 200, r.json()
    assert project.store.con.execute(
        "SELECT segment, valid_from, valid_to FROM account_versions ORDER BY valid_from"
    ).fetchall() == [
        ("smb", dt.datetime(2024, 1, 1), dt.datetime(2024, 6, 1)),
        ("ent", dt.datetime(2024, 6, 1), None),
    ]
    assert project.store.con.execute("SELECT segment FROM accounts").fetchall() == [("ent",)]


def test_a_file_import_reads_exclusive_end_dates(api: Api, project: Project) -> None:
    r = api.request(
        "PUT",
        "/api/tables/accounts/rows",
        json={"rows": [{"id": "x", "name": "X", "customer_since": "2024-01-01"}]},
        headers=bearer(TOKEN),
    )
    assert r.status_code == 200, r.json()
    body = b"account_id,product,start_date,end_date\nx,base,2024-01-01,2024-02-01\n"
    r = api.post(
        "/api/tables/subscriptions/import",
        params={"filename": "s.csv", "end_dates": "exclusive"},
        content=body,
        headers=bearer(TOKEN),
    )
    assert r.status_code == 200, r.json()
    stored = project.store.con.execute("SELECT end_date FROM subscriptions").fetchall()
    assert stored == [(dt.date(2024, 1, 31),)]
    r = api.post(
        "/api/tables/subscriptions/import",
        params={"filename": "s.csv", "end_dates": "last"},
        content=body,
        headers=bearer(TOKEN),
    )
    assert r.status_code == 400
    assert [e["loc"] for e in r.json()["errors"]] == [["query", "end_dates"]]
