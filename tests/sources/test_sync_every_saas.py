"""`stethoscope sources check` and `sources sync` end to end for every SaaS connector, each
against its stand-in, configured in stethoscope.toml as a user would (base_url, secrets as
env: references): check says what it would read and how columns map; a sync loads the
contract tables; a second loads only what changed; a persistent 500 mid-sync writes
nothing and keeps the cursors, and the next sync ends with every row exactly once.

One stand-in server per connector for the module; the CLI runs in this process."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from stethoscope.project import Project
from stethoscope.store import syncs
from tests.conftest import cli
from tests.sources.standins.base import serve


@dataclass
class Case:
    """One connector's scenario: its stand-in seeded, its config, and what changes."""

    kind: str
    make: Callable[[], tuple[Any, Any]]  # (state, app), the state seeded
    secrets: dict[str, str]  # secret name -> value (put in the environment)
    options: str  # the TOML inline table of options
    tables: list[str]  # contract tables configured, in sync order
    counts: dict[str, int]  # rows per table after the first sync
    table: str  # the table whose stream the change scenario uses
    stream: str
    column: str  # a contract column of `table` the changes set
    few: Callable[[Any], dict[str, str]]  # change a row or two, add one: id -> new value
    many: Callable[[Any], dict[str, str]]  # change rows over several pages
    # columns check must show mapped, as "contract=source"
    mapped: list[str] = field(default_factory=list)
    accounts_csv: str | None = None  # accounts imported from a file first (Zendesk)


# HubSpot: companies (accounts) and tickets, the ticket's company from the associations API
def _hubspot() -> tuple[Any, Any]:
    from tests.sources.standins.hubspot import HubSpotState, make_app

    s = HubSpotState()
    s.owners = [{"id": "1", "email": "csm@example.com", "firstName": "C"}]
    for i in range(120):
        s.put("companies", str(1000 + i), name=f"Company {i}", hubspot_owner_id="1")
    for i in range(10):
        s.put("tickets", str(7000 + i), hs_pipeline_stage="1", hs_ticket_priority="HIGH")
        s.associations[("tickets", str(7000 + i))] = [(str(1000 + i), True)]
    return s, make_app(s)


def _hubspot_few(s: Any) -> dict[str, str]:
    s.put("companies", "1003", name="Renamed")
    s.put("companies", "9999", name="New Co")
    return {"1003": "Renamed", "9999": "New Co"}


def _hubspot_many(s: Any) -> dict[str, str]:
    for i in range(90):
        s.put("companies", str(1000 + i), name=f"Company {i} v2")
    return {str(1000 + i): f"Company {i} v2" for i in range(90)}


# Salesforce: accounts and cases, by SOQL pages of at least 200 records
def _salesforce() -> tuple[Any, Any]:
    from tests.sources.standins.salesforce import SalesforceState, make_app

    s = SalesforceState()
    for i in range(450):
        s.put("Account", f"001{i:05d}", Name=f"Account {i}", Industry="Retail")
    for i in range(6):
        s.put("Case", f"500{i:05d}", AccountId=f"001{i:05d}", Priority="High", Status="New")
    return s, make_app(s)


def _salesforce_few(s: Any) -> dict[str, str]:
    s.put("Account", "00100005", Name="Renamed")
    s.put("Account", "001NEW", Name="New")
    return {"00100005": "Renamed", "001NEW": "New"}


def _salesforce_many(s: Any) -> dict[str, str]:
    for i in range(300):
        s.put("Account", f"001{i:05d}", Name=f"Account {i} v2")
    return {f"001{i:05d}": f"Account {i} v2" for i in range(300)}


# Zendesk: tickets and ratings; its organizations name accounts imported from a file, by
# the organization's external_id (account_key, docs/reference/sources.md)
def _zendesk() -> tuple[Any, Any]:
    from tests.sources.standins.zendesk import ZendeskState, make_app

    s = ZendeskState()
    for org in range(10):
        s.organizations[100 + org] = {
            "id": 100 + org,
            "name": f"Org {org}",
            "external_id": f"a{org}",
        }
    for i in range(1, 131):
        s.put_ticket(i, organization_id=100 + i % 10, requester_id=9000 + i, status="open")
    for i in range(1, 4):
        s.put_rating(i, ticket_id=i, requester_id=9000 + i, score="good", comment="ok")
    return s, make_app(s)


def _zendesk_few(s: Any) -> dict[str, str]:
    s.put_ticket(8, status="solved")
    s.put_ticket(999, organization_id=101, requester_id=1, status="new")
    return {"8": "solved", "999": "new"}


def _zendesk_many(s: Any) -> dict[str, str]:
    for i in range(1, 121):
        s.put_ticket(i, status="pending")
    return {str(i): "pending" for i in range(1, 121)}


ZENDESK_ACCOUNTS = "id,name,customer_since\n" + "".join(
    f"a{i},Account {i},2024-01-01\n" for i in range(10)
)


