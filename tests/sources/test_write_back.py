"""Scores back to the CRM after each run: a book whose accounts come from the HubSpot (and
the Salesforce) stand-in is scored; its changed scores, bands and top reasons are written to
the fields named in [sources.NAME.write_back], batched and retried; a batch that fails for
good is recorded, never failing the run, and written after the next run; then the stand-in
holds every score once, and a run with nothing changed writes nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from stethoscope.errors import ConfigError
from stethoscope.project import Project
from tests.conftest import STORES
from tests.sources.standins.base import serve

MODEL = """\
name: crm
scale: {min: 0, max: 100, decimals: 1}
bands:
  - {name: red, below: 50}
  - {name: green}
metrics:
  tickets_90d: {table: tickets, aggregate: count, window: 90d}
measures:
  support: {metric: tickets_90d, thresholds: [[0, 100], [1, 70], [2, 40], [3, 10]]}
scorecards:
  standard: {support: 1}
scores:
  health:
    segments:
      - {name: all, scorecard: standard}
"""
AS_OF = dt.date(2024, 2, 1)


@dataclass
class Crm:
    kind: str
    batch: int  # the CRM's batch size: the book spans two batches
    secrets: dict[str, str]
    make: Callable[[int], tuple[Any, Any]]  # accounts -> (state, app)
    add_ticket: Callable[[Any, str, int], None]  # state, account, n
    held: Callable[[Any, str], tuple[Any, Any, Any]]  # the fields written to an account


def _hubspot(n: int) -> tuple[Any, Any]:
    from tests.sources.standins.hubspot import HubSpotState, make_app

    s = HubSpotState()
    for i in range(n):
        s.put("companies", f"{1000 + i}", name=f"Company {i}")
        for k in range(i % 4):
            _hubspot_ticket(s, f"{1000 + i}", k)
    return s, make_app(s)


def _hubspot_ticket(s: Any, account: str, k: int) -> None:
    tid = f"{account}-{k}"
    s.put("tickets", tid, hs_pipeline_stage="1", hs_ticket_priority="HIGH")
    s.associations[("tickets", tid)] = [(account, True)]


def _salesforce(n: int) -> tuple[Any, Any]:
    from tests.sources.standins.salesforce import SalesforceState, make_app

    s = SalesforceState()
    for i in range(n):
        s.put("Account", f"001{i:05d}", Name=f"Account {i}")
        for k in range(i % 4):
            _salesforce_case(s, f"001{i:05d}", k)
    return s, make_app(s)


def _salesforce_case(s: Any, account: str, k: int) -> None:
    s.put("Case", f"500{account}{k}", AccountId=account, Priority="High", Status="New")


CRMS = [
    Crm(
        "hubspot",
        100,
        {"token": "pat-na1-test"},
        _hubspot,
        _hubspot_ticket,
        lambda s, a: tuple(
            s.objects["companies"][a]["properties"].get(p)
            for p in ("cs_score", "cs_band", "cs_reason")
        ),
    ),
    Crm(
        "salesforce",
        200,
        {"access_token": "00D-static-token"},
        _salesforce,
        _salesforce_case,
        lambda s, a: tuple(
            s.objects["Account"][a].get(f) for f in ("CS_Score__c", "CS_Band__c", "CS_Reason__c")
        ),
    ),
]


@pytest.fixture(scope="module", params=CRMS, ids=[c.kind for c in CRMS])
def crm(request: pytest.FixtureRequest) -> Iterator[tuple[Crm, Any, str]]:
    c: Crm = request.param
    state, app = c.make(c.batch + 50)
    with serve(app) as url:
        yield c, state, url


def _config(c: Crm, url: str, database_url: str) -> str:
    env = {k: f"WB_{c.kind.upper()}_{k.upper()}" for k in c.secrets}
    refs = ", ".join(f'{k} = "env:{v}"' for k, v in env.items())
    fields = (
        '{ score_field = "cs_score", band_field = "cs_band", reason_field = "cs_reason" }'
        if c.kind == "hubspot"
        else '{ score_field = "CS_Score__c", band_field = "CS_Band__c", '
        'reason_field = "CS_Reason__c" }'
    )
    return (
        f"database_url = {database_url!r}\n"
        "[sources.crm]\n"
        f'kind = "{c.kind}"\n'
        f'base_url = "{url}"\n'
        f"secrets = {{ {refs} }}\n"
        "options = { max_attempts = 2, backoff = 0.01 }\n"
        f"write_back = {fields}\n"
        "[sources.crm.tables.accounts]\n"
        "[sources.crm.tables.tickets]\n"
    )


@pytest.fixture
def project(
    request: pytest.FixtureRequest,
    crm: tuple[Crm, Any, str],
    tmp_path: Path,
    empty_store: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Project]:
    """A project on a store of the kind given by indirect parametrization (default DuckDB)."""
    c, state, url = crm
    for k, v in c.secrets.items():
        monkeypatch.setenv(f"WB_{c.kind.upper()}_{k.upper()}", v)
    if getattr(request, "param", "duckdb") == "postgres":
        database_url = request.getfixturevalue("new_postgres_database")()
    else:
        database_url = "stethoscope.duckdb"
        shutil.copyfile(empty_store, tmp_path / "stethoscope.duckdb")
    (tmp_path / "stethoscope.toml").write_text(_config(c, url, database_url))
    (tmp_path / "model.yaml").write_text(MODEL)
    state.faults.reset()
    with Project.open(tmp_path) as p:
        yield p


def book_tickets(account: str) -> int:
    """The tickets the stand-in holds for an account: account i has i % 4."""
    n = int(account[-5:]) if account.startswith("001") else int(account) - 1000
    return n % 4


def _book(p: Project) -> dict[str, tuple[float, str]]:
    rows = p.store.con.execute(
        "SELECT account_id, score, band FROM score_history WHERE as_of = ?", [AS_OF]
    ).fetchall()
    return {a: (s, b) for a, s, b in rows}


@pytest.mark.parametrize("project", STORES, indirect=True)
def test_changed_scores_written_once_after_a_partly_failed_write(
    crm: tuple[Crm, Any, str], project: Project
) -> None:
    c, state, _ = crm
    p = project
    p.sync_source("crm")
    state.writes.clear()

    # the second batch fails for good (two 500s, both attempts), the first is written
    state.faults.reset()
    state.faults.fail_at, state.faults.fail_times = 1, 2
    p.run(as_of=AS_OF)  # the run succeeds whatever the CRM does
    book = _book(p)
    assert len(book) == c.batch + 50
    first = p.source_write_backs("crm")[0]
    assert (first.status, first.changed, first.written, first.failed) == (
        "partly",
        c.batch + 50,
        c.batch,
        50,
    )
    assert first.error
    assert "HTTP 500" in first.error
    assert len(state.writes) == c.batch

    # the next run sends the 50 that failed; the first of its tries fails and is retried
    state.faults.reset()
    state.faults.fail_at, state.faults.fail_times = 0, 1
    p.run(as_of=AS_OF)
    second = p.source_write_backs("crm")[0]
    assert (second.status, second.changed, second.written) == ("ok", 50, 50)
    assert state.writes == dict.fromkeys(book, 1), "every account written once"
    for account, (score, band) in book.items():
        got = c.held(state, account)
        assert (float(got[0]), got[1]) == (round(score, 1), band)
        assert got[2], "a reason in words"
    some = next(a for a, (s, _) in book.items() if s < 50)
    assert c.held(state, some)[2] == f"{book_tickets(some)} tickets in 90 days"

    # nothing changed: nothing written
    state.faults.reset()
    p.run(as_of=AS_OF)
    third = p.source_write_backs("crm")[0]
    assert (third.status, third.changed, third.written) == ("ok", 0, 0)
    assert set(state.writes.values()) == {1}

    # one account's tickets change in the CRM: after a sync and a run, it alone is written
    healthy = next(a for a, (s, _) in book.items() if s == 100)
    c.add_ticket(state, healthy, 9)
    p.sync_source("crm")
    p.run(as_of=AS_OF)
    fourth = p.source_write_backs("crm")[0]
    assert (fourth.changed, fourth.written) == (1, 1)
    assert state.writes[healthy] == 2
    assert sum(state.writes.values()) == len(book) + 1
    assert float(c.held(state, healthy)[0]) == 70.0


def test_a_crm_refusing_the_credentials_is_recorded_and_the_run_kept(
    crm: tuple[Crm, Any, str], project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = crm[0]
    project.sync_source("crm")
    for k in c.secrets:
        monkeypatch.setenv(f"WB_{c.kind.upper()}_{k.upper()}", "revoked-credential")
    summary = project.run(as_of=AS_OF)
    assert project.run_record(summary.run_id) is not None
    failed = project.source_write_backs("crm")[0]
    assert (failed.status, failed.written) == ("failed", 0)
    assert failed.error
    assert "refused the credentials" in failed.error
    assert "revoked-credential" not in failed.error
    listed = {s.name: s for s in project.sources()}["crm"]
    assert listed.last_write_back == failed

    # shown at /api/sources and on the Sources page
    from stethoscope.service.app import create_app
    from tests.service.conftest import TOKEN, Api, bearer
    from tests.web.conftest import PASSWORD, Browser

    app = create_app(project, TOKEN)
    body = Api(app).get("/api/sources", headers=bearer(TOKEN)).json()
    shown = body["sources"][0]["last_write_back"]
    assert (shown["status"], shown["error"]) == ("failed", failed.error)
    project.create_user("editor@x.example", "editor", PASSWORD)
    browser = Browser(app)
    assert browser.sign_in("editor@x.example").status_code == 303
    html = browser.get("/sources").text
    assert '<span class="status status-failed">failed</span> 0 of' in html
    assert "refused the credentials" in html


def test_sources_list_shows_the_last_write_back(
    crm: tuple[Crm, Any, str], project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import cli

    c = crm[0]
    project.sync_source("crm")
    project.run(as_of=AS_OF)
    folder = project.settings.project_dir
    project.close()
    r = cli("--project", str(folder), "sources", "list", cwd=folder)
    assert r.returncode == 0, r.stdout + r.stderr
    n = c.batch + 50
    assert f"ok: {n:,} of {n:,} written" in r.stdout, r.stdout


def test_write_back_keys_are_checked(tmp_path: Path) -> None:
    from stethoscope.settings import load_settings

    (tmp_path / "stethoscope.toml").write_text(
        "[sources.desk]\n"
        'kind = "zendesk"\n'
        'write_back = { score_field = "bad field!", scor = "health" }\n'
    )
    with pytest.raises(ConfigError) as e:
        load_settings(tmp_path)
    text = str(e.value)
    assert "score_field: expected a field name" in text
    assert "scor" in text
