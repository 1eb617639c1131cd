"""Forgetting an account or a person: gone from every table, other accounts untouched; the
core of it on DuckDB and on Postgres alike."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from stethoscope.contract.schema import TABLES, derived_key, q
from stethoscope.project import Project
from stethoscope.store import privacy
from stethoscope.store.audit import local_actor
from stethoscope.store.database import Connection, dialect
from tests.conftest import STORES, filled_project
from tests.engine.test_golden import GOLDEN

AS_OF = dt.date(2024, 6, 30)

FILES = {
    "accounts.csv": """\
id,name,owner,segment,industry,plan,arr,seats,customer_since,renewal_date,parent_id,billing
acme,Acme,dana@x.example,smb,retail,growth,12000,10,2023-01-01,2025-01-01,,ann.lee@acme.example
beta,Beta,lee@x.example,smb,healthcare,starter,6000,5,2023-06-01,2025-06-01,,ops@beta.example
kid,Kidco,lee@x.example,smb,retail,starter,3000,5,2023-06-01,2025-06-01,acme,
""",
    "contacts.csv": """\
id,account_id,email,name,role,created_at
c-ann,acme,ann.lee@acme.example,Ann Lee,champion,2023-01-05T00:00:00Z
c-bo,acme,bo@acme.example,Bo Berg,user,2023-01-06T00:00:00Z
c-cy,beta,cy@beta.example,Cy Young,executive,2023-06-05T00:00:00Z
""",
    "events.jsonl": "\n".join(
        json.dumps(e)
        for e in [
            {
                "account_id": "acme",
                "user_id": "c-ann",
                "event": "report_created",
                "timestamp": "2024-06-20T10:00:00Z",
                "properties": {
                    "feature": "reports",
                    "context": {"ip": "10.1.2.3", "traits": {"email": "ann.lee@acme.example"}},
                },
            },
            {
                "account_id": "acme",
                "user_id": "c-ann",
                "event": "login",
                "timestamp": "2024-06-21T10:00:00Z",
            },
            {
                "account_id": "acme",
                "user_id": "c-bo",
                "event": "invite_sent",
                "timestamp": "2024-06-22T10:00:00Z",
                "properties": {"feature": "invite", "invitee": "Ann Lee", "invitee_id": "c-ann"},
            },
            # Ann also works in the beta account's workspace
            {
                "account_id": "beta",
                "user_id": "c-ann",
                "event": "login",
                "timestamp": "2024-06-23T10:00:00Z",
            },
            {
                "account_id": "beta",
                "user_id": "c-cy",
                "event": "login",
                "timestamp": "2024-06-24T10:00:00Z",
                "properties": {"feature": "home"},
            },
            {
                "account_id": "kid",
                "user_id": None,
                "event": "login",
                "timestamp": "2024-06-24T11:00:00Z",
            },
        ]
    )
    + "\n",
    "subscriptions.csv": """\
account_id,product,mrr,quantity,start_date,end_date
acme,core,1000,10,2023-01-01,
beta,core,500,5,2023-06-01,
""",
    "tickets.csv": """\
id,account_id,contact_id,opened_at,closed_at,priority,status,csat
t1,acme,c-ann,2024-06-01T10:00:00Z,2024-06-02T10:00:00Z,normal,solved,5
t2,acme,c-bo,2024-06-03T10:00:00Z,,high,open,
t3,beta,c-cy,2024-06-04T10:00:00Z,,low,open,
""",
    "surveys.csv": """\
account_id,contact_id,kind,score,responded_at,comment
acme,c-ann,nps,9,2024-06-01T10:00:00Z,"Love it. Ann"
acme,c-bo,nps,7,2024-06-02T10:00:00Z,"Ann Lee set us up; ask ANN.LEE@acme.example"
beta,c-cy,nps,3,2024-06-03T10:00:00Z,Slow
""",
    "touchpoints.csv": """\
account_id,contact_id,kind,persona,occurred_at
acme,c-ann,call,champion,2024-06-10T10:00:00Z
acme,c-bo,email,user,2024-06-11T10:00:00Z
beta,c-cy,meeting,executive,2024-06-12T10:00:00Z
""",
    "goals.csv": """\
account_id,name,set_at,achieved_at
acme,Ann Lee's team runs weekly reports,2024-01-01,
beta,Cut onboarding time,2024-01-01,
""",
    "outcomes.csv": """\
account_id,kind,date,arr_change
acme,renewed,2024-01-01,0
beta,renewed,2024-06-01,0
""",
}


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scored book of three accounts, with data in every table, built once."""
    folder = tmp_path_factory.mktemp("book")
    with Project.open(folder) as p:
        fill(p)
    return folder