# Stripe: customers (accounts) and subscriptions, newest first; `created` never changes,
# so what is new is what a second sync reads
def _stripe() -> tuple[Any, Any]:
    from tests.sources.standins.stripe import StripeState, make_app

    s = StripeState()
    for i in range(130):
        s.add("customers", f"cus_{i:04d}", name=f"Customer {i}", email=f"c{i}@example.com")
    s.subscribe("sub_a", "cus_0001", 5000, quantity=3)
    s.subscribe("sub_b", "cus_0002", 120000, interval="year")
    return s, make_app(s)


def _stripe_few(s: Any) -> dict[str, str]:
    s.add("customers", "cus_new1", name="New 1")
    s.add("customers", "cus_new2", name="New 2")
    return {"cus_new1": "New 1", "cus_new2": "New 2"}


def _stripe_many(s: Any) -> dict[str, str]:
    for i in range(120):
        s.add("customers", f"cus_more{i:03d}", name=f"More {i}")
    return {f"cus_more{i:03d}": f"More {i}" for i in range(120)}


# Intercom: companies (read whole) and conversations, searched by updated_at
def _intercom() -> tuple[Any, Any]:
    from tests.sources.standins.intercom import IntercomState, make_app

    s = IntercomState()
    for i in range(12):
        s.put_company(f"acme-{i}", name=f"Acme {i}", remote_created_at=1_600_000_000)
    for i in range(130):
        s.put_contact(f"u{i}", f"x{i}", f"acme-{i % 12}")
        s.put_conversation(
            f"c{i}",
            contacts={
                "type": "contact.list",
                "contacts": [{"type": "contact", "id": f"u{i}", "external_id": f"x{i}"}],
            },
            statistics={"last_close_at": 1_704_100_000},
        )
    return s, make_app(s)


def _intercom_few(s: Any) -> dict[str, str]:
    s.put_conversation("c7", state="closed")
    s.put_conversation(
        "c-new",
        contacts={
            "type": "contact.list",
            "contacts": [{"type": "contact", "id": "u1", "external_id": "x1"}],
        },
    )
    return {"c7": "closed", "c-new": "open"}


def _intercom_many(s: Any) -> dict[str, str]:
    for i in range(120):
        s.put_conversation(f"c{i}", state="snoozed")
    return {f"c{i}": "pending" for i in range(120)}


CASES = [
    Case(
        "hubspot",
        _hubspot,
        {"token": "pat-na1-test"},
        "{ page_size = 50 }",
        ["accounts", "tickets"],
        {"accounts": 120, "tickets": 10},
        "accounts",
        "companies",
        "name",
        _hubspot_few,
        _hubspot_many,
        ["id=id", "name=name", "owner=owner_email"],
    ),
    Case(
        "salesforce",
        _salesforce,
        {"client_id": "3MVG9-client", "client_secret": "s3cret"},
        "{ batch_size = 200 }",
        ["accounts", "tickets"],
        {"accounts": 450, "tickets": 6},
        "accounts",
        "accounts",
        "name",
        _salesforce_few,
        _salesforce_many,
        ["id=Id", "name=Name", "industry=Industry"],
    ),
    Case(
        "zendesk",
        _zendesk,
        {"email": "agent@example.com", "api_token": "zd-token"},
        '{ page_size = 50, account_key = "external_id" }',
        ["tickets", "surveys"],
        {"tickets": 130, "surveys": 3},
        "tickets",
        "tickets",
        "status",
        _zendesk_few,
        _zendesk_many,
        ["id=id", "account_id=account_id", "opened_at=created_at"],
        accounts_csv=ZENDESK_ACCOUNTS,
    ),
    Case(
        "stripe",
        _stripe,
        {"api_key": "sk_test_51Standin"},
        "{ page_size = 50 }",
        ["accounts", "subscriptions"],
        {"accounts": 130, "subscriptions": 2},
        "accounts",
        "customers",
        "name",
        _stripe_few,
        _stripe_many,
        ["id=id", "name=name"],
    ),
    Case(
        "intercom",
        _intercom,
        {"access_token": "dG9rOmludGVyY29t"},
        "{ page_size = 50 }",
        ["accounts", "tickets"],
        {"accounts": 12, "tickets": 130},
        "tickets",
        "conversations",
        "status",
        _intercom_few,
        _intercom_many,
        ["id=company_id", "name=name"],
    ),
]


@pytest.fixture(scope="module")
def sites() -> Iterator[dict[str, tuple[Any, str]]]:
    """Each connector's stand-in, seeded, serving for the whole module."""
    with ExitStack() as stack:
        out = {}
        for case in CASES:
            state, app = case.make()
            out[case.kind] = (state, stack.enter_context(serve(app)))
        yield out


