"""Runs, model versions and score history: what scoring writes and what read-outs read.

- ``model_versions``: every model that scored, by version (its content hash), with its text.
- ``runs``: one row per run, with status, dates, duration and the error of a failed run.
- ``score_history``: a row per (model version, as-of date, account, score): the score, band,
  coverage, segment and scorecard. History under several model versions coexists.
- ``score_detail__<version>``: per model version, the whole frame of a run (every metric
  value and age, measure grade, group score, effective weight and contribution), a row per
  (as-of date, account). Its columns depend on the model, hence a table per version.

A run writes in one transaction: results of a failed run are never half there, and the
results it replaces (same version and dates) stay until it succeeds.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope.contract.schema import q

if TYPE_CHECKING:
    import duckdb

    from stethoscope.model.types import Model

DDL = """
CREATE TABLE IF NOT EXISTS model_versions (
    version VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
    source VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id VARCHAR PRIMARY KEY, model_version VARCHAR NOT NULL, as_of_from DATE NOT NULL,
    as_of_to DATE NOT NULL, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP,
    status VARCHAR NOT NULL, accounts BIGINT, error VARCHAR);
CREATE TABLE IF NOT EXISTS score_history (
    run_id VARCHAR NOT NULL, model_version VARCHAR NOT NULL, as_of DATE NOT NULL,
    account_id VARCHAR NOT NULL, score_name VARCHAR NOT NULL, score DOUBLE, band VARCHAR,
    coverage DOUBLE, segment VARCHAR, scorecard VARCHAR);
CREATE TABLE IF NOT EXISTS csm_inputs (
    id VARCHAR PRIMARY KEY, account_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
    value_number DOUBLE, value_text VARCHAR, author VARCHAR NOT NULL, reason VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL, expires_at TIMESTAMP, revoked_at TIMESTAMP,
    revoked_by VARCHAR, revoke_reason VARCHAR);
"""


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for stmt in DDL.split(";"):
        if stmt.strip():
            con.execute(stmt)


def detail_table(version: str) -> str:
    return f"score_detail__{version[:16]}"


@dataclass(frozen=True)
class RunRecord:
    id: str
    model_version: str
    as_of_from: str
    as_of_to: str
    started_at: str
    finished_at: str | None
    status: str
    accounts: int | None
    error: str | None


def new_run_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def save_version(con: duckdb.DuckDBPyConnection, model: Model) -> None:
    con.execute(
        "INSERT INTO model_versions VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [model.version, model.name, dt.datetime.now(dt.UTC).replace(tzinfo=None), model.source],
    )


def start_run(
    con: duckdb.DuckDBPyConnection, run_id: str, model: Model, start: dt.date, end: dt.date
) -> None:
    con.execute(
        "INSERT INTO runs (id, model_version, as_of_from, as_of_to, started_at, status)"
        " VALUES (?, ?, ?, ?, ?, 'running')",
        [run_id, model.version, start, end, _now()],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    accounts: int | None = None,
    error: str | None = None,
) -> None:
    con.execute(
        "UPDATE runs SET finished_at = ?, status = ?, accounts = ?, error = ? WHERE id = ?",
        [_now(), "failed" if error else "ok", accounts, error, run_id],
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def runs(con: duckdb.DuckDBPyConnection, limit: int = 50) -> list[RunRecord]:
    rows = con.execute(
        "SELECT id, model_version, as_of_from, as_of_to, started_at, "
        "finished_at, status, accounts, error FROM runs "
        "ORDER BY started_at DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [
        RunRecord(
            r[0],
            r[1],
            str(r[2]),
            str(r[3]),
            str(r[4]),
            str(r[5]) if r[5] else None,
            r[6],
            r[7],
            r[8],
        )
        for r in rows
    ]


def history_rows(score_names: list[str]) -> str:
    """SQL turning a frame (as ``_frame``, with ``as_of``) into score_history rows."""
    parts = [
        f"SELECT ? AS run_id, ? AS model_version, as_of, account_id, '{s}' AS score_name, "
        f"{q('score__' + s)}, {q('band__' + s)}, {q('coverage__' + s)}, "
        f"{q('segment__' + s)}, {q('scorecard__' + s)} FROM _frame"
        for s in score_names
    ]
    return " UNION ALL ".join(parts)


def row_dicts(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
