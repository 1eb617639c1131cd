"""Runs, model versions and score history: what scoring writes and what read-outs read.

- ``model_versions``: every model that scored, by version (its content hash), with its text.
- ``runs``: one row per run, with status, dates, duration, the error of a failed run and its
  trigger: what started it (``cli``: the CLI or the Python facade, ``api``, ``schedule``,
  ``input``: one account scored again when an input was saved),
  and the host and process id that ran it.
- ``score_history``: a row per (model version, as-of date, account, score): the score, band,
  coverage, segment and scorecard. History under several model versions coexists.
- ``score_detail__<version>``: per model version, the whole frame of a run (every metric
  value and age, measure grade, group score, effective weight and contribution), a row per
  (as-of date, account). Its columns depend on the model, hence a table per version. A
  backfill on Spark with ``spark_detail_path`` keeps only its last date here, and every
  date in a lakehouse folder its run records (``runs.detail_location``).

A run writes in one transaction: results of a failed run are never half there, and the
results it replaces (same version and dates) stay until it succeeds.

A run whose process died (SIGKILL, out of memory, power lost) cannot record its end: its
row stays ``running``. ``interrupt_dead`` marks such rows failed ("interrupted"), when the
store is opened and when the next run starts. A live run is told from a dead one by the
lock every run holds from its first write to its last (``database.run_lock``): on
Postgres a session's advisory lock, which the server frees when the session ends, however
the client died and from whichever host; on DuckDB the file, which one process holds. So
no heartbeat to write and no lease to time out: whoever holds the lock knows every other
``running`` row is dead. The host and pid only say which process it was.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from stethoscope import clock
from stethoscope.contract.schema import q

if TYPE_CHECKING:
    from stethoscope.model.types import Model
    from stethoscope.store.database import Connection


def detail_table(version: str) -> str:
    return f"score_detail__{version[:16]}"


# "input": one account scored again when a CSM input was saved (stethoscope.rescore)
Trigger = Literal["cli", "api", "schedule", "input"]
STATUSES = ("running", "ok", "failed")


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
    trigger: str


@dataclass
class RunStart:
    """A run on its way: what started it, and its id once the runner has recorded it."""

    trigger: Trigger
    started_at: dt.datetime
    run_id: str | None = None

    def __str__(self) -> str:
        started = f"triggered by {self.trigger}, started {self.started_at:%Y-%m-%d %H:%M:%S} UTC"
        return f"run id {self.run_id}, {started}" if self.run_id else started


# The runner writes the run's row but the trigger is its caller's: the facade hands it down
# in this context instead of through the runner's arguments, which are about scoring.
_starting: ContextVar[RunStart | None] = ContextVar("stethoscope_run_start", default=None)


@contextmanager
def starting(run: RunStart) -> Iterator[RunStart]:
    """Within this block, ``start_run`` records ``run.trigger`` and fills ``run.run_id``."""
    token = _starting.set(run)
    try:
        yield run
    finally:
        _starting.reset(token)


def new_run_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def save_version(con: Connection, model: Model, *, actor: str | None = None) -> None:
    """Store the model under its version, once; a new version is recorded in the audit log
    as saved by ``actor`` (default: this process's user)."""
    from stethoscope.store import audit

    saved = con.execute(
        "INSERT INTO model_versions VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING version",
        [model.version, model.name, clock.now(), model.source],
    ).fetchall()
    if saved:
        audit.record(
            con, actor or audit.local_actor(), "model.save", model.version, {"name": model.name}
        )


def start_run(con: Connection, run_id: str, model: Model, start: dt.date, end: dt.date) -> None:
    """Record a run as running; called under the run lock, so any other ``running`` row
    is a dead run's first (``interrupt_dead``)."""
    interrupt_dead(con, holding_run_lock=True)
    run = _starting.get()
    if run is not None:
        run.run_id = run_id
    con.execute(
        "INSERT INTO runs (id, model_version, as_of_from, as_of_to, started_at, status, "
        "trigger, host, pid) VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)",
        [
            run_id,
            model.version,
            start,
            end,
            clock.now(),
            run.trigger if run else "cli",
            *_process(),
        ],
    )


def interrupt_dead(con: Connection, *, holding_run_lock: bool) -> list[str]:
    """Mark failed, as interrupted, every ``running`` row whose process is gone; return
    their ids. Without the run lock this takes it if it is free (Postgres), and does
    nothing while another session holds it: a run is live, and the next run start will
    look again. On DuckDB this process holds the file, so the rows of other processes are
    dead; its own are left alone (another thread, or another project object on the same
    file, may be making that run still)."""
    from stethoscope.errors import RunInProgressError
    from stethoscope.store.database import dialect, run_lock

    if not holding_run_lock and dialect(con) == "postgres":
        try:
            with run_lock(con):
                return interrupt_dead(con, holding_run_lock=True)
        except RunInProgressError:
            return []
    sql = "SELECT id, host, pid FROM runs WHERE status = 'running'"
    found = con.execute(sql).fetchall()
    if dialect(con) == "duckdb":
        found = [r for r in found if (r[1], r[2]) != _process()]
    now = clock.now()
    for run_id, host, pid in found:
        who = f"process {pid} on {host}" if pid is not None else "its process"
        con.execute(
            "UPDATE runs SET status = 'failed', finished_at = ?, error = ? "
            "WHERE id = ? AND status = 'running'",
            [
                now,
                f"interrupted: {who} ended before the run finished (found {now:%Y-%m-%d %H:%M:%S}"
                " UTC); nothing of it was written",
                run_id,
            ],
        )
    return [r[0] for r in found]


def _process() -> tuple[str, int]:
    return socket.gethostname(), os.getpid()


def finish_run(
    con: Connection,
    run_id: str,
    *,
    accounts: int | None = None,
    error: str | None = None,
) -> None:
    con.execute(
        "UPDATE runs SET finished_at = ?, status = ?, accounts = ?, error = ? WHERE id = ?",
        [clock.now(), "failed" if error else "ok", accounts, error, run_id],
    )


_RUN_COLUMNS = (
    "id, model_version, as_of_from, as_of_to, started_at, finished_at, status, accounts, "
    "error, trigger"
)


def _record(r: tuple[Any, ...]) -> RunRecord:
    return RunRecord(
        r[0], r[1], str(r[2]), str(r[3]), str(r[4]), str(r[5]) if r[5] else None, *r[6:]
    )


def runs(
    con: Connection,
    limit: int = 50,
    *,
    offset: int = 0,
    status: str | None = None,
) -> list[RunRecord]:
    """Runs, newest first; only those with ``status`` when given."""
    where, params = ("WHERE status = ?", [status]) if status else ("", [])
    rows = con.execute(
        f"SELECT {_RUN_COLUMNS} FROM runs {where} "
        "ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return [_record(r) for r in rows]


def run(con: Connection, run_id: str) -> RunRecord | None:
    row = con.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", [run_id]).fetchone()
    return _record(row) if row else None


def last_scored(con: Connection, model_version: str, upto: dt.date) -> dt.date | None:
    """The latest as-of date, at or before ``upto``, that a successful run scored under
    ``model_version``."""
    row = con.execute(
        "SELECT max(as_of_to) FROM runs WHERE status = 'ok' AND model_version = ? "
        "AND as_of_to <= ?",
        [model_version, upto],
    ).fetchone()
    return row[0] if row else None


def set_detail_location(con: Connection, run_id: str, location: str) -> None:
    """Record that the run's detail is at ``location`` (a lakehouse folder partitioned by
    as-of date), not in the store's detail table (but for its last date)."""
    con.execute("UPDATE runs SET detail_location = ? WHERE id = ?", [location, run_id])


def detail_location(con: Connection, model_version: str, as_of: dt.date) -> str | None:
    """Where the detail of ``as_of`` under ``model_version`` is, when the run that stored
    its scores wrote it to a lakehouse (the folder of that date); None when in the store."""
    row = con.execute(
        "SELECT r.detail_location FROM score_history h JOIN runs r ON r.id = h.run_id "
        "WHERE h.model_version = ? AND h.as_of = ? AND r.detail_location IS NOT NULL LIMIT 1",
        [model_version, as_of],
    ).fetchone()
    return f"{row[0]}/as_of={as_of.isoformat()}" if row else None


def history_rows(detail: str, score_names: list[str]) -> str:
    """SQL turning a run's rows of the detail table into score_history rows; parameters:
    (model version, run id, first date, last date) per score. The run's dates bound the
    read, so that DuckDB skips the row groups of other dates (written date by date)."""
    parts = [
        f"SELECT run_id, ? AS model_version, as_of, account_id, '{s}' AS score_name, "
        f"{q('score__' + s)}, {q('band__' + s)}, {q('coverage__' + s)}, "
        f"{q('segment__' + s)}, {q('scorecard__' + s)} FROM {q(detail)} "
        "WHERE run_id = ? AND as_of BETWEEN ? AND ?"
        for s in score_names
    ]
    return " UNION ALL ".join(parts)


def row_dicts(con: Connection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
