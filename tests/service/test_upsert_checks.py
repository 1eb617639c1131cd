"""Rows upserted over HTTP meet the contract's rules for text and dates as a file does
(docs/reference/data-contract.md#limits), on both stores: U+0000, which Postgres cannot
hold, a name of 100,000 characters, a JSON number as a date, JSON nested too deep."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stethoscope.project import Project
from stethoscope.service.app import create_app
from tests.conftest import STORES, open_project
from tests.service.conftest import TOKEN, Api, bearer

ROW = {"id": "a1", "name": "Acme", "customer_since": "2024-01-01"}


@pytest.fixture(params=STORES)
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Api, Project]]:
    with open_project(request, request.param, tmp_path) as p:
        yield Api(create_app(p, TOKEN)), p


def put(api: Api, rows: list[dict[str, Any]]) -> Any:
    r = api.request("PUT", "/api/tables/accounts/rows", json={"rows": rows}, headers=bearer(TOKEN))
    return r.status_code, r.json()


def test_rows_holding_what_no_store_keeps_are_refused_by_row_and_field(
    api: tuple[Api, Project],
) -> None:
    client, project = api
    rows = [
        ROW,
        {**ROW, "id": "a2", "name": "Ac\x00me"},
        {**ROW, "id": "a3", "name": "N" * 100_000},
        {**ROW, "id": "a4", "customer_since": 0},
        {**ROW, "id": "a5", "customer_since": 20240101},
        {**ROW, "id": "a6", "tier": {"k": "v\x00"}},
    ]
    status, body = put(client, rows)
    assert status == 400, body
    assert [(e["loc"], e["msg"]) for e in body["errors"]] == [
        (
            ["body", "rows", 1, "name"],
            "holds the character U+0000 (NUL), which no store keeps: remove it, got 'Ac\u2400me'",
        ),
        (
            ["body", "rows", 2, "name"],
            f"holds more than 1,000 characters, got '{'N' * 97}...'",
        ),
        (["body", "rows", 3, "customer_since"], "expected a date like 2024-01-31, got '0'"),
        (["body", "rows", 4, "customer_since"], "expected a date like 2024-01-31, got '20240101'"),
        (
            ["body", "rows", 5, "attributes"],
            "holds the character U+0000 (NUL), which no store keeps: remove it, got "
            '\'{"tier":{"k":"v\\\\u0000"}}\'',
        ),
    ]
    assert project.store.con.execute("SELECT count(*) FROM accounts").fetchone() == (0,)
    assert put(client, [ROW])[0] == 200


def test_rows_nested_too_deep_are_refused(api: tuple[Api, Project]) -> None:
    client, _ = api
    deep = '{"a":' * 5_000 + "1" + "}" * 5_000
    r = client.request(
        "PUT",
        "/api/tables/accounts/rows",
        content='{"rows": [{"id": "a1", "x": ' + deep + "}]}",
        headers={**bearer(TOKEN), "Content-Type": "application/json"},
    )
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["loc"][:1] == ["body"]
