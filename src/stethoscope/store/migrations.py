"""Schema migrations of the store: an ordered list, each applied once, in a transaction.

The applied versions are recorded in ``stethoscope_migrations``; opening a store applies
what is missing, so a database made by an older Stethoscope is upgraded in place. The same
list runs on DuckDB and on Postgres (whose DDL is transactional too): the DDL is written
with DuckDB's type names and ``_ddl`` gives Postgres its own (DOUBLE PRECISION, JSONB). On
Postgres one process migrates at a time; the others wait and find it done.

Each migration carries its SQL as it was when first released, and imports no other module's
DDL or code: a store created today runs the very statements an old store ran on its way
up, so the two cannot differ (tests/store/test_schema.py compares them, catalog to
catalog). A change to the schema is a new migration, never an edit of an old one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from stethoscope.store.database import dialect, migrating

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

# What database.ddl did when these migrations were written, kept here so that a change to
# it (made for new tables) cannot change what an old migration creates.
_POSTGRES_TYPES = (
    (re.compile(r"\bDOUBLE\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bJSON\b"), "JSONB"),
)


def _ddl(con: Connection, sql: str) -> str:
    if dialect(con) == "postgres":
        for pattern, name in _POSTGRES_TYPES:
            sql = pattern.sub(name, sql)
    return sql


def _execute(con: Connection, *statements: str) -> None:
    for sql in statements:
        con.execute(_ddl(con, sql))


def _source_tables(con: Connection) -> None:
    # the data contract (contract.schema) as it was in the first release
    _execute(
        con,
        'CREATE TABLE IF NOT EXISTS "accounts" ("id" VARCHAR NOT NULL, "name" VARCHAR NOT NULL, '
        '"owner" VARCHAR, "segment" VARCHAR, "industry" VARCHAR, "plan" VARCHAR, '
        '"arr" DOUBLE, "seats" BIGINT, "customer_since" DATE NOT NULL, "renewal_date" DATE, '
        '"parent_id" VARCHAR, "attributes" JSON)',
        'CREATE TABLE IF NOT EXISTS "contacts" ("id" VARCHAR NOT NULL, '
        '"account_id" VARCHAR NOT NULL, "email" VARCHAR, "name" VARCHAR, "role" VARCHAR, '
        '"created_at" TIMESTAMP)',
        'CREATE TABLE IF NOT EXISTS "events" ("account_id" VARCHAR NOT NULL, "user_id" VARCHAR, '
        '"event" VARCHAR NOT NULL, "timestamp" TIMESTAMP NOT NULL, "properties" JSON, '
        '"message_id" VARCHAR)',
        'CREATE TABLE IF NOT EXISTS "subscriptions" ("id" VARCHAR, "account_id" VARCHAR NOT NULL, '
        '"product" VARCHAR NOT NULL, "mrr" DOUBLE, "quantity" BIGINT, '
        '"start_date" DATE NOT NULL, "end_date" DATE)',
        'CREATE TABLE IF NOT EXISTS "tickets" ("id" VARCHAR NOT NULL, '
        '"account_id" VARCHAR NOT NULL, "contact_id" VARCHAR, "opened_at" TIMESTAMP NOT NULL, '
        '"closed_at" TIMESTAMP, '
        '"priority" VARCHAR, "status" VARCHAR, "csat" DOUBLE)',
        'CREATE TABLE IF NOT EXISTS "surveys" ("id" VARCHAR, "account_id" VARCHAR NOT NULL, '
        '"contact_id" VARCHAR, "kind" VARCHAR NOT NULL, "score" DOUBLE NOT NULL, '
        '"responded_at" TIMESTAMP NOT NULL, "comment" VARCHAR)',
        'CREATE TABLE IF NOT EXISTS "touchpoints" ("id" VARCHAR, "account_id" VARCHAR NOT NULL, '
        '"contact_id" VARCHAR, "kind" VARCHAR NOT NULL, "persona" VARCHAR, '
        '"occurred_at" TIMESTAMP NOT NULL)',
        'CREATE TABLE IF NOT EXISTS "goals" ("id" VARCHAR, "account_id" VARCHAR NOT NULL, '
        '"name" VARCHAR NOT NULL, "set_at" DATE NOT NULL, "achieved_at" DATE)',
        'CREATE TABLE IF NOT EXISTS "outcomes" ("id" VARCHAR, "account_id" VARCHAR NOT NULL, '
        '"kind" VARCHAR NOT NULL, "date" DATE NOT NULL, "arr_change" DOUBLE)',
    )


def _results(con: Connection) -> None:
    _execute(
        con,
        "CREATE TABLE IF NOT EXISTS model_versions (version VARCHAR PRIMARY KEY, "
        "name VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, source VARCHAR NOT NULL)",
        "CREATE TABLE IF NOT EXISTS runs (id VARCHAR PRIMARY KEY, model_version VARCHAR NOT NULL, "
        "as_of_from DATE NOT NULL, as_of_to DATE NOT NULL, started_at TIMESTAMP NOT NULL, "
        "finished_at TIMESTAMP, status VARCHAR NOT NULL, accounts BIGINT, error VARCHAR)",
        "CREATE TABLE IF NOT EXISTS score_history (run_id VARCHAR NOT NULL, "
        "model_version VARCHAR NOT NULL, as_of DATE NOT NULL, account_id VARCHAR NOT NULL, "
        "score_name VARCHAR NOT NULL, score DOUBLE, band VARCHAR, coverage DOUBLE, "
        "segment VARCHAR, scorecard VARCHAR)",
        "CREATE TABLE IF NOT EXISTS csm_inputs (id VARCHAR PRIMARY KEY, "
        "account_id VARCHAR NOT NULL, name VARCHAR NOT NULL, value_number DOUBLE, "
        "value_text VARCHAR, author VARCHAR NOT NULL, reason VARCHAR NOT NULL, "
        "created_at TIMESTAMP NOT NULL, expires_at TIMESTAMP, revoked_at TIMESTAMP, "
        "revoked_by VARCHAR, revoke_reason VARCHAR)",
    )


def _run_trigger(con: Connection) -> None:
    con.execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS trigger VARCHAR")
    # until now every run was started through the facade directly: the CLI or Python
    con.execute("UPDATE runs SET trigger = 'cli' WHERE trigger IS NULL")


def _keys_and_audit(con: Connection) -> None:
    con.execute(
        "CREATE TABLE api_keys (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, "
        "role VARCHAR NOT NULL, secret_sha256 VARCHAR NOT NULL UNIQUE, prefix VARCHAR NOT NULL, "
        "created_at TIMESTAMP NOT NULL, created_by VARCHAR NOT NULL, revoked_at TIMESTAMP, "
        "revoked_by VARCHAR, last_used_at TIMESTAMP)"
    )
    con.execute("CREATE SEQUENCE audit_log_id START 1")
    _execute(
        con,
        "CREATE TABLE audit_log (id BIGINT PRIMARY KEY DEFAULT nextval('audit_log_id'), "
        '"at" TIMESTAMP NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL, '
        "target VARCHAR, detail JSON)",
    )


def _ingest(con: Connection) -> None:
    # see store.ingest; a user is a Segment userId (kind 'user') or anonymousId ('anonymous')
    con.execute(
        "CREATE TABLE user_accounts (kind VARCHAR NOT NULL, id VARCHAR NOT NULL, "
        'account_id VARCHAR NOT NULL, via VARCHAR NOT NULL, "timestamp" TIMESTAMP NOT NULL, '
        "received_at TIMESTAMP NOT NULL, PRIMARY KEY (kind, id))"
    )
    _execute(
        con,
        "CREATE TABLE pending_events (message_id VARCHAR PRIMARY KEY, user_id VARCHAR, "
        "anonymous_id VARCHAR, group_id VARCHAR, event VARCHAR NOT NULL, "
        '"timestamp" TIMESTAMP NOT NULL, properties JSON, received_at TIMESTAMP NOT NULL)',
    )
    # every message_id the ingest has taken, so that a re-sent call is known by one lookup
    con.execute(
        "CREATE TABLE ingested_messages (message_id VARCHAR PRIMARY KEY, "
        "received_at TIMESTAMP NOT NULL)"
    )


def _compiled(con: Connection) -> None:
    _execute(
        con,
        "CREATE TABLE IF NOT EXISTS compiled_queries (key VARCHAR PRIMARY KEY, "
        "model_version VARCHAR NOT NULL, dialect VARCHAR NOT NULL, "
        "created_at TIMESTAMP NOT NULL, sql VARCHAR NOT NULL)",
    )


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
    _execute(
        con,
        "CREATE TABLE current_scores (model_version VARCHAR NOT NULL, "
        "account_id VARCHAR NOT NULL, score_name VARCHAR NOT NULL, as_of DATE NOT NULL, "
        "score DOUBLE, band VARCHAR, coverage DOUBLE, segment VARCHAR, scorecard VARCHAR, "
        "change_7d DOUBLE, change_30d DOUBLE, change_90d DOUBLE)",
        # DuckDB looks an index up only for an equality on its one column: so the account
        # alone (an account has a row per score and model version, a handful)
        "CREATE INDEX current_scores_account ON current_scores (account_id)",
    )
    # Filled from the history the store already holds, as store.current's rebuild did then:
    # each account's rows on its latest date per model version (over all of its scores),
    # with the change of each score over 7, 30 and 90 days, rounded to 6 decimals.
    postgres = dialect(con) == "postgres"
    trends = []
    joins = []
    for n in (7, 30, 90):
        change = f"h.score - p{n}.score"
        trends.append(
            f"CAST(round(CAST({change} AS NUMERIC), 6) AS DOUBLE PRECISION)"
            if postgres
            else f"round({change}, 6)"
        )
        before = f"INTERVAL '{n} days'" if postgres else f"INTERVAL {n} DAY"
        joins.append(
            f"LEFT JOIN score_history p{n} ON p{n}.model_version = h.model_version "
            f"AND p{n}.account_id = h.account_id AND p{n}.score_name = h.score_name "
            f"AND p{n}.as_of = h.as_of - {before}"
        )
    con.execute(
        "INSERT INTO current_scores (model_version, account_id, score_name, as_of, score, "
        "band, coverage, segment, scorecard, change_7d, change_30d, change_90d) "
        "SELECT h.model_version, h.account_id, h.score_name, h.as_of, h.score, h.band, "
        f"h.coverage, h.segment, h.scorecard, {', '.join(trends)} "
        "FROM score_history h JOIN (SELECT model_version, account_id, max(as_of) AS as_of "
        "FROM score_history GROUP BY model_version, account_id) l "
        "ON l.model_version = h.model_version AND l.account_id = h.account_id "
        f"AND l.as_of = h.as_of {' '.join(joins)}"
    ).fetchall()
    # an account read by its id (the API's account endpoints) is then a lookup, not a scan
    con.execute("CREATE INDEX accounts_id ON accounts (id)")


def _backtests(con: Connection) -> None:
    _execute(
        con,
        "CREATE TABLE IF NOT EXISTS backtest_reports (id VARCHAR PRIMARY KEY, "
        "created_at TIMESTAMP NOT NULL, kind VARCHAR NOT NULL, model_name VARCHAR, "
        "model_version VARCHAR, report VARCHAR NOT NULL)",
    )


def _alerts(con: Connection) -> None:
    _execute(
        con,
        "CREATE SEQUENCE alert_id START 1",
        "CREATE TABLE alerts (id BIGINT PRIMARY KEY DEFAULT nextval('alert_id'), "
        "rule VARCHAR NOT NULL, kind VARCHAR NOT NULL, severity VARCHAR NOT NULL, "
        "account_id VARCHAR NOT NULL, recipient VARCHAR, segment VARCHAR, "
        "opened_on DATE NOT NULL, score DOUBLE, band VARCHAR, value DOUBLE, "
        "status VARCHAR NOT NULL, resolved_on DATE, model_version VARCHAR NOT NULL, "
        "run_id VARCHAR, batch VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)",
        "CREATE SEQUENCE task_id START 1",
        "CREATE TABLE tasks (id BIGINT PRIMARY KEY DEFAULT nextval('task_id'), alert_id BIGINT, "
        "account_id VARCHAR NOT NULL, owner VARCHAR, title VARCHAR NOT NULL, playbook VARCHAR, "
        "steps VARCHAR NOT NULL, due_on DATE, status VARCHAR NOT NULL, reason VARCHAR, "
        "snoozed_until DATE, created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL, "
        "updated_by VARCHAR NOT NULL)",
        "CREATE SEQUENCE delivery_id START 1",
        "CREATE TABLE deliveries (id BIGINT PRIMARY KEY DEFAULT nextval('delivery_id'), "
        "kind VARCHAR NOT NULL, alert_id BIGINT, task_id BIGINT, channel VARCHAR NOT NULL, "
        "recipient VARCHAR, subject VARCHAR, body VARCHAR NOT NULL, digest BOOLEAN NOT NULL, "
        "status VARCHAR NOT NULL, attempts INTEGER NOT NULL, due_at TIMESTAMP NOT NULL, "
        "last_error VARCHAR, created_at TIMESTAMP NOT NULL, sent_at TIMESTAMP)",
        "CREATE TABLE alert_evaluations (model_version VARCHAR NOT NULL, as_of DATE NOT NULL, "
        "evaluated_at TIMESTAMP NOT NULL, opened INTEGER NOT NULL, resolved INTEGER NOT NULL, "
        "PRIMARY KEY (model_version, as_of))",
    )


def _web_sessions(con: Connection) -> None:
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
    con.execute("ALTER TABLE accounts ADD COLUMN IF NOT EXISTS updated_at TIMESTAMP")
    con.execute("ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS term_months BIGINT")


def _account_versions(con: Connection) -> None:
    # Each version of an account (contract.versions); the accounts table is the current one.
    _execute(
        con,
        "CREATE TABLE account_versions (id VARCHAR NOT NULL, name VARCHAR NOT NULL, "
        "owner VARCHAR, segment VARCHAR, industry VARCHAR, plan VARCHAR, arr DOUBLE, "
        "seats BIGINT, customer_since DATE NOT NULL, renewal_date DATE, parent_id VARCHAR, "
        "attributes JSON, updated_at TIMESTAMP, valid_from TIMESTAMP NOT NULL, "
        "valid_to TIMESTAMP, PRIMARY KEY (id, valid_from))",
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


def _run_detail(con: Connection) -> None:
    # where a backfill on Spark wrote its detail, when not in the store (runner.Away)
    con.execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS detail_location VARCHAR")


def _task_changes(con: Connection) -> None:
    # what an Undo of a change made to tasks in one go needs (store.worklist)
    _execute(
        con,
        "CREATE SEQUENCE task_change_id START 1",
        "CREATE TABLE task_changes (id BIGINT PRIMARY KEY DEFAULT nextval('task_change_id'), "
        "action VARCHAR NOT NULL, actor VARCHAR NOT NULL, tasks INTEGER NOT NULL, "
        "created_at TIMESTAMP NOT NULL, undone_at TIMESTAMP)",
        "CREATE TABLE task_undo (change_id BIGINT NOT NULL, task_id BIGINT NOT NULL, "
        "account_id VARCHAR NOT NULL, status VARCHAR NOT NULL, owner VARCHAR, reason VARCHAR, "
        "snoozed_until DATE, updated_at TIMESTAMP NOT NULL, updated_by VARCHAR NOT NULL, "
        "PRIMARY KEY (change_id, task_id))",
    )


def _touchpoint_notes(con: Connection) -> None:
    # who logged a touchpoint and what was said: the dashboard and the API write them
    con.execute("ALTER TABLE touchpoints ADD COLUMN IF NOT EXISTS author VARCHAR")
    con.execute("ALTER TABLE touchpoints ADD COLUMN IF NOT EXISTS note VARCHAR")


def _sources(con: Connection) -> None:
    # each stream's cursor, and the history of syncs (stethoscope.sources.sync)
    _execute(
        con,
        "CREATE TABLE source_cursors (source VARCHAR NOT NULL, stream VARCHAR NOT NULL, "
        "cursor VARCHAR, updated_at TIMESTAMP NOT NULL, PRIMARY KEY (source, stream))",
        "CREATE TABLE source_syncs (id VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, "
        "kind VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP, "
        "status VARCHAR NOT NULL, full_refresh BOOLEAN NOT NULL, trigger VARCHAR NOT NULL, "
        "rows_read BIGINT, rows_written BIGINT, tables JSON, error VARCHAR)",
        "CREATE INDEX source_syncs_source ON source_syncs (source, started_at)",
    )


def _write_back(con: Connection) -> None:
    # what was last written to each source's CRM per account (what a write-back compares
    # a run's scores with), and each write-back after a run, with what failed
    _execute(
        con,
        "CREATE TABLE source_written (source VARCHAR NOT NULL, account_id VARCHAR NOT NULL, "
        "score DOUBLE NOT NULL, band VARCHAR NOT NULL, reason VARCHAR NOT NULL, "
        "written_at TIMESTAMP NOT NULL, PRIMARY KEY (source, account_id))",
        "CREATE TABLE source_write_backs (id VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, "
        "run_id VARCHAR, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP NOT NULL, "
        "status VARCHAR NOT NULL, changed BIGINT NOT NULL, written BIGINT NOT NULL, "
        "failed BIGINT NOT NULL, error VARCHAR)",
        "CREATE INDEX source_write_backs_source ON source_write_backs (source, started_at)",
    )


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
    (15, "changes made to tasks in one go, and what undoing each needs", _task_changes),
    (16, "touchpoints record who logged them and a note", _touchpoint_notes),
    (17, "sources: each stream's cursor and the history of syncs", _sources),
    (18, "scores written back to a source's CRM, and each write-back", _write_back),
    (19, "runs record where their detail is when it is in a lakehouse", _run_detail),
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