def fill(p: Project) -> None:
    """Import the files in the project's folder, score them, add inputs and ingest traces."""
    folder = p.settings.project_dir
    shutil.copy(GOLDEN / "model.yaml", folder / "model.yaml")
    for name in TABLES:
        file = next(f for f in FILES if f.split(".")[0] == name)
        (folder / file).write_text(FILES[file])
        p.import_file(name, folder / file)
    p.run(as_of=AS_OF)
    p.add_input("acme", "gut_check", "8", reason="Ann Lee is a strong champion", author="dana")
    wrong = p.add_input("acme", "deployed", "yes", reason="kick-off done", author="dana")
    p.revoke_input(wrong["id"], by="dana", reason="ann.lee@acme.example says not yet")
    p.add_input("beta", "gut_check", "5", reason="quiet", author="lee")
    # what the Segment-compatible ingest keeps: where users are, events waiting for theirs
    con = p.store.con
    for kind, who, account in [
        ("user", "c-ann", "acme"),
        ("anonymous", "anon-ann", "acme"),
        ("user", "c-cy", "beta"),
        ("anonymous", "anon-cy", "beta"),
    ]:
        con.execute(
            "INSERT INTO user_accounts VALUES (?, ?, ?, 'identify', ?, ?)",
            [kind, who, account, AS_OF, AS_OF],
        ).fetchall()
    for message, user, anonymous, group, properties in PENDING:
        con.execute(
            "INSERT INTO pending_events VALUES (?, ?, ?, ?, 'login', ?, ?, ?)",
            [message, user, anonymous, group, AS_OF, json.dumps(properties), AS_OF],
        ).fetchall()
    # what the alerts layer keeps: an alert and its task per account, the messages composed
    # for them (to the owner; and, by a playbook that emails customers, to acme's Ann Lee)
    for account, owner in [("acme", "dana@x.example"), ("beta", "lee@x.example")]:
        con.execute(
            "INSERT INTO alerts (rule, kind, severity, account_id, recipient, opened_on, score, "
            "band, value, status, model_version, batch, created_at) VALUES "
            "('act', 'below', 'act', ?, ?, ?, 55, 'red', 55, 'open', 'v', 'b1', ?)",
            [account, owner, AS_OF, AS_OF],
        ).fetchall()
        con.execute(
            "INSERT INTO tasks (alert_id, account_id, owner, title, steps, due_on, status, "
            "reason, created_at, updated_at, updated_by) SELECT max(id), ?, ?, 'Call them', "
            "'[]', ?, 'snoozed', ?, ?, ?, 'dana' FROM alerts",
            [account, owner, AS_OF, REASONS[account], AS_OF, AS_OF],
        ).fetchall()
        for recipient, body in [
            (owner, f"{account} fell to 55"),
            ("Ann.Lee@acme.example", "Dear Ann Lee"),
        ]:
            if account == "acme" or recipient == owner:
                con.execute(
                    "INSERT INTO deliveries (kind, alert_id, task_id, channel, recipient, body, "
                    "digest, status, attempts, due_at, created_at) SELECT 'alert', max(a.id), "
                    "max(t.id), 'email', ?, ?, false, 'pending', 0, ?, ? FROM alerts a, tasks t",
                    [recipient, body, AS_OF, AS_OF],
                ).fetchall()


# why each account's task waits (acme's names its contact)
REASONS = {"acme": "Ann Lee asked to wait", "beta": "a quiet month"}

# message_id, user_id, anonymous_id, group_id, properties
PENDING = [
    ("m1", "c-ann", "anon-ann", None, {"email": "ann.lee@acme.example", "feature": "x"}),
    ("m2", "c-ann", "anon-ann", "newco", {"feature": "y"}),  # an account not imported yet
    ("m3", None, "anon-ann", None, {"feature": "z"}),
    ("m4", "c-bo", None, "acme", {"invitee": "Ann Lee"}),
    ("m5", "c-cy", "anon-cy", None, {"feature": "home"}),
]


def pending(con: Connection) -> list[tuple[Any, ...]]:
    rows = con.execute(
        "SELECT message_id, user_id, anonymous_id, group_id, CAST(properties AS VARCHAR) "
        "FROM pending_events ORDER BY message_id"
    ).fetchall()
    return [(*r[:4], json.loads(r[4])) for r in rows]


@pytest.fixture
def store() -> str:
    """The kind of store of ``project``: a test parametrizes it over STORES to run on both."""
    return "duckdb"


