"""Schema migrations of the store: an ordered list, each applied once, in a transaction.

The applied versions are recorded in ``stethoscope_migrations``; opening a store applies
what is missing, so a database made by an older Stethoscope is upgraded in place. The same
list runs on DuckDB and on Postgres (whose DDL is transactional too): the DDL is written
with DuckDB's type names and ``database.ddl`` gives Postgres its own (DOUBLE PRECISION,
JSONB). On Postgres one process migrates at a time; the others wait and find it done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from stethoscope.contract.schema import SQL_TYPES, TABLES, q
from stethoscope.store.database import ddl, migrating

if TYPE_CHECKING:
    from stethoscope.store.database import Connection


def _source_tables(con: Connection) -> None:
    for t in TABLES.values():
        cols = ", ".join(
            f"{q(c.name)} {SQL_TYPES[c.type]}{' NOT NULL' if c.required else ''}" for c in t.columns
        )
        con.execute(ddl(con, f"CREATE TABLE IF NOT EXISTS {q(t.name)} ({cols})"))


def _results(con: Connection) -> None:
    from stethoscope.store.results import create_tables

    create_tables(con)


def _run_trigger(con: Connection) -> None:
    con.execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS trigger VARCHAR")
    # until now every run was started through the facade directly: the CLI or Python
    con.execute("UPDATE runs SET trigger = 'cli' WHERE trigger IS NULL")


def _keys_and_audit(con: Connection) -> None:
    # written out here rather than imported: a migration stays as it was first applied
    con.execute(
        "CREATE TABLE api_keys (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, "
        "role VARCHAR NOT NULL, secret_sha256 VARCHAR NOT NULL UNIQUE, prefix VARCHAR NOT NULL, "
        "created_at TIMESTAMP NOT NULL, created_by VARCHAR NOT NULL, revoked_at TIMESTAMP, "
        "revoked_by VARCHAR, last_used_at TIMESTAMP)"
    )
    con.execute("CREATE SEQUENCE audit_log_id START 1")
    con.execute(
        ddl(
            con,
            "CREATE TABLE audit_log (id BIGINT PRIMARY KEY DEFAULT nextval('audit_log_id'), "
            '"at" TIMESTAMP NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL, '
            "target VARCHAR, detail JSON)",
        )
    )


def _ingest(con: Connection) -> None:
    # see store.ingest; a user is a Segment userId (kind 'user') or anonymousId ('anonymous')
    con.execute(
        "CREATE TABLE user_accounts (kind VARCHAR NOT NULL, id VARCHAR NOT NULL, "
        'account_id VARCHAR NOT NULL, via VARCHAR NOT NULL, "timestamp" TIMESTAMP NOT NULL, '
        "received_at TIMESTAMP NOT NULL, PRIMARY KEY (kind, id))"
    )
    con.execute(
        ddl(
            con,
            "CREATE TABLE pending_events (message_id VARCHAR PRIMARY KEY, user_id VARCHAR, "
            "anonymous_id VARCHAR, group_id VARCHAR, event VARCHAR NOT NULL, "
            '"timestamp" TIMESTAMP NOT NULL, properties JSON, received_at TIMESTAMP NOT NULL)',
        )
    )
    # every message_id the ingest has taken, so that a re-sent call is known by one lookup
    con.execute(
        "CREATE TABLE ingested_messages (message_id VARCHAR PRIMARY KEY, "
        "received_at TIMESTAMP NOT NULL)"
    )


def _compiled(con: Connection) -> None:
    from stethoscope.store.compiled import DDL

    con.execute(DDL)


def _users(con: Connection) -> None:
    # people who sign in to the dashboard (store.users), and the secrets the service keeps
    # (the key that signs session cookies), each made once and kept
    con.execute(
        "CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, "
        "role VARCHAR NOT NULL, password_hash VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, "
        "created_by VARCHAR NOT NULL, disabled_at TIMESTAMP)"
    )
    con.execute(
        "CREATE TABLE service_secrets (name VARCHAR PRIMARY KEY, secret VARCHAR NOT NULL, "
        "created_at TIMESTAMP NOT NULL)"
    )


def _current_scores(con: Connection) -> None:
    from stethoscope.store import current

    current.create(con)
    current.rebuild(con)
    # an account read by its id (the API's account endpoints) is then a lookup, not a scan
    con.execute("CREATE INDEX accounts_id ON accounts (id)")


def _backtests(con: Connection) -> None:
    from stethoscope.store.backtests import create_tables

    create_tables(con)


def _alerts(con: Connection) -> None:
    from stethoscope.store.alerts import DDL

    for stmt in DDL:
        con.execute(ddl(con, stmt))


def _web_sessions(con: Connection) -> None:
    # written out here rather than imported: a migration stays as it was first applied
    con.execute(
        "CREATE TABLE web_sessions (id_sha256 VARCHAR PRIMARY KEY, "
        "dashboard_user VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, "
        "expires_at TIMESTAMP NOT NULL, revoked_at TIMESTAMP, address VARCHAR)"
    )
    con.execute(
        "CREATE TABLE signin_attempts (name VARCHAR NOT NULL, address VARCHAR NOT NULL, "
        '"at" TIMESTAMP NOT NULL)'
    )


def _contract_time(con: Connection) -> None:
    # written out here rather than read from the contract: a migration stays as first applied
    con.execute("ALTER TABLE accounts ADD COLUMN IF NOT EXISTS updated_at TIMESTAMP")
    con.execute("ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS term_months BIGINT")


def _account_versions(con: Connection) -> None:
    # written out here rather than read from the contract: a migration stays as first applied.
    # Each version of an account (contract.versions); the accounts table is the current one.
    con.execute(
        ddl(
            con,
            "CREATE TABLE account_versions (id VARCHAR NOT NULL, name VARCHAR NOT NULL, "
            "owner VARCHAR, segment VARCHAR, industry VARCHAR, plan VARCHAR, arr DOUBLE, "
            "seats BIGINT, customer_since DATE NOT NULL, renewal_date DATE, parent_id VARCHAR, "
            "attributes JSON, updated_at TIMESTAMP, valid_from TIMESTAMP NOT NULL, "
            "valid_to TIMESTAMP, PRIMARY KEY (id, valid_from))",
        )
    )
    # what the store holds is each account's first version: before it, nothing is known, and
    # a date before a first version reads it (engine.attributes)
    con.execute(
        "INSERT INTO account_versions SELECT id, name, owner, segment, industry, plan, arr, "
        "seats, customer_since, renewal_date, parent_id, attributes, updated_at, "
        "coalesce(updated_at, CAST(customer_since AS TIMESTAMP)), NULL FROM accounts"
    )


def _run_process(con: Connection) -> None:
    # which process made a run: an interrupted run's error names it (store.results)
    con.execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS host VARCHAR")
    con.execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS pid BIGINT")


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "source tables of the data contract", _source_tables),
    (2, "model versions, runs, score history, CSM inputs", _results),
    (3, "runs record what triggered them: cli, api or schedule", _run_trigger),
    (4, "API keys and the audit log", _keys_and_audit),
    (5, "users' accounts and pending events of the Segment-compatible ingest", _ingest),
    (6, "compiled scoring queries", _compiled),
    (7, "dashboard users and the service's secrets", _users),
    (8, "current scores, kept by every run, and an index on accounts' ids", _current_scores),
    (9, "alerts, tasks, the outbox of deliveries and alert evaluations", _alerts),
    (10, "backtest reports", _backtests),
    (
        11,
        "dashboard sessions (revoked at sign-out) and failed sign-ins (rate limit)",
        _web_sessions,
    ),
    (12, "accounts.updated_at and subscriptions.term_months", _contract_time),
    (13, "account versions: the values of each account over time", _account_versions),
    (14, "runs record the host and process that made them", _run_process),
]


def migrate(con: Connection) -> list[int]:
    """Apply every migration not yet applied; return the versions applied now."""
    with migrating(con):
        return _migrate(con)


def pending(con: Connection) -> list[int]:
    """The versions of ``MIGRATIONS`` the store has not applied (none: its schema is
    current; a newer process may have applied more, which this one does not need)."""
    done = {r[0] for r in con.execute("SELECT version FROM stethoscope_migrations").fetchall()}
    return [version for version, _, _ in MIGRATIONS if version not in done]


def _migrate(con: Connection) -> list[int]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS stethoscope_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT now())"
    )
    done = {r[0] for r in con.execute("SELECT version FROM stethoscope_migrations").fetchall()}
    applied = []
    for version, name, step in MIGRATIONS:
        if version in done:
            continue
        con.begin()
        try:
            step(con)
            con.execute(
                "INSERT INTO stethoscope_migrations (version, name) VALUES (?, ?)", [version, name]
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
        applied.append(version)
    return applied
