"""The sync: streams read from their cursors, checked as an import, written at once or not
at all, on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from stethoscope.errors import DataError, SourceError
from stethoscope.project import Project
from stethoscope.sources.config import SourceSpec
from stethoscope.sources.sync import sync
from stethoscope.store import syncs
from tests.conftest import STORES, open_project
from tests.sources.fake import FakeConnector

SPEC = SourceSpec.model_validate(
    {"kind": "hubspot", "tables": {"accounts": {"map": {"segment": "tier"}}, "tickets": {}}}
)


def company(i: int, modified: str, name: str | None = None, tier: str = "smb") -> dict[str, object]:
    return {
        "company_id": f"c{i}",
        "company_name": name or f"Company {i}",
        "since": "2024-01-01",
        "tier": tier,
        "modified": modified,
        "region": "emea",  # not in the contract: kept in attributes
    }


def ticket(i: int, account: int, updated: str, status: str = "open") -> dict[str, object]:
    return {
        "id": f"t{i}",
        "company_id": f"c{account}",
        "opened_at": "2025-01-02T10:00:00Z",
        "status": status,
        "priority": "high",
        "updated": updated,
    }


def count(p: Project, table: str) -> int:
    row = p.store.con.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("store", STORES)
def test_a_sync_loads_what_changed_once_and_a_failure_writes_nothing(
    request: pytest.FixtureRequest, tmp_path: Path, store: str
) -> None:
    p = open_project(request, store, tmp_path)
    con = p.store.con
    fake = FakeConnector(page_size=2)
    fake.records["companies"] = [company(i, f"2025-01-0{i}") for i in range(1, 4)]
    fake.records["tickets"] = [ticket(i, 1 + i % 3, f"2025-02-0{i}") for i in range(1, 6)]

    first = sync(con, "crm", SPEC, fake)
    assert [(t.table, t.rows_read, t.rows_written) for t in first.tables] == [
        ("accounts", 3, 3),
        ("tickets", 5, 5),
    ]
    assert count(p, "accounts") == 3
    assert count(p, "tickets") == 5
    assert syncs.cursors(con, "crm") == {"companies": "2025-01-03", "tickets": "2025-02-05"}
    seg, attrs = con.execute(
        "SELECT segment, CAST(attributes AS VARCHAR) FROM accounts WHERE id = 'c1'"
    ).fetchone() or (None, None)
    assert seg == "smb"
    assert "emea" in str(attrs)

    # one company renamed, one ticket solved, one new: only those are read, none doubled
    fake.records["companies"][0] = company(1, "2025-01-09", name="Renamed")
    fake.records["tickets"][1] = ticket(2, 3, "2025-02-08", status="solved")
    fake.records["tickets"].append(ticket(6, 2, "2025-02-09"))
    fake.reads.clear()
    second = sync(con, "crm", SPEC, fake)
    assert fake.reads == [("companies", "2025-01-03", 1), ("tickets", "2025-02-05", 2)]
    assert second.rows_written == 3
    assert count(p, "accounts") == 3
    assert count(p, "tickets") == 6
    assert con.execute("SELECT name FROM accounts WHERE id = 'c1'").fetchone() == ("Renamed",)
    assert con.execute("SELECT status FROM tickets WHERE id = 't2'").fetchone() == ("solved",)

    # a 500 on the second page of tickets: the companies read before it are not written
    fake.records["companies"].append(company(4, "2025-01-10"))
    fake.records["tickets"] += [ticket(i, 4, f"2025-02-1{i}") for i in range(7, 10)]
    fake.fail_after = ("tickets", 1)
    with pytest.raises(SourceError, match=r"HTTP 500 on page 2 of tickets"):
        sync(con, "crm", SPEC, fake)
    assert count(p, "accounts") == 3
    assert count(p, "tickets") == 6
    assert syncs.cursors(con, "crm") == {"companies": "2025-01-09", "tickets": "2025-02-09"}
    failed = syncs.history(con, "crm")[0]
    assert failed.status == "failed"
    assert "HTTP 500" in (failed.error or "")
    assert failed.finished_at is not None
    assert failed.tables == {}

    # the next sync resumes from the cursors kept: nothing lost, nothing doubled
    fake.fail_after = None
    fake.reads.clear()
    third = sync(con, "crm", SPEC, fake, trigger="schedule")
    assert fake.reads == [("companies", "2025-01-09", 1), ("tickets", "2025-02-09", 3)]
    assert count(p, "accounts") == 4
    assert count(p, "tickets") == 9
    assert third.rows_written == 4
    ok = syncs.history(con, "crm")[0]
    assert (ok.status, ok.trigger, ok.tables) == ("ok", "schedule", {"accounts": 1, "tickets": 3})

    # a full refresh reads everything again and still writes each row once
    fake.reads.clear()
    sync(con, "crm", SPEC, fake, full_refresh=True)
    assert fake.reads == [("companies", None, 4), ("tickets", None, 9)]
    assert count(p, "accounts") == 4
    assert count(p, "tickets") == 9
    last, last_ok = syncs.latest(con)["crm"]
    assert last.full_refresh
    assert last_ok == last
    p.close()


def test_rows_the_contract_refuses_are_named_by_stream_and_row(project: Project) -> None:
    con = project.store.con
    fake = FakeConnector(page_size=10)
    fake.records["companies"] = [company(1, "2025-01-01")]
    fake.records["tickets"] = [
        ticket(1, 1, "2025-02-01"),
        ticket(2, 7, "2025-02-02"),  # no such company
        {**ticket(3, 1, "2025-02-03"), "status": "lost"},
    ]
    with pytest.raises(DataError) as e:
        sync(con, "crm", SPEC, fake)
    text = str(e.value)
    assert "crm.tickets row 2  account_id: unknown account 'c7'" in text
    assert "crm.tickets row 3  status:" in text
    assert "'lost'" in text
    assert count(project, "accounts") == 0
    assert count(project, "tickets") == 0
    assert syncs.cursors(con, "crm") == {}
    assert syncs.history(con, "crm")[0].status == "failed"


def test_a_stream_the_connector_lacks_is_named_with_a_suggestion(project: Project) -> None:
    spec = SourceSpec.model_validate(
        {"kind": "hubspot", "tables": {"tickets": {"stream": "tikets"}}}
    )
    with pytest.raises(SourceError) as e:
        sync(project.store.con, "crm", spec, FakeConnector())
    assert "sources.crm.tables.tickets.stream: hubspot has no stream 'tikets' (did you mean " in (
        str(e.value)
    )


def test_a_source_with_no_rows_syncs_nothing_and_keeps_no_cursor(project: Project) -> None:
    con = project.store.con
    fake = FakeConnector(page_size=10)
    fake.records["companies"] = []
    fake.records["tickets"] = []
    done = sync(con, "crm", SPEC, fake)
    assert [(t.table, t.rows_read, t.rows_written) for t in done.tables] == [
        ("accounts", 0, 0),
        ("tickets", 0, 0),
    ]
    assert count(project, "accounts") == 0
    assert syncs.cursors(con, "crm") == {}
    assert syncs.history(con, "crm")[0].status == "ok"


@pytest.mark.parametrize("store", STORES)
def test_a_nul_in_a_record_is_refused_at_its_row_and_the_good_sync_before_is_kept(
    request: pytest.FixtureRequest, tmp_path: Path, store: str
) -> None:
    p = open_project(request, store, tmp_path)
    con = p.store.con
    fake = FakeConnector(page_size=10)
    fake.records["companies"] = [company(1, "2025-01-01")]
    fake.records["tickets"] = [ticket(1, 1, "2025-02-01")]
    sync(con, "crm", SPEC, fake)
    fake.records["companies"].append(company(2, "2025-01-02", name="Bad\x00Name"))
    with pytest.raises(DataError) as e:
        sync(con, "crm", SPEC, fake)
    text = str(e.value)
    assert "crm.companies row 1  name: holds the character U+0000" in text
    assert "correct the records in the source" in text
    assert "--skip-bad" not in text
    assert count(p, "accounts") == 1
    assert count(p, "tickets") == 1
    assert syncs.cursors(con, "crm") == {"companies": "2025-01-01", "tickets": "2025-02-01"}
    p.close()