@pytest.fixture
def project(request: pytest.FixtureRequest, store: str, tmp_path: Path) -> Any:
    """The book on ``store``: a copy of the one built for the module (DuckDB), or of the
    one built for the test run's process (Postgres)."""
    book = request.getfixturevalue("book")
    if store == "duckdb":
        shutil.copytree(book, tmp_path / "p")
        opened = Project.open(tmp_path / "p")
    else:
        # the book's files beside a copy of the book filled once on Postgres
        (tmp_path / "p").mkdir()
        for f in book.iterdir():
            if f.is_file() and not f.name.startswith("stethoscope."):
                shutil.copy(f, tmp_path / "p" / f.name)
        opened = filled_project(request, store, tmp_path / "p", "privacy", fill)
    with opened as p:
        # explained off the record: the frame computed for it leaves no copy behind
        p.explain("acme", as_of=AS_OF - dt.timedelta(days=1))
        yield p


def postgres(con: Connection) -> bool:
    return dialect(con) == "postgres"


def text_columns(con: Connection) -> list[tuple[str, str, str]]:
    """(database or schema, table, column) of every text column, temporary tables included."""
    if postgres(con):
        return [
            tuple(r)
            for r in con.execute(
                "SELECT table_schema, table_name, column_name FROM information_schema.columns "
                "WHERE (table_schema = current_schema() OR table_schema = (SELECT nspname FROM "
                "pg_namespace WHERE oid = pg_my_temp_schema())) AND data_type IN "
                "('character varying', 'text', 'json', 'jsonb') ORDER BY 1, 2, 3"
            ).fetchall()
        ]
    return con.execute(
        "SELECT database_name, table_name, column_name FROM duckdb_columns() "
        "WHERE database_name IN (current_database(), 'temp') "
        "AND data_type IN ('VARCHAR', 'JSON') ORDER BY ALL"
    ).fetchall()


def occurrences(con: Connection, needle: str) -> dict[str, int]:
    """Where ``needle`` occurs, in any case, in any text of the store: table.column -> rows."""
    out = {}
    for db, table, column in text_columns(con):
        name = f"{q(db)}.{q(table)}" if postgres(con) else f"{q(db)}.main.{q(table)}"
        row = con.execute(
            f"SELECT count(*) FROM {name} WHERE strpos(lower(CAST({q(column)} AS VARCHAR)), ?) > 0",
            [needle.lower()],
        ).fetchone()
        if row and row[0]:
            out[f"{table}.{column}"] = int(row[0])
    return out


def rows(con: Connection, table: str, where: str = "true") -> set[str]:
    return {repr(r) for r in con.execute(f"SELECT * FROM {q(table)} WHERE {where}").fetchall()}


def snapshot(con: Connection, accounts: list[str]) -> dict[str, set[str]]:
    """Every row of these accounts, per table holding account rows."""
    tables = con.execute(
        "SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND column_name = 'account_id'"
        if postgres(con)
        else "SELECT DISTINCT table_name FROM duckdb_columns() WHERE database_name = "
        "current_database() AND column_name = 'account_id'"
    ).fetchall()
    params = ", ".join(repr(a) for a in accounts)  # the test's own ids
    out = {t: rows(con, t, f"account_id IN ({params})") for (t,) in tables}
    out["accounts"] = rows(con, "accounts", f"id IN ({params})")
    return out