def _folder(case: Case, url: str, tmp: Path, empty_store: Path) -> Path:
    env = {name: f"E2E_{case.kind.upper()}_{name.upper()}" for name in case.secrets}
    refs = ", ".join(f'{k} = "env:{v}"' for k, v in env.items())
    text = (
        'database_url = "stethoscope.duckdb"\n'
        "[sources.src]\n"
        f'kind = "{case.kind}"\n'
        f'base_url = "{url}"\n'
        f"secrets = {{ {refs} }}\n"
        f"options = {case.options[:-1]}, max_attempts = 2, backoff = 0.01 }}\n"
    )
    text += "".join(f"[sources.src.tables.{t}]\n" for t in case.tables)
    (tmp / "stethoscope.toml").write_text(text)
    shutil.copyfile(empty_store, tmp / "stethoscope.duckdb")
    return tmp


def _run(folder: Path, *args: str) -> tuple[int, str]:
    r = cli("--project", str(folder), *args, cwd=folder)
    return r.returncode, r.stdout + r.stderr


def _store(folder: Path, sql: str) -> list[tuple[Any, ...]]:
    with Project.open(folder) as p:
        return [tuple(r) for r in p.store.con.execute(sql).fetchall()]


def _values(folder: Path, case: Case, ids: list[str]) -> dict[str, Any]:
    rows = _store(folder, f"SELECT id, {case.column} FROM {case.table}")  # our own names
    return {k: v for k, v in rows if k in set(ids)}


def _read(out: str, case: Case) -> int:
    found = re.search(rf"{case.table} <- {case.stream}(?: since \S+)?: ([\d,]+) read", out)
    assert found, out
    return int(found.group(1).replace(",", ""))


@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
def test_check_sync_resume_and_only_changes(
    case: Case,
    sites: dict[str, tuple[Any, str]],
    tmp_path: Path,
    empty_store: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state, url = sites[case.kind]
    state.faults.reset()
    for name, value in case.secrets.items():
        monkeypatch.setenv(f"E2E_{case.kind.upper()}_{name.upper()}", value)
    folder = _folder(case, url, tmp_path, empty_store)
    if case.accounts_csv:
        (folder / "accounts.csv").write_text(case.accounts_csv)
        code, out = _run(folder, "import", "accounts", "accounts.csv")
        assert code == 0, out

    # check: what it would read and how columns map; nothing written
    code, out = _run(folder, "sources", "check", "src")
    assert code == 0, out
    assert f"src ({case.kind}): ok" in out
    for table in case.tables:
        assert re.search(rf"{table} <- \w+: [\d,]+ rows looked at", out), out
    columns = out.split(f"{case.tables[0]} <- ", 1)[1].split("\n")[1]
    for pair in case.mapped:
        assert pair in columns, out
    assert _store(folder, f"SELECT count(*) FROM {case.table}") == [(0,)]

    # the first sync loads every table
    code, out = _run(folder, "sources", "sync", "src")
    assert code == 0, out
    assert re.search(r"Synced src: [\d,]+ rows written", out), out
    for table, n in case.counts.items():
        assert _store(folder, f"SELECT count(*) FROM {table}") == [(n,)], (table, out)

    # a second sync after a change and an addition reads only those (and the rows at the
    # cursor, read again by an inclusive filter)
    few = case.few(state)
    new = set(few) - set(_values(folder, case, list(few)))
    code, out = _run(folder, "sources", "sync", "src")
    assert code == 0, out
    assert len(few) <= _read(out, case) <= len(few) + 2, out
    total = case.counts[case.table] + len(new)
    assert _store(folder, f"SELECT count(*) FROM {case.table}") == [(total,)]
    assert _values(folder, case, list(few)) == few

    # rows changed over several pages, and a 500 for good from the second page on
    many = case.many(state)
    added = len(set(many) - set(_values(folder, case, list(many))))
    with Project.open(folder) as p:
        cursors = syncs.cursors(p.store.con, "src")
    state.faults.fail_at = 1
    code, out = _run(folder, "sources", "sync", "src")
    assert code == 1, out
    assert "500" in out
    with Project.open(folder) as p:
        assert syncs.cursors(p.store.con, "src") == cursors
        assert p.source_syncs("src")[0].status == "failed"
    assert not set(_values(folder, case, list(many)).items()) & set(many.items()), (
        "a failed sync wrote rows"
    )

    # the next sync reads again from the kept cursors: every row once, every change in
    state.faults.reset()
    code, out = _run(folder, "sources", "sync", "src")
    assert code == 0, out
    rows = _store(folder, f"SELECT count(*), count(DISTINCT id) FROM {case.table}")
    assert rows == [(total + added, total + added)]
    assert _values(folder, case, list(many)) == many
    for table, n in case.counts.items():
        if table != case.table:
            assert _store(folder, f"SELECT count(*) FROM {table}") == [(n,)], table
    with Project.open(folder) as p:
        assert [s.status for s in p.source_syncs("src")] == ["ok", "failed", "ok", "ok"]
