"""`sources check` and `sources sync` through the facade, with the HubSpot connector against
its stand-in: a first sync, a second that loads only what changed, and a 500 mid-sync that
writes nothing and is made up by the next sync, nothing doubled or lost."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from stethoscope.errors import SourceError
from stethoscope.project import Project
from stethoscope.store import syncs
from tests.sources.standins.base import serve
from tests.sources.standins.hubspot import HubSpotState, make_app

COMPANIES = 150  # two pages of 100


@pytest.fixture
def crm(
    tmp_path: Path, empty_store: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Project, HubSpotState]]:
    state = HubSpotState()
    state.owners = [{"id": "1", "email": "csm@example.com", "firstName": "C"}]
    for i in range(COMPANIES):
        state.put("companies", str(1000 + i), name=f"Company {i}", hubspot_owner_id="1")
    for i in range(12):
        state.put("tickets", str(7000 + i), hs_pipeline_stage="1", hs_ticket_priority="HIGH")
        state.associations[("tickets", str(7000 + i))] = [(str(1000 + i), True)]
    monkeypatch.setenv("HUBSPOT_TEST_TOKEN", state.token)
    with serve(make_app(state)) as url:
        (tmp_path / "stethoscope.toml").write_text(
            'database_url = "stethoscope.duckdb"\n'
            "[sources.crm]\n"
            'kind = "hubspot"\n'
            f'base_url = "{url}"\n'
            'secrets = { token = "env:HUBSPOT_TEST_TOKEN" }\n'
            "options = { max_attempts = 2, backoff = 0.01, page_size = 100 }\n"
            "[sources.crm.tables.accounts]\n"
            "[sources.crm.tables.tickets]\n"
        )
        shutil.copyfile(empty_store, tmp_path / "stethoscope.duckdb")
        with Project.open(tmp_path) as p:
            yield p, state


def count(p: Project, table: str) -> int:
    row = p.store.con.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


def test_hubspot_syncs_resumes_and_loads_only_what_changed(
    crm: tuple[Project, HubSpotState],
) -> None:
    p, state = crm
    check = p.check_source("crm")
    assert check.ok, check
    assert [(t.table, t.origin) for t in check.tables] == [
        ("accounts", "companies"),
        ("tickets", "tickets"),
    ]
    assert count(p, "accounts") == 0  # a check writes nothing

    first = p.sync_source("crm")
    assert [(t.table, t.rows_written) for t in first.tables] == [
        ("accounts", COMPANIES),
        ("tickets", 12),
    ]
    owner = p.store.con.execute("SELECT owner FROM accounts WHERE id = '1003'").fetchone()
    assert owner == ("csm@example.com",)

    # a company renamed and one added: the next sync reads from the cursor
    state.put("companies", "1003", name="Renamed")
    state.put("companies", "9999", name="New Co")
    second = p.sync_source("crm")
    accounts = second.tables[0]
    assert accounts.cursor_from == first.tables[0].cursor_to
    assert accounts.rows_read < 5
    assert count(p, "accounts") == COMPANIES + 1
    assert p.store.con.execute("SELECT name FROM accounts WHERE id = '1003'").fetchone() == (
        "Renamed",
    )

    # 101 companies changed, and a 500 for good from the second page on
    for i in range(101):
        state.put("companies", str(1000 + i), name=f"Company {i} v2")
    cursors = syncs.cursors(p.store.con, "crm")
    state.faults.reset()
    state.faults.fail_at = 1
    with pytest.raises(SourceError, match="500"):
        p.sync_source("crm")
    assert syncs.cursors(p.store.con, "crm") == cursors
    assert p.store.con.execute("SELECT name FROM accounts WHERE id = '1000'").fetchone() == (
        "Company 0",
    )
    assert p.source_syncs("crm")[0].status == "failed"

    # the next sync reads again from the kept cursors: every change, once
    state.faults.reset()
    p.sync_source("crm")
    assert count(p, "accounts") == COMPANIES + 1
    assert count(p, "tickets") == 12
    names = p.store.con.execute("SELECT count(*) FROM accounts WHERE name LIKE '% v2'").fetchone()
    assert names == (101,)
    assert [s.status for s in p.source_syncs("crm")] == ["ok", "failed", "ok", "ok"]