@pytest.mark.parametrize("store", STORES)
def test_forget_account_leaves_nothing_of_it_anywhere(project: Project) -> None:
    con = project.store.con
    before = occurrences(con, "acme")
    # the fixture put the account in every kind of table there is
    tables = {k.split(".")[0] for k in before}
    detail = next(t for t in tables if t.startswith("score_detail__"))
    assert tables >= {
        *TABLES,
        "score_history",
        "current_scores",
        detail,
        "csm_inputs",
        "alerts",
        "tasks",
        "deliveries",
        "audit_log",
    }
    counts = {
        t: con.execute(f"SELECT count(*) FROM {q(t)} WHERE account_id = 'acme'").fetchone()
        for t in [
            *list(TABLES)[1:],
            "score_history",
            "current_scores",
            detail,
            "csm_inputs",
            "alerts",
            "tasks",
            "user_accounts",
        ]
    }
    others = snapshot(con, ["beta", "kid"])

    e = project.forget(account_id="acme")

    assert occurrences(con, "acme") == {}
    assert occurrences(con, "ann.lee") == {}  # its contacts went with it
    assert e.subject == "account"
    deleted = {t: n[0] for t, n in counts.items() if n and n[0]}
    # the ingest's waiting events placed in acme (by user, anonymous id, group) went too
    # and the messages composed for its alerts and tasks
    # its versions went with it (one: imported once), and the child's lost the parent too
    assert (
        e.deleted
        == {
            "accounts": 1,
            "account_versions": 1,
            "pending_events": 3,
            "deliveries": 2,
        }
        | deleted
    )
    assert deleted["user_accounts"] == 2
    # a child account lost its parent, beta's event its user (a contact of acme), a waiting
    # event placed elsewhere its user, and the three audit entries about acme's inputs their
    # account id (the scores' detail holds no parent: it is read from accounts)
    assert e.updated == {
        "accounts": 1,
        "account_versions": 1,
        "events": 1,
        "pending_events": 1,
        "audit_log": 3,
    }
    assert pending(con) == [
        ("m2", None, None, "newco", {"feature": "y"}),
        ("m5", "c-cy", "anon-cy", None, {"feature": "home"}),
    ]
    after = snapshot(con, ["beta", "kid"])
    changed = {t for t in others if others[t] != after[t]}
    assert changed == {"accounts", "events"}
    assert con.execute("SELECT parent_id FROM accounts WHERE id = 'kid'").fetchall() == [(None,)]
    assert rows(con, "accounts", "id = 'kid'") == {
        r.replace("'acme'", "None") for r in others["accounts"] if "Kidco" in r
    }
    assert con.execute(
        "SELECT user_id, event FROM events WHERE account_id = 'beta' ORDER BY timestamp"
    ).fetchall() == [(None, "login"), ("c-cy", "login")]
    assert len(after["events"]) == len(others["events"])
    # the audit log says what was done, by whom, without the id
    entry = project.audit(1)[0]
    assert (entry.actor, entry.action, entry.target) == (
        local_actor(),
        "privacy.forget",
        privacy.reference("account", "acme"),
    )
    assert entry.detail == {"subject": "account", "deleted": e.deleted, "updated": e.updated}
    adds = project.audit(10, action="input.add")
    assert {a.detail["account_id"] for a in adds} == {"beta", privacy.reference("account", "acme")}
    # the other accounts still score
    assert {r.account_id for r in project.scores(as_of=AS_OF)} == {"beta", "kid"}


