"""`stethoscope sources list|check|sync` over a project's [sources.NAME], a SaaS kind served
by the in-memory connector, and tables read in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from stethoscope.errors import SourceError
from stethoscope.sources import registry
from tests.conftest import ACCOUNTS_CSV
from tests.conftest import cli as run_here
from tests.sources.fake import FakeConnector
from tests.sources.test_sync import company, ticket

TOKEN = "s3cret-token-value"
CONFIG = """
database_url = "stethoscope.duckdb"

[sources.crm]
kind = "hubspot"
secrets = { token = "env:FAKE_CRM_TOKEN" }

[sources.crm.tables.accounts]
map = { segment = "tier" }

[sources.crm.tables.tickets]

[sources.lake]
kind = "files"

[sources.lake.tables.tickets]
path = "lake/tickets.csv"
"""


class Made:
    """What the connector class was given, and the connector it made."""

    secrets: ClassVar[dict[str, str]] = {}
    connector = FakeConnector()


def _connector(base_url: str | None, secrets: dict[str, str], options: dict[str, Any]) -> Any:
    Made.secrets = dict(secrets)
    return Made.connector


@pytest.fixture
def folder(tmp_path: Path, empty_store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import shutil

    (tmp_path / "stethoscope.toml").write_text(CONFIG)
    shutil.copyfile(empty_store, tmp_path / "stethoscope.duckdb")
    (tmp_path / "lake").mkdir()
    (tmp_path / "lake" / "tickets.csv").write_text(
        "id,account_id,opened_at,status\nt1,a1,2025-01-02T10:00:00Z,open\n"
        "t2,a9,2025-01-03T10:00:00Z,open\n"
    )
    (tmp_path / "accounts.csv").write_text(ACCOUNTS_CSV)
    monkeypatch.setattr(registry, "connector_classes", lambda: {"hubspot": _connector})
    monkeypatch.setenv("FAKE_CRM_TOKEN", TOKEN)
    monkeypatch.setenv("COLUMNS", "200")
    fake = FakeConnector(page_size=2)
    fake.records["companies"] = [company(i, f"2025-01-0{i}") for i in range(1, 4)]
    fake.records["tickets"] = [ticket(i, 1 + i % 3, f"2025-02-0{i}") for i in range(1, 6)]
    Made.connector = fake
    return tmp_path


class Ran:
    def __init__(self, exit_code: int, output: str) -> None:
        self.exit_code, self.output = exit_code, output


def cli(folder: Path, *args: str) -> Ran:
    """The command's exit code, and what it wrote on stdout and stderr, in this process."""
    r = run_here("--project", str(folder), *args, cwd=folder)
    return Ran(r.returncode, r.stdout + r.stderr)


def test_sync_list_and_check(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = cli(folder, "sources", "sync")
    assert r.exit_code == 0, r.output
    assert "Synced crm: 8 rows written" in r.output
    assert "accounts <- companies: 3 read, 3 written; cursor 2025-01-03" in r.output
    assert "lake (files) is read in place at each run: nothing to sync" in r.output
    assert Made.secrets == {"token": TOKEN}

    again = cli(folder, "sources", "sync", "crm")
    assert "tickets <- tickets since 2025-02-05: 0 read, 0 written" in again.output

    listed = cli(folder, "sources", "list")
    assert listed.exit_code == 0, listed.output
    rows = [line.strip("│ ").split(" │ ") for line in listed.output.splitlines()]
    lines = {r[0].strip(): [c.strip() for c in r] for r in rows if r[0].strip() in ("crm", "lake")}
    assert lines["crm"][1:5] == ["hubspot", "accounts, tickets", "before each run", "ok"]
    assert lines["lake"][4] == "in place"

    # the lake's ticket t2 names an account the store does not have
    checked = cli(folder, "sources", "check", "lake")
    assert checked.exit_code == 1
    assert "tickets <- lake/tickets.csv: 2 rows looked at" in checked.output
    assert "columns: id=id, account_id=account_id, opened_at=opened_at, status=status" in (
        checked.output
    )
    assert "sources.lake.tables.tickets row 2  account_id: unknown account 'a9'" in (checked.output)
    assert cli(folder, "sources", "check", "crm").exit_code == 0


def test_a_failed_sync_says_why_without_its_secret(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Made.connector.fail_after = ("tickets", 1)
    original = Made.connector.read

    def read(stream: str, cursor: str | None) -> Any:
        try:
            yield from original(stream, cursor)
        except SourceError as e:
            raise SourceError(f"{e.message} (sent token {TOKEN})") from None

    monkeypatch.setattr(Made.connector, "read", read)
    r = cli(folder, "sources", "sync", "crm")
    assert r.exit_code == 1
    assert "HTTP 500 on page 2 of tickets (sent token ***)" in r.output
    assert TOKEN not in r.output
    listed = cli(folder, "sources", "list").output
    assert "failed" in listed
    assert TOKEN not in listed

    monkeypatch.delenv("FAKE_CRM_TOKEN")
    r = cli(folder, "sources", "sync", "crm")
    assert r.exit_code == 1
    assert "sources.crm.secrets.token: the environment variable FAKE_CRM_TOKEN is not set" in (
        r.output
    )
    unknown = cli(folder, "sources", "sync", "crn")
    assert "no source 'crn' in stethoscope.toml (did you mean 'crm'?)" in unknown.output