@pytest.mark.parametrize("store", STORES)
def test_forget_contact_erases_the_person_and_keeps_what_they_did(project: Project) -> None:
    con = project.store.con
    for needle in ("ann.lee", "ann lee", "c-ann", "anon-ann"):
        assert occurrences(con, needle), needle
    scores = rows(con, "score_history")
    events = con.execute("SELECT count(*) FROM events").fetchone()
    beta_before = snapshot(con, ["beta"])

    e = project.forget(contact_id="c-ann")

    for needle in ("ann.lee", "ann lee", "c-ann", "anon-ann"):
        assert occurrences(con, needle) == {}, needle
    # and, of the ingest's, her places and her waiting events that name no account
    # her pending message too (the mixed-case address included)
    assert e.deleted == {"contacts": 1, "user_accounts": 2, "pending_events": 2, "deliveries": 1}
    assert e.updated == {
        "accounts": 1,
        "account_versions": 1,
        "events": 4,
        "surveys": 2,
        "goals": 1,
        "csm_inputs": 2,
        "tasks": 1,
        "tickets": 1,
        "touchpoints": 1,
        "pending_events": 2,
    }
    assert pending(con) == [
        ("m2", None, None, "newco", {"feature": "y"}),
        ("m4", "c-bo", None, "acme", {"invitee": "[erased]"}),
        ("m5", "c-cy", "anon-cy", None, {"feature": "home"}),
    ]
    ids = [r[0] for r in con.execute("SELECT id FROM contacts ORDER BY id").fetchall()]
    assert ids == ["c-bo", "c-cy"]
    # what Ann did stays, anonymous: events, her NPS answer (without her words), her ticket
    assert con.execute("SELECT count(*) FROM events").fetchone() == events
    ann = con.execute(
        "SELECT user_id, CAST(properties AS VARCHAR) FROM events "
        "WHERE account_id = 'acme' AND event IN ('report_created', 'login') ORDER BY timestamp"
    ).fetchall()
    assert [(u, json.loads(p) if p else None) for u, p in ann] == [
        (None, {"feature": "reports", "context": {}}),
        (None, None),
    ]
    bo = con.execute("SELECT CAST(properties AS VARCHAR) FROM events WHERE user_id = 'c-bo'")
    assert json.loads(bo.fetchall()[0][0]) == {"feature": "invite", "invitee": "[erased]"}
    assert con.execute(
        "SELECT contact_id, score, comment FROM surveys WHERE account_id = 'acme' ORDER BY score"
    ).fetchall() == [("c-bo", 7.0, "[erased] set us up; ask [erased]"), (None, 9.0, None)]
    assert con.execute("SELECT contact_id FROM tickets WHERE id = 't1'").fetchall() == [(None,)]
    billing = (
        "attributes ->> 'billing'"
        if postgres(con)
        else "json_extract_string(attributes, '$.billing')"
    )
    assert con.execute(f"SELECT DISTINCT {billing} FROM accounts WHERE id = 'acme'").fetchall() == [
        ("[erased]",)
    ]
    assert con.execute("SELECT name FROM goals WHERE account_id = 'acme'").fetchall() == [
        ("[erased]'s team runs weekly reports",)
    ]
    reasons = con.execute(
        "SELECT reason, revoke_reason FROM csm_inputs WHERE account_id = 'acme' ORDER BY name"
    ).fetchall()
    assert reasons == [
        ("kick-off done", "[erased] says not yet"),
        ("[erased] is a strong champion", None),
    ]
    # derived ids are derived again from what the rows now hold: no hash of Ann's id is left
    for t in ("surveys", "touchpoints", "goals"):
        key = derived_key(TABLES[t])
        if postgres(con):  # the same hash, in Postgres's words
            parts = ", ".join(f"CAST({q(c)} AS VARCHAR)" for c in TABLES[t].natural_key)
            key = f"md5(CAST(to_json(ARRAY[{parts}]) AS VARCHAR))"
        bad = con.execute(f"SELECT count(*) FROM {q(t)} WHERE id <> {key}").fetchone()
        assert bad == (0,), t
    # scores are untouched, and in beta only her event lost its user
    assert rows(con, "score_history") == scores
    beta_after = snapshot(con, ["beta"])
    assert {t for t in beta_before if beta_before[t] != beta_after[t]} == {"events"}
    assert beta_before["events"] - beta_after["events"] == {
        r for r in beta_before["events"] if "'c-ann'" in r
    }
    entry = project.audit(1)[0]
    assert (entry.action, entry.target) == ("privacy.forget", privacy.reference("contact", "c-ann"))
    assert "ann" not in json.dumps(entry.detail).lower()


@pytest.mark.parametrize("store", STORES)
def test_forget_is_one_transaction(project: Project, store: str) -> None:
    con = project.store.con
    # a detail table the erasure cannot delete from makes it fail half-way
    con.execute("CREATE TABLE score_detail__broken (x INTEGER)").fetchall()
    before = {t: rows(con, t) for t in [*TABLES, "score_history", "csm_inputs", "audit_log"]}
    if store == "postgres":
        import psycopg

        failure: type[Exception] = psycopg.errors.UndefinedColumn
    else:
        failure = duckdb.BinderException
    with pytest.raises(failure, match="account_id"):
        project.forget(account_id="acme")
    after = {t: rows(con, t) for t in before}
    assert after == before


@pytest.mark.parametrize("store", STORES)
def test_forgetting_what_is_not_there_is_recorded_and_changes_nothing(project: Project) -> None:
    con = project.store.con
    before = {t: rows(con, t) for t in TABLES}
    e = project.forget(contact_id="nobody")
    assert (e.deleted, e.updated, e.rows) == ({}, {}, 0)
    assert {t: rows(con, t) for t in TABLES} == before
    assert project.audit(1)[0].target == privacy.reference("contact", "nobody")


def test_every_table_with_account_rows_is_known_to_forget(project: Project) -> None:
    """A new table holding account or person ids must be taught to forget (and the docs)."""
    con = project.store.con
    found = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = "
        "current_database() AND column_name IN "
        "('account_id', 'contact_id', 'user_id', 'anonymous_id', 'group_id', 'parent_id')"
    ).fetchall()
    assert found
    for table, column in found:
        known = (table, column) in privacy.KNOWN_COLUMNS
        assert known or table.startswith(privacy.DETAIL_PREFIX), (table, column)


def test_forget_wants_one_subject(project: Project) -> None:
    from stethoscope.errors import DataError

    with pytest.raises(DataError, match=r"^forget needs an account id or a contact id"):
        project.forget()
    with pytest.raises(DataError, match=r"^forget needs an account id or a contact id"):
        project.forget(account_id="acme", contact_id="c-ann")
